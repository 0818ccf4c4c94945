/* gen.h - synthetic Gemini streaming responses for the benchmarks (bench/core.c).
 *
 * A response is what Google sends for streamGenerateContent?alt=sse over HTTP/1.1: a 200 head
 * with Google's headers, then one chunk per SSE event. Every event is a GenerateContentResponse
 * with one short text part (20-200 bytes of answer text, with some \" and \n escapes and some
 * raw UTF-8), usageMetadata, modelVersion and responseId; the last event of a response carries
 * a {"text": "", "thoughtSignature": "<base64, 2-8 KB>"} part and finishReason STOP.
 *
 * The generator is a small state machine that hands out one unit at a time (the head, one
 * framed event, the terminating chunk), so a stream can be built in memory or produced on the
 * fly into a small buffer. It counts the answer text it emits (decoded), for checking.
 */
#ifndef BENCH_GEN_H
#define BENCH_GEN_H

#include <stdio.h>
#include <string.h>

#define GEN_UNIT_MAX 12288      /* largest unit: the signature event (8 KB of base64 + JSON) */

typedef struct gen {
    unsigned long long rng;
    int stage;                  /* 0 head, 1 events, 2 terminator, 3 done */
    unsigned long events_left;  /* events still to send in this response, the last included */
    unsigned long tokens;
    unsigned long long bytes;   /* stream bytes emitted so far (all responses) */
    unsigned long long text;    /* decoded answer bytes emitted so far */
    unsigned long responses;    /* responses completed */
    char response_id[24];
} gen;

static unsigned long long gen_rand(gen *g)
{
    /* xorshift64*: deterministic, so every run and every process sees the same bytes */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static unsigned gen_range(gen *g, unsigned lo, unsigned hi)
{
    return lo + (unsigned)(gen_rand(g) % (hi - lo + 1));
}

/* Starts a response of `events` events (>= 1; the last one is the signature event). */
static void gen_response(gen *g, unsigned long events)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int i;
    g->stage = 0;
    g->events_left = events;
    g->tokens = 0;
    for (i = 0; i < 23; i++) g->response_id[i] = b64[gen_rand(g) % 62];
    g->response_id[23] = '\0';
}

static void gen_init(gen *g, unsigned long long seed)
{
    memset(g, 0, sizeof *g);
    g->rng = seed ? seed : 0x9E3779B97F4A7C15ULL;
}

/* Appends answer text of about `want` bytes as JSON string content; returns bytes written. */
static size_t gen_text(gen *g, char *p, size_t want)
{
    static const char *const words[] = {
        "the", "stream", "of", "tokens", "arrives", "in", "small", "pieces", "and", "each",
        "piece", "is", "a", "JSON", "document", "with", "metadata", "around", "text", "model",
        "parser", "state", "buffer", "socket", "record", "chunk", "event", "answer", "question",
        "because", "however", "therefore", "example", "function", "value", "result",
    };
    static const char *const extra[] = {
        "\\\"quoted\\\"", "\\n\\n", "\\n", "15\xC2\xB0\x43", "caf\xC3\xA9", "\xE2\x80\x94",
        "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "na\xC3\xAFve", "**bold**", "`code`",
    };
    size_t n = 0;
    while (n < want) {
        unsigned r = gen_range(g, 0, 99);
        const char *w;
        size_t wl, dl, k;
        if (r < 12) w = extra[gen_rand(g) % (sizeof extra / sizeof extra[0])];
        else w = words[gen_rand(g) % (sizeof words / sizeof words[0])];
        wl = dl = strlen(w);
        for (k = 0; k < wl; k++) dl -= w[k] == '\\';   /* each two-byte escape decodes to one byte */
        if (n > 0) { p[n++] = ' '; g->text++; }
        memcpy(p + n, w, wl);
        n += wl;
        g->text += dl;
    }
    if (gen_range(g, 0, 3) == 0) { memcpy(p + n, ".\\n", 3); n += 3; g->text += 2; }
    return n;
}

/* Writes one event's SSE bytes (data line and blank line) at p; returns the length. */
static size_t gen_event(gen *g, char *p, int last)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    unsigned long cand;
    n += (size_t)sprintf(p + n, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"");
    if (last) {
        size_t k, sig = gen_range(g, 2048, 8192);
        n += (size_t)sprintf(p + n, "\",\"thoughtSignature\": \"");
        for (k = 0; k < sig; k++) p[n++] = b64[gen_rand(g) & 63];
        p[n++] = '"';
    } else {
        n += gen_text(g, p + n, gen_range(g, 20, 200));
        p[n++] = '"';
    }
    g->tokens += gen_range(g, 5, 50);
    cand = g->tokens;
    n += (size_t)sprintf(p + n, "}],\"role\": \"model\"},%s\"index\": 0}],\"usageMetadata\": "
                         "{\"promptTokenCount\": 30,\"candidatesTokenCount\": %lu,"
                         "\"totalTokenCount\": %lu,\"promptTokensDetails\": [{\"modality\": "
                         "\"TEXT\",\"tokenCount\": 30}],\"thoughtsTokenCount\": 412},"
                         "\"modelVersion\": \"gemini-3-flash-preview\",\"responseId\": \"%s\"}"
                         "\r\n\r\n",
                         last ? "\"finishReason\": \"STOP\"," : "", cand, cand + 442,
                         g->response_id);
    return n;
}

/* Writes the next unit of the current response at out (room for GEN_UNIT_MAX bytes); returns
   its length, 0 when the response is complete. */
static size_t gen_next(gen *g, char *out)
{
    static const char head[] =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/event-stream\r\n"
        "Content-Disposition: attachment\r\n"
        "Vary: Origin\r\nVary: X-Origin\r\nVary: Referer\r\n"
        "Transfer-Encoding: chunked\r\n"
        "Date: Wed, 19 Aug 2026 14:34:18 GMT\r\n"
        "Server: scaffolding on HTTPServer2\r\n"
        "X-XSS-Protection: 0\r\n"
        "X-Frame-Options: SAMEORIGIN\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "Server-Timing: gfet4t7; dur=458\r\n"
        "Alt-Svc: h3=\":443\"; ma=2592000,h3-29=\":443\"; ma=2592000\r\n"
        "\r\n";
    size_t n = 0;
    switch (g->stage) {
    case 0:
        n = sizeof head - 1;
        memcpy(out, head, n);
        g->stage = 1;
        break;
    case 1: {
        /* one chunk per event, like Google: hex size, CRLF, the event, CRLF */
        char *body = out + 8;
        int last = g->events_left == 1;
        size_t len = gen_event(g, body, last);
        char hex[16];
        size_t h = (size_t)sprintf(hex, "%zx\r\n", len);
        memmove(out + h, body, len);
        memcpy(out, hex, h);
        memcpy(out + h + len, "\r\n", 2);
        n = h + len + 2;
        if (--g->events_left == 0) g->stage = 2;
        break;
    }
    case 2:
        n = 5;
        memcpy(out, "0\r\n\r\n", 5);
        g->stage = 3;
        g->responses++;
        break;
    default:
        return 0;
    }
    g->bytes += n;
    return n;
}

#endif /* BENCH_GEN_H */
