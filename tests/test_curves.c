/* test_curves.c - the library's own public-key code, reached as the TLS profile reaches it, each
   part against BearSSL's:
   - X25519 (gemini__x25519): RFC 7748's test vectors (section 5.2, the iterated one to 1,000,
     and the exchange of section 6.1), and BearSSL's br_ec_c25519_m31 giving the same bytes for
     random scalars and u-coordinates, u-coordinates at or above p or with the top bit set; an
     all-zero shared secret is refused (RFC 8422, 5.11), where BearSSL accepts it.
   The rest runs on P-256 and on P-384, each case once per curve:
   - the curve's constants (gemini__ec's generator, order, xoff): br_ec_prime_i31's bytes;
   - muladd, the signature checks' sum: the same verdict and point as BearSSL's codes
     (br_ec_p256_m31 and br_ec_prime_i31 for P-256, br_ec_prime_i31 for P-384) for random points
     and scalars, the edge cases of the addition (equal points, opposite points, a sum at
     infinity), points off the curve or out of range; ECDSA signatures by BearSSL, whole and
     tampered with, checked by BearSSL's code through it;
   - mul and mulgen, the key exchange: the same verdict and point as br_ec_prime_i31 for random
     scalars below n, short ones, n - 1 down to n - 8, and the points (0, y) and (0, p - y);
     refused: points off the curve, coordinates at or above p (x = p among them, which names
     (0, y) were it reduced), a first byte other than 04, wrong lengths, and a result at
     infinity (scalars n and 0; mulgen then returns 0), where br_ec_prime_i31 answers 1 and
     "04 00..00";
   - gemini__ecdsa_vrfy against br_ecdsa_i31_vrfy_asn1: signatures by BearSSL over hashes of 20
     to 64 bytes, accepted; the hash, the signature or the key changed, the signature cut short
     or with a byte more, the key on another curve or off it: BearSSL's verdict, except that a
     signature that is not DER is refused (ecdsa_der.h), where BearSSL reads extra leading
     zeros, negative INTEGERs and long-form lengths; hand-made encodings (r or s zero, n, or
     swapped; n - s; lengths, tags, an indefinite length) and a signature whose point has an x
     above n, reduced; P-521 and X25519 keys refused.
   - gemini__rsa_vrfy against br_rsa_i31_pkcs1_vrfy: keys of 1024 to 4096 bits by
     br_rsa_i31_keygen, exponents 3, 65537 and 2^32 - 5; signatures by br_rsa_i31_pkcs1_sign with
     DigestInfo (SHA-1 to SHA-512) and with the bare hash, accepted with their hash; with another
     hash length or OID, a bit changed, a byte more or less, refused; signature values n and
     above, 0, 1, n - 1; moduli with zero bytes in front, even, too long (4104 bits), too short,
     empty; exponents with zero bytes in front, empty, or as long as the modulus; hand-made
     paddings (block type, the FF bytes and their count, the zero byte, each byte of the
     DigestInfo, with and without NULL parameters, a long-form length, a byte after the hash).
   Built by the Makefile, run by tests/run_all.sh; ends with "N passed, N failed". */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include <stdlib.h>
#include "test.h"
#include "ecdsa_der.h"

static unsigned long long rng_state = 0x243F6A8885A308D3ULL;

static unsigned rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ULL) >> 32);
}

/* Bytes from hex digits; returns how many. */
static size_t unhex(unsigned char *out, const char *hex)
{
    size_t i;
    for (i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
    return i;
}

#ifdef GEMINI__X25519_OWN

static int same_hex(const unsigned char *got, const char *hex)
{
    unsigned char want[32];
    unhex(want, hex);
    return memcmp(got, want, 32) == 0;
}

static int x25519_is(const char *scalar, const char *u, const char *want)
{
    unsigned char k[32], p[32], w[32];
    unhex(k, scalar);
    unhex(p, u);
    unhex(w, want);
    return gemini__x25519.mul(p, 32, k, 32, BR_EC_curve25519) == 1 && memcmp(p, w, 32) == 0;
}

static void test_rfc7748_vectors(void)
{
    unsigned char k[32], u[32], next[32], a_pub[32], b_pub[32], shared[32];
    int i;
    CHECK(x25519_is("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
    CHECK(x25519_is("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"));
    memset(k, 0, 32);                               /* iterated: k, u = X25519(k, u), k */
    k[0] = 9;
    memcpy(u, k, 32);
    for (i = 1; i <= 1000; i++) {
        memcpy(next, u, 32);
        CHECK(gemini__x25519.mul(next, 32, k, 32, BR_EC_curve25519) == 1);
        memcpy(u, k, 32);
        memcpy(k, next, 32);
        if (i == 1) CHECK(same_hex(k, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
    }
    CHECK(same_hex(k, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
    /* section 6.1: Alice and Bob */
    unhex(k, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    CHECK_INT(gemini__x25519.mulgen(a_pub, k, 32, BR_EC_curve25519), 32);
    CHECK(same_hex(a_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
    unhex(k, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    CHECK_INT(gemini__x25519.mulgen(b_pub, k, 32, BR_EC_curve25519), 32);
    CHECK(same_hex(b_pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    memcpy(shared, b_pub, 32);                      /* a * (b G) */
    unhex(k, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    CHECK_INT(gemini__x25519.mul(shared, 32, k, 32, BR_EC_curve25519), 1);
    CHECK(same_hex(shared, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"));
}

/* mul by the library and by BearSSL: the same verdict and bytes, except that an all-zero
   result is refused here. */
static int same_as_bearssl(const unsigned char u[32], const unsigned char k[32])
{
    unsigned char ours[32], theirs[32], zero[32] = {0};
    uint32_t ok, ref_ok;
    memcpy(ours, u, 32);
    memcpy(theirs, u, 32);
    ok = gemini__x25519.mul(ours, 32, k, 32, BR_EC_curve25519);
    ref_ok = br_ec_c25519_m31.mul(theirs, 32, k, 32, BR_EC_curve25519);
    if (ref_ok && memcmp(theirs, zero, 32) == 0) return ok == 0;
    return ok == ref_ok && memcmp(ours, theirs, 32) == 0;
}

static void test_against_bearssl(void)
{
    unsigned char k[32], u[32], r1[32], r2[32];
    int i, j;
    for (i = 0; i < 500; i++) {
        for (j = 0; j < 32; j++) {
            k[j] = (unsigned char)rnd();
            u[j] = (unsigned char)rnd();
        }
        CHECK(same_as_bearssl(u, k));               /* top bit of u set half the time */
        CHECK_INT(gemini__x25519.mulgen(r1, k, 32, BR_EC_curve25519), 32);
        CHECK_INT(br_ec_c25519_m31.mulgen(r2, k, 32, BR_EC_curve25519), 32);
        CHECK(memcmp(r1, r2, 32) == 0);
    }
    for (i = 0; i < 40; i++) {                      /* u near and above p = 2^255 - 19 */
        for (j = 0; j < 32; j++) k[j] = (unsigned char)rnd();
        memset(u, 0xFF, 32);
        u[31] = (unsigned char)(i & 1 ? 0xFF : 0x7F);
        u[0] = (unsigned char)(0xED - 20 + i);
        CHECK(same_as_bearssl(u, k));
    }
    memset(u, 0, 32);                               /* small-order points: all-zero secrets */
    CHECK(same_as_bearssl(u, k));
    u[0] = 1;
    CHECK(same_as_bearssl(u, k));
    memset(u, 0, 32);
    CHECK_INT(gemini__x25519.mul(u, 32, k, 32, BR_EC_curve25519), 0);
    CHECK_INT(gemini__x25519.mul(u, 31, k, 32, BR_EC_curve25519), 0);   /* a wrong length */
}

#endif

#ifdef GEMINI__CRYPTO_OWN

/* The curve under test: its id, the coordinate length, BearSSL's codes to compare with (the
   specialised one first, for making points), the field's prime p, the y of the point whose x is
   0 (on both curves: its x + p is a coordinate at or above p that still names a point), and
   an ECDSA signature whose point R has an x at or above n (its r is x - n). The last three were
   computed with Python's integers from FIPS 186-4's curve constants: x = 0 is on the curve,
   y = (x^3 - 3x + b)^((p + 1) / 4) mod p; for the signature, R = (x, y) with x the first
   coordinate above n on the curve, e the hash, s = any, u1 = e/s, u2 = (x - n)/s mod n, and
   the public key Q = (R - u1 G)/u2, so that u1 G + u2 Q = R. */
typedef struct curve_case {
    const char *name;
    int id;
    size_t clen;
    const br_ec_impl *refs[2];
    const br_hash_class *hash;
    const char *p, *y_at_x0;
    const char *xn_q, *xn_hash, *xn_sig;
} curve_case;

static const curve_case curve_cases[] = {
    {"P-256", BR_EC_secp256r1, 32, {&br_ec_p256_m31, &br_ec_prime_i31}, &br_sha256_vtable,
     "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
     "66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4",
     "043dbde0bf731811fee5ad73be0f4a2e52057d945655e8f7462496ee6466fd9afe6a869ba6865610023fb98bb1f0"
     "b245c4d640fa7a064f7c0c526c386bf2778632",
     "2459fbe3b0172596650366fea16f301bf66fc4e5a3c6b038250c03d81682850d",
     "3025020103022076f1a3efc1bf6942f1b961117e8a979b63426bd1a8c62cc93789122a752be083"},
    {"P-384", BR_EC_secp384r1, 48, {&br_ec_prime_i31, NULL}, &br_sha384_vtable,
     "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ff"
     "ffffff",
     "c306610fb0ae5a159cf45c06069f22a6c5eb3641c602d42dea2c4b4f75550793406d80d2b91ad54f9048bd48"
     "7af1ade1",
     "04619d54b10e28f8f36beb0371f40d781b0c157378707af149ed6e213f93354fe8ac8d5d14229bc545ed0c94a4"
     "1f9c92ed450827c2289b1edc96f53ff81b919127cb8a67a3f1d44b98cc853acdcbb3c5f27e49334135e59d981f"
     "200b491abd3e4f",
     "0d7e6b1e4e305d717732733eae468d0ab393728562f6dca7ae8e45ec097276c3e922e6b32456a8a39936e0a320"
     "de05aa",
     "303502010202304311f32c473b96ffff9dc3c290d3b4a3b517309fa9527538b6d5a8f1a535d9c43109a9ea286e"
     "219a284550ca9e49f59a"}};
#define POINT_MAX 133           /* P-521's, for the signature our check refuses */
#define SCALAR_MAX 66
#define SIG_MAX 160

static const curve_case *cc;   /* the curve the cases below run on */

/* The curve's order n, big-endian, clen bytes. */
static const unsigned char *order(void)
{
    size_t len;
    return br_ec_prime_i31.order(cc->id, &len);
}

/* A random scalar below n (its first byte below n's), sometimes with leading zero bytes. */
static void random_scalar(unsigned char *k)
{
    size_t i, zeros = rnd() % 8 == 0 ? rnd() % (cc->clen - 1) : 0;
    for (i = 0; i < cc->clen; i++) k[i] = (unsigned char)rnd();
    k[0] = (unsigned char)(k[0] % order()[0]);
    memset(k, 0, zeros);
    if (k[cc->clen - 1] == 0) k[cc->clen - 1] = 1;
}

/* k * G, by BearSSL. */
static void point_of(unsigned char *P, const unsigned char *k)
{
    CHECK_INT(cc->refs[0]->mulgen(P, k, cc->clen, cc->id), 1 + 2 * cc->clen);
}

/* r = m - k, both big-endian and clen bytes, for k < m. */
static void sub_bytes(unsigned char *r, const unsigned char *m, const unsigned char *k)
{
    int i, borrow = 0;
    for (i = (int)cc->clen - 1; i >= 0; i--) {
        int d = m[i] - k[i] - borrow;
        borrow = d < 0;
        r[i] = (unsigned char)(d + (borrow ? 256 : 0));
    }
}

/* muladd by the library and by each reference: the same verdict and, on success, point. */
static int same_muladd(const unsigned char *A, const unsigned char *B, const unsigned char *x,
                       size_t xlen, const unsigned char *y, size_t ylen)
{
    unsigned char ours[POINT_MAX], theirs[POINT_MAX];
    size_t i, len = 1 + 2 * cc->clen;
    uint32_t ok, ref_ok;
    int same = 1;
    memcpy(ours, A, len);
    ok = gemini__ec.muladd(ours, B, len, x, xlen, y, ylen, cc->id);
    for (i = 0; i < 2 && cc->refs[i]; i++) {
        memcpy(theirs, A, len);
        ref_ok = cc->refs[i]->muladd(theirs, B, len, x, xlen, y, ylen, cc->id);
        if (ok != ref_ok || (ok && memcmp(ours, theirs, len) != 0)) same = 0;
    }
    return same;
}

static void test_random_points(void)
{
    unsigned char a[SCALAR_MAX], b[SCALAR_MAX], x[SCALAR_MAX], y[SCALAR_MAX];
    unsigned char A[POINT_MAX], B[POINT_MAX];
    size_t n = cc->clen;
    int i;
    for (i = 0; i < 200; i++) {
        random_scalar(a);
        random_scalar(b);
        random_scalar(x);
        random_scalar(y);
        point_of(A, a);
        point_of(B, b);
        CHECK(same_muladd(A, NULL, x, n, y, n));            /* x A + y G, as ECDSA asks */
        CHECK(same_muladd(A, B, x, n, y, n));
        CHECK(same_muladd(A, B, x + n / 2, n / 2, y + n - 1, 1));     /* short scalars */
    }
}

static void test_edge_cases(void)
{
    static const unsigned char one[1] = {1}, two[1] = {2}, zero[SCALAR_MAX] = {0};
    unsigned char k[SCALAR_MAX], minus_k[SCALAR_MAX], n_minus_1[SCALAR_MAX], p[SCALAR_MAX];
    unsigned char G[POINT_MAX], A[POINT_MAX], negA[POINT_MAX];
    size_t glen, n = cc->clen, len = 1 + 2 * n;
    int i;
    memcpy(G, br_ec_prime_i31.generator(cc->id, &glen), len);
    memcpy(n_minus_1, order(), n);
    n_minus_1[n - 1]--;
    unhex(p, cc->p);
    CHECK(same_muladd(G, NULL, one, 1, one, 1));            /* G + G: the sum doubles */
    CHECK(same_muladd(G, NULL, one, 1, two, 1));
    CHECK(same_muladd(G, NULL, n_minus_1, n, one, 1));      /* -G + G: infinity, an error */
    CHECK(same_muladd(G, NULL, n_minus_1, n, n_minus_1, n));
    /* A zero scalar is an error, as BearSSL documents (its own codes answer 2G for 0G + 1G). */
    memcpy(A, G, len);
    CHECK_INT(gemini__ec.muladd(A, NULL, len, zero, n, one, 1, cc->id), 0);
    memcpy(A, G, len);
    CHECK_INT(gemini__ec.muladd(A, NULL, len, one, 1, zero, n, cc->id), 0);
    for (i = 0; i < 20; i++) {
        random_scalar(k);
        sub_bytes(minus_k, order(), k);
        point_of(A, k);
        memcpy(negA, A, len);                               /* -A: same x, p - y */
        sub_bytes(negA + 1 + n, p, A + 1 + n);
        CHECK(same_muladd(A, NULL, one, 1, minus_k, n));    /* kG - kG */
        CHECK(same_muladd(A, NULL, two, 1, minus_k, n));    /* 2kG - kG */
        CHECK(same_muladd(A, A, k, n, k, n));               /* equal points */
        CHECK(same_muladd(A, negA, k, n, k, n));            /* opposite points */
        CHECK(same_muladd(A, negA, k, n, minus_k, n));
    }
}

static void test_bad_points(void)
{
    static const unsigned char x[1] = {5}, y[1] = {7};
    unsigned char k[SCALAR_MAX], A[POINT_MAX], bad[POINT_MAX];
    size_t n = cc->clen, len = 1 + 2 * n;
    int i, pos;
    random_scalar(k);
    point_of(A, k);
    for (i = 0; i < 200; i++) {                             /* one bit changed: off the curve */
        memcpy(bad, A, len);
        pos = 1 + (int)(rnd() % (2 * n));
        bad[pos] = (unsigned char)(bad[pos] ^ (1u << (rnd() % 8)));
        CHECK(same_muladd(bad, NULL, x, 1, y, 1));
        CHECK(same_muladd(A, bad, x, 1, y, 1));
    }
    memcpy(bad, A, len);
    bad[0] = 2;                                             /* compressed: not taken */
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memset(bad + 1, 0xFF, n);                               /* x above p */
    bad[0] = 4;
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memset(bad, 0, len);                                    /* "04 00..00": not a point */
    bad[0] = 4;
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memcpy(bad, A, len);                                    /* a wrong length */
    CHECK_INT(gemini__ec.muladd(bad, NULL, len - 1, x, 1, y, 1, cc->id), 0);
}

/* ECDSA signatures made by BearSSL: checked through gemini__ec as BearSSL's own signature check
   uses it, each with the verdict BearSSL's curve code gives. */
static void test_ecdsa_through_muladd(void)
{
    br_hmac_drbg_context drbg;
    unsigned char kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    unsigned char hash[64], sig[SIG_MAX];
    const br_ec_impl *ref = cc->refs[0];
    size_t hlen = (cc->hash->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK, len;
    br_ec_private_key sk;
    br_ec_public_key pk;
    int i;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, cc->name, strlen(cc->name));
    for (i = 0; i < 60; i++) {
        size_t pos;
        CHECK(br_ec_keygen(&drbg.vtable, ref, &sk, kbuf, cc->id) > 0);
        CHECK(br_ec_compute_pub(ref, &pk, pbuf, &sk) > 0);
        br_hmac_drbg_generate(&drbg, hash, hlen);
        len = br_ecdsa_i31_sign_asn1(ref, cc->hash, hash, &sk, sig);
        CHECK(len > 0);
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, hlen, &pk, sig, len), 1);
        pos = rnd() % hlen;
        hash[pos] = (unsigned char)(hash[pos] ^ 1);         /* another message */
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, hlen, &pk, sig, len), 0);
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(ref, hash, hlen, &pk, sig, len), 0);
        hash[pos] = (unsigned char)(hash[pos] ^ 1);
        pos = rnd() % len;                                  /* a changed signature */
        sig[pos] = (unsigned char)(sig[pos] ^ (1u << (rnd() % 8)));
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, hlen, &pk, sig, len),
                  br_ecdsa_i31_vrfy_asn1(ref, hash, hlen, &pk, sig, len));
    }
}

/* ---- mul and mulgen: the key exchange ---- */

/* mul by the library and by br_ec_prime_i31 on the same point and scalar: the library's
   verdict when BearSSL gives the same and, on success, the same point; else -1. */
static int mul_verdict(const unsigned char *P, size_t len, const unsigned char *k, size_t klen)
{
    unsigned char ours[POINT_MAX], theirs[POINT_MAX];
    uint32_t ok, ref_ok;
    memcpy(ours, P, len);
    memcpy(theirs, P, len);
    ok = gemini__ec.mul(ours, len, k, klen, cc->id);
    ref_ok = br_ec_prime_i31.mul(theirs, len, k, klen, cc->id);
    return ok == ref_ok && (!ok || memcmp(ours, theirs, len) == 0) ? (int)ok : -1;
}

/* mulgen by both: the same length and point. */
static int same_mulgen(const unsigned char *k, size_t klen)
{
    unsigned char ours[POINT_MAX], theirs[POINT_MAX];
    size_t len = gemini__ec.mulgen(ours, k, klen, cc->id);
    return len == 1 + 2 * cc->clen && br_ec_prime_i31.mulgen(theirs, k, klen, cc->id) == len
        && memcmp(ours, theirs, len) == 0;
}

/* The library's mul alone: its verdict (the point is written over a copy, with room past len
   for the wrong lengths). */
static uint32_t our_mul(const unsigned char *P, size_t len, const unsigned char *k, size_t klen)
{
    unsigned char buf[POINT_MAX + 2];
    memcpy(buf, P, len);
    return gemini__ec.mul(buf, len, k, klen, cc->id);
}

/* The point (0, y) and its x given as p, at or above p. */
static void point_at_x0(unsigned char *P, int x_as_p)
{
    size_t n = cc->clen;
    P[0] = 4;
    memset(P + 1, 0, n);
    if (x_as_p) unhex(P + 1, cc->p);
    unhex(P + 1 + n, cc->y_at_x0);
}

static void test_constants(void)
{
    size_t len, ref_len, off, ref_off;
    const unsigned char *ours, *theirs;
    ours = gemini__ec.generator(cc->id, &len);
    theirs = br_ec_prime_i31.generator(cc->id, &ref_len);
    CHECK(len == ref_len && memcmp(ours, theirs, len) == 0);
    ours = gemini__ec.order(cc->id, &len);
    theirs = br_ec_prime_i31.order(cc->id, &ref_len);
    CHECK(len == ref_len && memcmp(ours, theirs, len) == 0);
    off = gemini__ec.xoff(cc->id, &len);
    ref_off = br_ec_prime_i31.xoff(cc->id, &ref_len);
    CHECK_INT(off, ref_off);
    CHECK_INT(len, ref_len);
    CHECK((gemini__ec.supported_curves >> cc->id & 1) == 1);
}

static void test_mul(void)
{
    static const unsigned char one[1] = {1}, two[1] = {2};
    unsigned char a[SCALAR_MAX], k[SCALAR_MAX], A[POINT_MAX], G[POINT_MAX];
    size_t glen, n = cc->clen, len = 1 + 2 * n, klen;
    int i, j;
    memcpy(G, br_ec_prime_i31.generator(cc->id, &glen), len);
    for (i = 0; i < 100; i++) {
        random_scalar(a);
        random_scalar(k);
        point_of(A, a);
        CHECK_INT(mul_verdict(A, len, k, n), 1);
        CHECK(same_mulgen(k, n));
        if (i % 4) continue;
        klen = 1 + rnd() % n;                               /* a shorter scalar */
        CHECK_INT(mul_verdict(A, len, k + n - klen, klen), 1);
        CHECK(same_mulgen(k + n - klen, klen));
    }
    for (i = 0; i < 2; i++) {                               /* (0, y) and (0, p - y) */
        point_at_x0(A, 0);
        if (i) {
            unhex(a, cc->p);
            sub_bytes(A + 1 + n, a, A + 1 + n);
        }
        random_scalar(k);
        CHECK_INT(mul_verdict(A, len, k, n), 1);
    }
    /* 1 to 16 and n - 1 down to n - 16 (n's last byte is above 16 on both curves), then powers
       of two: where a windowed ladder's additions meet equal or opposite points */
    for (j = 1; j <= 16; j++) {
        memset(k, 0, n);
        k[n - 1] = (unsigned char)j;
        CHECK_INT(mul_verdict(A, len, k, n), 1);
        CHECK(same_mulgen(k, n));
        memcpy(k, order(), n);
        k[n - 1] = (unsigned char)(k[n - 1] - j);
        CHECK_INT(mul_verdict(A, len, k, n), 1);
        CHECK(same_mulgen(k, n));
    }
    for (j = 0; j < 8 * (int)n; j += 11) {
        memset(k, 0, n);
        k[n - 1 - (size_t)j / 8] = (unsigned char)(1u << j % 8);
        CHECK_INT(mul_verdict(A, len, k, n), 1);
        CHECK(same_mulgen(k, n));
    }
    memset(k, 0xFF, n);                                     /* FE FF..FF: nearly all bits set */
    k[0] = 0xFE;
    CHECK_INT(mul_verdict(G, len, k, n), 1);
    CHECK(same_mulgen(k, n));
    CHECK_INT(mul_verdict(G, len, one, 1), 1);              /* G, 2G */
    CHECK(same_mulgen(one, 1));
    CHECK_INT(mul_verdict(G, len, two, 1), 1);
    CHECK(same_mulgen(two, 1));
}

static void test_mul_refused(void)
{
    static const unsigned char first[] = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07, 0x44};
    unsigned char a[SCALAR_MAX], k[SCALAR_MAX], A[POINT_MAX], bad[POINT_MAX + 2] = {0};
    size_t n = cc->clen, len = 1 + 2 * n, i;
    random_scalar(a);
    random_scalar(k);
    point_of(A, a);
    for (i = 0; i < 60; i++) {                              /* one bit changed: off the curve */
        size_t pos = 1 + rnd() % (2 * n);
        memcpy(bad, A, len);
        bad[pos] = (unsigned char)(bad[pos] ^ (1u << (rnd() % 8)));
        CHECK_INT(mul_verdict(bad, len, k, n), 0);
    }
    for (i = 0; i < sizeof first; i++) {                    /* not the uncompressed form */
        memcpy(bad, A, len);
        bad[0] = first[i];
        CHECK_INT(mul_verdict(bad, len, k, n), 0);
    }
    point_at_x0(bad, 1);                                    /* x = p: (0, y) were it reduced */
    CHECK_INT(mul_verdict(bad, len, k, n), 0);
    memcpy(bad, A, len);                                    /* x all ones, above p */
    memset(bad + 1, 0xFF, n);
    CHECK_INT(our_mul(bad, len, k, n), 0);
    memcpy(bad, A, len);                                    /* y = p */
    unhex(bad + 1 + n, cc->p);
    CHECK_INT(our_mul(bad, len, k, n), 0);
    memset(bad, 0, len);                                    /* "04 00..00" */
    bad[0] = 4;
    CHECK_INT(our_mul(bad, len, k, n), 0);
    memcpy(bad, A, len);                                    /* wrong lengths */
    bad[len] = 0;
    CHECK_INT(our_mul(bad, len - 1, k, n), 0);
    CHECK_INT(our_mul(bad, len + 1, k, n), 0);
    CHECK_INT(our_mul(bad, n == 32 ? 97 : 65, k, n), 0);   /* the other curve's */
    CHECK_INT(our_mul(bad, 0, k, n), 0);
    /* A result at infinity is refused: n A, and 0 A. br_ec_prime_i31 answers 1 for both and
       writes "04 00..00" (its encoding of a point whose z is 0); BearSSL's contract leaves
       scalars 0 and n indeterminate. A peer cannot choose our scalar, but a refusal is what
       the key exchange needs to see. */
    CHECK_INT(our_mul(A, len, order(), n), 0);
    memset(k, 0, n);
    CHECK_INT(our_mul(A, len, k, n), 0);
    CHECK_INT(our_mul(A, len, k, 1), 0);
    CHECK_INT(gemini__ec.mulgen(bad, order(), n, cc->id), 0);   /* mulgen: no length */
    CHECK_INT(gemini__ec.mulgen(bad, k, n, cc->id), 0);
}

/* ---- gemini__ecdsa_vrfy ---- */

/* The library's check, given the hash and the signature in blocks of their exact sizes (a read
   past either shows under AddressSanitizer). */
static uint32_t our_ecdsa(const unsigned char *hash, size_t hlen, const br_ec_public_key *pk,
                          const unsigned char *sig, size_t len)
{
    unsigned char *h = (unsigned char *)malloc(hlen ? hlen : 1);
    unsigned char *s = (unsigned char *)malloc(len ? len : 1);
    uint32_t ok;
    if (!h || !s) abort();
    memcpy(h, hash, hlen);
    memcpy(s, sig, len);
    ok = gemini__ecdsa_vrfy(&gemini__ec, h, hlen, pk, s, len);
    free(h);
    free(s);
    return ok;
}

static uint32_t ref_ecdsa(const unsigned char *hash, size_t hlen, const br_ec_public_key *pk,
                          const unsigned char *sig, size_t len)
{
    return br_ecdsa_i31_vrfy_asn1(&br_ec_prime_i31, hash, hlen, pk, sig, len);
}

/* The library's verdict when it is BearSSL's for a DER signature and a refusal for any other
   (ecdsa_der.h), else -1. */
static int ecdsa_verdict(const unsigned char *hash, size_t hlen, const br_ec_public_key *pk,
                         const unsigned char *sig, size_t len)
{
    uint32_t ok = our_ecdsa(hash, hlen, pk, sig, len);
    uint32_t want = ref_ecdsa(hash, hlen, pk, sig, len) && ecdsa_sig_is_der(sig, len);
    return ok == want ? (int)ok : -1;
}

static size_t hash_len(const br_hash_class *h)
{
    return (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
}

/* A key made by BearSSL from the DRBG. */
typedef struct ec_key {
    br_ec_private_key sk;
    br_ec_public_key pk;
    unsigned char kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
} ec_key;

static void ec_keygen(ec_key *key, br_hmac_drbg_context *drbg, int curve)
{
    CHECK(br_ec_keygen(&drbg->vtable, &br_ec_prime_i31, &key->sk, key->kbuf, curve) > 0);
    CHECK(br_ec_compute_pub(&br_ec_prime_i31, &key->pk, key->pbuf, &key->sk) > 0);
}

/* Signatures by BearSSL with hashes of 20, 32, 48 and 64 bytes (SHA-1 to SHA-512: shorter
   than the curve, as long, longer), accepted whole; changed, the verdict of the rule above. */
static void test_ecdsa_signatures(void)
{
    static const br_hash_class *const hashes[] = {&br_sha1_vtable, &br_sha256_vtable,
                                                  &br_sha384_vtable, &br_sha512_vtable};
    br_hmac_drbg_context drbg;
    ec_key key;
    br_ec_public_key pk;
    unsigned char hash[64], sig[SIG_MAX + 1], q[POINT_MAX];
    size_t h, hlen, len, pos, cut;
    int i, j;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, cc->name, strlen(cc->name));
    for (i = 0; i < 6; i++) {
        ec_keygen(&key, &drbg, cc->id);
        for (h = 0; h < sizeof hashes / sizeof hashes[0]; h++) {
            hlen = hash_len(hashes[h]);
            br_hmac_drbg_generate(&drbg, hash, hlen);
            len = br_ecdsa_i31_sign_asn1(&br_ec_prime_i31, hashes[h], hash, &key.sk, sig);
            CHECK(len > 0);
            CHECK_INT(our_ecdsa(hash, hlen, &key.pk, sig, len), 1);
            CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, sig, len), 1);
            pos = rnd() % hlen;                             /* another message */
            hash[pos] = (unsigned char)(hash[pos] ^ 1u << rnd() % 8);
            CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, len), pos >= cc->clen);
            br_hmac_drbg_generate(&drbg, hash, hlen);
            len = br_ecdsa_i31_sign_asn1(&br_ec_prime_i31, hashes[h], hash, &key.sk, sig);
            /* one byte less of hash: the same number when the curve takes no more bytes */
            CHECK_INT(ecdsa_verdict(hash, hlen - 1, &key.pk, sig, len), hlen - 1 >= cc->clen);
            for (j = 0; j < 2; j++) {                       /* one bit changed */
                unsigned bit = 1u << rnd() % 8;
                pos = rnd() % len;
                sig[pos] = (unsigned char)(sig[pos] ^ bit);
                CHECK(ecdsa_verdict(hash, hlen, &key.pk, sig, len) >= 0);
                sig[pos] = (unsigned char)(sig[pos] ^ bit);
            }
            len = br_ecdsa_i31_sign_asn1(&br_ec_prime_i31, hashes[h], hash, &key.sk, sig);
            cut = 1 + rnd() % len;                          /* cut short */
            CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, len - cut), 0);
            CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, len - 1), 0);
            sig[len] = 0;                                   /* a byte after the SEQUENCE */
            CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, len + 1), 0);
            pk = key.pk;                                    /* another curve's key */
            pk.curve = cc->id == BR_EC_secp256r1 ? BR_EC_secp384r1 : BR_EC_secp256r1;
            CHECK_INT(ecdsa_verdict(hash, hlen, &pk, sig, len), 0);
            pk.curve = BR_EC_curve25519;
            CHECK_INT(our_ecdsa(hash, hlen, &pk, sig, len), 0);
            pk = key.pk;                                    /* its point off the curve */
            memcpy(q, key.pk.q, key.pk.qlen);
            pk.q = q;
            pos = 1 + rnd() % (pk.qlen - 1);
            q[pos] = (unsigned char)(q[pos] ^ 1u << rnd() % 8);
            CHECK_INT(ecdsa_verdict(hash, hlen, &pk, sig, len), 0);
            memcpy(q, key.pk.q, key.pk.qlen);               /* compressed, and a wrong length */
            q[0] = 2;
            CHECK_INT(ecdsa_verdict(hash, hlen, &pk, sig, len), 0);
            q[0] = 4;
            pk.qlen--;
            CHECK_INT(ecdsa_verdict(hash, hlen, &pk, sig, len), 0);
            pk.qlen = 0;
            CHECK_INT(ecdsa_verdict(hash, hlen, &pk, sig, len), 0);
        }
    }
}

/* A signature from its parts: 30 L 02 Lr r 02 Ls s, with r and s written as given (leading
   zero bytes and all), L in the long form (81 L) when long_seq. Returns the length. */
static size_t der_sig(unsigned char *out, const unsigned char *r, size_t rlen,
                      const unsigned char *s, size_t slen, int long_seq)
{
    size_t at = 0, body = 4 + rlen + slen;
    out[at++] = 0x30;
    if (long_seq) out[at++] = 0x81;
    out[at++] = (unsigned char)body;
    out[at++] = 0x02;
    out[at++] = (unsigned char)rlen;
    memcpy(out + at, r, rlen);
    at += rlen;
    out[at++] = 0x02;
    out[at++] = (unsigned char)slen;
    memcpy(out + at, s, slen);
    return at + slen;
}

/* A number of clen bytes as a DER INTEGER's content: leading zeros dropped, one put back
   before a set top bit. Returns where it starts in buf (which has a spare byte in front). */
static const unsigned char *der_int(unsigned char *buf, const unsigned char *v, size_t *len)
{
    size_t skip = 0;
    while (skip < cc->clen - 1 && v[skip] == 0) skip++;
    memcpy(buf + 1, v, cc->clen);
    *len = cc->clen - skip;
    if (v[skip] & 0x80) {
        buf[skip] = 0;
        ++*len;
        return buf + skip;
    }
    return buf + 1 + skip;
}

/* Hand-made encodings of one signature, and numbers at the limits. "BearSSL 1, ours 0" marks
   the encodings BearSSL reads leniently and the library refuses as not DER. */
static void test_ecdsa_encodings(void)
{
    static const unsigned char zero[1] = {0}, one[1] = {1};
    br_hmac_drbg_context drbg;
    ec_key key;
    unsigned char hash[64], sig[SIG_MAX], raw[2 * SCALAR_MAX], bad[2 * SIG_MAX];
    unsigned char rbuf[SCALAR_MAX + 2], sbuf[SCALAR_MAX + 2], tmp[SCALAR_MAX + 2];
    unsigned char n_s[SCALAR_MAX], n_bytes[SCALAR_MAX + 1];
    const unsigned char *r, *s;
    size_t n = cc->clen, hlen = hash_len(cc->hash), rlen, slen, len, blen;
    int top_r = 0, tries;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, "encodings", 9);
    ec_keygen(&key, &drbg, cc->id);
    /* a signature whose r has its top bit set (about one in two), to write it as negative */
    for (tries = 0; tries < 64 && !top_r; tries++) {
        br_hmac_drbg_generate(&drbg, hash, hlen);
        len = br_ecdsa_i31_sign_raw(&br_ec_prime_i31, cc->hash, hash, &key.sk, raw);
        CHECK_INT(len, 2 * n);
        top_r = raw[0] >= 0x80;
    }
    CHECK(top_r);
    r = der_int(rbuf, raw, &rlen);
    s = der_int(sbuf, raw + n, &slen);
    len = der_sig(sig, r, rlen, s, slen, 0);
    CHECK_INT(our_ecdsa(hash, hlen, &key.pk, sig, len), 1);        /* as BearSSL writes it */
    CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, sig, len), 1);
    CHECK(ecdsa_sig_is_der(sig, len));

    /* BearSSL 1, ours 0: r with a zero byte too many in front */
    memcpy(tmp + 1, r, rlen);
    tmp[0] = 0;
    blen = der_sig(bad, tmp, rlen + 1, s, slen, 0);
    CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, bad, blen), 1);
    CHECK_INT(our_ecdsa(hash, hlen, &key.pk, bad, blen), 0);
    /* BearSSL 1, ours 0: s with two */
    memcpy(tmp + 2, s, slen);
    tmp[0] = tmp[1] = 0;
    blen = der_sig(bad, r, rlen, tmp, slen + 2, 0);
    CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, bad, blen), 1);
    CHECK_INT(our_ecdsa(hash, hlen, &key.pk, bad, blen), 0);
    /* BearSSL 1, ours 0: r without the zero byte its set top bit needs: a negative number */
    blen = der_sig(bad, r + 1, rlen - 1, s, slen, 0);
    CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, bad, blen), 1);
    CHECK_INT(our_ecdsa(hash, hlen, &key.pk, bad, blen), 0);
    /* BearSSL 1, ours 0: the SEQUENCE's length in the long form, 30 81 L */
    blen = der_sig(bad, r, rlen, s, slen, 1);
    CHECK_INT(ref_ecdsa(hash, hlen, &key.pk, bad, blen), 1);
    CHECK_INT(our_ecdsa(hash, hlen, &key.pk, bad, blen), 0);

    /* both 0: an INTEGER's length in the long form, 02 81 Lr */
    blen = der_sig(bad + 1, r, rlen, s, slen, 0);
    bad[0] = 0x30;
    bad[1] = (unsigned char)(bad[2] + 1);
    bad[2] = 0x02;
    bad[3] = 0x81;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen + 1), 0);
    /* both 0: r or s zero, or empty */
    blen = der_sig(bad, zero, 1, s, slen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    blen = der_sig(bad, r, rlen, zero, 1, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    blen = der_sig(bad, zero, 0, s, slen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    blen = der_sig(bad, r, rlen, zero, 0, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: r or s = n, and r = s = 1 */
    n_bytes[0] = 0;
    memcpy(n_bytes + 1, order(), n);                        /* n's top bit is set */
    blen = der_sig(bad, n_bytes, n + 1, s, slen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    blen = der_sig(bad, r, rlen, n_bytes, n + 1, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    blen = der_sig(bad, one, 1, one, 1, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 1: s replaced by n - s, the other valid s */
    sub_bytes(n_s, order(), raw + n);
    s = der_int(tmp, n_s, &slen);
    blen = der_sig(bad, r, rlen, s, slen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 1);
    s = der_int(sbuf, raw + n, &slen);
    /* both 0: r and s swapped */
    blen = der_sig(bad, s, slen, r, rlen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: a third element in the SEQUENCE (05 00) */
    blen = der_sig(bad, r, rlen, s, slen, 0);
    bad[1] = (unsigned char)(bad[1] + 2);
    bad[blen++] = 0x05;
    bad[blen++] = 0x00;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: the SEQUENCE's length one too large, one too small */
    blen = der_sig(bad, r, rlen, s, slen, 0);
    bad[1]++;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    bad[1] = (unsigned char)(bad[1] - 2);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: the INTEGER r's length one too large (s's tag is read as r's last byte) */
    blen = der_sig(bad, r, rlen, s, slen, 0);
    bad[3]++;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: a SET for the SEQUENCE, a BIT STRING for an INTEGER */
    blen = der_sig(bad, r, rlen, s, slen, 0);
    bad[0] = 0x31;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    bad[0] = 0x30;
    bad[2] = 0x03;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: the indefinite length, 30 80 ... 00 00 */
    blen = der_sig(bad, r, rlen, s, slen, 0);
    bad[1] = 0x80;
    bad[blen++] = 0;
    bad[blen++] = 0;
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, blen), 0);
    /* both 0: r and s each padded with zeros to 120 bytes (a 247-byte signature, past the 144
       BearSSL takes) */
    memset(bad, 0, sizeof bad);
    blen = 120 - rlen;
    bad[0] = 0x30;
    bad[1] = 0x81;
    bad[2] = 4 + 240;
    bad[3] = 0x02;
    bad[4] = 120;
    memcpy(bad + 5 + blen, r, rlen);
    bad[125] = 0x02;
    bad[126] = 120;
    memcpy(bad + 127 + 120 - slen, s, slen);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, bad, 247), 0);
    /* both 0: the shortest inputs */
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, 0), 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, 1), 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &key.pk, sig, 2), 0);
}

/* The point R of u1 G + u2 Q has an x at or above n: r is x - n (see curve_cases). Both
   accept; r = x itself, above n, both refuse. */
static void test_ecdsa_x_above_n(void)
{
    unsigned char q[POINT_MAX], hash[64], sig[SIG_MAX], bad[SIG_MAX];
    unsigned char x[SCALAR_MAX + 1], rbuf[SCALAR_MAX + 2];
    const unsigned char *r;
    br_ec_public_key pk;
    size_t hlen = unhex(hash, cc->xn_hash), len = unhex(sig, cc->xn_sig), rlen, slen, i;
    int carry;
    pk.curve = cc->id;
    pk.q = q;
    pk.qlen = unhex(q, cc->xn_q);
    CHECK_INT(ref_ecdsa(hash, hlen, &pk, sig, len), 1);
    CHECK_INT(our_ecdsa(hash, hlen, &pk, sig, len), 1);
    x[0] = 0;                                               /* x = n + r, r one byte long */
    memcpy(x + 1, order(), cc->clen);
    carry = sig[4];
    for (i = cc->clen; carry && i > 0; i--) {
        carry += x[i];
        x[i] = (unsigned char)carry;
        carry >>= 8;
    }
    r = der_int(rbuf, x + 1, &rlen);
    slen = sig[6];
    len = der_sig(bad, r, rlen, sig + 7, slen, 0);
    CHECK_INT(ecdsa_verdict(hash, hlen, &pk, bad, len), 0);
}

/* Outside P-256 and P-384, a refusal: a P-521 signature BearSSL takes, and a key whose curve
   is X25519. */
static void test_ecdsa_other_curves(void)
{
    br_hmac_drbg_context drbg;
    ec_key key;
    unsigned char hash[64], sig[SIG_MAX + 20];
    size_t len;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, "P-521", 5);
    ec_keygen(&key, &drbg, BR_EC_secp521r1);
    br_hmac_drbg_generate(&drbg, hash, 64);
    len = br_ecdsa_i31_sign_asn1(&br_ec_prime_i31, &br_sha512_vtable, hash, &key.sk, sig);
    CHECK(len > 0);
    CHECK_INT(ref_ecdsa(hash, 64, &key.pk, sig, len), 1);
    CHECK_INT(our_ecdsa(hash, 64, &key.pk, sig, len), 0);
    key.pk.curve = BR_EC_curve25519;
    CHECK_INT(our_ecdsa(hash, 64, &key.pk, sig, len), 0);
    key.pk.curve = 0;
    CHECK_INT(our_ecdsa(hash, 64, &key.pk, sig, len), 0);
}

/* ---- gemini__rsa_vrfy ---- */

#define RSA_MAX 520             /* bytes: a 4096-bit modulus, and one past what is taken */

/* The RSA keys, by br_rsa_i31_keygen from a DRBG seeded with a fixed text: 1024 to 4096 bits,
   and two whose length is no multiple of 64 bits (the top limb part used), public exponents
   3, 65537 and 2^32 - 5 (the largest prime the keygen takes). The 4096-bit key's seed is one
   whose primes are found in well under a second (most take several). */
static const struct {
    unsigned bits;
    uint32_t e;
    const char *seed;
} rsa_specs[] = {{1024, 65537, "rsa-1024"}, {2048, 65537, "rsa-2048"}, {1024, 3, "rsa-1024-e3"},
                 {1024, 4294967291u, "rsa-1024-e-large"}, {2048, 3, "rsa-2048-e3"},
                 {3072, 65537, "rsa-3072"}, {4096, 65537, "rsa-4096-23"},
                 {1031, 65537, "rsa-1031"}, {2056, 65537, "rsa-2056"}};
#define RSA_KEYS (sizeof rsa_specs / sizeof rsa_specs[0])

typedef struct rsa_key {
    int made;
    br_rsa_private_key sk;
    br_rsa_public_key pk;
    unsigned char priv[BR_RSA_KBUF_PRIV_SIZE(4096)], pub[BR_RSA_KBUF_PUB_SIZE(4096)];
    size_t k;                   /* the modulus's length in bytes */
} rsa_key;

static rsa_key rsa_keys[RSA_KEYS];

/* Key i of the list, made the first time it is asked for. */
static const rsa_key *rsa_key_at(size_t i)
{
    rsa_key *key = &rsa_keys[i];
    if (!key->made) {
        br_hmac_drbg_context drbg;
        const char *seed = rsa_specs[i].seed;
        br_hmac_drbg_init(&drbg, &br_sha256_vtable, seed, strlen(seed));
        CHECK_INT(br_rsa_i31_keygen(&drbg.vtable, &key->sk, key->priv, &key->pk, key->pub,
                                    rsa_specs[i].bits, rsa_specs[i].e), 1);
        key->k = (key->sk.n_bitlen + 7) / 8;
        key->made = 1;
    }
    return key;
}

/* gemini__rsa_vrfy and br_rsa_i31_pkcs1_vrfy on the same input: the library's verdict when
   both give it, and on success both wrote the same hash (want, when given) and nothing past
   it; else -1. The signature goes to the library in a block of its exact size (a read past it
   shows under AddressSanitizer). */
static int rsa_verdict(const unsigned char *x, size_t xlen, const unsigned char *oid, size_t hlen,
                       const br_rsa_public_key *pk, const unsigned char *want)
{
    unsigned char ours[RSA_MAX + 1], theirs[RSA_MAX + 1];
    unsigned char *copy = (unsigned char *)malloc(xlen ? xlen : 1);
    uint32_t ok, ref_ok;
    if (!copy) abort();
    memcpy(copy, x, xlen);
    memset(ours, 0xA5, sizeof ours);
    ok = gemini__rsa_vrfy(copy, xlen, oid, hlen, pk, ours);
    free(copy);
    ref_ok = br_rsa_i31_pkcs1_vrfy(x, xlen, oid, hlen, pk, theirs);
    if (ok != ref_ok || (ok && memcmp(ours, theirs, hlen) != 0)) return -1;
    if (ok && ((want && memcmp(ours, want, hlen) != 0) || ours[hlen] != 0xA5)) return -1;
    return (int)ok;
}

/* The hashes signed: DigestInfo with each OID, and the bare hash (hash_oid NULL) of 32 bytes
   and of 36 (TLS 1.0's MD5 and SHA-1). */
static const struct {
    const unsigned char *oid;
    size_t hlen;
} rsa_hashes[] = {{BR_HASH_OID_SHA256, 32}, {BR_HASH_OID_SHA384, 48}, {BR_HASH_OID_SHA1, 20},
                  {BR_HASH_OID_SHA512, 64}, {NULL, 32}, {NULL, 36}};
#define RSA_HASHES (sizeof rsa_hashes / sizeof rsa_hashes[0])

/* Signatures by br_rsa_i31_pkcs1_sign: accepted whole with their hash; with another hash
   length, another OID or none, a bit changed, a byte less or more, refused. */
static void rsa_signatures(const rsa_key *key, br_hmac_drbg_context *drbg)
{
    unsigned char hash[64], sig[RSA_MAX + 1];
    size_t h, k = key->k;
    int j;
    for (h = 0; h < RSA_HASHES; h++) {
        const unsigned char *oid = rsa_hashes[h].oid;
        size_t hlen = rsa_hashes[h].hlen;
        br_hmac_drbg_generate(drbg, hash, hlen);
        CHECK_INT(br_rsa_i31_pkcs1_sign(oid, hash, hlen, &key->sk, sig + 1), 1);
        CHECK_INT(rsa_verdict(sig + 1, k, oid, hlen, &key->pk, hash), 1);
        CHECK_INT(rsa_verdict(sig + 1, k, oid, hlen - 1, &key->pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 1, k, oid, hlen + 1, &key->pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 1, k, h == 0 ? BR_HASH_OID_SHA384 : BR_HASH_OID_SHA256, hlen,
                              &key->pk, NULL), 0);
        if (oid) CHECK_INT(rsa_verdict(sig + 1, k, NULL, hlen, &key->pk, NULL), 0);
        sig[0] = 0;                                         /* a byte more, a byte less */
        CHECK_INT(rsa_verdict(sig, k + 1, oid, hlen, &key->pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 1, k - 1, oid, hlen, &key->pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 2, k - 1, oid, hlen, &key->pk, NULL), 0);
        for (j = 0; j < 3; j++) {                           /* a bit changed */
            size_t pos = 1 + rnd() % k;
            unsigned bit = 1u << rnd() % 8;
            sig[pos] = (unsigned char)(sig[pos] ^ bit);
            CHECK_INT(rsa_verdict(sig + 1, k, oid, hlen, &key->pk, NULL), 0);
            sig[pos] = (unsigned char)(sig[pos] ^ bit);
        }
    }
}

static void test_rsa_signatures(void)
{
    br_hmac_drbg_context drbg;
    size_t i;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, "rsa hashes", 10);
    for (i = 0; i < RSA_KEYS; i++) rsa_signatures(rsa_key_at(i), &drbg);
}

/* out = a * b + c, big-endian; out has alen + blen bytes, c no more. */
static void mul_add_bytes(unsigned char *out, const unsigned char *a, size_t alen,
                          const unsigned char *b, size_t blen, const unsigned char *c, size_t clen)
{
    size_t i, j, len = alen + blen;
    unsigned long carry;
    memset(out, 0, len);
    for (i = alen; i-- > 0;) {
        carry = 0;
        for (j = blen; j-- > 0;) {
            carry += out[i + j + 1] + (unsigned long)a[i] * b[j];
            out[i + j + 1] = (unsigned char)carry;
            carry >>= 8;
        }
        out[i] = (unsigned char)carry;
    }
    carry = 0;
    for (i = 0; i < len; i++) {
        carry += out[len - 1 - i] + (i < clen ? c[clen - 1 - i] : 0u);
        out[len - 1 - i] = (unsigned char)carry;
        carry >>= 8;
    }
}

/* Signature values and keys at the limits: values n and above, 0, 1, n - 1; a modulus with
   zero bytes in front, an even one, one too long, one too short, none; the exponent with
   zero bytes in front, none, and e + (p - 1)(q - 1), as long as the modulus, which gives the
   same signatures. */
static void test_rsa_limits(void)
{
    static unsigned char buf[2 * RSA_MAX], sig[RSA_MAX + 2], hash[32], p1[RSA_MAX], q1[RSA_MAX];
    static unsigned char e65537[3] = {1, 0, 1};
    br_rsa_public_key pk;
    size_t k, i, which;
    for (which = 0; which < 2; which++) {                   /* the keys of 1024 and 2048 bits */
        const rsa_key *key = rsa_key_at(which);
        k = key->k;
        memset(hash, 0x5C, sizeof hash);
        CHECK_INT(br_rsa_i31_pkcs1_sign(BR_HASH_OID_SHA256, hash, 32, &key->sk, sig + 2), 1);
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &key->pk, hash), 1);
        memcpy(buf, key->pk.n, k);                           /* n */
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        buf[k - 1] = 0xFF;                                  /* n + something */
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        buf[k - 1] = (unsigned char)(key->pk.n[k - 1] - 1);  /* n - 1: (-1)^e = n - 1 */
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        memset(buf, 0xFF, k);
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        memset(buf, 0, k);
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        buf[k - 1] = 1;
        CHECK_INT(rsa_verdict(buf, k, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);
        CHECK_INT(rsa_verdict(buf, 0, BR_HASH_OID_SHA256, 32, &key->pk, NULL), 0);

        pk = key->pk;                                        /* n with two zero bytes in front */
        memset(buf, 0, 2);
        memcpy(buf + 2, key->pk.n, k);
        pk.n = buf;
        pk.nlen = k + 2;
        sig[0] = sig[1] = 0;
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, hash), 1);
        CHECK_INT(rsa_verdict(sig, k + 2, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 1, k + 1, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
        pk.n = key->pk.n;                                    /* no modulus */
        pk.nlen = 0;
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
        CHECK_INT(rsa_verdict(sig + 2, 0, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
        memcpy(buf, key->pk.n, k);                           /* n - 1: even */
        buf[k - 1] = (unsigned char)(buf[k - 1] - 1);
        pk.n = buf;
        pk.nlen = k;
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);

        pk = key->pk;                                        /* e with zero bytes in front */
        memset(buf, 0, 5);
        memcpy(buf + 5, key->pk.e, key->pk.elen);
        pk.e = buf;
        pk.elen = key->pk.elen + 5;
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, hash), 1);
        pk.elen = 0;                                        /* none: x^0 = 1 */
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
        memcpy(p1, key->sk.p, key->sk.plen);                  /* e + (p - 1)(q - 1) */
        memcpy(q1, key->sk.q, key->sk.qlen);
        p1[key->sk.plen - 1]--;                              /* p and q are odd */
        q1[key->sk.qlen - 1]--;
        mul_add_bytes(buf, p1, key->sk.plen, q1, key->sk.qlen, key->pk.e, key->pk.elen);
        pk.e = buf;
        pk.elen = key->sk.plen + key->sk.qlen;
        CHECK_INT(rsa_verdict(sig + 2, k, BR_HASH_OID_SHA256, 32, &pk, hash), 1);
    }
    /* a modulus of 513 bytes (4104 bits, past the 4096 taken) and one of 10: both 0 */
    pk.e = e65537;
    pk.elen = sizeof e65537;
    pk.n = buf;
    for (i = 0; i < 513; i++) buf[i] = (unsigned char)rnd();
    buf[0] = 0xC5;
    buf[512] |= 1;
    pk.nlen = 513;
    for (i = 0; i < 513; i++) sig[i] = (unsigned char)rnd();
    sig[0] = 0x11;
    CHECK_INT(rsa_verdict(sig, 513, BR_HASH_OID_SHA256, 32, &pk, NULL), 0);
    pk.nlen = 10;
    CHECK_INT(rsa_verdict(sig, 10, NULL, 0, &pk, NULL), 0);
}

/* EM = 00 01 FF..FF 00 T, k bytes, with T the DigestInfo (30 L 30 L 06 L OID [05 00] 04 L
   hash) or, for oid NULL, the bare hash. Returns where T starts. */
static size_t em_build(unsigned char *em, size_t k, const unsigned char *oid, int null_params,
                       const unsigned char *hash, size_t hlen)
{
    size_t alg = oid ? 2 + (size_t)oid[0] + (null_params ? 2u : 0u) : 0;
    size_t tlen = oid ? 4 + alg + 2 + hlen : hlen, t = k - tlen, at = t;
    em[0] = 0;
    em[1] = 1;
    memset(em + 2, 0xFF, t - 3);
    em[t - 1] = 0;
    if (oid) {
        em[at++] = 0x30;
        em[at++] = (unsigned char)(2 + alg + 2 + hlen);
        em[at++] = 0x30;
        em[at++] = (unsigned char)alg;
        em[at++] = 0x06;
        memcpy(em + at, oid, (size_t)oid[0] + 1);
        at += (size_t)oid[0] + 1;
        if (null_params) {
            em[at++] = 0x05;
            em[at++] = 0x00;
        }
        em[at++] = 0x04;
        em[at++] = (unsigned char)hlen;
    }
    memcpy(em + at, hash, hlen);
    return t;
}

/* EM signed with the private key (RSA's raw operation): the verdict of both on it. */
static int em_verdict(const rsa_key *key, const unsigned char *em, const unsigned char *oid,
                      const unsigned char *hash, size_t hlen)
{
    unsigned char sig[RSA_MAX];
    memcpy(sig, em, key->k);
    CHECK_INT(br_rsa_i31_private(sig, &key->sk), 1);
    return rsa_verdict(sig, key->k, oid, hlen, &key->pk, hash);
}

/* Hand-made paddings, signed with the private key: the DigestInfo with and without the NULL
   parameters (RFC 8017's note on it: both are met, both taken), and each part of the padding
   and of the DigestInfo changed. Both refuse each change. */
static void test_rsa_paddings(void)
{
    static const unsigned char *const sha256 = BR_HASH_OID_SHA256;
    unsigned char em[RSA_MAX], hash[RSA_MAX];
    size_t k, t, i, which;
    for (i = 0; i < sizeof hash; i++) hash[i] = (unsigned char)(i * 7 + 1);
    for (which = 0; which < 2; which++) {                   /* the keys of 1024 and 2048 bits */
        const rsa_key *key = rsa_key_at(which);
        k = key->k;
        em_build(em, k, sha256, 1, hash, 32);
        CHECK_INT(em_verdict(key, em, sha256, hash, 32), 1);
        em_build(em, k, sha256, 0, hash, 32);               /* no NULL parameters */
        CHECK_INT(em_verdict(key, em, sha256, hash, 32), 1);
        em_build(em, k, NULL, 0, hash, 32);                 /* the bare hash */
        CHECK_INT(em_verdict(key, em, NULL, hash, 32), 1);
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em_build(em, k, NULL, 0, hash, k - 11);             /* eight FF bytes, the fewest */
        CHECK_INT(em_verdict(key, em, NULL, hash, k - 11), 1);
        em_build(em, k, NULL, 0, hash, k - 10);             /* seven */
        CHECK_INT(em_verdict(key, em, NULL, NULL, k - 10), 0);
        em_build(em, k, sha256, 1, hash, 32);
        em[0] = 1;
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[0] = 0;
        em[1] = 2;                                          /* block type 2 (encryption) */
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[1] = 0;
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[1] = 1;
        em[2] = 0xFE;                                       /* a padding byte not FF */
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[2] = 0xFF;
        t = em_build(em, k, sha256, 1, hash, 32);
        em[t - 2] = 0xFE;                                   /* the last one */
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[t - 2] = 0xFF;
        em[t - 1] = 0x01;                                   /* no zero byte after them */
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[t - 1] = 0xFF;
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em[t - 1] = 0;
        /* each length, tag and OID byte of the DigestInfo changed (the hash's bytes are the
           signed message itself) */
        for (i = t; i < k - 32; i++) {
            unsigned char was = em[i];
            em[i] = (unsigned char)(was + 1);
            CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
            em[i] = (unsigned char)(was ^ 0x80);
            CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
            em[i] = was;
        }
        CHECK_INT(em_verdict(key, em, sha256, hash, 32), 1);
        t = em_build(em, k - 1, sha256, 1, hash, 32);       /* a byte after the hash */
        em[k - 1] = hash[32];
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        CHECK_INT(em_verdict(key, em, sha256, NULL, 33), 0);
        memmove(em + t + 2, em + t + 1, k - 1 - (t + 1));   /* 30 81 L: a long-form length */
        em[t + 1] = 0x81;
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
        em_build(em, k, BR_HASH_OID_SHA384, 1, hash, 32);   /* another OID, same lengths */
        CHECK_INT(em_verdict(key, em, sha256, NULL, 32), 0);
    }
}

#endif

int main(void)
{
#ifdef GEMINI__X25519_OWN
    test_run("x25519 RFC 7748 vectors", test_rfc7748_vectors);
    test_run("x25519 against BearSSL", test_against_bearssl);
#endif
#ifdef GEMINI__CRYPTO_OWN
    {
        static const struct {
            const char *name;
            void (*fn)(void);
        } cases[] = {{"constants", test_constants},
                     {"muladd random points", test_random_points},
                     {"muladd edge cases", test_edge_cases},
                     {"muladd points off the curve", test_bad_points},
                     {"muladd under BearSSL's ECDSA", test_ecdsa_through_muladd},
                     {"mul and mulgen", test_mul},
                     {"mul refusals", test_mul_refused},
                     {"ECDSA signatures", test_ecdsa_signatures},
                     {"ECDSA encodings", test_ecdsa_encodings},
                     {"ECDSA x above n", test_ecdsa_x_above_n}};
        size_t c, t;
        for (c = 0; c < sizeof curve_cases / sizeof curve_cases[0]; c++)
            for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
                char name[64];
                cc = &curve_cases[c];
                snprintf(name, sizeof name, "%s %s", cc->name, cases[t].name);
                test_run(name, cases[t].fn);
            }
    }
    test_run("ECDSA on other curves", test_ecdsa_other_curves);
    test_run("RSA signatures", test_rsa_signatures);
    test_run("RSA limits", test_rsa_limits);
    test_run("RSA paddings", test_rsa_paddings);
#endif
    return test_report();
}
