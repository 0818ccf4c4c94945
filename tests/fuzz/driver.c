/* driver.c - runs a fuzz target without libFuzzer: LLVMFuzzerTestOneInput over every file named
   on the command line, and every file inside the directories named (not recursive). Linked with
   one fuzz_*.c into build/fuzz/replay_*, so that `make fuzz-replay` can run the seed corpora
   under gcc with AddressSanitizer and UBSan. A broken invariant aborts the process; the driver
   itself exits 1 when it found no input at all or could not read one. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    if (!f) { fprintf(stderr, "driver: cannot open %s\n", path); return -1; }
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        fprintf(stderr, "driver: cannot size %s\n", path);
        return -1;
    }
    buf = (unsigned char *)malloc(n > 0 ? (size_t)n : 1);   /* exactly the file: overreads show */
    if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fclose(f);
        free(buf);
        fprintf(stderr, "driver: cannot read %s\n", path);
        return -1;
    }
    fclose(f);
    fprintf(stderr, "driver: %s (%ld bytes)\n", path, n);
    LLVMFuzzerTestOneInput(buf, (size_t)n);
    free(buf);
    return 1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the regular files of a directory in name order; returns how many, or -1. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, cap = 0, i;
    int runs = 0;
    if (!d) { fprintf(stderr, "driver: cannot open %s\n", dir); return -1; }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        struct stat st;
        char *path;
        if (e->d_name[0] == '.') continue;
        path = (char *)malloc(len);
        if (!path) break;
        snprintf(path, len, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) { free(path); continue; }
        if (count == cap) {
            char **more = (char **)realloc(names, (cap ? cap * 2 : 64) * sizeof *names);
            if (!more) { free(path); break; }
            names = more;
            cap = cap ? cap * 2 : 64;
        }
        names[count++] = path;
    }
    closedir(d);
    if (count) qsort(names, count, sizeof *names, cmp_names);
    for (i = 0; i < count; i++) {
        int r = run_file(names[i]);
        if (r < 0) runs = -1;
        else if (runs >= 0) runs += r;
        free(names[i]);
    }
    free(names);
    return runs;
}

int main(int argc, char **argv)
{
    int i, total = 0, bad = 0;
    for (i = 1; i < argc; i++) {
        struct stat st;
        int r;
        if (stat(argv[i], &st) != 0) { fprintf(stderr, "driver: no such file %s\n", argv[i]); bad = 1; continue; }
        r = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
        if (r < 0) bad = 1;
        else total += r;
    }
    printf("%s: %d inputs replayed\n", argc > 0 ? argv[0] : "driver", total);
    return bad || total == 0 ? 1 : 0;
}
