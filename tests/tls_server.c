/* tls_server.c - the project's TLS 1.2 / HTTP/1.1 test server (BearSSL), for end-to-end tests
 * and `make demo`. It imitates the Gemini streaming endpoint from files in a data directory.
 *
 *   cc -std=c99 -O1 -g tests/tls_server.c -lbearssl -o build/tls_server
 *   tls_server --cert FILE --key FILE [--port N] [--data DIR] [--log FILE] [--max-seconds N] [-v]
 *
 * Listens on 127.0.0.1 (port 0 = ephemeral), prints "port N\n" on stdout once listening, then
 * serves connections concurrently: the main process accepts each connection and runs its TLS
 * handshake itself (at most 10 s; a failed one is dropped), so that one session cache serves
 * them all (TLS resumption), numbers it, then forks a process that serves its HTTP requests
 * and exits. At most 64 such processes run at once; further connections wait in the backlog.
 * Exits after --max-seconds (default 300, 0 = never) or on SIGTERM/SIGINT, after terminating
 * (SIGTERM) and reaping the connection processes.
 *
 * Requests: POST /v1beta/models/{NAME}:streamGenerateContent (or :generateContent), any query,
 * with a Content-Length (else 411). NAME = BASE{~OPTION}. BASE picks, in this order:
 *   big          a generated stream (below)
 *   bigsig       a generated stream with a huge thoughtSignature (below)
 *   DIR/BASE.sse 200, text/event-stream, chunked: one chunk per event (text up to and including
 *                its blank line; LF, CRLF or CR line ends), then the terminating chunk
 *   DIR/BASE.json an error: status from ~statusNNN (default 400), Content-Length body
 *   DIR/BASE.http the whole response, raw, then close (for malformed responses)
 * Unknown BASE: 404, unknown option: 400 (pretty-printed Google-style JSON error bodies).
 * Options:
 *   ~bytes1      every TLS record carries one byte of HTTP data (head included)
 *   ~dripMS      sleep MS ms before each chunk after the first (terminating chunk included)
 *   ~closeN      close the TCP connection, without close_notify, after N bytes of framed body;
 *                if the body is shorter, it is sent whole and the close is still abrupt
 *   ~stall       streams: send the head and the first event, then wait for the client to close
 *   ~noterm      streams: send every event but not the terminating chunk, then wait likewise
 *   ~closeconn   answer with Connection: close and close (with close_notify) afterwards
 *   ~dropidle    answer as if keeping the connection, then close it (with close_notify) 50 ms
 *                later, as servers do with idle connections
 *   ~statusNNN   status of a .json answer
 *   ~headslow[MS] send the head one byte per MS ms (default 200)
 *   ~mbN         size of `big` and `bigsig`
 *   ~resetN      reset the TCP connection (RST: SO_LINGER {1, 0}, then close) once N bytes of
 *                the HTTP response, head included, are sent and acknowledged by the client
 *   ~earlyclose  close the connection right after reading the request head, leaving the body
 *                unread (so the kernel answers the client's further bytes with RST)
 *   ~bigheadN    add N KiB of filler header lines (X-Filler-NNNNNN: fff...) to the head
 * Waits for the client are capped at 60 s. Otherwise connections are kept alive until the client
 * closes or stays idle for 30 s (or sends Connection: close). Such waits hold up no other
 * connection: only handshakes run one at a time (in the main process).
 *
 * `big~mbN` (default N = 4) sends N*1024 events; event i (from 0) carries exactly 1000 bytes of
 * answer text: i as 8 zero-padded digits, a space, the first 990 bytes of BIG_LOREM repeated,
 * and "\n". The last event has finishReason STOP. So the whole answer is N*1024000 bytes.
 *
 * `bigsig~mbN` (default N = 10) sends three events, one chunk each, whose answer text is
 * "Before the signature. Signed text. After it. The end.\n". The second event is
 * N MiB and more: its first part carries text and a thoughtSignature of N*1048576 base64
 * characters (A-Za-z0-9+/ repeated); a text part follows. The third has finishReason STOP.
 *
 * Log (--log, opened with O_APPEND; one record per request, written with a single write() so
 * that records of concurrent connections never interleave, though they may come in any order):
 *   === conn C req R resumed 0|1 alpn http/1.1 suite XXXX
 *       (alpn "-" when none was negotiated; suite: the cipher suite number, 4 hex digits)
 *   <request head as received, up to and including the blank line><Content-Length body bytes>
 *   \n=== end\n
 * C counts connections whose handshake succeeded (from 1, in handshake order); R counts the
 * requests of connection C (from 1). Requests the server rejects itself (400, 411, 413) or
 * cuts short (~earlyclose) are logged with an empty body.
 */
#define _POSIX_C_SOURCE 200809L
#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 65536                  /* request head limit (413 beyond) */
#define BODY_MAX (64UL * 1024 * 1024)   /* request body limit (413 beyond) */
#define CHAIN_MAX 8
#define HANDSHAKE_MS 10000              /* the TLS handshake, run by the main process */
#define IDLE_MS 30000                   /* waiting for a (next) request */
#define MAX_CHILDREN 64                 /* connections served at once */
#define IO_MS 30000                     /* finishing a started request; each socket write */
#define WAIT_CLOSE_MS 60000             /* ~stall and ~noterm: how long the client may linger */
#define LINGER_MS 1000                  /* draining input before close, so we send FIN, not RST */
#define HEADSLOW_MS 200
#define RESET_ACK_MS 1000               /* ~resetN: longest wait for the client's ACKs */
#define BIG_TEXT_LEN 1000
#define BIG_LOREM "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod " \
    "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud " \
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. "

/* ---- options, server and connection state ---- */

struct options {
    const char *cert, *key, *data_dir, *log_path;
    long port, max_seconds;
    int verbose;
    int chacha;             /* --chacha: accept only the ChaCha20-Poly1305 suites */
};

/* Wraps the LRU cache to notice resumption: BearSSL resumes only a session that load() found. */
struct cache_spy {
    const br_ssl_session_cache_class *vtable;   /* first: BearSSL calls through &vtable */
    br_ssl_session_cache_lru lru;
    unsigned char loaded_id[32];
    int loaded;
};

struct server {
    br_ssl_server_context sc;
    br_x509_certificate chain[CHAIN_MAX];
    size_t chain_len;
    br_skey_decoder_context skey;               /* owns the decoded private key */
    struct cache_spy cache;
    unsigned char cache_store[100 * 256];       /* 100 bytes per cached session */
    unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
    int log_fd;                                 /* O_APPEND; -1 without --log */
    const char *data_dir;
    int verbose;
    unsigned long conns;                        /* handshakes done (main process) */
};

struct conn {
    struct server *srv;
    int fd;
    br_sslio_context io;
    long long deadline;     /* monotonic ms; reads give up after it (writes too in handshake) */
    int handshaking;
    int abort_close;        /* ~resetN, ~earlyclose: close at once, without draining (RST) */
    unsigned long id, requests;
    int resumed;
    const char *alpn;
    unsigned suite;         /* the negotiated cipher suite */
};

struct request {
    char head[HEAD_MAX];
    size_t head_len;
    unsigned char *body;
    size_t body_len;
    const char *target;
    size_t target_len;
    int wants_close;        /* the client sent Connection: close */
};

struct scenario {
    char base[101];
    int bytes1, stall, closeconn, noterm, earlyclose, dropidle;
    unsigned long drip_ms, status, mb;
    unsigned long headslow_ms;  /* ~headslow[MS]: delay between the bytes of the head */
    unsigned long bighead_kb;   /* ~bigheadN: KiB of filler header lines */
    long close_after;       /* ~closeN, -1 when absent */
    long reset_after;       /* ~resetN, -1 when absent */
};

static const struct scenario no_options = { .close_after = -1, .reset_after = -1 };

/* What to do with the connection once a response has been written (or abandoned). */
enum after { AFTER_KEEP, AFTER_CLOSE, AFTER_WAIT, AFTER_DROP };

struct reply {
    struct conn *c;
    const struct scenario *sc;
    long budget;            /* framed body bytes ~closeN still allows; -1 = unlimited */
    int close;              /* send Connection: close and close after the response */
    long reset_budget;      /* HTTP bytes ~resetN still allows; -1 = unlimited */
};

/* ---- small utilities ---- */

/* Set in the main process by SIGTERM, SIGINT and SIGALRM (--max-seconds): it then stops
 * waiting (a handshake in progress fails) and shuts down. Connection processes restore the
 * default actions, so these signals simply end them. */
static volatile sig_atomic_t stop_requested;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned long ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Parses exactly n decimal digits into *out; fails on empty input, other bytes or > max. */
static int parse_num(const char *s, size_t n, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    size_t i;
    if (n == 0) return -1;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        if (v > (max - (unsigned long)(s[i] - '0')) / 10) return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Reads a whole file into a malloc'd buffer (NUL-terminated for convenience); NULL if absent. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL, *grown;
    size_t cap = 0, n = 0, got;
    if (!f) return NULL;
    do {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 65536;
            if (!(grown = realloc(buf, cap + 1))) { free(buf); fclose(f); return NULL; }
            buf = grown;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* ---- PEM loading: certificate chain and private key ---- */

struct der_buf {
    unsigned char *p;
    size_t len, cap;
    int failed;
};

static void der_append(void *ctx, const void *src, size_t len)
{
    struct der_buf *d = ctx;
    unsigned char *grown;
    if (d->failed) return;
    if (d->cap - d->len < len) {
        d->cap = (d->len + len) * 2;
        if (!(grown = realloc(d->p, d->cap))) { d->failed = 1; return; }
        d->p = grown;
    }
    memcpy(d->p + d->len, src, len);
    d->len += len;
}

/* Called per PEM object; it owns der (free or keep it). Returns 0, or -1 to fail the load. */
typedef int (*pem_object_fn)(void *ctx, const char *name, unsigned char *der, size_t len);

static int pem_feed(br_pem_decoder_context *pc, const unsigned char *p, size_t n,
                    struct der_buf *d, pem_object_fn fn, void *ctx)
{
    char name[128];
    while (n > 0) {
        size_t used = br_pem_decoder_push(pc, p, n);
        p += used;
        n -= used;
        switch (br_pem_decoder_event(pc)) {
        case BR_PEM_BEGIN_OBJ:
            snprintf(name, sizeof name, "%s", br_pem_decoder_name(pc));
            free(d->p);
            memset(d, 0, sizeof *d);
            br_pem_decoder_setdest(pc, der_append, d);
            break;
        case BR_PEM_END_OBJ:
            if (d->failed || fn(ctx, name, d->p, d->len) < 0) return -1;
            d->p = NULL;
            break;
        case BR_PEM_ERROR:
            return -1;
        }
    }
    return 0;
}

static int load_pem(const char *path, pem_object_fn fn, void *ctx)
{
    br_pem_decoder_context pc;
    struct der_buf d = { NULL, 0, 0, 0 };
    size_t len;
    unsigned char *text = read_file(path, &len);
    int r;
    if (!text) return -1;
    br_pem_decoder_init(&pc);
    /* The extra newline lets the decoder finish an object whose END line has none. */
    r = pem_feed(&pc, text, len, &d, fn, ctx);
    if (r == 0) r = pem_feed(&pc, (const unsigned char *)"\n", 1, &d, fn, ctx);
    free(text);
    free(d.p);
    return r;
}

static int on_cert(void *ctx, const char *name, unsigned char *der, size_t len)
{
    struct server *s = ctx;
    if (strcmp(name, "CERTIFICATE") != 0 || s->chain_len == CHAIN_MAX) { free(der); return 0; }
    s->chain[s->chain_len].data = der;
    s->chain[s->chain_len].data_len = len;
    s->chain_len++;
    return 0;
}

/* Accepts PKCS#8 ("PRIVATE KEY") and the traditional "EC/RSA PRIVATE KEY" forms. */
static int on_key(void *ctx, const char *name, unsigned char *der, size_t len)
{
    struct server *s = ctx;
    if (strstr(name, "PRIVATE KEY") && !br_skey_decoder_key_type(&s->skey)) {
        br_skey_decoder_init(&s->skey);
        br_skey_decoder_push(&s->skey, der, len);
    }
    free(der);
    return 0;
}

/* ---- TLS setup and the resumption spy ---- */

static void spy_save(const br_ssl_session_cache_class **ctx, br_ssl_server_context *sc,
                     const br_ssl_session_parameters *params)
{
    struct cache_spy *spy = (struct cache_spy *)(void *)ctx;
    spy->lru.vtable->save(&spy->lru.vtable, sc, params);
}

static int spy_load(const br_ssl_session_cache_class **ctx, br_ssl_server_context *sc,
                    br_ssl_session_parameters *params)
{
    struct cache_spy *spy = (struct cache_spy *)(void *)ctx;
    int found = spy->lru.vtable->load(&spy->lru.vtable, sc, params);
    /* A hit is not yet a resumption: BearSSL still checks version and suite, and makes a
     * fresh session id if they differ. So remember the id and compare after the handshake. */
    if (found) {
        memcpy(spy->loaded_id, params->session_id, sizeof spy->loaded_id);
        spy->loaded = 1;
    }
    return found;
}

static const br_ssl_session_cache_class spy_class = {
    sizeof(struct cache_spy), spy_save, spy_load
};

/* The full_ec profile needs the issuer's key type for its static-ECDH suites. */
static unsigned issuer_key_type(const br_x509_certificate *leaf)
{
    br_x509_decoder_context dc;
    int type;
    br_x509_decoder_init(&dc, NULL, NULL);
    br_x509_decoder_push(&dc, leaf->data, leaf->data_len);
    type = br_x509_decoder_get_signer_key_type(&dc);
    return type ? (unsigned)type : BR_KEYTYPE_EC;
}

static int setup_tls(struct server *s, const char *cert, const char *key, int chacha)
{
    static const uint16_t chacha_suites[] = {
        BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
    };
    static const char *alpn[] = { "http/1.1" };
    if (load_pem(cert, on_cert, s) < 0 || s->chain_len == 0) {
        fprintf(stderr, "tls_server: no certificate read from %s\n", cert);
        return -1;
    }
    if (load_pem(key, on_key, s) < 0 || br_skey_decoder_key_type(&s->skey) == 0) {
        fprintf(stderr, "tls_server: no private key read from %s\n", key);
        return -1;
    }
    if (br_skey_decoder_key_type(&s->skey) == BR_KEYTYPE_RSA)
        br_ssl_server_init_full_rsa(&s->sc, s->chain, s->chain_len,
                                    br_skey_decoder_get_rsa(&s->skey));
    else
        br_ssl_server_init_full_ec(&s->sc, s->chain, s->chain_len,
                                   issuer_key_type(&s->chain[0]), br_skey_decoder_get_ec(&s->skey));
    br_ssl_engine_set_versions(&s->sc.eng, BR_TLS12, BR_TLS12);
    if (chacha) br_ssl_engine_set_suites(&s->sc.eng, chacha_suites, 2);
    br_ssl_engine_set_buffer(&s->sc.eng, s->iobuf, sizeof s->iobuf, 1);
    br_ssl_engine_set_protocol_names(&s->sc.eng, alpn, 1);
    br_ssl_session_cache_lru_init(&s->cache.lru, s->cache_store, sizeof s->cache_store);
    s->cache.vtable = &spy_class;
    br_ssl_server_set_cache(&s->sc, &s->cache.vtable);
    return 0;
}

/* ---- socket I/O under BearSSL, always bounded in time ---- */

/* Waits until fd is ready for events; 1 ready (or in error: the I/O call will say), 0 timeout
 * (or a stop was requested). */
static int wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p;
        int r;
        if (left <= 0 || stop_requested) return 0;
        p.fd = fd;
        p.events = events;
        p.revents = 0;
        r = poll(&p, 1, left > INT_MAX ? INT_MAX : (int)left);
        if (r != 0 && !(r < 0 && errno == EINTR)) return 1;
        if (r == 0) return 0;
    }
}

static int sock_read(void *ctx, unsigned char *buf, size_t len)
{
    struct conn *c = ctx;
    for (;;) {
        ssize_t n;
        if (!wait_fd(c->fd, POLLIN, c->deadline)) return -1;
        n = read(c->fd, buf, len);
        if (n > 0) return (int)n;
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) return -1;
    }
}

static int sock_write(void *ctx, const unsigned char *buf, size_t len)
{
    struct conn *c = ctx;
    long long deadline = c->handshaking ? c->deadline : now_ms() + IO_MS;
    for (;;) {
        ssize_t n;
        if (!wait_fd(c->fd, POLLOUT, deadline)) return -1;
        n = write(c->fd, buf, len);
        if (n > 0) return (int)n;
        if (n == 0 || (errno != EINTR && errno != EAGAIN)) return -1;
    }
}

/* Sends close_notify without waiting for the peer's (br_sslio_close would wait for it). */
static void send_close_notify(struct conn *c)
{
    br_ssl_engine_context *eng = &c->srv->sc.eng;
    br_ssl_engine_close(eng);
    while (br_ssl_engine_current_state(eng) & BR_SSL_SENDREC) {
        size_t len;
        unsigned char *buf = br_ssl_engine_sendrec_buf(eng, &len);
        int n = sock_write(c, buf, len);
        if (n <= 0) return;
        br_ssl_engine_sendrec_ack(eng, (size_t)n);
    }
}

/* Closes after draining what the client still sends: closing with unread input sends RST,
 * which can destroy response bytes the client has not read yet. */
static void linger_close(int fd)
{
    long long deadline = now_ms() + LINGER_MS;
    char sink[4096];
    shutdown(fd, SHUT_WR);
    while (wait_fd(fd, POLLIN, deadline) && read(fd, sink, sizeof sink) > 0) {
    }
    close(fd);
}

/* ~resetN: waits (RESET_ACK_MS at most) until the client has acknowledged every byte sent, so
 * that all of them reached it, then arms SO_LINGER {1, 0}: the close that ends the connection
 * (serve_connection, abort_close) sends RST instead of FIN. */
static void arm_reset(struct conn *c)
{
    struct linger lg;
#ifdef TIOCOUTQ
    long long deadline = now_ms() + RESET_ACK_MS;
    int queued = 0;
    while (ioctl(c->fd, TIOCOUTQ, &queued) == 0 && queued > 0 && now_ms() < deadline) sleep_ms(1);
#endif
    lg.l_onoff = 1;
    lg.l_linger = 0;
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    c->abort_close = 1;
}

/* ~stall and ~noterm: keep the connection open, ignoring input, until the client leaves. */
static void wait_client_close(struct conn *c)
{
    unsigned char sink[512];
    c->deadline = now_ms() + WAIT_CLOSE_MS;
    while (br_sslio_read(&c->io, sink, sizeof sink) > 0) {
    }
}

/* ---- request reading ---- */

enum read_result { READ_OK, READ_GONE, READ_IDLE, READ_BAD, READ_NO_LENGTH, READ_TOO_BIG,
                   READ_EARLY_CLOSE };

static int parse_target(const char *t, size_t n, struct scenario *sc);

/* ~earlyclose: the request's scenario wants the connection closed before its body is read. */
static int wants_early_close(const struct request *rq)
{
    struct scenario sc = no_options;
    return parse_target(rq->target, rq->target_len, &sc) == 0 && sc.earlyclose;
}

/* One byte at a time, so that a pipelined next request stays in BearSSL's buffer. */
static enum read_result read_head(struct conn *c, struct request *rq)
{
    unsigned state = br_ssl_engine_current_state(&c->srv->sc.eng);
    unsigned char ch;
    rq->head_len = 0;
    if (state & BR_SSL_CLOSED) return READ_GONE;
    /* Idle waiting happens outside BearSSL: a timeout in its read callback would fail the
     * engine, and an idle keep-alive connection deserves a clean close_notify. */
    if (!(state & BR_SSL_RECVAPP) && !wait_fd(c->fd, POLLIN, now_ms() + IDLE_MS))
        return READ_IDLE;
    c->deadline = now_ms() + IO_MS;
    for (;;) {
        if (br_sslio_read(&c->io, &ch, 1) < 0) return READ_GONE;
        if (rq->head_len == HEAD_MAX) return READ_TOO_BIG;
        rq->head[rq->head_len++] = (char)ch;
        if (ch == '\n' && rq->head_len >= 2 && (rq->head[rq->head_len - 2] == '\n' ||
            (rq->head_len >= 3 && !memcmp(rq->head + rq->head_len - 3, "\n\r\n", 3))))
            return READ_OK;
    }
}

/* Next line of the head from *pos; its length excludes the CRLF or LF. 0 at the end. */
static int next_line(const struct request *rq, size_t *pos, const char **line, size_t *len)
{
    const char *p = rq->head + *pos, *end = rq->head + rq->head_len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return 0;
    *line = p;
    *len = (size_t)(nl - p) - (nl > p && nl[-1] == '\r');
    *pos = (size_t)(nl + 1 - rq->head);
    return 1;
}

/* Case-insensitive "Name:" match; on success *value is the trimmed field value. */
static int header_is(const char *line, size_t len, const char *name, const char **value,
                     size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0) return 0;
    *value = line + n + 1;
    *vlen = len - n - 1;
    while (*vlen && (**value == ' ' || **value == '\t')) { (*value)++; (*vlen)--; }
    while (*vlen && ((*value)[*vlen - 1] == ' ' || (*value)[*vlen - 1] == '\t')) (*vlen)--;
    return 1;
}

static enum read_result parse_request_line(struct request *rq, size_t *pos)
{
    const char *line, *sp1, *sp2;
    size_t len;
    if (!next_line(rq, pos, &line, &len)) return READ_BAD;
    sp1 = memchr(line, ' ', len);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line)) : NULL;
    if (!sp2 || len - (size_t)(sp2 + 1 - line) < 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
        return READ_BAD;
    rq->target = sp1 + 1;
    rq->target_len = (size_t)(sp2 - sp1 - 1);
    return READ_OK;
}

/* Finds the body length; Transfer-Encoding counts as no length (411), as the brief wants. */
static enum read_result parse_head(struct request *rq)
{
    size_t pos = 0, len, vlen;
    const char *line, *v;
    unsigned long length = 0;
    int have_length = 0, chunked = 0;
    enum read_result r = parse_request_line(rq, &pos);
    if (r != READ_OK) return r;
    while (next_line(rq, &pos, &line, &len) && len > 0) {
        if (header_is(line, len, "Content-Length", &v, &vlen)) {
            if (have_length++ || parse_num(v, vlen, ULONG_MAX, &length) < 0) return READ_BAD;
        } else if (header_is(line, len, "Transfer-Encoding", &v, &vlen)) {
            chunked = 1;
        } else if (header_is(line, len, "Connection", &v, &vlen)) {
            rq->wants_close = vlen == 5 && strncasecmp(v, "close", 5) == 0;
        }
    }
    if (!have_length || chunked) return READ_NO_LENGTH;
    if (length > BODY_MAX) return READ_TOO_BIG;
    rq->body_len = (size_t)length;
    return READ_OK;
}

static enum read_result read_request(struct conn *c, struct request *rq)
{
    enum read_result r = read_head(c, rq);
    if (r != READ_OK) return r;
    r = parse_head(rq);
    if (r == READ_OK && wants_early_close(rq)) return READ_EARLY_CLOSE;
    if (r != READ_OK || rq->body_len == 0) return r;
    if (!(rq->body = malloc(rq->body_len))) return READ_TOO_BIG;
    c->deadline = now_ms() + IO_MS;
    if (br_sslio_read_all(&c->io, rq->body, rq->body_len) < 0) return READ_GONE;
    return READ_OK;
}

/* Connection processes share the log: each record is built whole, then written with a single
 * write() on the O_APPEND descriptor, so records never interleave. */
static void log_request(struct conn *c, const struct request *rq)
{
    static const char end[] = "\n=== end\n";
    char first[256];
    char *rec;
    size_t n, len;
    ssize_t w;
    if (c->srv->log_fd < 0) return;
    n = (size_t)snprintf(first, sizeof first,
                         "=== conn %lu req %lu resumed %d alpn %.100s suite %04x\n", c->id,
                         c->requests, c->resumed, c->alpn ? c->alpn : "-", c->suite);
    len = n + rq->head_len + rq->body_len + sizeof end - 1;
    if (!(rec = malloc(len))) {
        fprintf(stderr, "tls_server: conn %lu: no memory for a log record\n", c->id);
        return;
    }
    memcpy(rec, first, n);
    memcpy(rec + n, rq->head, rq->head_len);
    if (rq->body_len) memcpy(rec + n + rq->head_len, rq->body, rq->body_len);
    memcpy(rec + n + rq->head_len + rq->body_len, end, sizeof end - 1);
    while ((w = write(c->srv->log_fd, rec, len)) < 0 && errno == EINTR) {
    }
    if (w < 0 || (size_t)w != len)
        fprintf(stderr, "tls_server: conn %lu: log write failed\n", c->id);
    free(rec);
}

/* ---- scenario parsing ---- */

/* s[0..n) equals the NUL-terminated word. */
static int same(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && memcmp(s, word, n) == 0;
}

static int option_num(const char *s, size_t n, const char *name, unsigned long max,
                      unsigned long *out)
{
    size_t k = strlen(name);
    return n > k && strncmp(s, name, k) == 0 && parse_num(s + k, n - k, max, out) == 0;
}

static int parse_option(struct scenario *sc, const char *s, size_t n)
{
    unsigned long v;
    if (same(s, n, "bytes1")) sc->bytes1 = 1;
    else if (same(s, n, "stall")) sc->stall = 1;
    else if (same(s, n, "closeconn")) sc->closeconn = 1;
    else if (same(s, n, "dropidle")) sc->dropidle = 1;
    else if (same(s, n, "headslow")) sc->headslow_ms = HEADSLOW_MS;
    else if (same(s, n, "noterm")) sc->noterm = 1;
    else if (same(s, n, "earlyclose")) sc->earlyclose = 1;
    else if (option_num(s, n, "drip", 600000, &sc->drip_ms)) {}
    else if (option_num(s, n, "headslow", 10000, &sc->headslow_ms)) {}
    else if (option_num(s, n, "close", LONG_MAX, &v)) sc->close_after = (long)v;
    else if (option_num(s, n, "reset", LONG_MAX, &v)) sc->reset_after = (long)v;
    else if (option_num(s, n, "bighead", 16384, &sc->bighead_kb)) {}
    else if (option_num(s, n, "status", 599, &sc->status) && sc->status >= 100) {}
    else if (option_num(s, n, "mb", 1024, &sc->mb) && sc->mb >= 1) {}
    else return -1;
    return 0;
}

/* BASE names a file, so it is restricted to a safe alphabet and must not start with a dot. */
static int parse_base(struct scenario *sc, const char *s, size_t n)
{
    size_t i;
    if (n == 0 || n >= sizeof sc->base || s[0] == '.') return -1;
    for (i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]))
            return -1;
    memcpy(sc->base, s, n);
    sc->base[n] = 0;
    return 0;
}

/* Returns 0, 404 when the target is not a known method URL, 400 for a bad option. */
static int parse_target(const char *t, size_t n, struct scenario *sc)
{
    static const char prefix[] = "/v1beta/models/";
    const char *end = memchr(t, '?', n), *colon, *tilde;
    size_t name_len;
    if (end) n = (size_t)(end - t);
    if (n < sizeof prefix || memcmp(t, prefix, sizeof prefix - 1) != 0) return 404;
    t += sizeof prefix - 1;
    n -= sizeof prefix - 1;
    if (!(colon = memchr(t, ':', n))) return 404;
    name_len = (size_t)(colon - t);
    if (!same(colon, n - name_len, ":streamGenerateContent") &&
        !same(colon, n - name_len, ":generateContent")) return 404;
    tilde = memchr(t, '~', name_len);
    if (parse_base(sc, t, tilde ? (size_t)(tilde - t) : name_len) < 0) return 404;
    while (tilde) {
        const char *opt = tilde + 1;
        tilde = memchr(opt, '~', (size_t)(colon - opt));
        if (parse_option(sc, opt, (size_t)((tilde ? tilde : colon) - opt)) < 0) return 400;
    }
    return 0;
}

/* ---- response writing; every option that shapes bytes on the wire acts here ---- */

static const char *reason(unsigned long status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Test Status";
    }
}

/* Hands bytes to TLS. ~bytes1 or a per-byte delay put every byte in a record of its own. */
static int put_bytes(struct reply *rp, const void *data, size_t n, unsigned long delay_ms)
{
    br_sslio_context *io = &rp->c->io;
    const unsigned char *p = data;
    size_t i;
    if (!rp->sc->bytes1 && delay_ms == 0) return br_sslio_write_all(io, p, n);
    for (i = 0; i < n; i++) {
        if (i > 0 && delay_ms) sleep_ms(delay_ms);
        if (br_sslio_write_all(io, p + i, 1) < 0 || br_sslio_flush(io) < 0) return -1;
    }
    return 0;
}

/* HTTP bytes (head and framed body) count against ~resetN: reaching N flushes, resets the
 * connection and fails the write; the caller then drops the connection. */
static int put(struct reply *rp, const void *data, size_t n, unsigned long delay_ms)
{
    if (rp->reset_budget >= 0 && n >= (size_t)rp->reset_budget) {
        size_t allowed = (size_t)rp->reset_budget;
        rp->reset_budget = 0;
        if (allowed) put_bytes(rp, data, allowed, delay_ms);
        br_sslio_flush(&rp->c->io);
        arm_reset(rp->c);
        return -1;
    }
    if (rp->reset_budget > 0) rp->reset_budget -= (long)n;
    return put_bytes(rp, data, n, delay_ms);
}

/* Body bytes (after framing) count against ~closeN: reaching N flushes and fails the write,
 * and the caller then drops the connection like after any failed write. */
static int put_body(struct reply *rp, const void *data, size_t n)
{
    if (rp->budget >= 0 && n >= (size_t)rp->budget) {
        size_t allowed = (size_t)rp->budget;
        rp->budget = 0;
        if (allowed) put(rp, data, allowed, 0);
        br_sslio_flush(&rp->c->io);
        return -1;
    }
    if (rp->budget > 0) rp->budget -= (long)n;
    return put(rp, data, n, 0);
}

/* ~bigheadN: N KiB of header lines, each exactly 1024 bytes: "X-Filler-NNNNNN: fff...\r\n". */
static int put_filler(struct reply *rp, unsigned long kb)
{
    char line[1024];
    unsigned long i;
    memset(line, 'f', sizeof line);
    line[sizeof line - 2] = '\r';
    line[sizeof line - 1] = '\n';
    for (i = 0; i < kb; i++) {
        char name[32];
        int k = snprintf(name, sizeof name, "X-Filler-%06lu: ", i);
        memcpy(line, name, (size_t)k);
        if (put(rp, line, sizeof line, rp->sc->headslow_ms) < 0) return -1;
    }
    return 0;
}

static int send_head(struct reply *rp, unsigned long status, const char *fields)
{
    char head[512];
    unsigned long kb = rp->sc->bighead_kb;
    int n = snprintf(head, sizeof head, "HTTP/1.1 %lu %s\r\n%s%s%s", status, reason(status),
                     fields, rp->close ? "Connection: close\r\n" : "", kb ? "" : "\r\n");
    if (put(rp, head, (size_t)n, rp->sc->headslow_ms) < 0) return -1;
    if (kb && (put_filler(rp, kb) < 0 || put(rp, "\r\n", 2, rp->sc->headslow_ms) < 0)) return -1;
    /* Flushed on its own so the client sees the head before the first event (~stall). */
    return br_sslio_flush(&rp->c->io);
}

static int send_chunk(struct reply *rp, const unsigned char *data, size_t n)
{
    char size[24];
    int k = snprintf(size, sizeof size, "%zx\r\n", n);
    if (put_body(rp, size, (size_t)k) < 0 || put_body(rp, data, n) < 0 ||
        put_body(rp, "\r\n", 2) < 0)
        return -1;
    return br_sslio_flush(&rp->c->io);
}

/* A response ended normally; ~closeN still means an abrupt close even if N was not reached.
 * (After a failed write or a ~closeN cut, callers return AFTER_DROP: no close_notify.) */
static enum after done(const struct reply *rp)
{
    if (rp->sc->close_after >= 0) return AFTER_DROP;
    if (rp->sc->dropidle) {
        sleep_ms(50);       /* the client has read the whole response by then */
        return AFTER_CLOSE;
    }
    return rp->close ? AFTER_CLOSE : AFTER_KEEP;
}

/* ---- event streams: files and the generated `big` ---- */

/* Returns the next event's length and points *event at it; 0 when the stream is over. */
typedef size_t (*next_event_fn)(void *ctx, const unsigned char **event);

static enum after serve_stream(struct reply *rp, next_event_fn next, void *ctx)
{
    const unsigned char *event;
    size_t n;
    unsigned long count = 0;
    if (send_head(rp, 200, "Content-Type: text/event-stream\r\n"
                           "Transfer-Encoding: chunked\r\n") < 0) return AFTER_DROP;
    while ((n = next(ctx, &event)) > 0) {
        if (count++ > 0 && rp->sc->drip_ms) sleep_ms(rp->sc->drip_ms);
        if (send_chunk(rp, event, n) < 0) return AFTER_DROP;
        if (rp->sc->stall) return AFTER_WAIT;
    }
    if (rp->sc->stall || rp->sc->noterm) return AFTER_WAIT;
    if (count > 0 && rp->sc->drip_ms) sleep_ms(rp->sc->drip_ms);
    if (put_body(rp, "0\r\n\r\n", 5) < 0 || br_sslio_flush(&rp->c->io) < 0) return AFTER_DROP;
    return done(rp);
}

/* Length of the first event of p: up to and including the blank line that ends it (lines end
 * in CRLF, LF or CR), or all of p when no blank line follows. */
static size_t event_length(const unsigned char *p, size_t n)
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

struct file_events {
    const unsigned char *data;
    size_t len, pos;
};

static size_t file_next(void *ctx, const unsigned char **event)
{
    struct file_events *f = ctx;
    size_t n = event_length(f->data + f->pos, f->len - f->pos);
    *event = f->data + f->pos;
    f->pos += n;
    return n;
}

struct big_events {
    unsigned long i, count;
    unsigned char buf[BIG_TEXT_LEN + 512];
};

/* Event i: see the top comment for the exact text, which a test can regenerate. */
static size_t big_next(void *ctx, const unsigned char **event)
{
    static const char lorem[] = BIG_LOREM;
    struct big_events *b = ctx;
    char *p = (char *)b->buf;
    unsigned long tokens = (b->i + 1) * 250;
    size_t n, k;
    if (b->i == b->count) return 0;
    n = (size_t)sprintf(p, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": "
                           "\"%08lu ", b->i);
    for (k = 0; k < BIG_TEXT_LEN - 10; k++) p[n++] = lorem[k % (sizeof lorem - 1)];
    n += (size_t)sprintf(p + n, "\\n\"}],\"role\": \"model\"},%s\"index\": 0}],\"usageMetadata\": "
                         "{\"promptTokenCount\": 4,\"candidatesTokenCount\": %lu,"
                         "\"totalTokenCount\": %lu},\"modelVersion\": \"test\","
                         "\"responseId\": \"big\"}\r\n\r\n",
                         b->i + 1 == b->count ? "\"finishReason\": \"STOP\"," : "",
                         tokens, tokens + 4);
    b->i++;
    *event = b->buf;
    return n;
}

static enum after serve_big(struct reply *rp)
{
    struct big_events b;
    b.i = 0;
    b.count = (rp->sc->mb ? rp->sc->mb : 4) * 1024;
    fprintf(stderr, "tls_server: big: %lu events, %lu bytes of answer text\n", b.count,
            b.count * BIG_TEXT_LEN);
    return serve_stream(rp, big_next, &b);
}

/* ---- whole bodies: JSON errors and raw responses ---- */

static enum after serve_json(struct reply *rp, unsigned long status, const void *body, size_t n)
{
    char fields[128];
    snprintf(fields, sizeof fields, "Content-Type: application/json; charset=UTF-8\r\n"
                                    "Content-Length: %zu\r\n", n);
    if (send_head(rp, status, fields) < 0 || put_body(rp, body, n) < 0 ||
        br_sslio_flush(&rp->c->io) < 0)
        return AFTER_DROP;
    return done(rp);
}

/* Errors of the server itself, shaped like Google's (pretty-printed). */
static enum after serve_error(struct reply *rp, unsigned long code, const char *message,
                              const char *status)
{
    char body[256];
    int n = snprintf(body, sizeof body, "{\n  \"error\": {\n    \"code\": %lu,\n    \"message\": "
                     "\"%s\",\n    \"status\": \"%s\"\n  }\n}\n", code, message, status);
    return serve_json(rp, code, body, (size_t)n);
}

/* Malformed-response tests: the file is the whole response, so the close ends its body. */
static enum after serve_raw(struct reply *rp, const unsigned char *data, size_t n)
{
    if (put_body(rp, data, n) < 0 || br_sslio_flush(&rp->c->io) < 0) return AFTER_DROP;
    rp->close = 1;
    return done(rp);
}

/* `bigsig`: see the top comment. The events are built whole (N MiB and more) in one buffer. */
static enum after serve_bigsig(struct reply *rp)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    static const char *const parts[] = {
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Before the signature. "
        "\"}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": \"test\",\"responseId\": "
        "\"bigsig\"}\r\n\r\n"
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Signed text. \","
        "\"thoughtSignature\": \"",
        /* the signature goes here */
        "\"},{\"text\": \"After it. \"}],\"role\": \"model\"},\"index\": 0}],\"modelVersion\": "
        "\"test\",\"responseId\": \"bigsig\"}\r\n\r\n"
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The end.\\n\"}],"
        "\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": "
        "{\"promptTokenCount\": 4,\"candidatesTokenCount\": 12,\"totalTokenCount\": 16},"
        "\"modelVersion\": \"test\",\"responseId\": \"bigsig\"}\r\n\r\n"
    };
    size_t sig = (size_t)(rp->sc->mb ? rp->sc->mb : 10) * 1048576, head = strlen(parts[0]);
    size_t tail = strlen(parts[1]), i;
    struct file_events f;
    enum after a;
    unsigned char *buf = malloc(head + sig + tail);
    if (!buf) return serve_error(rp, 500, "no memory for bigsig", "INTERNAL");
    memcpy(buf, parts[0], head);
    for (i = 0; i < sig; i++) buf[head + i] = (unsigned char)b64[i % 64];
    memcpy(buf + head + sig, parts[1], tail);
    f.data = buf;
    f.len = head + sig + tail;
    f.pos = 0;
    a = serve_stream(rp, file_next, &f);
    free(buf);
    return a;
}

/* Tries DIR/BASE.sse, .json, .http in turn; 404 when none exists. */
static enum after serve_file(struct reply *rp, const char *dir)
{
    static const char *const ext[] = { "sse", "json", "http" };
    char path[4096];
    unsigned char *data = NULL;
    size_t len = 0, i;
    enum after a;
    for (i = 0; i < 3 && !data; i++) {
        snprintf(path, sizeof path, "%s/%s.%s", dir, rp->sc->base, ext[i]);
        data = read_file(path, &len);
    }
    if (!data) return serve_error(rp, 404, "no such test scenario", "NOT_FOUND");
    if (i == 1) {           /* the loop stopped one past the extension that was found */
        struct file_events f = { data, len, 0 };
        a = serve_stream(rp, file_next, &f);
    } else if (i == 2) {
        a = serve_json(rp, rp->sc->status ? rp->sc->status : 400, data, len);
    } else {
        a = serve_raw(rp, data, len);
    }
    free(data);
    return a;
}

/* ---- connections ---- */

static enum after answer(struct conn *c, const struct request *rq)
{
    struct scenario sc = no_options;
    struct reply rp;
    int bad = parse_target(rq->target, rq->target_len, &sc);
    rp.c = c;
    rp.sc = bad ? &no_options : &sc;
    rp.budget = rp.sc->close_after;
    rp.reset_budget = rp.sc->reset_after;
    rp.close = rq->wants_close || rp.sc->closeconn;
    if (bad == 404) return serve_error(&rp, 404, "no such test scenario", "NOT_FOUND");
    if (bad) return serve_error(&rp, 400, "unknown test scenario option", "INVALID_ARGUMENT");
    if (strcmp(sc.base, "big") == 0) return serve_big(&rp);
    if (strcmp(sc.base, "bigsig") == 0) return serve_bigsig(&rp);
    return serve_file(&rp, c->srv->data_dir);
}

/* Called once the handshake is over. */
static void note_handshake(struct conn *c)
{
    br_ssl_session_parameters params;
    struct cache_spy *spy = &c->srv->cache;
    br_ssl_engine_get_session_parameters(&c->srv->sc.eng, &params);
    c->resumed = spy->loaded && memcmp(spy->loaded_id, params.session_id, 32) == 0;
    c->alpn = br_ssl_engine_get_selected_protocol(&c->srv->sc.eng);
    c->suite = params.cipher_suite;
}

/* Logs a request whose head arrived, and answers it. Requests the server refuses close the
 * connection: their body, if any, was not read, so the next request could not be found. */
static enum after respond(struct conn *c, struct request *rq, enum read_result r)
{
    struct reply rp = { NULL, &no_options, -1, 1, -1 };
    c->requests++;
    if (r != READ_OK) rq->body_len = 0;
    log_request(c, rq);
    rp.c = c;
    if (r == READ_OK) return answer(c, rq);
    if (r == READ_EARLY_CLOSE) { c->abort_close = 1; return AFTER_DROP; }
    if (r == READ_NO_LENGTH)
        return serve_error(&rp, 411, "Content-Length required", "INVALID_ARGUMENT");
    if (r == READ_TOO_BIG) return serve_error(&rp, 413, "request too large", "INVALID_ARGUMENT");
    return serve_error(&rp, 400, "malformed request", "INVALID_ARGUMENT");
}

static enum after serve_request(struct conn *c)
{
    struct request *rq = calloc(1, sizeof *rq);     /* heap: it holds a 64 KiB head buffer */
    enum read_result r;
    enum after a = AFTER_DROP;
    if (!rq) return AFTER_DROP;
    r = read_request(c, rq);
    if (r == READ_IDLE) a = AFTER_CLOSE;
    else if (r != READ_GONE) a = respond(c, rq, r);
    free(rq->body);
    free(rq);
    return a;
}

/* Main process: runs the handshake on the shared session cache (bounded by HANDSHAKE_MS, so a
 * client that never handshakes holds up other connections 10 s at most), notes resumption
 * and ALPN, and numbers the connection. 0 when application data can flow; -1 when the
 * handshake failed, the connection then being dropped as closed. */
static int handshake(struct server *s, struct conn *c, int fd)
{
    br_ssl_engine_context *eng = &s->sc.eng;
    int one = 1;
    memset(c, 0, sizeof *c);
    c->srv = s;
    c->fd = fd;
    c->handshaking = 1;
    /* Small records (~bytes1, ~drip) must leave at once, not wait for Nagle. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    s->cache.loaded = 0;
    /* Setting the buffer again forgets the record size a previous client asked for (the
       max_fragment_length extension); the engine would otherwise announce it to everyone. */
    br_ssl_engine_set_buffer(eng, s->iobuf, sizeof s->iobuf, 1);
    if (!br_ssl_server_reset(&s->sc)) { close(fd); return -1; }
    br_sslio_init(&c->io, eng, sock_read, c, sock_write, c);
    c->deadline = now_ms() + HANDSHAKE_MS;
    /* A server's flush runs the engine until application data can flow (SENDAPP or RECVAPP),
     * with every record it had to send sent: the handshake is then over on both sides. That
     * takes the client's Finished, which comes last when resuming (the server's comes first).
     * Bytes the client sent after its Finished may already sit in the engine's buffer; the
     * connection process inherits them with the engine. */
    if (br_sslio_flush(&c->io) < 0 ||
        !(br_ssl_engine_current_state(eng) & (BR_SSL_SENDAPP | BR_SSL_RECVAPP))) {
        if (s->verbose)
            fprintf(stderr, "tls_server: handshake failed%s, BearSSL error %d\n",
                    stop_requested ? " (stopping)" : "", br_ssl_engine_last_error(eng));
        /* Draining a client that timed out could only add LINGER_MS to the parent's wait. */
        if (stop_requested || now_ms() >= c->deadline) close(fd);
        else linger_close(fd);
        return -1;
    }
    c->handshaking = 0;
    note_handshake(c);
    c->id = ++s->conns;
    return 0;
}

/* Connection process: serves the requests of a connection whose handshake is done. It owns
 * the engine (a copy of the main process's, which never touches this connection again). */
static void serve_connection(struct conn *c)
{
    static const char *const ending[] = { "", "closed", "client waited for", "dropped" };
    enum after a = AFTER_KEEP;
    int err;
    while (a == AFTER_KEEP) a = serve_request(c);
    if (a == AFTER_CLOSE) send_close_notify(c);
    if (a == AFTER_WAIT) wait_client_close(c);
    err = br_ssl_engine_last_error(&c->srv->sc.eng);
    if (c->srv->verbose)
        fprintf(stderr, "tls_server: conn %lu: %lu requests, resumed %d, %s, BearSSL error %d\n",
                c->id, c->requests, c->resumed, c->abort_close ? "reset" : ending[a], err);
    if (c->abort_close) close(c->fd);
    else linger_close(c->fd);
}

/* ---- process: arguments, signals, listening ---- */

/* Main process: the handlers only set a flag and wake the accept loop through a pipe. */
static int wake_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
    int saved = errno;
    ssize_t r;
    if (sig != SIGCHLD) stop_requested = 1;
    r = write(wake_pipe[1], "", 1);     /* non-blocking: a full pipe already wakes the loop */
    (void)r;
    errno = saved;
}

static const int handled[] = { SIGTERM, SIGINT, SIGALRM, SIGCHLD };
#define N_HANDLED (sizeof handled / sizeof handled[0])

static int setup_signals(long max_seconds)
{
    struct sigaction sa;
    size_t i;
    if (pipe(wake_pipe) < 0) return -1;
    for (i = 0; i < 2; i++) {
        fcntl(wake_pipe[i], F_SETFL, fcntl(wake_pipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);      /* a client gone mid-write is an error, not a death */
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_NOCLDSTOP;
    for (i = 0; i < N_HANDLED; i++) sigaction(handled[i], &sa, NULL);
    alarm((unsigned)max_seconds);
    return 0;
}

static void block_signals(int how)
{
    sigset_t set;
    size_t i;
    sigemptyset(&set);
    for (i = 0; i < N_HANDLED; i++) sigaddset(&set, handled[i]);
    sigprocmask(how, &set, NULL);
}

/* ---- connection processes ---- */

static pid_t children[MAX_CHILDREN];
static size_t n_children;

/* Reaps the connection processes that have ended, without blocking. */
static void reap_children(void)
{
    pid_t pid;
    size_t i;
    while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
        for (i = 0; i < n_children; i++) {
            if (children[i] == pid) { children[i] = children[--n_children]; break; }
        }
    }
}

/* On shutdown: no connection process outlives the server. */
static void stop_children(void)
{
    size_t i;
    for (i = 0; i < n_children; i++) kill(children[i], SIGTERM);
    while (n_children > 0) {
        pid_t pid = waitpid(-1, NULL, 0);
        if (pid < 0 && errno == EINTR) continue;
        if (pid < 0) break;
        for (i = 0; i < n_children; i++) {
            if (children[i] == pid) { children[i] = children[--n_children]; break; }
        }
    }
}

/* Forks the process that serves c; the main process keeps no part of the connection. */
static void start_child(struct conn *c, int lfd)
{
    pid_t pid;
    size_t i;
    block_signals(SIG_BLOCK);           /* so the child cannot run the main process's handler */
    pid = fork();
    if (pid == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        sa.sa_handler = SIG_DFL;
        for (i = 0; i < N_HANDLED; i++) sigaction(handled[i], &sa, NULL);
        block_signals(SIG_UNBLOCK);
        close(lfd);
        close(wake_pipe[0]);
        close(wake_pipe[1]);
        serve_connection(c);
        _exit(0);                       /* nothing to flush: stdout was, the log is unbuffered */
    }
    if (pid > 0) children[n_children++] = pid;
    else fprintf(stderr, "tls_server: conn %lu: fork failed, dropped\n", c->id);
    block_signals(SIG_UNBLOCK);
    close(c->fd);                       /* close, not shutdown: the child's socket stays open */
}

/* ---- process: arguments, listening ---- */

static int listen_local(long port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
        close(fd);
        return -1;
    }
    printf("port %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);
    return fd;
}

static int usage(void)
{
    fprintf(stderr, "usage: tls_server --cert FILE --key FILE [--port N] [--data DIR] "
                    "[--log FILE] [--max-seconds N] [--chacha] [-v]\n");
    return 2;
}

static int parse_args(int argc, char **argv, struct options *o)
{
    int i;
    unsigned long v;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) { o->verbose = 1; continue; }
        if (strcmp(a, "--chacha") == 0) { o->chacha = 1; continue; }
        if (!val) return -1;
        i++;
        if (strcmp(a, "--cert") == 0) o->cert = val;
        else if (strcmp(a, "--key") == 0) o->key = val;
        else if (strcmp(a, "--data") == 0) o->data_dir = val;
        else if (strcmp(a, "--log") == 0) o->log_path = val;
        else if (strcmp(a, "--port") == 0 && parse_num(val, strlen(val), 65535, &v) == 0)
            o->port = (long)v;
        else if (strcmp(a, "--max-seconds") == 0 &&
                 parse_num(val, strlen(val), 100000000, &v) == 0)
            o->max_seconds = (long)v;
        else return -1;
    }
    return o->cert && o->key ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct options o = { NULL, NULL, "tests/data", NULL, 0, 300, 0, 0 };
    struct server *s;
    int lfd;
    if (parse_args(argc, argv, &o) < 0) return usage();
    if (!(s = calloc(1, sizeof *s))) return 1;
    s->data_dir = o.data_dir;
    s->verbose = o.verbose;
    s->log_fd = -1;
    if (setup_tls(s, o.cert, o.key, o.chacha) < 0) return 1;
    if (o.log_path &&
        (s->log_fd = open(o.log_path, O_WRONLY | O_CREAT | O_APPEND, 0666)) < 0) {
        fprintf(stderr, "tls_server: cannot open log %s\n", o.log_path);
        return 1;
    }
    if (setup_signals(o.max_seconds) < 0) {
        fprintf(stderr, "tls_server: cannot set up signals\n");
        return 1;
    }
    if ((lfd = listen_local(o.port)) < 0) {
        fprintf(stderr, "tls_server: cannot listen on 127.0.0.1:%ld\n", o.port);
        return 1;
    }
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    while (!stop_requested) {
        struct pollfd p[2];
        char sink[64];
        struct conn c;
        int fd;
        p[0].fd = wake_pipe[0];
        p[0].events = POLLIN;
        p[1].fd = lfd;
        p[1].events = POLLIN;
        p[0].revents = p[1].revents = 0;
        /* At the cap, only a child's end (SIGCHLD) or a stop is waited for. */
        if (poll(p, n_children < MAX_CHILDREN ? 2 : 1, -1) < 0 && errno != EINTR) sleep_ms(100);
        while (read(wake_pipe[0], sink, sizeof sink) > 0) {
        }
        reap_children();
        if (stop_requested || n_children >= MAX_CHILDREN || !(p[1].revents & POLLIN)) continue;
        if ((fd = accept(lfd, NULL, NULL)) < 0) {
            if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK &&
                errno != ECONNABORTED)
                sleep_ms(100);
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);   /* BSDs inherit the flag */
        if (handshake(s, &c, fd) == 0) start_child(&c, lfd);
    }
    close(lfd);
    stop_children();
    return 0;
}
