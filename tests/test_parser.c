/* test_parser.c - the whole response pipeline (head, framing, SSE, JSON, events) on streams
   shaped like the recorded wire (DESIGN.md "The wire"). Every row runs whole, byte by byte and
   split in two at every offset (tests/split.h); SSE rows run both as a bare body
   (GEMINI_PARSE_BODY_ONLY) and inside a chunked HTTP/1.1 response.

   Inputs are written with ` for " to keep them readable; the runner swaps them back. */
#include <stdlib.h>

#include "gemini_stream.h"
#include "split.h"
#include "test.h"

typedef char parser_codes_check[(GEMINI_ERR_HTTP_STATUS_LINE == 40 && GEMINI_ERR_HTTP_ENCODING == 44 &&
                                 GEMINI_ERR_CHUNK_FRAMING == 47 && GEMINI_ERR_JSON_SYNTAX == 48 &&
                                 GEMINI_ERR_NOT_STREAM == 54 && GEMINI_ERR_API == 70 &&
                                 GEMINI_ERR_CANCELLED == 80 && GEMINI_ERR_TRUNCATED == 81)
                                    ? 1 : -1];

/* How a row's body is framed. */
typedef enum framing {
    SSE_BOTH,       /* the body alone (BODY_ONLY) and in a chunked 200 event-stream response */
    BODY_ONLY,      /* the body alone */
    CHUNKED,        /* head + chunked body + last chunk */
    CHUNKED_CUT,    /* head + chunked body, the last 15 bytes of the body and the last chunk missing */
    LENGTH,         /* head + Content-Length + body */
    RAW             /* the input as written */
} framing;

typedef struct parser_row {
    const char *name;
    framing how;
    const char *head;       /* status line and fields, without the framing field and empty line;
                               NULL: a 200 text/event-stream head */
    const char *body;       /* ` stands for " */
    const char *expect;     /* outcome of split_parser_layer(): see split.h */
    int cancel_at;
    int flags;              /* extra gemini_parser flags */
} parser_row;

#define SSE_HEAD "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n" \
                 "Server: scaffolding on HTTPServer2\r\n"
#define EVENT(json) "data: " json "\r\n\r\n"
#define PART(t) "{`text`: `" t "`}"
#define CANDS(parts, more) "{`candidates`: [{`content`: {`parts`: [" parts "],`role`: `model`}" more ",`index`: 0}]"
#define USAGE3(p, c, t) ",`usageMetadata`: {`promptTokenCount`: " #p ",`candidatesTokenCount`: " #c \
                        ",`totalTokenCount`: " #t ",`promptTokensDetails`: [{`modality`: `TEXT`,`tokenCount`: " #p "}]}"
#define IDS ",`modelVersion`: `gemini-3-flash-preview`,`responseId`: `mB1oaPXPLoKz1dkPjqbF6A8`}"
#define STOP ",`finishReason`: `STOP`"
#define SIG64 "CiQB0e2Kb+/8W4kx9fQ0T7s6Xy0Ykqg1tq1rTq0v5I3nHcYv3WcKbwHR7YpvRUEw"
#define SIG512 SIG64 SIG64 SIG64 SIG64 SIG64 SIG64 SIG64 SIG64
#define SIGNATURE_PART "{`text`: ``,`thoughtSignature`: `" SIG512 SIG512 SIG512 "==`}"
#define T(t) "TEXT \"" t "\"\n"
#define END(n) "END err=" #n "\n"

#define PLAIN_BODY                                                                                   \
    EVENT(CANDS(PART("The capital"), "") USAGE3(36, 2, 38) IDS)                                      \
    EVENT(CANDS(PART(" of France is **Paris**.\\n"), "") USAGE3(36, 9, 45) IDS)                      \
    EVENT(CANDS(SIGNATURE_PART, STOP) USAGE3(36, 9, 45) IDS)
#define PLAIN_LOG T("The capital") "USAGE 36 2 -1 38\n" T(" of France is **Paris**.\\n") \
    "USAGE 36 9 -1 45\nFINISH STOP\nUSAGE 36 9 -1 45\n"

static const parser_row parser_rows[] = {
    /* ---- the kinds of stream on the wire ---- */
    {"plain text over three events, empty signed part last", SSE_BOTH, NULL, PLAIN_BODY, PLAIN_LOG END(0), 0, 0},
    {"thoughts, then the answer, then the signature", SSE_BOTH, NULL,
     EVENT(CANDS("{`text`: `**Planning**\\n\\nI will greet.`,`thought`: true}", "")
           ",`usageMetadata`: {`promptTokenCount`: 5,`totalTokenCount`: 40,`thoughtsTokenCount`: 35}" IDS)
     EVENT(CANDS("{`text`: `More thinking.`,`thought`: true}", "") IDS)
     EVENT(CANDS(PART("Hello") ", " PART(" there"), "")
           ",`usageMetadata`: {`promptTokenCount`: 5,`candidatesTokenCount`: 2,`totalTokenCount`: 42,`thoughtsTokenCount`: 35}" IDS)
     EVENT(CANDS(SIGNATURE_PART, STOP)
           ",`usageMetadata`: {`promptTokenCount`: 5,`candidatesTokenCount`: 2,`totalTokenCount`: 42,`thoughtsTokenCount`: 35}" IDS),
     "THOUGHT \"**Planning**\\n\\nI will greet.\"\nUSAGE 5 -1 35 40\n"
     "THOUGHT \"More thinking.\"\n"
     T("Hello") T(" there") "USAGE 5 2 35 42\n"
     "FINISH STOP\nUSAGE 5 2 35 42\n" END(0), 0, 0},
    {"function call, args exactly as on the wire", SSE_BOTH, NULL,
     EVENT(CANDS("{`functionCall`: {`name`: `get_weather`,`args`: {`city`: `Paris`, `n`: [1, 2]},`id`: `abc`},"
                 "`thoughtSignature`: `" SIG64 "`}", STOP) USAGE3(50, 12, 62) IDS),
     "CALL get_weather {\"city\": \"Paris\", \"n\": [1, 2]} \"abc\"\nFINISH STOP\nUSAGE 50 12 -1 62\n" END(0), 0, 0},
    {"two function calls in one event", SSE_BOTH, NULL,
     EVENT(CANDS("{`functionCall`: {`name`: `get_weather`,`args`: {`city`: `Paris`}}},"
                 "{`functionCall`: {`name`: `get_time`,`args`: {`zone`: `CET`}}}", STOP) IDS),
     "CALL get_weather {\"city\": \"Paris\"} \"\"\nCALL get_time {\"zone\": \"CET\"} \"\"\nFINISH STOP\n" END(0), 0, 0},
    {"MAX_TOKENS", SSE_BOTH, NULL,
     EVENT(CANDS(PART("Once upon"), "") IDS)
     EVENT(CANDS(PART(" a"), ",`finishReason`: `MAX_TOKENS`") USAGE3(4, 3, 7) IDS),
     T("Once upon") T(" a") "FINISH MAX_TOKENS\nUSAGE 4 3 -1 7\n" END(0), 0, 0},
    {"prompt blocked: no candidates", SSE_BOTH, NULL,
     EVENT("{`promptFeedback`: {`blockReason`: `PROHIBITED_CONTENT`},`usageMetadata`: {`promptTokenCount`: 12,"
           "`totalTokenCount`: 12},`modelVersion`: `gemini-3-flash-preview`,`responseId`: `r1`}"),
     "BLOCKED PROHIBITED_CONTENT\nUSAGE 12 -1 -1 12\n" END(0), 0, 0},
    {"content without parts", SSE_BOTH, NULL,
     EVENT(CANDS(PART("Done."), "") IDS)
     EVENT("{`candidates`: [{`content`: {`role`: `model`},`finishReason`: `STOP`,`index`: 0}]" IDS),
     T("Done.") "FINISH STOP\n" END(0), 0, 0},
    {"SAFETY finish after some text", SSE_BOTH, NULL,
     EVENT(CANDS(PART("No"), "") IDS)
     EVENT("{`candidates`: [{`finishReason`: `SAFETY`,`index`: 0,`safetyRatings`: [{`category`: "
           "`HARM_CATEGORY_HARASSMENT`,`probability`: `MEDIUM`,`blocked`: true}]}]" IDS),
     T("No") "FINISH SAFETY\n" END(0), 0, 0},
    {"error in the stream: bare pretty-printed JSON, then close", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `First `}]}}]}\n\n"
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `Second `}]}}]}\n\n"
     "{\n  `error`: {\n    `code`: 499,\n    `message`: `The operation was cancelled.`,\n"
     "    `status`: `CANCELLED`,\n    `details`: [\n      {\n        `@type`: `type.googleapis.com/google.rpc.DebugInfo`,\n"
     "        `detail`: `[ORIGINAL ERROR] generic::cancelled: `\n      }\n    ]\n  }\n}\n",
     T("First ") T("Second ") "ERROR 200 CANCELLED 499 \"The operation was cancelled.\"\n" END(70), 0, 0},
    {"an error inside a data: event", SSE_BOTH, NULL,
     EVENT(CANDS(PART("Hi"), "") IDS)
     EVENT("{`error`: {`code`: 503,`message`: `The model is overloaded.`,`status`: `UNAVAILABLE`}}")
     EVENT(CANDS(PART("not delivered"), "") IDS),
     T("Hi") "ERROR 200 UNAVAILABLE 503 \"The model is overloaded.\"\n" END(70), 0, 0},
    {"nothing is delivered after an in-stream error", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\n\n"
     "{`error`: {`code`: 500,`message`: `x`,`status`: `INTERNAL`}}\n\n"
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b`}]}}]}\n\n",
     T("a") "ERROR 200 INTERNAL 500 \"x\"\n" END(70), 0, 0},
    {"LF line ends", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\n\n"
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b`}]},`finishReason`: `STOP`}]}\n\n",
     T("a") T("b") "FINISH STOP\n" END(0), 0, 0},
    {"CR line ends", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\r\r"
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b`}]},`finishReason`: `STOP`}]}\r\r",
     T("a") T("b") "FINISH STOP\n" END(0), 0, 0},
    {"multi-line data is joined with LF and is still JSON", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`:\r\ndata:  {`parts`: [{`text`:\r\ndata: `Hi`}]}}]}\r\n\r\n",
     T("Hi") END(0), 0, 0},
    {"comments, event, id and retry fields, data without space", SSE_BOTH, NULL,
     ": keepalive\r\n\r\nevent: message\r\nid: 1\r\nretry: 3000\r\n"
     "data:{`candidates`: [{`content`: {`parts`: [{`text`: `x`}]}}]}\r\n: more\r\n\r\n: bye\r\n",
     T("x") END(0), 0, 0},
    {"a UTF-8 BOM at the start", SSE_BOTH, NULL,
     "\xEF\xBB\xBF" "data: {`candidates`: [{`content`: {`parts`: [{`text`: `\xC3\xA9t\xC3\xA9`}]}}]}\n\n",
     T("\xC3\xA9t\xC3\xA9") END(0), 0, 0},
    {"escapes and raw UTF-8 in text", SSE_BOTH, NULL,
     EVENT(CANDS(PART("a \\u003cb\\u003e \\uD83D\\uDE00 15\xC2\xB0" "C \\`q\\` \xFF"), "") IDS),
     T("a <b> \xF0\x9F\x98\x80 15\xC2\xB0" "C \\\"q\\\" \xEF\xBF\xBD") END(0), 0, 0},
    {"the body ends inside an event whose JSON is complete: delivered", SSE_BOTH, NULL,
     EVENT(CANDS(PART("a"), "") IDS)
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b`}]},`finishReason`: `STOP`}]}",
     T("a") T("b") "FINISH STOP\n" END(0), 0, 0},
    {"the body ends after one line end: delivered", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b`}]},`finishReason`: `STOP`}]}\n",
     T("b") "FINISH STOP\n" END(0), 0, 0},
    {"the body ends inside an event whose JSON is not complete", SSE_BOTH, NULL,
     EVENT(CANDS(PART("a"), "") IDS)
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `b is cut",
     T("a") END(81), 0, 0},
    {"the body ends inside an event after its candidate closed: no FINISH", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]},`finishReason`: `STOP`}],`usageMetadata`: {",
     T("a") END(81), 0, 0},
    {"the body ends inside an event after a part closed", SSE_BOTH, NULL,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]",
     T("a") END(81), 0, 0},
    {"usage with absent fields", SSE_BOTH, NULL,
     EVENT("{`candidates`: [{`content`: {`parts`: [{`text`: `x`}]}}],`usageMetadata`: {`promptTokenCount`: 9}}")
     EVENT("{`usageMetadata`: {`candidatesTokenCount`: 1,`thoughtsTokenCount`: 2}}"),
     T("x") "USAGE 9 -1 -1 -1\nUSAGE -1 1 2 -1\n" END(0), 0, 0},
    {"only keepalive comments", SSE_BOTH, NULL, ": keepalive\n\n: keepalive\n\n", END(0), 0, 0},
    {"data that is not JSON", SSE_BOTH, NULL, "data: [DONE]\n\n", END(48), 0, 0},
    {"a callback returning non-zero cancels", SSE_BOTH, NULL, PLAIN_BODY,
     T("The capital") END(80), 1, 0},
    {"a callback cancelling at FINISH", SSE_BOTH, NULL, PLAIN_BODY,
     T("The capital") "USAGE 36 2 -1 38\n" T(" of France is **Paris**.\\n") "USAGE 36 9 -1 45\nFINISH STOP\n" END(80), 5, 0},
    {"all candidates", SSE_BOTH, NULL,
     EVENT("{`candidates`: [{`content`: {`parts`: [{`text`: `a`}]},`index`: 0},{`content`: {`parts`: [{`text`: `b`}]},`index`: 1}]}"),
     T("a") "[1] TEXT \"b\"\n" END(0), 0, GEMINI_PARSE_ALL_CANDIDATES},

    /* ---- HTTP around it ---- */
    {"429 JSON error with Content-Length", LENGTH,
     "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json; charset=UTF-8\r\nVary: Origin\r\n",
     "{\n  `error`: {\n    `code`: 429,\n    `message`: `You exceeded your current quota.`,\n"
     "    `status`: `RESOURCE_EXHAUSTED`,\n    `details`: [\n      {\n"
     "        `@type`: `type.googleapis.com/google.rpc.RetryInfo`,\n        `retryDelay`: `3s`\n      }\n    ]\n  }\n}\n",
     "ERROR 429 RESOURCE_EXHAUSTED 429 \"You exceeded your current quota.\"\n" END(70), 0, 0},
    {"400 error labelled text/event-stream with a plain JSON body", LENGTH,
     "HTTP/1.1 400 Bad Request\r\nContent-Type: text/event-stream\r\n",
     "{\n  `error`: {\n    `code`: 400,\n    `message`: `* GenerateContentRequest.model: unexpected model name format\\n`,\n"
     "    `status`: `INVALID_ARGUMENT`\n  }\n}\n",
     "ERROR 400 INVALID_ARGUMENT 400 \"* GenerateContentRequest.model: unexpected model name format\\n\"\n" END(70), 0, 0},
    {"404 error with a chunked body", CHUNKED,
     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=UTF-8\r\n",
     "{\n  `error`: {\n    `code`: 404,\n    `message`: `models/x is not found.`,\n    `status`: `NOT_FOUND`\n  }\n}\n",
     "ERROR 404 NOT_FOUND 404 \"models/x is not found.\"\n" END(70), 0, 0},
    {"in-stream error, chunked, with the last chunk", CHUNKED, SSE_HEAD,
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `Hi`}]}}]}\r\n\r\n"
     "{\n  `error`: {\n    `code`: 500,\n    `message`: `Internal error encountered.`,\n    `status`: `INTERNAL`\n  }\n}\n",
     T("Hi") "ERROR 200 INTERNAL 500 \"Internal error encountered.\"\n" END(70), 0, 0},
    {"in-stream error, chunked, connection closed before the last chunk", RAW, NULL,
     SSE_HEAD "Transfer-Encoding: chunked\r\n\r\n"
     "44\r\ndata: {`candidates`: [{`content`: {`parts`: [{`text`: `Hi`}]}}]}\r\n\r\n\r\n"
     "6d\r\n{\n  `error`: {\n    `code`: 500,\n    `message`: `Internal error encountered.`,\n    `status`: `INTERNAL`\n  }\n}\n\r\n",
     T("Hi") "ERROR 200 INTERNAL 500 \"Internal error encountered.\"\n" END(70), 0, 0},
    {"EOF inside a chunk: complete events stay delivered", CHUNKED_CUT, SSE_HEAD,
     EVENT(CANDS(PART("one"), "") IDS) EVENT(CANDS(PART("two"), "") IDS)
     "data: {`candidates`: [{`content`: {`parts`: [{`text`: `three is cut off`}]}}]}\r\n\r\n",
     T("one") T("two") END(81), 0, 0},
    {"SSE body with Content-Length", LENGTH, SSE_HEAD, EVENT(CANDS(PART("a"), STOP) IDS),
     T("a") "FINISH STOP\n" END(0), 0, 0},
    {"SSE body read to close (HTTP/1.0)", RAW, NULL,
     "HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" EVENT(CANDS(PART("a"), STOP) IDS),
     T("a") "FINISH STOP\n" END(0), 0, 0},
    {"Content-Length body cut short", RAW, NULL,
     SSE_HEAD "Content-Length: 200\r\n\r\n" EVENT(CANDS(PART("a"), "") "}"),
     T("a") END(81), 0, 0},
    {"100 Continue before the response", RAW, NULL,
     "HTTP/1.1 100 Continue\r\n\r\n" SSE_HEAD "Transfer-Encoding: chunked\r\n\r\n"
     "41\r\ndata: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\n\n\r\n0\r\n\r\n",
     T("a") END(0), 0, 0},
    {"bytes after the last chunk are not used", RAW, NULL,
     SSE_HEAD "Transfer-Encoding: chunked\r\n\r\n"
     "41\r\ndata: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\n\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n",
     T("a") END(0), 0, 0},
    {"200 with a plain JSON body (generateContent)", LENGTH,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n",
     "{\n  `candidates`: [\n    {\n      `content`: {\n        `parts`: [\n          {\n            `text`: `Paris`\n"
     "          }\n        ],\n        `role`: `model`\n      },\n      `finishReason`: `STOP`\n    }\n  ]\n}\n",
     T("Paris") "FINISH STOP\n" END(0), 0, 0},
    {"502 from a proxy with an HTML body: the reason phrase is the message", LENGTH,
     "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n", "<html><body>502</body></html>\n",
     "ERROR 502  0 \"Bad Gateway\"\n" END(70), 0, 0},
    {"200 that is neither an event stream nor JSON", LENGTH,
     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\n", "<html>captive portal</html>", END(54), 0, 0},
    {"malformed status line", RAW, NULL, "HTTP/2 200\r\n\r\n", END(40), 0, 0},
    {"gzip content coding", RAW, NULL,
     SSE_HEAD "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", END(44), 0, 0},
    {"gzip transfer coding under chunked", RAW, NULL,
     SSE_HEAD "Transfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n", END(44), 0, 0},
    {"gzip transfer coding, body to the close", RAW, NULL,
     SSE_HEAD "Transfer-Encoding: chunked, gzip\r\n\r\n\x1f\x8b", END(44), 0, 0},
    {"204 with a transfer coding: no body, so not refused for the coding (not a stream)", RAW, NULL,
     "HTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\n\r\n", END(54), 0, 0},
    {"bad chunk framing after good events", RAW, NULL,
     SSE_HEAD "Transfer-Encoding: chunked\r\n\r\n"
     "41\r\ndata: {`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}}]}\n\n\r\n3\r\nabcX",
     T("a") END(47), 0, 0},
    {"the head alone is a truncated response", RAW, NULL, SSE_HEAD "Transfer-Encoding: chunked\r\n\r\n",
     END(81), 0, 0},
};

static const parser_row *cur_parser;

/* Appends the ` -> " copy of s. */
static void put_unbackticked(split_buf *b, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) sbuf_put(b, s[i] == '`' ? "\"" : s + i, 1);
}

/* Builds the input of a row in the given framing (SSE_BOTH is asked as BODY_ONLY or CHUNKED). */
static void build_input(const parser_row *r, framing how, split_buf *in)
{
    const char *head = r->head ? r->head : SSE_HEAD;
    size_t blen = strlen(r->body), at, cut = how == CHUNKED_CUT ? 15 : 0;
    sbuf_clear(in);
    if (how == BODY_ONLY || how == RAW) {
        put_unbackticked(in, r->body, blen);
        return;
    }
    put_unbackticked(in, head, strlen(head));
    if (how == LENGTH) {
        sbuf_printf(in, "Content-Length: %lu\r\n\r\n", (unsigned long)blen);
        put_unbackticked(in, r->body, blen);
        return;
    }
    sbuf_str(in, "Transfer-Encoding: chunked\r\n\r\n");
    for (at = 0; at + cut < blen; at += 10) {   /* chunks of 10 bytes cut lines anywhere */
        size_t n = blen - cut - at < 10 ? blen - cut - at : 10;
        sbuf_printf(in, "%lx\r\n", (unsigned long)n);
        put_unbackticked(in, r->body + at, n);
        if (how == CHUNKED_CUT && at + n + cut >= blen) return;   /* EOF inside the chunk */
        sbuf_str(in, "\r\n");
    }
    sbuf_str(in, "0\r\n\r\n");
}

static void run_parser_way(const parser_row *r, framing how)
{
    split_parser ctx;
    split_buf in = {0};
    char label[200];
    memset(&ctx, 0, sizeof ctx);
    build_input(r, how, &in);
    ctx.flags = r->flags | (how == BODY_ONLY ? GEMINI_PARSE_BODY_ONLY : 0);
    ctx.ev.cancel_at = r->cancel_at;
    sprintf(label, "%.150s%s", r->name,
            how == BODY_ONLY ? " (body only)" : how == CHUNKED ? " (chunked)" : "");
    if (split_check(split_parser_layer(), &ctx, in.p, in.len, r->expect, label)) test_failures_in_case++;
    sbuf_free(&in);
    sbuf_free(&ctx.ev.log);
}

static void run_parser_row(void)
{
    if (cur_parser->how == SSE_BOTH) {
        run_parser_way(cur_parser, BODY_ONLY);
        run_parser_way(cur_parser, CHUNKED);
    } else {
        run_parser_way(cur_parser, cur_parser->how);
    }
}

/* modelVersion and responseId are readable after the stream; done is set at the end. */
static void parser_ids_and_done(void)
{
    gemini_parser p;
    split_events ev;
    split_buf in = {0};
    parser_row r;
    memset(&ev, 0, sizeof ev);
    memset(&r, 0, sizeof r);
    r.body = PLAIN_BODY;
    build_input(&r, CHUNKED, &in);
    sbuf_str(&in, "trailing bytes");
    gemini_parser_init(&p, 0, split_event_cb, &ev);
    CHECK_INT(gemini_parser_feed(&p, in.p, in.len), 0);
    CHECK_INT(p.done, 1);
    CHECK_INT(gemini_parser_finish(&p), 0);
    CHECK_INT(gemini_parser_finish(&p), 0);            /* finishing twice changes nothing */
    CHECK_STR(p.json.model_version, "gemini-3-flash-preview");
    CHECK_STR(p.json.response_id, "mB1oaPXPLoKz1dkPjqbF6A8");
    CHECK_INT(p.head.status, 200);
    CHECK_INT(p.head.chunked, 1);
    CHECK_STR(ev.log.p, PLAIN_LOG);
    sbuf_free(&in);
    sbuf_free(&ev.log);
}

/* The error stays: later feeds deliver nothing. */
static void parser_sticky(void)
{
    gemini_parser p;
    split_events ev;
    const char *good = "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}\n\n";
    memset(&ev, 0, sizeof ev);
    gemini_parser_init(&p, GEMINI_PARSE_BODY_ONLY, split_event_cb, &ev);
    CHECK_INT(gemini_parser_feed(&p, "data: {\"a\": 01}\n\n", 17), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(gemini_parser_feed(&p, good, strlen(good)), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(gemini_parser_finish(&p), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(p.err, GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(ev.count, 0);
    sbuf_free(&ev.log);
}

/* Every code's phrase, word for word, and the one for a number that is no code. */
static void parser_error_phrases(void)
{
    static const struct { int code; const char *text; } phrases[] = {
        {GEMINI_OK, "no error"},
        {GEMINI_ERR_USAGE, "invalid argument"},
        {GEMINI_ERR_BAD_URL, "base URL must be https://host[:port][/prefix]"},
        {GEMINI_ERR_BAD_MODEL, "model name has characters not allowed in a path"},
        {GEMINI_ERR_NO_KEY, "no API key (set GOOGLE_API_KEY or GEMINI_API_KEY)"},
        {GEMINI_ERR_TRUST, "no usable trust anchor"},
        {GEMINI_ERR_NOMEM, "out of memory"},
        {GEMINI_ERR_DNS, "host name did not resolve"},
        {GEMINI_ERR_CONNECT, "could not connect"},
        {GEMINI_ERR_IO, "network send or receive failed"},
        {GEMINI_ERR_TIMEOUT, "timed out"},
        {GEMINI_ERR_TLS, "TLS failure"},
        {GEMINI_ERR_CERT, "server certificate refused"},
        {GEMINI_ERR_HTTP_STATUS_LINE, "malformed HTTP status line"},
        {GEMINI_ERR_HTTP_HEADER, "malformed HTTP header"},
        {GEMINI_ERR_HEAD_TOO_LARGE, "HTTP response head too large"},
        {GEMINI_ERR_HTTP_FRAMING, "bad or conflicting HTTP message length"},
        {GEMINI_ERR_HTTP_ENCODING, "unsupported HTTP content or transfer coding"},
        {GEMINI_ERR_HTTP_UPGRADE, "unexpected protocol switch"},
        {GEMINI_ERR_CHUNK_SIZE, "bad chunk size"},
        {GEMINI_ERR_CHUNK_FRAMING, "bad chunked framing"},
        {GEMINI_ERR_JSON_SYNTAX, "malformed JSON"},
        {GEMINI_ERR_JSON_DEPTH, "JSON nested too deeply"},
        {GEMINI_ERR_JSON_ESCAPE, "bad escape in JSON string"},
        {GEMINI_ERR_JSON_CONTROL, "control character in JSON string"},
        {GEMINI_ERR_JSON_NUMBER, "malformed JSON number"},
        {GEMINI_ERR_TOO_LARGE, "function call too large to hold (GEMINI_PART_MAX)"},
        {GEMINI_ERR_NOT_STREAM, "response is not an event stream"},
        {GEMINI_ERR_API, "the API returned an error"},
        {GEMINI_ERR_CANCELLED, "cancelled"},
        {GEMINI_ERR_TRUNCATED, "response ended early (truncated)"},
    };
    static const int none[] = {-1, 7, 19, 24, 29, 32, 39, 55, 69, 71, 79, 82, 127, 128, 0x101};
    size_t i;
    for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        CHECK_STR(gemini_strerror(phrases[i].code), phrases[i].text);
    for (i = 0; i < sizeof none / sizeof none[0]; i++)
        CHECK_STR(gemini_strerror(none[i]), "unknown error");
}

void suite_parser(void)
{
    size_t i;
    for (i = 0; i < sizeof parser_rows / sizeof parser_rows[0]; i++) {
        cur_parser = &parser_rows[i];
        test_run(parser_rows[i].name, run_parser_row);
    }
    test_run("model version, response id, done", parser_ids_and_done);
    test_run("parser errors are sticky", parser_sticky);
    test_run("error phrases", parser_error_phrases);
}
