#!/bin/sh
# test_curves.sh - builds tests/test_curves.c (the library's X25519 and P-256 signature checks
# against RFC 7748 and BearSSL's curve codes, with AddressSanitizer and UBSan) and runs it.
# Ends with "N passed, N failed".
BUILD=${BUILD:-build}
mkdir -p "$BUILD"
${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Wconversion -O1 -g \
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
    -I. -Itests -o "$BUILD/test_curves" tests/test_curves.c tests/test_run.c -lbearssl || {
    echo "0 passed, 1 failed"
    exit 1
}
exec "$BUILD/test_curves"
