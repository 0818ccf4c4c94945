#!/bin/sh
# test_anchors.sh - builds tests/test_anchors.c (the library's trust-anchor readers against
# BearSSL's decoders, with AddressSanitizer and UBSan) and runs it from the repository root.
# Ends with "N passed, N failed".
BUILD=${BUILD:-build}
mkdir -p "$BUILD"
${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Wconversion -O1 -g \
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
    -I. -Itests -o "$BUILD/test_anchors" tests/test_anchors.c tests/test_run.c -lbearssl || {
    echo "0 passed, 1 failed"
    exit 1
}
exec "$BUILD/test_anchors"
