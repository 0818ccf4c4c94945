/* jsonl_check - exits 0 when every line of stdin is one complete, strict JSON value (checked
   with the library's scanner), else prints the first bad line number and exits 1. The CLI
   tests use it for --json output, so they need no other JSON tool. */
#define GEMINI_STREAM_IMPLEMENTATION
#include "gemini_stream.h"
#include <stdio.h>
#include <string.h>

int main(void)
{
    static gemini_json j;
    static char line[1 << 20];
    long number = 0;
    while (fgets(line, sizeof line, stdin)) {
        number++;
        gemini_json_init(&j, NULL, NULL);
        gemini_json_feed(&j, line, strlen(line));
        if (gemini_json_end(&j) != GEMINI_OK) {
            fprintf(stderr, "jsonl_check: line %ld: %s\n", number, gemini_strerror(j.err));
            return 1;
        }
    }
    return number > 0 ? 0 : 1;
}
