/* test_json.c - the streaming JSON scanner (RFC 8259) and the events it finds in one
   GenerateContentResponse (or {"error": ...}) document. Every row runs whole, byte by byte and
   split in two at every offset (tests/split.h).

   Inputs are written with ` for " to keep them readable; the runner swaps them back. */
#include <stdlib.h>

#include "gemini_stream.h"
#include "split.h"
#include "test.h"

/* The expectations spell error codes as numbers; make sure they are these. */
typedef char json_codes_check[(GEMINI_ERR_JSON_SYNTAX == 48 && GEMINI_ERR_JSON_DEPTH == 49 &&
                               GEMINI_ERR_JSON_ESCAPE == 50 && GEMINI_ERR_JSON_CONTROL == 51 &&
                               GEMINI_ERR_JSON_NUMBER == 52 && GEMINI_ERR_TOO_LARGE == 53 &&
                               GEMINI_ERR_API == 70 && GEMINI_ERR_CANCELLED == 80)
                                  ? 1 : -1];

#define IN(s) s, sizeof(s) - 1

enum { ALL_CANDIDATES = 1, SHOW_CACHED = 2 };

typedef struct json_row {
    const char *name;
    int flags;
    int http_status;
    const char *in;         /* ` stands for " */
    size_t len;
    const char *expect;     /* outcome of split_json_layer(): see split.h */
} json_row;

#define PARTS(p) "{`candidates`: [{`content`: {`parts`: [" p "], `role`: `model`}, `index`: 0}]}"
#define TEXTPART(t) "{`text`: `" t "`}"
#define T(t) "TEXT \"" t "\"\n"
#define END(n) "END err=" #n "\n"
#define FFFD "\xEF\xBF\xBD"

static const json_row json_rows[] = {
    /* ---- text, thoughts, calls ---- */
    {"one text part", 0, 0, IN(PARTS(TEXTPART("Hello"))), T("Hello") END(0)},
    {"two text parts in one document", 0, 0, IN(PARTS(TEXTPART("a") ", " TEXTPART("b"))),
     T("a") T("b") END(0)},
    {"thought: true after the text", 0, 0, IN(PARTS("{`text`: `Plan`, `thought`: true}")),
     "THOUGHT \"Plan\"\n" END(0)},
    {"thought: true before the text", 0, 0, IN(PARTS("{`thought`: true, `text`: `Plan`}")),
     "THOUGHT \"Plan\"\n" END(0)},
    {"thought: false is an answer", 0, 0, IN(PARTS("{`text`: `A`, `thought`: false}")), T("A") END(0)},
    {"thought then answer in one document", 0, 0,
     IN(PARTS("{`text`: `hmm`, `thought`: true}, {`text`: `Yes`}")), "THOUGHT \"hmm\"\n" T("Yes") END(0)},
    {"empty text with a thoughtSignature gives nothing", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: ``, `thoughtSignature`: `CiQB0e2Kb+/AAA==`}],"
        " `role`: `model`}, `finishReason`: `STOP`, `index`: 0}]}"),
     "FINISH STOP\n" END(0)},
    {"text carrying a thoughtSignature is an answer", 0, 0,
     IN(PARTS("{`text`: `OK`, `thoughtSignature`: `Cs0BAXLI2nw=`}")), T("OK") END(0)},
    {"a thought part without text gives nothing", 0, 0, IN(PARTS("{`thought`: true}")), END(0)},
    {"inlineData and code parts give nothing", 0, 0,
     IN(PARTS("{`inlineData`: {`mimeType`: `image/png`, `data`: `iVBORw0KGgo=`}}, "
              "{`executableCode`: {`language`: `PYTHON`, `code`: `print(1)`}}, "
              "{`codeExecutionResult`: {`outcome`: `OUTCOME_OK`, `output`: `1\\n`}}")),
     END(0)},
    {"function call with args and id", 0, 0,
     IN(PARTS("{`functionCall`: {`name`: `get_weather`, `args`: {`city`: `Paris`, `n`: [1, 2]}, `id`: `abc`}}")),
     "CALL get_weather {\"city\": \"Paris\", \"n\": [1, 2]} \"abc\"\n" END(0)},
    {"function call: args first, no id, braces and escapes inside strings", 0, 0,
     IN(PARTS("{`functionCall`: {`args`: {`q`: `a}b\\`c]`, `u`: `\\u00e9`}, `name`: `f`}}")),
     "CALL f {\"q\": \"a}b\\\"c]\", \"u\": \"\\u00e9\"} \"\"\n" END(0)},
    {"function call without args gives {}", 0, 0, IN(PARTS("{`functionCall`: {`name`: `now`}}")),
     "CALL now {} \"\"\n" END(0)},
    {"a function name too long to hold is an error, not a cut name", 0, 0,
     IN(PARTS("{`functionCall`: {`name`: `f0123456789012345678901234567890123456789012345678901234567890123456789"
              "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789`}}")),
     END(53)},
    {"a function call id too long to hold is an error, not a cut id", 0, 0,
     IN(PARTS("{`functionCall`: {`name`: `f`, `id`: `i0123456789012345678901234567890123456789012345678901234567890123456789"
              "0123456789012345678901234567890123456789`}}")),
     END(53)},
    {"function call args keep their white space", 0, 0,
     IN(PARTS("{`functionCall`: {`name`: `f`, `args`: {\n  `a`: [1, {`b`: null}],\n  `c`: -0.5e3\n}}}")),
     "CALL f {\\n  \"a\": [1, {\"b\": null}],\\n  \"c\": -0.5e3\\n} \"\"\n" END(0)},
    {"two function calls in one document", 0, 0,
     IN(PARTS("{`functionCall`: {`name`: `a`, `args`: {}}}, {`functionCall`: {`name`: `b`, `args`: {`x`: true}, `id`: `2`}}")),
     "CALL a {} \"\"\nCALL b {\"x\": true} \"2\"\n" END(0)},
    {"text, then a function call with a thoughtSignature", 0, 0,
     IN(PARTS("{`text`: `Let me check.`}, {`functionCall`: {`name`: `f`, `args`: {`k`: 1}}, `thoughtSignature`: `EiYKJGUy`}")),
     T("Let me check.") "CALL f {\"k\": 1} \"\"\n" END(0)},

    /* ---- string decoding ---- */
    {"all simple escapes", 0, 0, IN(PARTS(TEXTPART("q\\` b\\\\ s\\/ \\b\\f\\n\\r\\t"))),
     T("q\\\" b\\\\ s/ \\x08\\x0C\\n\\r\\t") END(0)},
    {"\\u003c and \\u003e", 0, 0, IN(PARTS(TEXTPART("\\u003cb\\u003e \\u0026"))), T("<b> &") END(0)},
    {"\\u escapes to 2- and 3-byte UTF-8, any hex case", 0, 0,
     IN(PARTS(TEXTPART("\\u00e9\\u00E9\\u20aC\\uFFFF"))), T("\xC3\xA9\xC3\xA9\xE2\x82\xAC\xEF\xBF\xBF") END(0)},
    {"surrogate pair to 4-byte UTF-8", 0, 0, IN(PARTS(TEXTPART("\\uD83D\\uDE00!"))),
     T("\xF0\x9F\x98\x80!") END(0)},
    {"\\u0000 is a NUL byte in the text", 0, 0, IN(PARTS(TEXTPART("a\\u0000b"))), T("a\\x00b") END(0)},
    {"lone high surrogate then a letter", 0, 0, IN(PARTS(TEXTPART("\\uD83Dx"))), T(FFFD "x") END(0)},
    {"lone low surrogate", 0, 0, IN(PARTS(TEXTPART("a\\uDE00b"))), T("a" FFFD "b") END(0)},
    {"high surrogate at the end of the string", 0, 0, IN(PARTS(TEXTPART("a\\uD83D"))), T("a" FFFD) END(0)},
    {"high surrogate then a non-surrogate escape", 0, 0, IN(PARTS(TEXTPART("\\uD83D\\u0041"))),
     T(FFFD "A") END(0)},
    {"high surrogate then \\n", 0, 0, IN(PARTS(TEXTPART("\\uD83D\\n"))), T(FFFD "\\n") END(0)},
    {"two high surrogates then a low one", 0, 0, IN(PARTS(TEXTPART("\\uD83D\\uD83D\\uDE00"))),
     T(FFFD "\xF0\x9F\x98\x80") END(0)},
    {"raw UTF-8 passes through", 0, 0, IN(PARTS(TEXTPART("15\xC2\xB0" "C \xE6\x98\xA5 \xF0\x9F\x98\x80"))),
     T("15\xC2\xB0" "C \xE6\x98\xA5 \xF0\x9F\x98\x80") END(0)},
    {"invalid byte 0xFF becomes U+FFFD", 0, 0, IN(PARTS(TEXTPART("a\xFF" "b"))), T("a" FFFD "b") END(0)},
    {"lone continuation byte becomes U+FFFD", 0, 0, IN(PARTS(TEXTPART("a\x80" "b"))), T("a" FFFD "b") END(0)},
    {"lead byte without its continuation", 0, 0, IN(PARTS(TEXTPART("\xC3" "A"))), T(FFFD "A") END(0)},
    {"truncated sequence at the end of the string", 0, 0, IN(PARTS(TEXTPART("ok\xC3"))), T("ok" FFFD) END(0)},
    {"DEL is not a control character", 0, 0, IN(PARTS(TEXTPART("a\x7F" "b"))), T("a\\x7Fb") END(0)},

    /* ---- the end of the document: FINISH, BLOCKED, USAGE, API_ERROR ---- */
    {"finish reason and usage come at the end, in that order", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: `Bye`}], `role`: `model`}, `finishReason`: `STOP`, `index`: 0}],"
        " `usageMetadata`: {`promptTokenCount`: 10, `candidatesTokenCount`: 5, `thoughtsTokenCount`: 3,"
        " `totalTokenCount`: 18, `promptTokensDetails`: [{`modality`: `TEXT`, `tokenCount`: 10}]},"
        " `modelVersion`: `gemini-3-flash-preview`, `responseId`: `abc123`}"),
     T("Bye") "FINISH STOP\nUSAGE 10 5 3 18\n" END(0)},
    {"usage before candidates still comes last", 0, 0,
     IN("{`usageMetadata`: {`totalTokenCount`: 7, `promptTokenCount`: 4}, `candidates`: [{`finishReason`: `MAX_TOKENS`,"
        " `content`: {`role`: `model`, `parts`: [{`text`: `abc`}]}}]}"),
     T("abc") "FINISH MAX_TOKENS\nUSAGE 4 -1 -1 7\n" END(0)},
    {"cachedContentTokenCount", SHOW_CACHED, 0,
     IN("{`usageMetadata`: {`promptTokenCount`: 10, `cachedContentTokenCount`: 4, `totalTokenCount`: 14}}"),
     "USAGE 10 -1 -1 4 14\n" END(0)},
    {"prompt blocked: no candidates", 0, 0,
     IN("{`promptFeedback`: {`blockReason`: `SAFETY`, `safetyRatings`: [{`category`: `HARM_CATEGORY_HATE_SPEECH`,"
        " `probability`: `HIGH`}]}, `usageMetadata`: {`promptTokenCount`: 8, `totalTokenCount`: 8}, `modelVersion`: `m`}"),
     "BLOCKED SAFETY\nUSAGE 8 -1 -1 8\n" END(0)},
    {"promptFeedback without blockReason", 0, 0,
     IN("{`promptFeedback`: {`safetyRatings`: []}, " "`candidates`: [{`content`: {`parts`: [{`text`: `x`}]}}]}"),
     T("x") END(0)},
    {"content without parts", 0, 0,
     IN("{`candidates`: [{`content`: {`role`: `model`}, `finishReason`: `STOP`, `index`: 0}]}"),
     "FINISH STOP\n" END(0)},
    {"candidate without content", 0, 0,
     IN("{`candidates`: [{`finishReason`: `SAFETY`, `index`: 0, `safetyRatings`: [{`category`: `X`, `blocked`: true}]}]}"),
     "FINISH SAFETY\n" END(0)},
    {"API error document", 0, 429,
     IN("{\n  `error`: {\n    `code`: 429,\n    `message`: `Quota exceeded.`,\n    `status`: `RESOURCE_EXHAUSTED`,\n"
        "    `details`: [{`@type`: `type.googleapis.com/google.rpc.RetryInfo`, `retryDelay`: `3s`}]\n  }\n}\n"),
     "ERROR 429 RESOURCE_EXHAUSTED 429 \"Quota exceeded.\"\n" END(0)},
    {"API error: fields in another order, decoy messages in details", 0, 400,
     IN("{`error`: {`details`: [{`@type`: `t`, `message`: `no`, `status`: `NO`, `code`: 1}], `status`: `INVALID_ARGUMENT`,"
        " `message`: `API key not valid. Please pass a valid API key.`, `code`: 400}}"),
     "ERROR 400 INVALID_ARGUMENT 400 \"API key not valid. Please pass a valid API key.\"\n" END(0)},
    {"API error message with escapes", 0, 400,
     IN("{`error`: {`code`: 400, `message`: `* model: unexpected \\`x\\`\\n`, `status`: `INVALID_ARGUMENT`}}"),
     "ERROR 400 INVALID_ARGUMENT 400 \"* model: unexpected \\\"x\\\"\\n\"\n" END(0)},
    {"API error without status and code", 0, 500, IN("{`error`: {`message`: `boom`}}"),
     "ERROR 500  0 \"boom\"\n" END(0)},

    /* ---- paths: only the right places count ---- */
    {"text, finishReason, usage and error keys elsewhere are ignored", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`functionCall`: {`name`: `f`, `args`: {`text`: `no`,"
        " `parts`: [{`text`: `no`}]}}}]}, `citationMetadata`: {`citationSources`: [{`text`: `no`}]},"
        " `groundingMetadata`: {`groundingSupports`: [{`segment`: {`text`: `no`}}], `finishReason`: `NO`},"
        " `usageMetadata`: {`promptTokenCount`: 99}, `error`: {`message`: `no`}}],"
        " `promptFeedback`: {`text`: `no`}, `text`: `no`, `parts`: [{`text`: `no`}],"
        " `x`: {`candidates`: [{`content`: {`parts`: [{`text`: `no`}]}}], `error`: {`message`: `no`}}}"),
     "CALL f {\"text\": \"no\", \"parts\": [{\"text\": \"no\"}]} \"\"\n" END(0)},
    {"keys that start like ours are not ours", 0, 0,
     IN(PARTS("{`textual`: `no`, `tex`: `no`, `text_`: `no`, "
              "`textAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`: `no`, `thoughtful`: true}")),
     END(0)},
    {"a key written with escapes is the same key", 0, 0, IN(PARTS("{`t\\u0065xt`: `hi`}")), T("hi") END(0)},
    {"skipped values of every kind", 0, 0,
     IN("{`a`: [-0, 1.5e+10, 2E-3, 0.0, 123456789012345678901234567890, true, false, null, `s\\`\\u1234`, [], {},"
        " [[{}]], {`x`: {`y`: [1, {`z`: null}]}}], `candidates`: [{`index`: 0, `avgLogprobs`: -0.25,"
        " `content`: {`parts`: [{`text`: `ok`}]}}]}"),
     T("ok") END(0)},
    {"every kind of white space", 0, 0,
     IN(" \t\r\n{\t`candidates`\r\n:\n[ {`content` :{ `parts`:[{`text`\t:\t`w`\n}\r] } } ]\n}\r\n \t"),
     T("w") END(0)},
    {"empty object", 0, 0, IN("{}"), END(0)},
    {"text that is not a string is ignored", 0, 0, IN(PARTS("{`text`: 123}, {`text`: null}, {`text`: [`x`]}")), END(0)},
    {"null where objects and arrays are expected", 0, 0,
     IN("{`candidates`: [{`content`: null}, {`content`: {`parts`: null}}], `usageMetadata`: null, `promptFeedback`: null}"),
     END(0)},
    {"a negative token count keeps its sign", 0, 0, IN("{`usageMetadata`: {`promptTokenCount`: -3}}"),
     "USAGE -3 -1 -1 -1\n" END(0)},
    {"other candidates are ignored by default; usage belongs to no candidate", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}, `finishReason`: `STOP`, `index`: 0},"
        " {`content`: {`parts`: [{`text`: `b`}]}, `finishReason`: `MAX_TOKENS`, `index`: 1}],"
        " `usageMetadata`: {`promptTokenCount`: 1, `totalTokenCount`: 2}}"),
     T("a") "FINISH STOP\nUSAGE 1 -1 -1 2\n" END(0)},
    {"all candidates when asked; usage belongs to no candidate", ALL_CANDIDATES, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}, `index`: 0},"
        " {`content`: {`parts`: [{`text`: `b`}, {`text`: `c`, `thought`: true}]}, `index`: 1}],"
        " `usageMetadata`: {`promptTokenCount`: 1, `totalTokenCount`: 2}}"),
     T("a") "[1] TEXT \"b\"\n[1] THOUGHT \"c\"\nUSAGE 1 -1 -1 2\n" END(0)},
    {"prompt blocked after candidates: BLOCKED belongs to no candidate", 0, 0,
     IN("{`candidates`: [{`index`: 0}, {`index`: 1}], `promptFeedback`: {`blockReason`: `OTHER`}}"),
     "BLOCKED OTHER\n" END(0)},

    /* ---- malformed: each with its code ---- */
    {"depth bomb of arrays", 0, 0, IN("{`a`: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                      "[[[[[[[[[[[[[[[[[[[[[["), END(49)},
    {"depth bomb of objects", 0, 0,
     IN("{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:"
        "{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:"
        "{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:"
        "{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:{`a`:1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}"
        "}}}}}}}}}}}}}}}}}"),
     END(49)},
    {"escape \\x", 0, 0, IN("{`a`: `\\x`}"), END(50)},
    {"escape \\u12G4", 0, 0, IN("{`a`: `\\u12G4`}"), END(50)},
    {"escape \\U0041", 0, 0, IN("{`a`: `\\U0041`}"), END(50)},
    {"escape \\'", 0, 0, IN("{`a`: `\\'`}"), END(50)},
    {"\\u with two digits", 0, 0, IN("{`a`: `\\u12`}"), END(50)},
    {"\\u after a high surrogate with bad digits", 0, 0, IN("{`a`: `\\uD800\\u`}"), END(50)},
    {"bad escape in a key", 0, 0, IN("{`\\q`: 1}"), END(50)},
    {"bad escape in a text part: no TEXT", 0, 0, IN(PARTS(TEXTPART("ok\\x"))), END(50)},
    {"raw 0x01 in a string", 0, 0, IN("{`a`: `x\x01y`}"), END(51)},
    {"raw tab in a string", 0, 0, IN("{`a`: `x\ty`}"), END(51)},
    {"raw LF in a string", 0, 0, IN("{`a`: `x\ny`}"), END(51)},
    {"raw NUL in a string", 0, 0, IN("{`a`: `x\0y`}"), END(51)},
    {"raw 0x1F in a key", 0, 0, IN("{`a\x1F`: 1}"), END(51)},
    {"raw control in a text part", 0, 0, IN(PARTS(TEXTPART("a\rb"))), END(51)},
    {"leading zero", 0, 0, IN("{`a`: 01}"), END(52)},
    {"two zeros", 0, 0, IN("{`a`: 00}"), END(52)},
    {"negative leading zero", 0, 0, IN("{`a`: -01}"), END(52)},
    {"1.", 0, 0, IN("{`a`: 1.}"), END(52)},
    {"1.e5", 0, 0, IN("{`a`: 1.e5}"), END(52)},
    {"lone minus", 0, 0, IN("{`a`: -}"), END(52)},
    {"minus then a letter", 0, 0, IN("{`a`: -a}"), END(52)},
    {"-Infinity", 0, 0, IN("{`a`: -Infinity}"), END(52)},
    {".5", 0, 0, IN("{`a`: .5}"), END(52)},
    {"1e", 0, 0, IN("{`a`: [1e]}"), END(52)},
    {"1e+", 0, 0, IN("{`a`: 1e+}"), END(52)},
    {"leading zero in a token count", 0, 0, IN("{`usageMetadata`: {`promptTokenCount`: 012}}"), END(52)},
    {"trailing comma in an object", 0, 0, IN("{`a`: 1,}"), END(48)},
    {"trailing comma in an array", 0, 0, IN("{`a`: [1,]}"), END(48)},
    {"trailing comma after a part: the part was delivered", 0, 0, IN(PARTS(TEXTPART("Hi") ", ")),
     T("Hi") END(48)},
    {"missing colon", 0, 0, IN("{`a` 1}"), END(48)},
    {"double colon", 0, 0, IN("{`a`:: 1}"), END(48)},
    {"missing value", 0, 0, IN("{`a`: }"), END(48)},
    {"missing comma", 0, 0, IN("{`a`: 1 `b`: 2}"), END(48)},
    {"missing comma in an array", 0, 0, IN("{`a`: [1 2]}"), END(48)},
    {"lone comma", 0, 0, IN("{,}"), END(48)},
    {"unquoted key", 0, 0, IN("{a: 1}"), END(48)},
    {"single quotes", 0, 0, IN("{'a': 1}"), END(48)},
    {"mismatched bracket", 0, 0, IN("{`a`: 1]"), END(48)},
    {"array closed by a brace", 0, 0, IN("{`a`: [}"), END(48)},
    {"extra closing brace", 0, 0, IN("{`a`: 1}}"), END(48)},
    {"garbage after the document", 0, 0, IN("{`a`: 1} x"), END(48)},
    {"two documents", 0, 0, IN("{}{}"), END(48)},
    {"NUL after the document", 0, 0, IN("{}\0"), END(48)},
    {"tru", 0, 0, IN("{`a`: tru}"), END(48)},
    {"True", 0, 0, IN("{`a`: True}"), END(48)},
    {"nul", 0, 0, IN("{`a`: nul}"), END(48)},
    {"truex", 0, 0, IN("{`a`: truex}"), END(48)},
    {"NaN", 0, 0, IN("{`a`: NaN}"), END(48)},
    {"comment", 0, 0, IN("{/* c */}"), END(48)},
    {"unterminated string", 0, 0, IN("{`a`: `abc"), END(48)},
    {"unterminated object", 0, 0, IN("{`a`: 1"), END(48)},
    {"a document cut after its candidate closed: FINISH comes only at the end", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: `a`}]}, `finishReason`: `STOP`}]"),
     T("a") END(48)},
    {"unterminated text part: nothing delivered", 0, 0,
     IN("{`candidates`: [{`content`: {`parts`: [{`text`: `Hi`"),
     END(48)},
    {"no input", 0, 0, "", 0, END(48)},
    {"white space only", 0, 0, IN(" \n"), END(48)},
};

static const json_row *cur_json;

/* Swaps ` for " in a copy of the input. */
static char *unbacktick(const char *in, size_t len)
{
    char *p = (char *)malloc(len + 1);
    size_t i;
    for (i = 0; i < len; i++) p[i] = in[i] == '`' ? '"' : in[i];
    p[len] = '\0';
    return p;
}

static void json_ctx_free(split_json *ctx) { sbuf_free(&ctx->ev.log); }

static void run_json_row(void)
{
    split_json ctx;
    char *in = unbacktick(cur_json->in, cur_json->len);
    memset(&ctx, 0, sizeof ctx);
    ctx.all_candidates = (cur_json->flags & ALL_CANDIDATES) != 0;
    ctx.ev.show_cached = (cur_json->flags & SHOW_CACHED) != 0;
    ctx.http_status = cur_json->http_status;
    if (split_check(split_json_layer(), &ctx, in, cur_json->len, cur_json->expect, cur_json->name))
        test_failures_in_case++;
    free(in);
    json_ctx_free(&ctx);
}

/* Nesting: GEMINI_JSON_MAX_DEPTH containers are fine, one more is not. */
static void json_depth_limit(void)
{
    split_json ctx;
    split_buf in = {0};
    int i;
    memset(&ctx, 0, sizeof ctx);
    sbuf_str(&in, "{\"a\":");
    for (i = 1; i < GEMINI_JSON_MAX_DEPTH; i++) sbuf_str(&in, "[");
    for (i = 1; i < GEMINI_JSON_MAX_DEPTH; i++) sbuf_str(&in, "]");
    sbuf_str(&in, "}");
    if (split_check(split_json_layer(), &ctx, in.p, in.len, END(0), "depth GEMINI_JSON_MAX_DEPTH"))
        test_failures_in_case++;
    sbuf_clear(&in);
    sbuf_str(&in, "{\"a\":");
    for (i = 0; i < GEMINI_JSON_MAX_DEPTH; i++) sbuf_str(&in, "[");
    for (i = 0; i < GEMINI_JSON_MAX_DEPTH; i++) sbuf_str(&in, "]");
    sbuf_str(&in, "}");
    if (split_check(split_json_layer(), &ctx, in.p, in.len, END(49), "depth GEMINI_JSON_MAX_DEPTH + 1"))
        test_failures_in_case++;
    sbuf_free(&in);
    json_ctx_free(&ctx);
}

/* A text part longer than GEMINI_PART_MAX arrives in pieces; early pieces are typed by what is
   known when the buffer fills, so a thought whose "thought": true comes last starts as TEXT. */
static void json_long_parts(void)
{
    split_json ctx;
    split_buf in = {0}, want = {0};
    size_t i, n = GEMINI_PART_MAX + 1000;
    memset(&ctx, 0, sizeof ctx);
    sbuf_str(&in, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"");
    for (i = 0; i < n; i++) sbuf_put(&in, &"abcdefghij"[i % 10], 1);
    sbuf_str(&in, "\"},{\"thought\":true,\"text\":\"");
    for (i = 0; i < n; i++) sbuf_put(&in, &"0123456789"[i % 10], 1);
    sbuf_str(&in, "\"},{\"text\":\"");
    for (i = 0; i < n; i++) sbuf_put(&in, &"ABCDEFGHIJ"[i % 10], 1);
    sbuf_str(&in, "\",\"thought\":true}]}}]}");

    sbuf_str(&want, "TEXT \"");
    for (i = 0; i < GEMINI_PART_MAX; i++) sbuf_put(&want, &"abcdefghij"[i % 10], 1);
    sbuf_str(&want, "\"\nTEXT \"");
    for (; i < n; i++) sbuf_put(&want, &"abcdefghij"[i % 10], 1);
    sbuf_str(&want, "\"\nTHOUGHT \"");
    for (i = 0; i < GEMINI_PART_MAX; i++) sbuf_put(&want, &"0123456789"[i % 10], 1);
    sbuf_str(&want, "\"\nTHOUGHT \"");
    for (; i < n; i++) sbuf_put(&want, &"0123456789"[i % 10], 1);
    sbuf_str(&want, "\"\nTEXT \"");
    for (i = 0; i < GEMINI_PART_MAX; i++) sbuf_put(&want, &"ABCDEFGHIJ"[i % 10], 1);
    sbuf_str(&want, "\"\nTHOUGHT \"");
    for (; i < n; i++) sbuf_put(&want, &"ABCDEFGHIJ"[i % 10], 1);
    sbuf_str(&want, "\"\n" END(0));
    if (split_check(split_json_layer(), &ctx, in.p, in.len, want.p, "parts longer than GEMINI_PART_MAX"))
        test_failures_in_case++;
    sbuf_free(&in);
    sbuf_free(&want);
    json_ctx_free(&ctx);
}

#define CALL_START "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"k\":\""

/* Function-call args are never cut: too long is an error. Args of exactly the limit fit. */
static void json_long_args(void)
{
    split_json ctx;
    split_buf in = {0}, want = {0};
    size_t i, fill = GEMINI_PART_MAX - 8;   /* {"k":"...."} is fill + 8 bytes */
    memset(&ctx, 0, sizeof ctx);
    sbuf_str(&in, CALL_START);
    for (i = 0; i < fill; i++) sbuf_str(&in, "x");
    sbuf_str(&in, "\"}}}]}}]}");
    sbuf_str(&want, "CALL f {\"k\":\"");
    for (i = 0; i < fill; i++) sbuf_str(&want, "x");
    sbuf_str(&want, "\"} \"\"\n" END(0));
    if (split_check(split_json_layer(), &ctx, in.p, in.len, want.p, "args of GEMINI_PART_MAX bytes"))
        test_failures_in_case++;
    sbuf_clear(&in);
    sbuf_str(&in, CALL_START);
    for (i = 0; i < fill + 1; i++) sbuf_str(&in, "x");
    sbuf_str(&in, "\"}}}]}}]}");
    if (split_check(split_json_layer(), &ctx, in.p, in.len, END(53), "args one byte too long"))
        test_failures_in_case++;
    sbuf_free(&in);
    sbuf_free(&want);
    json_ctx_free(&ctx);
}

/* A long API error message is cut to fit, not an error. */
static void json_long_error_message(void)
{
    split_json ctx;
    split_buf in = {0};
    const char *log;
    size_t i;
    memset(&ctx, 0, sizeof ctx);
    ctx.http_status = 400;
    sbuf_str(&in, "{\"error\":{\"code\":400,\"message\":\"");
    for (i = 0; i < 3 * GEMINI_ERROR_MESSAGE_MAX; i++) sbuf_str(&in, "m");
    sbuf_str(&in, "\",\"status\":\"INVALID_ARGUMENT\"}}");
    if (split_check(split_json_layer(), &ctx, in.p, in.len, NULL, "long error message"))
        test_failures_in_case++;
    log = ctx.ev.log.p ? ctx.ev.log.p : "";
    CHECK(strncmp(log, "ERROR 400 INVALID_ARGUMENT 400 \"mmmmmmmm", 40) == 0);
    CHECK(strlen(log) < 40 + GEMINI_ERROR_MESSAGE_MAX);
    CHECK_INT(ctx.err, 0);
    sbuf_free(&in);
    json_ctx_free(&ctx);
}

/* modelVersion and responseId are kept, also across documents (gemini_json_reset). */
static void json_ids(void)
{
    gemini_json j;
    split_events ev;
    const char *a = "{\"modelVersion\": \"gemini-3-flash-preview\", \"candidates\": [], "
                    "\"responseId\": \"r-\\u0031\"}";
    const char *b = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}";
    memset(&ev, 0, sizeof ev);
    gemini_json_init(&j, split_event_cb, &ev);
    CHECK_INT(gemini_json_feed(&j, a, strlen(a)), 0);
    CHECK_INT(gemini_json_end(&j), 0);
    CHECK_INT(j.done, 1);
    CHECK_STR(j.model_version, "gemini-3-flash-preview");
    CHECK_STR(j.response_id, "r-1");
    gemini_json_reset(&j);
    CHECK_INT(j.done, 0);
    CHECK_INT(gemini_json_feed(&j, b, strlen(b)), 0);
    CHECK_INT(gemini_json_end(&j), 0);
    CHECK_STR(j.model_version, "gemini-3-flash-preview");
    CHECK_STR(j.response_id, "r-1");
    CHECK_STR(ev.log.p ? ev.log.p : "", "TEXT \"x\"\n");
    sbuf_free(&ev.log);
}

/* A callback that returns non-zero stops the scanner with GEMINI_ERR_CANCELLED. */
static void json_cancel(void)
{
    split_json ctx;
    char *in = unbacktick(IN(PARTS(TEXTPART("a") ", " TEXTPART("b") ", " TEXTPART("c"))));
    memset(&ctx, 0, sizeof ctx);
    ctx.ev.cancel_at = 2;
    if (split_check(split_json_layer(), &ctx, in, strlen(in), T("a") T("b") END(80),
                    "cancel at the second event"))
        test_failures_in_case++;
    free(in);
    json_ctx_free(&ctx);
}

/* After an error nothing more happens, even for good input. */
static void json_sticky(void)
{
    gemini_json j;
    split_events ev;
    const char *good = "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]}}]}";
    memset(&ev, 0, sizeof ev);
    gemini_json_init(&j, split_event_cb, &ev);
    CHECK_INT(gemini_json_feed(&j, "{\"a\": 01", 8), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(gemini_json_feed(&j, good, strlen(good)), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(gemini_json_end(&j), GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(j.err, GEMINI_ERR_JSON_NUMBER);
    CHECK_INT(ev.count, 0);
    sbuf_free(&ev.log);
}

void suite_json(void)
{
    size_t i;
    for (i = 0; i < sizeof json_rows / sizeof json_rows[0]; i++) {
        cur_json = &json_rows[i];
        test_run(json_rows[i].name, run_json_row);
    }
    test_run("depth limit", json_depth_limit);
    test_run("parts longer than GEMINI_PART_MAX", json_long_parts);
    test_run("function call args limit", json_long_args);
    test_run("long API error message", json_long_error_message);
    test_run("modelVersion and responseId", json_ids);
    test_run("callback cancels", json_cancel);
    test_run("json errors are sticky", json_sticky);
}
