#!/bin/sh
# Runs every test program and ends with one line "N passed, N failed" summing theirs.
# The corpus conformance run joins in when ../shared/corpus (or $CORPUS) exists, and the
# valgrind runs (the end-to-end suite, and the constant-time check of the key exchange's
# secrets) when CHECK_VALGRIND=1.
BUILD=${BUILD:-build}
CORPUS=${CORPUS:-../shared/corpus}
total_pass=0
total_fail=0
status=0

run() {
    echo "== $*"
    out=$("$@" 2>&1)
    rc=$?
    # the last 30 lines, and any earlier per-group summary ("name: N passed, N failed ...")
    printf '%s\n' "$out" | awk -v n="$(printf '%s\n' "$out" | wc -l)" \
        'NR > n - 30 || /^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed/'
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
    if [ -z "$line" ]; then
        echo "   (no summary line; exit status $rc)"
        total_fail=$((total_fail + 1))
        status=1
        return
    fi
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed*}
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    [ "$rc" -ne 0 ] || [ "$f" -ne 0 ] && status=1
}

run "$BUILD/unit_tests"
run "$BUILD/e2e_tests"
run "$BUILD/fault_tests"
run sh tests/test_cli.sh
run sh tests/test_readme.sh
run sh tests/test_compile.sh
run "$BUILD/test_anchors"
run "$BUILD/test_curves"
run sh tests/test_openssl.sh
run sh tests/fuzz/replay.sh "$BUILD/fuzz"
[ "${CHECK_VALGRIND:-}" = 1 ] && run sh tests/check_valgrind.sh
[ "${CHECK_VALGRIND:-}" = 1 ] && run sh tests/check_ct.sh
if [ -d "$CORPUS" ] && [ -x "$BUILD/conformance" ]; then
    run "$BUILD/conformance" "$CORPUS"
fi
echo "$total_pass passed, $total_fail failed"
exit $status
