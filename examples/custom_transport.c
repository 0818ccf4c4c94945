/* custom_transport - plug your own network stack under gemini_client (cfg.transport).
   The four callbacks below implement the gemini_transport contract over plain POSIX sockets,
   the way an embedded user would over lwIP or a modem's AT socket API; BearSSL runs on top
   of them inside the client. Build it with -DGEMINI_NO_SOCKETS to leave the library's own
   socket code out (this file's stays).
     cc -std=c99 -DGEMINI_NO_SOCKETS -I. examples/custom_transport.c -lbearssl -o build/custom_transport
     GEMINI_API_KEY=... build/custom_transport [-m MODEL] [--base-url URL] [--cacert FILE] PROMPT...
   Exit status: 0 success, 1 the API refused, 2 usage, 3 network/TLS/protocol error. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L         /* getaddrinfo and poll, for this file's socket code */
#endif
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the transport: ~60 lines an embedded port would replace ---- */

typedef struct my_socket {
    int fd;
    unsigned long bytes_in, bytes_out;
} my_socket;

/* 1 ready, 0 timed out, -1 failed. timeout_ms < 0 waits without limit. */
static int wait_ready(int fd, short events, long timeout_ms)
{
    struct pollfd pfd;
    int r;
    pfd.fd = fd;
    pfd.events = events;
    pfd.revents = 0;
    do r = poll(&pfd, 1, timeout_ms < 0 ? -1 : timeout_ms > 86400000L ? 86400000 : (int)timeout_ms);
    while (r < 0 && errno == EINTR);
    return r > 0 ? 1 : r;
}

/* One address: a non-blocking connect, so that it can time out. */
static int connect_one(my_socket *s, const struct addrinfo *ai, long timeout_ms)
{
    int r = 1, soerr = 1;
    socklen_t len = sizeof soerr;
    if ((s->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0) return GEMINI_ERR_CONNECT;
    fcntl(s->fd, F_SETFL, O_NONBLOCK);
    if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) != 0)
        r = errno == EINPROGRESS ? wait_ready(s->fd, POLLOUT, timeout_ms <= 0 ? -1 : timeout_ms) : -1;
    if (r > 0 && getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0)
        return GEMINI_OK;
    close(s->fd);
    s->fd = -1;
    return r == 0 ? GEMINI_ERR_TIMEOUT : GEMINI_ERR_CONNECT;
}

static int my_connect(void *ctx, const char *host, unsigned port, long timeout_ms)
{
    struct addrinfo hints, *list, *ai;
    char service[8];
    int err = GEMINI_ERR_CONNECT;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;    /* IPv6 or IPv4, in the resolver's order */
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(host, service, &hints, &list) != 0) return GEMINI_ERR_DNS;
    for (ai = list; ai && err != GEMINI_OK; ai = ai->ai_next)
        err = connect_one((my_socket *)ctx, ai, timeout_ms);
    freeaddrinfo(list);
    return err;
}

static long my_recv(void *ctx, unsigned char *buf, size_t len, long timeout_ms)
{
    my_socket *s = (my_socket *)ctx;
    for (;;) {
        int r = wait_ready(s->fd, POLLIN, timeout_ms);
        ssize_t n;
        if (r == 0) return -GEMINI_ERR_TIMEOUT;
        if (r < 0) return -GEMINI_ERR_IO;
        n = recv(s->fd, buf, len, 0);
        if (n >= 0) { s->bytes_in += (unsigned long)n; return (long)n; }  /* 0: peer closed */
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -GEMINI_ERR_IO;
    }
}

static long my_send(void *ctx, const unsigned char *buf, size_t len, long timeout_ms)
{
    my_socket *s = (my_socket *)ctx;
    for (;;) {
        int r = wait_ready(s->fd, POLLOUT, timeout_ms);
        ssize_t n;
        if (r == 0) return -GEMINI_ERR_TIMEOUT;
        if (r < 0) return -GEMINI_ERR_IO;
        n = send(s->fd, buf, len, MSG_NOSIGNAL);  /* a closed peer is an error, not SIGPIPE */
        if (n > 0) { s->bytes_out += (unsigned long)n; return (long)n; }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -GEMINI_ERR_IO;
    }
}

static void my_close(void *ctx)
{
    my_socket *s = (my_socket *)ctx;
    close(s->fd);
    s->fd = -1;
}

/* ---- the application: stream one prompt through the client ---- */

typedef struct outcome {
    int refused;                        /* an API error or a blocked prompt */
    int mid_line;                       /* the answer so far does not end with a newline */
} outcome;

static int on_event(void *user, const gemini_event *ev)
{
    outcome *out = (outcome *)user;
    if (ev->type == GEMINI_EVENT_TEXT) {
        fwrite(ev->text, 1, ev->len, stdout);
        fflush(stdout);
        out->mid_line = ev->len > 0 && ev->text[ev->len - 1] != '\n';
    } else if (ev->type == GEMINI_EVENT_BLOCKED) {
        out->refused = 1;
        fprintf(stderr, "custom_transport: prompt blocked: %s\n", ev->text);
    } else if (ev->type == GEMINI_EVENT_API_ERROR) {
        out->refused = 1;
        fprintf(stderr, "custom_transport: API error %d %s: %s\n", ev->http_status, ev->status, ev->text);
    }
    return 0;
}

/* Options, then the prompt words joined by spaces (into a static buffer). */
static const char *parse_args(int argc, char **argv, gemini_config *cfg, const char **model)
{
    static char prompt[4096];
    int i;
    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--base-url")) cfg->base_url = argv[i + 1];
        else if (!strcmp(argv[i], "--cacert")) cfg->ca_file = argv[i + 1];
        else if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--model")) *model = argv[i + 1];
        else return NULL;
    }
    for (prompt[0] = '\0'; i < argc; i++) {
        if (strlen(prompt) + strlen(argv[i]) + 2 > sizeof prompt) return NULL;
        if (prompt[0]) strcat(prompt, " ");
        strcat(prompt, argv[i]);
    }
    return prompt[0] && prompt[0] != '-' ? prompt : NULL;
}

int main(int argc, char **argv)
{
    static gemini_client client;
    my_socket sock = {-1, 0, 0};
    gemini_transport transport = {NULL, my_connect, my_recv, my_send, my_close};
    gemini_config cfg;
    gemini_request req;
    gemini_part_spec part = {NULL, NULL, NULL, 0, NULL};
    gemini_content turn = {"user", NULL, 1};
    const char *model = "gemini-3-flash-preview", *prompt;
    outcome out = {0, 0};
    int err;
    memset(&cfg, 0, sizeof cfg);       /* zero means "use the default" */
    memset(&req, 0, sizeof req);
    cfg.api_key = getenv("GOOGLE_API_KEY");
    if (!cfg.api_key || !*cfg.api_key) cfg.api_key = getenv("GEMINI_API_KEY");
    if (!(prompt = parse_args(argc, argv, &cfg, &model))) {
        fputs("usage: custom_transport [-m MODEL] [--base-url URL] [--cacert FILE] PROMPT...\n", stderr);
        return 2;
    }
    transport.ctx = &sock;
    cfg.transport = &transport;         /* the client calls our four functions, nothing else */
    if (gemini_client_init(&client, &cfg) != GEMINI_OK) {
        fprintf(stderr, "custom_transport: %s\n", gemini_client_message(&client));
        gemini_client_free(&client);
        return 2;
    }
    part.text = prompt;
    turn.parts = &part;
    req.contents = &turn;
    req.content_count = 1;
    err = gemini_stream_request(&client, model, &req, on_event, &out);
    if (out.mid_line) putchar('\n');
    if (err && err != GEMINI_ERR_API)
        fprintf(stderr, "custom_transport: %s\n", gemini_client_message(&client));
    gemini_client_free(&client);        /* calls my_close */
    fprintf(stderr, "[custom transport: %lu bytes sent, %lu received]\n", sock.bytes_out,
            sock.bytes_in);
    return err == GEMINI_OK && !out.refused ? 0 : err == GEMINI_OK || err == GEMINI_ERR_API ? 1 : 3;
}
