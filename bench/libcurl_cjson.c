/* libcurl_cjson.c - the reference a C programmer would write without gemini_stream.h: libcurl
   for HTTPS, cJSON for the events, lines split by hand. Used only by `make bench`, beside our CLI
   and the curl tool, on the same streams.

   usage: bench_libcurl_cjson BASE_URL CA_FILE MODEL PROMPT   (API key in GEMINI_API_KEY)

   Prints each text part as it arrives (fflush per piece, as a streaming client must), exits 0
   when the stream ends, 1 on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <cjson/cJSON.h>

struct lines {
    char *buf;
    size_t len, cap;
    int bad;
};

/* One SSE "data:" payload: a GenerateContentResponse; prints candidates[0]'s text parts. */
static void on_data(struct lines *l, const char *json)
{
    cJSON *root = cJSON_Parse(json), *cand, *parts, *part;
    if (!root) {
        l->bad = 1;
        return;
    }
    cand = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "candidates"), 0);
    parts = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cand, "content"), "parts");
    cJSON_ArrayForEach(part, parts) {
        cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");
        if (cJSON_IsString(text)) {
            fputs(text->valuestring, stdout);
            fflush(stdout);
        }
    }
    cJSON_Delete(root);
}

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    struct lines *l = user;
    size_t len = size * n, start = 0, i;
    if (l->len + len + 1 > l->cap) {
        size_t cap = (l->len + len + 1) * 2;
        char *b = realloc(l->buf, cap);
        if (!b) return 0;
        l->buf = b;
        l->cap = cap;
    }
    memcpy(l->buf + l->len, p, len);
    l->len += len;
    for (i = 0; i < l->len; i++) {
        if (l->buf[i] != '\n') continue;
        l->buf[i] = '\0';
        if (i > start && l->buf[i - 1] == '\r') l->buf[i - 1] = '\0';
        if (strncmp(l->buf + start, "data:", 5) == 0) on_data(l, l->buf + start + 5);
        start = i + 1;
    }
    memmove(l->buf, l->buf + start, l->len - start);
    l->len -= start;
    return len;
}

int main(int argc, char **argv)
{
    const char *key = getenv("GEMINI_API_KEY");
    struct lines l = {NULL, 0, 0, 0};
    struct curl_slist *headers = NULL;
    char url[1024], auth[512], *body;
    cJSON *req, *contents, *content, *parts, *part;
    long status = 0;
    CURL *curl;
    CURLcode rc;
    if (argc != 5 || !key) {
        fprintf(stderr, "usage: GEMINI_API_KEY=... %s BASE_URL CA_FILE MODEL PROMPT\n", argv[0]);
        return 2;
    }
    snprintf(url, sizeof url, "%s/v1beta/models/%s:streamGenerateContent?alt=sse", argv[1], argv[3]);
    snprintf(auth, sizeof auth, "x-goog-api-key: %s", key);

    req = cJSON_CreateObject();
    contents = cJSON_AddArrayToObject(req, "contents");
    content = cJSON_CreateObject();
    cJSON_AddItemToArray(contents, content);
    cJSON_AddStringToObject(content, "role", "user");
    parts = cJSON_AddArrayToObject(content, "parts");
    part = cJSON_CreateObject();
    cJSON_AddItemToArray(parts, part);
    cJSON_AddStringToObject(part, "text", argv[4]);
    body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, auth);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CAINFO, argv[2]);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &l);
    rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK) fprintf(stderr, "curl: %s\n", curl_easy_strerror(rc));
    else if (status != 200) fprintf(stderr, "HTTP %ld\n", status);
    else if (l.bad) fprintf(stderr, "bad JSON in an event\n");

    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    cJSON_free(body);
    free(l.buf);
    return rc == CURLE_OK && status == 200 && !l.bad ? 0 : 1;
}
