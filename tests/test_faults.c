/* test_faults.c - the fault catalogue: the client against build/tls_server over loopback TLS
   while the network or the server misbehaves. For each fault: the documented error code, no
   hang past its timeout (elapsed time measured), no crash (built with ASan and UBSan), every
   answer text that arrived before the fault delivered (compared with the expected prefix), the
   API key in no error message, and no descriptor left open at the end.

   | Fault                                           | Scenario (model)         | Expected error            | Text delivered               |
   |-------------------------------------------------|--------------------------|---------------------------|------------------------------|
   | connection refused (port with no listener)      | -                        | GEMINI_ERR_CONNECT, <1 s  | none                         |
   | TCP reset before the status line                | hello~reset0             | GEMINI_ERR_IO             | none                         |
   | TCP reset in the middle of the head             | hello~resetN             | GEMINI_ERR_IO             | none                         |
   | TCP reset inside a chunk (inside a text string) | hello~resetN             | GEMINI_ERR_IO             | "Hello"                      |
   | TCP reset between events (chunk boundary)       | hello~resetN             | GEMINI_ERR_IO             | "Hello, world"               |
   | TCP reset at every 5th byte of the response     | hello~resetN, N = 0..end | GEMINI_ERR_IO; GEMINI_OK  | what the sans-I/O parser     |
   |                                                 |                          | once the response is whole| gives for those N bytes      |
   | TCP reset before the status line on a           | hello, then hello~reset0 | GEMINI_ERR_IO (no retry:  | none                         |
   |   kept-alive connection                         |                          | the POST may have landed) |                              |
   | server closes while an 8 MB request is sent     | hello~earlyclose         | GEMINI_ERR_IO             | none                         |
   |   (gemini_stream, and gemini_stream_request)    |                          |                           |                              |
   | head that never ends (1 byte/s), total 1500 ms  | hello~headslow1000       | GEMINI_ERR_TIMEOUT ~1.5 s | none                         |
   | 1 MiB header block                              | hello~bighead1024        | GEMINI_ERR_HEAD_TOO_LARGE | none                         |
   | head just under / just over GEMINI_MAX_HEAD     | hello~bighead15 / 16     | GEMINI_OK / HEAD_TOO_LARGE| all / none                   |
   | chunk size 2^64 (10000000000000000, 17 digits)  | fault-chunk2e64          | GEMINI_ERR_CHUNK_SIZE     | "Hello" (the chunk before)   |
   | chunk size of 17 f's                            | fault-chunk17f           | GEMINI_ERR_CHUNK_SIZE     | "Hello" (the chunk before)   |
   | chunk size of 16 f's (2^64-1), data, close      | fault-chunk16f           | GEMINI_ERR_TRUNCATED      | "Hello, world!\n" (all)      |
   | one 10 MiB event (thoughtSignature)             | bigsig~mb10              | GEMINI_OK, STOP, peak RSS | all                          |
   |                                                 |                          | grows < 4 MiB             |                              |
   | TCP reset 5 MB into that event                  | bigsig~mb10~reset5000000 | GEMINI_ERR_IO             | "Before the signature. "     |
   | stream open after the last event, idle 500 ms   | hello~noterm             | GEMINI_ERR_TIMEOUT <750 ms| "Hello, world!\n" (all), STOP|
   | 100 requests on one client, random faults:      | seeded PRNG (FAULT_SEED) |                           |                              |
   |   a good answer                                 | hello, story             | GEMINI_OK                 | all                          |
   |   close (FIN, no close_notify) in chunk 2       | hello~close300           | GEMINI_ERR_TRUNCATED      | "Hello"                      |
   |   TCP reset in chunk 1, after its part closed   | hello~reset200           | GEMINI_ERR_IO             | "Hello"                      |
   |   HTTP 429                                      | err429~status429         | GEMINI_ERR_API            | none                         |
   |   server silent after event 1, idle 300 ms      | hello~stall              | GEMINI_ERR_TIMEOUT        | "Hello"                      |
   | descriptors                                     | whole suite              | same count before, after  |                              |
   | secrets                                         | every failure above      | API key never in message  |                              |

   Built with ASan and UBSan like the e2e tests; needs build/tls_server. Prints one line per
   fault (code, time, text) and ends with "N passed, N failed". */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "test.h"
#include "server.h"

#define KEY "fault-test-key-SECRET-0123456789"
#define HELLO "Hello, world!\n"
#define BIGSIG_TEXT "Before the signature. Signed text. After it. The end.\n"

/* ---- what a stream delivered ---- */

typedef struct collected {
    char text[16384];
    size_t text_len;
    char finish[32];
    int events, api_errors;
} collected;

static int collect(void *user, const gemini_event *ev)
{
    collected *c = (collected *)user;
    c->events++;
    if (ev->type == GEMINI_EVENT_TEXT) {
        size_t n = ev->len;
        if (n > sizeof c->text - 1 - c->text_len) n = sizeof c->text - 1 - c->text_len;
        memcpy(c->text + c->text_len, ev->text, n);
        c->text_len += n;
        c->text[c->text_len] = '\0';
    } else if (ev->type == GEMINI_EVENT_FINISH) {
        snprintf(c->finish, sizeof c->finish, "%s", ev->text);
    } else if (ev->type == GEMINI_EVENT_API_ERROR) {
        c->api_errors++;
    }
    return 0;
}

/* ---- the responses the server sends, rebuilt here (see tls_server.c) ---- */

typedef struct response {
    char bytes[16384];
    size_t len, head_len;
    size_t chunk_end[16];       /* offset just past each chunk's CRLF */
    int chunks;
    char text[8192];            /* the whole answer text */
} response;

/* Length of the first event of p, as tls_server.c's event_length() cuts it. */
static size_t event_length(const char *p, size_t n)
{
    size_t i = 0, line_start = 0;
    while (i < n) {
        size_t eol;
        if (p[i] != '\r' && p[i] != '\n') { i++; continue; }
        eol = (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
        if (i == line_start && i > 0) return i + eol;
        i += eol;
        line_start = i;
    }
    return n;
}

static void add_bytes(response *r, const char *s, size_t n)
{
    if (n > sizeof r->bytes - r->len) n = sizeof r->bytes - r->len;
    memcpy(r->bytes + r->len, s, n);
    r->len += n;
}

/* What the sans-I/O parser makes of the first n bytes of a response (head included). */
static int parse_prefix(const char *bytes, size_t n, collected *out)
{
    static gemini_parser p;
    memset(out, 0, sizeof *out);
    gemini_parser_init(&p, 0, collect, out);
    gemini_parser_feed(&p, bytes, n);
    return gemini_parser_finish(&p);
}

/* The 200 response tls_server sends for tests/data/FILE (an .sse file, no options). */
static int build_response(const char *file, response *r)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    char path[128], data[8192], size[24];
    size_t n, pos = 0;
    collected all;
    FILE *f;
    memset(r, 0, sizeof *r);
    snprintf(path, sizeof path, "tests/data/%s", file);
    if (!(f = fopen(path, "rb"))) return -1;
    n = fread(data, 1, sizeof data, f);
    fclose(f);
    add_bytes(r, head, sizeof head - 1);
    r->head_len = r->len;
    while (pos < n && r->chunks < 16) {
        size_t e = event_length(data + pos, n - pos);
        add_bytes(r, size, (size_t)snprintf(size, sizeof size, "%zx\r\n", e));
        add_bytes(r, data + pos, e);
        add_bytes(r, "\r\n", 2);
        r->chunk_end[r->chunks++] = r->len;
        pos += e;
    }
    add_bytes(r, "0\r\n\r\n", 5);
    if (parse_prefix(r->bytes, r->len, &all) != GEMINI_OK) return -1;
    memcpy(r->text, all.text, all.text_len + 1);
    return 0;
}

/* ---- client, clock, process ---- */

static test_server server;
static const char *body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}";
static response hello;          /* hello.sse as sent */
static response story;

static int open_client(gemini_client *c, const char *url, long idle_ms, long total_ms)
{
    gemini_config cfg;
    test_config(&cfg, url, KEY);
    cfg.connect_timeout_ms = 2000;
    cfg.idle_timeout_ms = idle_ms;
    cfg.total_timeout_ms = total_ms;
    return gemini_client_init(c, &cfg);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return -1;
    return (long)ru.ru_maxrss;
}

static long long elapsed;       /* ms taken by the last run() */

static int run(gemini_client *c, const char *model, const char *b, size_t len, collected *got)
{
    long long t0 = now_ms();
    int err;
    memset(got, 0, sizeof *got);
    err = gemini_stream(c, model, b, len, collect, got);
    elapsed = now_ms() - t0;
    return err;
}

static int stream(gemini_client *c, const char *model, collected *got)
{
    return run(c, model, body, strlen(body), got);
}

static void copy_text(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n > cap - 1) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int is_prefix(const char *text, size_t len, const char *full)
{
    return len <= strlen(full) && memcmp(text, full, len) == 0;
}

/* The checks every failure gets: its code; a message that names it and never holds the key;
   the text so far equal to `want` (NULL: any prefix of `full`); no longer than max_ms. */
static void check_outcome(const char *what, const gemini_client *c, int err, int want_err,
                          const collected *got, const char *want, const char *full,
                          long long min_ms, long long max_ms)
{
    const char *msg = gemini_client_message(c);
    printf("  %-44s %-34s %5lld ms, %zu bytes of text\n", what, gemini_strerror(err), elapsed,
           got->text_len);
    CHECK_INT(err, want_err);
    CHECK_INT(c->err, err);
    if (want) CHECK_MEM(got->text, got->text_len, want);
    if (full) CHECK(is_prefix(got->text, got->text_len, full));
    if (elapsed < min_ms || elapsed > max_ms) {
        fprintf(stderr, "  %s: took %lld ms, expected %lld..%lld\n", what, elapsed, min_ms, max_ms);
        CHECK(0);
    }
    if (err != GEMINI_OK) {
        CHECK(strstr(msg, KEY) == NULL && strstr(msg, "SECRET") == NULL);
        CHECK(strstr(msg, gemini_strerror(err)) != NULL);
    }
}

/* ---- cases ---- */

static void test_connection_refused(void)
{
    static gemini_client c;
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    char url[64];
    collected got;
    int fd = socket(AF_INET, SOCK_STREAM, 0), i;
    /* a port that was free a moment ago and has no listener now */
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
          getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    if (fd >= 0) close(fd);
    snprintf(url, sizeof url, "https://127.0.0.1:%u", (unsigned)ntohs(sa.sin_port));
    CHECK_INT(open_client(&c, url, 2000, 0), GEMINI_OK);
    for (i = 0; i < 3; i++) {          /* again and again: nothing leaks, same answer */
        CHECK_INT(stream(&c, "hello", &got), GEMINI_ERR_CONNECT);
        check_outcome("connection refused", &c, c.err, GEMINI_ERR_CONNECT, &got, "", NULL, 0, 1000);
        CHECK_INT(got.events, 0);
    }
    gemini_client_free(&c);
}

/* hello~resetN on a new connection: IO, and exactly `want` delivered. */
static void check_reset(const char *what, size_t n, const char *want)
{
    static gemini_client c;
    collected got;
    char model[64];
    snprintf(model, sizeof model, "hello~reset%zu", n);
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    stream(&c, model, &got);
    check_outcome(what, &c, c.err, GEMINI_ERR_IO, &got, want, hello.text, 0, 2000);
    CHECK_INT(c.connections, 1);
    gemini_client_free(&c);
}

static void test_reset_before_status_line(void)
{
    check_reset("RST before the status line", 0, "");
}

static void test_reset_in_head(void)
{
    check_reset("RST in the middle of the head", hello.head_len / 2, "");
}

static void test_reset_inside_chunk(void)
{
    /* inside the text string of event 2: only event 1's text can have come */
    const char *at = strstr(hello.bytes + hello.chunk_end[0], ", wor");
    CHECK(at != NULL);
    if (at) check_reset("RST inside a chunk (mid-string)", (size_t)(at - hello.bytes) + 3, "Hello");
}

static void test_reset_between_events(void)
{
    check_reset("RST between events 1 and 2", hello.chunk_end[0], "Hello");
    check_reset("RST between events 2 and 3", hello.chunk_end[1], "Hello, world");
}

/* Every 5th offset (and each chunk boundary) on one client: IO with what the sans-I/O parser
   gives for those bytes, or OK once the whole response went out. */
static void test_reset_sweep(void)
{
    static gemini_client c;
    collected got, want;
    char model[64];
    size_t n;
    int runs = 0, ok = 0, mismatches = 0;
    long long t0 = now_ms(), worst = 0;
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    for (n = 0; n <= hello.len + 5; n++) {
        int err, boundary = 0, k;
        for (k = 0; k < hello.chunks; k++) boundary |= n == hello.chunk_end[k] || n + 1 == hello.chunk_end[k];
        if (n % 5 != 0 && !boundary && n != hello.head_len && n + 1 != hello.len && n != hello.len)
            continue;
        snprintf(model, sizeof model, "hello~reset%zu", n);
        /* a fresh connection each run: a reset after a whole answer kills the kept connection,
           and a POST that meets a reset is not retried (the server may have read it) */
        gemini_client_free(&c);
        CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
        err = stream(&c, model, &got);
        parse_prefix(hello.bytes, n < hello.len ? n : hello.len, &want);
        runs++;
        if (elapsed > worst) worst = elapsed;
        if (n >= hello.len) {
            ok++;
            CHECK_INT(err, GEMINI_OK);
            CHECK_MEM(got.text, got.text_len, HELLO);
        } else if (err != GEMINI_ERR_IO || got.text_len != want.text_len ||
                   memcmp(got.text, want.text, got.text_len) != 0) {
            if (mismatches++ < 5)
                fprintf(stderr, "  reset after %zu of %zu bytes: %s, text \"%s\", expected "
                        "%s, text \"%s\"\n", n, hello.len, gemini_strerror(err), got.text,
                        gemini_strerror(GEMINI_ERR_IO), want.text);
            CHECK(0);
        }
        if (err) {
            CHECK(strstr(gemini_client_message(&c), KEY) == NULL);
            CHECK(strstr(gemini_client_message(&c), gemini_strerror(err)) != NULL);
        }
    }
    printf("  %-44s %d runs, %d complete, %d wrong, slowest %lld ms, %lld ms in all\n",
           "RST sweep over hello's response", runs, ok, mismatches, worst, now_ms() - t0);
    CHECK(worst < 2000);
    /* after all that, the client still works */
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_MEM(got.text, got.text_len, HELLO);
    gemini_client_free(&c);
}

/* The reset comes on a kept-alive connection before any byte: the library retries once on a
   new connection (it cannot tell this from a server that closed an idle connection), where the
   reset comes again. So the request reaches the server twice. */
static void test_reset_on_kept_alive_connection(void)
{
    static gemini_client c;
    collected got;
    int sent_before = server_log_count(&server, "/hello~reset0:");
    int sent;
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_INT(stream(&c, "hello~reset0", &got), GEMINI_ERR_IO);
    check_outcome("RST before status line, kept-alive conn", &c, c.err, GEMINI_ERR_IO, &got, "",
                  NULL, 0, 2000);
    sent = server_log_count(&server, "/hello~reset0:") - sent_before;
    printf("  %-44s the request was sent %d times, %d connections\n", "", sent, c.connections);
    CHECK(sent >= 1 && sent <= 2);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);       /* usable afterwards */
    CHECK_MEM(got.text, got.text_len, HELLO);
    gemini_client_free(&c);
}

/* The server reads the head of an 8 MB request and closes: the send fails. */
static void test_close_while_sending(void)
{
    static gemini_client c;
    static const char pre[] = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"";
    static const char post[] = "\"}]}]}";
    size_t len = 8u * 1024 * 1024, fill = len - (sizeof pre - 1) - (sizeof post - 1);
    char *big = (char *)malloc(len);
    collected got;
    CHECK(big != NULL);
    if (!big) return;
    memcpy(big, pre, sizeof pre - 1);
    memset(big + sizeof pre - 1, 'a', fill);
    memcpy(big + sizeof pre - 1 + fill, post, sizeof post - 1);
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    run(&c, "hello~earlyclose", big, len, &got);
    check_outcome("server closes during an 8 MB request", &c, c.err, GEMINI_ERR_IO, &got, "",
                  NULL, 0, 5000);
    CHECK_INT(got.events, 0);
    CHECK(server_log_count(&server, "/hello~earlyclose:") >= 1);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);       /* usable afterwards */
    CHECK_MEM(got.text, got.text_len, HELLO);
    gemini_client_free(&c);
    free(big);
}

/* The same through gemini_stream_request: 6 MiB of inline data, base64-encoded as it is sent. */
static void test_close_while_sending_request(void)
{
    static gemini_client c;
    size_t len = 6u * 1024 * 1024;
    unsigned char *data = (unsigned char *)malloc(len);
    gemini_part_spec parts[2];
    gemini_content content;
    gemini_request req;
    collected got;
    long long t0;
    int err;
    CHECK(data != NULL);
    if (!data) return;
    memset(data, 0x5a, len);
    memset(parts, 0, sizeof parts);
    memset(&content, 0, sizeof content);
    memset(&req, 0, sizeof req);
    parts[0].text = "What is in this file?";
    parts[1].mime_type = "application/octet-stream";
    parts[1].data = data;
    parts[1].data_len = len;
    content.parts = parts;
    content.part_count = 2;
    req.contents = &content;
    req.content_count = 1;
    memset(&got, 0, sizeof got);
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    t0 = now_ms();
    err = gemini_stream_request(&c, "hello~earlyclose", &req, collect, &got);
    elapsed = now_ms() - t0;
    check_outcome("same, 8 MiB written by gemini_stream_request", &c, err, GEMINI_ERR_IO, &got, "",
                  NULL, 0, 5000);
    CHECK_INT(got.events, 0);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    gemini_client_free(&c);
    free(data);
}

static void test_head_never_ends(void)
{
    static gemini_client c;
    collected got;
    CHECK_INT(open_client(&c, server.url, 5000, 1500), GEMINI_OK);
    stream(&c, "hello~headslow1000", &got);
    check_outcome("head at 1 byte/s, total timeout 1500 ms", &c, c.err, GEMINI_ERR_TIMEOUT, &got,
                  "", NULL, 1400, 2250);
    CHECK_INT(got.events, 0);
    gemini_client_free(&c);
}

static void test_huge_head(void)
{
    static gemini_client c;
    collected got;
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    stream(&c, "hello~bighead1024", &got);
    check_outcome("1 MiB header block", &c, c.err, GEMINI_ERR_HEAD_TOO_LARGE, &got, "", NULL, 0, 1000);
    CHECK_INT(got.events, 0);
#if GEMINI_MAX_HEAD == 16384
    stream(&c, "hello~bighead15", &got);         /* 15 KiB + ~90 bytes: fits */
    check_outcome("15 KiB header block (under the limit)", &c, c.err, GEMINI_OK, &got, HELLO, NULL, 0, 1000);
    stream(&c, "hello~bighead16", &got);         /* 16 KiB + ~90 bytes: does not */
    check_outcome("16 KiB header block (over the limit)", &c, c.err, GEMINI_ERR_HEAD_TOO_LARGE, &got,
                  "", NULL, 0, 1000);
#endif
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    gemini_client_free(&c);
}

static void test_chunk_size_overflow(void)
{
    static gemini_client c;
    collected got;
    long rss = peak_rss_kb();
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    stream(&c, "fault-chunk2e64", &got);
    check_outcome("chunk size 2^64 (17 hex digits)", &c, c.err, GEMINI_ERR_CHUNK_SIZE, &got,
                  "Hello", HELLO, 0, 1000);
    stream(&c, "fault-chunk17f", &got);
    check_outcome("chunk size of 17 f's", &c, c.err, GEMINI_ERR_CHUNK_SIZE, &got, "Hello", HELLO,
                  0, 1000);
    stream(&c, "fault-chunk16f", &got);
    check_outcome("chunk size of 16 f's, short data, close", &c, c.err, GEMINI_ERR_TRUNCATED, &got,
                  HELLO, HELLO, 0, 1000);
    CHECK(peak_rss_kb() - rss < 4096);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    gemini_client_free(&c);
}

/* Runs first: the peak RSS must not have been raised by an earlier case. */
static void test_ten_megabyte_event(void)
{
    static gemini_client c;
    collected got;
    long before, after;
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);        /* warm up: TLS, buffers */
    before = peak_rss_kb();
    CHECK_INT(stream(&c, "bigsig~mb10", &got), GEMINI_OK);
    after = peak_rss_kb();
    printf("  %-44s %-34s %5lld ms, peak RSS %ld -> %ld KiB\n", "one 10 MiB event (thoughtSignature)",
           gemini_strerror(c.err), elapsed, before, after);
    CHECK_MEM(got.text, got.text_len, BIGSIG_TEXT);
    CHECK_STR(got.finish, "STOP");
    CHECK(before > 0 && after - before < 4096);
    CHECK(elapsed < 10000);
    /* a reset 5 MB into that event: the part holding the signature never closed */
    stream(&c, "bigsig~mb10~reset5000000", &got);
    check_outcome("RST inside the 10 MiB event", &c, c.err, GEMINI_ERR_IO, &got,
                  "Before the signature. ", BIGSIG_TEXT, 0, 5000);
    CHECK(peak_rss_kb() - before < 4096);
    gemini_client_free(&c);
}

static void test_open_after_last_event(void)
{
    static gemini_client c;
    collected got;
    CHECK_INT(open_client(&c, server.url, 500, 0), GEMINI_OK);
    stream(&c, "hello~noterm", &got);
    check_outcome("no terminating chunk, idle timeout 500 ms", &c, c.err, GEMINI_ERR_TIMEOUT, &got,
                  HELLO, NULL, 450, 750);
    CHECK_STR(got.finish, "STOP");
    gemini_client_free(&c);
}

/* ---- 100 requests on one client, faults among them ---- */

static unsigned long long prng_state;

static unsigned prng(void)          /* xorshift64* */
{
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return (unsigned)((prng_state * 2685821657736338717ULL) >> 33);
}

#define MIX_IDLE_MS 300

static void test_random_faults_on_one_client(void)
{
    static gemini_client c;
    struct mix {
        const char *model;
        int want;
        char text[8192];            /* exactly what must arrive */
        int runs, wrong;
    } mix[6];
    const char *seed_env = getenv("FAULT_SEED");
    unsigned long long seed = seed_env ? strtoull(seed_env, NULL, 10) : 20260101ULL;
    int codes[100], code_runs[100];
    int i, k, ncodes = 0, good_after_fault = 0, last_failed = 0, bad = 0;
    long long t0 = now_ms();
    collected got, want;

    memset(mix, 0, sizeof mix);
    mix[0].model = "hello";            mix[0].want = GEMINI_OK;
    copy_text(mix[0].text, sizeof mix[0].text, hello.text);
    mix[1].model = "story";            mix[1].want = GEMINI_OK;
    copy_text(mix[1].text, sizeof mix[1].text, story.text);
    /* close300 cuts inside event 2's chunk, reset200 inside event 1's after its part closed */
    mix[2].model = "hello~close300";   mix[2].want = GEMINI_ERR_TRUNCATED;
    parse_prefix(hello.bytes, hello.head_len + 300, &want);
    copy_text(mix[2].text, sizeof mix[2].text, want.text);
    mix[3].model = "hello~reset200";   mix[3].want = GEMINI_ERR_IO;
    parse_prefix(hello.bytes, 200, &want);
    copy_text(mix[3].text, sizeof mix[3].text, want.text);
    mix[4].model = "err429~status429"; mix[4].want = GEMINI_ERR_API;
    mix[5].model = "hello~stall";      mix[5].want = GEMINI_ERR_TIMEOUT;
    copy_text(mix[5].text, sizeof mix[5].text, "Hello");
    CHECK_STR(mix[2].text, "Hello");
    CHECK_STR(mix[3].text, "Hello");

    prng_state = seed ? seed : 1;
    CHECK_INT(open_client(&c, server.url, MIX_IDLE_MS, 0), GEMINI_OK);
    for (i = 0; i < 100; i++) {
        struct mix *m = &mix[prng() % 6];
        const char *full = m == &mix[1] ? story.text : m == &mix[4] ? "" : hello.text;
        int err = stream(&c, m->model, &got), ok;
        m->runs++;
        /* the invariant: the whole answer with OK, or a clear error with a prefix of it */
        ok = err == GEMINI_OK ? (got.text_len == strlen(full) && is_prefix(got.text, got.text_len, full))
                              : is_prefix(got.text, got.text_len, full);
        ok = ok && err == m->want && got.text_len == strlen(m->text) &&
             memcmp(got.text, m->text, got.text_len) == 0;
        ok = ok && elapsed < (m->want == GEMINI_ERR_TIMEOUT ? MIX_IDLE_MS * 3 / 2 : 2000);
        if (err) {
            const char *msg = gemini_client_message(&c);
            ok = ok && strstr(msg, KEY) == NULL && strstr(msg, gemini_strerror(err)) != NULL;
        }
        if (err == GEMINI_ERR_API) ok = ok && got.api_errors == 1 && c.http_status == 429;
        if (!ok) {
            m->wrong++;
            if (bad++ < 5)
                fprintf(stderr, "  request %d (%s, after %s): %s in %lld ms, text \"%.60s\"\n", i,
                        m->model, last_failed ? "a failure" : "a success", gemini_strerror(err),
                        elapsed, got.text);
        }
        if (!err && last_failed) good_after_fault++;
        last_failed = err != GEMINI_OK;
        for (k = 0; k < ncodes && codes[k] != err; k++) {
        }
        if (k == ncodes) { codes[ncodes] = err; code_runs[ncodes++] = 0; }
        code_runs[k]++;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);        /* usable at the end */
    CHECK_MEM(got.text, got.text_len, HELLO);
    printf("  random faults, seed %llu: 100 requests in %lld ms over %d connections, %d good "
           "answers right after a failure\n", seed, now_ms() - t0, c.connections, good_after_fault);
    for (k = 0; k < 6; k++)
        printf("    %-18s %3d runs, expected %-34s %d wrong\n", mix[k].model, mix[k].runs,
               gemini_strerror(mix[k].want), mix[k].wrong);
    for (k = 0; k < ncodes; k++) printf("    outcome %-34s %3d\n", gemini_strerror(codes[k]), code_runs[k]);
    gemini_client_free(&c);
}

/* ---- main ---- */

#define RUN(fn) test_run(#fn, fn)

int main(void)
{
    int fds_before, fds_after;
    signal(SIGPIPE, SIG_IGN);
    if (build_response("hello.sse", &hello) != 0 || build_response("story.sse", &story) != 0 ||
        strcmp(hello.text, HELLO) != 0 || hello.chunks != 3) {
        fprintf(stderr, "cannot rebuild the responses of tests/data/hello.sse, story.sse\n");
        printf("0 passed, 1 failed\n");
        return 1;
    }
    if (server_start(&server, "good") != 0) {
        fprintf(stderr, "cannot start build/tls_server\n");
        printf("0 passed, 1 failed\n");
        return 1;
    }
    fds_before = open_fds();
    RUN(test_ten_megabyte_event);
    RUN(test_connection_refused);
    RUN(test_reset_before_status_line);
    RUN(test_reset_in_head);
    RUN(test_reset_inside_chunk);
    RUN(test_reset_between_events);
    RUN(test_reset_sweep);
    RUN(test_reset_on_kept_alive_connection);
    RUN(test_close_while_sending);
    RUN(test_close_while_sending_request);
    RUN(test_head_never_ends);
    RUN(test_huge_head);
    RUN(test_chunk_size_overflow);
    RUN(test_open_after_last_event);
    RUN(test_random_faults_on_one_client);
    fds_after = open_fds();
    if (fds_after != fds_before)
        fprintf(stderr, "descriptors: %d open before, %d after\n", fds_before, fds_after);
    test_count("no descriptor left open", fds_after == fds_before);
    server_stop(&server);
    return test_report();
}
