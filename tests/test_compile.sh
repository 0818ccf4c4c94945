#!/bin/sh
# test_compile.sh - the header compiles warning-free as C99 (gcc, clang when present) and as
# C++11, with and without sockets, in each TLS profile and without 128-bit integers, and two
# translation units that include it link together.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
printf '#define GEMINI_STREAM_IMPLEMENTATION\n#include "gemini_stream.h"\nint main(void) { return 0; }\n' > "$TMP/impl.c"
printf '#include "gemini_stream.h"\nconst char *other(void) { return gemini_strerror(GEMINI_ERR_API); }\n' > "$TMP/other.c"
FLAGS="-Wall -Wextra -Wpedantic -Werror -I."

check() {   # check LABEL COMMAND...
    label=$1
    shift
    if "$@" 2> "$TMP/err"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $label" >&2; cat "$TMP/err" >&2; fi
}

for cc in gcc clang; do
    command -v $cc > /dev/null 2>&1 || continue
    check "$cc C99" $cc -std=c99 $FLAGS -Wconversion -c "$TMP/impl.c" -o "$TMP/a.o"
    check "$cc C99, GEMINI_NO_SOCKETS" $cc -std=c99 $FLAGS -Wconversion -DGEMINI_NO_SOCKETS -c "$TMP/impl.c" -o "$TMP/b.o"
    check "$cc C99, GEMINI_STREAM_STATIC" $cc -std=c99 $FLAGS -DGEMINI_STREAM_STATIC -c "$TMP/impl.c" -o "$TMP/c.o"
    check "$cc C99, GEMINI_TLS_FULL" $cc -std=c99 $FLAGS -DGEMINI_TLS_FULL -c "$TMP/impl.c" -o "$TMP/d.o"
    check "$cc C99, GEMINI_TLS_SMALL" $cc -std=c99 $FLAGS -Wconversion -DGEMINI_TLS_SMALL -c "$TMP/impl.c" -o "$TMP/d.o"
    # as on 32-bit targets: BearSSL's curve codes instead of the library's 64-bit ones
    check "$cc C99, no 128-bit integers" $cc -std=c99 $FLAGS -Wconversion -U__SIZEOF_INT128__ -c "$TMP/impl.c" -o "$TMP/f.o"
done
for cxx in g++ clang++; do
    command -v $cxx > /dev/null 2>&1 || continue
    check "$cxx C++11" $cxx -x c++ -std=c++11 $FLAGS -c "$TMP/impl.c" -o "$TMP/e.o"
done
check "two translation units link" ${CC:-cc} -std=c99 $FLAGS "$TMP/impl.c" "$TMP/other.c" -o "$TMP/two" -lbearssl
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
