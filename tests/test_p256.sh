#!/bin/sh
# test_p256.sh - builds tests/test_p256.c (the library's P-256 signature checks against BearSSL's
# P-256 codes, with AddressSanitizer and UBSan) and runs it. Ends with "N passed, N failed".
BUILD=${BUILD:-build}
mkdir -p "$BUILD"
${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Wconversion -O1 -g \
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
    -I. -Itests -o "$BUILD/test_p256" tests/test_p256.c tests/test_run.c -lbearssl || {
    echo "0 passed, 1 failed"
    exit 1
}
exec "$BUILD/test_p256"
