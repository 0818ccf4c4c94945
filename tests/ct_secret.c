/* ct_secret.c - checks under valgrind that the library's code for secrets takes the same path
   whatever the secret: the scalar is marked undefined, so memcheck reports any branch taken or
   any address computed from it (the approach of Adam Langley's ctgrind). The secrets are the
   key exchange's: X25519's mulgen, and on P-256 and P-384 gemini__ec's mulgen and mul (the
   public key, then the shared secret from the peer's point). The verdicts may depend on the
   scalar only as values, never through a branch. Run by tests/check_ct.sh at the optimisations
   the library ships with; exits 0 when every result is the expected one (RFC 7748's for
   X25519, br_ec_prime_i31's, computed beforehand on a defined copy, for the prime curves), and
   memcheck's exit code tells the rest. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include <stdio.h>
#include <valgrind/memcheck.h>

#ifdef GEMINI__X25519_OWN
/* X25519's mulgen on RFC 7748's Alice (6.1). */
static int check_x25519(void)
{
    static const unsigned char a[32] = {
        0x77, 0x07, 0x6d, 0x0a, 0x73, 0x18, 0xa5, 0x7d, 0x3c, 0x16, 0xc1, 0x72, 0x51, 0xb2, 0x66, 0x45,
        0xdf, 0x4c, 0x2f, 0x87, 0xeb, 0xc0, 0x99, 0x2a, 0xb1, 0x77, 0xfb, 0xa5, 0x1d, 0xb9, 0x2c, 0x2a};
    static const unsigned char a_pub[32] = {
        0x85, 0x20, 0xf0, 0x09, 0x89, 0x30, 0xa7, 0x54, 0x74, 0x8b, 0x7d, 0xdc, 0xb4, 0x3e, 0xf7, 0x5a,
        0x0d, 0xbf, 0x3a, 0x0d, 0x26, 0x38, 0x1a, 0xf4, 0xeb, 0xa4, 0xa9, 0x8e, 0xaa, 0x9b, 0x4e, 0x6a};
    unsigned char k[32], out[32];
    uint32_t ok;
    memcpy(k, a, 32);
    VALGRIND_MAKE_MEM_UNDEFINED(k, sizeof k);       /* the secret */
    ok = (uint32_t)gemini__x25519.mulgen(out, k, 32, BR_EC_curve25519);
    VALGRIND_MAKE_MEM_DEFINED(out, sizeof out);     /* the public key may be looked at */
    VALGRIND_MAKE_MEM_DEFINED(&ok, sizeof ok);
    if (ok != 32 || memcmp(out, a_pub, 32) != 0) {
        puts("X25519 gave a wrong public key");
        return 0;
    }
    return 1;
}
#endif

#ifdef GEMINI__CRYPTO_OWN
/* mulgen and mul on one curve, for a few scalars from a DRBG (below n: the first bit clear,
   n's is set on both curves), the peer's point another scalar's multiple of G. */
static int check_prime(int curve, size_t clen, const char *name)
{
    br_hmac_drbg_context drbg;
    unsigned char k[48], peer_k[48], peer[97], want_pub[97], want_shared[97], pub[97], shared[97];
    size_t len = 1 + 2 * clen, got_len;
    uint32_t ok;
    int i;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, name, strlen(name));
    for (i = 0; i < 4; i++) {
        br_hmac_drbg_generate(&drbg, k, clen);
        br_hmac_drbg_generate(&drbg, peer_k, clen);
        k[0] &= 0x7F;
        peer_k[0] &= 0x7F;
        br_ec_prime_i31.mulgen(peer, peer_k, clen, curve);
        br_ec_prime_i31.mulgen(want_pub, k, clen, curve);
        memcpy(want_shared, peer, len);
        br_ec_prime_i31.mul(want_shared, len, k, clen, curve);
        VALGRIND_MAKE_MEM_UNDEFINED(k, clen);       /* the secret */
        got_len = gemini__ec.mulgen(pub, k, clen, curve);
        memcpy(shared, peer, len);
        ok = gemini__ec.mul(shared, len, k, clen, curve);
        VALGRIND_MAKE_MEM_DEFINED(pub, len);        /* the results may be looked at */
        VALGRIND_MAKE_MEM_DEFINED(shared, len);
        VALGRIND_MAKE_MEM_DEFINED(&got_len, sizeof got_len);
        VALGRIND_MAKE_MEM_DEFINED(&ok, sizeof ok);
        VALGRIND_MAKE_MEM_DEFINED(k, clen);
        if (got_len != len || memcmp(pub, want_pub, len) != 0) {
            printf("%s: mulgen gave a wrong public key\n", name);
            return 0;
        }
        if (ok != 1 || memcmp(shared, want_shared, len) != 0) {
            printf("%s: mul gave a wrong shared secret\n", name);
            return 0;
        }
    }
    return 1;
}
#endif

int main(void)
{
#ifdef GEMINI__X25519_OWN
    int good = check_x25519();
#ifdef GEMINI__CRYPTO_OWN
    good &= check_prime(BR_EC_secp256r1, 32, "P-256");
    good &= check_prime(BR_EC_secp384r1, 48, "P-384");
#endif
    return good ? 0 : 1;
#else
    puts("the library's curve code is not built here (no 128-bit integers)");
    return 0;
#endif
}
