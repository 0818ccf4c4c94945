/* core.c - benchmark of the sans-I/O pipeline (gemini_parser: HTTP head, chunked framing, SSE,
 * JSON scanner, events) on synthetic Gemini responses (bench/gen.h).
 *
 *   bench_core [--mb N] [--runs N] [--piece BYTES]
 *       builds >= N MiB of responses in memory once (default 64), then, RUNS times (default 7),
 *       parses all of it in PIECE-byte pieces (default 16384) and, side by side, runs a memchr
 *       pass for '\n' over the same pieces; prints medians and spreads, the heap calls made
 *       while parsing (malloc/calloc/realloc are wrapped with -Wl,--wrap) and the state sizes.
 *   bench_core --rss BYTES
 *       one response of >= BYTES produced on the fly into a 16 KB buffer and parsed; prints
 *       ru_maxrss (the generator holds no stream in memory, so RSS is the parser's alone).
 *   bench_core --loops N [--mb M]
 *       parse the in-memory stream N times, nothing else (for perf / callgrind).
 *   bench_core --client BASE_URL --cacert FILE
 *       two requests for big~mb4 through the blocking client (a new connection, then the kept
 *       one) against the test server; prints the heap calls made inside each gemini_stream().
 *
 * Output lines are "key value..." for bench/run.sh.
 */
#define _POSIX_C_SOURCE 200809L
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include "gen.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

/* ---- heap-call counting (linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static unsigned long heap_calls;

void *__wrap_malloc(size_t n) { heap_calls++; return __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t m) { heap_calls++; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, size_t n) { heap_calls++; return __real_realloc(p, n); }

/* ---- the stream ---- */

typedef struct stream {
    char *data;
    size_t len;
    size_t *ends;               /* end offset of each response */
    size_t count;
    unsigned long long text;    /* decoded answer bytes the generator emitted */
} stream;

/* Responses of 50-400 events each until at least `bytes` are made. */
static int build_stream(stream *s, size_t bytes)
{
    static char unit[GEN_UNIT_MAX];
    gen g;
    size_t cap = bytes + (1u << 20), ecap = 1024;
    s->data = malloc(cap);
    s->ends = malloc(ecap * sizeof *s->ends);
    s->len = s->count = 0;
    if (!s->data || !s->ends) return -1;
    gen_init(&g, 42);
    while (s->len < bytes) {
        size_t n;
        gen_response(&g, gen_range(&g, 50, 400));
        while ((n = gen_next(&g, unit)) > 0) {
            if (s->len + n > cap) {
                char *d = realloc(s->data, cap *= 2);
                if (!d) return -1;
                s->data = d;
            }
            memcpy(s->data + s->len, unit, n);
            s->len += n;
        }
        if (s->count == ecap) {
            size_t *e = realloc(s->ends, (ecap *= 2) * sizeof *s->ends);
            if (!e) return -1;
            s->ends = e;
        }
        s->ends[s->count++] = s->len;
    }
    s->text = g.text;
    return 0;
}

/* ---- parsing ---- */

typedef struct tally {
    unsigned long long text;
    unsigned long events, finishes, other;
} tally;

static int on_event(void *user, const gemini_event *ev)
{
    tally *t = user;
    t->events++;
    if (ev->type == GEMINI_EVENT_TEXT) t->text += ev->len;
    else if (ev->type == GEMINI_EVENT_FINISH) t->finishes++;
    else if (ev->type != GEMINI_EVENT_USAGE) t->other++;
    return 0;
}

static gemini_parser parser;    /* static, as an embedded user would place it */

/* Parses one response fed in `piece`-byte pieces; 0 when it completed without error. */
static int parse_one(const char *p, size_t len, size_t piece, tally *t)
{
    size_t off;
    gemini_parser_init(&parser, 0, on_event, t);
    for (off = 0; off < len; off += piece) {
        size_t n = len - off < piece ? len - off : piece;
        if (gemini_parser_feed(&parser, p + off, n) != GEMINI_OK) return parser.err;
    }
    if (gemini_parser_finish(&parser) != GEMINI_OK) return parser.err;
    return parser.done ? 0 : -1;
}

static int parse_all(const stream *s, size_t piece, tally *t)
{
    size_t i, start = 0;
    memset(t, 0, sizeof *t);
    for (i = 0; i < s->count; i++) {
        int err = parse_one(s->data + start, s->ends[i] - start, piece, t);
        if (err) {
            fprintf(stderr, "bench_core: response %zu: error %d (%s)\n", i, err,
                    gemini_strerror(err));
            return -1;
        }
        start = s->ends[i];
    }
    return 0;
}

/* The ceiling: find every '\n' with memchr, in the same pieces. */
static unsigned long long memchr_all(const stream *s, size_t piece)
{
    unsigned long long lines = 0;
    size_t i, start = 0;
    for (i = 0; i < s->count; i++) {
        size_t off, end = s->ends[i];
        for (off = start; off < end; off += piece) {
            const char *p = s->data + off;
            const char *e = p + (end - off < piece ? end - off : piece);
            while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) { lines++; p++; }
        }
        start = end;
    }
    return lines;
}

/* ---- timing and statistics ---- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Prints "key median min max" of v[0..n) (sorted in place). */
static void print_stat(const char *key, double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    printf("%s %.1f %.1f %.1f\n", key, v[n / 2], v[0], v[n - 1]);
}

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Private memory (Linux): what would grow with the stream. ru_maxrss also counts the pages of
   shared libraries that happen to be mapped in, which varies by ~0.2 MB from run to run. */
static void print_anon(void)
{
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "RssAnon:", 8) == 0) printf("rss_anon_kb %ld\n", strtol(line + 8, NULL, 10));
    fclose(f);
}

/* ---- modes ---- */

#define MAX_RUNS 31

static int run_throughput(size_t mb, int runs, size_t piece)
{
    static stream s;
    double core[MAX_RUNS], base[MAX_RUNS];
    unsigned long long lines = 0;
    unsigned long calls;
    tally t;
    int r;
    void *(*volatile alloc)(size_t) = malloc;  /* volatile: the compiler may not elide it */
    void *probe;
    if (build_stream(&s, mb << 20) != 0) { fprintf(stderr, "bench_core: out of memory\n"); return 1; }
    /* check once that the result is right: every byte of text, one FINISH per response */
    if (parse_all(&s, piece, &t) != 0) return 1;
    if (t.text != s.text || t.finishes != s.count || t.other != 0) {
        fprintf(stderr, "bench_core: wrong events: text %llu of %llu, finish %lu of %zu, other %lu\n",
                t.text, s.text, t.finishes, s.count, t.other);
        return 1;
    }
    /* the wrapper must be live, or a 0 below would prove nothing */
    calls = heap_calls;
    probe = alloc(16);
    free(probe);
    if (heap_calls != calls + 1) { fprintf(stderr, "bench_core: malloc is not wrapped\n"); return 1; }
    calls = heap_calls;
    for (r = 0; r < runs; r++) {
        double t0 = now_s(), t1, t2;
        parse_all(&s, piece, &t);
        t1 = now_s();
        lines += memchr_all(&s, piece);
        t2 = now_s();
        core[r] = (double)s.len / (t1 - t0) / 1e6;
        base[r] = (double)s.len / (t2 - t1) / 1e6;
    }
    calls = heap_calls - calls;
    printf("core_bytes %zu\n", s.len);
    printf("core_responses %zu\n", s.count);
    printf("core_events %lu\n", t.events);
    printf("core_piece %zu\n", piece);
    printf("core_runs %d\n", runs);
    print_stat("core_mbps", core, runs);
    print_stat("memchr_mbps", base, runs);
    printf("memchr_lines %llu\n", lines / (unsigned long long)runs);
    printf("heap_calls %lu\n", calls);
    printf("sizeof_http_head %zu\n", sizeof(gemini_http_head));
    printf("sizeof_body %zu\n", sizeof(gemini_body));
    printf("sizeof_sse %zu\n", sizeof(gemini_sse));
    printf("sizeof_json %zu\n", sizeof(gemini_json));
    printf("sizeof_parser %zu\n", sizeof(gemini_parser));
    printf("sizeof_client %zu\n", sizeof(gemini_client));
    printf("rss_kb %ld\n", max_rss_kb());
    return 0;
}

/* One response of >= bytes, generated on the fly: nothing but the parser grows with it. */
static int run_rss(unsigned long long bytes)
{
    static char buf[16384 + GEN_UNIT_MAX];
    static char unit[GEN_UNIT_MAX];
    size_t have = 0, n;
    gen g;
    tally t;
    memset(&t, 0, sizeof t);
    gen_init(&g, 7);
    gen_response(&g, (unsigned long)-1);
    gemini_parser_init(&parser, 0, on_event, &t);
    while ((n = gen_next(&g, unit)) > 0) {
        memcpy(buf + have, unit, n);
        have += n;
        if (g.stage == 1 && g.bytes >= bytes) g.events_left = 1;   /* next event ends it */
        if (have >= 16384 || g.stage == 3) {
            if (gemini_parser_feed(&parser, buf, have) != GEMINI_OK) break;
            have = 0;
        }
    }
    if (parser.err || gemini_parser_finish(&parser) != GEMINI_OK || !parser.done ||
        t.text != g.text || t.finishes != 1) {
        fprintf(stderr, "bench_core: rss stream failed: %s\n", gemini_strerror(parser.err));
        return 1;
    }
    printf("rss_stream_bytes %llu\n", g.bytes);
    printf("rss_kb %ld\n", max_rss_kb());
    print_anon();
    return 0;
}

static int run_loops(size_t mb, long loops)
{
    static stream s;
    tally t;
    long i;
    if (build_stream(&s, mb << 20) != 0) return 1;
    for (i = 0; i < loops; i++)
        if (parse_all(&s, 16384, &t) != 0) return 1;
    printf("parsed %ld x %zu bytes\n", loops, s.len);
    return 0;
}

/* Client streams counted end to end: the library's heap calls (BearSSL never allocates; calls
   made inside libc, such as getaddrinfo's, are not seen by --wrap). */
static int count_event(void *user, const gemini_event *ev)
{
    if (ev->type == GEMINI_EVENT_TEXT) *(unsigned long long *)user += ev->len;
    return 0;
}

static int run_client(const char *base_url, const char *ca_file)
{
    static gemini_client client;
    gemini_config cfg;
    unsigned long calls[2];
    int i;
    memset(&cfg, 0, sizeof cfg);
    cfg.api_key = "bench";
    cfg.base_url = base_url;
    cfg.ca_file = ca_file;
    if (gemini_client_init(&client, &cfg) != GEMINI_OK) {
        fprintf(stderr, "bench_core: %s\n", gemini_client_message(&client));
        return 1;
    }
    if (heap_calls == 0) {  /* loading the CA file allocates: else the 0s below prove nothing */
        fprintf(stderr, "bench_core: malloc is not wrapped\n");
        return 1;
    }
    for (i = 0; i < 2; i++) {
        unsigned long long text = 0;
        unsigned long before = heap_calls;
        int err = gemini_stream(&client, "big~mb4", "{}", 2, count_event, &text);
        calls[i] = heap_calls - before;
        if (err != GEMINI_OK || text == 0) {
            fprintf(stderr, "bench_core: client stream failed: %s\n", gemini_client_message(&client));
            gemini_client_free(&client);
            return 1;
        }
    }
    printf("heap_client %lu %lu %d\n", calls[0], calls[1], client.connections);
    gemini_client_free(&client);
    return 0;
}

int main(int argc, char **argv)
{
    const char *client_url = NULL, *cacert = NULL;
    size_t mb = 64, piece = 16384;
    unsigned long long rss = 0;
    long loops = 0;
    int runs = 7, i;
    for (i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--rss") == 0) rss = strtoull(v, NULL, 10);
        else if (strcmp(a, "--loops") == 0) loops = strtol(v, NULL, 10);
        else if (strcmp(a, "--mb") == 0) mb = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--runs") == 0) runs = atoi(v);
        else if (strcmp(a, "--piece") == 0) piece = (size_t)strtoul(v, NULL, 10);
        else if (strcmp(a, "--client") == 0) client_url = v;
        else if (strcmp(a, "--cacert") == 0) cacert = v;
        else break;
    }
    if (i < argc || mb < 1 || runs < 1 || runs > MAX_RUNS || piece < 1) {
        fprintf(stderr, "usage: bench_core [--mb N] [--runs N] [--piece BYTES] | --rss BYTES | "
                        "--loops N [--mb M] | --client BASE_URL --cacert FILE\n");
        return 2;
    }
    if (client_url) return run_client(client_url, cacert);
    if (rss) return run_rss(rss);
    if (loops) return run_loops(mb, loops);
    return run_throughput(mb, runs, piece);
}
