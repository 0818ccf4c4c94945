/* test_sse.c - Server-Sent Events, WHATWG HTML "interpreting an event stream", plus the bare
   JSON blocks of bare_json mode. Every row runs whole, byte by byte and split in two at every
   offset (tests/split.h). */
#include "gemini_stream.h"
#include "split.h"
#include "test.h"

#define IN(s) s, sizeof(s) - 1

typedef struct sse_row {
    const char *name;
    int bare_json;
    const char *in;
    size_t len;
    const char *expect;     /* outcome of split_sse_layer(): see split.h */
} sse_row;

#define END0 "retry=-1 err=0\n"
#define EV(type, data, id) "EVENT type=\"" type "\" data=\"" data "\" id=\"" id "\"\n"

static const sse_row sse_rows[] = {
    {"one event", 0, IN("data: hello\n\n"), EV("", "hello", "") END0},
    {"CRLF line ends", 0, IN("data: a\r\n\r\ndata: b\r\n\r\n"), EV("", "a", "") EV("", "b", "") END0},
    {"CR line ends", 0, IN("data: a\r\rdata: b\r\r"), EV("", "a", "") EV("", "b", "") END0},
    {"mixed line ends; CR CR LF is two ends", 0, IN("data: a\r\n\ndata: b\r\r\ndata: c\n\r"),
     EV("", "a", "") EV("", "b", "") EV("", "c", "") END0},
    {"data lines are joined with LF", 0, IN("data: {\"a\":\ndata: 1}\n\n"),
     EV("", "{\\\"a\\\":\\n1}", "") END0},
    {"an empty last data line leaves one LF", 0, IN("data: a\ndata:\n\n"), EV("", "a\\n", "") END0},
    {"an empty first data line", 0, IN("data:\ndata: a\n\n"), EV("", "\\na", "") END0},
    {"no space after the colon", 0, IN("data:x\n\n"), EV("", "x", "") END0},
    {"only one leading space is removed", 0, IN("data:  x\n\n"), EV("", " x", "") END0},
    {"trailing spaces and colons in the value are kept", 0, IN("data: a: b  \n\n"),
     EV("", "a: b  ", "") END0},
    {"data: with nothing dispatches an empty event", 0, IN("data:\n\n"), EV("", "", "") END0},
    {"a field name alone is a field with an empty value", 0, IN("data\ndata\n\n"),
     EV("", "\\n", "") END0},
    {"comments are ignored", 0, IN(": keepalive\n\ndata: x\n: mid-event\ndata: y\n\n:\n\n"),
     EV("", "x\\ny", "") END0},
    {"event type applies to one event", 0, IN("event: foo\ndata: x\n\ndata: y\n\n"),
     EV("foo", "x", "") EV("", "y", "") END0},
    {"event type value keeps an inner space", 0, IN("event:  spaced\ndata: x\n\n"),
     EV(" spaced", "x", "") END0},
    {"event type of a block without data does not leak", 0, IN("event: foo\n\ndata: x\n\n"),
     EV("", "x", "") END0},
    {"last event id persists, a bare id resets it", 0,
     IN("id: 7\ndata: x\n\ndata: y\n\nid\ndata: z\n\n"),
     EV("", "x", "7") EV("", "y", "7") EV("", "z", "") END0},
    {"id in a block without data still counts", 0, IN("id: 5\n\ndata: x\n\n"), EV("", "x", "5") END0},
    {"id containing NUL is ignored", 0, IN("id: 1\ndata: a\n\nid: 2\0" "3\ndata: b\n\n"),
     EV("", "a", "1") EV("", "b", "1") END0},
    {"retry: digits only", 0, IN("retry: 1000\ndata: x\n\nretry: 10a\nretry: -5\nretry: 2 \n\n"),
     EV("", "x", "") "retry=1000 err=0\n"},
    {"retry: last valid value wins", 0, IN("retry: 1000\nretry: 250\n\n"), "retry=250 err=0\n"},
    {"a UTF-8 BOM at the start is dropped", 0, IN("\xEF\xBB\xBF" "data: a\n\n"), EV("", "a", "") END0},
    {"only the first BOM is dropped", 0, IN("\xEF\xBB\xBF" "data: a\n\n\xEF\xBB\xBF" "data: b\n\ndata: c\n\n"),
     EV("", "a", "") EV("", "c", "") END0},
    {"unknown fields are ignored", 0, IN("foo: bar\ndata: x\nbaz\n\n"), EV("", "x", "") END0},
    {"field names are case-sensitive", 0, IN("DATA: x\n\nData: y\n\n"), END0},
    {"a leading space makes another field name", 0, IN(" data: x\n\n"), END0},
    {"blank lines between events", 0, IN("\n\n\r\ndata: x\n\n\n\n\r\r"), EV("", "x", "") END0},
    {"UTF-8 and NUL in data pass through", 0, IN("data: \xC3\xA9\0z\n\n"),
     EV("", "\xC3\xA9\\x00z", "") END0},
    {"the Gemini wire shape", 0,
     IN("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": \"model\"}}]}\r\n\r\n"),
     EV("", "{\\\"candidates\\\": [{\\\"content\\\": {\\\"parts\\\": [{\\\"text\\\": \\\"Hi\\\"}],"
            "\\\"role\\\": \\\"model\\\"}}]}", "") END0},
    {"input ends inside an event: not dispatched", 0, IN("data: a\n\ndata: b"),
     EV("", "a", "") "INCOMPLETE data=\"b\"\n" END0},
    {"input ends after one LF: not dispatched", 0, IN("data: b\n"), "INCOMPLETE data=\"b\"\n" END0},
    {"input ends in a lone CR: the line is complete", 0, IN("event: t\ndata: b\r"),
     "INCOMPLETE data=\"b\"\n" END0},
    {"input ends inside a block without data", 0, IN("data: a\n\nevent: x\nid: 3\n"),
     EV("", "a", "") END0},
    {"no input", 0, "", 0, END0},
    {"a bare JSON line is an unknown field in strict mode", 0, IN("{\"error\": 1}\n\ndata: x\n\n"),
     EV("", "x", "") END0},

    /* ---- bare_json = 1 ---- */
    {"bare JSON block after an event", 1,
     IN("data: {}\n\n{\n  \"error\": {\n    \"code\": 499\n  }\n}\n"),
     EV("", "{}", "") "RAW \"{  \\\"error\\\": {    \\\"code\\\": 499  }}\"\n" END0},
    {"bare JSON block ended by a blank line, CRLF", 1,
     IN("{\r\n\"a\": 1\r\n}\r\n\r\ndata: x\r\n\r\n"),
     "RAW \"{\\\"a\\\": 1}\"\n" EV("", "x", "") END0},
    {"bare JSON block without a final line end", 1, IN("{\"error\": {}}"),
     "RAW \"{\\\"error\\\": {}}\"\n" END0},
    {"a '{' line inside an event is a field", 1, IN("data: a\n{x\n\n"), EV("", "a", "") END0},
    {"data lines work as usual in bare_json mode", 1, IN(": c\ndata: x\n\n"), EV("", "x", "") END0},
};

static const sse_row *cur_sse;

static void run_sse_row(void)
{
    split_sse ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.bare_json = cur_sse->bare_json;
    if (split_check(split_sse_layer(), &ctx, cur_sse->in, cur_sse->len, cur_sse->expect,
                    cur_sse->name))
        test_failures_in_case++;
    sbuf_free(&ctx.log);
    sbuf_free(&ctx.data);
    sbuf_free(&ctx.raw);
}

/* Runs a built input through the SSE layer every way against the built expectation; frees both. */
static void sse_check_built(split_buf *in, split_buf *want, const char *label)
{
    split_sse ctx;
    memset(&ctx, 0, sizeof ctx);
    if (split_check(split_sse_layer(), &ctx, in->p, in->len, want->p, label)) test_failures_in_case++;
    sbuf_free(in);
    sbuf_free(want);
    sbuf_free(&ctx.log);
    sbuf_free(&ctx.data);
    sbuf_free(&ctx.raw);
}

/* A 100 kB data line is streamed (nothing in the struct could hold it). */
static void sse_long_line(void)
{
    split_buf in = {0}, want = {0};
    int i;
    sbuf_str(&in, "data: ");
    sbuf_str(&want, "EVENT type=\"\" data=\"");
    for (i = 0; i < 10000; i++) {
        sbuf_str(&in, "0123456789");
        sbuf_str(&want, "0123456789");
    }
    sbuf_str(&in, "\n\n");
    sbuf_str(&want, "\" id=\"\"\n" END0);
    sse_check_built(&in, &want, "100 kB data line");
}

/* id and retry values longer than the struct keeps: the part cut off still decides. */
static void sse_long_id_retry(void)
{
    split_buf in = {0}, want = {0};
    int i;
    sbuf_str(&in, "id: 7\nretry: 250\nid: ");           /* a long id with a NUL far in: ignored */
    for (i = 0; i < 30; i++) sbuf_str(&in, "abcdefghij");
    sbuf_put(&in, "\0x", 2);
    sbuf_str(&in, "\nretry: ");                         /* long, a letter far in: ignored */
    for (i = 0; i < 30; i++) sbuf_str(&in, "0000000000");
    sbuf_str(&in, "x\ndata: a\n\nid: ");                /* a long clean id: kept, cut to fit */
    for (i = 0; i < 30; i++) sbuf_str(&in, "abcdefghij");
    sbuf_str(&in, "\nretry: ");                         /* long digits: valid */
    for (i = 0; i < 30; i++) sbuf_str(&in, "0000000000");
    sbuf_str(&in, "5\ndata: b\n\n");
    sbuf_str(&want, EV("", "a", "7") "EVENT type=\"\" data=\"b\" id=\"");
    for (i = 0; i < 127; i++) sbuf_put(&want, "abcdefghij" + i % 10, 1);
    sbuf_str(&want, "\"\nretry=5 err=0\n");
    sse_check_built(&in, &want, "long id and retry values");
}

static int sse_refuse(void *user, gemini_sse_what what, const char *data, size_t len)
{
    int *n = (int *)user;
    (void)data;
    (void)len;
    if (what == GEMINI_SSE_EVENT) (*n)++;
    return what == GEMINI_SSE_EVENT ? GEMINI_ERR_CANCELLED : 0;
}

/* A callback error stops the layer and becomes its sticky error. */
static void sse_callback_error(void)
{
    gemini_sse s;
    int events = 0;
    gemini_sse_init(&s);
    CHECK_INT(gemini_sse_feed(&s, "data: a\n\ndata: b\n\n", 18, sse_refuse, &events),
              GEMINI_ERR_CANCELLED);
    CHECK_INT(s.err, GEMINI_ERR_CANCELLED);
    CHECK_INT(events, 1);
    CHECK_INT(gemini_sse_feed(&s, "data: c\n\n", 9, sse_refuse, &events), GEMINI_ERR_CANCELLED);
    CHECK_INT(gemini_sse_finish(&s, sse_refuse, &events), GEMINI_ERR_CANCELLED);
    CHECK_INT(events, 1);
}

static void sse_init_state(void)
{
    gemini_sse s;
    memset(&s, 0x5a, sizeof s);
    gemini_sse_init(&s);
    CHECK_INT(s.err, 0);
    CHECK_INT(s.bare_json, 0);
    CHECK_INT(s.retry, -1);
    CHECK_STR(s.id, "");
}

void suite_sse(void)
{
    size_t i;
    for (i = 0; i < sizeof sse_rows / sizeof sse_rows[0]; i++) {
        cur_sse = &sse_rows[i];
        test_run(sse_rows[i].name, run_sse_row);
    }
    test_run("100 kB data line", sse_long_line);
    test_run("long id and retry values: the part cut off still decides", sse_long_id_retry);
    test_run("callback error is sticky", sse_callback_error);
    test_run("init state", sse_init_state);
}
