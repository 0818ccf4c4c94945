#!/usr/bin/env bash
# make_pki.sh - generates the test PKI used by tests/tls_server.c and the end-to-end tests.
# Writes into the directory of this script. Existing files are kept (they are committed and
# regenerating them would churn the repository); pass -f to regenerate everything.
set -euo pipefail
cd "$(dirname "$0")"
ALL="ca ca2 good rsa expired wronghost selfsigned otherca root384 inter256 gchain"
if [ "${1:-}" != "-f" ]; then
    missing=0
    for n in $ALL; do [ -f "$n.pem" ] && [ -f "$n.key" ] || missing=1; done
    [ "$missing" = 0 ] && { echo "make_pki.sh: all files present (use -f to regenerate)"; exit 0; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `openssl ca` rather than `req -x509`/`x509 -req`: OpenSSL 3.0 has no -not_before/-not_after,
# and we need absolute dates: in the past for expired.pem, and from 2025 for everything else
# (not "now", so a machine whose clock is a little behind still accepts the chain).
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/index.txt
serial = $work/serial
new_certs_dir = $work
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
CNF
CA_EXT="basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash"
LEAF_EXT="basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash"
LOCAL="DNS:localhost,IP:127.0.0.1,IP:::1"
FROM=20250101000000Z
UNTIL=21250101000000Z

newkey() {  # newkey NAME ec|ec384|rsa: NAME.key, unencrypted PKCS#8 PEM (br_skey_decoder reads it)
    if [ "$2" = rsa ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
    elif [ "$2" = ec384 ]; then
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key"
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
    fi
}

# cert NAME ISSUER|self CN EXTENSIONS START END [DIGEST]: NAME.key -> NAME.pem
cert() {
    : > "$work/index.txt"
    printf '%s\n' "$4" > "$work/ext.cnf"
    openssl req -new -key "$1.key" -subj "/CN=$3" -out "$work/$1.csr"
    local by=(-cert "$2.pem" -keyfile "$2.key")
    [ "$2" = self ] && by=(-selfsign -keyfile "$1.key")
    openssl ca -batch -notext -rand_serial -config "$work/ca.cnf" -extfile "$work/ext.cnf" \
        -in "$work/$1.csr" -out "$1.pem" "${by[@]}" -startdate "$5" -enddate "$6" \
        -md "${7:-sha256}" 2>/dev/null
}

newkey ca ec;         cert ca self "gemini_stream test CA" "$CA_EXT" $FROM $UNTIL
newkey ca2 ec;        cert ca2 self "gemini_stream other test CA" "$CA_EXT" $FROM $UNTIL
newkey good ec;       cert good ca localhost "$LEAF_EXT
subjectAltName = $LOCAL" $FROM $UNTIL
newkey rsa rsa;       cert rsa ca localhost "$LEAF_EXT
subjectAltName = $LOCAL" $FROM $UNTIL
newkey expired ec;    cert expired ca localhost "$LEAF_EXT
subjectAltName = $LOCAL" 20200101000000Z 20210101000000Z
newkey wronghost ec;  cert wronghost ca wrong.example "$LEAF_EXT
subjectAltName = DNS:wrong.example" $FROM $UNTIL
newkey otherca ec;    cert otherca ca2 localhost "$LEAF_EXT
subjectAltName = $LOCAL" $FROM $UNTIL
newkey selfsigned ec; cert selfsigned self localhost "$LEAF_EXT
subjectAltName = $LOCAL" $FROM $UNTIL
# a chain shaped like Google's: a P-384 root signs (SHA-384) a P-256 intermediate, which signs
# the P-256 leaf; gchain.pem holds the leaf and the intermediate, as a server sends them
newkey root384 ec384; cert root384 self "gemini_stream test P-384 root" "$CA_EXT" $FROM $UNTIL sha384
newkey inter256 ec;   cert inter256 root384 "gemini_stream test intermediate" "$CA_EXT" $FROM $UNTIL sha384
newkey gchain ec;     cert gchain inter256 localhost "$LEAF_EXT
subjectAltName = $LOCAL" $FROM $UNTIL
cat inter256.pem >> gchain.pem
chmod 644 ./*.key ./*.pem
echo "make_pki.sh: wrote $(echo $ALL | wc -w) certificates and keys into $(pwd)"
