#!/bin/sh
# Installs what the build needs on Debian when it is missing: BearSSL's headers and library.
if [ -f /usr/include/bearssl.h ] || [ -f /usr/local/include/bearssl.h ]; then exit 0; fi
echo "BearSSL (libbearssl-dev) is missing; installing it with apt-get" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || {
        echo "Run 'apt-get install libbearssl-dev' as root (no sudo here), then try again." >&2
        exit 1
    }
    SUDO="sudo"
fi
if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libbearssl-dev >&2 && exit 0
fi
echo "Cannot install libbearssl-dev here: install BearSSL (headers and -lbearssl) by hand." >&2
exit 1
