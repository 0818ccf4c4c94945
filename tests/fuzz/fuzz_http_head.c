/* fuzz_http_head.c - the HTTP/1.1 response head parser (gemini_http_head_*).

   Input: a split plan (see fuzz_common.h), then the head bytes. The head is parsed whole, byte by
   byte and in the planned pieces; the outcomes must match. Invariants: never more consumed than
   given; a call stops short only at the end of the head or at an error; once done or failed the
   state never changes again; a finished head ends with LF and has consistent fields. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

typedef struct head_run {
    gemini_http_head *h;
    gemini_http_head frozen;    /* the state when it stopped */
    int stopped;
    size_t at;                  /* input bytes consumed */
} head_run;

static void head_feed(void *ctx, const char *data, size_t len)
{
    head_run *r = (head_run *)ctx;
    size_t n;
    if (r->stopped) {               /* done or failed: sticky, nothing more is consumed */
        n = gemini_http_head_feed(r->h, data, len);
        FZ_CHECK(n == 0);
        FZ_CHECK_MSG(memcmp(r->h, &r->frozen, sizeof r->frozen) == 0,
                     "the head state changed after done/error");
        return;
    }
    n = gemini_http_head_feed(r->h, data, len);
    FZ_CHECK(n <= len);
    FZ_CHECK_MSG(n == len || r->h->done || r->h->err, "stopped short without done or error");
    r->at += n;
    if (r->h->done || r->h->err) {
        r->stopped = 1;
        memcpy(&r->frozen, r->h, sizeof r->frozen);
    }
}

static void head_outcome(const head_run *r, const char *in, fz_buf *out)
{
    const gemini_http_head *h = r->h;
    size_t reason_len = 0;
    FZ_CHECK(!(h->done && h->err));
    FZ_CHECK(h->head_bytes <= GEMINI_MAX_HEAD + 1);
    fz_printf(out, "at=%lu ", (unsigned long)r->at);
    if (h->err) {
        FZ_CHECK(h->err >= GEMINI_ERR_HTTP_STATUS_LINE && h->err <= GEMINI_ERR_HTTP_UPGRADE);
        fz_printf(out, "err=%d", h->err);
        return;
    }
    if (!h->done) { fz_str(out, "incomplete"); return; }
    FZ_CHECK_MSG(r->at > 0 && in[r->at - 1] == '\n', "a finished head does not end with LF");
    FZ_CHECK(h->status >= 0 && h->status <= 999);
    FZ_CHECK(h->status < 100 || h->status > 199);  /* 1xx heads are skipped */
    FZ_CHECK(h->minor_version >= 0 && h->minor_version <= 9);
    FZ_CHECK(h->content_length >= -1);
    FZ_CHECK(!(h->chunked && h->content_length >= 0));
    FZ_CHECK(h->chunked == 0 || h->chunked == 1);
    FZ_CHECK(h->keep_alive == 0 || h->keep_alive == 1);
    FZ_CHECK(h->retry_after >= -1);
    while (reason_len < sizeof h->reason && h->reason[reason_len]) reason_len++;
    FZ_CHECK(reason_len < sizeof h->reason);
    fz_printf(out, "status=%d minor=%d chunked=%d cl=%lld ka=%d es=%d json=%d retry=%ld reason=",
              h->status, h->minor_version, h->chunked, h->content_length, h->keep_alive,
              h->event_stream, h->json, h->retry_after);
    fz_quote(out, h->reason, reason_len);
}

static void head_one(gemini_http_head *h, const char *in, size_t len, const fz_plan *plan,
                     int way, fz_buf *out)
{
    head_run r;
    memset(&r, 0, sizeof r);
    r.h = h;
    gemini_http_head_init(h);
    if (way == 0) fz_feed_whole(head_feed, &r, in, len);
    else if (way == 1) fz_feed_small(head_feed, &r, in, len);
    else fz_feed_plan(head_feed, &r, in, len, plan);
    if (r.stopped) head_feed(&r, "HTTP/1.1 200 OK\r\n\r\n", 19);  /* after the end: no effect */
    fz_clear(out);
    head_outcome(&r, in, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_plan plan;
    fz_buf whole = {0}, other = {0};
    gemini_http_head *h = (gemini_http_head *)fz_dirty_alloc(sizeof *h);
    const char *body;
    size_t len;

    in.p = data;
    in.left = size;
    fz_plan_read(&in, &plan);
    body = (const char *)in.p;
    len = in.left;

    head_one(h, body, len, &plan, 0, &whole);
    head_one(h, body, len, &plan, 1, &other);
    FZ_SAME(&other, &whole, "byte by byte differs from whole");
    head_one(h, body, len, &plan, 2, &other);
    FZ_SAME(&other, &whole, "planned split differs from whole");

    fz_free(&whole);
    fz_free(&other);
    free(h);
    return 0;
}
