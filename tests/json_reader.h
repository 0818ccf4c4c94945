/* json_reader.h - a small JSON reader for test tools: the conformance runner reads its case
   files with it, and the request-writer tests decode the library's output with it (an
   implementation independent of the library's own scanner). Needs split.h's split_buf. */
#ifndef GEMINI_JSON_READER_H
#define GEMINI_JSON_READER_H

#include "split.h"

/* ---- a tiny JSON reader (recursive and lenient: a test tool, independent of the library) ---- */

typedef struct jv {
    char type;              /* 'o' object, 'a' array, 's' string, 'n' number, 't', 'f', 'z' null */
    char *s;                /* string bytes (UTF-8, may hold NUL) */
    size_t len;
    double num;
    size_t n;               /* members of an object or array */
    char **keys;
    struct jv *items;
} jv;

typedef struct jreader {
    const char *p, *end;
    int bad;
} jreader;

static inline void jr_ws(jreader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) r->p++;
}

static inline int jr_hex4(jreader *r, unsigned *out)
{
    unsigned v = 0;
    int i;
    if (r->end - r->p < 4) return -1;
    for (i = 0; i < 4; i++) {
        char c = *r->p++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    *out = v;
    return 0;
}

static inline void put_utf8(split_buf *b, unsigned cp)
{
    char u[4];
    if (cp < 0x80) { u[0] = (char)cp; sbuf_put(b, u, 1); }
    else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F));
        sbuf_put(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        sbuf_put(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
        sbuf_put(b, u, 4);
    }
}

static inline int jr_string(jreader *r, char **out, size_t *len)
{
    split_buf b = {0};
    r->p++;                                         /* the opening quote */
    sbuf_put(&b, "", 0);
    while (r->p < r->end && *r->p != '"') {
        if (*r->p != '\\') { sbuf_put(&b, r->p++, 1); continue; }
        r->p++;
        if (r->p >= r->end) break;
        switch (*r->p++) {
        case '"': sbuf_put(&b, "\"", 1); break;
        case '\\': sbuf_put(&b, "\\", 1); break;
        case '/': sbuf_put(&b, "/", 1); break;
        case 'b': sbuf_put(&b, "\b", 1); break;
        case 'f': sbuf_put(&b, "\f", 1); break;
        case 'n': sbuf_put(&b, "\n", 1); break;
        case 'r': sbuf_put(&b, "\r", 1); break;
        case 't': sbuf_put(&b, "\t", 1); break;
        case 'u': {
            unsigned cp, lo;
            if (jr_hex4(r, &cp)) goto fail;
            if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u') {
                const char *save = r->p;
                r->p += 2;
                if (jr_hex4(r, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                else r->p = save;
            }
            put_utf8(&b, cp);
            break;
        }
        default: goto fail;
        }
    }
    if (r->p >= r->end) goto fail;
    r->p++;
    *out = b.p;
    *len = b.len;
    return 0;
fail:
    sbuf_free(&b);
    return -1;
}

static inline int jr_value(jreader *r, jv *v, int depth)
{
    memset(v, 0, sizeof *v);
    jr_ws(r);
    if (r->p >= r->end || depth > 200) return -1;
    if (*r->p == '"') { v->type = 's'; return jr_string(r, &v->s, &v->len); }
    if (*r->p == '{' || *r->p == '[') {
        char close = *r->p == '{' ? '}' : ']';
        size_t cap = 0;
        v->type = *r->p == '{' ? 'o' : 'a';
        r->p++;
        jr_ws(r);
        if (r->p < r->end && *r->p == close) { r->p++; return 0; }
        for (;;) {
            char *key = NULL;
            size_t klen;
            jr_ws(r);
            if (v->type == 'o') {
                if (r->p >= r->end || *r->p != '"' || jr_string(r, &key, &klen)) return -1;
                jr_ws(r);
                if (r->p >= r->end || *r->p != ':') { free(key); return -1; }
                r->p++;
            }
            if (v->n == cap) {
                cap = cap ? cap * 2 : 8;
                v->items = (jv *)realloc(v->items, cap * sizeof *v->items);
                v->keys = (char **)realloc(v->keys, cap * sizeof *v->keys);
            }
            v->keys[v->n] = key;
            if (jr_value(r, &v->items[v->n], depth + 1)) { v->n++; return -1; }
            v->n++;
            jr_ws(r);
            if (r->p < r->end && *r->p == ',') { r->p++; continue; }
            if (r->p < r->end && *r->p == close) { r->p++; return 0; }
            return -1;
        }
    }
    if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) { v->type = 't'; r->p += 4; return 0; }
    if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) { v->type = 'f'; r->p += 5; return 0; }
    if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0) { v->type = 'z'; r->p += 4; return 0; }
    {
        char num[64];
        size_t k = 0;
        while (r->p < r->end && k < sizeof num - 1 && strchr("+-0123456789.eE", *r->p)) num[k++] = *r->p++;
        if (!k) return -1;
        num[k] = '\0';
        v->type = 'n';
        v->num = strtod(num, NULL);
        return 0;
    }
}

static inline void jv_free(jv *v)
{
    size_t i;
    for (i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->s);
}

static inline const jv *jv_get(const jv *o, const char *key)
{
    size_t i;
    if (!o || o->type != 'o') return NULL;
    for (i = 0; i < o->n; i++)
        if (strcmp(o->keys[i], key) == 0) return &o->items[i];
    return NULL;
}

static inline const char *jv_str(const jv *o, const char *key)
{
    const jv *v = jv_get(o, key);
    return v && v->type == 's' ? v->s : NULL;
}

/* Parses all of [p, p+len) as one JSON value; 0 on success (then jv_free it). */
static inline int jv_parse(const char *p, size_t len, jv *v)
{
    jreader r;
    r.p = p;
    r.end = p + len;
    r.bad = 0;
    if (jr_value(&r, v, 0)) { jv_free(v); return -1; }
    jr_ws(&r);
    if (r.p != r.end) { jv_free(v); return -1; }
    return 0;
}

/* The i-th item of an array (or object), or NULL. */
static inline const jv *jv_at(const jv *a, size_t i)
{
    return a && (a->type == 'a' || a->type == 'o') && i < a->n ? &a->items[i] : NULL;
}

#endif
