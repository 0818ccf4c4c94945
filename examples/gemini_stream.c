/* gemini_stream - stream an answer from the Gemini API to the terminal.
   The command-line contract is in README.md ("The CLI"); exit statuses: 0 success, 1 the API
   refused or failed, 2 usage error, 3 network/TLS/protocol/truncated, 130 interrupted. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EXIT_API = 1, EXIT_USAGE = 2, EXIT_NETWORK = 3, EXIT_INTERRUPTED = 130 };

typedef struct options {
    const char *model, *system, *base_url, *cacert, *thinking_level;
    int has_temperature, max_tokens, thoughts, has_budget, budget, json, verbose;
    double temperature;
    long timeout_s;
} options;

typedef struct run_state {
    const options *opt;
    int blocked, bad_finish, dim;
    int ended_with_newline;
    int have_usage;
    gemini_usage usage;
} run_state;

static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void usage(FILE *f)
{
    fputs("usage: gemini_stream [options] [PROMPT...]   (prompt from stdin when none or -)\n"
          "  -m, --model NAME         model [gemini-3-flash-preview]\n"
          "  -s, --system TEXT        system instruction\n"
          "  -t, --temperature X      sampling temperature\n"
          "      --max-tokens N       maxOutputTokens\n"
          "      --thoughts           ask for thought summaries and show them on stderr\n"
          "      --thinking-budget N  thinking budget in tokens\n"
          "      --thinking-level L   thinking level (Gemini 3: low, high, ...)\n"
          "      --json               one JSON object per event on stdout\n"
          "  -v, --verbose            finish reason and token usage on stderr\n"
          "      --timeout SECONDS    idle read timeout [60]\n"
          "      --base-url URL       [$GOOGLE_GEMINI_BASE_URL or the Google endpoint]\n"
          "      --cacert FILE        PEM trust anchors instead of the built-in roots\n"
          "  -h, --help               this help\n"
          "      --version            the version\n"
          "The API key comes from GOOGLE_API_KEY, else GEMINI_API_KEY.\n", f);
}

static int parse_number(const char *s, double *out)
{
    char *end;
    if (!s || !*s) return 0;
    *out = strtod(s, &end);
    return *end == '\0';
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v;
    if (!s || !*s) return 0;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < -1000000000L || v > 1000000000L) return 0;
    *out = (int)v;
    return 1;
}

/* Options first, then the prompt words; returns the index of the first prompt word, -1 on a
   usage error, or 0 when --help or --version has been answered. */
static int parse_args(int argc, char **argv, options *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        int n;
        if (strcmp(a, "--") == 0) return i + 1;
        if (a[0] != '-' || strcmp(a, "-") == 0) return i;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!strcmp(a, "--version")) {
            fprintf(stdout, "gemini_stream %s\n", GEMINI_STREAM_VERSION);
            return 0;
        }
        if (!strcmp(a, "--thoughts")) { o->thoughts = 1; continue; }
        if (!strcmp(a, "--json")) { o->json = 1; continue; }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) { o->verbose = 1; continue; }
        if (!v) { fprintf(stderr, "gemini_stream: %s needs a value\n", a); return -1; }
        i++;
        if (!strcmp(a, "-m") || !strcmp(a, "--model")) o->model = v;
        else if (!strcmp(a, "-s") || !strcmp(a, "--system")) o->system = v;
        else if (!strcmp(a, "--base-url")) o->base_url = v;
        else if (!strcmp(a, "--cacert")) o->cacert = v;
        else if (!strcmp(a, "--thinking-level")) o->thinking_level = v;
        else if ((!strcmp(a, "-t") || !strcmp(a, "--temperature")) && parse_number(v, &d)) {
            o->has_temperature = 1;
            o->temperature = d;
        } else if (!strcmp(a, "--max-tokens") && parse_int(v, &n) && n > 0) o->max_tokens = n;
        else if (!strcmp(a, "--thinking-budget") && parse_int(v, &n)) { o->has_budget = 1; o->budget = n; }
        else if (!strcmp(a, "--timeout") && parse_int(v, &n) && n > 0) o->timeout_s = n;
        else {
            fprintf(stderr, "gemini_stream: bad option or value: %s %s\n", a, v);
            return -1;
        }
    }
    return i;
}

/* The prompt: the remaining arguments joined by spaces, or all of stdin. */
static char *read_prompt(int argc, char **argv, int first)
{
    size_t len = 0, cap = 4096, n;
    char *buf;
    int i;
    if (first < argc && strcmp(argv[first], "-") != 0) {
        for (i = first; i < argc; i++) len += strlen(argv[i]) + 1;
        buf = (char *)malloc(len + 1);
        if (!buf) return NULL;
        for (len = 0, i = first; i < argc; i++) {
            n = strlen(argv[i]);
            if (i > first) buf[len++] = ' ';
            memcpy(buf + len, argv[i], n + 1);      /* with its NUL: the end so far */
            len += n;
        }
        return buf;
    }
    buf = (char *)malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *grown = (char *)realloc(buf, cap * 2);
            if (!grown) { free(buf); return NULL; }
            buf = grown;
            cap *= 2;
        }
    }
    if (buf) buf[len] = '\0';
    return buf;
}

static int write_stdout(void *user, const char *data, size_t len)
{
    (void)user;
    fwrite(data, 1, len, stdout);
    return 0;
}

static void json_field(const char *name, const char *value, size_t len)
{
    fprintf(stdout, ",\"%s\":", name);
    gemini_write_json_string(value, len, write_stdout, NULL);
}

/* --json: one object per event, one line each. */
static void print_json_event(const gemini_event *ev)
{
    static const char *const names[] = {"", "text", "thought", "function_call", "finish",
                                        "usage", "blocked", "error", "thought_signature", ""};
    if (ev->type == GEMINI_EVENT_IDLE) {
        fflush(stdout);
        return;
    }
    fprintf(stdout, "{\"type\":\"%s\"", names[ev->type]);
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
    case GEMINI_EVENT_THOUGHT: json_field("text", ev->text, ev->len); break;
    case GEMINI_EVENT_FUNCTION_CALL:
        json_field("name", ev->text, ev->len);
        fprintf(stdout, ",\"args\":%.*s", (int)ev->args_len, ev->args);
        json_field("id", ev->id, strlen(ev->id));
        break;
    case GEMINI_EVENT_FINISH:
    case GEMINI_EVENT_BLOCKED: json_field("reason", ev->text, ev->len); break;
    case GEMINI_EVENT_USAGE:
        fprintf(stdout, ",\"prompt_tokens\":%ld,\"candidates_tokens\":%ld,\"thoughts_tokens\":%ld,"
                "\"total_tokens\":%ld", ev->usage.prompt_tokens, ev->usage.candidates_tokens,
                ev->usage.thoughts_tokens, ev->usage.total_tokens);
        break;
    case GEMINI_EVENT_API_ERROR:
        fprintf(stdout, ",\"http_status\":%d,\"code\":%ld", ev->http_status, ev->code);
        json_field("status", ev->status, strlen(ev->status));
        json_field("message", ev->text, ev->len);
        break;
    case GEMINI_EVENT_THOUGHT_SIGNATURE: break;     /* not asked for */
    case GEMINI_EVENT_IDLE: break;
    }
    fprintf(stdout, "}\n");
}

static void print_event(run_state *st, const gemini_event *ev)
{
    const options *o = st->opt;
    if (ev->type != GEMINI_EVENT_TEXT && ev->type != GEMINI_EVENT_USAGE)
        fflush(stdout);     /* at a pause, or before writing to stderr (keeps a terminal's order) */
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
        fwrite(ev->text, 1, ev->len, stdout);
        st->ended_with_newline = ev->len > 0 && ev->text[ev->len - 1] == '\n';
        break;
    case GEMINI_EVENT_THOUGHT:
        if (!o->thoughts) break;
        fprintf(stderr, "%s%.*s%s", st->dim ? "\033[2m" : "", (int)ev->len, ev->text,
                st->dim ? "\033[0m" : "");
        break;
    case GEMINI_EVENT_FUNCTION_CALL:
        fprintf(stderr, "[function call %s(%.*s)]\n", ev->text, (int)ev->args_len, ev->args);
        break;
    case GEMINI_EVENT_FINISH:
        if (o->verbose) fprintf(stderr, "[finish: %s]\n", ev->text);
        break;
    case GEMINI_EVENT_USAGE:            /* running totals: the last one is printed at the end */
        st->usage = ev->usage;
        st->have_usage = 1;
        break;
    case GEMINI_EVENT_BLOCKED:
        fprintf(stderr, "gemini_stream: prompt blocked: %s\n", ev->text);
        break;
    case GEMINI_EVENT_API_ERROR:
        fprintf(stderr, "gemini_stream: API error %d %s: %s\n", ev->http_status, ev->status,
                ev->text);
        break;
    case GEMINI_EVENT_THOUGHT_SIGNATURE: break;     /* not asked for */
    case GEMINI_EVENT_IDLE: break;                  /* flushed above */
    }
}

/* -v: the final token counts, leaving out the ones the server did not send */
static void print_usage(const gemini_usage *u)
{
    fprintf(stderr, "[usage: prompt %ld", u->prompt_tokens);
    if (u->candidates_tokens >= 0) fprintf(stderr, ", answer %ld", u->candidates_tokens);
    if (u->thoughts_tokens >= 0) fprintf(stderr, ", thoughts %ld", u->thoughts_tokens);
    if (u->cached_tokens >= 0) fprintf(stderr, ", cached %ld", u->cached_tokens);
    fprintf(stderr, ", total %ld]\n", u->total_tokens);
}

static int on_event(void *user, const gemini_event *ev)
{
    run_state *st = (run_state *)user;
    if (ev->type == GEMINI_EVENT_BLOCKED) st->blocked = 1;
    if (ev->type == GEMINI_EVENT_FINISH)
        st->bad_finish = strcmp(ev->text, "STOP") != 0 && strcmp(ev->text, "MAX_TOKENS") != 0;
    if (st->opt->json) print_json_event(ev);
    else print_event(st, ev);
    return interrupted;
}

static int exit_status(int err, const run_state *st)
{
    switch (err) {
    case GEMINI_OK: return (st->blocked || st->bad_finish) ? EXIT_API : 0;
    case GEMINI_ERR_API: return EXIT_API;
    case GEMINI_ERR_CANCELLED: return EXIT_INTERRUPTED;
    case GEMINI_ERR_USAGE: case GEMINI_ERR_BAD_URL: case GEMINI_ERR_BAD_MODEL:
    case GEMINI_ERR_NO_KEY: case GEMINI_ERR_TRUST: return EXIT_USAGE;
    default: return EXIT_NETWORK;
    }
}

/* One user turn with the prompt; req, turn and part come zeroed (main's static storage). */
static void build_request(const options *o, const char *prompt, gemini_request *req,
                          gemini_content *turn, gemini_part_spec *part)
{
    part->text = prompt;
    turn->role = "user";
    turn->parts = part;
    turn->part_count = 1;
    req->contents = turn;
    req->content_count = 1;
    req->system_instruction = o->system;
    req->has_temperature = o->has_temperature;
    req->temperature = o->temperature;
    req->max_output_tokens = o->max_tokens;
    req->include_thoughts = o->thoughts;
    req->has_thinking_budget = o->has_budget;
    req->thinking_budget = o->budget;
    req->thinking_level = o->thinking_level;
}

int main(int argc, char **argv)
{
    /* all static: main runs once, and static storage starts zeroed (no memsets) */
    static gemini_client client;
    static char out_buf[1 << 16];
    static options o;
    static run_state st;
    static gemini_config cfg;
    static gemini_request req;
    static gemini_content turn;
    static gemini_part_spec part;
    static struct sigaction sa;
    char *prompt;
    int first, err;
    const char *key = getenv("GOOGLE_API_KEY");

    o.model = "gemini-3-flash-preview";
    o.base_url = getenv("GOOGLE_GEMINI_BASE_URL");
    first = parse_args(argc, argv, &o);
    if (first == 0) return 0;           /* --help or --version */
    if (first < 0) { usage(stderr); return EXIT_USAGE; }
    if (!key || !*key) key = getenv("GEMINI_API_KEY");
    if (!key || !*key) {
        fprintf(stderr, "gemini_stream: set GOOGLE_API_KEY or GEMINI_API_KEY\n");
        return EXIT_USAGE;
    }
    prompt = read_prompt(argc, argv, first);
    if (!prompt || !*prompt) {
        fprintf(stderr, "gemini_stream: empty prompt\n");
        free(prompt);
        return EXIT_USAGE;
    }

    /* Answer text is flushed whenever the client waits for the network (GEMINI_EVENT_IDLE), so
       nothing received is held back, and a fast stream is not written piece by piece. */
    setvbuf(stdout, out_buf, _IOFBF, sizeof out_buf);
    sa.sa_handler = on_sigint;          /* no SA_RESTART: a blocked wait wakes up */
    sigaction(SIGINT, &sa, NULL);

    cfg.api_key = key;
    cfg.base_url = o.base_url && *o.base_url ? o.base_url : NULL;
    cfg.ca_file = o.cacert;
    cfg.idle_timeout_ms = o.timeout_s * 1000;
    cfg.interrupt = &interrupted;
    if (gemini_client_init(&client, &cfg) != GEMINI_OK) {
        fprintf(stderr, "gemini_stream: %s\n", gemini_client_message(&client));
        err = exit_status(client.err, &st);
        gemini_client_free(&client);
        free(prompt);
        return err == 0 ? EXIT_USAGE : err;
    }

    st.opt = &o;
    st.dim = isatty(2);
    st.ended_with_newline = 1;
    build_request(&o, prompt, &req, &turn, &part);
    err = gemini_stream_request(&client, o.model, &req, on_event, &st);
    if (interrupted) err = GEMINI_ERR_CANCELLED;
    if (!o.json && !st.ended_with_newline && isatty(1)) fwrite("\n", 1, 1, stdout);
    fflush(stdout);
    if (o.verbose && !o.json && st.have_usage) print_usage(&st.usage);
    if (err && err != GEMINI_ERR_API && err != GEMINI_ERR_CANCELLED)
        fprintf(stderr, "gemini_stream: %s\n", gemini_client_message(&client));
    if (err == GEMINI_ERR_CANCELLED) fprintf(stderr, "gemini_stream: interrupted\n");
    gemini_client_free(&client);
    free(prompt);
    return exit_status(err, &st);
}
