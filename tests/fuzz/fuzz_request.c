/* fuzz_request.c - the request writer (gemini_request_write, gemini_request_size,
   gemini_write_json_string).

   The input is read as a recipe for a gemini_request: which fields are set, texts and bytes
   (any bytes, invalid UTF-8 included), numbers (any bit pattern), and raw JSON fields picked from
   a table of valid values. Checks: the writer fails exactly when the request is unusable
   (no contents, NULL parts, a NaN or huge number); gemini_request_size equals the bytes written;
   the body is valid UTF-8 and valid JSON (the library's own scanner reads {"x": BODY}); a failing
   output callback stops the writer at once with its code. The rest of the input goes through
   gemini_write_json_string, and the scanner must decode the result to the same bytes with
   invalid UTF-8 replaced by U+FFFD (one per maximal subpart). */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "fuzz_common.h"

#include <locale.h>

#define FAIL_CODE 4242              /* what the failing output callback returns */

/* ---- reading the recipe ---- */

typedef struct pool {
    char *blocks[128];
    size_t count;
} pool;

static void *pool_add(pool *p, size_t size)
{
    void *b = malloc(size ? size : 1);
    if (!b) abort();
    if (p->count < sizeof p->blocks / sizeof p->blocks[0]) p->blocks[p->count++] = (char *)b;
    else abort();
    return b;
}

static void pool_free(pool *p)
{
    size_t i;
    for (i = 0; i < p->count; i++) free(p->blocks[i]);
    p->count = 0;
}

/* A C string: a length byte, then that many bytes (a NUL inside just ends it early). */
static const char *take_string(fz_in *in, pool *p)
{
    size_t n = fz_byte(in), i;
    char *s;
    if (n > in->left) n = in->left;
    s = (char *)pool_add(p, n + 1);
    for (i = 0; i < n; i++) s[i] = (char)fz_byte(in);
    s[n] = '\0';
    return s;
}

static double take_double(fz_in *in)
{
    unsigned char b[sizeof(double)];
    double v;
    size_t i;
    for (i = 0; i < sizeof b; i++) b[i] = (unsigned char)fz_byte(in);
    memcpy(&v, b, sizeof v);
    return v;
}

static long take_long(fz_in *in)
{
    unsigned long v = 0;
    size_t i;
    for (i = 0; i < sizeof v; i++) v = v << 8 | fz_byte(in);
    return (long)v;                     /* implementation-defined for large values: fine here */
}

static const char *const schemas[4] = {
    NULL, "{\"type\":\"OBJECT\",\"properties\":{\"a\":{\"type\":\"STRING\"}}}",
    "{\"type\": \"ARRAY\", \"items\": {\"type\": \"NUMBER\", \"minimum\": -1.5e3}}", "true"};
static const char *const tools[4] = {
    NULL, "[{\"functionDeclarations\":[{\"name\":\"f\",\"parameters\":{\"type\":\"OBJECT\"}}]}]",
    "[{\"googleSearch\":{}}]", "[]"};
static const char *const tool_configs[4] = {
    NULL, "{\"functionCallingConfig\":{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"f\"]}}",
    "{}", "{\"functionCallingConfig\": {\"mode\": \"NONE\"}}"};
static const char *const extras[4] = {
    NULL, "", "\"cachedContent\": \"cachedContents/x\"", "\"labels\":{\"a\":\"b\"},\"n\":[1,2]"};
static const char *const raw_parts[4] = {
    "{\"functionCall\":{\"name\":\"f\",\"args\":{}},\"thoughtSignature\":\"AAAA\"}",
    "{\"functionResponse\":{\"name\":\"f\",\"response\":{\"x\":1}}}",
    "{\"text\": \"raw \\u00e9\"}", "{\"fileData\":{\"mimeType\":\"image/png\",\"fileUri\":\"u\"}}"};

static int bad_number(double v) { return v != v || v > 1e300 || v < -1e300; }

/* Builds the request; returns whether it should be written without GEMINI_ERR_USAGE. */
static int take_request(fz_in *in, pool *p, gemini_request *r)
{
    unsigned f0 = fz_byte(in), f1 = fz_byte(in), sel = fz_byte(in);
    size_t i, k, ncontents = fz_byte(in) % 4u;
    int ok = 1;
    gemini_content *contents;

    memset(r, 0, sizeof *r);
    contents = (gemini_content *)pool_add(p, (ncontents ? ncontents : 1) * sizeof *contents);
    for (i = 0; i < ncontents; i++) {
        unsigned role = fz_byte(in) & 3u;
        size_t nparts = fz_byte(in) % 5u;
        gemini_part_spec *parts = (gemini_part_spec *)pool_add(p, (nparts ? nparts : 1) * sizeof *parts);
        memset(parts, 0, (nparts ? nparts : 1) * sizeof *parts);
        contents[i].role = role == 0 ? NULL : role == 1 ? "user" : role == 2 ? "model" : take_string(in, p);
        for (k = 0; k < nparts; k++) {
            unsigned kind = fz_byte(in) % 6u;
            if (kind == 0) parts[k].text = take_string(in, p);
            else if (kind == 1) parts[k].text = NULL;          /* an empty text part */
            else if (kind == 2 || kind == 3) {                 /* inline data */
                const char *bytes = take_string(in, p);       /* NUL-free bytes, any value */
                size_t extra = fz_byte(in) % 4u;               /* and some NULs after them */
                char *data = (char *)pool_add(p, strlen(bytes) + extra + 1);
                memcpy(data, bytes, strlen(bytes));
                memset(data + strlen(bytes), 0, extra + 1);
                parts[k].data = data;
                parts[k].data_len = strlen(bytes) + extra;
                parts[k].mime_type = kind == 2 ? take_string(in, p) : NULL;
            } else if (kind == 4) {
                parts[k].mime_type = "text/plain";             /* mime type without data */
            } else {
                parts[k].raw = raw_parts[fz_byte(in) & 3u];
            }
        }
        contents[i].parts = parts;
        contents[i].part_count = nparts;
        if ((f1 & 0x40u) && nparts && i == 0) {                /* NULL parts with a count */
            contents[i].parts = NULL;
            ok = 0;
        }
    }
    r->contents = contents;
    r->content_count = ncontents;
    if (ncontents == 0) ok = 0;
    if (f1 & 0x80u) { r->contents = NULL; ok = 0; }
    if (f0 & 1u) r->system_instruction = take_string(in, p);
    if (f0 & 2u) {
        r->has_temperature = 1;
        r->temperature = take_double(in);
        if (bad_number(r->temperature)) ok = 0;
    }
    if (f0 & 4u) {
        r->has_top_p = 1;
        r->top_p = take_double(in);
        if (bad_number(r->top_p)) ok = 0;
    }
    if (f0 & 8u) r->top_k = (int)take_long(in);
    if (f0 & 16u) r->max_output_tokens = (int)take_long(in);
    if (f0 & 32u) { r->has_seed = 1; r->seed = take_long(in); }
    if (f0 & 64u) r->response_mime_type = take_string(in, p);
    if (f0 & 128u) r->include_thoughts = 1;
    if (f1 & 1u) { r->has_thinking_budget = 1; r->thinking_budget = (int)take_long(in); }
    if (f1 & 2u) r->thinking_level = take_string(in, p);
    r->stop_sequence_count = (f1 >> 2) & 3u;
    if (r->stop_sequence_count) {
        const char **stops = (const char **)pool_add(p, r->stop_sequence_count * sizeof *stops);
        for (i = 0; i < r->stop_sequence_count; i++)
            stops[i] = (fz_byte(in) & 1u) ? take_string(in, p) : NULL;
        r->stop_sequences = stops;
    }
    r->safety_setting_count = (f1 >> 4) & 3u;
    if (r->safety_setting_count) {
        gemini_safety_setting *ss = (gemini_safety_setting *)pool_add(p, r->safety_setting_count * sizeof *ss);
        for (i = 0; i < r->safety_setting_count; i++) {
            ss[i].category = (fz_byte(in) & 1u) ? take_string(in, p) : NULL;
            ss[i].threshold = take_string(in, p);
        }
        r->safety_settings = ss;
    }
    r->response_schema = schemas[sel & 3u];
    r->tools = tools[(sel >> 2) & 3u];
    r->tool_config = tool_configs[(sel >> 4) & 3u];
    r->extra = extras[(sel >> 6) & 3u];
    return ok;
}

/* ---- output sinks ---- */

typedef struct sink {
    fz_buf out;
    size_t calls;
    size_t fail_at;             /* 1-based call that fails; 0 never */
    int failed;
} sink;

static int sink_out(void *user, const char *data, size_t len)
{
    sink *s = (sink *)user;
    FZ_CHECK_MSG(!s->failed, "the writer went on after its output failed");
    FZ_CHECK(data != NULL);
    FZ_CHECK(len > 0);
    s->calls++;
    fz_put(&s->out, data, len);
    if (s->fail_at && s->calls == s->fail_at) { s->failed = 1; return FAIL_CODE; }
    return GEMINI_OK;
}

/* ---- the string round trip ---- */

/* The writer's promise: valid UTF-8 passes; anything else becomes U+FFFD, one for each maximal
   subpart of an ill-formed sequence (a lead byte with the continuation bytes that fit it so far,
   Unicode's recommended practice), or for a byte that cannot start a sequence. */
static size_t maximal_subpart(const unsigned char *s, size_t n)
{
    size_t need, i;
    unsigned lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) need = 1;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) need = 2;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) need = 3;
    else return 1;
    if (s[0] == 0xE0) lo = 0xA0;
    else if (s[0] == 0xED) hi = 0x9F;
    else if (s[0] == 0xF0) lo = 0x90;
    else if (s[0] == 0xF4) hi = 0x8F;
    for (i = 1; i <= need && i < n; i++) {
        if (s[i] < lo || s[i] > hi) break;
        lo = 0x80;
        hi = 0xBF;
    }
    return i;                           /* whole and valid sequences never get here */
}

static void sanitize(const char *text, size_t n, fz_buf *out)
{
    size_t i = 0;
    while (i < n) {
        size_t len = 1;
        while (len <= 4 && i + len <= n && !fz_utf8_valid(text + i, len)) len++;
        if (len <= 4 && i + len <= n) {
            fz_put(out, text + i, len);
            i += len;
        } else {
            fz_str(out, "\xEF\xBF\xBD");
            i += maximal_subpart((const unsigned char *)text + i, n - i);
        }
    }
}

static int collect_text(void *user, const gemini_event *ev)
{
    fz_buf *b = (fz_buf *)user;
    FZ_CHECK(ev->type == GEMINI_EVENT_TEXT);
    FZ_CHECK(ev->text[ev->len] == '\0');
    fz_put(b, ev->text, ev->len);
    return 0;
}

static void string_round_trip(const char *s, size_t n)
{
    static const char pre[] = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":";
    static const char post[] = "}]}}]}";
    sink w;
    fz_buf got = {0}, want = {0};
    gemini_json *j = (gemini_json *)fz_dirty_alloc(sizeof *j);
    int err;

    memset(&w, 0, sizeof w);
    FZ_CHECK(gemini_write_json_string(s, n, sink_out, &w) == GEMINI_OK);
    FZ_CHECK(w.out.len >= 2 && w.out.p[0] == '"' && w.out.p[w.out.len - 1] == '"');
    FZ_CHECK_MSG(fz_utf8_valid(w.out.p, w.out.len), "a written string is not valid UTF-8");
    gemini_json_init(j, collect_text, &got);
    err = gemini_json_feed(j, pre, sizeof pre - 1);
    if (!err) err = gemini_json_feed(j, w.out.p, w.out.len);
    if (!err) err = gemini_json_feed(j, post, sizeof post - 1);
    if (!err) err = gemini_json_end(j);
    FZ_CHECK_MSG(err == GEMINI_OK, "the scanner refused a written string (error %d): %.300s", err,
                 w.out.p);
    sanitize(s, n, &want);
    FZ_SAME(&got, &want, "a written string decodes to other bytes");
    fz_free(&got);
    fz_free(&want);
    fz_free(&w.out);
    free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_in in;
    pool p;
    gemini_request req;
    sink w, f;
    size_t counted = 12345, fail_at;
    int expect_ok, rc, rc_size, rc_fail;

    static int locale_set;
    if (!locale_set) {                  /* the environment's locale, as an application might:
                                           LC_ALL=de_DE.UTF-8 makes a decimal comma */
        setlocale(LC_ALL, "");
        locale_set = 1;
    }
    in.p = data;
    in.left = size;
    p.count = 0;
    memset(&w, 0, sizeof w);
    memset(&f, 0, sizeof f);
    fail_at = fz_byte(&in);
    expect_ok = take_request(&in, &p, &req);

    rc = gemini_request_write(&req, sink_out, &w);
    rc_size = gemini_request_size(&req, &counted);
    FZ_CHECK_MSG(rc == (expect_ok ? GEMINI_OK : GEMINI_ERR_USAGE), "write returned %d, expected %d",
                 rc, expect_ok ? GEMINI_OK : GEMINI_ERR_USAGE);
    FZ_CHECK(rc_size == rc);
    if (rc == GEMINI_OK) {
        int err;
        FZ_CHECK_MSG(counted == w.out.len, "gemini_request_size says %lu, %lu were written",
                     (unsigned long)counted, (unsigned long)w.out.len);
        FZ_CHECK_MSG(fz_utf8_valid(w.out.p, w.out.len), "the body is not valid UTF-8");
        err = fz_json_ok("{\"x\":", w.out.p, w.out.len, "}");
        FZ_CHECK_MSG(err == GEMINI_OK, "the body is not JSON (scanner error %d):\n%.2000s", err,
                     w.out.p);
    }

    f.fail_at = fail_at;
    rc_fail = gemini_request_write(&req, sink_out, &f);
    if (fail_at && rc == GEMINI_OK && fail_at <= w.calls)
        FZ_CHECK(rc_fail == FAIL_CODE && f.calls == fail_at);
    else if (rc == GEMINI_OK)
        FZ_CHECK(rc_fail == GEMINI_OK);
    else
        FZ_CHECK(rc_fail == rc || (rc_fail == FAIL_CODE && f.calls == fail_at));

    string_round_trip((const char *)in.p, in.left);
    if (in.left == 0) string_round_trip(NULL, 0);

    fz_free(&w.out);
    fz_free(&f.out);
    pool_free(&p);
    return 0;
}
