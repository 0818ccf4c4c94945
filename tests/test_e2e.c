/* test_e2e.c - the client against the project's TLS test server over loopback: streams,
   timeouts, truncation, API errors, certificates, keep-alive, TLS resumption, descriptors and
   heap use. Linked with -Wl,--wrap=malloc,... so that the library's own allocations are counted. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <sys/resource.h>

#include "test.h"
#include "server.h"

#define KEY "e2e-test-key-0123456789"

/* ---- allocation counting (only calls made from this translation unit are wrapped) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
static long allocations;
void *__wrap_malloc(size_t n) { allocations++; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { allocations++; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { allocations++; return __real_realloc(p, n); }

/* ---- what a stream delivered ---- */

typedef struct collected {
    char text[8192];
    size_t text_len;
    size_t text_total;          /* all answer bytes, also past the buffer */
    char thought[1024];
    char calls[512];
    char finish[32];
    size_t signature_len;       /* THOUGHT_SIGNATURE bytes, when asked for */
    int signature_ok;           /* ... and all of them were base64 of "Biscuit" */
    char error_status[32];
    char error_message[256];
    int error_http;
    int events, usage_events, cancel_after;
    int idles, cancel_at_idle;  /* GEMINI_EVENT_IDLE: how many; stop at the first when asked */
    int texts_since_idle, most_texts_between_idles;
} collected;

static void add(char *buf, size_t cap, const char *s, size_t n)
{
    size_t have = strlen(buf);
    if (have + n >= cap) n = cap - have - 1;
    memcpy(buf + have, s, n);
    buf[have + n] = '\0';
}

static int collect(void *user, const gemini_event *ev)
{
    collected *c = (collected *)user;
    c->events++;
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
        add(c->text, sizeof c->text, ev->text, ev->len);
        c->text_total += ev->len;
        if (++c->texts_since_idle > c->most_texts_between_idles)
            c->most_texts_between_idles = c->texts_since_idle;
        break;
    case GEMINI_EVENT_IDLE:
        c->events--;            /* not part of the stream */
        c->idles++;
        c->texts_since_idle = 0;
        return c->cancel_at_idle;
    case GEMINI_EVENT_THOUGHT: add(c->thought, sizeof c->thought, ev->text, ev->len); break;
    case GEMINI_EVENT_FUNCTION_CALL:
        add(c->calls, sizeof c->calls, ev->text, ev->len);
        add(c->calls, sizeof c->calls, ev->args, ev->args_len);
        add(c->calls, sizeof c->calls, ev->id, strlen(ev->id));
        break;
    case GEMINI_EVENT_FINISH: snprintf(c->finish, sizeof c->finish, "%s", ev->text); break;
    case GEMINI_EVENT_USAGE: c->usage_events++; break;
    case GEMINI_EVENT_THOUGHT_SIGNATURE: {
        size_t i;
        for (i = 0; i < ev->len; i++)       /* tests/data/thoughts.sse: "QmlzY3VpdA" repeated */
            if (ev->text[i] != "QmlzY3VpdA"[(c->signature_len + i) % 10]) c->signature_ok = 0;
        c->signature_len += ev->len;
        break;
    }
    case GEMINI_EVENT_API_ERROR:
        c->error_http = ev->http_status;
        snprintf(c->error_status, sizeof c->error_status, "%s", ev->status);
        snprintf(c->error_message, sizeof c->error_message, "%s", ev->text);
        break;
    default: break;
    }
    return c->cancel_after && c->events >= c->cancel_after;
}

/* The answer text a data file holds, read through the sans-I/O core. */
static void expected_text(const char *file, collected *out)
{
    static gemini_parser p;
    char path[128], buf[4096];
    size_t n;
    FILE *f;
    memset(out, 0, sizeof *out);
    snprintf(path, sizeof path, "tests/data/%s", file);
    f = fopen(path, "rb");
    if (!f) return;
    gemini_parser_init(&p, GEMINI_PARSE_BODY_ONLY, collect, out);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) gemini_parser_feed(&p, buf, n);
    gemini_parser_finish(&p);
    fclose(f);
}

static test_server server;
static gemini_client client;
static const char *body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}";

static int open_client(gemini_client *c, const char *url, long idle_ms, long total_ms)
{
    gemini_config cfg;
    test_config(&cfg, url, KEY);
    cfg.idle_timeout_ms = idle_ms;
    cfg.total_timeout_ms = total_ms;
    return gemini_client_init(c, &cfg);
}

static int stream(gemini_client *c, const char *model, collected *out)
{
    return gemini_stream(c, model, body, strlen(body), collect, out);
}

/* ---- cases ---- */

static void test_plain_stream(void)
{
    collected got, want;
    expected_text("hello.sse", &want);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, want.text);
    CHECK_STR(got.text, "Hello, world!\n");
    CHECK_STR(got.finish, "STOP");
    CHECK_INT(got.usage_events, 3);
    CHECK_INT(client.http_status, 200);
}

static void test_request_as_sent(void)
{
    char *log = server_log(&server), *rec, *b;
    char expect[256];
    rec = strrchr(log, '=') ? strstr(log, "POST ") : NULL;
    CHECK(rec != NULL);
    if (rec) {
        char *last = rec, *next;
        while ((next = strstr(last + 1, "\nPOST ")) != NULL) last = next + 1;
        rec = last;
        const char *line = "POST /v1beta/models/hello:streamGenerateContent?alt=sse HTTP/1.1\r\n";
        CHECK(strncmp(rec, line, strlen(line)) == 0);
        snprintf(expect, sizeof expect, "\r\nHost: localhost:%d\r\n", server.port);
        CHECK(strstr(rec, expect) != NULL);
        CHECK(strstr(rec, "\r\nx-goog-api-key: " KEY "\r\n") != NULL);
        CHECK(strstr(rec, "\r\nContent-Type: application/json\r\n") != NULL);
        snprintf(expect, sizeof expect, "\r\nContent-Length: %zu\r\n", strlen(body));
        CHECK(strstr(rec, expect) != NULL);
        CHECK(strstr(rec, "Accept-Encoding") == NULL);
        CHECK(strstr(rec, "key=") == NULL);           /* never in the URL */
        b = strstr(rec, "\r\n\r\n");
        CHECK(b != NULL && strncmp(b + 4, body, strlen(body)) == 0
              && strncmp(b + 4 + strlen(body), "\n=== end", 8) == 0);
    }
    free(log);
}

static void test_one_byte_writes(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "hello~bytes1", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    CHECK_STR(got.finish, "STOP");
}

static void test_slow_drip_story(void)
{
    collected got, want;
    expected_text("story.sse", &want);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "story~drip5", &got), GEMINI_OK);
    CHECK(want.text_len == 0 && strlen(want.text) > 500);
    CHECK_STR(got.text, want.text);
}

/* Each of hello's three events comes 100 ms after the last: the client says IDLE before each
   wait, so a caller that flushes there shows every piece at once. */
static void test_idle_between_pieces(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "hello~drip100", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    CHECK_INT(got.most_texts_between_idles, 1);
    CHECK(got.idles >= 2);
}

static void test_thoughts_and_calls(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "thoughts", &got), GEMINI_OK);
    CHECK_STR(got.thought, "**Thinking about cats**\n\nA short answer is best.\n");
    CHECK_STR(got.text, "Cats purr when content.\n");
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "call", &got), GEMINI_OK);
    CHECK_STR(got.calls, "get_weather{\"city\": \"Paris\",\"days\": [1,2]}call-1");  /* raw */
}

static void test_thought_signatures(void)
{
    static gemini_client c;
    gemini_config cfg;
    collected got;
    memset(&got, 0, sizeof got);
    test_config(&cfg, server.url, KEY);
    cfg.thought_signatures = 1;
    got.signature_ok = 1;
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_OK);
    CHECK_INT(stream(&c, "thoughts", &got), GEMINI_OK);
    CHECK_INT(got.signature_len, 3000);
    CHECK(got.signature_ok);
    CHECK_STR(got.text, "Cats purr when content.\n");
    gemini_client_free(&c);
    memset(&got, 0, sizeof got);                /* not asked for: none */
    CHECK_INT(stream(&client, "thoughts", &got), GEMINI_OK);
    CHECK_INT(got.signature_len, 0);
}

static void test_close_mid_stream(void)
{
    collected got, want;
    expected_text("story.sse", &want);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "story~close1500", &got), GEMINI_ERR_TRUNCATED);
    CHECK(strlen(got.text) > 0);
    CHECK(strncmp(want.text, got.text, strlen(got.text)) == 0);   /* what came stays */
    CHECK(strlen(got.text) < strlen(want.text));
    CHECK(strstr(gemini_client_message(&client), "truncated") != NULL);
}

static void test_stall_times_out(void)
{
    static gemini_client c;
    collected got;
    long long t0, elapsed;
    memset(&got, 0, sizeof got);
    CHECK_INT(open_client(&c, server.url, 500, 0), GEMINI_OK);
    t0 = now_ms();
    CHECK_INT(stream(&c, "hello~stall", &got), GEMINI_ERR_TIMEOUT);
    elapsed = now_ms() - t0;
    CHECK_STR(got.text, "Hello");
    CHECK(elapsed >= 450 && elapsed <= 750);       /* within 1.5x the idle timeout */
    gemini_client_free(&c);
}

static void test_total_deadline(void)
{
    static gemini_client c;
    collected got;
    long long t0, elapsed;
    memset(&got, 0, sizeof got);
    CHECK_INT(open_client(&c, server.url, 5000, 800), GEMINI_OK);
    t0 = now_ms();
    CHECK_INT(stream(&c, "hello~headslow", &got), GEMINI_ERR_TIMEOUT);
    elapsed = now_ms() - t0;
    CHECK(elapsed >= 750 && elapsed <= 1200);
    CHECK_INT(got.events, 0);
    gemini_client_free(&c);
}

static void test_api_errors(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "err429~status429", &got), GEMINI_ERR_API);
    CHECK_INT(got.error_http, 429);
    CHECK_STR(got.error_status, "RESOURCE_EXHAUSTED");
    CHECK_STR(got.error_message, "Resource has been exhausted (e.g. check quota).");
    CHECK(strstr(gemini_client_message(&client), "RESOURCE_EXHAUSTED") != NULL);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "err503~status503", &got), GEMINI_ERR_API);
    CHECK_INT(got.error_http, 503);
    CHECK_STR(got.error_status, "UNAVAILABLE");
    CHECK_INT(client.http_status, 503);
}

static void test_error_inside_stream(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "midstream-error", &got), GEMINI_ERR_API);
    CHECK_STR(got.text, "First second ");
    CHECK_INT(got.error_http, 200);
    CHECK_STR(got.error_status, "UNAVAILABLE");
    CHECK_STR(got.error_message, "The model is overloaded. Please try again later.");
}

static void test_keep_alive_reuse(void)
{
    static gemini_client c;
    collected got;
    int i, before = server_log_count(&server, "=== conn "), third = server_log_count(&server, " req 3 ");
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    for (i = 0; i < 3; i++) {
        memset(&got, 0, sizeof got);
        CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
        CHECK_STR(got.text, "Hello, world!\n");
        CHECK_INT(c.reused, i > 0);
    }
    CHECK_INT(c.connections, 1);
    CHECK_INT(server_log_count(&server, "=== conn ") - before, 3);
    CHECK_INT(server_log_count(&server, " req 3 ") - third, 1);
    gemini_client_free(&c);
}

static void test_session_resumption(void)
{
    static gemini_client c;
    collected got;
    int resumed_before = server_log_count(&server, "resumed 1");
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&c, "hello~closeconn", &got), GEMINI_OK);
    CHECK_INT(c.resumed, 0);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    CHECK_INT(c.connections, 2);
    CHECK_INT(c.resumed, 1);
    CHECK_INT(server_log_count(&server, "resumed 1") - resumed_before, 1);
    gemini_client_free(&c);
}

/* The library's own sockets, counting what is sent over each connection. */
typedef struct counted_socket {
    gemini_socket sock;
    int connection;             /* connections opened so far */
    long sent_on[4];            /* bytes sent over connection 1, 2, 3 (index 0 unused) */
} counted_socket;

static int counted_connect(void *ctx, const char *host, unsigned port, long timeout_ms)
{
    counted_socket *cs = (counted_socket *)ctx;
    if (cs->connection < 3) cs->connection++;
    return gemini__sock_connect(&cs->sock, host, port, timeout_ms);
}

static long counted_recv(void *ctx, unsigned char *buf, size_t len, long timeout_ms)
{
    return gemini__sock_recv(&((counted_socket *)ctx)->sock, buf, len, timeout_ms);
}

static long counted_send(void *ctx, const unsigned char *buf, size_t len, long timeout_ms)
{
    counted_socket *cs = (counted_socket *)ctx;
    long n = gemini__sock_send(&cs->sock, buf, len, timeout_ms);
    if (n > 0) cs->sent_on[cs->connection] += n;
    return n;
}

static void counted_close(void *ctx)
{
    gemini__sock_close(&((counted_socket *)ctx)->sock);
}

/* A server may close a kept-alive connection whenever it likes: the client notices before it
   reuses the connection (it looks at it first), and sends nothing more over it. */
static void test_server_drops_idle_connection(void)
{
    static gemini_client c;
    static counted_socket cs;
    gemini_transport counted = {&cs, counted_connect, counted_recv, counted_send, counted_close};
    struct timespec pause = {0, 100 * 1000000L};
    gemini_config cfg;
    collected got;
    long sent_before;
    memset(&got, 0, sizeof got);
    memset(&cs, 0, sizeof cs);
    cs.sock.fd = -1;
    test_config(&cfg, server.url, KEY);
    cfg.transport = &counted;
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_OK);
    CHECK_INT(stream(&c, "hello~dropidle", &got), GEMINI_OK);
    sent_before = cs.sent_on[1];
    nanosleep(&pause, NULL);            /* the close_notify and the FIN arrive meanwhile */
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    /* over the closed connection at most the answering close_notify (a 31-byte record), not
       the request (hundreds of bytes) */
    CHECK(cs.sent_on[1] - sent_before <= 31);
    CHECK_INT(cs.connection, 2);
    CHECK_INT(c.reused, 0);
    gemini_client_free(&c);
}

static void test_multi_megabyte(void)
{
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "big~mb8", &got), GEMINI_OK);
    CHECK_INT(got.text_total, 8 * 1024000);
    CHECK_STR(got.finish, "STOP");
}

static void test_no_heap_during_stream(void)
{
    collected got;
    long before;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "hello", &got), GEMINI_OK);  /* make sure a connection is open */
    before = allocations;
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "story", &got), GEMINI_OK);
    CHECK_INT(client.reused, 1);
    CHECK_INT(allocations - before, 0);
}

static void test_cancel(void)
{
    collected got;
    int conns = client.connections;
    memset(&got, 0, sizeof got);
    got.cancel_after = 1;
    CHECK_INT(stream(&client, "story~drip5", &got), GEMINI_ERR_CANCELLED);
    CHECK_INT(got.events, 1);
    memset(&got, 0, sizeof got);
    got.cancel_at_idle = 1;     /* stopping at an IDLE event cancels too */
    CHECK_INT(stream(&client, "story~drip5", &got), GEMINI_ERR_CANCELLED);
    CHECK_INT(got.idles, 1);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&client, "hello", &got), GEMINI_OK);   /* usable after a cancel */
    CHECK_INT(client.connections, conns + 2);
}

static void test_bad_input(void)
{
    static gemini_client c;
    collected got;
    gemini_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.api_key = KEY;
    cfg.base_url = "http://localhost:1";
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_ERR_BAD_URL);
    gemini_client_free(&c);
    cfg.base_url = NULL;
    cfg.api_key = "bad\r\nkey";
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_ERR_USAGE);
    CHECK(strstr(gemini_client_message(&c), "bad") == NULL);   /* the key is not echoed */
    gemini_client_free(&c);
    cfg.api_key = NULL;
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_ERR_NO_KEY);
    gemini_client_free(&c);
    memset(&got, 0, sizeof got);
    CHECK_INT(gemini_stream(&client, "a/b?c", body, strlen(body), collect, &got), GEMINI_ERR_BAD_MODEL);
    CHECK_INT(got.events, 0);
}

static void test_connection_refused(void)
{
    static gemini_client c;
    collected got;
    char url[64];
    test_server gone;
    CHECK_INT(server_start(&gone, "good"), 0);
    snprintf(url, sizeof url, "https://localhost:%d", gone.port);
    server_stop(&gone);                                     /* the port is closed now */
    memset(&got, 0, sizeof got);
    CHECK_INT(open_client(&c, url, 2000, 0), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_ERR_CONNECT);
    CHECK_INT(got.events, 0);
    gemini_client_free(&c);
}

/* Each refused certificate: a TLS error naming the reason, and no event. */
static void check_refused(const char *cert, const char *reason)
{
    static gemini_client c;
    test_server s;
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(server_start(&s, cert), 0);
    CHECK_INT(open_client(&c, s.url, 5000, 0), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_ERR_CERT);
    CHECK_INT(got.events, 0);
    if (!strstr(gemini_client_message(&c), reason)) {
        fprintf(stderr, "  %s: message \"%s\" lacks \"%s\"\n", cert, gemini_client_message(&c), reason);
        CHECK(0);
    }
    CHECK_INT(server_log_count(&s, "=== conn "), 0);       /* no request left the client */
    gemini_client_free(&c);
    server_stop(&s);
}

static void test_bad_certificates(void)
{
    check_refused("expired", "expired");
    check_refused("wronghost", "host name");
    check_refused("selfsigned", "trusted");
    check_refused("otherca", "trusted");
}

/* A chain shaped like Google's (tests/pki/gchain.pem): a P-256 leaf and a P-256 intermediate
   signed by a P-384 root, which is the trust anchor. Checking it takes a P-384 signature as well
   as the P-256 ones; the same chain without its root among the anchors is refused. */
static void test_p384_rooted_chain(void)
{
    static gemini_client c;
    gemini_config cfg;
    test_server s;
    collected got;
    memset(&got, 0, sizeof got);
    CHECK_INT(server_start(&s, "gchain"), 0);
    test_config(&cfg, s.url, KEY);
    cfg.ca_file = "tests/pki/root384.pem";
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    gemini_client_free(&c);
    server_stop(&s);
    check_refused("gchain", "trusted");                     /* anchors: tests/pki/ca.pem */
}

/* Each certificate error we name, word for word, and the phrase for the others. */
static void test_certificate_reasons(void)
{
    static const struct { int code; const char *text; } reasons[] = {
        {BR_ERR_X509_EXPIRED, "certificate expired or not yet valid"},
        {BR_ERR_X509_BAD_SERVER_NAME, "certificate does not match the host name"},
        {BR_ERR_X509_NOT_TRUSTED, "certificate not issued by a trusted authority"},
        {BR_ERR_X509_BAD_SIGNATURE, "certificate signature is invalid"},
        {BR_ERR_X509_NOT_CA, "an issuer in the chain is not a CA"},
        {BR_ERR_X509_TIME_UNKNOWN, "certificate time cannot be checked (no clock)"},
        {BR_ERR_X509_WEAK_PUBLIC_KEY, "certificate key too weak"},
        {BR_ERR_X509_FORBIDDEN_KEY_USAGE, "certificate key usage forbids TLS"},
        {BR_ERR_X509_CRITICAL_EXTENSION, "certificate has an unsupported critical extension"},
        {BR_ERR_X509_EMPTY_CHAIN, "server sent no certificate"},
        {BR_ERR_X509_DN_MISMATCH, "certificate chain is out of order"},
        {BR_ERR_X509_UNSUPPORTED, "certificate uses an unsupported algorithm"},
    };
    static const int others[] = {0, 1, BR_ERR_X509_OK, BR_ERR_X509_TRUNCATED, 61, 63, 0x123};
    size_t i;
    for (i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        CHECK_STR(gemini__x509_reason(reasons[i].code), reasons[i].text);
    for (i = 0; i < sizeof others / sizeof others[0]; i++)
        CHECK_STR(gemini__x509_reason(others[i]), "certificate could not be decoded");
}

/* One stream against a server started with `cert` and `option`; the suite it logged must be
   `suite` (4 hex digits). big~mb1 crosses many records, so the record layer is exercised. */
static void check_suite(const char *cert, const char *option, const char *suite)
{
    static gemini_client c;
    test_server s;
    collected got;
    char want[32];
    memset(&got, 0, sizeof got);
    CHECK_INT(server_start_with(&s, cert, option), 0);
    CHECK_INT(open_client(&c, s.url, 5000, 0), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&c, "big~mb1", &got), GEMINI_OK);
    CHECK(got.text_total == 1024000);
    snprintf(want, sizeof want, " suite %s\n", suite);
    if (server_log_count(&s, want) != 2) {
        fprintf(stderr, "  %s %s: the server did not log%s", cert, option ? option : "", want);
        CHECK(0);
    }
    gemini_client_free(&c);
    server_stop(&s);
}

/* AES-GCM where the CPU has AES-NI and carry-less multiply, else ChaCha20-Poly1305 only; ECDSA
   and RSA certificates; a server that takes only ChaCha20 gets it. */
static void test_cipher_suites(void)
{
    int aes_gcm = br_aes_x86ni_ctr_get_vtable() != NULL && br_ghash_pclmul_get() != 0;
#ifdef GEMINI_TLS_FULL
    aes_gcm = 1;
#endif
    check_suite("good", NULL, aes_gcm ? "c02b" : "cca9");   /* ECDHE_ECDSA_WITH_AES_128_GCM */
    check_suite("rsa", NULL, aes_gcm ? "c02f" : "cca8");    /* ECDHE_RSA_WITH_AES_128_GCM */
    check_suite("good", "--chacha", "cca9");    /* ECDHE_ECDSA_WITH_CHACHA20_POLY1305 */
    check_suite("rsa", "--chacha", "cca8");     /* ECDHE_RSA_WITH_CHACHA20_POLY1305 */
}

/* Trust from PEM in memory, and from the caller's own anchors (here: those another client
   decoded from the PEM file). */
static void test_trust_from_memory_and_anchors(void)
{
    static gemini_client a, b;
    static char pem[8192];
    gemini_config cfg;
    collected got;
    FILE *f = fopen("tests/pki/ca.pem", "rb");
    size_t n = f ? fread(pem, 1, sizeof pem, f) : 0;
    if (f) fclose(f);
    CHECK(n > 0);
    memset(&cfg, 0, sizeof cfg);
    cfg.api_key = KEY;
    cfg.base_url = server.url;
    cfg.ca_pem = pem;
    cfg.ca_pem_len = n;
    CHECK_INT(gemini_client_init(&a, &cfg), GEMINI_OK);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&a, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    cfg.ca_pem = NULL;
    cfg.trust_anchors = a.anchors;
    cfg.trust_anchor_count = a.anchor_count;
    CHECK_INT(gemini_client_init(&b, &cfg), GEMINI_OK);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&b, "hello", &got), GEMINI_OK);
    CHECK_STR(got.text, "Hello, world!\n");
    gemini_client_free(&b);
    gemini_client_free(&a);
    cfg.trust_anchors = NULL;
    cfg.ca_pem = "not a certificate";
    cfg.ca_pem_len = strlen(cfg.ca_pem);
    CHECK_INT(gemini_client_init(&a, &cfg), GEMINI_ERR_TRUST);
    gemini_client_free(&a);
}

/* The certificate clock can be supplied: in 2200 the test certificates have expired. */
static long long year_2200(void *user)
{
    (void)user;
    return 7258118400LL;
}

static void test_supplied_clock(void)
{
    static gemini_client c;
    gemini_config cfg;
    collected got;
    memset(&got, 0, sizeof got);
    test_config(&cfg, server.url, KEY);
    cfg.clock = year_2200;
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_ERR_CERT);
    CHECK(strstr(gemini_client_message(&c), "expired") != NULL);
    gemini_client_free(&c);
}

/* 1000 requests in a row on one kept connection: no heap call, no growth, no new connection. */
static void test_thousand_requests(void)
{
    static gemini_client c;
    collected got;
    long before_alloc, before_rss;
    struct rusage ru;
    int i, bad = 0;
    CHECK_INT(open_client(&c, server.url, 5000, 0), GEMINI_OK);
    memset(&got, 0, sizeof got);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_OK);
    getrusage(RUSAGE_SELF, &ru);
    before_rss = ru.ru_maxrss;
    before_alloc = allocations;
    for (i = 0; i < 1000; i++) {
        memset(&got, 0, sizeof got);
        if (stream(&c, "hello", &got) != GEMINI_OK || strcmp(got.text, "Hello, world!\n") != 0)
            bad++;
    }
    getrusage(RUSAGE_SELF, &ru);
    CHECK_INT(bad, 0);
    CHECK_INT(allocations - before_alloc, 0);
    CHECK_INT(c.connections, 1);
    CHECK(ru.ru_maxrss - before_rss < 1024);        /* KiB: flat */
    gemini_client_free(&c);
}

static void test_builtin_roots_refuse_test_ca(void)
{
    static gemini_client c;
    gemini_config cfg;
    collected got;
    memset(&cfg, 0, sizeof cfg);
    memset(&got, 0, sizeof got);
    cfg.api_key = KEY;
    cfg.base_url = server.url;        /* no ca_file: the built-in Google roots */
    CHECK_INT(gemini_client_init(&c, &cfg), GEMINI_OK);
    CHECK_INT(stream(&c, "hello", &got), GEMINI_ERR_CERT);
    CHECK_INT(got.events, 0);
    gemini_client_free(&c);
}

#define RUN(fn) test_run(#fn, fn)

int main(void)
{
    int fds_before;
    signal(SIGPIPE, SIG_IGN);
    if (server_start(&server, "good") != 0) {
        fprintf(stderr, "cannot start build/tls_server\n");
        printf("0 passed, 1 failed\n");
        return 1;
    }
    fds_before = open_fds();
    if (open_client(&client, server.url, 5000, 0) != GEMINI_OK) {
        fprintf(stderr, "client init: %s\n", gemini_client_message(&client));
        return 1;
    }
    RUN(test_plain_stream);
    RUN(test_request_as_sent);
    RUN(test_one_byte_writes);
    RUN(test_slow_drip_story);
    RUN(test_idle_between_pieces);
    RUN(test_thoughts_and_calls);
    RUN(test_thought_signatures);
    RUN(test_close_mid_stream);
    RUN(test_stall_times_out);
    RUN(test_total_deadline);
    RUN(test_api_errors);
    RUN(test_error_inside_stream);
    RUN(test_keep_alive_reuse);
    RUN(test_session_resumption);
    RUN(test_server_drops_idle_connection);
    RUN(test_multi_megabyte);
    RUN(test_no_heap_during_stream);
    RUN(test_cancel);
    RUN(test_bad_input);
    RUN(test_connection_refused);
    RUN(test_bad_certificates);
    RUN(test_certificate_reasons);
    RUN(test_cipher_suites);
    RUN(test_p384_rooted_chain);
    RUN(test_builtin_roots_refuse_test_ca);
    RUN(test_trust_from_memory_and_anchors);
    RUN(test_supplied_clock);
    RUN(test_thousand_requests);
    gemini_client_free(&client);
    if (open_fds() != fds_before)
        fprintf(stderr, "descriptors: %d open before, %d after\n", fds_before, open_fds());
    test_count("no descriptor left open", open_fds() == fds_before);
    printf("sizeof(gemini_client) = %zu, sizeof(gemini_parser) = %zu\n", sizeof(gemini_client),
           sizeof(gemini_parser));
    server_stop(&server);
    return test_report();
}
