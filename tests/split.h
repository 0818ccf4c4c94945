/* split.h - feeds one input to a layer whole, byte by byte and split in two at every offset, and
   compares the outcome of every way with the expected one.

   Header-only helpers shared by the unit tests and the conformance runner. A layer adapter
   (split_layer) turns a run into an "outcome": a text that says everything the test cares about
   (the bytes a layer delivered, an event log, the error code), so that one table row = input
   bytes + expected outcome. Every function is static inline so that each file uses what it wants
   without unused-function warnings. */
#ifndef GEMINI_SPLIT_H
#define GEMINI_SPLIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemini_stream.h"

/* ---- a growable byte buffer ---------------------------------------------------------------- */

typedef struct split_buf {
    char *p;        /* always NUL-terminated once anything was written */
    size_t len, cap;
} split_buf;

static inline void sbuf_put(split_buf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        b->p = (char *)realloc(b->p, cap);
        if (!b->p) { fprintf(stderr, "split.h: out of memory\n"); exit(3); }
        b->cap = cap;
    }
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static inline void sbuf_str(split_buf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

static inline void sbuf_printf(split_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) sbuf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* strlen bounded by the array size (strnlen is POSIX, not C99) */
static inline size_t split_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}

static inline void sbuf_clear(split_buf *b)
{
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

static inline void sbuf_free(split_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Appends bytes with C-like escapes: \" \\ \n \r \t, \xHH for other controls and DEL; bytes
   >= 0x80 are kept as they are, so UTF-8 stays readable and tests can write "\xEF\xBF\xBD".
   quoted: surround with double quotes and escape '"' and '\'. */
static inline void sbuf_escape(split_buf *b, const char *s, size_t n, int quoted)
{
    size_t i;
    if (quoted) sbuf_put(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') sbuf_put(b, "\\n", 2);
        else if (c == '\r') sbuf_put(b, "\\r", 2);
        else if (c == '\t') sbuf_put(b, "\\t", 2);
        else if (c < 0x20 || c == 0x7f) sbuf_printf(b, "\\x%02X", (unsigned)c);
        else if (quoted && (c == '"' || c == '\\')) {
            char e[2];
            e[0] = '\\';
            e[1] = (char)c;
            sbuf_put(b, e, 2);
        } else sbuf_put(b, s + i, 1);
    }
    if (quoted) sbuf_put(b, "\"", 1);
}

static inline void sbuf_quote(split_buf *b, const char *s, size_t n) { sbuf_escape(b, s, n, 1); }

/* ---- running a layer in many ways ----------------------------------------------------------- */

/* A layer adapter. start() makes a fresh state, feed() gets one piece of the input (every
   piece is given, also after an error or the end: the adapter decides what that means),
   finish() ends the input and writes the outcome. */
typedef struct split_layer {
    void (*start)(void *ctx);
    void (*feed)(void *ctx, const char *data, size_t len);
    void (*finish)(void *ctx, split_buf *outcome);
} split_layer;

/* Feeds in[0..len) cut at the given ascending offsets (0 and len are allowed: they give empty
   pieces, which a layer must also accept). */
static inline void split_run_cuts(const split_layer *L, void *ctx, const char *in, size_t len,
                                  const size_t *cuts, size_t ncuts, split_buf *out)
{
    size_t i, at = 0;
    sbuf_clear(out);
    L->start(ctx);
    for (i = 0; i < ncuts; i++) {
        size_t c = cuts[i] > len ? len : cuts[i];
        if (c < at) continue;
        L->feed(ctx, in + at, c - at);
        at = c;
    }
    L->feed(ctx, in + at, len - at);
    L->finish(ctx, out);
}

/* Feeds pieces of n bytes (n >= 1). */
static inline void split_run_every(const split_layer *L, void *ctx, const char *in, size_t len,
                                   size_t n, split_buf *out)
{
    size_t at;
    sbuf_clear(out);
    L->start(ctx);
    if (n == 0) n = 1;
    for (at = 0; at < len; at += n) L->feed(ctx, in + at, len - at < n ? len - at : n);
    L->finish(ctx, out);
}

/* The whole input in one call, between two empty calls (a layer must accept those). */
static inline void split_run_whole(const split_layer *L, void *ctx, const char *in, size_t len,
                                   split_buf *out)
{
    sbuf_clear(out);
    L->start(ctx);
    L->feed(ctx, in, 0);
    L->feed(ctx, in, len);
    L->feed(ctx, in + len, 0);
    L->finish(ctx, out);
}

/* Inputs up to this size are split at every offset; longer ones at the first and last 64
   offsets and about 256 offsets in between (every offset would be quadratic). */
#ifndef SPLIT_EVERY_OFFSET_MAX
#define SPLIT_EVERY_OFFSET_MAX 4096
#endif

/* Prints where two outcomes first differ. */
static inline void split_show_diff(const char *label, const char *way, const char *got,
                                   size_t got_len, const char *want, size_t want_len)
{
    size_t i = 0, from;
    while (i < got_len && i < want_len && got[i] == want[i]) i++;
    from = i > 60 ? i - 60 : 0;
    fprintf(stderr, "  [%s] %s: outcome differs at byte %lu\n", label, way, (unsigned long)i);
    fprintf(stderr, "    got:      ...%.*s\n", (int)(got_len - from > 400 ? 400 : got_len - from),
            got + from);
    fprintf(stderr, "    expected: ...%.*s\n",
            (int)(want_len - from > 400 ? 400 : want_len - from), want + from);
}

/* Runs the input whole, byte by byte and split in two (at every offset, or at `points` evenly
   spaced offsets when points > 0) and compares each outcome with `expected` (NULL: with the
   whole run's outcome). Returns the number of ways that differed; reports the first three.
   If whole_out is given, it receives the whole run's outcome. */
static inline int split_check_ways(const split_layer *L, void *ctx, const char *in, size_t len,
                                   const char *expected, const char *label, size_t points,
                                   split_buf *whole_out)
{
    split_buf want = {0}, got = {0};
    char way[64];
    int bad = 0;
    size_t k, step = 1;

    split_run_whole(L, ctx, in, len, &got);
    if (expected) sbuf_str(&want, expected);
    else sbuf_put(&want, got.p, got.len);
    if (whole_out) { sbuf_clear(whole_out); sbuf_put(whole_out, got.p, got.len); }
#define SPLIT_COMPARE_(name)                                                                \
    do {                                                                                    \
        if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0) {                   \
            if (bad < 3) split_show_diff(label, (name), got.p, got.len, want.p, want.len);  \
            bad++;                                                                          \
        }                                                                                   \
    } while (0)
    SPLIT_COMPARE_("whole");

    split_run_every(L, ctx, in, len, 1, &got);
    SPLIT_COMPARE_("byte by byte");

    if (points) step = len / points ? len / points : 1;
    else if (len > SPLIT_EVERY_OFFSET_MAX) step = len / 256;
    for (k = 1; k < len; k++) {
        if (!points && len > SPLIT_EVERY_OFFSET_MAX && k > 64 && k + 64 < len && k % step) continue;
        if (points && k % step) continue;
        split_run_cuts(L, ctx, in, len, &k, 1, &got);
        sprintf(way, "split at %lu", (unsigned long)k);
        SPLIT_COMPARE_(way);
    }
#undef SPLIT_COMPARE_
    if (bad > 3) fprintf(stderr, "  [%s] ... %d ways differed in all\n", label, bad);
    sbuf_free(&want);
    sbuf_free(&got);
    return bad;
}

static inline int split_check(const split_layer *L, void *ctx, const char *in, size_t len,
                              const char *expected, const char *label)
{
    return split_check_ways(L, ctx, in, len, expected, label, 0, NULL);
}

/* ---- the event log ------------------------------------------------------------------------- */

/* Serialises events one per line:
     TEXT "Hello"            THOUGHT "..."           CALL name args "id"
     FINISH STOP             BLOCKED SAFETY          USAGE prompt candidates thoughts total
     ERROR http status code "message"
   Events of a candidate other than 0 start with "[n] ". */
typedef struct split_events {
    split_buf log;
    int count;          /* events seen */
    int cancel_at;      /* 1-based event number whose callback returns 1; 0: never */
    int after_cancel;   /* events delivered after the callback asked to stop */
    int show_cached;    /* USAGE also prints cachedContentTokenCount (after thoughts) */
} split_events;

static inline void split_log_event(split_events *e, const gemini_event *ev)
{
    split_buf *b = &e->log;
    if (ev->candidate) sbuf_printf(b, "[%d] ", ev->candidate);
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
        sbuf_str(b, "TEXT ");
        sbuf_quote(b, ev->text, ev->len);
        break;
    case GEMINI_EVENT_THOUGHT:
        sbuf_str(b, "THOUGHT ");
        sbuf_quote(b, ev->text, ev->len);
        break;
    case GEMINI_EVENT_FUNCTION_CALL:
        sbuf_str(b, "CALL ");
        sbuf_escape(b, ev->text, ev->len, 0);
        sbuf_str(b, " ");
        sbuf_escape(b, ev->args ? ev->args : "(null)", ev->args ? ev->args_len : 6, 0);
        sbuf_str(b, " ");
        sbuf_quote(b, ev->id ? ev->id : "(null)", strlen(ev->id ? ev->id : "(null)"));
        break;
    case GEMINI_EVENT_FINISH:
        sbuf_str(b, "FINISH ");
        sbuf_escape(b, ev->text, ev->len, 0);
        break;
    case GEMINI_EVENT_BLOCKED:
        sbuf_str(b, "BLOCKED ");
        sbuf_escape(b, ev->text, ev->len, 0);
        break;
    case GEMINI_EVENT_USAGE:
        if (e->show_cached)
            sbuf_printf(b, "USAGE %ld %ld %ld %ld %ld", ev->usage.prompt_tokens,
                        ev->usage.candidates_tokens, ev->usage.thoughts_tokens,
                        ev->usage.cached_tokens, ev->usage.total_tokens);
        else
            sbuf_printf(b, "USAGE %ld %ld %ld %ld", ev->usage.prompt_tokens,
                        ev->usage.candidates_tokens, ev->usage.thoughts_tokens,
                        ev->usage.total_tokens);
        break;
    case GEMINI_EVENT_API_ERROR:
        sbuf_printf(b, "ERROR %d %s %ld ", ev->http_status, ev->status ? ev->status : "(null)",
                    ev->code);
        sbuf_quote(b, ev->text, ev->len);
        break;
    default:
        sbuf_printf(b, "UNKNOWN-EVENT %d", (int)ev->type);
        break;
    }
    sbuf_str(b, "\n");
}

static inline int split_event_cb(void *user, const gemini_event *ev)
{
    split_events *e = (split_events *)user;
    if (e->cancel_at && e->count >= e->cancel_at) e->after_cancel++;
    e->count++;
    /* a text must be NUL-terminated where the header promises it */
    if (ev->text && ev->text[ev->len] != '\0') sbuf_str(&e->log, "(text not NUL-terminated) ");
    split_log_event(e, ev);
    return (e->cancel_at && e->count == e->cancel_at) ? 1 : 0;
}

static inline void split_events_reset(split_events *e)
{
    sbuf_clear(&e->log);
    e->count = 0;
    e->after_cancel = 0;
}

/* ---- layer adapters ------------------------------------------------------------------------ */

/* HTTP head. Outcome: "err=N" on error, "incomplete" when the head did not end, else
   status=.. minor=.. chunked=.. cl=.. ka=.. es=.. json=.. retry=.. reason="..." rest="..."
   where rest is every byte the head did not consume. */
typedef struct split_head {
    gemini_http_head h;
    int stopped, short_read;
    split_buf rest;
} split_head;

static inline void split_head_start(void *ctx)
{
    split_head *c = (split_head *)ctx;
    gemini_http_head_init(&c->h);
    c->stopped = c->short_read = 0;
    sbuf_clear(&c->rest);
}

static inline void split_head_feed(void *ctx, const char *data, size_t len)
{
    split_head *c = (split_head *)ctx;
    size_t n;
    if (c->stopped) { sbuf_put(&c->rest, data, len); return; }
    n = gemini_http_head_feed(&c->h, data, len);
    if (n > len) { c->short_read = 2; n = len; }
    if (c->h.err) c->stopped = 1;
    else if (c->h.done) { c->stopped = 1; sbuf_put(&c->rest, data + n, len - n); }
    else if (n != len) c->short_read = 1;
}

static inline void split_head_finish(void *ctx, split_buf *out)
{
    split_head *c = (split_head *)ctx;
    const gemini_http_head *h = &c->h;
    if (h->err) sbuf_printf(out, "err=%d", h->err);
    else if (!h->done) sbuf_str(out, "incomplete");
    else {
        sbuf_printf(out, "status=%d minor=%d chunked=%d%s cl=%lld ka=%d es=%d json=%d retry=%ld reason=",
                    h->status, h->minor_version, h->chunked, h->coded ? " coded=1" : "",
                    h->content_length, h->keep_alive, h->event_stream, h->json, h->retry_after);
        sbuf_quote(out, h->reason, split_strnlen(h->reason, sizeof h->reason));
        sbuf_str(out, " rest=");
        sbuf_quote(out, c->rest.p ? c->rest.p : "", c->rest.len);
    }
    if (c->short_read == 1) sbuf_str(out, " (fed bytes left unconsumed before the end)");
    if (c->short_read == 2) sbuf_str(out, " (consumed more than given)");
}

static inline const split_layer *split_head_layer(void)
{
    static const split_layer layer = {split_head_start, split_head_feed, split_head_finish};
    return &layer;
}

/* Body framing. Outcome: body="..." then "err=N" on error, else done=D fin=F rest="..."
   (done as it was before gemini_body_finish, fin what that returned). */
typedef struct split_body {
    gemini_body b;
    gemini_body_mode mode;
    unsigned long long length;
    int stopped, short_read;
    split_buf body, rest;
} split_body;

static inline int split_body_out(void *user, const char *data, size_t len)
{
    sbuf_put(&((split_body *)user)->body, data, len);
    return 0;
}

static inline void split_body_start(void *ctx)
{
    split_body *c = (split_body *)ctx;
    gemini_body_init(&c->b, c->mode, c->length);
    c->stopped = c->short_read = 0;
    sbuf_clear(&c->body);
    sbuf_clear(&c->rest);
}

static inline void split_body_feed(void *ctx, const char *data, size_t len)
{
    split_body *c = (split_body *)ctx;
    size_t n;
    if (c->stopped) { sbuf_put(&c->rest, data, len); return; }
    n = gemini_body_feed(&c->b, data, len, split_body_out, c);
    if (n > len) { c->short_read = 2; n = len; }
    if (c->b.err) c->stopped = 1;
    else if (c->b.done) { c->stopped = 1; sbuf_put(&c->rest, data + n, len - n); }
    else if (n != len) c->short_read = 1;
}

static inline void split_body_finish(void *ctx, split_buf *out)
{
    split_body *c = (split_body *)ctx;
    int done = c->b.done, fin;
    sbuf_str(out, "body=");
    sbuf_quote(out, c->body.p ? c->body.p : "", c->body.len);
    if (c->b.err) {
        sbuf_printf(out, " err=%d", c->b.err);
    } else {
        fin = gemini_body_finish(&c->b);
        sbuf_printf(out, " done=%d fin=%d rest=", done, fin);
        sbuf_quote(out, c->rest.p ? c->rest.p : "", c->rest.len);
    }
    if (c->b.total != c->body.len) sbuf_printf(out, " (total=%llu)", c->b.total);
    if (c->short_read == 1) sbuf_str(out, " (fed bytes left unconsumed before the end)");
    if (c->short_read == 2) sbuf_str(out, " (consumed more than given)");
}

static inline const split_layer *split_body_layer(void)
{
    static const split_layer layer = {split_body_start, split_body_feed, split_body_finish};
    return &layer;
}

/* SSE. Outcome lines: EVENT type="..." data="..." id="..." at each dispatch (data = the DATA
   pieces since the last dispatch, concatenated), INCOMPLETE data="...", RAW "..." for a bare
   JSON block (its pieces concatenated with CR and LF removed: whether line ends are part of
   the pieces is left open by the header, and JSON does not need them),
   then "retry=N err=N". */
typedef struct split_sse {
    gemini_sse s;
    int bare_json;
    int err;
    split_buf log, data, raw;
} split_sse;

static inline void split_sse_raw_flush(split_sse *c)
{
    size_t i, n = 0;
    char *p = c->raw.p ? c->raw.p : (char *)"";
    for (i = 0; i < c->raw.len; i++)       /* drop line ends, in place */
        if (p[i] != '\r' && p[i] != '\n') p[n++] = p[i];
    sbuf_str(&c->log, "RAW ");
    sbuf_quote(&c->log, p, n);
    sbuf_str(&c->log, "\n");
    sbuf_clear(&c->raw);
}

static inline int split_sse_cb(void *user, gemini_sse_what what, const char *data, size_t len)
{
    split_sse *c = (split_sse *)user;
    switch (what) {
    case GEMINI_SSE_DATA: sbuf_put(&c->data, data, len); break;
    case GEMINI_SSE_EVENT:
        sbuf_str(&c->log, "EVENT type=");
        sbuf_quote(&c->log, data ? data : "(null)", data ? len : 6);
        sbuf_str(&c->log, " data=");
        sbuf_quote(&c->log, c->data.p ? c->data.p : "", c->data.len);
        sbuf_str(&c->log, " id=");
        sbuf_quote(&c->log, c->s.id, split_strnlen(c->s.id, sizeof c->s.id));
        sbuf_str(&c->log, "\n");
        sbuf_clear(&c->data);
        break;
    case GEMINI_SSE_INCOMPLETE:
        sbuf_str(&c->log, "INCOMPLETE data=");
        sbuf_quote(&c->log, c->data.p ? c->data.p : "", c->data.len);
        sbuf_str(&c->log, "\n");
        sbuf_clear(&c->data);
        break;
    case GEMINI_SSE_RAW: sbuf_put(&c->raw, data, len); break;
    case GEMINI_SSE_RAW_END: split_sse_raw_flush(c); break;
    default: sbuf_printf(&c->log, "UNKNOWN %d\n", (int)what); break;
    }
    return 0;
}

static inline void split_sse_start(void *ctx)
{
    split_sse *c = (split_sse *)ctx;
    gemini_sse_init(&c->s);
    c->s.bare_json = c->bare_json;
    c->err = 0;
    sbuf_clear(&c->log);
    sbuf_clear(&c->data);
    sbuf_clear(&c->raw);
}

static inline void split_sse_feed(void *ctx, const char *data, size_t len)
{
    split_sse *c = (split_sse *)ctx;
    int r = gemini_sse_feed(&c->s, data, len, split_sse_cb, c);
    if (r && !c->err) c->err = r;
}

static inline void split_sse_finish(void *ctx, split_buf *out)
{
    split_sse *c = (split_sse *)ctx;
    int r = gemini_sse_finish(&c->s, split_sse_cb, c);
    if (r && !c->err) c->err = r;
    if (c->data.len) {
        sbuf_str(&c->log, "UNDISPATCHED data=");
        sbuf_quote(&c->log, c->data.p, c->data.len);
        sbuf_str(&c->log, "\n");
    }
    if (c->raw.len) {
        sbuf_str(&c->log, "UNENDED ");
        split_sse_raw_flush(c);
    }
    sbuf_put(out, c->log.p ? c->log.p : "", c->log.len);
    sbuf_printf(out, "retry=%ld err=%d\n", c->s.retry, c->err);
}

static inline const split_layer *split_sse_layer(void)
{
    static const split_layer layer = {split_sse_start, split_sse_feed, split_sse_finish};
    return &layer;
}

/* JSON scanner. Outcome: the event log, then "END err=N" (the first error of feed, else what
   gemini_json_end returned). Every piece is fed, also after an error (it must change nothing). */
typedef struct split_json {
    gemini_json j;
    int http_status, all_candidates;
    int err;
    split_events ev;
} split_json;

static inline void split_json_start(void *ctx)
{
    split_json *c = (split_json *)ctx;
    gemini_json_init(&c->j, split_event_cb, &c->ev);
    c->j.http_status = c->http_status;
    c->j.all_candidates = c->all_candidates;
    c->err = 0;
    split_events_reset(&c->ev);
}

static inline void split_json_feed(void *ctx, const char *data, size_t len)
{
    split_json *c = (split_json *)ctx;
    int r = gemini_json_feed(&c->j, data, len);
    if (r && !c->err) c->err = r;
}

static inline void split_json_finish(void *ctx, split_buf *out)
{
    split_json *c = (split_json *)ctx;
    int r = gemini_json_end(&c->j);
    sbuf_put(out, c->ev.log.p ? c->ev.log.p : "", c->ev.log.len);
    sbuf_printf(out, "END err=%d\n", c->err ? c->err : r);
    if (c->err && r != c->err) sbuf_printf(out, "(gemini_json_end returned %d after the error)\n", r);
    if (c->ev.after_cancel) sbuf_printf(out, "(%d events after cancel)\n", c->ev.after_cancel);
}

static inline const split_layer *split_json_layer(void)
{
    static const split_layer layer = {split_json_start, split_json_feed, split_json_finish};
    return &layer;
}

/* The whole pipeline. Outcome: the event log, then "END err=N" (the first error of feed, else
   what gemini_parser_finish returned). */
typedef struct split_parser {
    gemini_parser p;
    int flags;
    int err;
    split_events ev;
} split_parser;

static inline void split_parser_start(void *ctx)
{
    split_parser *c = (split_parser *)ctx;
    gemini_parser_init(&c->p, c->flags, split_event_cb, &c->ev);
    c->err = 0;
    split_events_reset(&c->ev);
}

static inline void split_parser_feed(void *ctx, const char *data, size_t len)
{
    split_parser *c = (split_parser *)ctx;
    int r = gemini_parser_feed(&c->p, data, len);
    if (r && !c->err) c->err = r;
}

static inline void split_parser_finish(void *ctx, split_buf *out)
{
    split_parser *c = (split_parser *)ctx;
    int r = gemini_parser_finish(&c->p);
    sbuf_put(out, c->ev.log.p ? c->ev.log.p : "", c->ev.log.len);
    sbuf_printf(out, "END err=%d\n", c->err ? c->err : r);
    if (c->err && r != c->err) sbuf_printf(out, "(gemini_parser_finish returned %d after the error)\n", r);
    if (c->ev.after_cancel) sbuf_printf(out, "(%d events after cancel)\n", c->ev.after_cancel);
}

static inline const split_layer *split_parser_layer(void)
{
    static const split_layer layer = {split_parser_start, split_parser_feed, split_parser_finish};
    return &layer;
}

#endif
