/* fuzz_curves.c - the library's own public-key code (X25519; P-256 and P-384's muladd, mul and
   mulgen; the ECDSA and RSA signature checks) against BearSSL's: the same verdict and the same
   bytes.

   Input: the high half of byte 0 picks the check.
   - 0: byte 0's low half picks the curve (0 X25519, 1 P-256, 2 P-384, modulo 3) and how the
     second point B is made (bits 2-3: the generator, a point of its own, A itself, or -A);
     byte 1 picks a byte of A to change (0 leaves A on the curve). Then come the scalars: a
     (A = a G), b (B = b G), x and y, each clen bytes, short input padded with zeros. For the
     prime curves the check is muladd(A, B, x, y) against br_ec_prime_i31 (and br_ec_p256_m31
     on P-256), scalars below n and not zero (where BearSSL's result is documented as
     indeterminate); for X25519, mul(u, k) against br_ec_c25519_m31 with u and k taken raw, an
     all-zero result being refused by ours.
   - 1: mul and mulgen on P-256 (bit 0 clear) or P-384; byte 1 picks a byte of A to change.
     Then a (A = a G) and k, clen bytes each, below n. mul(A, k) and mulgen(k) against
     br_ec_prime_i31; a result at infinity (k = 0), which BearSSL gives as "04 00..00", is
     refused by ours.
   - 2: gemini__ecdsa_vrfy on P-256 (bit 0 clear) or P-384, a fixed key and hash, the rest of
     the input the signature: BearSSL's br_ecdsa_i31_vrfy_asn1 verdict for a DER signature, a
     refusal for any other (tests/ecdsa_der.h).
   - 3: gemini__rsa_vrfy with a fixed 1024-bit key, against br_rsa_i31_pkcs1_vrfy: the same
     verdict and hash. Bits 0-1 pick the hash (SHA-256's DigestInfo, SHA-1's, the bare 32 bytes,
     SHA-384's); with bit 2 clear the rest of the input is written over the end of
     "00 01 FF..FF" (128 bytes) and signed with the private key, with bit 2 set it is the
     signature itself, its length taken as is. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"
#include "tests/ecdsa_der.h"

static void take(unsigned char *out, size_t n, const uint8_t **data, size_t *size)
{
    size_t k = *size < n ? *size : n;
    memset(out, 0, n);
    memcpy(out, *data, k);
    *data += k;
    *size -= k;
}

static int is_zero(const unsigned char *p, size_t n)
{
    unsigned char any = 0;
    while (n--) any |= *p++;
    return any == 0;
}

#if defined(GEMINI__X25519_OWN)
static void check_x25519(const uint8_t *data, size_t size)
{
    unsigned char u[32], k[32], ours[32], theirs[32];
    uint32_t ok, ref_ok;
    take(u, 32, &data, &size);
    take(k, 32, &data, &size);
    memcpy(ours, u, 32);
    memcpy(theirs, u, 32);
    ok = gemini__x25519.mul(ours, 32, k, 32, BR_EC_curve25519);
    ref_ok = br_ec_c25519_m31.mul(theirs, 32, k, 32, BR_EC_curve25519);
    if (ref_ok && is_zero(theirs, 32)) FZ_CHECK(ok == 0);
    else FZ_CHECK(ok == ref_ok && memcmp(ours, theirs, 32) == 0);
}
#endif

#if defined(GEMINI__CRYPTO_OWN)
static void check_prime(int curve, size_t clen, int how, size_t change, const uint8_t *data,
                        size_t size)
{
    unsigned char a[48], b[48], x[48], y[48], A[97], B[97], ours[97], theirs[97];
    const unsigned char *pb = NULL;
    const br_ec_impl *refs[2] = {&br_ec_prime_i31, curve == BR_EC_secp256r1 ? &br_ec_p256_m31 : NULL};
    size_t len = 1 + 2 * clen, i;
    uint32_t ok;
    take(a, clen, &data, &size);
    take(b, clen, &data, &size);
    take(x, clen, &data, &size);
    take(y, clen, &data, &size);
    a[0] &= 0x7F;                           /* below n: both orders start with 0xFF */
    b[0] &= 0x7F;
    x[0] &= 0x7F;
    y[0] &= 0x7F;
    if (is_zero(a, clen) || is_zero(b, clen) || is_zero(x, clen) || is_zero(y, clen)) return;
    if (br_ec_prime_i31.mulgen(A, a, clen, curve) != len) return;
    if (how == 1 && br_ec_prime_i31.mulgen(B, b, clen, curve) == len) pb = B;
    if (how == 2) pb = A;
    if (how == 3) {                         /* -A: p - y, p from the library's description */
        const gemini__pcurve *pc = curve == BR_EC_secp256r1 ? &gemini__p256 : &gemini__p384;
        int borrow = 0, k;
        memcpy(B, A, len);
        for (k = (int)clen - 1; k >= 0; k--) {
            size_t at = clen - 1 - (size_t)k;
            int d = (int)(pc->p[at / 8] >> (8 * (at % 8)) & 0xFF) - A[1 + clen + (size_t)k] - borrow;
            borrow = d < 0;
            B[1 + clen + (size_t)k] = (unsigned char)(d + (borrow ? 256 : 0));
        }
        pb = B;
    }
    if (change) A[change % len] ^= (unsigned char)(change >> 8 | 1);
    memcpy(ours, A, len);
    ok = gemini__ec.muladd(ours, pb, len, x, clen, y, clen, curve);
    for (i = 0; i < 2 && refs[i]; i++) {
        uint32_t ref_ok;
        memcpy(theirs, A, len);
        ref_ok = refs[i]->muladd(theirs, pb, len, x, clen, y, clen, curve);
        FZ_CHECK_MSG(ok == ref_ok, "curve %d: ours %u, reference %zu %u", curve, ok, i, ref_ok);
        if (ok) FZ_CHECK(memcmp(ours, theirs, len) == 0);
    }
}


/* Family 1: a = a G changed or not, then mul(A, k) and mulgen(k), each by both codes. */
static void check_mul(int curve, size_t clen, size_t change, const uint8_t *data, size_t size)
{
    unsigned char a[48], k[48], A[97], ours[97], theirs[97];
    size_t len = 1 + 2 * clen, got;
    uint32_t ok, ref_ok;
    take(a, clen, &data, &size);
    take(k, clen, &data, &size);
    a[0] &= 0x7F;                           /* below n: both orders start with 0xFF */
    k[0] &= 0x7F;
    if (is_zero(a, clen) || br_ec_prime_i31.mulgen(A, a, clen, curve) != len) return;
    if (change) A[change % len] ^= (unsigned char)(change >> 8 | 1);
    memcpy(ours, A, len);
    memcpy(theirs, A, len);
    ok = gemini__ec.mul(ours, len, k, clen, curve);
    ref_ok = br_ec_prime_i31.mul(theirs, len, k, clen, curve);
    if (ref_ok && is_zero(theirs + 1, len - 1)) FZ_CHECK(ok == 0);
    else FZ_CHECK_MSG(ok == ref_ok && (!ok || memcmp(ours, theirs, len) == 0),
                      "mul on curve %d: ours %u, reference %u", curve, ok, ref_ok);
    got = gemini__ec.mulgen(ours, k, clen, curve);
    br_ec_prime_i31.mulgen(theirs, k, clen, curve);
    if (is_zero(k, clen)) FZ_CHECK(got == 0);
    else FZ_CHECK(got == len && memcmp(ours, theirs, len) == 0);
}

/* Family 2: the signature check on a key and hash of its own per curve, made once from a fixed
   seed (so that the seed corpus can hold signatures they accept). */
static void check_ecdsa(int curve, const uint8_t *data, size_t size)
{
    static br_ec_private_key sk[2];
    static br_ec_public_key pk[2];
    static unsigned char kbuf[2][BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[2][BR_EC_KBUF_PUB_MAX_SIZE];
    static int made[2];
    static const unsigned char hash[48] = "the fixed hash, 48 bytes, cut to 32 for P-256";
    int c = curve == BR_EC_secp384r1;
    size_t hlen = c ? 48 : 32;
    uint32_t ok, ref_ok;
    if (!made[c]) {
        br_hmac_drbg_context drbg;
        const char *seed = c ? "fuzz_curves P-384" : "fuzz_curves P-256";
        br_hmac_drbg_init(&drbg, &br_sha256_vtable, seed, strlen(seed));
        FZ_CHECK(br_ec_keygen(&drbg.vtable, &br_ec_prime_i31, &sk[c], kbuf[c], curve) > 0);
        FZ_CHECK(br_ec_compute_pub(&br_ec_prime_i31, &pk[c], pbuf[c], &sk[c]) > 0);
        made[c] = 1;
    }
    ok = gemini__ecdsa_vrfy(&gemini__ec, hash, hlen, &pk[c], data, size);
    ref_ok = br_ecdsa_i31_vrfy_asn1(&br_ec_prime_i31, hash, hlen, &pk[c], data, size);
    FZ_CHECK_MSG(ok == (ref_ok && ecdsa_sig_is_der(data, size)),
                 "ECDSA on curve %d: ours %u, reference %u, DER %d", curve, ok, ref_ok,
                 ecdsa_sig_is_der(data, size));
}

/* Family 3: the RSA check on a 1024-bit key made once from a fixed seed. */
static void check_rsa(int options, const uint8_t *data, size_t size)
{
    static br_rsa_private_key sk;
    static br_rsa_public_key pk;
    static unsigned char kpriv[BR_RSA_KBUF_PRIV_SIZE(1024)], kpub[BR_RSA_KBUF_PUB_SIZE(1024)];
    static int made;
    static const size_t hlens[4] = {32, 20, 32, 48};
    const unsigned char *oids[4] = {BR_HASH_OID_SHA256, BR_HASH_OID_SHA1, NULL, BR_HASH_OID_SHA384};
    unsigned char sig[128], ours[64], theirs[64], *copy;
    size_t hlen = hlens[options & 3];
    uint32_t ok, ref_ok;
    if (!made) {
        br_hmac_drbg_context drbg;
        br_hmac_drbg_init(&drbg, &br_sha256_vtable, "fuzz_curves RSA", 15);
        FZ_CHECK(br_rsa_i31_keygen(&drbg.vtable, &sk, kpriv, &pk, kpub, 1024, 65537) == 1);
        made = 1;
    }
    if (options & 4) {                      /* the input is the signature */
        copy = (unsigned char *)malloc(size ? size : 1);
        FZ_CHECK(copy != NULL);
        memcpy(copy, data, size);
    } else {                                /* the input ends the padded message */
        size_t n = size < sizeof sig ? size : sizeof sig;
        sig[0] = 0;
        sig[1] = 1;
        memset(sig + 2, 0xFF, sizeof sig - 2);
        memcpy(sig + sizeof sig - n, data, n);
        if (br_rsa_i31_private(sig, &sk) != 1) return;     /* at or above n */
        size = sizeof sig;
        copy = (unsigned char *)malloc(size);
        FZ_CHECK(copy != NULL);
        memcpy(copy, sig, size);
    }
    ok = gemini__rsa_vrfy(copy, size, oids[options & 3], hlen, &pk, ours);
    ref_ok = br_rsa_i31_pkcs1_vrfy(copy, size, oids[options & 3], hlen, &pk, theirs);
    free(copy);
    FZ_CHECK_MSG(ok == ref_ok, "RSA: ours %u, reference %u", ok, ref_ok);
    if (ok) FZ_CHECK(memcmp(ours, theirs, hlen) == 0);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int family, pick, how, curve;
    size_t change, clen;
    if (size < 2) return 0;
    family = data[0] >> 4 & 3;
    pick = data[0] % 3;
    how = data[0] >> 2 & 3;
    change = data[1];
    curve = data[0] & 1 ? BR_EC_secp384r1 : BR_EC_secp256r1;    /* families 1 and 2 */
    clen = data[0] & 1 ? 48 : 32;
#if defined(GEMINI__X25519_OWN)
    if (family == 0 && pick == 0) check_x25519(data + 2, size - 2);
#endif
#if defined(GEMINI__CRYPTO_OWN)
    if (family == 0 && pick > 0)
        check_prime(pick == 1 ? BR_EC_secp256r1 : BR_EC_secp384r1, pick == 1 ? 32 : 48, how,
                    change * 257, data + 2, size - 2);
    if (family == 1) check_mul(curve, clen, change * 257, data + 2, size - 2);
    if (family == 2) check_ecdsa(curve, data + 1, size - 1);
    if (family == 3) check_rsa(data[0] & 7, data + 1, size - 1);
#endif
    (void)pick, (void)how, (void)change, (void)curve, (void)clen;
    return 0;
}
