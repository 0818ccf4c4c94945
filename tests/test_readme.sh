#!/bin/sh
# test_readme.sh - every ```c block in README.md compiles (and links) on its own, and so does
# the TL;DR example at the top of gemini_stream.h.
BUILD=${BUILD:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
awk -v dir="$TMP" '
    /^```c$/ { n++; out = sprintf("%s/block%d.c", dir, n); inblock = 1; next }
    /^```/ { inblock = 0; next }
    inblock { print > out }
' README.md
awk '/TL;DR:/ { f = 1; next } /CONFIGURATION MACROS/ { f = 0 } f' gemini_stream.h |
    sed 's/^      //' > "$TMP/block0_tldr.c"
pass=0
fail=0
for f in "$TMP"/block*.c; do
    [ -e "$f" ] || continue
    if ${CC:-cc} -std=c99 -Wall -Wextra -Wpedantic -Werror -I. -o "$f.out" "$f" -lbearssl 2> "$f.err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL README block $(basename "$f"):" >&2
        cat "$f.err" >&2
    fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
