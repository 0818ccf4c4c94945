/* test_curves.c - the library's own curve code, reached through the TLS profile's dispatcher:
   - X25519 (gemini__x25519): RFC 7748's test vectors (section 5.2, the iterated one to 1,000,
     and the exchange of section 6.1), and BearSSL's br_ec_c25519_m31 giving the same bytes for
     random scalars and u-coordinates, u-coordinates at or above p or with the top bit set; an
     all-zero shared secret is refused (RFC 8422, 5.11), where BearSSL accepts it.
   - P-256 and P-384 signature checks (gemini__pcurve_muladd): BearSSL's codes (br_ec_p256_m31
     and br_ec_prime_i31 for P-256, br_ec_prime_i31 for P-384) giving the same verdict and point
     for random points and scalars, the edge cases of the addition (equal points, opposite
     points, a sum at infinity), points off the curve or out of range; ECDSA signatures made by
     BearSSL, whole and tampered with.
   Built by the Makefile, run by tests/run_all.sh; ends with "N passed, N failed". */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "test.h"

static unsigned long long rng_state = 0x243F6A8885A308D3ULL;

static unsigned rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (unsigned)((rng_state * 2685821657736338717ULL) >> 32);
}

#ifdef GEMINI__X25519_OWN

static void unhex(unsigned char *out, const char *hex)
{
    size_t i;
    for (i = 0; hex[2 * i]; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (unsigned char)v;
    }
}

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
   specialised one first, for making points), and the library's description of it. */
typedef struct curve_case {
    const char *name;
    int id;
    size_t clen;
    const br_ec_impl *refs[2];
    const gemini__pcurve *pc;
    const br_hash_class *hash;
} curve_case;

static const curve_case curve_cases[] = {
    {"P-256", BR_EC_secp256r1, 32, {&br_ec_p256_m31, &br_ec_prime_i31}, &gemini__p256,
     &br_sha256_vtable},
    {"P-384", BR_EC_secp384r1, 48, {&br_ec_prime_i31, NULL}, &gemini__p384, &br_sha384_vtable}};
#define POINT_MAX 97
#define SCALAR_MAX 48

static const curve_case *cc;   /* the curve the cases below run on */

/* A random scalar below n (its first byte below n's), sometimes with leading zero bytes. */
static void random_scalar(unsigned char *k)
{
    size_t glen, i, zeros = rnd() % 8 == 0 ? rnd() % (cc->clen - 1) : 0;
    const unsigned char *n = cc->refs[0]->order(cc->id, &glen);
    for (i = 0; i < cc->clen; i++) k[i] = (unsigned char)rnd();
    k[0] = (unsigned char)(k[0] % n[0]);
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
    memcpy(n_minus_1, cc->refs[0]->order(cc->id, &glen), n);
    n_minus_1[n - 1]--;
    for (i = 0; i < (int)n; i++)                            /* p, big-endian */
        p[i] = (unsigned char)(cc->pc->p[(n - 1 - (size_t)i) / 8] >> (8 * ((n - 1 - (size_t)i) % 8)));
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
        sub_bytes(minus_k, cc->refs[0]->order(cc->id, &glen), k);
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

/* ECDSA signatures made by BearSSL: checked through gemini__ec as the TLS engine and the X.509
   validator check them, each with the verdict BearSSL's own code gives. */
static void test_ecdsa(void)
{
    br_hmac_drbg_context drbg;
    unsigned char kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    unsigned char hash[64], sig[160];
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
        } cases[] = {{"random points", test_random_points}, {"edge cases", test_edge_cases},
                     {"points off the curve", test_bad_points}, {"ECDSA signatures", test_ecdsa}};
        size_t c, t;
        for (c = 0; c < sizeof curve_cases / sizeof curve_cases[0]; c++)
            for (t = 0; t < sizeof cases / sizeof cases[0]; t++) {
                char name[64];
                cc = &curve_cases[c];
                snprintf(name, sizeof name, "%s %s", cc->name, cases[t].name);
                test_run(name, cases[t].fn);
            }
    }
#endif
    return test_report();
}
