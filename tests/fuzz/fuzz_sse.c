/* fuzz_sse.c - the Server-Sent Events splitter (gemini_sse_*), with bare_json off and on.

   Input: one option byte (low 4 bits: the callback fails at that event boundary, 0 never), a
   split plan, then the stream. Each mode runs whole, byte by byte and in the planned pieces; the
   outcomes must match. Invariants: data pieces hold no line end (but the lone "\n" joining two
   data lines); an event type is NUL-terminated; raw blocks start with '{' or '[' and only come with
   bare_json; after an error nothing changes and the callback is not called. With bare_json off
   and no injected failure, the outcome must equal a plain reference reading of the WHATWG rules. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

typedef struct sse_run {
    gemini_sse *s;
    gemini_sse frozen;
    int stopped;                /* an error was returned */
    int bare_json;
    int fail_at, boundaries;    /* fail at this boundary (EVENT, INCOMPLETE, RAW_END) */
    int in_raw, raw_pieces;     /* inside a raw block; pieces of it so far */
    int finished;
    fz_buf log, data, raw;
} sse_run;

static void sse_line_ok(const char *data, size_t len)
{
    FZ_CHECK(data != NULL);
    if (len == 1 && data[0] == '\n') return;
    FZ_CHECK_MSG(!memchr(data, '\n', len) && !memchr(data, '\r', len),
                 "a data piece holds a line end");
}

static int sse_cb(void *user, gemini_sse_what what, const char *data, size_t len)
{
    sse_run *r = (sse_run *)user;
    int boundary = 0;
    FZ_CHECK_MSG(!r->stopped, "callback after an error");
    switch (what) {
    case GEMINI_SSE_DATA:
        FZ_CHECK(!r->in_raw);
        sse_line_ok(data, len);
        fz_put(&r->data, data, len);
        break;
    case GEMINI_SSE_EVENT:
        FZ_CHECK(!r->in_raw);
        FZ_CHECK(data != NULL && data[len] == '\0' && len < sizeof r->s->event_type);
        fz_str(&r->log, "EVENT type=");
        fz_quote(&r->log, data, len);
        fz_str(&r->log, " data=");
        fz_quote(&r->log, fz_text(&r->data), r->data.len);
        fz_str(&r->log, " id=");
        fz_quote(&r->log, r->s->id, strlen(r->s->id));
        fz_str(&r->log, "\n");
        fz_clear(&r->data);
        boundary = 1;
        break;
    case GEMINI_SSE_INCOMPLETE:
        FZ_CHECK_MSG(r->finished, "INCOMPLETE before the end of the input");
        FZ_CHECK(!r->in_raw);
        fz_str(&r->log, "INCOMPLETE data=");
        fz_quote(&r->log, fz_text(&r->data), r->data.len);
        fz_str(&r->log, "\n");
        fz_clear(&r->data);
        boundary = 1;
        break;
    case GEMINI_SSE_RAW:
        FZ_CHECK(r->bare_json);
        FZ_CHECK(r->data.len == 0);
        sse_line_ok(data, len);
        if (!r->in_raw)
            FZ_CHECK_MSG(len > 0 && (data[0] == '{' || data[0] == '['),
                         "a raw block starts without '{' or '['");
        r->in_raw = 1;
        fz_put(&r->raw, data, len);
        break;
    case GEMINI_SSE_RAW_END:
        FZ_CHECK_MSG(r->in_raw, "RAW_END without a raw block");
        FZ_CHECK(len == 0);
        fz_str(&r->log, "RAW ");
        fz_quote(&r->log, fz_text(&r->raw), r->raw.len);
        fz_str(&r->log, "\n");
        fz_clear(&r->raw);
        r->in_raw = 0;
        boundary = 1;
        break;
    default:
        FZ_CHECK_MSG(0, "unknown callback kind %d", (int)what);
    }
    if (boundary && r->fail_at && ++r->boundaries == r->fail_at) {
        fz_str(&r->log, "(fail)\n");
        return GEMINI_ERR_CANCELLED;
    }
    return 0;
}

static void sse_state_ok(const gemini_sse *s)
{
    FZ_CHECK(strlen(s->id) < sizeof s->id);   /* ASan: the id stays inside its array */
    FZ_CHECK(s->retry >= -1);
    FZ_CHECK(s->event_type_len < sizeof s->event_type);
    FZ_CHECK(s->value_len < sizeof s->value);
}

static void sse_feed(void *ctx, const char *data, size_t len)
{
    sse_run *r = (sse_run *)ctx;
    int err;
    if (r->stopped) {
        FZ_CHECK(gemini_sse_feed(r->s, data, len, sse_cb, r) == r->frozen.err);
        FZ_CHECK_MSG(memcmp(r->s, &r->frozen, sizeof r->frozen) == 0,
                     "the SSE state changed after an error");
        return;
    }
    err = gemini_sse_feed(r->s, data, len, sse_cb, r);
    FZ_CHECK(err == r->s->err);
    sse_state_ok(r->s);
    if (err) {
        FZ_CHECK(err == GEMINI_ERR_CANCELLED);
        r->stopped = 1;
        memcpy(&r->frozen, r->s, sizeof r->frozen);
    }
}

static void sse_one(sse_run *r, const char *in, size_t len, const fz_plan *plan, int way,
                    fz_buf *out)
{
    int err;
    r->stopped = r->boundaries = r->in_raw = r->finished = 0;
    fz_clear(&r->log);
    fz_clear(&r->data);
    fz_clear(&r->raw);
    gemini_sse_init(r->s);
    r->s->bare_json = r->bare_json;
    if (way == 0) fz_feed_whole(sse_feed, r, in, len);
    else if (way == 1) fz_feed_small(sse_feed, r, in, len);
    else fz_feed_plan(sse_feed, r, in, len, plan);
    r->finished = 1;
    if (r->stopped) {
        sse_feed(r, "data: x\n\n", 9);
        err = gemini_sse_finish(r->s, sse_cb, r);
        FZ_CHECK(err == r->frozen.err);
    } else {
        err = gemini_sse_finish(r->s, sse_cb, r);
        FZ_CHECK(err == r->s->err);
        FZ_CHECK(!r->in_raw);
        if (!err) FZ_CHECK_MSG(r->data.len == 0, "data pieces were never dispatched");
        FZ_CHECK(gemini_sse_finish(r->s, sse_cb, r) == err);   /* a second finish: no more */
    }
    sse_state_ok(r->s);
    fz_clear(out);
    fz_put(out, fz_text(&r->log), r->log.len);
    fz_printf(out, "retry=%ld err=%d\n", r->s->retry, err);
}

/* ---- the reference: WHATWG "interpreting an event stream", line by line --------------------- */

typedef struct ref_sse {
    fz_buf data;
    int has_data;
    char type[64], id[128];
    size_t type_len;
    long retry;
} ref_sse;

/* The library keeps a field value's first 127 bytes: event types are then cut to 63 and ids to
   127 ("cut to fit"). Whether an id or retry counts is judged on the whole value, as WHATWG says:
   an id with a NUL anywhere is ignored, a retry is all digits (its value capped near 1e8). */
static void ref_field(ref_sse *st, const char *name, size_t nlen, const char *value, size_t vlen,
                      int line_ended)
{
    size_t keep = vlen < 127 ? vlen : 127;
    if (nlen == 4 && memcmp(name, "data", 4) == 0) {
        if (st->has_data) fz_put(&st->data, "\n", 1);
        fz_put(&st->data, value, vlen);
        st->has_data = 1;
    }
    if (!line_ended) return;            /* other fields act when their line ends */
    if (nlen == 5 && memcmp(name, "event", 5) == 0) {
        size_t n = keep < 63 ? keep : 63;
        memcpy(st->type, value, n);
        st->type_len = n;
    } else if (nlen == 2 && memcmp(name, "id", 2) == 0) {
        if (memchr(value, '\0', vlen)) return;
        memcpy(st->id, value, keep);
        st->id[keep] = '\0';
    } else if (nlen == 5 && memcmp(name, "retry", 5) == 0) {
        size_t i;
        long v = 0;
        if (vlen == 0) return;
        for (i = 0; i < vlen; i++) {
            if (value[i] < '0' || value[i] > '9') return;
            if (v < 100000000L) v = v * 10 + (value[i] - '0');
        }
        st->retry = v;
    }
}

static void ref_line(ref_sse *st, const char *line, size_t n, int line_ended, fz_buf *out)
{
    const char *colon;
    if (n == 0) {
        if (!line_ended) return;
        if (st->has_data) {
            fz_str(out, "EVENT type=");
            fz_quote(out, st->type, st->type_len);
            fz_str(out, " data=");
            fz_quote(out, fz_text(&st->data), st->data.len);
            fz_str(out, " id=");
            fz_quote(out, st->id, strlen(st->id));
            fz_str(out, "\n");
        }
        fz_clear(&st->data);
        st->has_data = 0;
        st->type_len = 0;
        return;
    }
    if (line[0] == ':') return;
    colon = (const char *)memchr(line, ':', n);
    if (colon) {
        const char *v = colon + 1, *end = line + n;
        if (v < end && *v == ' ') v++;
        ref_field(st, line, (size_t)(colon - line), v, (size_t)(end - v), line_ended);
    } else if (line_ended) {
        ref_field(st, line, n, "", 0, 1);
    }
}

static void ref_sse_run(const char *in, size_t len, fz_buf *out)
{
    ref_sse st;
    size_t i = 0, start;
    memset(&st, 0, sizeof st);
    st.retry = -1;
    fz_clear(out);
    if (len >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0) i = 3;
    start = i;
    while (i < len) {
        if (in[i] == '\r' || in[i] == '\n') {
            ref_line(&st, in + start, i - start, 1, out);
            if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n') i++;
            start = ++i;
        } else {
            i++;
        }
    }
    ref_line(&st, in + start, len - start, 0, out);   /* an unterminated last line */
    if (st.has_data) {
        fz_str(out, "INCOMPLETE data=");
        fz_quote(out, fz_text(&st.data), st.data.len);
        fz_str(out, "\n");
    }
    fz_printf(out, "retry=%ld err=0\n", st.retry);
    fz_free(&st.data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_plan plan;
    fz_buf whole = {0}, other = {0};
    sse_run r;
    const char *body;
    size_t len;
    int bare;

    memset(&r, 0, sizeof r);
    r.s = (gemini_sse *)fz_dirty_alloc(sizeof *r.s);
    in.p = data;
    in.left = size;
    r.fail_at = (int)(fz_byte(&in) & 15u);
    fz_plan_read(&in, &plan);
    body = (const char *)in.p;
    len = in.left;

    for (bare = 0; bare <= 1; bare++) {
        r.bare_json = bare;
        sse_one(&r, body, len, &plan, 0, &whole);
        sse_one(&r, body, len, &plan, 1, &other);
        FZ_SAME(&other, &whole, bare ? "bare_json: byte by byte differs from whole"
                                     : "byte by byte differs from whole");
        sse_one(&r, body, len, &plan, 2, &other);
        FZ_SAME(&other, &whole, bare ? "bare_json: planned split differs from whole"
                                     : "planned split differs from whole");
        if (!bare && !r.fail_at) {
            ref_sse_run(body, len, &other);
            FZ_SAME(&whole, &other, "differs from the WHATWG reference");
        }
    }

    fz_free(&whole);
    fz_free(&other);
    fz_free(&r.log);
    fz_free(&r.data);
    fz_free(&r.raw);
    free(r.s);
    return 0;
}
