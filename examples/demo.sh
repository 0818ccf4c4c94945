#!/bin/sh
# demo.sh - `make demo`: stream a story from the project's TLS test server on loopback, through
# the real CLI, certificate checks and all. No network and no API key are needed.
BUILD=${BUILD:-build}
TMP=$(mktemp -d)
"$BUILD/tls_server" --cert tests/pki/good.pem --key tests/pki/good.key --port 0 \
    --data tests/data --max-seconds 120 > "$TMP/port" 2>/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
i=0
while [ ! -s "$TMP/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cut -d' ' -f2 "$TMP/port")
[ -n "$PORT" ] || { echo "demo: the test server did not start" >&2; exit 1; }

echo "== gemini_stream -> test server at https://localhost:$PORT (TLS, chunked SSE, paced like the API)"
echo
GEMINI_API_KEY=demo-key "$BUILD/gemini_stream" --base-url "https://localhost:$PORT" \
    --cacert tests/pki/ca.pem -m story~drip40 -v "Tell me a short story about a cat."
status=$?
echo
echo "== exit status $status"
cat <<'MSG'

To ask the real Gemini API instead (built-in Google roots, no --cacert needed):
    export GEMINI_API_KEY=...            # from https://aistudio.google.com/apikey
    build/gemini_stream "Tell me a short story about a cat."
MSG
exit $status
