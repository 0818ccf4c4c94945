#!/bin/sh
# check_valgrind.sh - the end-to-end tests under valgrind's memcheck, as a second opinion beside
# AddressSanitizer: uninitialised reads, leaks, and code the ASan build does not see the same way.
# build/e2e_tests carries ASan, which does not mix with valgrind, so a plain copy is built here
# (same source and --wrap flags, no sanitizer). Only the test process is checked: the TLS server
# it starts (build/tls_server) runs natively. Ends with "N passed, N failed" (one check) and exits
# non-zero on any memcheck error, a definite or indirect leak, or a failed test.
#   sh tests/check_valgrind.sh            (from the repository root; BUILD=build, CC=cc)
BUILD=${BUILD:-build}
CC=${CC:-cc}
bin=$BUILD/e2e_plain
log=$BUILD/valgrind-e2e.log
out=$BUILD/valgrind-e2e.out

finish() {      # $1: 0 pass, else fail; $2: what went wrong
    if [ "$1" -eq 0 ]; then
        echo "1 passed, 0 failed"
        exit 0
    fi
    echo "FAIL valgrind e2e: $2"
    echo "0 passed, 1 failed"
    exit 1
}

command -v valgrind >/dev/null 2>&1 || finish 1 "valgrind is not installed (apt-get install valgrind)"
mkdir -p "$BUILD"
if [ ! -x "$BUILD/tls_server" ]; then
    $CC -std=c99 -O1 -g -o "$BUILD/tls_server" tests/tls_server.c -lbearssl \
        || finish 1 "cannot build $BUILD/tls_server"
fi
$CC -std=c99 -O1 -g -I. tests/test_e2e.c tests/test_run.c -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
    -lbearssl -o "$bin" || finish 1 "cannot build $bin"

echo "== valgrind $bin (log: $log)"
start=$(date +%s)
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --trace-children=no --child-silent-after-fork=yes \
    --track-origins=yes --log-file="$log" "$bin" >"$out" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
indirect=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
echo "   e2e tests: ${summary:-no summary line}; memcheck errors: ${errors:-?};" \
     "definitely lost: ${definite:-0} B, indirectly lost: ${indirect:-0} B; ${secs}s"

if [ "$rc" -eq 99 ] || [ "${errors:-1}" -ne 0 ] || [ "${definite:-0}" -ne 0 ] \
   || [ "${indirect:-0}" -ne 0 ]; then
    grep -E -A 12 '^==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|Source and dest)|definitely lost in|indirectly lost in' \
        "$log" | head -n 60
    finish 1 "memcheck reported errors or leaks (exit $rc); see $log"
fi
case "$summary" in
    *" 0 failed") ;;
    *) tail -n 20 "$out"; finish 1 "the e2e tests failed under valgrind (exit $rc); see $out" ;;
esac
[ "$rc" -eq 0 ] || finish 1 "exit status $rc; see $out"
finish 0
