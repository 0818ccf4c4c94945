#!/bin/sh
# Runs one libFuzzer target for a while and summarises it in one line.
#   sh tests/fuzz/run.sh TARGET SECONDS [OUT] [extra libFuzzer flags...]
# OUT (default build/fuzz) holds the binary OUT/fuzz_TARGET. The working corpus is
# OUT/corpus/TARGET (seeded from tests/fuzz/corpus/TARGET, which is never written to); findings
# go to OUT/artifacts/TARGET/ (emptied first); the full log is OUT/TARGET.log, the summary line
# also OUT/TARGET.summary.
t=$1
secs=${2:-60}
out=${3:-build/fuzz}
shift 3 2>/dev/null || shift $#
seeds=tests/fuzz/corpus/$t
work=$out/corpus/$t
art=$out/artifacts/$t
log=$out/$t.log
mkdir -p "$work" "$art"
rm -f "$out/$t.summary"
rm -f "$art"/*
for f in "$seeds"/*; do                 # copy seeds that the working corpus lacks
    [ -f "$f" ] && [ ! -e "$work/${f##*/}" ] && cp "$f" "$work/"
done
dict=
[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
echo "fuzz_$t: ${secs}s ..."
"$out/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$art/" \
    ${dict:+"$dict"} "$@" "$work" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
last=$(grep -a 'cov: ' "$log" | tail -n 1)
cov=$(printf '%s\n' "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
found=0
first=
for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-* "$art"/slow-unit-*; do
    [ -e "$f" ] || continue
    found=$((found + 1))
    [ -n "$first" ] || first=$f
done
line="fuzz_$t: ${execs:-0} executions, cov: ${cov:-?} ft: ${ft:-?} corpus ${corp:-?}, crashes: $found"
if [ "$found" -ne 0 ] || [ "$rc" -ne 0 ]; then
    line="$line (exit $rc) -> ${first:-$art/}"
    reason=$(grep -a -m 1 -E 'invariant broken|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log")
    [ -n "$reason" ] && line="$line
    $reason"
fi
printf '%s\n' "$line" | tee "$out/$t.summary"
[ "$found" -eq 0 ] && [ "$rc" -eq 0 ]
