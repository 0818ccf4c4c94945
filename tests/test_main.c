/* test_main.c - runs every unit-test suite and ends with the line "N passed, N failed". */
#include "test.h"

#define SUITES(X) X(http_head) X(body) X(sse) X(json) X(parser) X(request)

#define DECLARE(name) void suite_##name(void);
SUITES(DECLARE)

int main(void)
{
#define RUN(name) suite_##name();
    SUITES(RUN)
    return test_report();
}
