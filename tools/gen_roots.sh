#!/bin/sh
# Regenerates the trust anchors built into gemini_stream.h (the block between its
# "BEGIN google_roots" and "END google_roots" lines) from
# Debian's ca-certificates copies of the roots Google's endpoints chain to:
#   GTS Root R1..R4, plus the GlobalSign roots Google still cross-signs from:
#   GlobalSign Root CA (R1, cross-signs GTS Root R1) and GlobalSign ECC Root CA - R4.
# Usage: sh tools/gen_roots.sh [HEADER]     (default HEADER: gemini_stream.h beside tools/)
# Environment: CC (default cc), CA_DIR (default /usr/share/ca-certificates/mozilla).
set -eu

TOOLS=$(cd "$(dirname "$0")" && pwd)
HEADER=${1:-"$TOOLS/../gemini_stream.h"}
CA_DIR=${CA_DIR:-/usr/share/ca-certificates/mozilla}
CC=${CC:-cc}
ROOTS="GTS_Root_R1.crt GTS_Root_R2.crt GTS_Root_R3.crt GTS_Root_R4.crt
GlobalSign_Root_CA.crt GlobalSign_ECC_Root_CA_-_R4.crt"

missing() {
    for f in $ROOTS; do [ -f "$CA_DIR/$f" ] || return 0; done
    return 1
}

if missing && [ "$CA_DIR" = /usr/share/ca-certificates/mozilla ]; then
    echo "gen_roots.sh: root certificates missing; installing ca-certificates" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if command -v apt-get >/dev/null 2>&1; then
        if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq ca-certificates; } >&2
        then
            echo "gen_roots.sh: apt-get could not install ca-certificates" >&2
        fi
    fi
fi
FILES=""
for f in $ROOTS; do
    if [ ! -f "$CA_DIR/$f" ]; then
        echo "gen_roots.sh: $CA_DIR/$f not found (install ca-certificates or set CA_DIR)" >&2
        exit 1
    fi
    FILES="$FILES $CA_DIR/$f"
done

sh "$TOOLS/ensure_deps.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
$CC -std=c99 -O1 -o "$TMP/gen_roots" "$TOOLS/gen_roots.c" -lbearssl
# shellcheck disable=SC2086  # FILES is a list of paths without spaces
"$TMP/gen_roots" $FILES > "$TMP/roots.inc"
# Replace the lines strictly between the two markers with the new fragment.
awk -v inc="$TMP/roots.inc" '
    /---- END google_roots ----/ { skipping = 0 }
    !skipping { print }
    /---- BEGIN google_roots/ { while ((getline line < inc) > 0) print line; skipping = 1 }
' "$HEADER" > "$TMP/header"
grep -q -- '---- END google_roots ----' "$TMP/header" || { echo "gen_roots.sh: markers missing in $HEADER" >&2; exit 1; }
cat "$TMP/header" > "$HEADER"
echo "gen_roots.sh: updated the built-in roots in $HEADER" >&2
