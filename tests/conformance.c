/* conformance.c - runs the shared corpus through the sans-I/O core.

       build/conformance CORPUS_DIR

   1. gemini/: every recorded *.sse body through gemini_parser (GEMINI_PARSE_BODY_ONLY) gives the
      answer, thought, finish reason and error message in gemini/expected/; every *.json error
      body gives its message through gemini_json and as a full HTTP error response.
   2. jsontestsuite/: y_ accepted and n_ rejected as a value the scanner skips; i_ reported.
   3. sse/cases.json through gemini_sse (strict WHATWG) and chunked/cases.json through
      gemini_body (chunked), compared with each case's expectation.
   4. http-response/cases.json through gemini_http_head (and gemini_body between pipelined
      responses): errors, incomplete heads, status, reason, where each head ends, framing.
   Each input runs whole, byte by byte and split (tests/split.h). A missing folder is skipped.
   Prints counts per group and "N passed, N failed"; exits 1 if anything failed. */
#define _POSIX_C_SOURCE 200809L
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "split.h"
#include "json_reader.h"   /* reads the case files */

static int total_passed, total_failed;

/* ---- files ----------------------------------------------------------------------------------- */

/* Reads a whole file; NULL if it cannot be read. The buffer has a NUL after the bytes. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    split_buf b = {0};
    char tmp[65536];
    size_t n;
    if (!f) return NULL;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) sbuf_put(&b, tmp, n);
    fclose(f);
    if (!b.p) sbuf_put(&b, "", 0);
    *len = b.len;
    return b.p;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir that end with suffix; NULL when the folder cannot be opened. */
static char **list_dir(const char *dir, const char *suffix, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, sl = strlen(suffix);
    if (!d) return NULL;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < sl || strcmp(e->d_name + l - sl, suffix) != 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = (char **)realloc(names, cap * sizeof *names);
        }
        names[n] = (char *)malloc(l + 1);
        memcpy(names[n], e->d_name, l + 1);
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, name_cmp);
    *count = n;
    return names ? names : (char **)calloc(1, sizeof *names);
}

static void free_names(char **names, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) free(names[i]);
    free(names);
}

static char *path_join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
    char *p = (char *)malloc(n);
    sprintf(p, "%s/%s%s", a, b, c);
    return p;
}

/* ---- case files ------------------------------------------------------------------------------ */

/* The bytes a latin1-encoded case string stands for: each code point is one byte. */
static void latin1_bytes(const jv *v, split_buf *out)
{
    size_t i = 0;
    const unsigned char *s = (const unsigned char *)v->s;
    sbuf_clear(out);
    sbuf_put(out, "", 0);
    while (i < v->len) {
        unsigned cp = s[i];
        char c;
        if (cp >= 0xC0 && cp < 0xE0 && i + 1 < v->len) {   /* U+0080..U+00FF */
            cp = ((cp & 0x1F) << 6) | (s[i + 1] & 0x3F);
            i += 2;
        } else {
            i++;
        }
        c = (char)(unsigned char)cp;
        sbuf_put(out, &c, 1);
    }
}

/* Offsets of a "splits" array. */
static size_t *jv_offsets(const jv *a, size_t *n)
{
    size_t i, *o;
    *n = 0;
    if (!a || a->type != 'a' || !a->n) return NULL;
    o = (size_t *)malloc(a->n * sizeof *o);
    for (i = 0; i < a->n; i++) o[i] = (size_t)a->items[i].num;
    *n = a->n;
    return o;
}

/* Compares the outcome of one way with the expectation; prints the difference. */
static int same_outcome(const char *label, const char *way, const split_buf *got, const char *want)
{
    size_t wl = strlen(want);
    if (got->len == wl && memcmp(got->p, want, wl) == 0) return 1;
    split_show_diff(label, way, got->p ? got->p : "", got->len, want, wl);
    return 0;
}

/* Prints a FAIL line with the whole run's outcome and the expectation, on one line each. */
static void print_fail(const char *label, const split_buf *whole, const char *want)
{
    split_buf g = {0}, w = {0};
    sbuf_escape(&g, whole->p ? whole->p : "", whole->len, 0);
    sbuf_escape(&w, want, strlen(want), 0);
    printf("  FAIL %s\n", label);
    if (g.len == w.len && memcmp(g.p, w.p, g.len) == 0) {
        printf("       whole run as expected; other feeds differ (details on stderr)\n");
    } else {
        printf("       got:      %.300s%s\n", g.p, g.len > 300 ? "..." : "");
        printf("       expected: %.300s%s\n", w.p, w.len > 300 ? "..." : "");
    }
    sbuf_free(&g);
    sbuf_free(&w);
}

/* Runs the extra ways a case lists: its splits, split_every_bytes, split_at_every_offset. */
static int case_extra_ways(const split_layer *L, void *ctx, const jv *c, const char *in, size_t len,
                           const char *want, const char *label)
{
    split_buf got = {0};
    size_t n, *cuts = jv_offsets(jv_get(c, "splits"), &n), k;
    const jv *every = jv_get(c, "split_every_bytes");
    const jv *all = jv_get(c, "split_at_every_offset");
    int ok = 1;
    char way[64];
    if (cuts) {
        split_run_cuts(L, ctx, in, len, cuts, n, &got);
        ok &= same_outcome(label, "listed splits", &got, want);
        free(cuts);
    }
    if (every) {
        size_t m = every->type == 'a' ? every->n : 1;
        for (k = 0; k < m; k++) {
            size_t step = (size_t)(every->type == 'a' ? every->items[k].num : every->num);
            split_run_every(L, ctx, in, len, step, &got);
            sprintf(way, "every %lu bytes", (unsigned long)step);
            ok &= same_outcome(label, way, &got, want);
        }
    }
    if (all && all->type == 't') {
        for (k = 1; k < len; k++) {
            split_run_cuts(L, ctx, in, len, &k, 1, &got);
            sprintf(way, "split at %lu", (unsigned long)k);
            ok &= same_outcome(label, way, &got, want);
        }
    }
    sbuf_free(&got);
    return ok;
}

/* ---- group 1: recorded Gemini responses --------------------------------------------------- */

/* Collects what the expected files hold: answer, thought, last finish reason, error message. */
typedef struct answer_ctx {
    gemini_parser p;
    int flags;
    int err;
    int http_status;        /* of the API_ERROR event; 0 if none */
    split_buf answer, thought, finish, error;
} answer_ctx;

static int answer_cb(void *user, const gemini_event *ev)
{
    answer_ctx *c = (answer_ctx *)user;
    if (ev->candidate != 0) return 0;
    switch (ev->type) {
    case GEMINI_EVENT_TEXT: sbuf_put(&c->answer, ev->text, ev->len); break;
    case GEMINI_EVENT_THOUGHT: sbuf_put(&c->thought, ev->text, ev->len); break;
    case GEMINI_EVENT_FINISH: sbuf_clear(&c->finish); sbuf_put(&c->finish, ev->text, ev->len); break;
    case GEMINI_EVENT_API_ERROR:
        sbuf_clear(&c->error);
        sbuf_put(&c->error, ev->text, ev->len);
        c->http_status = ev->http_status;
        break;
    default: break;
    }
    return 0;
}

static void answer_start(void *ctx)
{
    answer_ctx *c = (answer_ctx *)ctx;
    gemini_parser_init(&c->p, c->flags, answer_cb, c);
    c->err = 0;
    c->http_status = 0;
    sbuf_clear(&c->answer);
    sbuf_clear(&c->thought);
    sbuf_clear(&c->finish);
    sbuf_clear(&c->error);
}

static void answer_feed(void *ctx, const char *data, size_t len)
{
    answer_ctx *c = (answer_ctx *)ctx;
    int r = gemini_parser_feed(&c->p, data, len);
    if (r && !c->err) c->err = r;
}

/* Outcome: answer / thought / finish / error (quoted) and the final error code. */
static void answer_outcome(split_buf *out, const char *answer, size_t alen, const char *thought,
                           size_t tlen, const char *finish, size_t flen, const char *error,
                           size_t elen, int http_status, int err)
{
    sbuf_str(out, "answer=");
    sbuf_quote(out, answer ? answer : "", answer ? alen : 0);
    sbuf_str(out, "\nthought=");
    sbuf_quote(out, thought ? thought : "", thought ? tlen : 0);
    if (finish) {
        sbuf_str(out, "\nfinish=");
        sbuf_quote(out, finish, flen);
    }
    if (error) {
        sbuf_str(out, "\nerror=");
        sbuf_quote(out, error, elen);
        sbuf_printf(out, " http_status=%d", http_status);
    }
    sbuf_printf(out, "\nerr=%d\n", err);
}

typedef struct answer_expect {
    int check_finish, check_error;
} answer_expect;

static answer_expect answer_want;

static void answer_finish(void *ctx, split_buf *out)
{
    answer_ctx *c = (answer_ctx *)ctx;
    int r = gemini_parser_finish(&c->p);
    if (!c->err) c->err = r;
    answer_outcome(out, c->answer.p, c->answer.len, c->thought.p, c->thought.len,
                   answer_want.check_finish ? (c->finish.p ? c->finish.p : "") : NULL, c->finish.len,
                   answer_want.check_error ? (c->error.p ? c->error.p : "") : NULL, c->error.len,
                   c->http_status, c->err);
}

static const split_layer answer_layer = {answer_start, answer_feed, answer_finish};

static char *expected_file(const char *dir, const char *base, const char *ext, size_t *len)
{
    char *name = (char *)malloc(strlen(base) + strlen(ext) + 1), *path, *data;
    sprintf(name, "%s%s", base, ext);
    path = path_join(dir, "expected/", name);
    data = read_all(path, len);
    free(path);
    free(name);
    return data;
}

static void answer_ctx_free(answer_ctx *c)
{
    sbuf_free(&c->answer);
    sbuf_free(&c->thought);
    sbuf_free(&c->finish);
    sbuf_free(&c->error);
}

/* One recorded SSE body. */
static int gemini_sse_file(const char *dir, const char *file)
{
    size_t len, alen = 0, tlen = 0, flen = 0, elen = 0;
    char *path = path_join(dir, file, ""), *in = read_all(path, &len);
    char *base = (char *)malloc(strlen(file) + 1);
    char *answer, *thought, *finish, *error;
    split_buf want = {0}, whole = {0};
    answer_ctx ctx;
    int bad;
    memcpy(base, file, strlen(file) + 1);
    base[strlen(base) - 4] = '\0';
    answer = expected_file(dir, base, ".answer", &alen);
    thought = expected_file(dir, base, ".thought", &tlen);
    finish = expected_file(dir, base, ".finish", &flen);
    error = expected_file(dir, base, ".error", &elen);
    if (!in || !answer) {
        printf("  skip %s: %s\n", file, in ? "no expected/.answer" : "cannot read");
        free(path); free(in); free(base); free(answer); free(thought); free(finish); free(error);
        return -1;
    }
    answer_want.check_finish = finish != NULL;
    answer_want.check_error = error != NULL;
    answer_outcome(&want, answer, alen, thought, tlen, finish, flen, error, elen, 200,
                   error ? GEMINI_ERR_API : GEMINI_OK);
    memset(&ctx, 0, sizeof ctx);
    ctx.flags = GEMINI_PARSE_BODY_ONLY;
    bad = split_check_ways(&answer_layer, &ctx, in, len, want.p, file, 7, &whole);
    if (bad) print_fail(file, &whole, want.p);
    sbuf_free(&whole);
    answer_ctx_free(&ctx);
    sbuf_free(&want);
    free(path); free(in); free(base); free(answer); free(thought); free(finish); free(error);
    return bad ? 0 : 1;
}

/* The JSON layer alone, for an error body. */
typedef struct error_json_ctx {
    gemini_json j;
    int http_status, err, seen_status;
    split_buf error;
} error_json_ctx;

static int error_json_cb(void *user, const gemini_event *ev)
{
    error_json_ctx *c = (error_json_ctx *)user;
    if (ev->type == GEMINI_EVENT_API_ERROR) {
        sbuf_clear(&c->error);
        sbuf_put(&c->error, ev->text, ev->len);
        c->seen_status = ev->http_status;
    }
    return 0;
}

static void error_json_start(void *ctx)
{
    error_json_ctx *c = (error_json_ctx *)ctx;
    gemini_json_init(&c->j, error_json_cb, c);
    c->j.http_status = c->http_status;
    c->err = 0;
    c->seen_status = 0;
    sbuf_clear(&c->error);
    sbuf_put(&c->error, "(no API_ERROR event)", 20);
}

static void error_json_feed(void *ctx, const char *data, size_t len)
{
    error_json_ctx *c = (error_json_ctx *)ctx;
    int r = gemini_json_feed(&c->j, data, len);
    if (r && !c->err) c->err = r;
}

static void error_json_finish(void *ctx, split_buf *out)
{
    error_json_ctx *c = (error_json_ctx *)ctx;
    int r = gemini_json_end(&c->j);
    if (!c->err && r != GEMINI_ERR_API) c->err = r;   /* the JSON layer may report the API error */
    sbuf_str(out, "error=");
    sbuf_quote(out, c->error.p, c->error.len);
    sbuf_printf(out, " http_status=%d\nerr=%d\n", c->seen_status, c->err);
}

static const split_layer error_json_layer = {error_json_start, error_json_feed, error_json_finish};

/* One recorded error body: through gemini_json, and as an HTTP response through gemini_parser. */
static int gemini_error_file(const char *dir, const char *file)
{
    size_t len, elen = 0;
    char *path = path_join(dir, file, ""), *in = read_all(path, &len);
    char *base = (char *)malloc(strlen(file) + 1), *error;
    const char *num = strstr(file, "error-");
    int status = 400, bad = 0;
    split_buf want = {0}, http = {0}, whole = {0};
    error_json_ctx jc;
    answer_ctx pc;
    memcpy(base, file, strlen(file) + 1);
    base[strlen(base) - 5] = '\0';
    error = expected_file(dir, base, ".error", &elen);
    if (!in || !error) {
        printf("  skip %s: %s\n", file, in ? "no expected/.error" : "cannot read");
        free(path); free(in); free(base); free(error);
        return -1;
    }
    if (num && atoi(num + 6) >= 400 && atoi(num + 6) < 600) status = atoi(num + 6);

    memset(&jc, 0, sizeof jc);
    jc.http_status = status;
    sbuf_str(&want, "error=");
    sbuf_quote(&want, error, elen);
    sbuf_printf(&want, " http_status=%d\nerr=0\n", status);
    if (split_check_ways(&error_json_layer, &jc, in, len, want.p, file, 7, &whole)) {
        print_fail(file, &whole, want.p);
        bad++;
    }

    sbuf_printf(&http, "HTTP/1.1 %d Error\r\nContent-Type: application/json; charset=UTF-8\r\n"
                       "Content-Length: %lu\r\n\r\n", status, (unsigned long)len);
    sbuf_put(&http, in, len);
    memset(&pc, 0, sizeof pc);
    answer_want.check_finish = 0;
    answer_want.check_error = 1;
    sbuf_clear(&want);
    answer_outcome(&want, "", 0, "", 0, NULL, 0, error, elen, status, GEMINI_ERR_API);
    if (split_check_ways(&answer_layer, &pc, http.p, http.len, want.p, file, 7, &whole)) {
        print_fail(file, &whole, want.p);
        bad++;
    }
    sbuf_free(&whole);
    answer_ctx_free(&pc);
    sbuf_free(&jc.error);
    sbuf_free(&want);
    sbuf_free(&http);
    free(path); free(in); free(base); free(error);
    return bad ? 0 : 1;
}

static void group_gemini(const char *corpus)
{
    char *dir = path_join(corpus, "gemini", "");
    size_t n, m, i, skipped = 0;
    char **sse = list_dir(dir, ".sse", &n), **json;
    int passed = 0, failed = 0;
    printf("== gemini: recorded responses (%s)\n", dir);
    if (!sse) {
        printf("  skipped: no folder %s\n", dir);
        free(dir);
        return;
    }
    json = list_dir(dir, ".json", &m);
    for (i = 0; i < n; i++) {
        int r = gemini_sse_file(dir, sse[i]);
        if (r < 0) skipped++;
        else if (r) passed++;
        else failed++;
    }
    for (i = 0; json && i < m; i++) {
        int r = gemini_error_file(dir, json[i]);
        if (r < 0) skipped++;
        else if (r) passed++;
        else failed++;
    }
    printf("gemini: %d passed, %d failed (%lu .sse, %lu .json; %lu skipped; payload-only .jsonl not run)\n",
           passed, failed, (unsigned long)n, (unsigned long)m, (unsigned long)skipped);
    total_passed += passed;
    total_failed += failed;
    free_names(sse, n);
    if (json) free_names(json, m);
    free(dir);
}

/* ---- group 2: JSONTestSuite ---------------------------------------------------------------- */

static int no_events(void *user, const gemini_event *ev)
{
    (void)user;
    (void)ev;
    return 0;
}

/* 0 when {"unknownField": DOC} is accepted, else the error. by_byte: feed one byte at a time. */
static int json_wrapped(const char *doc, size_t len, int by_byte)
{
    static gemini_json j;
    const char *pre = "{\"unknownField\":";
    int r;
    size_t i;
    gemini_json_init(&j, no_events, NULL);
    r = gemini_json_feed(&j, pre, strlen(pre));
    if (by_byte)
        for (i = 0; i < len && !r; i++) r = gemini_json_feed(&j, doc + i, 1);
    else if (!r)
        r = gemini_json_feed(&j, doc, len);
    if (!r) r = gemini_json_feed(&j, "}", 1);
    if (!r) r = gemini_json_end(&j);
    return r;
}

static void group_jsontestsuite(const char *corpus)
{
    char *dir = path_join(corpus, "jsontestsuite", "");
    size_t n, i;
    char **names = list_dir(dir, ".json", &n);
    int passed = 0, failed = 0, y = 0, y_ok = 0, no = 0, n_ok = 0, i_acc = 0, i_rej = 0;
    printf("== jsontestsuite: as a skipped value of {\"unknownField\": ...} (%s)\n", dir);
    if (!names) {
        printf("  skipped: no folder %s\n", dir);
        free(dir);
        return;
    }
    for (i = 0; i < n; i++) {
        size_t len;
        char *path = path_join(dir, names[i], ""), *doc = read_all(path, &len);
        int whole, bytes;
        free(path);
        if (!doc) continue;
        whole = json_wrapped(doc, len, 0);
        bytes = json_wrapped(doc, len, 1);
        if (whole != bytes) {
            printf("  FAIL %s: whole gives %d, byte by byte %d\n", names[i], whole, bytes);
            failed++;
        } else if (names[i][0] == 'y') {
            y++;
            if (whole == 0) { y_ok++; passed++; }
            else {
                failed++;
                printf("  FAIL %s: rejected (%d %s)\n", names[i], whole, gemini_strerror(whole));
            }
        } else if (names[i][0] == 'n') {
            no++;
            if (whole != 0) { n_ok++; passed++; }
            else { failed++; printf("  FAIL %s: accepted\n", names[i]); }
        } else if (names[i][0] == 'i') {
            if (whole == 0) i_acc++;
            else i_rej++;
        }
        free(doc);
    }
    printf("jsontestsuite: %d passed, %d failed (y_ %d/%d accepted, n_ %d/%d rejected; "
           "i_ %d accepted, %d rejected, none crashed)\n", passed, failed, y_ok, y, n_ok, no, i_acc, i_rej);
    total_passed += passed;
    total_failed += failed;
    free_names(names, n);
    free(dir);
}

/* ---- group 3a: SSE cases ---------------------------------------------------------------------- */

/* Strict WHATWG events: dispatched events only, type "message" when empty, id null when "". */
typedef struct case_sse_ctx {
    gemini_sse s;
    int want_retry;
    int err;
    split_buf data, log;
} case_sse_ctx;

static int case_sse_cb(void *user, gemini_sse_what what, const char *data, size_t len)
{
    case_sse_ctx *c = (case_sse_ctx *)user;
    size_t idl;
    switch (what) {
    case GEMINI_SSE_DATA: sbuf_put(&c->data, data, len); break;
    case GEMINI_SSE_EVENT:
        sbuf_str(&c->log, "event=");
        if (len) sbuf_quote(&c->log, data, len);
        else sbuf_str(&c->log, "\"message\"");
        sbuf_str(&c->log, " data=");
        sbuf_quote(&c->log, c->data.p ? c->data.p : "", c->data.len);
        idl = split_strnlen(c->s.id, sizeof c->s.id);
        sbuf_str(&c->log, " id=");
        if (idl) sbuf_quote(&c->log, c->s.id, idl);
        else sbuf_str(&c->log, "null");
        sbuf_str(&c->log, "\n");
        sbuf_clear(&c->data);
        break;
    case GEMINI_SSE_INCOMPLETE: sbuf_clear(&c->data); break;   /* not dispatched */
    default: sbuf_printf(&c->log, "unexpected callback %d\n", (int)what); break;
    }
    return 0;
}

static void case_sse_start(void *ctx)
{
    case_sse_ctx *c = (case_sse_ctx *)ctx;
    gemini_sse_init(&c->s);
    c->err = 0;
    sbuf_clear(&c->data);
    sbuf_clear(&c->log);
}

static void case_sse_feed(void *ctx, const char *data, size_t len)
{
    case_sse_ctx *c = (case_sse_ctx *)ctx;
    int r = gemini_sse_feed(&c->s, data, len, case_sse_cb, c);
    if (r && !c->err) c->err = r;
}

static void case_sse_finish(void *ctx, split_buf *out)
{
    case_sse_ctx *c = (case_sse_ctx *)ctx;
    int r = gemini_sse_finish(&c->s, case_sse_cb, c);
    if (r && !c->err) c->err = r;
    sbuf_put(out, c->log.p ? c->log.p : "", c->log.len);
    if (c->want_retry) {
        if (c->s.retry < 0) sbuf_str(out, "retry=null\n");
        else sbuf_printf(out, "retry=%ld\n", c->s.retry);
    }
    if (c->err) sbuf_printf(out, "err=%d\n", c->err);
}

static const split_layer case_sse_layer = {case_sse_start, case_sse_feed, case_sse_finish};

/* The expected outcome of an SSE case, in case_sse_finish's format. */
static void sse_case_expect(const jv *c, split_buf *want)
{
    const jv *events = jv_get(c, "events"), *retry = jv_get(c, "retry");
    size_t i;
    for (i = 0; events && i < events->n; i++) {
        const jv *e = &events->items[i];
        const jv *ty = jv_get(e, "event"), *d = jv_get(e, "data"), *id = jv_get(e, "id");
        sbuf_str(want, "event=");
        sbuf_quote(want, ty && ty->type == 's' ? ty->s : "message", ty && ty->type == 's' ? ty->len : 7);
        sbuf_str(want, " data=");
        sbuf_quote(want, d && d->s ? d->s : "", d && d->s ? d->len : 0);
        sbuf_str(want, " id=");
        if (id && id->type == 's') sbuf_quote(want, id->s, id->len);
        else sbuf_str(want, "null");
        sbuf_str(want, "\n");
    }
    if (retry) {
        if (retry->type == 'n') sbuf_printf(want, "retry=%ld\n", (long)retry->num);
        else sbuf_str(want, "retry=null\n");
    }
}

/* ---- group 3b: chunked cases ------------------------------------------------------------------ */

typedef struct case_body_ctx {
    split_body sb;
    int want_rest, want_partial, expect_ok;
} case_body_ctx;

static void case_body_start(void *ctx) { split_body_start(&((case_body_ctx *)ctx)->sb); }

static void case_body_feed(void *ctx, const char *data, size_t len)
{
    split_body_feed(&((case_body_ctx *)ctx)->sb, data, len);
}

/* Outcome: "error" [partial=...] or "ok complete=N body=..." [rest=...]. */
static void case_body_finish(void *ctx, split_buf *out)
{
    case_body_ctx *c = (case_body_ctx *)ctx;
    split_body *b = &c->sb;
    if (b->b.err) {
        if (c->expect_ok) sbuf_printf(out, "error (%d %s)", b->b.err, gemini_strerror(b->b.err));
        else sbuf_str(out, "error");
        if (c->want_partial) {
            sbuf_str(out, " partial=");
            sbuf_quote(out, b->body.p ? b->body.p : "", b->body.len);
        }
    } else {
        sbuf_printf(out, "ok complete=%d body=", b->b.done);
        sbuf_quote(out, b->body.p ? b->body.p : "", b->body.len);
        if (b->b.done && c->want_rest) {
            sbuf_str(out, " rest=");
            sbuf_quote(out, b->rest.p ? b->rest.p : "", b->rest.len);
        }
    }
    if (b->short_read) sbuf_str(out, " (feed stopped short)");
}

static const split_layer case_body_layer = {case_body_start, case_body_feed, case_body_finish};

static void chunked_case_expect(const jv *c, split_buf *want, case_body_ctx *ctx)
{
    const jv *ok = jv_get(c, "ok"), *complete = jv_get(c, "complete"), *body = jv_get(c, "body");
    const jv *rest = jv_get(c, "rest"), *partial = jv_get(c, "partial_body");
    split_buf tmp = {0};
    ctx->expect_ok = ok && ok->type == 't';
    ctx->want_partial = partial != NULL && !ctx->expect_ok;
    ctx->want_rest = rest != NULL && rest->type == 's';
    if (!ctx->expect_ok) {
        sbuf_str(want, "error");
        if (ctx->want_partial) {
            latin1_bytes(partial, &tmp);
            sbuf_str(want, " partial=");
            sbuf_quote(want, tmp.p, tmp.len);
        }
    } else {
        int done = complete && complete->type == 't';
        sbuf_printf(want, "ok complete=%d body=", done);
        if (body && body->type == 's') latin1_bytes(body, &tmp);
        else sbuf_clear(&tmp);
        sbuf_quote(want, tmp.p ? tmp.p : "", tmp.len);
        if (done && ctx->want_rest) {
            latin1_bytes(rest, &tmp);
            sbuf_str(want, " rest=");
            sbuf_quote(want, tmp.p, tmp.len);
        }
    }
    sbuf_free(&tmp);
}

static int discard_out(void *user, const char *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return 0;
}

/* Every proper prefix must be incomplete, not an error. */
static int every_prefix_incomplete(const char *in, size_t len, const char *label)
{
    gemini_body b;
    size_t k;
    for (k = 0; k < len; k++) {
        gemini_body_init(&b, GEMINI_BODY_CHUNKED, 0);
        gemini_body_feed(&b, in, k, discard_out, NULL);
        if (b.err || b.done) {
            fprintf(stderr, "  [%s] prefix of %lu bytes: %s\n", label, (unsigned long)k,
                    b.err ? "error" : "complete");
            return 0;
        }
    }
    return 1;
}

/* A case file (FOLDER/cases.json): read and parsed, or said why not (a missing file is
   skipped, an unreadable one fails). */
typedef struct case_file {
    char *path, *text;
    jv root;
} case_file;

static int case_file_open(case_file *f, const char *corpus, const char *folder)
{
    size_t len;
    int parsed;
    f->path = path_join(corpus, folder, "/cases.json");
    f->text = read_all(f->path, &len);
    printf("== %s: %s\n", folder, f->path);
    if (!f->text) {
        printf("  skipped: cannot read %s\n", f->path);
        free(f->path);
        return 0;
    }
    parsed = jv_parse(f->text, len, &f->root) == 0;   /* jv_parse frees what it built on failure */
    if (!parsed || f->root.type != 'a') {
        if (parsed) jv_free(&f->root);
        printf("  FAIL cannot parse %s as an array of cases\n", f->path);
        total_failed++;
        free(f->text);
        free(f->path);
        return 0;
    }
    return 1;
}

static void case_file_close(case_file *f)
{
    jv_free(&f->root);
    free(f->text);
    free(f->path);
}

/* Counts of one case file: disputed cases are counted apart, whichever way they go. */
typedef struct case_tally {
    int passed, failed, disp_agree, disp_differ;
} case_tally;

/* Counts a case; returns 1 when it is a failure to report. */
static int case_tally_add(case_tally *t, int disputed, int ok, const char *label)
{
    if (disputed) {
        if (ok) t->disp_agree++;
        else {
            t->disp_differ++;
            printf("  disputed, differs from the case's expectation: %s\n", label);
        }
        return 0;
    }
    if (ok) t->passed++;
    else t->failed++;
    return !ok;
}

static void case_tally_end(const case_tally *t, const char *folder, const char *more)
{
    printf("%s: %d passed, %d failed; disputed (not counted): %d agree, %d differ%s\n", folder,
           t->passed, t->failed, t->disp_agree, t->disp_differ, more);
    total_passed += t->passed;
    total_failed += t->failed;
}

/* Runs one case file: kind 's' (SSE) or 'c' (chunked). */
static void group_cases(const char *corpus, const char *folder, char kind)
{
    case_file f;
    case_tally t = {0, 0, 0, 0};
    size_t i;
    split_buf want = {0}, bytes = {0}, whole = {0};
    if (!case_file_open(&f, corpus, folder)) return;
    for (i = 0; i < f.root.n; i++) {
        const jv *c = &f.root.items[i], *input = jv_get(c, "input");
        const char *name = jv_str(c, "name");
        int disputed = jv_get(c, "disputed") != NULL, ok;
        char label[160];
        sprintf(label, "%.140s", name ? name : "?");
        if (!input || input->type != 's') continue;
        sbuf_clear(&want);
        if (kind == 's') {
            case_sse_ctx ctx;
            memset(&ctx, 0, sizeof ctx);
            ctx.want_retry = jv_get(c, "retry") != NULL;
            sse_case_expect(c, &want);
            sbuf_put(&want, "", 0);
            ok = split_check_ways(&case_sse_layer, &ctx, input->s, input->len, want.p, label, 0,
                                  &whole) == 0;
            ok &= case_extra_ways(&case_sse_layer, &ctx, c, input->s, input->len, want.p, label);
            sbuf_free(&ctx.data);
            sbuf_free(&ctx.log);
        } else {
            case_body_ctx ctx;
            const jv *epi = jv_get(c, "every_prefix_incomplete");
            memset(&ctx, 0, sizeof ctx);
            ctx.sb.mode = GEMINI_BODY_CHUNKED;
            chunked_case_expect(c, &want, &ctx);
            latin1_bytes(input, &bytes);
            ok = split_check_ways(&case_body_layer, &ctx, bytes.p, bytes.len, want.p, label, 0, &whole) == 0;
            ok &= case_extra_ways(&case_body_layer, &ctx, c, bytes.p, bytes.len, want.p, label);
            if (epi && epi->type == 't') ok &= every_prefix_incomplete(bytes.p, bytes.len, label);
            sbuf_free(&ctx.sb.body);
            sbuf_free(&ctx.sb.rest);
        }
        if (case_tally_add(&t, disputed, ok, label)) print_fail(label, &whole, want.p ? want.p : "");
    }
    case_tally_end(&t, folder,
                   kind == 's' ? "; comments are not exposed by gemini_sse and not checked"
                               : "; trailers and chunk_sizes are not exposed by gemini_body and not checked");
    sbuf_free(&want);
    sbuf_free(&bytes);
    sbuf_free(&whole);
    case_file_close(&f);
}

/* ---- group 4: HTTP response heads ----------------------------------------------------------- */

/* The byte stream as this client reads it: a head (gemini_http_head; 1xx heads are skipped
   inside it), then the body its framing gives (none for 204, 304 and answers to HEAD, chunked,
   a length, or the rest), then the next head. Outcome: one line per final head,
   "head status=S reason=R end=E frame=F", then "error" or "incomplete" if it comes to that. */
#define HTTP_MAX_MESSAGES 8

typedef struct case_http_ctx {
    gemini_http_head h;
    gemini_body b;
    int phase;                  /* 0 head, 1 body, 2 the rest is body (read to close), 3 error */
    int no_body;                /* answers to HEAD: no body whatever the head says */
    int show_frame[HTTP_MAX_MESSAGES];  /* the case says how this head frames its body */
    int messages;
    size_t offset, head_start;
    split_buf log;
} case_http_ctx;

static void case_http_start(void *ctx)
{
    case_http_ctx *c = (case_http_ctx *)ctx;
    gemini_http_head_init(&c->h);
    c->phase = 0;
    c->messages = 0;
    c->offset = c->head_start = 0;
    sbuf_clear(&c->log);
}

static void case_http_head_done(case_http_ctx *c)
{
    const gemini_http_head *h = &c->h;
    int none = c->no_body || h->status == 204 || h->status == 304;
    sbuf_printf(&c->log, "head status=%d reason=", h->status);
    sbuf_quote(&c->log, h->reason, strlen(h->reason));
    sbuf_printf(&c->log, " end=%lu", (unsigned long)c->offset);
    if (c->messages < HTTP_MAX_MESSAGES && c->show_frame[c->messages]) {
        if (none) sbuf_str(&c->log, " frame=none");
        else if (h->chunked) sbuf_str(&c->log, " frame=chunked");
        else if (h->content_length >= 0) sbuf_printf(&c->log, " frame=length:%lld", h->content_length);
        else sbuf_str(&c->log, " frame=close");
    }
    sbuf_str(&c->log, "\n");
    c->messages++;
    if (none) {
        gemini_http_head_init(&c->h);
        c->head_start = c->offset;
        return;
    }
    if (!h->chunked && h->content_length < 0) {
        c->phase = 2;
        return;
    }
    gemini_body_init(&c->b, h->chunked ? GEMINI_BODY_CHUNKED : GEMINI_BODY_LENGTH,
                     (unsigned long long)(h->chunked ? 0 : h->content_length));
    c->phase = 1;
}

static void case_http_feed(void *ctx, const char *data, size_t len)
{
    case_http_ctx *c = (case_http_ctx *)ctx;
    while (len > 0 && c->phase < 2) {
        size_t used;
        if (c->phase == 0) {
            used = gemini_http_head_feed(&c->h, data, len);
            c->offset += used;
            if (c->h.err) { c->phase = 3; return; }
            if (c->h.done) case_http_head_done(c);
        } else {
            used = gemini_body_feed(&c->b, data, len, discard_out, NULL);
            c->offset += used;
            if (c->b.err) { c->phase = 3; return; }
            if (c->b.done) {
                gemini_http_head_init(&c->h);
                c->head_start = c->offset;
                c->phase = 0;
            }
        }
        data += used;
        len -= used;
    }
    c->offset += len;
}

static void case_http_finish(void *ctx, split_buf *out)
{
    case_http_ctx *c = (case_http_ctx *)ctx;
    sbuf_put(out, c->log.p ? c->log.p : "", c->log.len);
    if (c->phase == 3) {
        int err = c->h.err ? c->h.err : c->b.err;
        sbuf_printf(out, "error (%d %s)\n", err, gemini_strerror(err));
    } else if (c->messages == 0 && c->offset > 0) {
        sbuf_str(out, "incomplete\n");    /* what follows a complete head may be cut anywhere */
    }
}

static const split_layer case_http_layer = {case_http_start, case_http_feed, case_http_finish};

/* The Content-Length a message's headers give (the first, trimmed); -1 if none or not digits. */
static long long case_content_length(const jv *headers)
{
    size_t i;
    for (i = 0; headers && headers->type == 'a' && i < headers->n; i++) {
        const jv *pair = &headers->items[i];
        if (pair->type == 'a' && pair->n == 2 && pair->items[0].type == 's' &&
            gemini__ieq(pair->items[0].s, pair->items[0].len, "content-length")) {
            const char *v = pair->items[1].s, *e = v + pair->items[1].len;
            long long n = 0;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
            if (v == e) return -1;
            for (; v < e; v++) {
                if (*v < '0' || *v > '9') return -1;
                n = n * 10 + (*v - '0');
            }
            return n;
        }
    }
    return -1;
}

/* The expected outcome; a "headers" case is a head after "HTTP/1.1 200 OK\r\n" (prefix bytes). */
static void http_case_expect(const jv *c, size_t prefix, case_http_ctx *ctx, split_buf *want)
{
    const jv *ok = jv_get(c, "ok"), *complete = jv_get(c, "complete"), *msgs = jv_get(c, "messages");
    size_t i;
    int n = 0;
    if (!ok || ok->type != 't') {
        sbuf_str(want, "error\n");
        return;
    }
    if (prefix && complete && complete->type == 't') {   /* no head_end: the input is the head */
        const jv *end = jv_get(c, "head_end"), *input = jv_get(c, "input");
        split_buf raw = {0};
        latin1_bytes(input, &raw);
        sbuf_printf(want, "head status=200 reason=\"OK\" end=%lu\n",
                    (unsigned long)(prefix + (end ? (size_t)end->num : raw.len)));
        sbuf_free(&raw);
    }
    for (i = 0; !prefix && msgs && msgs->type == 'a' && i < msgs->n; i++) {
        const jv *m = &msgs->items[i], *st = jv_get(m, "status"), *reason = jv_get(m, "reason");
        const jv *end = jv_get(m, "head_end"), *frame = jv_get(m, "framing");
        split_buf r = {0};
        if (!st || (st->num >= 100 && st->num < 200)) continue;    /* 1xx: skipped by the parser */
        if (reason && reason->type == 's') latin1_bytes(reason, &r);
        sbuf_printf(want, "head status=%d reason=", (int)st->num);
        sbuf_quote(want, r.p ? r.p : "", r.len > 63 ? 63 : r.len);  /* the parser keeps 63 bytes */
        sbuf_printf(want, " end=%lu", (unsigned long)(end ? end->num : 0));
        if (frame && frame->type == 's' && n < HTTP_MAX_MESSAGES) {
            ctx->show_frame[n] = 1;
            if (strncmp(frame->s, "none", 4) == 0) sbuf_str(want, " frame=none");
            else if (strcmp(frame->s, "chunked") == 0) sbuf_str(want, " frame=chunked");
            else if (strcmp(frame->s, "until-close") == 0) sbuf_str(want, " frame=close");
            else sbuf_printf(want, " frame=length:%lld", case_content_length(jv_get(m, "headers")));
        }
        sbuf_str(want, "\n");
        sbuf_free(&r);
        n++;
    }
    if (!complete || complete->type != 't') sbuf_str(want, "incomplete\n");
}

/* Outcomes match when both are errors, whatever the code; else they must be the same. */
static int http_same(const split_buf *got, const char *want)
{
    const char *g = got->p ? got->p : "";
    if (strcmp(want, "error\n") == 0) return strstr(g, "error (") != NULL;
    return strcmp(g, want) == 0;
}

/* Cases about behaviour this client does not have, with the reason; counted apart. */
static const char *http_not_applicable(const char *name)
{
    static const struct { const char *prefix, *why; } na[] = {
        {"llhttp/connection/HTTP 101 response with Upgrade",
         "this client never asks for an upgrade, so a 101 is an error (GEMINI_ERR_HTTP_UPGRADE)"},
        {"llhttp/connection/HTTP/1.1 with keep-alive disabled",
         "the client stops reading when a Connection: close response ends, so bytes after it are "
         "never parsed (llhttp calls them an error: SOURCES.md, note 5)"},
        {"llhttp/invalid/Spaces before headers",
         "the line is an obs-fold, which a user agent must read as SP in a response (RFC 9112 5.2, "
         "as the pico obs-fold cases expect); llhttp refuses it (SOURCES.md, note 3; the case is "
         "adapted from a request test)"},
        {"llhttp/sample/HTTP version 0.9",
         "only HTTP/1.x status lines are read (llhttp's acceptance of 0.9: SOURCES.md, note 5)"},
    };
    size_t i;
    for (i = 0; i < sizeof na / sizeof na[0]; i++)
        if (strncmp(name, na[i].prefix, strlen(na[i].prefix)) == 0) return na[i].why;
    return NULL;
}

static void group_http(const char *corpus)
{
    case_file f;
    case_tally t = {0, 0, 0, 0};
    size_t i;
    int not_applicable = 0;
    char more[160];
    split_buf bytes = {0}, want = {0}, got = {0};
    if (!case_file_open(&f, corpus, "http-response")) return;
    for (i = 0; i < f.root.n; i++) {
        const jv *c = &f.root.items[i], *input = jv_get(c, "input");
        const char *name = jv_str(c, "name"), *kind = jv_str(c, "kind"), *context = jv_str(c, "context");
        int disputed = jv_get(c, "disputed") != NULL, ok = 1;
        size_t prefix = kind && strcmp(kind, "headers") == 0 ? 17 : 0, k, way;
        case_http_ctx ctx;
        char label[160];
        if (!input || input->type != 's') continue;
        sprintf(label, "%.140s", name ? name : "?");
        if (http_not_applicable(label)) {
            printf("  not applicable: %s: %s\n", label, http_not_applicable(label));
            not_applicable++;
            continue;
        }
        memset(&ctx, 0, sizeof ctx);
        ctx.no_body = context && strstr(context, "HEAD") != NULL;
        sbuf_clear(&want);
        sbuf_put(&want, "", 0);
        http_case_expect(c, prefix, &ctx, &want);
        sbuf_clear(&bytes);
        if (prefix) sbuf_put(&bytes, "HTTP/1.1 200 OK\r\n", prefix);
        {
            split_buf raw = {0};
            latin1_bytes(input, &raw);
            sbuf_put(&bytes, raw.p, raw.len);
            sbuf_free(&raw);
        }
        /* whole, byte by byte, and split in two at every offset */
        for (way = 0; way <= bytes.len + 1 && ok; way++) {
            if (way == 0) split_run_cuts(&case_http_layer, &ctx, bytes.p, bytes.len, NULL, 0, &got);
            else if (way == 1) split_run_every(&case_http_layer, &ctx, bytes.p, bytes.len, 1, &got);
            else {
                k = way - 1;
                split_run_cuts(&case_http_layer, &ctx, bytes.p, bytes.len, &k, 1, &got);
            }
            sbuf_put(&got, "", 0);
            if (!http_same(&got, want.p)) {
                ok = 0;
                if (!disputed)
                    printf("  FAIL %s (%s)\n    got:      %s    expected: %s", label,
                           way == 0 ? "whole" : way == 1 ? "byte by byte" : "split", got.p, want.p);
            }
        }
        case_tally_add(&t, disputed, ok, label);
        sbuf_free(&ctx.log);
    }
    sprintf(more, "; not applicable: %d; field values other than the ones acted on are not "
                  "exposed and not checked", not_applicable);
    case_tally_end(&t, "http-response", more);
    sbuf_free(&bytes);
    sbuf_free(&want);
    sbuf_free(&got);
    case_file_close(&f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    group_gemini(argv[1]);
    group_jsontestsuite(argv[1]);
    group_cases(argv[1], "sse", 's');
    group_cases(argv[1], "chunked", 'c');
    group_http(argv[1]);
    printf("%d passed, %d failed\n", total_passed, total_failed);
    return total_failed ? 1 : 0;
}
