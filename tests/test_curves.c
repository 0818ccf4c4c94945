/* test_curves.c - the library's own curve code, reached through the TLS profile's dispatcher:
   - X25519 (gemini__x25519): RFC 7748's test vectors (section 5.2, the iterated one to 1,000,
     and the exchange of section 6.1), and BearSSL's br_ec_c25519_m31 giving the same bytes for
     random scalars and u-coordinates, u-coordinates at or above p or with the top bit set; an
     all-zero shared secret is refused (RFC 8422, 5.11), where BearSSL accepts it.
   - P-256 signature checks (gemini__p256_muladd): BearSSL's br_ec_p256_m31 and br_ec_prime_i31
     giving the same verdict and point for random points and scalars, the edge cases of the
     addition (equal points, opposite points, a sum at infinity), points off the curve or out of
     range; ECDSA signatures made by BearSSL, whole and tampered with.
   Built and run by tests/test_curves.sh; ends with "N passed, N failed". */
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

#ifdef GEMINI__P256_OWN

static const br_ec_impl *const refs[] = {&br_ec_p256_m31, &br_ec_prime_i31};
#define REFS (sizeof refs / sizeof refs[0])

/* The group order n, big-endian. */
static const unsigned char order_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};

/* A random scalar below n (its first byte below n's), sometimes with leading zero bytes. */
static void random_scalar(unsigned char k[32])
{
    size_t i, zeros = rnd() % 8 == 0 ? rnd() % 31 : 0;
    for (i = 0; i < 32; i++) k[i] = (unsigned char)rnd();
    k[0] = (unsigned char)(k[0] % 0xFF);
    memset(k, 0, zeros);
    if (k[31] == 0) k[31] = 1;
}

/* k * G, by BearSSL. */
static void point_of(unsigned char P[65], const unsigned char k[32])
{
    CHECK_INT(br_ec_p256_m31.mulgen(P, k, 32, BR_EC_secp256r1), 65);
}

/* (n - k) mod n, for 0 < k < n. */
static void negate_scalar(unsigned char r[32], const unsigned char k[32])
{
    int i, borrow = 0;
    for (i = 31; i >= 0; i--) {
        int d = order_n[i] - k[i] - borrow;
        borrow = d < 0;
        r[i] = (unsigned char)(d + (borrow ? 256 : 0));
    }
}

/* muladd by the library and by each reference: the same verdict and, on success, point. */
static int same_muladd(const unsigned char A[65], const unsigned char *B, const unsigned char *x,
                       size_t xlen, const unsigned char *y, size_t ylen)
{
    unsigned char ours[65], theirs[65];
    uint32_t ok, ref_ok;
    size_t i;
    int same = 1;
    memcpy(ours, A, 65);
    ok = gemini__ec.muladd(ours, B, 65, x, xlen, y, ylen, BR_EC_secp256r1);
    for (i = 0; i < REFS; i++) {
        memcpy(theirs, A, 65);
        ref_ok = refs[i]->muladd(theirs, B, 65, x, xlen, y, ylen, BR_EC_secp256r1);
        if (ok != ref_ok || (ok && memcmp(ours, theirs, 65) != 0)) same = 0;
    }
    return same;
}

static void test_random_points(void)
{
    unsigned char a[32], b[32], x[32], y[32], A[65], B[65];
    int i;
    for (i = 0; i < 300; i++) {
        random_scalar(a);
        random_scalar(b);
        random_scalar(x);
        random_scalar(y);
        point_of(A, a);
        point_of(B, b);
        CHECK(same_muladd(A, NULL, x, 32, y, 32));        /* x A + y G, as ECDSA asks */
        CHECK(same_muladd(A, B, x, 32, y, 32));
        CHECK(same_muladd(A, B, x + 16, 16, y + 31, 1));  /* short scalars */
    }
}

static void test_edge_cases(void)
{
    static const unsigned char one[1] = {1}, two[1] = {2}, zero[32] = {0};
    unsigned char k[32], minus_k[32], G[65], A[65], negA[65], n_minus_1[32];
    size_t glen;
    int i;
    memcpy(G, br_ec_prime_i31.generator(BR_EC_secp256r1, &glen), 65);
    memcpy(n_minus_1, order_n, 32);
    n_minus_1[31]--;
    CHECK(same_muladd(G, NULL, one, 1, one, 1));            /* G + G: the sum doubles */
    CHECK(same_muladd(G, NULL, one, 1, two, 1));
    CHECK(same_muladd(G, NULL, n_minus_1, 32, one, 1));     /* -G + G: infinity, an error */
    CHECK(same_muladd(G, NULL, n_minus_1, 32, n_minus_1, 32));
    /* A zero scalar is an error, as BearSSL documents (its own codes answer 2G for 0G + 1G). */
    memcpy(A, G, 65);
    CHECK_INT(gemini__ec.muladd(A, NULL, 65, zero, 32, one, 1, BR_EC_secp256r1), 0);
    memcpy(A, G, 65);
    CHECK_INT(gemini__ec.muladd(A, NULL, 65, one, 1, zero, 32, BR_EC_secp256r1), 0);
    for (i = 0; i < 20; i++) {
        random_scalar(k);
        negate_scalar(minus_k, k);
        point_of(A, k);
        memcpy(negA, A, 65);                                /* -A: same x, p - y */
        {
            static const unsigned char p[32] = {
                0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
            int j, borrow = 0;
            for (j = 31; j >= 0; j--) {
                int d = p[j] - A[33 + j] - borrow;
                borrow = d < 0;
                negA[33 + j] = (unsigned char)(d + (borrow ? 256 : 0));
            }
        }
        CHECK(same_muladd(A, NULL, one, 1, minus_k, 32));   /* kG - kG */
        CHECK(same_muladd(A, NULL, two, 1, minus_k, 32));   /* 2kG - kG */
        CHECK(same_muladd(A, A, k, 32, k, 32));             /* equal points */
        CHECK(same_muladd(A, negA, k, 32, k, 32));          /* opposite points */
        CHECK(same_muladd(A, negA, k, 32, minus_k, 32));
    }
}

static void test_bad_points(void)
{
    static const unsigned char x[1] = {5}, y[1] = {7};
    unsigned char k[32], A[65], bad[65];
    uint32_t ok;
    int i, pos;
    random_scalar(k);
    point_of(A, k);
    for (i = 0; i < 200; i++) {                             /* one byte changed: off the curve */
        memcpy(bad, A, 65);
        pos = 1 + (int)(rnd() % 64);
        bad[pos] = (unsigned char)(bad[pos] ^ (1u << (rnd() % 8)));
        CHECK(same_muladd(bad, NULL, x, 1, y, 1));
        CHECK(same_muladd(A, bad, x, 1, y, 1));
    }
    memcpy(bad, A, 65);
    bad[0] = 2;                                             /* compressed: not taken */
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memset(bad + 1, 0xFF, 32);                              /* x above p */
    memcpy(bad, A, 1);
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memset(bad, 0, 65);                                     /* "04 00..00": not a point */
    bad[0] = 4;
    CHECK(same_muladd(bad, NULL, x, 1, y, 1));
    memcpy(bad, A, 65);                                     /* a wrong length */
    ok = gemini__ec.muladd(bad, NULL, 64, x, 1, y, 1, BR_EC_secp256r1);
    CHECK_INT(ok, 0);
}

/* ECDSA signatures made by BearSSL: checked through gemini__ec as the TLS engine and the X.509
   validator check them, each with the verdict BearSSL's own P-256 code gives. */
static void test_ecdsa(void)
{
    br_hmac_drbg_context drbg;
    unsigned char kbuf[BR_EC_KBUF_PRIV_MAX_SIZE], pbuf[BR_EC_KBUF_PUB_MAX_SIZE];
    unsigned char hash[32], sig[80];
    br_ec_private_key sk;
    br_ec_public_key pk;
    size_t len;
    int i;
    br_hmac_drbg_init(&drbg, &br_sha256_vtable, "gemini_stream p256 test", 23);
    for (i = 0; i < 100; i++) {
        size_t pos;
        CHECK(br_ec_keygen(&drbg.vtable, &br_ec_p256_m31, &sk, kbuf, BR_EC_secp256r1) > 0);
        CHECK(br_ec_compute_pub(&br_ec_p256_m31, &pk, pbuf, &sk) > 0);
        br_hmac_drbg_generate(&drbg, hash, sizeof hash);
        len = br_ecdsa_i31_sign_asn1(&br_ec_p256_m31, &br_sha256_vtable, hash, &sk, sig);
        CHECK(len > 0);
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, 32, &pk, sig, len), 1);
        pos = rnd() % 32;
        hash[pos] = (unsigned char)(hash[pos] ^ 1);         /* another message */
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, 32, &pk, sig, len), 0);
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&br_ec_p256_m31, hash, 32, &pk, sig, len), 0);
        hash[pos] = (unsigned char)(hash[pos] ^ 1);
        pos = rnd() % len;                                  /* a changed signature */
        sig[pos] = (unsigned char)(sig[pos] ^ (1u << (rnd() % 8)));
        CHECK_INT(br_ecdsa_i31_vrfy_asn1(&gemini__ec, hash, 32, &pk, sig, len),
                  br_ecdsa_i31_vrfy_asn1(&br_ec_p256_m31, hash, 32, &pk, sig, len));
    }
}

#endif

int main(void)
{
#ifdef GEMINI__X25519_OWN
    test_run("x25519 RFC 7748 vectors", test_rfc7748_vectors);
    test_run("x25519 against BearSSL", test_against_bearssl);
#endif
#ifdef GEMINI__P256_OWN
    test_run("p256 random points", test_random_points);
    test_run("p256 edge cases", test_edge_cases);
    test_run("p256 points off the curve", test_bad_points);
    test_run("p256 ECDSA signatures", test_ecdsa);
#endif
    return test_report();
}
