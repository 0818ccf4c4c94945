/* test_main.c - runs every suite and ends with the line "N passed, N failed". */
#include "test.h"

int test_failures_in_case;
static int passed, failed;

void test_run(const char *name, void (*fn)(void))
{
    test_failures_in_case = 0;
    fn();
    if (test_failures_in_case == 0) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL %s\n", name);
    }
}

#define SUITES(X) X(http_head) X(body) X(sse) X(json) X(parser) X(request)

#define DECLARE(name) void suite_##name(void);
SUITES(DECLARE)

int main(void)
{
#define RUN(name) suite_##name();
    SUITES(RUN)
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
