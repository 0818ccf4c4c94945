/* fuzz_common.h - what the fuzz targets share: a growable byte buffer, a UTF-8 checker, feeding
   an input in pieces the input itself chooses, and an event callback that checks the promises
   every gemini_event keeps.

   Each target defines GEMINI_STREAM_IMPLEMENTATION, includes gemini_stream.h, then this file,
   and defines LLVMFuzzerTestOneInput. A broken invariant prints what broke and aborts, which
   libFuzzer records as a crash and the standalone driver (driver.c) as a failed run. */
#ifndef GEMINI_FUZZ_COMMON_H
#define GEMINI_FUZZ_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemini_stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- failing ------------------------------------------------------------------------------- */

static inline void fz_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    fflush(stderr);
    abort();
}

#define FZ_CHECK(cond) \
    do { if (!(cond)) fz_fail(__FILE__, __LINE__, #cond, NULL); } while (0)
#define FZ_CHECK_MSG(cond, ...) \
    do { if (!(cond)) fz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)

/* ---- a growable byte buffer (always NUL-terminated once written) --------------------------- */

typedef struct fz_buf {
    char *p;
    size_t len, cap;
} fz_buf;

static inline void fz_put(fz_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;
        while (cap < b->len + n + 1) cap *= 2;
        p = (char *)realloc(b->p, cap);
        if (!p) { fprintf(stderr, "fuzz: out of memory\n"); abort(); }
        b->p = p;
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void fz_str(fz_buf *b, const char *s) { fz_put(b, s, strlen(s)); }

static inline void fz_printf(fz_buf *b, const char *fmt, ...)
{
    char tmp[256];
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) fz_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Bytes as a quoted C-like literal: the logs stay one line per record and printable. */
static inline void fz_quote(fz_buf *b, const char *s, size_t n)
{
    size_t i;
    fz_put(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { char e[2]; e[0] = '\\'; e[1] = (char)c; fz_put(b, e, 2); }
        else if (c < 0x20 || c == 0x7f) fz_printf(b, "\\x%02X", (unsigned)c);
        else fz_put(b, s + i, 1);
    }
    fz_put(b, "\"", 1);
}

static inline void fz_clear(fz_buf *b) { b->len = 0; if (b->p) b->p[0] = '\0'; }
static inline void fz_free(fz_buf *b) { free(b->p); b->p = NULL; b->len = b->cap = 0; }
static inline const char *fz_text(const fz_buf *b) { return b->p ? b->p : ""; }

static inline int fz_same(const fz_buf *a, const fz_buf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Reports where two outcomes part ways, then aborts. */
static inline void fz_diff_fail(const char *file, int line, const char *what, const fz_buf *got,
                         const fz_buf *want)
{
    size_t i = 0, from;
    const char *g = fz_text(got), *w = fz_text(want);
    while (i < got->len && i < want->len && g[i] == w[i]) i++;
    from = i > 200 ? i - 200 : 0;
    fz_fail(file, line, what, "first difference at byte %lu\n--- got:\n%.600s\n--- expected:\n%.600s",
            (unsigned long)i, g + from, w + from);
}

#define FZ_SAME(got, want, what) \
    do { if (!fz_same((got), (want))) fz_diff_fail(__FILE__, __LINE__, (what), (got), (want)); } while (0)

/* ---- UTF-8 (RFC 3629: shortest form, no surrogates, nothing above U+10FFFF) ---------------- */

static inline int fz_utf8_valid(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need, k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) { i++; continue; }
        if (c >= 0xC2 && c <= 0xDF) need = 1;
        else if (c >= 0xE0 && c <= 0xEF) need = 2;
        else if (c >= 0xF0 && c <= 0xF4) need = 3;
        else return 0;
        if (c == 0xE0) lo = 0xA0;
        else if (c == 0xED) hi = 0x9F;
        else if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;
        if (n - i - 1 < need) return 0;
        for (k = 1; k <= need; k++) {
            unsigned d = s[i + k];
            if (d < lo || d > hi) return 0;
            lo = 0x80;
            hi = 0xBF;
        }
        i += need + 1;
    }
    return 1;
}

/* ---- reading the control bytes at the start of an input ------------------------------------ */

typedef struct fz_in {
    const uint8_t *p;
    size_t left;
} fz_in;

static inline unsigned fz_byte(fz_in *in)
{
    if (!in->left) return 0;
    in->left--;
    return *in->p++;
}

/* ---- feeding in pieces --------------------------------------------------------------------- */

/* How an input is cut: piece sizes taken in turn from sizes[] (0 = an empty piece, 255 = all
   that is left). Read from the input: one count byte (low 3 bits), then that many sizes. */
typedef struct fz_plan {
    unsigned char sizes[8];
    size_t count;
} fz_plan;

static inline void fz_plan_read(fz_in *in, fz_plan *plan)
{
    size_t i;
    int any = 0;
    plan->count = fz_byte(in) & 7u;
    for (i = 0; i < plan->count; i++) {
        plan->sizes[i] = (unsigned char)fz_byte(in);
        if (plan->sizes[i]) any = 1;
    }
    if (!any) {                         /* no sizes, or only empty pieces: 1-byte pieces */
        plan->sizes[plan->count < 8 ? plan->count : 7] = 1;
        if (plan->count < 8) plan->count++;
    }
}

typedef void (*fz_feed_fn)(void *ctx, const char *data, size_t len);

/* Feeds one piece from its own heap block of exactly len bytes, freed right after: reading
   past the piece, or keeping a pointer into it for later, is caught by AddressSanitizer. */
static inline void fz_feed_piece(fz_feed_fn feed, void *ctx, const char *data, size_t len)
{
    char *copy = (char *)malloc(len ? len : 1);
    if (!copy) abort();
    if (len) memcpy(copy, data, len);
    feed(ctx, len ? copy : copy + 1, len);  /* an empty piece points at its end */
    free(copy);
}

static inline void fz_feed_whole(fz_feed_fn feed, void *ctx, const char *data, size_t len)
{
    fz_feed_piece(feed, ctx, data, len);
}

static inline void fz_feed_plan(fz_feed_fn feed, void *ctx, const char *data, size_t len,
                         const fz_plan *plan)
{
    size_t at = 0, k = 0;
    while (at < len) {
        size_t s = plan->sizes[k++ % plan->count];
        size_t n = s == 255 ? len - at : (s < len - at ? s : len - at);
        fz_feed_piece(feed, ctx, data + at, n);
        at += n;
    }
}

/* Byte by byte for short inputs; longer ones in 7-byte pieces (still odd sizes, fewer calls). */
static inline void fz_feed_small(fz_feed_fn feed, void *ctx, const char *data, size_t len)
{
    size_t at, step = len <= 2048 ? 1 : 7;
    for (at = 0; at < len; at += step)
        fz_feed_piece(feed, ctx, data + at, len - at < step ? len - at : step);
}

/* A fresh state struct on the heap, filled with garbage first: an init that forgets a field
   shows up as a wild value instead of a lucky zero. */
static inline void *fz_dirty_alloc(size_t size)
{
    void *p = malloc(size);
    if (!p) abort();
    memset(p, 0xA5, size);
    return p;
}

/* ---- events -------------------------------------------------------------------------------- */

typedef struct fz_events {
    fz_buf log;
    int calls;                  /* callback calls so far */
    int count;                  /* events so far, signature pieces left out */
    int cancel_at;              /* 1-based event whose callback returns non-zero; 0 never */
    int after_cancel;           /* events delivered after that (must stay 0) */
    int all_candidates;         /* candidate may be non-zero */
    int http_status;            /* API_ERROR must carry this status (0: any) */
    fz_buf sig;                 /* THOUGHT_SIGNATURE pieces not yet logged */
    int sig_candidate;
} fz_events;

static inline void fz_events_reset(fz_events *e)
{
    fz_clear(&e->log);
    fz_clear(&e->sig);
    e->calls = 0;
    e->count = 0;
    e->after_cancel = 0;
}

/* Signature pieces may be cut where the input was cut: the log holds their concatenation,
   written when another event comes or the run ends. */
static inline void fz_events_flush(fz_events *e)
{
    if (!e->sig.len) return;
    if (e->sig_candidate) fz_printf(&e->log, "[%d] ", e->sig_candidate);
    fz_str(&e->log, "SIGNATURE ");
    fz_quote(&e->log, e->sig.p, e->sig.len);
    fz_str(&e->log, "\n");
    fz_clear(&e->sig);
}

static inline void fz_events_free(fz_events *e)
{
    fz_free(&e->log);
    fz_free(&e->sig);
}

static inline void fz_check_cstr(const char *s, size_t max)
{
    size_t n = 0;
    FZ_CHECK(s != NULL);
    while (n < max && s[n]) n++;
    FZ_CHECK_MSG(n < max, "a string field of the event is not NUL-terminated within %lu bytes",
                 (unsigned long)max);
}

/* An args value must itself be JSON: scanned as {"a": ARGS} by a scanner of its own. */
static inline int fz_json_ok(const char *prefix, const char *value, size_t len, const char *suffix)
{
    gemini_json *j = (gemini_json *)fz_dirty_alloc(sizeof *j);
    int err;
    gemini_json_init(j, NULL, NULL);
    err = gemini_json_feed(j, prefix, strlen(prefix));
    if (!err) err = gemini_json_feed(j, value, len);
    if (!err) err = gemini_json_feed(j, suffix, strlen(suffix));
    if (!err) err = gemini_json_end(j);
    free(j);
    return err;
}

/* The event callback: checks each event, appends one line to the log. */
static inline int fz_event_cb(void *user, const gemini_event *ev)
{
    fz_events *e = (fz_events *)user;
    fz_buf *b = &e->log;
    FZ_CHECK(ev != NULL);
    e->calls++;
    if (e->cancel_at && e->count >= e->cancel_at) e->after_cancel++;
    FZ_CHECK_MSG(e->after_cancel == 0, "an event came after the callback asked to stop");
    /* signature pieces are cut where the input was: they do not count towards cancel_at */
    if (ev->type != GEMINI_EVENT_THOUGHT_SIGNATURE) e->count++;
    FZ_CHECK(ev->type >= GEMINI_EVENT_TEXT && ev->type <= GEMINI_EVENT_THOUGHT_SIGNATURE);
    FZ_CHECK(ev->text != NULL);
    FZ_CHECK_MSG(ev->text[ev->len] == '\0', "text[len] is not NUL (type %d, len %lu)",
                 (int)ev->type, (unsigned long)ev->len);
    FZ_CHECK(ev->args != NULL);
    FZ_CHECK(ev->args[ev->args_len] == '\0');
    fz_check_cstr(ev->id, 1 << 16);
    fz_check_cstr(ev->status, 1 << 16);
    FZ_CHECK(ev->candidate >= 0);
    if (!e->all_candidates) FZ_CHECK(ev->candidate == 0);
    if (ev->type == GEMINI_EVENT_THOUGHT_SIGNATURE) {
        FZ_CHECK(ev->len > 0);
        if (e->sig.len && e->sig_candidate != ev->candidate) fz_events_flush(e);
        e->sig_candidate = ev->candidate;
        fz_put(&e->sig, ev->text, ev->len);
        return 0;
    }
    fz_events_flush(e);
    if (ev->candidate) fz_printf(b, "[%d] ", ev->candidate);
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
    case GEMINI_EVENT_THOUGHT:
        FZ_CHECK_MSG(fz_utf8_valid(ev->text, ev->len), "TEXT/THOUGHT is not valid UTF-8");
        fz_str(b, ev->type == GEMINI_EVENT_TEXT ? "TEXT " : "THOUGHT ");
        fz_quote(b, ev->text, ev->len);
        break;
    case GEMINI_EVENT_FUNCTION_CALL:
        FZ_CHECK(ev->args_len > 0);
        FZ_CHECK_MSG(fz_json_ok("{\"a\":", ev->args, ev->args_len, "}") == GEMINI_OK,
                     "FUNCTION_CALL args is not a JSON value: %.*s", (int)ev->args_len, ev->args);
        fz_str(b, "CALL ");
        fz_quote(b, ev->text, ev->len);
        fz_str(b, " ");
        fz_quote(b, ev->args, ev->args_len);
        fz_str(b, " ");
        fz_quote(b, ev->id, strlen(ev->id));
        break;
    case GEMINI_EVENT_FINISH: fz_str(b, "FINISH "); fz_quote(b, ev->text, ev->len); break;
    case GEMINI_EVENT_BLOCKED: fz_str(b, "BLOCKED "); fz_quote(b, ev->text, ev->len); break;
    case GEMINI_EVENT_USAGE:
        fz_printf(b, "USAGE %ld %ld %ld %ld %ld", ev->usage.prompt_tokens,
                  ev->usage.candidates_tokens, ev->usage.thoughts_tokens,
                  ev->usage.cached_tokens, ev->usage.total_tokens);
        break;
    case GEMINI_EVENT_API_ERROR:
        if (e->http_status) FZ_CHECK_MSG(ev->http_status == e->http_status,
                                         "API_ERROR http_status %d, response status %d",
                                         ev->http_status, e->http_status);
        fz_printf(b, "ERROR %d %ld ", ev->http_status, ev->code);
        fz_quote(b, ev->status, strlen(ev->status));
        fz_str(b, " ");
        fz_quote(b, ev->text, ev->len);
        break;
    default:
        break;
    }
    fz_str(b, "\n");
    return e->cancel_at && e->count == e->cancel_at;
}

#endif
