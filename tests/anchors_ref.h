/* anchors_ref.h - the reference for the trust-anchor readers of gemini_stream.h: the loader they
   replaced, on BearSSL's br_pem_decoder and br_x509_decoder, and a byte-for-byte comparison of
   what both load. The reference carries the two deliberate differences of the new readers:
   every CR is removed from the text first (BearSSL keeps a CR in a BEGIN line's name, so
   "CERTIFICATE-----" was read in CRLF files), and an object still open at the end of the text
   is GEMINI_ERR_TRUST (BearSSL only waits for more text).

   Include after gemini_stream.h with GEMINI_STREAM_IMPLEMENTATION: it calls gemini__load_pem
   and reuses gemini__buf. Tests may link BearSSL's decoders; the library must not. */
#ifndef GEMINI_ANCHORS_REF_H
#define GEMINI_ANCHORS_REF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct anchor_list { br_x509_trust_anchor *ta; size_t count; } anchor_list;

static void anchor_list_free(anchor_list *a)
{
    size_t i;
    for (i = 0; i < a->count; i++) free(a->ta[i].dn.data);
    free(a->ta);
    a->ta = NULL;
    a->count = 0;
}

/* The replaced gemini__anchor_from_der, word for word but for the list it appends to. */
static int ref_anchor_from_der(anchor_list *a, const unsigned char *der, size_t len)
{
    br_x509_decoder_context dc;
    gemini__buf dn = {0, 0, 0, 0};
    const br_x509_pkey *pk;
    br_x509_trust_anchor *ta, *grown;
    size_t klen1, klen2;
    unsigned char *mem;
    br_x509_decoder_init(&dc, gemini__buf_add, &dn);
    br_x509_decoder_push(&dc, der, len);
    pk = br_x509_decoder_get_pkey(&dc);
    if (!pk || dn.oom || dn.len == 0) { free(dn.data); return GEMINI_OK; }  /* skipped */
    klen1 = pk->key_type == BR_KEYTYPE_RSA ? pk->key.rsa.nlen : pk->key.ec.qlen;
    klen2 = pk->key_type == BR_KEYTYPE_RSA ? pk->key.rsa.elen : 0;
    grown = (br_x509_trust_anchor *)realloc(a->ta, (a->count + 1) * sizeof *grown);
    mem = (unsigned char *)malloc(dn.len + klen1 + klen2);
    if (grown) a->ta = grown;
    if (!grown || !mem) { free(mem); free(dn.data); return GEMINI_ERR_NOMEM; }
    ta = &a->ta[a->count++];
    memcpy(mem, dn.data, dn.len);
    ta->dn.data = mem;
    ta->dn.len = dn.len;
    ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
    ta->pkey = *pk;
    if (pk->key_type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = (unsigned char *)memcpy(mem + dn.len, pk->key.rsa.n, klen1);
        ta->pkey.key.rsa.e = (unsigned char *)memcpy(mem + dn.len + klen1, pk->key.rsa.e, klen2);
    } else {
        ta->pkey.key.ec.q = (unsigned char *)memcpy(mem + dn.len, pk->key.ec.q, klen1);
    }
    free(dn.data);
    return GEMINI_OK;
}

/* The replaced gemini__load_pem over the text as BearSSL sees it (keep_cr: the CRs left in,
   which only the test of the CRLF fix wants), then the strict end: an open object is an error. */
static int ref_load_pem_cr(anchor_list *a, const char *pem, size_t len, int keep_cr)
{
    br_pem_decoder_context pc;
    gemini__buf der = {0, 0, 0, 0};
    char *text = (char *)malloc(len + 1);
    size_t i, n = 0;
    int in_cert = 0, in_obj = 0, err = GEMINI_OK, pass;
    if (!text) return GEMINI_ERR_NOMEM;
    for (i = 0; i < len; i++) if (keep_cr || pem[i] != '\r') text[n++] = pem[i];
    br_pem_decoder_init(&pc);
    for (pass = 0; pass < 2 && !err; pass++) {  /* a final newline closes an unended last line */
        const char *p = pass ? "\n" : text;
        size_t left = pass ? 1 : n;
        while (left > 0 && !err) {
            size_t used = br_pem_decoder_push(&pc, p, left);
            p += used;
            left -= used;
            switch (br_pem_decoder_event(&pc)) {
            case BR_PEM_BEGIN_OBJ:
                in_cert = strcmp(br_pem_decoder_name(&pc), "CERTIFICATE") == 0
                       || strcmp(br_pem_decoder_name(&pc), "X509 CERTIFICATE") == 0;
                in_obj = 1;
                der.len = 0;
                br_pem_decoder_setdest(&pc, in_cert ? gemini__buf_add : NULL, &der);
                break;
            case BR_PEM_END_OBJ:
                if (in_cert && der.oom) err = GEMINI_ERR_NOMEM;
                else if (in_cert) err = ref_anchor_from_der(a, der.data, der.len);
                in_cert = in_obj = 0;
                break;
            case BR_PEM_ERROR: err = GEMINI_ERR_TRUST; break;
            default: break;
            }
        }
    }
    free(der.data);
    free(text);
    if (!err && in_obj) err = GEMINI_ERR_TRUST;
    if (!err && a->count == 0) err = GEMINI_ERR_TRUST;
    return err;
}

static int ref_load_pem(anchor_list *a, const char *pem, size_t len)
{
    return ref_load_pem_cr(a, pem, len, 0);
}

/* The library's loader, its anchors moved into *a. */
static int new_load_pem(anchor_list *a, const char *pem, size_t len)
{
    gemini_client *c = (gemini_client *)calloc(1, sizeof *c);
    int err;
    if (!c) return GEMINI_ERR_NOMEM;
    err = gemini__load_pem(c, pem, len);
    a->ta = c->anchors;
    a->count = c->anchor_count;
    free(c);
    return err;
}

static int anchor_bytes_eq(const unsigned char *x, size_t xlen, const unsigned char *y, size_t ylen)
{
    return xlen == ylen && (xlen == 0 || memcmp(x, y, xlen) == 0);
}

/* NULL when both loads gave the same error and the same anchors, else what differs. */
static const char *anchors_diff(int err1, const anchor_list *a, int err2, const anchor_list *b)
{
    size_t i;
    if (err1 != err2) return "error code";
    if (a->count != b->count) return "anchor count";
    for (i = 0; i < a->count; i++) {
        const br_x509_trust_anchor *x = &a->ta[i], *y = &b->ta[i];
        if (!anchor_bytes_eq(x->dn.data, x->dn.len, y->dn.data, y->dn.len)) return "DN";
        if (x->flags != y->flags) return "flags";
        if (x->pkey.key_type != y->pkey.key_type) return "key type";
        if (x->pkey.key_type == BR_KEYTYPE_RSA) {
            if (!anchor_bytes_eq(x->pkey.key.rsa.n, x->pkey.key.rsa.nlen,
                                 y->pkey.key.rsa.n, y->pkey.key.rsa.nlen)) return "RSA n";
            if (!anchor_bytes_eq(x->pkey.key.rsa.e, x->pkey.key.rsa.elen,
                                 y->pkey.key.rsa.e, y->pkey.key.rsa.elen)) return "RSA e";
        } else {
            if (x->pkey.key.ec.curve != y->pkey.key.ec.curve) return "EC curve";
            if (!anchor_bytes_eq(x->pkey.key.ec.q, x->pkey.key.ec.qlen,
                                 y->pkey.key.ec.q, y->pkey.key.ec.qlen)) return "EC point";
        }
    }
    return NULL;
}

/* Runs both loaders over the text. Returns NULL when they agree, else what differs; *err and
   *count (either may be NULL) get the library's result. */
static const char *anchors_compare(const char *pem, size_t len, int *err, size_t *count)
{
    anchor_list a = {NULL, 0}, b = {NULL, 0};
    int err_new = new_load_pem(&a, pem, len), err_ref = ref_load_pem(&b, pem, len);
    const char *diff = anchors_diff(err_new, &a, err_ref, &b);
    if (err) *err = err_new;
    if (count) *count = a.count;
    anchor_list_free(&a);
    anchor_list_free(&b);
    return diff;
}

/* Appends DER as a PEM CERTIFICATE with 64-column lines (the name: "CERTIFICATE" if NULL). */
static void anchors_pem_wrap(gemini__buf *out, const unsigned char *der, size_t len, const char *name)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char line[80];
    size_t i, col = 0;
    name = name ? name : "CERTIFICATE";
    gemini__buf_add(out, "-----BEGIN ", 11);
    gemini__buf_add(out, name, strlen(name));
    gemini__buf_add(out, "-----\n", 6);
    for (i = 0; i < len; i += 3) {
        unsigned long v = (unsigned long)der[i] << 16;
        if (i + 1 < len) v |= (unsigned long)der[i + 1] << 8;
        if (i + 2 < len) v |= der[i + 2];
        line[col++] = b64[v >> 18 & 63];
        line[col++] = b64[v >> 12 & 63];
        line[col++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
        line[col++] = i + 2 < len ? b64[v & 63] : '=';
        if (col == 64 || i + 3 >= len) {
            line[col++] = '\n';
            gemini__buf_add(out, line, col);
            col = 0;
        }
    }
    gemini__buf_add(out, "-----END ", 9);
    gemini__buf_add(out, name, strlen(name));
    gemini__buf_add(out, "-----\n", 6);
}

#endif
