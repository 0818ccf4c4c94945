/* fuzz_pipeline.c - the whole response pipeline (gemini_parser_*): HTTP head, framing, SSE,
   JSON, events.

   Input: two option bytes, a split plan, then the payload.
     byte 0: bit 0 GEMINI_PARSE_BODY_ONLY, bit 1 ALL_CANDIDATES, bit 2 SIGNATURES;
             bits 3-4 how the payload is used: 0 as the response bytes themselves, 1-3 as a body
             that this target frames behind a head it writes (1 chunked, cut by the plan's
             sizes; 2 Content-Length; 3 read to close); bits 5-7 that head's status.
     byte 1: bits 0-3 cancel at that event (0 never); bits 4-5 that head's Content-Type.
   Every way is fed whole, byte by byte and in the planned pieces; the event logs and results
   must match. Invariants: the event checks of fz_event_cb; API_ERROR carries the response's
   status (200 in a 2xx stream); an error status never ends in success; finish is idempotent,
   returns p->err and success means done; after the end or an error nothing changes. A chunked
   200 event stream gives the same events as its body read with GEMINI_PARSE_BODY_ONLY. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

typedef struct pipe_run {
    gemini_parser *p;
    gemini_parser *frozen;
    int flags;
    int stopped;                /* err or done seen after a feed */
    fz_events ev;
} pipe_run;

static int pipe_event(void *user, const gemini_event *ev)
{
    pipe_run *r = (pipe_run *)user;
    if (ev && ev->type == GEMINI_EVENT_API_ERROR) {
        const gemini_http_head *h = &r->p->head;
        int want = 200;
        if (!(r->flags & GEMINI_PARSE_BODY_ONLY) && (h->status < 200 || h->status > 299))
            want = h->status;
        FZ_CHECK_MSG(ev->http_status == want, "API_ERROR http_status %d, expected %d",
                     ev->http_status, want);
    }
    return fz_event_cb(&r->ev, ev);
}

static void pipe_feed(void *ctx, const char *data, size_t len)
{
    pipe_run *r = (pipe_run *)ctx;
    int err;
    if (r->stopped) {
        int calls = r->ev.calls;
        FZ_CHECK(gemini_parser_feed(r->p, data, len) == r->frozen->err);
        FZ_CHECK(r->ev.calls == calls);
        FZ_CHECK_MSG(memcmp(r->p, r->frozen, sizeof *r->p) == 0,
                     "the parser changed after its end or an error");
        return;
    }
    err = gemini_parser_feed(r->p, data, len);
    FZ_CHECK(err == r->p->err);
    if (err || r->p->done) {
        r->stopped = 1;
        memcpy(r->frozen, r->p, sizeof *r->p);
    }
}

static void pipe_one(pipe_run *r, const char *in, size_t len, const fz_plan *plan, int way,
                     fz_buf *out)
{
    int fin;
    const gemini_http_head *h = &r->p->head;
    r->stopped = 0;
    fz_events_reset(&r->ev);
    gemini_parser_init(r->p, r->flags, pipe_event, r);
    FZ_CHECK(r->p->err == 0 && r->p->done == 0);
    if (way == 0) fz_feed_whole(pipe_feed, r, in, len);
    else if (way == 1) fz_feed_small(pipe_feed, r, in, len);
    else fz_feed_plan(pipe_feed, r, in, len, plan);
    fin = gemini_parser_finish(r->p);
    FZ_CHECK(fin == r->p->err);
    if (!fin) FZ_CHECK_MSG(r->p->done, "finish succeeded but the response is not done");
    if (!(r->flags & GEMINI_PARSE_BODY_ONLY) && h->done && (h->status < 200 || h->status > 299))
        FZ_CHECK_MSG(fin != GEMINI_OK, "HTTP status %d ended in success", h->status);
    {
        int calls = r->ev.calls;
        FZ_CHECK(gemini_parser_finish(r->p) == fin);
        memcpy(r->frozen, r->p, sizeof *r->p);
        r->stopped = 1;
        pipe_feed(r, "data: {}\n\n", 10);
        FZ_CHECK(r->ev.calls == calls);
    }
    fz_events_flush(&r->ev);
    fz_clear(out);
    fz_put(out, fz_text(&r->ev.log), r->ev.log.len);
    fz_printf(out, "END err=%d done=%d\n", fin, r->p->done);
}

/* Runs all three ways and requires one outcome; leaves it in whole. */
static void pipe_ways(pipe_run *r, const char *in, size_t len, const fz_plan *plan, fz_buf *whole)
{
    fz_buf other = {0};
    pipe_one(r, in, len, plan, 0, whole);
    pipe_one(r, in, len, plan, 1, &other);
    FZ_SAME(&other, whole, "byte by byte differs from whole");
    pipe_one(r, in, len, plan, 2, &other);
    FZ_SAME(&other, whole, "planned split differs from whole");
    fz_free(&other);
}

/* The response head and framing this target writes around a fuzzed body. */
static void frame(unsigned framing, unsigned status, unsigned ctype, const char *body, size_t len,
                  const fz_plan *plan, fz_buf *out)
{
    static const char *const types[4] = {"text/event-stream", "text/event-stream; charset=UTF-8",
                                         "application/json; charset=UTF-8", "text/plain"};
    size_t at = 0, k = 0;
    fz_printf(out, "HTTP/1.1 %u Status\r\nContent-Type: %s\r\nServer: fuzz\r\n", status,
              types[ctype & 3u]);
    if (framing == 1) {
        fz_str(out, "Transfer-Encoding: chunked\r\n\r\n");
        while (at < len) {
            size_t s = plan->sizes[k++ % plan->count], n;
            if (s == 0) continue;       /* an empty chunk would end the body */
            n = s == 255 || s > len - at ? len - at : s;
            fz_printf(out, "%lx;ext=1\r\n", (unsigned long)n);
            fz_put(out, body + at, n);
            fz_str(out, "\r\n");
            at += n;
        }
        fz_str(out, "0\r\n\r\n");
    } else if (framing == 2) {
        fz_printf(out, "Content-Length: %lu\r\n\r\n", (unsigned long)len);
        fz_put(out, body, len);
    } else {
        fz_str(out, "Connection: close\r\n\r\n");
        fz_put(out, body, len);
    }
}

/* The event lines of an outcome, without its END line. */
static void events_only(const fz_buf *outcome, fz_buf *out)
{
    const char *s = fz_text(outcome), *end = strstr(s, "END err=");
    fz_clear(out);
    fz_put(out, s, end ? (size_t)(end - s) : outcome->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned statuses[8] = {200, 200, 200, 200, 400, 429, 500, 503};
    fz_in in;
    fz_plan plan;
    fz_buf whole = {0};
    pipe_run r;
    unsigned opt0, opt1, framing;
    const char *payload;
    size_t len;

    memset(&r, 0, sizeof r);
    r.p = (gemini_parser *)fz_dirty_alloc(sizeof *r.p);
    r.frozen = (gemini_parser *)malloc(sizeof *r.frozen);
    if (!r.frozen) abort();
    in.p = data;
    in.left = size;
    opt0 = fz_byte(&in);
    opt1 = fz_byte(&in);
    fz_plan_read(&in, &plan);
    payload = (const char *)in.p;
    len = in.left;
    framing = (opt0 >> 3) & 3u;
    r.flags = (int)(opt0 & 7u);
    r.ev.all_candidates = (r.flags & GEMINI_PARSE_ALL_CANDIDATES) != 0;
    r.ev.cancel_at = (int)(opt1 & 15u);

    if (framing == 0) {
        pipe_ways(&r, payload, len, &plan, &whole);
    } else {
        fz_buf framed = {0};
        unsigned status = statuses[opt0 >> 5];
        unsigned ctype = (opt1 >> 4) & 3u;
        r.flags &= ~GEMINI_PARSE_BODY_ONLY;
        frame(framing, status, ctype, payload, len, &plan, &framed);
        pipe_ways(&r, fz_text(&framed), framed.len, &plan, &whole);
        if (framing == 1 && status == 200 && ctype <= 1) {
            fz_buf a = {0}, b = {0}, body_only = {0};
            r.flags |= GEMINI_PARSE_BODY_ONLY;
            pipe_one(&r, payload, len, &plan, 0, &body_only);
            events_only(&whole, &a);
            events_only(&body_only, &b);
            FZ_SAME(&a, &b, "a chunked 200 event stream and its body alone give different events");
            fz_free(&a);
            fz_free(&b);
            fz_free(&body_only);
        }
        fz_free(&framed);
    }

    fz_free(&whole);
    fz_events_free(&r.ev);
    free(r.p);
    free(r.frozen);
    return 0;
}
