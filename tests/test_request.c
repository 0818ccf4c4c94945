#define _POSIX_C_SOURCE 200809L  /* popen, to ask python3 for a second opinion */
/* test_request.c - the request writer: every field lands where the API expects it, any text
   survives the trip (escapes, control characters, 4-byte UTF-8; invalid UTF-8 as U+FFFD), a
   1 MB inline blob round-trips through base64, and the counting pass equals the bytes written.
   Bodies are checked three ways: the library's strict scanner accepts them, an independent
   reader (json_reader.h) decodes the values back, and python3's json module (when present)
   accepts them too. */
#include "gemini_stream.h"
#include "test.h"
#include "json_reader.h"

static int collect_body(void *user, const char *data, size_t len)
{
    sbuf_put((split_buf *)user, data, len);
    return 0;
}

/* Writes req; checks the size pass, strict validity and (optionally) python3; parses into v. */
static int write_and_parse(const gemini_request *req, split_buf *body, jv *v)
{
    static gemini_json scan;
    size_t size = 0;
    FILE *py;
    memset(body, 0, sizeof *body);
    CHECK_INT(gemini_request_write(req, collect_body, body), GEMINI_OK);
    CHECK_INT(gemini_request_size(req, &size), GEMINI_OK);
    CHECK_INT(size, body->len);
    gemini_json_init(&scan, NULL, NULL);
    gemini_json_feed(&scan, body->p, body->len);
    CHECK_INT(gemini_json_end(&scan), GEMINI_OK);
    /* python3 when there is one; else the body is just read, so that the write never fails */
    py = popen("if command -v python3 >/dev/null 2>&1; then python3 -c 'import json,sys; "
               "json.load(sys.stdin)'; else cat >/dev/null; fi", "w");
    if (py) {
        fwrite(body->p, 1, body->len, py);
        CHECK_INT(pclose(py), 0);
    }
    if (jv_parse(body->p, body->len, v) != 0) {
        fprintf(stderr, "  unreadable body: %.200s\n", body->p);
        memset(v, 0, sizeof *v);
        CHECK(0);
        return 0;
    }
    return v->type == 'o';
}

/* Follows a path like "generationConfig.thinkingConfig.thinkingBudget" or "contents.1.role". */
static const jv *at(const jv *v, const char *path)
{
    char key[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        memcpy(key, path, n);
        key[n] = '\0';
        v = (key[0] >= '0' && key[0] <= '9') ? jv_at(v, (size_t)atoi(key)) : jv_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

static void check_string(const jv *root, const char *path, const char *want, size_t want_len)
{
    const jv *v = at(root, path);
    CHECK(v != NULL && v->type == 's');
    if (v && v->type == 's') {
        CHECK_INT(v->len, want_len);
        CHECK(v->len == want_len && memcmp(v->s, want, want_len) == 0);
    }
}

static void check_number(const jv *root, const char *path, double want)
{
    const jv *v = at(root, path);
    CHECK(v != NULL && v->type == 'n');
    if (v && v->type == 'n') CHECK(v->num == want);
}

#define CHECK_TEXT(root, path, want) check_string(root, path, want, strlen(want))

static void every_field(void)
{
    static const char *const stops[] = {"END", "\"quoted\""};
    gemini_part_spec q = {.text = "What is 2+2?"}, a = {.text = "4"};
    gemini_content turns[3];
    gemini_safety_setting safety[2] = {{"HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH"},
                                       {"HARM_CATEGORY_HATE_SPEECH", "BLOCK_NONE"}};
    gemini_request req;
    split_buf body;
    jv v;
    memset(&req, 0, sizeof req);
    turns[0].role = "user"; turns[0].parts = &q; turns[0].part_count = 1;
    turns[1].role = "model"; turns[1].parts = &a; turns[1].part_count = 1;
    turns[2].role = NULL; turns[2].parts = &q; turns[2].part_count = 1;   /* role defaults */
    req.contents = turns;
    req.content_count = 3;
    req.system_instruction = "Be brief.";
    req.has_temperature = 1; req.temperature = 0.0;
    req.has_top_p = 1; req.top_p = 0.95;
    req.top_k = 40;
    req.max_output_tokens = 256;
    req.stop_sequences = stops; req.stop_sequence_count = 2;
    req.has_seed = 1; req.seed = -7;
    req.response_mime_type = "application/json";
    req.response_schema = "{\"type\": \"OBJECT\"}";
    req.include_thoughts = 1;
    req.has_thinking_budget = 1; req.thinking_budget = 0;
    req.thinking_level = "low";
    req.safety_settings = safety; req.safety_setting_count = 2;
    req.tools = "[{\"functionDeclarations\": [{\"name\": \"f\"}]}]";
    req.tool_config = "{\"functionCallingConfig\": {\"mode\": \"AUTO\"}}";
    req.extra = "\"cachedContent\": \"cachedContents/abc\"";
    if (write_and_parse(&req, &body, &v)) {
        CHECK_TEXT(&v, "contents.0.role", "user");
        CHECK_TEXT(&v, "contents.0.parts.0.text", "What is 2+2?");
        CHECK_TEXT(&v, "contents.1.role", "model");
        CHECK_TEXT(&v, "contents.2.role", "user");
        CHECK_TEXT(&v, "systemInstruction.parts.0.text", "Be brief.");
        check_number(&v, "generationConfig.temperature", 0.0);
        check_number(&v, "generationConfig.topP", 0.95);
        check_number(&v, "generationConfig.topK", 40);
        check_number(&v, "generationConfig.maxOutputTokens", 256);
        CHECK_TEXT(&v, "generationConfig.stopSequences.1", "\"quoted\"");
        check_number(&v, "generationConfig.seed", -7);
        CHECK_TEXT(&v, "generationConfig.responseMimeType", "application/json");
        CHECK_TEXT(&v, "generationConfig.responseSchema.type", "OBJECT");
        CHECK(at(&v, "generationConfig.thinkingConfig.includeThoughts") != NULL
              && at(&v, "generationConfig.thinkingConfig.includeThoughts")->type == 't');
        check_number(&v, "generationConfig.thinkingConfig.thinkingBudget", 0);
        CHECK_TEXT(&v, "generationConfig.thinkingConfig.thinkingLevel", "low");
        CHECK_TEXT(&v, "safetySettings.1.threshold", "BLOCK_NONE");
        CHECK_TEXT(&v, "tools.0.functionDeclarations.0.name", "f");
        CHECK_TEXT(&v, "toolConfig.functionCallingConfig.mode", "AUTO");
        CHECK_TEXT(&v, "cachedContent", "cachedContents/abc");
    }
    jv_free(&v);
    sbuf_free(&body);
}

static void nothing_optional_is_sent(void)
{
    gemini_part_spec q = {.text = "hi"};
    gemini_content turn = {"user", &q, 1};
    gemini_request req;
    split_buf body;
    memset(&req, 0, sizeof req);
    req.contents = &turn;
    req.content_count = 1;
    memset(&body, 0, sizeof body);
    CHECK_INT(gemini_request_write(&req, collect_body, &body), GEMINI_OK);
    CHECK_STR(body.p, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
    sbuf_free(&body);
}

/* One text through the writer and back; returns what came back (malloc'd) or NULL. */
static void round_trip(const char *text, const char *want, size_t want_len)
{
    gemini_part_spec part = {.text = text};
    gemini_content turn = {"user", &part, 1};
    gemini_request req;
    split_buf body;
    jv v;
    memset(&req, 0, sizeof req);
    req.contents = &turn;
    req.content_count = 1;
    if (write_and_parse(&req, &body, &v)) check_string(&v, "contents.0.parts.0.text", want, want_len);
    jv_free(&v);
    sbuf_free(&body);
}

static void hostile_text(void)
{
    char controls[40];
    int i;
    for (i = 1; i < 32; i++) controls[i - 1] = (char)i;
    controls[31] = '\0';
    round_trip(controls, controls, 31);
    round_trip("\"quotes\" and \\backslashes\\ and / and \x7f", "\"quotes\" and \\backslashes\\ and / and \x7f",
               strlen("\"quotes\" and \\backslashes\\ and / and \x7f"));
    round_trip("emoji \xF0\x9F\x98\x80, CJK \xE4\xB8\xAD, \xC3\xA9", "emoji \xF0\x9F\x98\x80, CJK \xE4\xB8\xAD, \xC3\xA9",
               strlen("emoji \xF0\x9F\x98\x80, CJK \xE4\xB8\xAD, \xC3\xA9"));
    /* invalid UTF-8: one U+FFFD per maximal ill-formed subpart */
    round_trip("a\xC3(b", "a\xEF\xBF\xBD(b", 6);                 /* lead without continuation */
    round_trip("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 9);   /* encoded surrogate */
    round_trip("x\xE2\x82", "x\xEF\xBF\xBD", 4);                  /* cut at the end */
    round_trip("\xF8\x80", "\xEF\xBF\xBD\xEF\xBF\xBD", 6);         /* never valid bytes */
    round_trip("\xF4\x90\x80\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", 12); /* > U+10FFFF */
    round_trip("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD", 6);         /* overlong */
}

static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes base64 into out (room enough); returns the byte count or (size_t)-1. */
static size_t base64_decode(const char *s, size_t n, unsigned char *out)
{
    size_t i, o = 0;
    if (n % 4) return (size_t)-1;
    for (i = 0; i < n; i += 4) {
        int a = base64_value(s[i]), b = base64_value(s[i + 1]);
        int c = s[i + 2] == '=' ? 0 : base64_value(s[i + 2]);
        int d = s[i + 3] == '=' ? 0 : base64_value(s[i + 3]);
        unsigned v;
        if (a < 0 || b < 0 || c < 0 || d < 0) return (size_t)-1;
        v = (unsigned)(a << 18 | b << 12 | c << 6 | d);
        out[o++] = (unsigned char)(v >> 16);
        if (s[i + 2] != '=') out[o++] = (unsigned char)(v >> 8);
        if (s[i + 3] != '=') out[o++] = (unsigned char)v;
    }
    return o;
}

static void inline_blob(void)
{
    size_t sizes[] = {0, 1, 2, 3, 4, 5, 1024 * 1024 + 1}, k, i;
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        unsigned char *blob = (unsigned char *)malloc(n + 1), *back = (unsigned char *)malloc(n + 3);
        gemini_part_spec parts[2];
        gemini_content turn;
        gemini_request req;
        split_buf body;
        jv v;
        unsigned seed = 12345;
        for (i = 0; i < n; i++) blob[i] = (unsigned char)((seed = seed * 1103515245u + 12345u) >> 16);
        memset(parts, 0, sizeof parts);
        parts[0].mime_type = "image/png";
        parts[0].data = blob;
        parts[0].data_len = n;
        parts[1].text = "What is in this image?";
        turn.role = "user"; turn.parts = parts; turn.part_count = 2;
        memset(&req, 0, sizeof req);
        req.contents = &turn;
        req.content_count = 1;
        if (write_and_parse(&req, &body, &v)) {
            const jv *data = at(&v, "contents.0.parts.0.inlineData.data");
            CHECK_TEXT(&v, "contents.0.parts.0.inlineData.mimeType", "image/png");
            CHECK(data != NULL && data->type == 's');
            if (data && data->type == 's') {
                CHECK_INT(base64_decode(data->s, data->len, back), n);
                CHECK(n == 0 || memcmp(blob, back, n) == 0);
            }
            CHECK_TEXT(&v, "contents.0.parts.1.text", "What is in this image?");
        }
        jv_free(&v);
        sbuf_free(&body);
        free(blob);
        free(back);
    }
}

static void raw_parts(void)
{
    gemini_part_spec call = {.raw = "{\"functionCall\": {\"name\": \"f\", \"args\": {}}, "
                                    "\"thoughtSignature\": \"c2ln\"}"};
    gemini_part_spec answer = {.raw = "{\"functionResponse\": {\"name\": \"f\", "
                                      "\"response\": {\"ok\": true}}}"};
    gemini_content turns[2] = {{"model", &call, 1}, {"user", &answer, 1}};
    gemini_request req;
    split_buf body;
    jv v;
    memset(&req, 0, sizeof req);
    req.contents = turns;
    req.content_count = 2;
    if (write_and_parse(&req, &body, &v)) {
        CHECK_TEXT(&v, "contents.0.parts.0.functionCall.name", "f");
        CHECK_TEXT(&v, "contents.0.parts.0.thoughtSignature", "c2ln");
        CHECK(at(&v, "contents.1.parts.0.functionResponse.response.ok") != NULL);
    }
    jv_free(&v);
    sbuf_free(&body);
}

static int fail_after_first(void *user, const char *data, size_t len)
{
    (void)data;
    (void)len;
    return ++*(int *)user > 1 ? GEMINI_ERR_IO : 0;
}

static void bad_requests(void)
{
    gemini_part_spec q = {.text = "hi"};
    gemini_content turn = {"user", &q, 1};
    gemini_request req;
    size_t size;
    int calls = 0;
    split_buf body;
    memset(&req, 0, sizeof req);
    memset(&body, 0, sizeof body);
    CHECK_INT(gemini_request_write(&req, collect_body, &body), GEMINI_ERR_USAGE);   /* no contents */
    CHECK_INT(gemini_request_size(NULL, &size), GEMINI_ERR_USAGE);
    req.contents = &turn;
    req.content_count = 1;
    req.stop_sequence_count = 1;                                   /* count without array */
    CHECK_INT(gemini_request_write(&req, collect_body, &body), GEMINI_ERR_USAGE);
    req.stop_sequence_count = 0;
    req.has_temperature = 1;
    req.temperature = 0.0 / 0.0;                                   /* NaN is not JSON */
    CHECK_INT(gemini_request_write(&req, collect_body, &body), GEMINI_ERR_USAGE);
    req.has_temperature = 0;
    CHECK_INT(gemini_request_write(&req, fail_after_first, &calls), GEMINI_ERR_IO);  /* sink error */
    sbuf_free(&body);
}

static void json_string_helper(void)
{
    split_buf out;
    memset(&out, 0, sizeof out);
    CHECK_INT(gemini_write_json_string("a\0b\"", 4, collect_body, &out), GEMINI_OK);
    CHECK_STR(out.p, "\"a\\u0000b\\\"\"");
    sbuf_free(&out);
}

void suite_request(void)
{
    test_run("request: every field where the API expects it", every_field);
    test_run("request: nothing optional is sent by default", nothing_optional_is_sent);
    test_run("request: hostile text round-trips, invalid UTF-8 as U+FFFD", hostile_text);
    test_run("request: inline data round-trips through base64 (up to 1 MB)", inline_blob);
    test_run("request: raw parts (function call with signature, function response)", raw_parts);
    test_run("request: bad requests and sink errors", bad_requests);
    test_run("request: gemini_write_json_string", json_string_helper);
}
