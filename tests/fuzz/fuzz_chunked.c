/* fuzz_chunked.c - body framing (gemini_body_*), above all GEMINI_BODY_CHUNKED.

   Input: one option byte (low 3 bits: 0-4 chunked, 5 Content-Length, 6 read-to-close, 7 no body;
   bit 3: the output callback fails once N bytes have come, N = the next byte; Content-Length
   takes the next two bytes), a split plan, then the body bytes. Runs whole, byte by byte and in
   the planned pieces; the outcomes must match. Invariants: bytes are handed over in place
   (pointers inside the piece fed); b->total counts them; a call stops short only at the end or
   at an error; after that the state never changes and the callback is not called; and a chunked
   body the parser accepts decodes to the same bytes with a lax reference decoder. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

typedef struct body_run {
    gemini_body *b;
    gemini_body frozen;
    int stopped;
    size_t at;                  /* input bytes consumed */
    const char *piece;          /* the piece being fed: out's data must lie inside it */
    size_t piece_len;
    unsigned long long fail_at; /* 0: never fail */
    unsigned long long got;     /* bytes the callback received */
    fz_buf body;                /* the first fail_at bytes (all when fail_at is 0) */
    int calls_after_stop;
} body_run;

static int body_out(void *user, const char *data, size_t len)
{
    body_run *r = (body_run *)user;
    FZ_CHECK(!r->stopped);
    FZ_CHECK(len > 0);
    FZ_CHECK_MSG(data >= r->piece && data + len <= r->piece + r->piece_len,
                 "body bytes are not a slice of the piece fed");
    if (r->fail_at && r->got + len > r->fail_at) fz_put(&r->body, data, (size_t)(r->fail_at - r->got));
    else fz_put(&r->body, data, len);
    r->got += len;
    return r->fail_at && r->got >= r->fail_at ? GEMINI_ERR_CANCELLED : GEMINI_OK;
}

static void body_feed(void *ctx, const char *data, size_t len)
{
    body_run *r = (body_run *)ctx;
    size_t n;
    r->piece = data;
    r->piece_len = len;
    if (r->stopped) {
        n = gemini_body_feed(r->b, data, len, body_out, r);
        FZ_CHECK(n == 0);
        FZ_CHECK_MSG(memcmp(r->b, &r->frozen, sizeof r->frozen) == 0,
                     "the body state changed after done/error");
        return;
    }
    n = gemini_body_feed(r->b, data, len, body_out, r);
    FZ_CHECK(n <= len);
    FZ_CHECK_MSG(n == len || r->b->done || r->b->err, "stopped short without done or error");
    FZ_CHECK(r->b->total == r->got);
    r->at += n;
    if (r->b->done || r->b->err) {
        r->stopped = 1;
        memcpy(&r->frozen, r->b, sizeof r->frozen);
    }
}

/* A lax chunked decoder: size, anything up to CRLF, data, CRLF ... 0, trailer lines, CRLF.
   Returns the bytes it used, or 0 when the framing does not parse. */
static size_t ref_chunked(const char *in, size_t len, fz_buf *out)
{
    size_t i = 0;
    for (;;) {
        unsigned long long size = 0;
        int digits = 0;
        while (i < len) {
            char c = in[i];
            unsigned v;
            if (c >= '0' && c <= '9') v = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f') v = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v = (unsigned)(c - 'A' + 10);
            else break;
            size = size * 16 + v;
            digits++;
            i++;
        }
        if (!digits) return 0;
        while (i + 1 < len && !(in[i] == '\r' && in[i + 1] == '\n')) i++;
        if (i + 1 >= len) return 0;
        i += 2;
        if (size == 0) break;
        if (size > len - i) return 0;
        fz_put(out, in + i, (size_t)size);
        i += (size_t)size;
        if (i + 1 >= len || in[i] != '\r' || in[i + 1] != '\n') return 0;
        i += 2;
    }
    for (;;) {                          /* trailers, then the empty line */
        size_t start = i;
        while (i + 1 < len && !(in[i] == '\r' && in[i + 1] == '\n')) i++;
        if (i + 1 >= len) return 0;
        i += 2;
        if (i - start == 2) return i;
    }
}

static void body_one(gemini_body *b, gemini_body_mode mode, unsigned long long length,
                     unsigned long long fail_at, const char *in, size_t len,
                     const fz_plan *plan, int way, fz_buf *out)
{
    body_run r;
    int done, fin;
    memset(&r, 0, sizeof r);
    r.b = b;
    r.fail_at = fail_at;
    gemini_body_init(b, mode, length);
    FZ_CHECK(b->mode == mode && !b->err);
    if (way == 0) fz_feed_whole(body_feed, &r, in, len);
    else if (way == 1) fz_feed_small(body_feed, &r, in, len);
    else fz_feed_plan(body_feed, &r, in, len, plan);
    if (r.stopped) body_feed(&r, "0\r\n\r\n", 5);
    done = b->done;
    fin = gemini_body_finish(b);
    FZ_CHECK(fin == b->err);
    FZ_CHECK(gemini_body_finish(b) == fin);
    FZ_CHECK(fin == GEMINI_OK || fin == GEMINI_ERR_TRUNCATED || fin == GEMINI_ERR_CANCELLED
             || fin == GEMINI_ERR_CHUNK_SIZE || fin == GEMINI_ERR_CHUNK_FRAMING);
    if (mode == GEMINI_BODY_LENGTH && done) FZ_CHECK(b->total == length);
    if (mode == GEMINI_BODY_LENGTH) FZ_CHECK(b->total <= length);
    if (mode == GEMINI_BODY_NONE) FZ_CHECK(b->total == 0);
    if (mode == GEMINI_BODY_CHUNKED && done && !r.fail_at) {
        fz_buf ref = {0};
        size_t used = ref_chunked(in, len, &ref);
        FZ_CHECK_MSG(used == r.at, "accepted chunked body: the reference decoder used %lu bytes, "
                     "the parser %lu", (unsigned long)used, (unsigned long)r.at);
        FZ_SAME(&r.body, &ref, "accepted chunked body decodes differently in the reference");
        fz_free(&ref);
    }
    fz_clear(out);
    fz_str(out, "body=");
    fz_quote(out, fz_text(&r.body), r.body.len);
    /* where it stopped, and whether the last piece also completed the body, depend on the
       pieces when the callback cut it short */
    if (fin != GEMINI_ERR_CANCELLED) fz_printf(out, " at=%lu done=%d", (unsigned long)r.at, done);
    fz_printf(out, " fin=%d", fin);
    fz_free(&r.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    fz_plan plan;
    fz_buf whole = {0}, other = {0};
    gemini_body *b = (gemini_body *)fz_dirty_alloc(sizeof *b);
    unsigned opt, kind;
    unsigned long long length = 0, fail_at = 0;
    gemini_body_mode mode;
    const char *body;
    size_t len;

    in.p = data;
    in.left = size;
    opt = fz_byte(&in);
    kind = opt & 7u;
    mode = kind <= 4 ? GEMINI_BODY_CHUNKED : kind == 5 ? GEMINI_BODY_LENGTH
         : kind == 6 ? GEMINI_BODY_CLOSE : GEMINI_BODY_NONE;
    if (opt & 8u) fail_at = fz_byte(&in) + 1u;
    if (mode == GEMINI_BODY_LENGTH) {
        length = fz_byte(&in);
        length = length << 8 | fz_byte(&in);
    }
    fz_plan_read(&in, &plan);
    body = (const char *)in.p;
    len = in.left;

    body_one(b, mode, length, fail_at, body, len, &plan, 0, &whole);
    body_one(b, mode, length, fail_at, body, len, &plan, 1, &other);
    FZ_SAME(&other, &whole, "byte by byte differs from whole");
    body_one(b, mode, length, fail_at, body, len, &plan, 2, &other);
    FZ_SAME(&other, &whole, "planned split differs from whole");

    fz_free(&whole);
    fz_free(&other);
    free(b);
    return 0;
}
