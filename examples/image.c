/* image - ask about an image: the file is sent as an inline-data part (base64-encoded by the
   request writer as the body goes out, no encoded copy is held) next to a text part, and the
   answer streams to stdout.
     cc -std=c99 -I. examples/image.c -lbearssl -o build/image
     GEMINI_API_KEY=... build/image [-m MODEL] [--base-url URL] [--cacert FILE] FILE [QUESTION...]
   The question defaults to "What is in this image?". Exit status: 0 success, 1 the API refused,
   2 usage error, 3 network/TLS/protocol error. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct options {
    const char *model, *base_url, *cacert, *file;
    char question[4096];
} options;

typedef struct outcome {
    int refused;                        /* an API error or a blocked prompt */
    int mid_line;                       /* the answer so far does not end with a newline */
} outcome;

/* The MIME type from the file name's extension, compared without case. */
static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
        {"gif", "image/gif"}, {"webp", "image/webp"}};
    const char *dot = strrchr(path, '.');
    char ext[8];
    size_t i;
    if (!dot || strchr(dot, '/') || strlen(dot + 1) >= sizeof ext) return "application/octet-stream";
    for (i = 0; dot[i + 1]; i++) ext[i] = (char)tolower((unsigned char)dot[i + 1]);
    ext[i] = '\0';
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(ext, types[i][0]) == 0) return types[i][1];
    return "application/octet-stream";
}

/* The whole file in one heap buffer; NULL (errno set) on failure. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 65536, n;
    unsigned char *buf = f ? (unsigned char *)malloc(cap) : NULL;
    *len = 0;
    while (buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += n;
        if (*len == cap) {
            unsigned char *grown = cap <= (size_t)-1 / 2 ? (unsigned char *)realloc(buf, cap * 2) : NULL;
            if (!grown) { free(buf); buf = NULL; break; }
            buf = grown;
            cap *= 2;
        }
    }
    if (buf && ferror(f)) { free(buf); buf = NULL; }
    if (f) fclose(f);
    return buf;
}

/* Options first, then FILE, then the question words. */
static int parse_args(int argc, char **argv, options *o)
{
    int i;
    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "--base-url")) o->base_url = argv[i + 1];
        else if (!strcmp(argv[i], "--cacert")) o->cacert = argv[i + 1];
        else if (!strcmp(argv[i], "-m") || !strcmp(argv[i], "--model")) o->model = argv[i + 1];
        else return -1;
    }
    if (i >= argc || argv[i][0] == '-') return -1;
    o->file = argv[i++];
    for (o->question[0] = '\0'; i < argc; i++) {
        if (strlen(o->question) + strlen(argv[i]) + 2 > sizeof o->question) return -1;
        if (o->question[0]) strcat(o->question, " ");
        strcat(o->question, argv[i]);
    }
    if (!o->question[0]) strcpy(o->question, "What is in this image?");
    return 0;
}

static int on_event(void *user, const gemini_event *ev)
{
    outcome *out = (outcome *)user;
    if (ev->type == GEMINI_EVENT_TEXT) {
        fwrite(ev->text, 1, ev->len, stdout);
        fflush(stdout);
        out->mid_line = ev->len > 0 && ev->text[ev->len - 1] != '\n';
    } else if (ev->type == GEMINI_EVENT_BLOCKED) {
        out->refused = 1;
        fprintf(stderr, "image: prompt blocked: %s\n", ev->text);
    } else if (ev->type == GEMINI_EVENT_API_ERROR) {
        out->refused = 1;
        fprintf(stderr, "image: API error %d %s: %s\n", ev->http_status, ev->status, ev->text);
    }
    return 0;
}

/* Sends the image and the question as one user turn; returns the exit status. */
static int ask(gemini_client *client, const options *o, const unsigned char *data, size_t len)
{
    gemini_part_spec parts[2];
    gemini_content turn = {"user", NULL, 2};
    gemini_request req;
    outcome out = {0, 0};
    int err;
    memset(parts, 0, sizeof parts);
    memset(&req, 0, sizeof req);
    parts[0].mime_type = mime_type(o->file);     /* the image first, then the question */
    parts[0].data = data;
    parts[0].data_len = len;
    parts[1].text = o->question;
    turn.parts = parts;
    req.contents = &turn;
    req.content_count = 1;
    err = gemini_stream_request(client, o->model, &req, on_event, &out);
    if (out.mid_line) putchar('\n');
    fflush(stdout);
    if (err && err != GEMINI_ERR_API) fprintf(stderr, "image: %s\n", gemini_client_message(client));
    if (err == GEMINI_OK) return out.refused;
    return err == GEMINI_ERR_API ? 1 : err == GEMINI_ERR_BAD_MODEL ? 2 : 3;
}

int main(int argc, char **argv)
{
    static gemini_client client;
    static options o;
    gemini_config cfg;
    unsigned char *data;
    size_t len;
    int status;
    o.model = "gemini-3-flash-preview";
    if (parse_args(argc, argv, &o) < 0) {
        fputs("usage: image [-m MODEL] [--base-url URL] [--cacert FILE] FILE [QUESTION...]\n", stderr);
        return 2;
    }
    memset(&cfg, 0, sizeof cfg);       /* zero means "use the default" */
    cfg.api_key = getenv("GOOGLE_API_KEY");
    if (!cfg.api_key || !*cfg.api_key) cfg.api_key = getenv("GEMINI_API_KEY");
    cfg.base_url = o.base_url;
    cfg.ca_file = o.cacert;
    if (!(data = read_file(o.file, &len))) {
        perror(o.file);
        return 2;
    }
    if (gemini_client_init(&client, &cfg) != GEMINI_OK) {
        fprintf(stderr, "image: %s\n", gemini_client_message(&client));
        status = 2;
    } else {
        status = ask(&client, &o, data, len);
    }
    gemini_client_free(&client);
    free(data);
    return status;
}
