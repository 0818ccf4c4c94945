#!/bin/sh
# run.sh BUILD - runs the benchmarks (binaries built by bench/bench.mk) and prints the table,
# also written to BUILD/bench.txt (raw figures in BUILD/bench.raw). Every figure is a median
# over several runs, [min..max] beside it; compared commands run in alternation.
set -uf   # -f: the URLs hold a "?" that must not glob
B=${1:-build}
RAW=$B/bench.raw
OUT=$B/bench.txt
ERRLOG=$B/bench.stderr
: > "$RAW"
: > "$ERRLOG"

# ---- the references: the curl tool, and libcurl + cJSON as a C programmer would use them ----
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
command -v curl >/dev/null 2>&1 || {
    echo "bench: installing curl" >&2
    $SUDO apt-get install -y -qq curl >&2 || { echo "bench: curl is missing" >&2; exit 1; }
}
LIBCURL_REF=$B/bench_libcurl_cjson
build_libcurl_ref() {
    ${CC:-cc} -std=c99 -O2 -o "$LIBCURL_REF" bench/libcurl_cjson.c -lcurl -lcjson 2>>"$ERRLOG"
}
build_libcurl_ref || {
    echo "bench: installing libcurl4-openssl-dev and libcjson-dev for the libcurl + cJSON reference" >&2
    $SUDO apt-get install -y -qq libcurl4-openssl-dev libcjson-dev >&2 && build_libcurl_ref
} || { echo "bench: no libcurl + cJSON reference (see $ERRLOG); its rows stay empty" >&2; LIBCURL_REF=""; }

# ---- test servers ----
# One instance for each client, so no client's TLS sessions or connections affect another's.
SERVERS=""
stop_servers() { for p in $SERVERS; do kill "$p" 2>/dev/null; done; }
trap stop_servers EXIT INT TERM
start_server() {   # start_server NAME [CERT] -> sets PORT (CERT: tests/pki/CERT.pem, "good")
    : > "$B/bench_$1.port"
    "$B/tls_server" --cert "tests/pki/${2:-good}.pem" --key "tests/pki/${2:-good}.key" --port 0 \
        --data tests/data --max-seconds 600 > "$B/bench_$1.port" 2>>"$ERRLOG" &
    SERVERS="$SERVERS $!"
    i=0
    while ! grep -q '^port ' "$B/bench_$1.port"; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "bench: tls_server did not start" >&2; exit 1; }
        sleep 0.05
    done
    PORT=$(awk '/^port /{print $2}' "$B/bench_$1.port")
}
start_server ours; PORT_OURS=$PORT
start_server curl; PORT_CURL=$PORT
start_server libcurl; PORT_LIBCURL=$PORT
# and a chain shaped like Google's: P-256 leaf and intermediate under a P-384 root
start_server ours_g gchain; PORT_OURS_G=$PORT
start_server curl_g gchain; PORT_CURL_G=$PORT
start_server libcurl_g gchain; PORT_LIBCURL_G=$PORT
export GEMINI_API_KEY=bench
CA=tests/pki/ca.pem     # the anchor the commands below trust

ours() {   # ours PORT MODEL [CLI]
    echo "${3:-$B/gemini_stream}" --base-url "https://localhost:$1" --cacert "$CA" -m "$2" x
}
curl_cmd() {   # curl_cmd PORT MODEL
    echo curl --no-buffer -sS --cacert "$CA" \
        "https://localhost:$1/v1beta/models/$2:streamGenerateContent?alt=sse" -d '{}' -o /dev/null
}
libcurl_cmd() {   # libcurl_cmd PORT MODEL: the arguments of one more runcmd command, or none
    [ -n "$LIBCURL_REF" ] && echo ":: $3 $LIBCURL_REF https://localhost:$1 $CA $2 x"
}

echo "bench: core pipeline (64 MiB in memory, 15 runs)..." >&2
"$B/bench_core" --mb 64 --runs 15 >> "$RAW" || { echo "bench: bench_core failed" >&2; exit 1; }

echo "bench: 20 MB over loopback TLS (21 runs each)..." >&2
"$B/bench_runcmd" -n 21 -w 1 -e "$ERRLOG" \
    big_ours $(ours $PORT_OURS 'big~mb20') :: \
    big_curl $(curl_cmd $PORT_CURL 'big~mb20') $(libcurl_cmd $PORT_LIBCURL 'big~mb20' big_libcurl) >> "$RAW" ||
    echo "bench: some 20 MB runs failed (see $ERRLOG)" >&2

echo "bench: short stream (41 runs each)..." >&2
"$B/bench_runcmd" -n 41 -w 2 -e "$ERRLOG" \
    hello_ours $(ours $PORT_OURS hello) :: \
    hello_curl $(curl_cmd $PORT_CURL hello) $(libcurl_cmd $PORT_LIBCURL hello hello_libcurl) >> "$RAW" ||
    echo "bench: some short runs failed (see $ERRLOG)" >&2

echo "bench: short stream over a chain like Google's (41 runs each)..." >&2
CA=tests/pki/root384.pem
"$B/bench_runcmd" -n 41 -w 2 -e "$ERRLOG" \
    gchain_ours $(ours $PORT_OURS_G hello) :: \
    gchain_curl $(curl_cmd $PORT_CURL_G hello) $(libcurl_cmd $PORT_LIBCURL_G hello gchain_libcurl) >> "$RAW" ||
    echo "bench: some short runs over the P-384-rooted chain failed (see $ERRLOG)" >&2
CA=tests/pki/ca.pem

echo "bench: RSS of 64 KB and 64 MB streams (9 runs each)..." >&2
"$B/bench_runcmd" -n 9 -w 0 -e "$ERRLOG" \
    rss_64k "$B/bench_core" --rss 65536 :: \
    rss_64m "$B/bench_core" --rss 67108864 >> "$RAW" ||
    echo "bench: the RSS runs failed (see $ERRLOG)" >&2
echo "bench: heap calls of the client over TLS (2 x 4 MB)..." >&2
"$B/bench_core" --client "https://localhost:$PORT_OURS" --cacert tests/pki/ca.pem >> "$RAW" ||
    echo "bench: the client heap run failed" >&2
# private (anonymous) memory at the end, as the harness reads it: the same in every run
"$B/bench_core" --rss 65536 | sed -n 's/^rss_anon_kb/anon_64k/p' >> "$RAW"
"$B/bench_core" --rss 67108864 | sed -n 's/^rss_anon_kb/anon_64m/p' >> "$RAW"

fsize() { wc -c < "$1" | tr -d ' '; }
text() { size "$1" | awk 'NR == 2 { print $1 }'; }
{
    echo "cli_Os $(fsize "$B/bench_cli_Os")"
    echo "cli_O2 $(fsize "$B/bench_cli_O2")"
    echo "cli_small $(fsize "$B/bench_cli_small")"
    echo "impl_Os $(text "$B/bench_impl_Os.o")"
    echo "impl_O2 $(text "$B/bench_impl_O2.o")"
} >> "$RAW"

stop_servers
SERVERS=""

# ---- the table ----
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
CCV=$(${CC:-cc} --version 2>/dev/null | head -n 1)
awk -v date="$(date -u '+%Y-%m-%d %H:%M UTC')" -v cpu="$CPU" -v ccv="$CCV" '
{ for (i = 2; i <= NF; i++) v[$1, i - 1] = $i; n[$1] = NF - 1 }
function verdict(ok) { return ok ? "PASS" : "MISS" }
function row(what, ours, ref, ratio, target, ok) {
    printf "%-42s %-24s %-36s %-7s %-16s %s\n", what, ours, ref, ratio, target, ok
}
function spread(m, lo, hi, fmt) {
    return sprintf(fmt " [" fmt ".." fmt "]", m, lo, hi)
}
# runcmd fields: runs R failed F wall_ms M L H cpu_ms M L H user_ms U sys_ms S rss_kb M L H waits W
function cmdfig(label, what,   k) {
    k = (what == "wall") ? 6 : (what == "cpu") ? 10 : 18
    return spread(v[label, k], v[label, k + 1], v[label, k + 2], what == "wall" ? "%.1f" : "%.0f")
}
function med(label, what) { return v[label, (what == "wall") ? 6 : (what == "cpu") ? 10 : 18] }
function failed(label) { return v[label, 4] > 0 ? " (" v[label, 4] " FAILED RUNS)" : "" }
# the libcurl + cJSON reference of the same measure, beside ours, when it ran
function librow(ours, lib, what) {
    if (!((lib, 1) in v)) return
    row("", "", "libcurl+cJSON " cmdfig(lib, what), sprintf("%.2f", med(ours, what) / med(lib, what)),
        "(info)", "")
}
END {
    printf "gemini_stream.h benchmark - %s - %s - %s, -O2\n", date, cpu, ccv
    printf "figures: median [min..max]; compared commands measured in alternation in one run\n\n"
    row("measure", "ours", "reference", "ratio", "target", "")
    row("-------", "----", "---------", "-----", "------", "")

    c = v["core_mbps", 1]; m = v["memchr_mbps", 1]
    printf "1. core: %.1f MB in %d responses, %d events, %d-byte pieces, %d runs\n",
        v["core_bytes", 1] / 1e6, v["core_responses", 1], v["core_events", 1],
        v["core_piece", 1], v["core_runs", 1]
    row("   throughput, MB/s", spread(c, v["core_mbps", 2], v["core_mbps", 3], "%.0f"),
        "memchr " spread(m, v["memchr_mbps", 2], v["memchr_mbps", 3], "%.0f"),
        sprintf("%.3f", c / m), ">= 1000 MB/s", verdict(c >= 1000))
    row("", "", "", "", ">= 0.333 memchr", verdict(c / m >= 1 / 3))

    printf "2. 20 MB (big~mb20) over loopback TLS, %d runs each%s%s\n",
        v["big_ours", 2], failed("big_ours"), failed("big_curl") failed("big_libcurl")
    row("   CPU user+sys, ms", cmdfig("big_ours", "cpu"), "curl " cmdfig("big_curl", "cpu"),
        sprintf("%.2f", med("big_ours", "cpu") / med("big_curl", "cpu")), "<= 0.70x curl",
        verdict(med("big_ours", "cpu") <= 0.7 * med("big_curl", "cpu")))
    librow("big_ours", "big_libcurl", "cpu")
    row("     user / sys, ms", sprintf("%.0f / %.0f", v["big_ours", 14], v["big_ours", 16]),
        sprintf("curl %.0f / %.0f", v["big_curl", 14], v["big_curl", 16]), "", "", "")
    row("     wall, ms (info)", cmdfig("big_ours", "wall"), "curl " cmdfig("big_curl", "wall"),
        sprintf("%.2f", med("big_ours", "wall") / med("big_curl", "wall")), "", "")
    row("     sleeps waiting for data (info)", v["big_ours", 22], "curl " v["big_curl", 22], "", "", "")

    printf "3. short stream (hello, 3 events), %d runs each%s%s\n",
        v["hello_ours", 2], failed("hello_ours"), failed("hello_curl") failed("hello_libcurl")
    row("   wall, start to exit, ms", cmdfig("hello_ours", "wall"), "curl " cmdfig("hello_curl", "wall"),
        sprintf("%.2f", med("hello_ours", "wall") / med("hello_curl", "wall")), "<= 0.50x curl",
        verdict(med("hello_ours", "wall") <= 0.5 * med("hello_curl", "wall")))
    librow("hello_ours", "hello_libcurl", "wall")
    row("     CPU user+sys, ms (info)", cmdfig("hello_ours", "cpu"), "curl " cmdfig("hello_curl", "cpu"),
        sprintf("%.2f", med("hello_ours", "cpu") / med("hello_curl", "cpu")), "", "")
    if (("gchain_ours", 1) in v) {
        printf "   the same over a Google-shaped chain (P-256 leaf and intermediate, P-384 root)%s%s\n",
            failed("gchain_ours"), failed("gchain_curl") failed("gchain_libcurl")
        row("   wall, start to exit, ms", cmdfig("gchain_ours", "wall"), "curl " cmdfig("gchain_curl", "wall"),
            sprintf("%.2f", med("gchain_ours", "wall") / med("gchain_curl", "wall")), "(info)", "")
        librow("gchain_ours", "gchain_libcurl", "wall")
    }

    printf "4. peak RSS (ru_maxrss)\n"
    row("   20 MB stream, KB", cmdfig("big_ours", "rss"), "curl " cmdfig("big_curl", "rss"),
        sprintf("%.2f", med("big_ours", "rss") / med("big_curl", "rss")), "<= 0.25x curl",
        verdict(med("big_ours", "rss") <= 0.25 * med("big_curl", "rss")))
    librow("big_ours", "big_libcurl", "rss")
    row("   short stream, KB", cmdfig("hello_ours", "rss"), "curl " cmdfig("hello_curl", "rss"),
        sprintf("%.2f", med("hello_ours", "rss") / med("hello_curl", "rss")), "<= 0.25x curl",
        verdict(med("hello_ours", "rss") <= 0.25 * med("hello_curl", "rss")))
    librow("hello_ours", "hello_libcurl", "rss")

    printf "5. memory (bytes)\n"
    row("   sizeof gemini_http_head", v["sizeof_http_head", 1], "", "", "", "")
    row("   sizeof gemini_body", v["sizeof_body", 1], "", "", "", "")
    row("   sizeof gemini_sse", v["sizeof_sse", 1], "", "", "", "")
    row("   sizeof gemini_json", v["sizeof_json", 1], "", "", "", "")
    row("   sizeof gemini_parser (sans-I/O core)", v["sizeof_parser", 1], "", "", "", "")
    s = v["sizeof_client", 1]
    row("   sizeof gemini_client = per stream", sprintf("%d (%.1f KiB)", s, s / 1024), "", "",
        "<= 40 KiB", verdict(s <= 40960))
    row("   heap calls while parsing 64 MiB x runs", v["heap_calls", 1], "", "", "0", verdict(v["heap_calls", 1] == 0))
    row("   heap calls in gemini_stream(), TLS", ((("heap_client", 1) in v) ? v["heap_client", 1] " / " v["heap_client", 2] : "-"),
        "(new / kept connection, 4 MB each)", "", "0", verdict((("heap_client", 1) in v) && v["heap_client", 1] + v["heap_client", 2] == 0))

    printf "6. size (bytes; CLI: BearSSL static, libc dynamic, gc-sections, stripped)\n"
    row("   CLI -Os", sprintf("%d (%.1f KB)", v["cli_Os", 1], v["cli_Os", 1] / 1000), "", "",
        "<= 100 KB", verdict(v["cli_Os", 1] <= 100000))
    row("   CLI -O2", sprintf("%d (%.1f KB)", v["cli_O2", 1], v["cli_O2", 1] / 1000), "", "",
        "(info)", "")
    row("   CLI -Os, GEMINI_TLS_SMALL", sprintf("%d (%.1f KB)", v["cli_small", 1], v["cli_small", 1] / 1000),
        "", "", "<= 100 KB", verdict(v["cli_small", 1] <= 100000))
    row("   library text, -Os", v["impl_Os", 1], "", "", "", "")
    row("   library text, -O2", v["impl_O2", 1], "", "", "", "")

    printf "7. memory of the core harness, stream generated on the fly into 16 KB pieces, %d runs each\n", v["rss_64k", 2]
    row("   peak RSS, 64 KB stream, KB" failed("rss_64k"), cmdfig("rss_64k", "rss"), "", "", "", "")
    row("   peak RSS, 64 MB stream, KB" failed("rss_64m"), cmdfig("rss_64m", "rss"), "64 KB stream",
        sprintf("%.2f", med("rss_64m", "rss") / med("rss_64k", "rss")), "", "")
    row("   private (RssAnon), 64 KB / 64 MB, KB", v["anon_64k", 1] " / " v["anon_64m", 1], "", 
        sprintf("%.2f", v["anon_64m", 1] / v["anon_64k", 1]), "same (+<= 8 KB)",
        verdict(v["anon_64m", 1] <= v["anon_64k", 1] + 8))
    printf "   (ru_maxrss also counts shared-library pages, which vary by ~0.2 MB between identical runs)\n"
}' "$RAW" | tee "$OUT"
