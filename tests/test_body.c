/* test_body.c - body framing: chunked (RFC 9112 section 7.1), Content-Length, read-to-close.
   Every row runs whole, byte by byte and split in two at every offset (tests/split.h). */
#include "gemini_stream.h"
#include "split.h"
#include "test.h"

#define IN(s) s, sizeof(s) - 1

typedef struct body_row {
    const char *name;
    gemini_body_mode mode;
    unsigned long long length;
    const char *in;
    size_t len;
    const char *expect;     /* outcome of split_body_layer(): see split.h */
} body_row;

#define CH GEMINI_BODY_CHUNKED, 0

static const body_row body_rows[] = {
    /* ---- chunked, well formed ---- */
    {"one chunk, then bytes that are not the body's", CH,
     IN("5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n"),
     "body=\"hello\" done=1 fin=0 rest=\"HTTP/1.1 200 OK\\r\\n\""},
    {"two chunks, upper-case hex", CH, IN("6\r\nhello \r\nA\r\n0123456789\r\n0\r\n\r\n"),
     "body=\"hello 0123456789\" done=1 fin=0 rest=\"\""},
    {"lower-case hex and leading zeros", CH, IN("000a\r\n0123456789\r\n000\r\n\r\n"),
     "body=\"0123456789\" done=1 fin=0 rest=\"\""},
    {"16 hex digits (the limit) of leading zeros", CH,
     IN("0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n"),
     "body=\"hello\" done=1 fin=0 rest=\"\""},
    {"chunk extensions are skipped", CH, IN("5;name=value;flag\r\nhello\r\n0;last\r\n\r\n"),
     "body=\"hello\" done=1 fin=0 rest=\"\""},
    {"quoted extension value with an escaped quote and a ';'", CH,
     IN("5;a=\"q \\\" ; x\"\r\nhello\r\n0\r\n\r\n"), "body=\"hello\" done=1 fin=0 rest=\"\""},
    {"BWS around ';' and '=' in an extension", CH, IN("5 ; a = b\r\nhello\r\n0\r\n\r\n"),
     "body=\"hello\" done=1 fin=0 rest=\"\""},
    {"trailer fields are skipped", CH,
     IN("3\r\nabc\r\n0\r\nX-Checksum: abc\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\nX"),
     "body=\"abc\" done=1 fin=0 rest=\"X\""},
    {"empty body", CH, IN("0\r\n\r\n"), "body=\"\" done=1 fin=0 rest=\"\""},
    {"chunk data may hold CRLF and NUL", CH, IN("5\r\n\r\n\0\r\n\r\n0\r\n\r\n"),
     "body=\"\\r\\n\\x00\\r\\n\" done=1 fin=0 rest=\"\""},
    {"an SSE body cut mid-line by chunks", CH,
     IN("7\r\ndata: {\r\nc\r\n\"text\":\"a\"}\n\r\n1\r\n\n\r\n0\r\n\r\n"),
     "body=\"data: {\\\"text\\\":\\\"a\\\"}\\n\\n\" done=1 fin=0 rest=\"\""},
    {"the largest chunk size, then EOF", CH, IN("ffffffffffffffff\r\nabc"),
     "body=\"abc\" done=0 fin=81 rest=\"\""},
    {"EOF inside chunk data", CH, IN("5\r\nhel"), "body=\"hel\" done=0 fin=81 rest=\"\""},
    {"EOF inside a chunk-size line", CH, IN("5\r\nhello\r\n1"), "body=\"hello\" done=0 fin=81 rest=\"\""},
    {"EOF after the last-chunk line, before the final CRLF", CH, IN("5\r\nhello\r\n0\r\n"),
     "body=\"hello\" done=0 fin=81 rest=\"\""},
    {"EOF inside the trailer section", CH, IN("0\r\nX: y\r\n"), "body=\"\" done=0 fin=81 rest=\"\""},
    {"no input at all", CH, "", 0, "body=\"\" done=0 fin=81 rest=\"\""},

    /* ---- chunked, malformed ---- */
    {"17 hex digits", CH, IN("fffffffffffffffff\r\n"), "body=\"\" err=46"},
    {"17 hex digits, leading zeros included", CH, IN("00000000000000001\r\n"), "body=\"\" err=46"},
    {"2^64 overflows", CH, IN("10000000000000000\r\nx"), "body=\"\" err=46"},
    {"non-hex size", CH, IN("g\r\nabc"), "body=\"\" err=46"},
    {"non-hex size after a good chunk", CH, IN("3\r\nabc\r\nz\r\n"), "body=\"abc\" err=46"},
    {"empty size", CH, IN("\r\nabc"), "body=\"\" err=46"},
    {"blank line where a size is expected", CH, IN("5\r\nhello\r\n\r\n0\r\n\r\n"), "body=\"hello\" err=46"},
    {"leading space before the size", CH, IN(" 5\r\nhello\r\n0\r\n\r\n"), "body=\"\" err=46"},
    {"negative size", CH, IN("-5\r\nhello\r\n"), "body=\"\" err=46"},
    {"size with a plus sign", CH, IN("+5\r\nhello\r\n"), "body=\"\" err=46"},
    {"0x prefix", CH, IN("0x5\r\nhello\r\n"), "body=\"\" err=46"},
    {"letter after the digits", CH, IN("5H\r\nhello\r\n"), "body=\"\" err=46"},
    {"space after the size without an extension (BWS only before ';')", CH, IN("5 \r\nhello\r\n0\r\n\r\n"),
     "body=\"\" err=47"},
    {"tab after the size without an extension", CH, IN("5\t\r\nhello\r\n0\r\n\r\n"), "body=\"\" err=47"},
    {"missing CRLF after chunk data", CH, IN("5\r\nhelloX\r\n0\r\n\r\n"), "body=\"hello\" err=47"},
    {"chunk data longer than its size", CH, IN("3\r\nfoobar\r\n0\r\n\r\n"), "body=\"foo\" err=47"},
    {"bare LF after chunk data", CH, IN("5\r\nhello\n0\r\n\r\n"), "body=\"hello\" err=47"},
    {"CR without LF after chunk data", CH, IN("5\r\nhello\rX"), "body=\"hello\" err=47"},
    {"bare LF after the chunk size", CH, IN("5\nhello\r\n0\r\n\r\n"), "body=\"\" err=47"},
    {"bare LF after the last-chunk size", CH, IN("5\r\nhello\r\n0\n\r\n"), "body=\"hello\" err=47"},
    {"CR not followed by LF in the size line", CH, IN("5\rX\nhello"), "body=\"\" err=47"},
    {"';' without an extension name", CH, IN("5;\r\nhello\r\n0\r\n\r\n"), "body=\"\" err=47"},
    {"'=' without an extension value", CH, IN("5;a=\r\nhello\r\n0\r\n\r\n"), "body=\"\" err=47"},
    {"unterminated quoted extension value", CH, IN("5;a=\"open\r\nhello\r\n"), "body=\"\" err=47"},
    {"extension name with a space inside", CH, IN("5;a b\r\nhello\r\n"), "body=\"\" err=47"},
    {"trailer line without a colon", CH, IN("0\r\nbad-trailer\r\n\r\n"), "body=\"\" err=47"},
    {"trailer line ended by a bare LF", CH, IN("0\r\nX: y\n\r\n"), "body=\"\" err=47"},
    {"trailer section ended by a bare LF", CH, IN("0\r\n\n"), "body=\"\" err=47"},
    {"bare CR inside a trailer", CH, IN("0\r\nX: a\rb\r\n\r\n"), "body=\"\" err=47"},

    /* ---- Content-Length, close, none ---- */
    {"Content-Length: the rest is not the body's", GEMINI_BODY_LENGTH, 5, IN("helloNEXT"),
     "body=\"hello\" done=1 fin=0 rest=\"NEXT\""},
    {"Content-Length cut short", GEMINI_BODY_LENGTH, 10, IN("hello"),
     "body=\"hello\" done=0 fin=81 rest=\"\""},
    {"Content-Length 0 takes nothing", GEMINI_BODY_LENGTH, 0, IN("abc"),
     "body=\"\" done=1 fin=0 rest=\"abc\""},
    {"Content-Length 0, no input", GEMINI_BODY_LENGTH, 0, "", 0, "body=\"\" done=1 fin=0 rest=\"\""},
    {"Content-Length body is not decoded", GEMINI_BODY_LENGTH, 10, IN("5\r\nhello\r\n0\r\n"),
     "body=\"5\\r\\nhello\\r\\n\" done=1 fin=0 rest=\"0\\r\\n\""},
    {"read to close takes everything", GEMINI_BODY_CLOSE, 0, IN("data: x\n\n0\r\n\r\n"),
     "body=\"data: x\\n\\n0\\r\\n\\r\\n\" done=0 fin=0 rest=\"\""},
    {"read to close, nothing", GEMINI_BODY_CLOSE, 0, "", 0, "body=\"\" done=0 fin=0 rest=\"\""},
    {"no body", GEMINI_BODY_NONE, 0, IN("abc"), "body=\"\" done=1 fin=0 rest=\"abc\""},
};

static const body_row *cur_body;

static void run_body_row(void)
{
    split_body ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.mode = cur_body->mode;
    ctx.length = cur_body->length;
    if (split_check(split_body_layer(), &ctx, cur_body->in, cur_body->len, cur_body->expect,
                    cur_body->name))
        test_failures_in_case++;
    sbuf_free(&ctx.body);
    sbuf_free(&ctx.rest);
}

static int refuse_after(void *user, const char *data, size_t len)
{
    size_t *seen = (size_t *)user;
    (void)data;
    *seen += len;
    return *seen >= 3 ? GEMINI_ERR_CANCELLED : 0;
}

/* An error from out() stops the layer and becomes its sticky error. */
static void body_out_error(void)
{
    gemini_body b;
    size_t seen = 0, n;
    gemini_body_init(&b, GEMINI_BODY_CHUNKED, 0);
    n = gemini_body_feed(&b, "5\r\nhe", 5, refuse_after, &seen);
    CHECK_INT(n, 5);
    CHECK_INT(b.err, 0);
    n = gemini_body_feed(&b, "llo\r\n0\r\n\r\n", 10, refuse_after, &seen);
    CHECK_INT(b.err, GEMINI_ERR_CANCELLED);
    CHECK(n < 10);
    CHECK_INT(seen, 5);
    n = gemini_body_feed(&b, "x", 1, refuse_after, &seen);
    CHECK_INT(n, 0);
    CHECK_INT(gemini_body_finish(&b), GEMINI_ERR_CANCELLED);
    CHECK_INT(seen, 5);
}

/* Errors are sticky and a finished body takes nothing more. */
static void body_sticky(void)
{
    gemini_body b;
    size_t seen = 0;
    gemini_body_init(&b, GEMINI_BODY_CHUNKED, 0);
    CHECK_INT(gemini_body_feed(&b, "zz", 2, refuse_after, &seen) <= 2, 1);
    CHECK_INT(b.err, GEMINI_ERR_CHUNK_SIZE);
    CHECK_INT(gemini_body_feed(&b, "0\r\n\r\n", 5, refuse_after, &seen), 0);
    CHECK_INT(b.err, GEMINI_ERR_CHUNK_SIZE);
    CHECK_INT(b.done, 0);
    CHECK_INT(gemini_body_finish(&b), GEMINI_ERR_CHUNK_SIZE);

    gemini_body_init(&b, GEMINI_BODY_CHUNKED, 0);
    CHECK_INT(gemini_body_feed(&b, "0\r\n\r\n", 5, refuse_after, &seen), 5);
    CHECK_INT(b.done, 1);
    CHECK_INT(gemini_body_feed(&b, "1\r\na\r\n", 6, refuse_after, &seen), 0);
    CHECK_INT(gemini_body_finish(&b), GEMINI_OK);
    CHECK_INT(seen, 0);
}

/* A chunk far larger than any read is passed through in place. */
static void body_large_chunk(void)
{
    split_body ctx;
    split_buf in = {0}, want = {0};
    int i;
    memset(&ctx, 0, sizeof ctx);
    ctx.mode = GEMINI_BODY_CHUNKED;
    sbuf_str(&in, "3e80\r\n");                    /* 16000 */
    for (i = 0; i < 1000; i++) sbuf_str(&in, "0123456789abcdef");
    sbuf_str(&in, "\r\n0\r\n\r\n");
    sbuf_str(&want, "body=\"");
    for (i = 0; i < 1000; i++) sbuf_str(&want, "0123456789abcdef");
    sbuf_str(&want, "\" done=1 fin=0 rest=\"\"");
    if (split_check(split_body_layer(), &ctx, in.p, in.len, want.p, "16000-byte chunk"))
        test_failures_in_case++;
    sbuf_free(&in);
    sbuf_free(&want);
    sbuf_free(&ctx.body);
    sbuf_free(&ctx.rest);
}

void suite_body(void)
{
    size_t i;
    for (i = 0; i < sizeof body_rows / sizeof body_rows[0]; i++) {
        cur_body = &body_rows[i];
        test_run(body_rows[i].name, run_body_row);
    }
    test_run("out() error stops the body", body_out_error);
    test_run("body errors are sticky, done takes nothing", body_sticky);
    test_run("large chunk", body_large_chunk);
}
