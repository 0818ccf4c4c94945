/* ct_x25519.c - checks under valgrind that the library's X25519 takes the same path whatever the
   secret scalar: the scalar is marked undefined, so memcheck reports any branch taken or any
   address computed from it (the approach of Adam Langley's ctgrind). Run by tests/check_ct.sh
   at the optimisation the library ships with; exits 0 when the key exchange gave the RFC 7748
   result, and memcheck's exit code tells the rest. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include <stdio.h>
#include <valgrind/memcheck.h>

int main(void)
{
    /* RFC 7748, 6.1: Alice's private key and public key */
    static const unsigned char a[32] = {
        0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
        0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
    static const unsigned char a_pub[32] = {
        0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
        0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};
    unsigned char k[32], out[32];
    uint32_t ok;
#ifndef GEMINI__X25519_OWN
    puts("the X25519 code is not built here (no 128-bit integers)");
    return 0;
#endif
    memcpy(k, a, 32);
    VALGRIND_MAKE_MEM_UNDEFINED(k, sizeof k);       /* the secret */
    ok = (uint32_t)gemini__x25519.mulgen(out, k, 32, BR_EC_curve25519);
    VALGRIND_MAKE_MEM_DEFINED(out, sizeof out);     /* the public key may be looked at */
    VALGRIND_MAKE_MEM_DEFINED(&ok, sizeof ok);
    if (ok != 32 || memcmp(out, a_pub, 32) != 0) {
        puts("X25519 gave a wrong public key");
        return 1;
    }
    return 0;
}
