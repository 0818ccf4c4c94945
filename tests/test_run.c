/* test_run.c - the harness's counters: each case passes when no CHECK failed in it, and a
   program ends with the line "N passed, N failed". Linked into every C test program. */
#include "test.h"

int test_failures_in_case;
static int passed, failed;

void test_run(const char *name, void (*fn)(void))
{
    test_failures_in_case = 0;
    fn();
    test_count(name, test_failures_in_case == 0);
}

void test_count(const char *name, int ok)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s\n", name);
    }
}

int test_report(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
