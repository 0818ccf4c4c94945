/* test_http_head.c - the HTTP/1.1 response head parser (RFC 9112 sections 2-5, RFC 9110 fields).
   Every row runs whole, byte by byte and split in two at every offset (tests/split.h). */
#include <stdlib.h>

#include "gemini_stream.h"
#include "split.h"
#include "test.h"

#define IN(s) s, sizeof(s) - 1

typedef struct head_row {
    const char *name;
    const char *in;
    size_t len;
    const char *expect;     /* outcome of split_head_layer(): see split.h */
} head_row;

#define OK200 "status=200 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""

static const head_row head_rows[] = {
    /* ---- heads we must understand ---- */
    {"200 event stream, chunked; the body is left alone",
     IN("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
        "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\nServer: scaffolding on HTTPServer2\r\n\r\n5\r\nhello"),
     "status=200 minor=1 chunked=1 cl=-1 ka=1 es=1 json=0 retry=-1 reason=\"OK\" rest=\"5\\r\\nhello\""},
    {"429 JSON error with Content-Length and Retry-After",
     IN("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=UTF-8\r\n"
        "Content-Length: 581\r\nRetry-After: 30\r\n\r\n{\n"),
     "status=429 minor=1 chunked=0 cl=581 ka=1 es=0 json=1 retry=30 reason=\"Too Many Requests\" rest=\"{\\n\""},
    {"400 error body still labelled text/event-stream",
     IN("HTTP/1.1 400 Bad Request\r\nContent-Type: text/event-stream\r\nContent-Length: 152\r\n\r\n"),
     "status=400 minor=1 chunked=0 cl=152 ka=1 es=1 json=0 retry=-1 reason=\"Bad Request\" rest=\"\""},
    {"field names, media type and coding are case-insensitive",
     IN("HTTP/1.1 200 OK\r\ncontent-type: Text/Event-Stream; Charset=UTF-8\r\n"
        "TRANSFER-ENCODING: Chunked\r\n\r\n"),
     "status=200 minor=1 chunked=1 cl=-1 ka=1 es=1 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"optional white space around values, none after the colon",
     IN("HTTP/1.1 200 OK\r\nContent-Length: \t 42 \t\r\nContent-Type:application/json\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=42 ka=1 es=0 json=1 retry=-1 reason=\"OK\" rest=\"\""},
    {"100 Continue is skipped",
     IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"),
     "status=200 minor=1 chunked=0 cl=2 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"hi\""},
    {"103 Early Hints is skipped and its fields do not leak",
     IN("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nConnection: close\r\n"
        "Content-Length: 7\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     "status=200 minor=1 chunked=1 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"0\\r\\n\\r\\n\""},
    {"two interim heads",
     IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
     OK200},
    {"HTTP/1.0 without Connection is not kept alive; body to close",
     IN("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: x\n\n"),
     "status=200 minor=0 chunked=0 cl=-1 ka=0 es=1 json=0 retry=-1 reason=\"OK\" rest=\"data: x\\n\\n\""},
    {"HTTP/1.0 with Connection: keep-alive",
     IN("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"),
     "status=200 minor=0 chunked=0 cl=0 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"HTTP/1.1 with Connection: close",
     IN("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=0 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Connection option is case-insensitive",
     IN("HTTP/1.1 200 OK\r\nconnection: Close\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=0 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Retry-After as an HTTP date is not seconds",
     IN("HTTP/1.1 503 Service Unavailable\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n"),
     "status=503 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"Service Unavailable\" rest=\"\""},
    {"Retry-After with digits, then more than digits, is not seconds",
     IN("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 123456789abc\r\n\r\n"),
     "status=503 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"Service Unavailable\" rest=\"\""},
    {"a very long Retry-After stays a long delay",
     IN("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 12345678901234567890123\r\n\r\n"),
     "status=503 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=123456789 reason=\"Service Unavailable\" rest=\"\""},
    {"the largest Content-Length",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=9223372036854775807 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Retry-After: 0",
     IN("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\n\r\n"),
     "status=503 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=0 reason=\"Service Unavailable\" rest=\"\""},
    {"bare LF line ends are accepted (RFC 9112 2.2)",
     IN("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc"),
     "status=200 minor=1 chunked=0 cl=3 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"abc\""},
    {"bare LF after a status line ended by CRLF: a mix is refused",
     IN("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\nTransfer-Encoding: chunked\r\n\n"),
     "err=41"},
    {"CRLF after a status line ended by a bare LF: a mix is refused",
     IN("HTTP/1.1 200 OK\nContent-Type: text/event-stream\r\n\r\n"), "err=41"},
    {"empty lines before the status line are skipped",
     IN("\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=0 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"an empty line between an interim head and the final one",
     IN("HTTP/1.1 100 Continue\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"), OK200},
    /* obs-fold: a user agent reads it as SP (RFC 9112 5.2) */
    {"obs-fold continues a Content-Type",
     IN("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream;\r\n charset=utf-8\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=1 es=1 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"obs-fold continues a Connection list (tab)",
     IN("HTTP/1.1 200 OK\r\nConnection: keep-alive,\r\n\tclose\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=0 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"obs-fold gives a Content-Length its value",
     IN("HTTP/1.1 200 OK\r\nContent-Length:\r\n   7\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=7 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"obs-fold in an unknown field, bare LF head",
     IN("HTTP/1.1 200 OK\nX-Foo: a\n  b\nContent-Length: 0\n\n"),
     "status=200 minor=1 chunked=0 cl=0 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"empty reason phrase",
     IN("HTTP/1.1 200 \r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"\" rest=\"\""},
    {"reason phrase with obs-text and spaces",
     IN("HTTP/1.1 200 \xC3\x96K  fine\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"\xC3\x96K  fine\" rest=\"\""},
    {"long reason phrase is cut to 63 bytes",
     IN("HTTP/1.1 200 0123456789012345678901234567890123456789012345678901234567890123456789\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 "
     "reason=\"012345678901234567890123456789012345678901234567890123456789012\" rest=\"\""},
    {"media type parameters without a space", IN("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream;charset=utf-8\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=1 es=1 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"a media type that only starts like ours is not ours",
     IN("HTTP/1.1 200 OK\r\nContent-Type: text/event-streamer\r\n\r\n"), OK200},
    {"application/jsonp is not JSON", IN("HTTP/1.1 200 OK\r\nContent-Type: application/jsonp\r\n\r\n"), OK200},
    {"Content-Encoding: identity is fine",
     IN("HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\n\r\n"), OK200},
    {"unknown fields, colons in values, empty values",
     IN("HTTP/1.1 200 OK\r\nX-Foo: a:b:c\r\nX-Empty:\r\nAlt-Svc: h3=\":443\"; ma=2592000\r\n"
        "Vary: Origin, X-Origin, Referer\r\nX-XSS-Protection: 0\r\n\r\n"),
     OK200},
    {"204 without body",
     IN("HTTP/1.1 204 No Content\r\n\r\n"),
     "status=204 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"No Content\" rest=\"\""},
    {"Content-Length: 0",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nnext"),
     "status=200 minor=1 chunked=0 cl=0 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"next\""},
    /* list headers are read element by element: a long list needs no long buffer */
    {"a long Connection list ending in close",
     IN("HTTP/1.1 200 OK\r\nConnection: Upgrade, HTTP2-Settings, TE, x-option-one, x-option-two, "
        "x-option-three, x-option-four, x-option-five, close\r\n\r\n"),
     "status=200 minor=1 chunked=0 cl=-1 ka=0 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"a Connection option longer than the buffer is none we know",
     IN("HTTP/1.0 200 OK\r\nConnection: keep-alive-x0123456789012345678901234567890123456789"
        "0123456789012345678901234567890123456789012345678901234567890123456789, keep-alive\r\n"
        "Content-Length: 0\r\n\r\n"),
     "status=200 minor=0 chunked=0 cl=0 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"the same Content-Length listed with much white space",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5 ,                                                  "
        "                                                      , 5\r\n\r\nhello"),
     "status=200 minor=1 chunked=0 cl=5 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"hello\""},
    {"a head cut short is incomplete",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"), "incomplete"},
    {"a head ending in a lone CR is incomplete",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r"), "incomplete"},
    {"no input is incomplete", "", 0, "incomplete"},

    /* ---- malformed: each with its code ---- */
    {"HTTP/2 status line", IN("HTTP/2 200\r\n\r\n"), "err=40"},
    {"HTTP/2.0 status line", IN("HTTP/2.0 200 OK\r\n\r\n"), "err=40"},
    {"HTTP/1.1 without status", IN("HTTP/1.1\r\n\r\n"), "err=40"},
    {"non-digit status", IN("HTTP/1.1 2x0 OK\r\n\r\n"), "err=40"},
    {"two-digit status", IN("HTTP/1.1 20 OK\r\n\r\n"), "err=40"},
    {"four-digit status", IN("HTTP/1.1 2000 OK\r\n\r\n"), "err=40"},
    {"lower-case protocol name", IN("http/1.1 200 OK\r\n\r\n"), "err=40"},
    {"not HTTP at all", IN("ICY 200 OK\r\n\r\n"), "err=40"},
    {"JSON where the status line should be", IN("{\"error\": 1}\r\n\r\n"), "err=40"},
    {"two spaces before the status", IN("HTTP/1.1  200 OK\r\n\r\n"), "err=40"},
    {"bare CR in the status line", IN("HTTP/1.1 200 OK\rX: y\r\n\r\n"), "err=40"},
    {"header line without colon", IN("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n"), "err=41"},
    {"space before colon (Content-Length)", IN("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"), "err=41"},
    {"space before colon (unknown field)", IN("HTTP/1.1 200 OK\r\nX-Foo : bar\r\n\r\n"), "err=41"},
    {"tab before colon", IN("HTTP/1.1 200 OK\r\nX-Foo\t: bar\r\n\r\n"), "err=41"},
    {"space inside a field name", IN("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"), "err=41"},
    {"empty field name", IN("HTTP/1.1 200 OK\r\n: value\r\n\r\n"), "err=41"},
    {"white space before the first field", IN("HTTP/1.1 200 OK\r\n X-Foo: a\r\n\r\n"), "err=41"},
    {"obs-fold that splits a coding name", IN("HTTP/1.1 200 OK\r\nContent-Encoding: iden\r\n tity\r\n\r\n"), "err=44"},
    {"bare CR inside a field value", IN("HTTP/1.1 200 OK\r\nX-Foo: a\rb\r\n\r\n"), "err=41"},
    {"NUL inside a field name", IN("HTTP/1.1 200 OK\r\nX\0Y: 1\r\n\r\n"), "err=41"},
    {"Content-Length not a number", IN("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"), "err=43"},
    {"Content-Length negative", IN("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), "err=43"},
    {"Content-Length with a sign", IN("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n"), "err=43"},
    {"Content-Length empty", IN("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n"), "err=43"},
    {"Content-Length two numbers", IN("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"), "err=43"},
    {"Content-Length overflows", IN("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n"), "err=43"},
    {"Content-Length one past the largest", IN("HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n"), "err=43"},
    {"Content-Length only commas", IN("HTTP/1.1 200 OK\r\nContent-Length: , ,\r\n\r\n"), "err=43"},
    {"Content-Length longer than the buffer",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 0000000000000000000000000000000000000000000000000000"
        "000000000000000000000000000000000000000000000000000000000005\r\n\r\n"), "err=43"},
    {"conflicting Content-Lengths", IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), "err=43"},

    {"Transfer-Encoding and Content-Length together (RFC 9112 6.3: handle as an error)",
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"), "err=43"},
    /* a coding other than chunked: the head says so (the parser then refuses the body), and
       unless chunked comes last the body runs to the close (RFC 9112 6.3) */
    {"Transfer-Encoding: gzip", IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"),
     "status=200 minor=1 chunked=0 coded=1 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Transfer-Encoding: gzip, chunked", IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
     "status=200 minor=1 chunked=1 coded=1 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Transfer-Encoding: chunked, gzip", IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
     "status=200 minor=1 chunked=0 coded=1 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"chunked twice", IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), "err=43"},
    {"a long Transfer-Encoding list with an unknown coding",
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: x-coding-0123456789012345678901234567890123456789"
        "01234567890123456789012345678901234567890123456789012345678901234567890, chunked\r\n\r\n"),
     "status=200 minor=1 chunked=1 coded=1 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\""},
    {"Content-Encoding: gzip", IN("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"), "err=44"},
    {"Content-Encoding: br", IN("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n"), "err=44"},
    {"101 Switching Protocols", IN("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"), "err=45"},
};

static const head_row *cur_head;

static void run_head_row(void)
{
    split_head ctx;
    memset(&ctx, 0, sizeof ctx);
    if (split_check(split_head_layer(), &ctx, cur_head->in, cur_head->len, cur_head->expect,
                    cur_head->name))
        test_failures_in_case++;
    sbuf_free(&ctx.rest);
}

/* A head of exactly n bytes: status line, one padding field, empty line. */
static char *make_head(size_t n, size_t *len)
{
    const char *top = "HTTP/1.1 200 OK\r\nX-Pad: ";
    size_t t = strlen(top), i;
    char *p = (char *)malloc(n + 8);
    memcpy(p, top, t);
    for (i = t; i < n - 4; i++) p[i] = 'a';
    memcpy(p + n - 4, "\r\n\r\n", 4);
    memcpy(p + n, "body", 4);
    *len = n + 4;
    return p;
}

static void head_at_limit(void)
{
    split_head ctx;
    size_t len;
    char *in = make_head(GEMINI_MAX_HEAD, &len);
    memset(&ctx, 0, sizeof ctx);
    if (split_check(split_head_layer(), &ctx, in, len,
                    "status=200 minor=1 chunked=0 cl=-1 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"body\"",
                    "head of GEMINI_MAX_HEAD bytes"))
        test_failures_in_case++;
    free(in);
    sbuf_free(&ctx.rest);
}

static void head_over_limit(void)
{
    split_head ctx;
    size_t len;
    char *in = make_head(GEMINI_MAX_HEAD + 1, &len);
    memset(&ctx, 0, sizeof ctx);
    if (split_check(split_head_layer(), &ctx, in, len, "err=42", "head one byte too large"))
        test_failures_in_case++;
    free(in);
    /* many small fields add up as well */
    {
        split_buf b = {0};
        sbuf_str(&b, "HTTP/1.1 200 OK\r\n");
        while (b.len <= GEMINI_MAX_HEAD) sbuf_str(&b, "X-A: 1\r\n");
        sbuf_str(&b, "\r\n");
        if (split_check(split_head_layer(), &ctx, b.p, b.len, "err=42", "many small fields"))
            test_failures_in_case++;
        sbuf_free(&b);
    }
    sbuf_free(&ctx.rest);
}

/* A long value of a field we do not act on is skipped, not stored. */
static void head_long_unknown_value(void)
{
    split_head ctx;
    split_buf b = {0};
    int i;
    memset(&ctx, 0, sizeof ctx);
    sbuf_str(&b, "HTTP/1.1 200 OK\r\nX-Long: ");
    for (i = 0; i < 4000; i++) sbuf_str(&b, "v");
    sbuf_str(&b, "\r\nContent-Length: 7\r\n\r\n");
    if (split_check(split_head_layer(), &ctx, b.p, b.len,
                    "status=200 minor=1 chunked=0 cl=7 ka=1 es=0 json=0 retry=-1 reason=\"OK\" rest=\"\"",
                    "4000-byte unknown field"))
        test_failures_in_case++;
    sbuf_free(&b);
    sbuf_free(&ctx.rest);
}

/* The error is sticky: later calls return at once and change nothing. */
static void head_sticky_error(void)
{
    gemini_http_head h;
    size_t n;
    gemini_http_head_init(&h);
    n = gemini_http_head_feed(&h, "HTTP/9", 6);
    CHECK_INT(h.err, GEMINI_ERR_HTTP_STATUS_LINE);
    CHECK(n <= 6);
    n = gemini_http_head_feed(&h, "HTTP/1.1 200 OK\r\n\r\n", 19);
    CHECK_INT(h.err, GEMINI_ERR_HTTP_STATUS_LINE);
    CHECK_INT(h.done, 0);
    CHECK_INT(n, 0);
    /* and a finished head takes nothing more */
    gemini_http_head_init(&h);
    n = gemini_http_head_feed(&h, "HTTP/1.1 200 OK\r\n\r\n", 19);
    CHECK_INT(n, 19);
    CHECK_INT(h.done, 1);
    n = gemini_http_head_feed(&h, "more", 4);
    CHECK_INT(n, 0);
    CHECK_INT(h.err, 0);
}

void suite_http_head(void)
{
    size_t i;
    for (i = 0; i < sizeof head_rows / sizeof head_rows[0]; i++) {
        cur_head = &head_rows[i];
        test_run(head_rows[i].name, run_head_row);
    }
    test_run("head of exactly GEMINI_MAX_HEAD bytes", head_at_limit);
    test_run("head larger than GEMINI_MAX_HEAD", head_over_limit);
    test_run("long unknown field value", head_long_unknown_value);
    test_run("head errors are sticky", head_sticky_error);
}
