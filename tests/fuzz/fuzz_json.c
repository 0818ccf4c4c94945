/* fuzz_json.c - the streaming JSON scanner for GenerateContentResponse (gemini_json_*).

   Input: one option byte (bit 0: all candidates; bits 1-2: HTTP status 200/400/429/503 for
   API_ERROR; bit 3: thought signatures; bits 4-7: cancel at that event, 0 never), a split plan, then one JSON document.
   Runs whole, byte by byte and in the planned pieces; the event logs and results must match.
   The events themselves are checked by fz_event_cb (fuzz_common.h). Also: the error is sticky
   (later feeds change nothing and deliver nothing), gemini_json_end is idempotent, and a
   gemini_json_reset scanner reads the same document to the same events. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

typedef struct json_run {
    gemini_json *j;
    gemini_json frozen;
    int stopped;
    int first_err;
    fz_events ev;
} json_run;

static void json_feed(void *ctx, const char *data, size_t len)
{
    json_run *r = (json_run *)ctx;
    int err;
    if (r->stopped) {
        int calls = r->ev.calls;
        FZ_CHECK(gemini_json_feed(r->j, data, len) == r->first_err);
        FZ_CHECK(r->ev.calls == calls);
        FZ_CHECK_MSG(memcmp(r->j, &r->frozen, sizeof r->frozen) == 0,
                     "the scanner state changed after an error");
        return;
    }
    err = gemini_json_feed(r->j, data, len);
    FZ_CHECK(err == r->j->err);
    FZ_CHECK(r->j->depth >= 0 && r->j->depth <= GEMINI_JSON_MAX_DEPTH);
    FZ_CHECK(r->j->part_len <= GEMINI_PART_MAX);
    if (err) {
        r->stopped = 1;
        r->first_err = err;
        memcpy(&r->frozen, r->j, sizeof r->frozen);
        if (r->ev.cancel_at && r->ev.count >= r->ev.cancel_at) FZ_CHECK(err == GEMINI_ERR_CANCELLED);
    }
}

static void json_one(json_run *r, int reset, const char *in, size_t len, const fz_plan *plan,
                     int way, fz_buf *out)
{
    int end;
    r->stopped = 0;
    r->first_err = 0;
    fz_events_reset(&r->ev);
    if (reset) {
        gemini_json_reset(r->j);
    } else {
        int all = r->j->all_candidates, sig = r->j->signatures, status = r->j->http_status;
        gemini_json_init(r->j, fz_event_cb, &r->ev);
        r->j->all_candidates = all;
        r->j->signatures = sig;
        r->j->http_status = status;
    }
    FZ_CHECK(r->j->err == 0 && r->j->done == 0 && r->j->depth == 0);
    if (way == 0) fz_feed_whole(json_feed, r, in, len);
    else if (way == 1) fz_feed_small(json_feed, r, in, len);
    else fz_feed_plan(json_feed, r, in, len, plan);
    if (r->stopped) json_feed(r, "{}", 2);
    end = gemini_json_end(r->j);
    fz_events_flush(&r->ev);
    FZ_CHECK(end == r->j->err);
    if (r->first_err) FZ_CHECK(end == r->first_err);
    FZ_CHECK(gemini_json_end(r->j) == end);
    if (!end) FZ_CHECK(r->j->done);
    if (r->j->saw_error && !end) FZ_CHECK_MSG(strstr(fz_text(&r->ev.log), "ERROR ") != NULL,
                                              "saw_error without an API_ERROR event");
    FZ_CHECK(strlen(r->j->model_version) < sizeof r->j->model_version);
    FZ_CHECK(strlen(r->j->response_id) < sizeof r->j->response_id);
    fz_clear(out);
    fz_put(out, fz_text(&r->ev.log), r->ev.log.len);
    fz_printf(out, "END err=%d done=%d\n", end, r->j->done);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int statuses[4] = {200, 400, 429, 503};
    fz_in in;
    fz_plan plan;
    fz_buf whole = {0}, other = {0};
    json_run r;
    unsigned opt;
    const char *body;
    size_t len;

    memset(&r, 0, sizeof r);
    r.j = (gemini_json *)fz_dirty_alloc(sizeof *r.j);
    in.p = data;
    in.left = size;
    opt = fz_byte(&in);
    fz_plan_read(&in, &plan);
    body = (const char *)in.p;
    len = in.left;
    r.ev.all_candidates = (int)(opt & 1u);
    r.ev.http_status = statuses[(opt >> 1) & 3u];
    r.ev.cancel_at = (int)(opt >> 4);
    gemini_json_init(r.j, fz_event_cb, &r.ev);
    r.j->all_candidates = r.ev.all_candidates;
    r.j->signatures = (int)((opt >> 3) & 1u);
    r.j->http_status = r.ev.http_status;

    json_one(&r, 0, body, len, &plan, 0, &whole);
    json_one(&r, 0, body, len, &plan, 1, &other);
    FZ_SAME(&other, &whole, "byte by byte differs from whole");
    json_one(&r, 0, body, len, &plan, 2, &other);
    FZ_SAME(&other, &whole, "planned split differs from whole");
    json_one(&r, 1, body, len, &plan, 0, &other);
    FZ_SAME(&other, &whole, "after gemini_json_reset the same document reads differently");

    fz_free(&whole);
    fz_free(&other);
    fz_events_free(&r.ev);
    free(r.j);
    return 0;
}
