#!/bin/sh
# make.sh - the certificates of the trust-anchor tests (tests/test_anchors.c) that tests/pki lacks:
# a version 1 certificate (no extensions), P-384 and P-521 keys, an RSA-4096 key, dates after 2049
# (GeneralizedTime) and a CA flag in a critical basicConstraints with a path length. Run once; the
# outputs are committed. Needs openssl.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# v1: a request signed with `openssl x509 -req` and no extension file
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/v1.key"
openssl req -new -key "$tmp/v1.key" -subj "/CN=anchors v1" -out "$tmp/v1.csr"
openssl x509 -req -in "$tmp/v1.csr" -signkey "$tmp/v1.key" -days 3650 -out v1.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -nodes -keyout "$tmp/k" \
    -subj "/O=anchors/CN=P-384 CA" -days 3650 -out p384.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp521r1 -nodes -keyout "$tmp/k" \
    -subj "/CN=P-521, not a CA" -addext "basicConstraints=critical,CA:FALSE" -days 3650 -out p521.pem
openssl req -x509 -newkey rsa:4096 -nodes -keyout "$tmp/k" -subj "/CN=RSA-4096 CA" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:2" -days 3650 -out rsa4096.pem
# a notAfter in 2136: GeneralizedTime
openssl req -x509 -newkey rsa:1024 -nodes -keyout "$tmp/k" -subj "/CN=after 2049" \
    -days 40000 -out generalized.pem
