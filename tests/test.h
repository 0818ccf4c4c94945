/* test.h - the project's tiny test harness: TEST_CASE functions, CHECK macros, a summary line. */
#ifndef GEMINI_TEST_H
#define GEMINI_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failures_in_case;   /* CHECK failures in the running case */

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            test_failures_in_case++;                                                  \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                             \
    } while (0)

#define CHECK_INT(a, b)                                                                 \
    do {                                                                                \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                 \
        if (check_a_ != check_b_) {                                                     \
            test_failures_in_case++;                                                    \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__,     \
                    __LINE__, #a, check_a_, #b, check_b_);                              \
        }                                                                               \
    } while (0)

/* Compares a byte string with a NUL-terminated expectation. */
#define CHECK_MEM(ptr, len, expected)                                                   \
    do {                                                                                \
        const char *check_e_ = (expected);                                              \
        size_t check_n_ = (size_t)(len);                                                \
        if (check_n_ != strlen(check_e_) || memcmp((ptr), check_e_, check_n_) != 0) {   \
            test_failures_in_case++;                                                    \
            fprintf(stderr, "  %s:%d: %s is \"%.*s\", expected \"%s\"\n", __FILE__,     \
                    __LINE__, #ptr, (int)check_n_, (const char *)(ptr), check_e_);     \
        }                                                                               \
    } while (0)

#define CHECK_STR(s, expected) CHECK_MEM((s), strlen(s), (expected))

/* Runs one case and counts it as passed when no CHECK failed in it (tests/test_run.c). */
void test_run(const char *name, void (*fn)(void));
/* Counts one check made outside a case. */
void test_count(const char *name, int ok);
/* Prints "N passed, N failed"; returns the exit status (0 when nothing failed). */
int test_report(void);

#endif
