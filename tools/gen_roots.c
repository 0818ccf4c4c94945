/* gen_roots.c - turn root certificates into gemini_stream.h's built-in trust anchors.

   Usage: gen_roots FILE... > roots_fragment.c

   Each FILE holds one or more certificates, PEM ("-----BEGIN CERTIFICATE-----") or a single
   DER certificate. The C fragment written to stdout holds, for root number N (0-based):

      static const unsigned char gemini__root_dnN[]      the subject DN, DER-encoded
      static const unsigned char gemini__root_rsa_nN[]   RSA modulus   } RSA keys
      static const unsigned char gemini__root_rsa_eN[]   RSA exponent  }
      static const unsigned char gemini__root_ec_qN[]    EC point (uncompressed), EC keys
      #define GEMINI__ROOT_EC_CURVEN                     its BearSSL curve id, EC keys
      #define GEMINI__GOOGLE_ROOTS_COUNT                 how many roots
      static const gemini__root gemini__roots[]          the roots as a table of the above
      static void gemini__google_roots_fill(br_x509_trust_anchor *tas)

   gemini__google_roots_fill() writes GEMINI__GOOGLE_ROOTS_COUNT anchors into storage the caller
   owns. A const br_x509_trust_anchor table cannot be written portably: the key is a union whose
   first member is the RSA key, and C++11 has no designated initialisers to reach the EC member.

   Only BearSSL is used (its PEM and X.509 decoders). Build: cc -o gen_roots gen_roots.c -lbearssl
   Normally run through tools/gen_roots.sh, which picks the files and writes the fragment. */

#include <bearssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBJECT_MAX 400

typedef struct {
    unsigned char *data;
    size_t len, cap;
} buf;

typedef struct {
    const char *file;            /* base name of the file it came from */
    char subject[SUBJECT_MAX];   /* readable subject, "" when it could not be rendered */
    buf dn;
    int key_type;                /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
    buf k1, k2;                  /* RSA: n, e. EC: q, (unused) */
    int curve;
    int is_ca;
} root;

static root *roots;
static size_t nroots, roots_cap;

static void die(const char *what, const char *file)
{
    fprintf(stderr, "gen_roots: %s%s%s\n", file ? file : "", file ? ": " : "", what);
    exit(1);
}

static void buf_append(buf *b, const void *src, size_t len)
{
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        unsigned char *p;
        while (cap - b->len < len) cap *= 2;
        p = (unsigned char *)realloc(b->data, cap);
        if (!p) die("out of memory", NULL);
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, src, len);
    b->len += len;
}

static void buf_append_cb(void *ctx, const void *src, size_t len)
{
    buf_append((buf *)ctx, src, len);
}

static void discard_cb(void *ctx, const void *src, size_t len)
{
    (void)ctx;
    (void)src;
    (void)len;
}

static void buf_set(buf *b, const unsigned char *src, size_t len, int strip_zeros)
{
    while (strip_zeros && len > 1 && src[0] == 0) { src++; len--; }
    b->len = 0;
    buf_append(b, src, len);
}

static int read_file(const char *path, buf *out)
{
    unsigned char tmp[4096];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) buf_append(out, tmp, n);
    n = (size_t)ferror(f);
    fclose(f);
    return n ? -1 : 0;
}

/* ---- readable subject: walk Name ::= SEQUENCE OF SET OF SEQUENCE { OID, value } ---- */

/* Reads one DER TLV from p[0..len). Returns 0 and sets tag, value and value length, else -1. */
static int der_tlv(const unsigned char **p, size_t *len, int *tag,
                   const unsigned char **val, size_t *vlen)
{
    const unsigned char *s = *p;
    size_t n = *len, l;
    if (n < 2) return -1;
    *tag = s[0];
    l = s[1];
    s += 2;
    n -= 2;
    if (l & 0x80) {
        size_t k = l & 0x7F;
        if (k == 0 || k > 4 || k > n) return -1;
        for (l = 0; k > 0; k--, s++, n--) l = (l << 8) | *s;
    }
    if (l > n) return -1;
    *val = s;
    *vlen = l;
    *p = s + l;
    *len = n - l;
    return 0;
}

static void subject_add(char *out, const char *text, size_t tlen)
{
    size_t used = strlen(out), i;
    for (i = 0; i < tlen && used + 1 < SUBJECT_MAX; i++) {
        char c = text[i];
        /* keep the comment a comment: printable ASCII only, and never a star */
        out[used++] = (c >= 0x20 && c <= 0x7E && c != '*') ? c : '?';
    }
    out[used] = '\0';
}

/* Other attribute types are shown as a dotted OID (e.g. 1.2.840.113549.1.9.1). */
static void render_oid(const unsigned char *oid, size_t len, char *out)
{
    char text[128];
    size_t used = 0, i;
    unsigned long arc = 0;
    int first = 1;

    text[0] = '\0';
    for (i = 0; i < len && used < sizeof text - 48; i++) {
        arc = (arc << 7) | (oid[i] & 0x7Fu);
        if (oid[i] & 0x80) continue;           /* more bytes of this arc follow */
        if (first) {                           /* the first byte packs two arcs: 40 * a + b */
            unsigned long a = arc < 80 ? arc / 40 : 2;
            used += (size_t)snprintf(text + used, sizeof text - used, "%lu.%lu", a, arc - 40 * a);
            first = 0;
        } else {
            used += (size_t)snprintf(text + used, sizeof text - used, ".%lu", arc);
        }
        arc = 0;
    }
    subject_add(out, text, strlen(text));
}

static int render_dn(const unsigned char *dn, size_t len, char *out)
{
    static const struct { unsigned char last; const char *name; } names[] = {
        { 3, "CN" }, { 5, "serialNumber" }, { 6, "C" }, { 7, "L" }, { 8, "ST" }, { 10, "O" },
        { 11, "OU" }, { 97, "organizationIdentifier" }
    };
    const unsigned char *name, *set, *atv, *oid, *val;
    size_t name_len, set_len, atv_len, oid_len, val_len;
    int tag;

    out[0] = '\0';
    if (der_tlv(&dn, &len, &tag, &name, &name_len) || tag != 0x30 || len != 0) return -1;
    while (name_len > 0) {
        if (der_tlv(&name, &name_len, &tag, &set, &set_len) || tag != 0x31) return -1;
        while (set_len > 0) {
            const char *label = NULL;
            size_t i;
            if (der_tlv(&set, &set_len, &tag, &atv, &atv_len) || tag != 0x30) return -1;
            if (der_tlv(&atv, &atv_len, &tag, &oid, &oid_len) || tag != 0x06) return -1;
            if (der_tlv(&atv, &atv_len, &tag, &val, &val_len)) return -1;
            if (oid_len == 3 && oid[0] == 0x55 && oid[1] == 0x04)
                for (i = 0; i < sizeof names / sizeof names[0]; i++)
                    if (names[i].last == oid[2]) label = names[i].name;
            if (out[0]) subject_add(out, ", ", 2);
            if (label) subject_add(out, label, strlen(label));
            else render_oid(oid, oid_len, out);
            subject_add(out, "=", 1);
            if (tag == 0x1E) {                 /* BMPString: UCS-2, big-endian */
                for (i = 0; i + 1 < val_len; i += 2) {
                    char c = (char)(val[i] == 0 ? val[i + 1] : '?');
                    subject_add(out, &c, 1);
                }
            } else {                           /* UTF8, Printable, IA5, T61 ... */
                subject_add(out, (const char *)val, val_len);
            }
        }
    }
    return 0;
}

/* ---- certificate decoding ---- */

static void add_cert(const char *file, const unsigned char *der, size_t len)
{
    br_x509_decoder_context dc;
    const br_x509_pkey *pk;
    buf dn = { NULL, 0, 0 };
    root *r;
    size_t i;
    int err;

    br_x509_decoder_init(&dc, buf_append_cb, &dn);
    br_x509_decoder_push(&dc, der, len);
    pk = br_x509_decoder_get_pkey(&dc);
    if (!pk) {
        err = br_x509_decoder_last_error(&dc);
        fprintf(stderr, "gen_roots: %s: certificate not decoded (BearSSL error %d)\n", file, err);
        exit(1);
    }
    if (dn.len == 0) die("certificate has an empty subject", file);
    if (nroots == roots_cap) {
        size_t cap = roots_cap ? roots_cap * 2 : 8;
        root *p = (root *)realloc(roots, cap * sizeof *roots);
        if (!p) die("out of memory", NULL);
        roots = p;
        roots_cap = cap;
    }
    r = &roots[nroots];
    memset(r, 0, sizeof *r);
    r->file = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    r->dn = dn;
    r->key_type = pk->key_type;
    r->is_ca = br_x509_decoder_isCA(&dc);
    if (pk->key_type == BR_KEYTYPE_RSA) {
        buf_set(&r->k1, pk->key.rsa.n, pk->key.rsa.nlen, 1);
        buf_set(&r->k2, pk->key.rsa.e, pk->key.rsa.elen, 1);
    } else if (pk->key_type == BR_KEYTYPE_EC) {
        r->curve = pk->key.ec.curve;
        buf_set(&r->k1, pk->key.ec.q, pk->key.ec.qlen, 0);
    } else {
        die("unsupported public key type", file);
    }
    if (!r->is_ca) fprintf(stderr, "gen_roots: %s: warning: not marked as a CA\n", file);
    if (render_dn(r->dn.data, r->dn.len, r->subject) != 0) r->subject[0] = '\0';

    for (i = 0; i < nroots; i++) {             /* the same root listed twice: keep one */
        const root *o = &roots[i];
        if (o->dn.len == r->dn.len && !memcmp(o->dn.data, r->dn.data, r->dn.len)
            && o->key_type == r->key_type && o->k1.len == r->k1.len
            && !memcmp(o->k1.data, r->k1.data, r->k1.len)) {
            fprintf(stderr, "gen_roots: %s: duplicate of root %lu, skipped\n", file,
                    (unsigned long)i);
            free(r->dn.data);
            free(r->k1.data);
            free(r->k2.data);
            return;
        }
    }
    nroots++;
}

typedef struct {
    buf der;
    int in_cert;
} pem_state;

static void load_file(const char *path)
{
    br_pem_decoder_context pc;
    pem_state st = { { NULL, 0, 0 }, 0 };
    buf data = { NULL, 0, 0 };
    const unsigned char *p;
    size_t left, found = 0;
    int pem_seen = 0, pass;

    if (read_file(path, &data) != 0) die("cannot read", path);
    if (data.len == 0) die("empty file", path);
    if (data.data[0] == 0x30) {                /* a DER certificate starts with a SEQUENCE */
        add_cert(path, data.data, data.len);
        free(data.data);
        return;
    }
    br_pem_decoder_init(&pc);
    /* pass 0 pushes the file, pass 1 a newline, in case the last line lacks one */
    for (pass = 0; pass < 2; pass++) {
        p = pass ? (const unsigned char *)"\n" : data.data;
        left = pass ? 1 : data.len;
        while (left > 0) {
            size_t used = br_pem_decoder_push(&pc, p, left);
            p += used;
            left -= used;
            switch (br_pem_decoder_event(&pc)) {
            case BR_PEM_BEGIN_OBJ: {
                const char *name = br_pem_decoder_name(&pc);
                pem_seen = 1;
                st.in_cert = !strcmp(name, "CERTIFICATE") || !strcmp(name, "X509 CERTIFICATE");
                st.der.len = 0;
                if (st.in_cert) br_pem_decoder_setdest(&pc, buf_append_cb, &st.der);
                else {
                    fprintf(stderr, "gen_roots: %s: skipping PEM object \"%s\"\n", path, name);
                    br_pem_decoder_setdest(&pc, discard_cb, NULL);
                }
                break;
            }
            case BR_PEM_END_OBJ:
                if (st.in_cert) {
                    add_cert(path, st.der.data, st.der.len);
                    found++;
                }
                st.in_cert = 0;
                break;
            case BR_PEM_ERROR:
                die("malformed PEM", path);
                break;
            default:
                break;
            }
        }
    }
    if (st.in_cert) die("truncated PEM object", path);
    if (!pem_seen) die("neither PEM nor DER", path);
    if (found == 0) die("no certificate in file", path);
    free(st.der.data);
    free(data.data);
}

/* ---- output ---- */

static const char *curve_macro(int curve)
{
    switch (curve) {
    case BR_EC_secp256r1: return "BR_EC_secp256r1";
    case BR_EC_secp384r1: return "BR_EC_secp384r1";
    case BR_EC_secp521r1: return "BR_EC_secp521r1";
    default: return NULL;
    }
}

static const char *curve_label(int curve)
{
    switch (curve) {
    case BR_EC_secp256r1: return "P-256";
    case BR_EC_secp384r1: return "P-384";
    case BR_EC_secp521r1: return "P-521";
    default: return "other curve";
    }
}

static unsigned long rsa_bits(const buf *n)
{
    unsigned long bits = (unsigned long)n->len * 8;
    unsigned top = n->len ? n->data[0] : 0;
    if (n->len == 0) return 0;
    while (!(top & 0x80)) { top <<= 1; bits--; }
    return bits;
}

static void describe(const root *r, char *out, size_t outlen)
{
    if (r->key_type == BR_KEYTYPE_RSA)
        snprintf(out, outlen, "RSA %lu", rsa_bits(&r->k1));
    else
        snprintf(out, outlen, "EC %s", curve_label(r->curve));
}

#define LINE_MAX_COLS 100

/* Prints prefix, the root's name and suffix on one line of at most LINE_MAX_COLS columns,
   shortening the name ("...") when it does not fit. */
static void print_named_line(const char *prefix, const root *r, const char *suffix)
{
    const char *name = r->subject[0] ? r->subject : r->file;
    size_t fixed = strlen(prefix) + strlen(suffix), len = strlen(name);
    size_t room = fixed + 3 < LINE_MAX_COLS ? LINE_MAX_COLS - fixed : 3;
    if (len <= room) printf("%s%s%s\n", prefix, name, suffix);
    else printf("%s%.*s...%s\n", prefix, (int)(room - 3), name, suffix);
}

static void emit_bytes(const char *kind, size_t idx, const buf *b)
{
    size_t i;
    printf("static const unsigned char gemini__root_%s%lu[] = {", kind, (unsigned long)idx);
    for (i = 0; i < b->len; i++) {
        if (i % 12 == 0) printf("\n   ");
        printf(" 0x%02X%s", b->data[i], i + 1 < b->len ? "," : "");
    }
    printf("\n};\n");
}

static void emit(void)
{
    size_t i;
    char key[64];

    printf("/* Generated by tools/gen_roots.sh (tools/gen_roots.c): do not edit by hand.\n"
           " * Trust anchors built into gemini_stream.h, in order:\n");
    for (i = 0; i < nroots; i++) {
        const root *r = &roots[i];
        char prefix[32];
        describe(r, key, sizeof key);
        snprintf(prefix, sizeof prefix, " *   %lu: ", (unsigned long)i);
        print_named_line(prefix, r, "");
        printf(" *      %s, from %s\n", key, r->file);
    }
    printf(" * Include after <bearssl.h>. Use:\n"
           " *      br_x509_trust_anchor tas[GEMINI__GOOGLE_ROOTS_COUNT];\n"
           " *      gemini__google_roots_fill(tas);\n"
           " * The anchors point into the const arrays below; tas must outlive the X.509 context\n"
           " * that uses it. (No const br_x509_trust_anchor table: the key union's first member\n"
           " * is the RSA key, and C++11 has no designated initialisers to reach the EC member.)\n"
           " */\n\n");

    for (i = 0; i < nroots; i++) {
        const root *r = &roots[i];
        char prefix[32], suffix[80];
        describe(r, key, sizeof key);
        snprintf(prefix, sizeof prefix, "/* %lu: ", (unsigned long)i);
        snprintf(suffix, sizeof suffix, " (%s) */", key);
        print_named_line(prefix, r, suffix);
        emit_bytes("dn", i, &r->dn);
        if (r->key_type == BR_KEYTYPE_RSA) {
            emit_bytes("rsa_n", i, &r->k1);
            emit_bytes("rsa_e", i, &r->k2);
        } else {
            const char *m = curve_macro(r->curve);
            emit_bytes("ec_q", i, &r->k1);
            if (m) printf("#define GEMINI__ROOT_EC_CURVE%lu %s\n", (unsigned long)i, m);
            else printf("#define GEMINI__ROOT_EC_CURVE%lu %d\n", (unsigned long)i, r->curve);
        }
        printf("\n");
    }

    printf("#define GEMINI__GOOGLE_ROOTS_COUNT %lu\n\n", (unsigned long)nroots);
    printf("/* The anchors as data: the DN, the key (RSA: k1 the modulus, k2 the exponent; EC: k1 the\n"
           "   point) and the EC curve, 0 for an RSA key. One loop fills them in: code per field per\n"
           "   anchor would cost more than the table. */\n"
           "typedef struct gemini__root {\n"
           "    const unsigned char *dn, *k1, *k2;\n"
           "    unsigned short dn_len, k1_len, k2_len;\n"
           "    unsigned char curve;\n"
           "} gemini__root;\n\n"
           "static const gemini__root gemini__roots[GEMINI__GOOGLE_ROOTS_COUNT] = {\n");
    for (i = 0; i < nroots; i++) {
        const root *r = &roots[i];
        unsigned long n = (unsigned long)i;
        if (r->key_type == BR_KEYTYPE_RSA)
            printf("    {gemini__root_dn%lu, gemini__root_rsa_n%lu, gemini__root_rsa_e%lu,\n"
                   "     sizeof gemini__root_dn%lu, sizeof gemini__root_rsa_n%lu, sizeof gemini__root_rsa_e%lu, 0}%s\n",
                   n, n, n, n, n, n, i + 1 < nroots ? "," : "");
        else
            printf("    {gemini__root_dn%lu, gemini__root_ec_q%lu, NULL,\n"
                   "     sizeof gemini__root_dn%lu, sizeof gemini__root_ec_q%lu, 0, GEMINI__ROOT_EC_CURVE%lu}%s\n",
                   n, n, n, n, n, i + 1 < nroots ? "," : "");
    }
    printf("};\n\n"
           "/* Writes the GEMINI__GOOGLE_ROOTS_COUNT built-in anchors to tas[]. */\n"
           "static void gemini__google_roots_fill(br_x509_trust_anchor *tas)\n"
           "{\n"
           "    size_t i;\n"
           "    for (i = 0; i < GEMINI__GOOGLE_ROOTS_COUNT; i++) {\n"
           "        const gemini__root *r = &gemini__roots[i];\n"
           "        br_x509_trust_anchor *ta = &tas[i];\n"
           "        ta->dn.data = (unsigned char *)r->dn;\n"
           "        ta->dn.len = r->dn_len;\n"
           "        ta->flags = BR_X509_TA_CA;\n"
           "        if (r->curve) {\n"
           "            ta->pkey.key_type = BR_KEYTYPE_EC;\n"
           "            ta->pkey.key.ec.curve = r->curve;\n"
           "            ta->pkey.key.ec.q = (unsigned char *)r->k1;\n"
           "            ta->pkey.key.ec.qlen = r->k1_len;\n"
           "        } else {\n"
           "            ta->pkey.key_type = BR_KEYTYPE_RSA;\n"
           "            ta->pkey.key.rsa.n = (unsigned char *)r->k1;\n"
           "            ta->pkey.key.rsa.nlen = r->k1_len;\n"
           "            ta->pkey.key.rsa.e = (unsigned char *)r->k2;\n"
           "            ta->pkey.key.rsa.elen = r->k2_len;\n"
           "        }\n"
           "    }\n"
           "}\n");
}

int main(int argc, char **argv)
{
    int i;
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERT_FILE... > roots_fragment.c\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) load_file(argv[i]);
    emit();
    if (fflush(stdout) != 0 || ferror(stdout)) die("write error on stdout", NULL);
    return 0;
}
