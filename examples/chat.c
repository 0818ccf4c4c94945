/* chat - an interactive multi-turn chat. Each stdin line is a user turn; the whole history is
   sent every turn over ONE client, so the kept-alive connection is reused (or a new one resumes
   the TLS session; -v tells which). EOF or "/quit" ends; Ctrl-C stops the current answer only.
     cc -std=c99 -I. examples/chat.c -lbearssl -o build/chat
     GEMINI_API_KEY=... build/chat [-m MODEL] [-s SYSTEM] [--thoughts] [-v]
                                   [--base-url URL] [--cacert FILE] */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct options {
    const char *model, *system, *base_url, *cacert;
    int thoughts, verbose;
} options;

/* The conversation, oldest first. Turn i has the single text part parts[i]; the texts are
   heap strings owned here. */
typedef struct history {
    gemini_content *turns;
    gemini_part_spec *parts;
    size_t count, cap;
} history;

/* The answer being streamed: its text grows with each TEXT event. */
typedef struct answer {
    const options *opt;
    char *text;
    size_t len, cap;
    int nomem, dim;
    int in_thought;                     /* thought text was shown last: end its line first */
} answer;

static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* Appends a turn and takes ownership of text (freed here on failure). */
static int history_push(history *h, const char *role, char *text)
{
    gemini_part_spec part = {NULL, NULL, NULL, 0, NULL};
    gemini_content turn = {NULL, NULL, 1};
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        gemini_content *t = (gemini_content *)realloc(h->turns, cap * sizeof *t);
        gemini_part_spec *p = t ? (gemini_part_spec *)realloc(h->parts, cap * sizeof *p) : NULL;
        if (t) h->turns = t;
        if (!p) { free(text); return -1; }
        h->parts = p;
        h->cap = cap;
    }
    part.text = text;
    turn.role = role;
    h->parts[h->count] = part;
    h->turns[h->count++] = turn;        /* .parts is set just before each request */
    return 0;
}

static void history_pop(history *h)
{
    free((char *)h->parts[--h->count].text);
}

static int answer_append(answer *a, const char *data, size_t len)
{
    if (a->cap - a->len <= len) {
        size_t cap = a->cap ? a->cap : 1024;
        char *grown;
        while (cap - a->len <= len) cap *= 2;
        grown = (char *)realloc(a->text, cap);
        if (!grown) return a->nomem = 1;
        a->text = grown;
        a->cap = cap;
    }
    memcpy(a->text + a->len, data, len);
    a->len += len;
    a->text[a->len] = '\0';
    return 0;
}

static int on_event(void *user, const gemini_event *ev)
{
    answer *a = (answer *)user;
    switch (ev->type) {
    case GEMINI_EVENT_TEXT:
        if (a->in_thought) fputc('\n', stderr);
        a->in_thought = 0;
        fwrite(ev->text, 1, ev->len, stdout);
        fflush(stdout);
        answer_append(a, ev->text, ev->len);
        break;
    case GEMINI_EVENT_THOUGHT:
        if (!a->opt->thoughts) break;
        fprintf(stderr, "%s%s%s", a->dim ? "\033[2m" : "", ev->text, a->dim ? "\033[0m" : "");
        a->in_thought = 1;
        break;
    case GEMINI_EVENT_BLOCKED: fprintf(stderr, "chat: prompt blocked: %s\n", ev->text); break;
    case GEMINI_EVENT_API_ERROR:
        fprintf(stderr, "chat: API error %d %s: %s\n", ev->http_status, ev->status, ev->text);
        break;
    default: break;                     /* finish, usage; no tools are offered */
    }
    return interrupted || a->nomem;
}

/* After an answer: end its line, say what went wrong, and with -v how it travelled. */
static void report(const gemini_client *c, const answer *a, int err)
{
    if (a->len > 0 && a->text[a->len - 1] != '\n') putchar('\n');
    fflush(stdout);
    if (err == GEMINI_ERR_CANCELLED)
        fputs(a->nomem ? "chat: out of memory\n" : "[interrupted]\n", stderr);
    else if (err && err != GEMINI_ERR_API) fprintf(stderr, "chat: %s\n", gemini_client_message(c));
    if (!a->opt->verbose) return;
    if (c->reused) fputs("[connection reused]\n", stderr);
    else if (c->resumed) fputs("[new connection, TLS session resumed]\n", stderr);
    else fprintf(stderr, "[new connection %d, full handshake]\n", c->connections);
}

/* One exchange: the user's line joins the history, the answer follows it. An interrupted
   answer is kept as far as it got; a failed or empty one drops the user's line again. */
static void run_turn(gemini_client *c, const options *o, history *h, char *line)
{
    gemini_request req;
    answer a;
    size_t i;
    int err;
    if (history_push(h, "user", line)) { fputs("chat: out of memory\n", stderr); return; }
    memset(&a, 0, sizeof a);
    a.opt = o;
    a.dim = isatty(2);
    for (i = 0; i < h->count; i++) h->turns[i].parts = &h->parts[i];  /* the arrays may have moved */
    memset(&req, 0, sizeof req);
    req.contents = h->turns;
    req.content_count = h->count;
    req.system_instruction = o->system;
    req.include_thoughts = o->thoughts;
    err = gemini_stream_request(c, o->model, &req, on_event, &a);
    if (interrupted) err = GEMINI_ERR_CANCELLED;
    report(c, &a, err);
    if ((err == GEMINI_OK || err == GEMINI_ERR_CANCELLED) && a.len > 0 && !a.nomem) {
        if (history_push(h, "model", a.text) == 0) return;
        a.text = NULL;                  /* freed by history_push */
    }
    free(a.text);
    history_pop(h);
}

static int parse_args(int argc, char **argv, options *o)
{
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--thoughts")) { o->thoughts = 1; continue; }
        if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) { o->verbose = 1; continue; }
        if (!v) return -1;
        i++;
        if (!strcmp(a, "-m") || !strcmp(a, "--model")) o->model = v;
        else if (!strcmp(a, "-s") || !strcmp(a, "--system")) o->system = v;
        else if (!strcmp(a, "--base-url")) o->base_url = v;
        else if (!strcmp(a, "--cacert")) o->cacert = v;
        else return -1;
    }
    return 0;
}

/* Reads one line without its line end; NULL at EOF or "/quit". Ctrl-C at the prompt only
   clears the line. */
static char *read_line(int tty)
{
    for (;;) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        if (tty) fputs("> ", stderr);
        interrupted = 0;
        n = getline(&line, &cap, stdin);
        if (n < 0) {
            free(line);
            if (!interrupted || feof(stdin)) return NULL;
            clearerr(stdin);            /* Ctrl-C at the prompt: a fresh prompt */
            fputc('\n', stderr);
            continue;
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
        if (!strcmp(line, "/quit")) { free(line); return NULL; }
        if (n > 0) return line;
        free(line);
    }
}

int main(int argc, char **argv)
{
    static gemini_client client;
    options o = {"gemini-3-flash-preview", NULL, NULL, NULL, 0, 0};
    history h = {NULL, NULL, 0, 0};
    gemini_config cfg;
    struct sigaction sa;
    char *line;
    const char *key = getenv("GOOGLE_API_KEY");
    if (!key || !*key) key = getenv("GEMINI_API_KEY");
    o.base_url = getenv("GOOGLE_GEMINI_BASE_URL");
    if (parse_args(argc, argv, &o) < 0) {
        fputs("usage: chat [-m MODEL] [-s SYSTEM] [--thoughts] [-v] [--base-url URL] [--cacert FILE]\n"
              "The API key comes from GOOGLE_API_KEY, else GEMINI_API_KEY.\n", stderr);
        return 2;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;          /* no SA_RESTART: a blocked read or wait wakes up */
    sigaction(SIGINT, &sa, NULL);
    memset(&cfg, 0, sizeof cfg);       /* zero means "use the default" */
    cfg.api_key = key;
    cfg.base_url = o.base_url && *o.base_url ? o.base_url : NULL;
    cfg.ca_file = o.cacert;
    cfg.interrupt = &interrupted;
    if (gemini_client_init(&client, &cfg) != GEMINI_OK) {
        fprintf(stderr, "chat: %s\n", gemini_client_message(&client));
        gemini_client_free(&client);
        return 2;
    }
    while ((line = read_line(isatty(0))) != NULL) run_turn(&client, &o, &h, line);
    while (h.count > 0) history_pop(&h);
    free(h.turns);
    free(h.parts);
    gemini_client_free(&client);
    return 0;
}
