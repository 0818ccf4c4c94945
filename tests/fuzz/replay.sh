#!/bin/sh
# Replays every seed corpus through its standalone (gcc, ASan + UBSan) fuzz target.
#   sh tests/fuzz/replay.sh [OUT] [TARGET...]      (OUT holds replay_TARGET; default build/fuzz)
# Ends with "N passed, N failed" counting targets; exits 1 when one failed.
out=${1:-build/fuzz}
[ $# -gt 0 ] && shift
targets=${*:-http_head chunked sse json pipeline request anchors curves}
pass=0
fail=0
for t in $targets; do
    bin=$out/replay_$t
    log=$out/replay_$t.log
    if [ ! -x "$bin" ]; then
        echo "FAIL $t: $bin is not built"
        fail=$((fail + 1))
        continue
    fi
    if "$bin" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
        echo "ok   $t: $(tail -n 1 "$log" | sed 's/.*: //')"
        pass=$((pass + 1))
    else
        echo "FAIL $t: $(grep -a 'driver: ' "$log" | tail -n 1 | sed 's/^driver: //')"
        grep -a -m 1 -A 3 -E 'invariant broken|ERROR: AddressSanitizer|runtime error' "$log" | sed 's/^/     /'
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
