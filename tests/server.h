/* server.h - support for the end-to-end test programs: start and stop the project's TLS test
   server (build/tls_server), read back the requests it logged, time things and count open
   descriptors. Header-only. */
#ifndef GEMINI_TEST_SERVER_H
#define GEMINI_TEST_SERVER_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

typedef struct test_server {
    pid_t pid;
    int port;
    char url[64];       /* https://localhost:PORT */
    char log[256];      /* the request log */
} test_server;

/* Starts build/tls_server with tests/pki/NAME.pem and NAME.key, and one more server option
   when `option` is not NULL; returns 0 on success. */
static int server_start_with(test_server *s, const char *cert_name, const char *option)
{
    char cert[128], key[128], line[64];
    int fds[2];
    FILE *out;
    static int count;
    snprintf(cert, sizeof cert, "tests/pki/%s.pem", cert_name);
    snprintf(key, sizeof key, "tests/pki/%s.key", cert_name);
    snprintf(s->log, sizeof s->log, "build/e2e-%d-%d.log", (int)getpid(), count++);
    remove(s->log);
    if (pipe(fds) != 0) return -1;
    s->pid = fork();
    if (s->pid < 0) return -1;
    if (s->pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl("build/tls_server", "tls_server", "--cert", cert, "--key", key, "--port", "0",
              "--data", "tests/data", "--log", s->log, "--max-seconds", "240", option,
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    out = fdopen(fds[0], "r");
    if (!out || !fgets(line, sizeof line, out) || sscanf(line, "port %d", &s->port) != 1) {
        if (out) fclose(out);
        kill(s->pid, SIGKILL);
        waitpid(s->pid, NULL, 0);
        return -1;
    }
    fclose(out);
    snprintf(s->url, sizeof s->url, "https://localhost:%d", s->port);
    return 0;
}

static int server_start(test_server *s, const char *cert_name)
{
    return server_start_with(s, cert_name, NULL);
}

static void server_stop(test_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
    }
    s->pid = 0;
    remove(s->log);
}

/* The whole request log (malloc'd, NUL-terminated; "" when empty). */
static char *server_log(const test_server *s)
{
    FILE *f = fopen(s->log, "rb");
    char *buf;
    long n;
    if (!f) return (char *)calloc(1, 1);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (char *)calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) buf[0] = '\0';
    fclose(f);
    return buf;
}

/* How many times needle occurs in the log. */
static int server_log_count(const test_server *s, const char *needle)
{
    char *log = server_log(s), *p = log;
    int n = 0;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    free(log);
    return n;
}

/* ---- clock and descriptors, for timing and leak checks ---- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Open descriptors of this process (entries of /proc/self/fd). */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d) return -1;
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

/* A client config for the test server: its URL, the test CA, the given key; the rest default. */
static void test_config(gemini_config *cfg, const char *url, const char *key)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->api_key = key;
    cfg->base_url = url;
    cfg->ca_file = "tests/pki/ca.pem";
}

#endif
