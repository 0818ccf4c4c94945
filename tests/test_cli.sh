#!/bin/sh
# test_cli.sh - the CLI contract (DESIGN.md) against the TLS test server: flags reach the request
# body, exit statuses, stdout/stderr split, --json, and the key never shown.
# Run from the repository root after `make`; ends with "N passed, N failed".
BUILD=${BUILD:-build}
CLI=$BUILD/gemini_stream
KEY=cli-secret-key-4242
TMP=$(mktemp -d)
pass=0
fail=0

"$BUILD/tls_server" --cert tests/pki/good.pem --key tests/pki/good.key --port 0 \
    --data tests/data --log "$TMP/server.log" --max-seconds 240 > "$TMP/port" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
URL="https://localhost:$(cut -d' ' -f2 "$TMP/port")"

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*" >&2; }

# cli EXPECTED_STATUS [args...]: runs the CLI against the server; output in $TMP/out, $TMP/err.
cli() {
    want=$1
    shift
    GEMINI_API_KEY=$KEY GOOGLE_API_KEY= "$CLI" --base-url "$URL" --cacert tests/pki/ca.pem "$@" \
        > "$TMP/out" 2> "$TMP/err" < /dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, expected $want: $*"; cat "$TMP/err" >&2; fi
    if grep -q "$KEY" "$TMP/out" "$TMP/err"; then bad "key printed: $*"; else ok; fi
}

# last_request: the last request the server logged (head and body).
last_request() {
    awk '/^=== conn /{buf=""} {buf = buf $0 "\n"} END{printf "%s", buf}' "$TMP/server.log"
}

body_has() {
    if last_request | grep -qF -- "$1"; then ok; else bad "request lacks $1"; last_request >&2; fi
}

out_is() {
    if [ "$(cat "$TMP/out")" = "$1" ]; then ok; else bad "stdout is '$(cat "$TMP/out")', expected '$1'"; fi
}

err_has() {
    if grep -qF -- "$1" "$TMP/err"; then ok; else bad "stderr lacks '$1'"; cat "$TMP/err" >&2; fi
}

# success: the answer on stdout exactly, nothing else there
cli 0 -m hello Say hi
out_is "Hello, world!"
body_has '{"contents":[{"role":"user","parts":[{"text":"Say hi"}]}]}'

# text is on stdout while the stream is still open: flushed before each wait for the network
GEMINI_API_KEY=$KEY "$CLI" --base-url "$URL" --cacert tests/pki/ca.pem -m 'hello~drip1500' x \
    > "$TMP/live" 2>/dev/null < /dev/null &
CLI_PID=$!
i=0
while [ ! -s "$TMP/live" ] && [ $i -lt 12 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$TMP/live")" = "Hello" ]; then ok; else bad "mid-stream stdout is '$(cat "$TMP/live")', expected 'Hello'"; fi
wait $CLI_PID
if [ "$(cat "$TMP/live")" = "Hello, world!" ]; then ok; else bad "final stdout is '$(cat "$TMP/live")'"; fi

# the prompt from stdin
printf 'from stdin\n' | GEMINI_API_KEY=$KEY "$CLI" --base-url "$URL" --cacert tests/pki/ca.pem -m hello - > "$TMP/out" 2>&1
[ $? -eq 0 ] && ok || bad "stdin prompt"
body_has '"text":"from stdin\n"'

# flags reach the body
cli 0 -m hello -s "Be brief" -t 0.5 --max-tokens 64 --thinking-budget 128 --thinking-level low Hi
body_has '"systemInstruction":{"parts":[{"text":"Be brief"}]}'
body_has '"temperature":0.5'
body_has '"maxOutputTokens":64'
body_has '"thinkingBudget":128'
body_has '"thinkingLevel":"low"'

# thoughts go to stderr with --thoughts, and are asked for
cli 0 -m thoughts --thoughts Why
out_is "Cats purr when content."
err_has "Thinking about cats"
body_has '"includeThoughts":true'
cli 0 -m thoughts Why
if grep -q "Thinking about cats" "$TMP/err" "$TMP/out"; then bad "thoughts shown without --thoughts"; else ok; fi

# -v: finish reason and usage on stderr
cli 0 -m hello -v Hi
err_has "STOP"
err_has "total 7"

# --json: one valid JSON object per event
cli 0 -m call --json Weather
if "$BUILD/jsonl_check" < "$TMP/out"; then ok; else bad "--json output is not JSON lines"; fi
grep -q '"type":"function_call","name":"get_weather","args":{"city": "Paris","days": \[1,2\]}' "$TMP/out" && ok || bad "--json function call"

# exit 1: API error, in-stream error, blocked prompt, bad finish reason
cli 1 -m err429~status429 Hi
err_has "RESOURCE_EXHAUSTED"
cli 1 -m midstream-error Hi
out_is "First second "
cli 1 -m blocked Hi
err_has "SAFETY"
cli 1 -m safety Hi
cli 0 -m maxtokens Hi

# exit 2: usage errors
cli 2 --no-such-flag
cli 2 -m 'bad/model?' Hi
GEMINI_API_KEY= GOOGLE_API_KEY= "$CLI" Hi > "$TMP/out" 2> "$TMP/err"
[ $? -eq 2 ] && ok || bad "missing key should exit 2"
cli 2 --base-url http://localhost:1 Hi

# exit 3: truncated, certificate refused, timeout
cli 3 -m story~close1500 Hi
[ -s "$TMP/out" ] && ok || bad "text before a truncation must stay on stdout"
err_has "truncated"
GEMINI_API_KEY=$KEY "$CLI" --base-url "$URL" -m hello Hi > "$TMP/out" 2> "$TMP/err"
[ $? -eq 3 ] && ok || bad "built-in roots must refuse the test CA"
err_has "certificate"
cli 3 -m hello~stall --timeout 1 Hi

# 130: Ctrl-C
GEMINI_API_KEY=$KEY "$CLI" --base-url "$URL" --cacert tests/pki/ca.pem -m hello~stall Hi \
    > "$TMP/out" 2> "$TMP/err" &
CLIPID=$!
sleep 0.5
kill -INT $CLIPID
wait $CLIPID
[ $? -eq 130 ] && ok || bad "SIGINT should exit 130"

# --help and --version print and exit 0, with no key needed
GEMINI_API_KEY= GOOGLE_API_KEY= "$CLI" --help > "$TMP/out" 2>&1
[ $? -eq 0 ] && grep -q -- "--base-url" "$TMP/out" && ok || bad "--help"
GEMINI_API_KEY= GOOGLE_API_KEY= "$CLI" --version > "$TMP/out" 2>&1
[ $? -eq 0 ] && grep -q "^gemini_stream [0-9]" "$TMP/out" && ok || bad "--version"

# GOOGLE_API_KEY wins over GEMINI_API_KEY (the official SDKs' order); the base URL may come
# from GOOGLE_GEMINI_BASE_URL
GOOGLE_API_KEY=google-key-1 GEMINI_API_KEY=gemini-key-2 GOOGLE_GEMINI_BASE_URL="$URL" \
    "$CLI" --cacert tests/pki/ca.pem -m hello Hi > "$TMP/out" 2> "$TMP/err"
[ $? -eq 0 ] && ok || bad "GOOGLE_GEMINI_BASE_URL"
body_has "x-goog-api-key: google-key-1"
if grep -q "google-key-1\|gemini-key-2" "$TMP/out" "$TMP/err"; then bad "key printed"; else ok; fi

# the examples: a custom transport with the library's sockets compiled out (the pieces come
# 50 ms apart, so the client also reads it with timeout 0 before each wait), and a raw feed
GEMINI_API_KEY=$KEY "$BUILD/custom_transport_nosock" --base-url "$URL" --cacert tests/pki/ca.pem \
    -m 'hello~drip50' Hi > "$TMP/out" 2> "$TMP/err"
[ $? -eq 0 ] && ok || bad "custom transport (GEMINI_NO_SOCKETS) exit status"
out_is "Hello, world!"
"$BUILD/raw_feed" examples/hello.http > "$TMP/out" 2> "$TMP/err"
[ $? -eq 0 ] && ok || bad "raw_feed exit status"
out_is "Hello from a <raw> feed!"

# the CLI built with GEMINI_TLS_SMALL streams over ChaCha20-Poly1305 (suite CCA9 with this
# ECDSA certificate)
GEMINI_API_KEY=$KEY "$BUILD/gemini_stream_small" --base-url "$URL" --cacert tests/pki/ca.pem \
    -m hello Hi > "$TMP/out" 2> "$TMP/err"
[ $? -eq 0 ] && ok || { bad "GEMINI_TLS_SMALL CLI exit status"; cat "$TMP/err" >&2; }
out_is "Hello, world!"
if grep "^=== conn " "$TMP/server.log" | tail -n 1 | grep -qi "suite cca9"; then ok
else bad "GEMINI_TLS_SMALL did not negotiate ChaCha20-Poly1305"; grep "^=== conn " "$TMP/server.log" | tail -n 1 >&2; fi

# the key is only ever in the header
if grep -v "^x-goog-api-key: $KEY" "$TMP/server.log" | grep -q "$KEY"; then bad "key outside its header"; else ok; fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
