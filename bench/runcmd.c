/* runcmd.c - run commands side by side and measure each run of each: wall time (fork to reap),
 * user+sys CPU and peak RSS of the child (wait4's rusage, i.e. RUSAGE_CHILDREN of that child).
 *
 *   bench_runcmd [-n RUNS] [-w WARMUP] [-e ERRLOG] LABEL CMD ARGS... [:: LABEL CMD ARGS...]...
 *
 * Each round runs every command once, in turn (so drift hits all of them alike); WARMUP rounds
 * (default 1) come first and are not counted. stdin and stdout are /dev/null, stderr goes to
 * ERRLOG (default /dev/null). Prints, per command:
 *   LABEL runs RUNS failed F wall_ms MED MIN MAX cpu_ms MED MIN MAX user_ms MED sys_ms MED
 *         rss_kb MED MIN MAX waits MED
 * (waits: voluntary context switches, the times the process slept waiting for I/O)
 * A run fails when the command does not exit with status 0. Exit status: 0 when no run failed.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8
#define MAX_RUNS 101

typedef struct cmd {
    const char *label;
    char **argv;
    int failed;
    double wall[MAX_RUNS], cpu[MAX_RUNS], user[MAX_RUNS], sys[MAX_RUNS], rss[MAX_RUNS];
    double waits[MAX_RUNS];     /* voluntary context switches: how often it slept on I/O */
} cmd;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static double tv_ms(struct timeval tv)
{
    return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec * 1e-3;
}

/* Runs c once; stores the figures at index r unless r < 0 (warm-up). */
static void run_once(cmd *c, int r, const char *errlog)
{
    struct rusage ru;
    int status = 0;
    double t0 = now_ms(), t1;
    pid_t pid = fork();
    if (pid < 0) { perror("bench_runcmd: fork"); exit(1); }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open("/dev/null", O_WRONLY);
        int err = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (in < 0 || out < 0 || err < 0) _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execvp(c->argv[0], c->argv);
        _exit(127);
    }
    if (wait4(pid, &status, 0, &ru) != pid) { perror("bench_runcmd: wait4"); exit(1); }
    t1 = now_ms();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) c->failed++;
    if (r < 0) return;
    c->wall[r] = t1 - t0;
    c->user[r] = tv_ms(ru.ru_utime);
    c->sys[r] = tv_ms(ru.ru_stime);
    c->cpu[r] = c->user[r] + c->sys[r];
    c->rss[r] = (double)ru.ru_maxrss;
    c->waits[r] = (double)ru.ru_nvcsw;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void sort(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
}

int main(int argc, char **argv)
{
    static cmd cmds[MAX_CMDS];
    const char *errlog = "/dev/null";
    int runs = 5, warmup = 1, ncmd = 0, i, r, failed = 0;
    for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (strcmp(argv[i], "-n") == 0) runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-w") == 0) warmup = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "-e") == 0) errlog = argv[i + 1];
        else break;
    }
    /* LABEL CMD ARGS... groups, split at "::" (the separators become the argv terminators) */
    while (i < argc && ncmd < MAX_CMDS) {
        cmd *c = &cmds[ncmd++];
        c->label = argv[i++];
        c->argv = argv + i;
        while (i < argc && strcmp(argv[i], "::") != 0) i++;
        if (i < argc) argv[i++] = NULL;
        if (c->argv[0] == NULL) { ncmd = 0; break; }
    }
    if (ncmd == 0 || i < argc || runs < 1 || runs > MAX_RUNS || warmup < 0) {
        fprintf(stderr, "usage: bench_runcmd [-n RUNS] [-w WARMUP] [-e ERRLOG] "
                        "LABEL CMD ARGS... [:: LABEL CMD ARGS...]...\n");
        return 2;
    }
    for (r = -warmup; r < runs; r++)
        for (i = 0; i < ncmd; i++) run_once(&cmds[i], r < 0 ? -1 : r, errlog);
    for (i = 0; i < ncmd; i++) {
        cmd *c = &cmds[i];
        sort(c->wall, runs);
        sort(c->cpu, runs);
        sort(c->user, runs);
        sort(c->sys, runs);
        sort(c->rss, runs);
        sort(c->waits, runs);
        printf("%s runs %d failed %d wall_ms %.2f %.2f %.2f cpu_ms %.1f %.1f %.1f "
               "user_ms %.1f sys_ms %.1f rss_kb %.0f %.0f %.0f waits %.0f\n",
               c->label, runs, c->failed, c->wall[runs / 2], c->wall[0], c->wall[runs - 1],
               c->cpu[runs / 2], c->cpu[0], c->cpu[runs - 1], c->user[runs / 2],
               c->sys[runs / 2], c->rss[runs / 2], c->rss[0], c->rss[runs - 1],
               c->waits[runs / 2]);
        failed += c->failed;
    }
    return failed ? 1 : 0;
}
