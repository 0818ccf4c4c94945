/* raw_feed - bring your own transport: the sans-I/O parser alone, with no sockets and no TLS.
   Reads a raw HTTP response (status line, headers, chunked or Content-Length body) as your own
   network stack would hand it over, 7 bytes at a time to show that any split works, and feeds
   it to gemini_parser. Answer text goes to stdout, thoughts to stderr.
     cc -std=c99 -I. examples/raw_feed.c -lbearssl -o build/raw_feed
     build/raw_feed examples/hello.http        (or: build/raw_feed < examples/hello.http)
   Exit status: 0 success, 1 the API refused (HTTP or in-stream error, blocked prompt),
   3 any other error (bad framing, truncated input, ...). */
#ifndef GEMINI_NO_SOCKETS
#define GEMINI_NO_SOCKETS               /* the parser needs none of the library's socket code */
#endif
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <stdio.h>
#include <string.h>

typedef struct feed_state {
    int refused;                        /* an API_ERROR or BLOCKED event arrived */
} feed_state;

static int on_event(void *user, const gemini_event *ev)
{
    feed_state *st = (feed_state *)user;
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
        fwrite(ev->text, 1, ev->len, stdout);
        fflush(stdout);
        break;
    case GEMINI_EVENT_THOUGHT: fprintf(stderr, "[thought] %s\n", ev->text); break;
    case GEMINI_EVENT_FUNCTION_CALL:
        fprintf(stderr, "[function call %s(%.*s)]\n", ev->text, (int)ev->args_len, ev->args);
        break;
    case GEMINI_EVENT_FINISH: fprintf(stderr, "[finish: %s]\n", ev->text); break;
    case GEMINI_EVENT_USAGE: break;     /* running totals, repeated on every event */
    case GEMINI_EVENT_BLOCKED:
        st->refused = 1;
        fprintf(stderr, "raw_feed: prompt blocked: %s\n", ev->text);
        break;
    case GEMINI_EVENT_API_ERROR:
        st->refused = 1;
        fprintf(stderr, "raw_feed: API error %d %s: %s\n", ev->http_status, ev->status, ev->text);
        break;
    case GEMINI_EVENT_THOUGHT_SIGNATURE: break;     /* not asked for */
    case GEMINI_EVENT_IDLE: break;                  /* only the client says it */
    }
    return 0;
}

/* Pushes the whole input through the parser in tiny reads, as a network stack might. */
static int feed_file(FILE *in, gemini_parser *p)
{
    char buf[7];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        int err = gemini_parser_feed(p, buf, n);
        if (err) return err;
        if (p->done) break;             /* bytes after the response are not ours */
    }
    if (ferror(in)) return GEMINI_ERR_IO;
    return gemini_parser_finish(p);     /* the input ended: complete, or truncated? */
}

int main(int argc, char **argv)
{
    static gemini_parser parser;        /* ~10 KiB: off the stack */
    feed_state st;
    FILE *in = stdin;
    int err;
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "-h") == 0)) {
        fputs("usage: raw_feed [FILE]   (a raw HTTP response; stdin when no FILE)\n", stderr);
        return 3;
    }
    if (argc == 2 && strcmp(argv[1], "-") != 0 && !(in = fopen(argv[1], "rb"))) {
        perror(argv[1]);
        return 3;
    }
    memset(&st, 0, sizeof st);
    gemini_parser_init(&parser, 0, on_event, &st);
    err = feed_file(in, &parser);
    if (in != stdin) fclose(in);
    if (err == GEMINI_OK && !st.refused) return 0;
    if (err == GEMINI_OK || err == GEMINI_ERR_API) return 1;
    fprintf(stderr, "raw_feed: %s (HTTP status %d)\n", gemini_strerror(err), parser.head.status);
    return 3;
}
