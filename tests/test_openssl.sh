#!/bin/sh
# test_openssl.sh - the CLI against another TLS stack: OpenSSL, through Python's ssl module
# (tests/openssl_server.py), for each ECDHE group the library offers (X25519, P-256, P-384), an
# ECDSA and an RSA certificate, a chain shaped like Google's (P-256 leaf and intermediate under a
# P-384 root), and AES-GCM and ChaCha20-Poly1305 (ChaCha20 also with the
# GEMINI_TLS_SMALL build): the handshake completes, the certificate checks out and the answer
# arrives. Needs python3 (Debian has it); without it nothing is counted.
# Ends with "N passed, N failed".
BUILD=${BUILD:-build}
passed=0
failed=0
if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 is not installed"
    echo "0 passed, 0 failed"
    exit 0
fi
for group in X25519 prime256v1 secp384r1; do
    for cert in good rsa gchain; do
        ca=tests/pki/ca.pem
        [ "$cert" = gchain ] && ca=tests/pki/root384.pem
        for case in gemini_stream:ECDHE+AESGCM gemini_stream:ECDHE+CHACHA20 \
                    gemini_stream_small:ECDHE+CHACHA20; do
            cli=$BUILD/${case%%:*}
            suites=${case#*:}
            log=$BUILD/openssl_server.log
            rm -f "$log"            # so that the wait below cannot see the last server's "ready"
            python3 tests/openssl_server.py "tests/pki/$cert.pem" "tests/pki/$cert.key" \
                "$group" "$suites" > "$log" 2>&1 &
            server=$!
            tries=0
            while ! grep -q ready "$log" 2>/dev/null && [ $tries -lt 50 ]; do
                sleep 0.1
                tries=$((tries + 1))
            done
            port=$(sed -n 's/^ready //p' "$log")
            out=$(GEMINI_API_KEY=test-key "$cli" --timeout 5 --base-url "https://localhost:$port" \
                      --cacert "$ca" -m test hi 2>&1)
            rc=$?
            wait $server
            if [ $rc -eq 0 ] && [ "$out" = "hello from OpenSSL" ]; then
                passed=$((passed + 1))
            else
                failed=$((failed + 1))
                echo "FAIL $cli, $group, $cert certificate, $suites: exit $rc, output: $out"
                sed -n 1,10p "$log"
            fi
        done
    done
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
