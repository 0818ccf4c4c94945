/* fuzz_curves.c - the library's own curve code (X25519, and the P-256 / P-384 signature
   checks) against BearSSL's: the same verdict and the same bytes.

   Input: byte 0 picks the curve (0 X25519, 1 P-256, 2 P-384) and how the second point B is made
   (bits 2-3: the generator, a point of its own, A itself, or -A); byte 1 picks a byte of A to
   change (0 leaves A on the curve). Then come the scalars: a (A = a G), b (B = b G), x and y,
   each clen bytes, short input padded with zeros. For the prime curves the check is
   muladd(A, B, x, y) against br_ec_prime_i31 (and br_ec_p256_m31 on P-256), scalars below n
   and not zero (where BearSSL's result is documented as indeterminate); for X25519, mul(u, k)
   against br_ec_c25519_m31 with u and k taken raw, an all-zero result being refused by ours. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

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
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int pick, how;
    size_t change;
    if (size < 2) return 0;
    pick = data[0] % 3;
    how = data[0] >> 2 & 3;
    change = data[1];
    data += 2;
    size -= 2;
#if defined(GEMINI__X25519_OWN)
    if (pick == 0) check_x25519(data, size);
#endif
#if defined(GEMINI__CRYPTO_OWN)
    if (pick == 1) check_prime(BR_EC_secp256r1, 32, how, change * 257, data, size);
    if (pick == 2) check_prime(BR_EC_secp384r1, 48, how, change * 257, data, size);
#endif
    (void)pick, (void)how, (void)change;
    return 0;
}
