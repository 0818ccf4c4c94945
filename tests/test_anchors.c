/* test_anchors.c - the trust-anchor readers of gemini_stream.h (its own PEM and DER code)
   against the loader they replaced, BearSSL's br_pem_decoder and br_x509_decoder (anchors_ref.h):
   the same error code and the same anchors, byte for byte, for the system CA bundle (when the
   machine has one), every certificate under tests/pki and tests/data/anchors, hand-made edge
   cases, every byte of three certificates changed, and seeded random mutations of a bundle.
   Built by the Makefile, run from the repository root by tests/run_all.sh; ends with "N passed, N failed". */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "test.h"
#include "anchors_ref.h"

#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static const char *const cert_files[] = {
    "tests/pki/ca.pem", "tests/pki/ca2.pem", "tests/pki/expired.pem", "tests/pki/good.pem",
    "tests/pki/otherca.pem", "tests/pki/rsa.pem", "tests/pki/selfsigned.pem",
    "tests/pki/wronghost.pem", "tests/data/anchors/v1.pem", "tests/data/anchors/p384.pem",
    "tests/data/anchors/p521.pem", "tests/data/anchors/rsa4096.pem",
    "tests/data/anchors/generalized.pem",
};
#define CERT_FILES (sizeof cert_files / sizeof cert_files[0])

static gemini__buf files[CERT_FILES];  /* their texts */
static gemini__buf ders[CERT_FILES];   /* their certificates in DER */
static size_t compared, differed;      /* texts run through both loaders */

static int read_file(const char *path, gemini__buf *out)
{
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) gemini__buf_add(out, chunk, n);
    fclose(f);
    return !out->oom;
}

/* The DER of the first object of a PEM text, by BearSSL's decoder. */
static void pem_to_der(const gemini__buf *pem, gemini__buf *der)
{
    br_pem_decoder_context pc;
    const unsigned char *p = pem->data;
    size_t n = pem->len;
    br_pem_decoder_init(&pc);
    while (n > 0) {
        size_t used = br_pem_decoder_push(&pc, p, n);
        int ev = br_pem_decoder_event(&pc);
        p += used;
        n -= used;
        if (ev == BR_PEM_BEGIN_OBJ) br_pem_decoder_setdest(&pc, gemini__buf_add, der);
        if (ev == BR_PEM_END_OBJ || ev == BR_PEM_ERROR) return;
    }
}

/* Both loaders over one text; a difference fails the running case. */
static void same(const char *what, const char *pem, size_t len, int *err, size_t *count)
{
    const char *diff = anchors_compare(pem, len, err, count);
    compared++;
    if (diff) {
        differed++;
        test_failures_in_case++;
        fprintf(stderr, "  %s: the loaders differ in %s\n", what, diff);
    }
}

/* Both loaders agree, and the library gives err and count anchors. */
static void expect(const char *what, const char *pem, size_t len, int want_err, size_t want_count)
{
    int err;
    size_t count;
    same(what, pem, len, &err, &count);
    CHECK_INT(err, want_err);
    CHECK_INT(count, want_count);
}

static void expect_str(const char *what, const char *pem, int want_err, size_t want_count)
{
    expect(what, pem, strlen(pem), want_err, want_count);
}

static void system_bundle(void)
{
    gemini__buf all = {0, 0, 0, 0};
    int err;
    size_t count;
    if (!read_file(SYSTEM_BUNDLE, &all)) {
        printf("   (no %s: the system bundle is skipped)\n", SYSTEM_BUNDLE);
        free(all.data);
        return;
    }
    same("system bundle", (const char *)all.data, all.len, &err, &count);
    CHECK_INT(err, GEMINI_OK);
    CHECK(count > 100);
    printf("   %s: %u anchors, the same from both loaders\n", SYSTEM_BUNDLE, (unsigned)count);
    free(all.data);
}

static void each_file(void)
{
    gemini__buf all = {0, 0, 0, 0};
    size_t i;
    for (i = 0; i < CERT_FILES; i++) {
        expect(cert_files[i], (const char *)files[i].data, files[i].len, GEMINI_OK, 1);
        gemini__buf_add(&all, files[i].data, files[i].len);
    }
    expect("all files in one bundle", (const char *)all.data, all.len, GEMINI_OK, CERT_FILES);
    free(all.data);
}

/* The library's anchors for two texts are the same. */
static void same_anchors(const char *pem1, size_t len1, const char *pem2, size_t len2)
{
    anchor_list a = {NULL, 0}, b = {NULL, 0};
    int err1 = new_load_pem(&a, pem1, len1), err2 = new_load_pem(&b, pem2, len2);
    CHECK(anchors_diff(err1, &a, err2, &b) == NULL);
    anchor_list_free(&a);
    anchor_list_free(&b);
}

/* CRLF line ends read as LF ones; the replaced loader found no certificate in them. */
static void crlf(void)
{
    gemini__buf t = {0, 0, 0, 0};
    anchor_list raw = {NULL, 0};
    size_t i;
    for (i = 0; i < files[5].len; i++) {
        if (files[5].data[i] == '\n') gemini__buf_add(&t, "\r", 1);
        gemini__buf_add(&t, files[5].data + i, 1);
    }
    expect("CRLF", (const char *)t.data, t.len, GEMINI_OK, 1);
    same_anchors((const char *)t.data, t.len, (const char *)files[5].data, files[5].len);
    CHECK_INT(ref_load_pem_cr(&raw, (const char *)t.data, t.len, 1), GEMINI_ERR_TRUST);
    anchor_list_free(&raw);
    free(t.data);
}

static void no_final_newline(void)
{
    expect("no final newline", (const char *)files[0].data, files[0].len - 1, GEMINI_OK, 1);
    expect("no final newline, the END line cut", (const char *)files[0].data, files[0].len - 7,
           GEMINI_OK, 1);
}

/* Spaces and tabs between base64 characters, inside quartets and between them; blank lines. */
static void white_space(void)
{
    gemini__buf t = {0, 0, 0, 0};
    size_t i, k = 0;
    int line_start = 1, banner = 0;
    for (i = 0; i < files[0].len; i++) {
        unsigned char ch = files[0].data[i];
        if (line_start) banner = ch == '-';
        if (!line_start && !banner && ch != '\n' && (k++ % 3) == 0)
            gemini__buf_add(&t, k % 2 ? " " : "\t ", k % 2 ? 1 : 2);
        gemini__buf_add(&t, &ch, 1);
        if (ch == '\n' && i + 1 < files[0].len && files[0].data[i + 1] != '-')
            gemini__buf_add(&t, "\n \t\n", 4);
        line_start = ch == '\n';
    }
    expect("white space in base64", (const char *)t.data, t.len, GEMINI_OK, 1);
    same_anchors((const char *)t.data, t.len, (const char *)files[0].data, files[0].len);
    free(t.data);
}

static void other_objects(void)
{
    gemini__buf t = {0, 0, 0, 0};
    static const char key[] = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEH\n"
                              "-----END PRIVATE KEY-----\n";
    static const char crl[] = "Text before, between and after objects is skipped.\n"
                              "-----BEGIN X509 CRL-----\nAAAA\nAA==\n\n-----END X509 CRL-----\n";
    gemini__buf_add(&t, files[0].data, files[0].len);
    gemini__buf_add(&t, key, sizeof key - 1);
    gemini__buf_add(&t, crl, sizeof crl - 1);
    gemini__buf_add(&t, files[5].data, files[5].len);
    expect("a key and a CRL between certificates", (const char *)t.data, t.len, GEMINI_OK, 2);
    expect("a key alone", key, sizeof key - 1, GEMINI_ERR_TRUST, 0);
    t.len = 0;
    gemini__buf_add(&t, files[0].data, files[0].len);
    gemini__buf_add(&t, "-----BEGIN PRIVATE KEY-----\nM!IG\n-----END PRIVATE KEY-----\n", 58);
    expect("bad base64 in a key", (const char *)t.data, t.len, GEMINI_ERR_TRUST, 1);
    free(t.data);
}

/* A DER certificate changed, wrapped in PEM after a good one. */
static void wrapped(const char *what, const unsigned char *der, size_t len, size_t want_count)
{
    gemini__buf t = {0, 0, 0, 0};
    gemini__buf_add(&t, files[0].data, files[0].len);
    anchors_pem_wrap(&t, der, len, NULL);
    expect(what, (const char *)t.data, t.len, GEMINI_OK, want_count);
    free(t.data);
}

static void der_edges(void)
{
    gemini__buf t = {0, 0, 0, 0};
    size_t i;
    for (i = 1; i < 6; i++) wrapped("truncated DER", ders[5].data, ders[5].len - i, 1);
    wrapped("truncated to its first byte", ders[5].data, 1, 1);
    gemini__buf_add(&t, ders[5].data, ders[5].len);
    gemini__buf_add(&t, "", 1);
    wrapped("a byte after the certificate", t.data, t.len, 1);
    wrapped("a certificate again", ders[5].data, ders[5].len, 2);
    t.len = 0;
    anchors_pem_wrap(&t, ders[1].data, ders[1].len, "X509 CERTIFICATE");
    expect("X509 CERTIFICATE", (const char *)t.data, t.len, GEMINI_OK, 1);
    free(t.data);
}

static void pem_edges(void)
{
    gemini__buf t = {0, 0, 0, 0};
    char line[200];
    expect_str("empty bundle", "", GEMINI_ERR_TRUST, 0);
    expect_str("text only", "no objects here\n", GEMINI_ERR_TRUST, 0);
    expect_str("garbage base64", "-----BEGIN CERTIFICATE-----\nMII!AAAA\n-----END CERTIFICATE-----\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("a quartet across lines", "-----BEGIN CERTIFICATE-----\nMII\nB\n-----END CERTIFICATE-----\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("stray padding bits", "-----BEGIN CERTIFICATE-----\nAB==\n-----END CERTIFICATE-----\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("base64 after padding", "-----BEGIN CERTIFICATE-----\nAA==\nAAAA\n-----END CERTIFICATE-----\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("END without its space", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("END after white space", "-----BEGIN CERTIFICATE-----\nAAAA\n -----END C-----\n",
               GEMINI_ERR_TRUST, 0);
    expect_str("not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
               GEMINI_ERR_TRUST, 0);
    gemini__buf_add(&t, files[0].data, files[0].len);
    gemini__buf_add(&t, "-----BEGIN CERTIFICATE-----\nMIIB\n", 34);
    expect("BEGIN without END", (const char *)t.data, t.len, GEMINI_ERR_TRUST, 1);
    t.len = 0;
    gemini__buf_add(&t, files[0].data, files[0].len - 1);
    memcpy(t.data, "-----begin certificate", 22);   /* banners in any case */
    memcpy(t.data + t.len - 25, "-----end xyz", 12);
    expect("lower-case banners", (const char *)t.data, t.len, GEMINI_OK, 1);
    /* a BEGIN line's name: 126 bytes at most, else the line is text and the body is skipped */
    memset(line, '-', sizeof line);
    memcpy(line, "-----BEGIN CERTIFICATE", 22);
    t.len = 0;
    gemini__buf_add(&t, line, 11 + 126);
    gemini__buf_add(&t, files[0].data + 27, files[0].len - 27);
    expect("a name of 126 bytes", (const char *)t.data, t.len, GEMINI_OK, 1);
    t.len = 0;
    gemini__buf_add(&t, line, 11 + 127);
    gemini__buf_add(&t, files[0].data + 27, files[0].len - 27);
    expect("a name of 127 bytes", (const char *)t.data, t.len, GEMINI_ERR_TRUST, 0);
    free(t.data);
}

/* Every byte of a certificate set to a few other values, each result wrapped after a good one. */
static void each_byte(size_t f)
{
    static const unsigned char values[] = {0x00, 0x01, 0x7F, 0x80, 0x81, 0xFF};
    gemini__buf copy = {0, 0, 0, 0}, t = {0, 0, 0, 0};
    size_t i, v;
    gemini__buf_add(&copy, ders[f].data, ders[f].len);
    for (i = 0; i < copy.len; i++) {
        unsigned char keep = copy.data[i];
        for (v = 0; v <= sizeof values; v++) {
            copy.data[i] = v < sizeof values ? values[v] : (unsigned char)(keep ^ 0x20);
            t.len = 0;
            gemini__buf_add(&t, files[0].data, files[0].len);
            anchors_pem_wrap(&t, copy.data, copy.len, NULL);
            same(cert_files[f], (const char *)t.data, t.len, NULL, NULL);
        }
        copy.data[i] = keep;
    }
    free(copy.data);
    free(t.data);
}

static void each_byte_rsa(void) { each_byte(5); }
static void each_byte_ec(void) { each_byte(1); }
static void each_byte_v1(void) { each_byte(8); }

/* Seeded random mutations of a bundle of all the files: bytes changed, inserted (often white
   space, '=', '-' or a line end), deleted, and spans copied. */
static void random_mutations(void)
{
    static const char bytes[] = " \t\r\n=-A/+0";
    gemini__buf all = {0, 0, 0, 0}, t = {0, 0, 0, 0};
    unsigned long state = 20240601;
    size_t i, round;
    for (i = 0; i < CERT_FILES; i++) gemini__buf_add(&all, files[i].data, files[i].len);
    for (round = 0; round < 3000; round++) {
        size_t edits = 1 + round % 4, e;
        t.len = 0;
        gemini__buf_add(&t, all.data, all.len);
        for (e = 0; e < edits; e++) {
            size_t at, r;
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            r = (size_t)(state >> 33);
            at = r % t.len;
            switch (r / 7 % 4) {
            case 0: t.data[at] = (unsigned char)(r >> 12); break;
            case 1: t.data[at] = (unsigned char)bytes[(r >> 12) % (sizeof bytes - 1)]; break;
            case 2: memmove(t.data + at, t.data + at + 1, t.len - at - 1); t.len--; break;
            default: t.len = at + (t.len - at) / 2; break;
            }
        }
        same("random mutation", (const char *)t.data, t.len, NULL, NULL);
    }
    free(all.data);
    free(t.data);
}

/* The built-in roots: the same anchors as BearSSL's decoders read from the certificates
   tools/gen_roots.sh made them from (Debian's ca-certificates copies), when they are here. */
static void builtin_roots(void)
{
    static const char *const roots[] = {
        "GTS_Root_R1.crt", "GTS_Root_R2.crt", "GTS_Root_R3.crt", "GTS_Root_R4.crt",
        "GlobalSign_Root_CA.crt", "GlobalSign_ECC_Root_CA_-_R4.crt"};
    br_x509_trust_anchor tas[GEMINI__GOOGLE_ROOTS_COUNT];
    anchor_list built = {tas, GEMINI__GOOGLE_ROOTS_COUNT}, ref = {NULL, 0};
    gemini__buf all = {0, 0, 0, 0};
    const char *diff;
    char path[256];
    size_t i;
    int err;
    for (i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        snprintf(path, sizeof path, "/usr/share/ca-certificates/mozilla/%s", roots[i]);
        if (!read_file(path, &all)) {
            printf("   (no %s: the built-in roots are not compared)\n", path);
            free(all.data);
            return;
        }
    }
    gemini__google_roots_fill(tas);
    err = ref_load_pem(&ref, (const char *)all.data, all.len);
    diff = anchors_diff(GEMINI_OK, &built, err, &ref);
    if (diff) fprintf(stderr, "  built-in roots differ from their certificates: %s\n", diff);
    CHECK(diff == NULL);
    anchor_list_free(&ref);
    free(all.data);
}

int main(void)
{
    size_t i;
    for (i = 0; i < CERT_FILES; i++) {
        if (!read_file(cert_files[i], &files[i])) {
            fprintf(stderr, "cannot read %s (run from the repository root)\n", cert_files[i]);
            return 1;
        }
        pem_to_der(&files[i], &ders[i]);
    }
    test_run("system CA bundle", system_bundle);
    test_run("built-in roots", builtin_roots);
    test_run("every test certificate, alone and in one bundle", each_file);
    test_run("CRLF line ends", crlf);
    test_run("no final newline", no_final_newline);
    test_run("white space inside base64", white_space);
    test_run("objects that are not certificates", other_objects);
    test_run("DER edges", der_edges);
    test_run("PEM edges", pem_edges);
    test_run("every byte of an RSA certificate", each_byte_rsa);
    test_run("every byte of an EC certificate", each_byte_ec);
    test_run("every byte of a v1 certificate", each_byte_v1);
    test_run("random mutations", random_mutations);
    printf("   %u texts through both loaders, %u differed\n", (unsigned)compared, (unsigned)differed);
    for (i = 0; i < CERT_FILES; i++) { free(files[i].data); free(ders[i].data); }
    return test_report();
}
