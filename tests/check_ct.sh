#!/bin/sh
# check_ct.sh - valgrind's memcheck on tests/ct_secret.c: the library's code for the key
# exchange's secret (X25519, and P-256 and P-384's mulgen and mul), built as the CLI is (-O2) and
# for size (-Os), may not branch on or index memory by the secret scalar. Ends with
# "N passed, N failed" (one check per build).
BUILD=${BUILD:-build}
CC=${CC:-cc}
mkdir -p "$BUILD"
if ! command -v valgrind >/dev/null 2>&1; then
    echo "FAIL constant time: valgrind is not installed (apt-get install valgrind)"
    echo "0 passed, 1 failed"
    exit 1
fi
passed=0
failed=0
for opt in -O2 -Os; do
    bin=$BUILD/ct_secret$opt
    if $CC -std=c99 -Wall -Wextra -Wpedantic -Wconversion $opt -g -I. -o "$bin" tests/ct_secret.c \
           -lbearssl &&
       valgrind -q --error-exitcode=9 --track-origins=yes "$bin" > "$bin.log" 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL constant time ($opt):"
        sed -n 1,30p "$bin.log"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
