/* gemini_stream.h - v0.1.0 - stream answers from Google's Gemini API in C - MIT (end of file)

   Do this:
      #define GEMINI_STREAM_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Link with BearSSL (-lbearssl); nothing else is needed.

   TL;DR:

      #define GEMINI_STREAM_IMPLEMENTATION
      #include "gemini_stream.h"
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>

      static int on_event(void *user, const gemini_event *ev)
      {
          (void)user;
          if (ev->type == GEMINI_EVENT_TEXT) fwrite(ev->text, 1, ev->len, stdout), fflush(stdout);
          return 0;                                        // non-zero cancels the stream
      }

      int main(void)
      {
          static gemini_client client;                     // ~40 KiB: keep it off small stacks
          gemini_config cfg = {0};                         // zero means "use the default"
          cfg.api_key = getenv("GEMINI_API_KEY");
          if (gemini_client_init(&client, &cfg) != GEMINI_OK) return 2;
          const char *body = "{\"contents\":[{\"parts\":[{\"text\":\"Hello\"}]}]}";
          int err = gemini_stream(&client, "gemini-3-flash-preview", body, strlen(body),
                                  on_event, NULL);
          if (err) fprintf(stderr, "error: %s\n", gemini_client_message(&client));
          gemini_client_free(&client);
          return err ? 1 : 0;
      }

   CONFIGURATION MACROS (define before including; the defaults are in brackets)

      GEMINI_STREAM_IMPLEMENTATION   compile the implementation into this translation unit
      GEMINI_STREAM_STATIC           make every function static (private to one file)
      GEMINI_NO_SOCKETS              leave out the POSIX socket transport [off]
      GEMINI_READ_AHEAD              socket read-ahead buffer, fewer recv calls [4096]
      GEMINI_MAX_HEAD                bytes allowed in an HTTP response head [16384]
      GEMINI_MAX_CHUNK_DIGITS        hex digits allowed in a chunk size, leading zeros included [16]
      GEMINI_JSON_MAX_DEPTH          JSON nesting allowed [64]
      GEMINI_PART_MAX                bytes of one part held until it closes: text, or a function
                                     call's raw args [8192]
      GEMINI_ERROR_MESSAGE_MAX       bytes kept of an API error message [1024]
      GEMINI_TLS_FULL                BearSSL's full client profile instead of the ECDHE + AEAD
                                     suites Google's endpoints use [off]
      GEMINI_TLS_SMALL               the smallest profile: ChaCha20-Poly1305 alone (BearSSL's
                                     portable code); 8 KB less code, and bulk data takes about
                                     twice the CPU [off]

   OWNERSHIP
      Every state lives in a struct the caller owns (static, stack or heap: your choice); the
      library never allocates while a stream runs. The only allocations are made by
      gemini_client_init() when a PEM bundle is loaded (the decoded trust anchors), released by
      gemini_client_free(). Pointers inside a gemini_event are valid only during the callback.

   ERRORS
      Every function that can fail returns a gemini_error (GEMINI_OK is 0). Each parser and the
      client keep the first error they meet ("sticky"): later calls return it again and change
      nothing. gemini_strerror() names a code; gemini_client_message() adds the detail (the API's
      own message, BearSSL's reason for a refused certificate, ...). The API key never appears in
      an error message. The library prints nothing.

   LIMITS
      Nothing grows with the input: the HTTP head is parsed as it streams by (GEMINI_MAX_HEAD is a
      limit, not a buffer), skipped JSON values are never stored, and a text part longer than
      GEMINI_PART_MAX is delivered in pieces of that size before it closes. Such early pieces are
      typed by what is known when the buffer fills: a part is an answer (TEXT) unless its
      "thought": true has already arrived. A function call whose args outgrow GEMINI_PART_MAX stops
      the stream with GEMINI_ERR_TOO_LARGE rather than deliver a cut value.

   THREADS
      No global state. One client or parser must be used by one thread at a time; different ones
      may run in parallel.
*/
#if defined(GEMINI_STREAM_IMPLEMENTATION) && !defined(GEMINI_NO_SOCKETS) && !defined(_WIN32) \
    && !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) \
    && !defined(_XOPEN_SOURCE) && !defined(__APPLE__)
/* getaddrinfo, poll and clock_gettime are POSIX: ask for them unless the build chose already.
   This works when this file is included before any system header. */
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef GEMINI_STREAM_H
#define GEMINI_STREAM_H

#include <stddef.h>
#include <bearssl.h>

#define GEMINI_STREAM_VERSION_MAJOR 0
#define GEMINI_STREAM_VERSION_MINOR 1
#define GEMINI_STREAM_VERSION_PATCH 0
#define GEMINI_STREAM_VERSION "0.1.0"

#ifdef GEMINI_STREAM_STATIC
#define GEMINI_API static
#else
#define GEMINI_API extern
#endif

#ifndef GEMINI_READ_AHEAD
#define GEMINI_READ_AHEAD 4096
#endif
#ifndef GEMINI_MAX_HEAD
#define GEMINI_MAX_HEAD 16384
#endif
#ifndef GEMINI_MAX_CHUNK_DIGITS
#define GEMINI_MAX_CHUNK_DIGITS 16
#endif
#ifndef GEMINI_JSON_MAX_DEPTH
#define GEMINI_JSON_MAX_DEPTH 64
#endif
#ifndef GEMINI_PART_MAX
#define GEMINI_PART_MAX 8192
#endif
#if GEMINI_PART_MAX < 16
#error "GEMINI_PART_MAX must be at least 16 (a part's text is delivered in UTF-8 pieces)"
#endif
#ifndef GEMINI_ERROR_MESSAGE_MAX
#define GEMINI_ERROR_MESSAGE_MAX 1024
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------------------------- */

typedef enum gemini_error {
    GEMINI_OK = 0,
    /* usage: the caller's input */
    GEMINI_ERR_USAGE = 1,          /* a NULL or out-of-range argument */
    GEMINI_ERR_BAD_URL,            /* base URL is not https://host[:port][/prefix] */
    GEMINI_ERR_BAD_MODEL,          /* model name has characters that would break the path */
    GEMINI_ERR_NO_KEY,             /* no API key given */
    GEMINI_ERR_TRUST,              /* no usable trust anchor in the PEM file or bundle */
    GEMINI_ERR_NOMEM,              /* allocation failed while loading trust anchors */
    /* network */
    GEMINI_ERR_DNS = 20,           /* the host name did not resolve */
    GEMINI_ERR_CONNECT,            /* no address accepted the connection */
    GEMINI_ERR_IO,                 /* send or receive failed (reset, broken pipe, ...) */
    GEMINI_ERR_TIMEOUT,            /* connect, idle-read or total deadline passed */
    /* TLS */
    GEMINI_ERR_TLS = 30,           /* handshake or record failure; see the client message */
    GEMINI_ERR_CERT,               /* the server's certificate was refused; see the message */
    /* HTTP and protocol */
    GEMINI_ERR_HTTP_STATUS_LINE = 40, /* malformed status line */
    GEMINI_ERR_HTTP_HEADER,        /* malformed header line */
    GEMINI_ERR_HEAD_TOO_LARGE,     /* the head outgrew GEMINI_MAX_HEAD */
    GEMINI_ERR_HTTP_FRAMING,       /* bad or conflicting Content-Length / Transfer-Encoding */
    GEMINI_ERR_HTTP_ENCODING,      /* a content or transfer coding we do not speak (gzip, ...) */
    GEMINI_ERR_HTTP_UPGRADE,       /* 101 or another response we cannot follow */
    GEMINI_ERR_CHUNK_SIZE,         /* chunk size not hex, too long or overflowing */
    GEMINI_ERR_CHUNK_FRAMING,      /* missing CRLF after a chunk, bad extension or trailer */
    GEMINI_ERR_JSON_SYNTAX,        /* not JSON (RFC 8259) */
    GEMINI_ERR_JSON_DEPTH,         /* nesting deeper than GEMINI_JSON_MAX_DEPTH */
    GEMINI_ERR_JSON_ESCAPE,        /* a bad backslash escape in a string */
    GEMINI_ERR_JSON_CONTROL,       /* a raw control character inside a string */
    GEMINI_ERR_JSON_NUMBER,        /* a malformed number */
    GEMINI_ERR_TOO_LARGE,          /* a function call outgrew GEMINI_PART_MAX (args) or its
                                      name (127 bytes) or id (63 bytes) buffer */
    GEMINI_ERR_NOT_STREAM,         /* a 200 response that is not an event stream or JSON */
    /* the API */
    GEMINI_ERR_API = 70,           /* the API refused or failed (an API_ERROR event was given) */
    /* stream ends */
    GEMINI_ERR_CANCELLED = 80,     /* the event callback asked to stop */
    GEMINI_ERR_TRUNCATED           /* the input ended before the response was complete */
} gemini_error;

/* Names a code in a short English phrase; never NULL. */
GEMINI_API const char *gemini_strerror(int err);

/* ---- events ---------------------------------------------------------------------------- */

typedef enum gemini_event_type {
    GEMINI_EVENT_TEXT = 1,      /* answer text: text/len is new UTF-8 text, to append */
    GEMINI_EVENT_THOUGHT,       /* thought-summary text (parts with "thought": true) */
    GEMINI_EVENT_FUNCTION_CALL, /* text = function name, args = raw JSON of args, id = call id */
    GEMINI_EVENT_FINISH,        /* text = finishReason ("STOP", "MAX_TOKENS", "SAFETY", ...) */
    GEMINI_EVENT_USAGE,         /* usage = running token totals of this response */
    GEMINI_EVENT_BLOCKED,       /* text = promptFeedback.blockReason: the prompt was refused */
    GEMINI_EVENT_API_ERROR,     /* text = error.message, status = error.status, http_status */
    GEMINI_EVENT_THOUGHT_SIGNATURE, /* only when asked for: a piece of the current part's
                                   thoughtSignature (base64). The pieces of one part arrive in
                                   order and concatenate; the part's own event (FUNCTION_CALL,
                                   TEXT, THOUGHT), if it has one, follows them. Gemini 3 wants
                                   the signature sent back with a function call's part. */
    GEMINI_EVENT_IDLE           /* only from the client: everything received so far has been
                                   delivered and it is about to wait for the network. The moment
                                   to flush output you buffer: flushing here rather than after
                                   each piece holds nothing back and saves a write per piece. */
} gemini_event_type;

typedef struct gemini_usage {
    long prompt_tokens;         /* usageMetadata.promptTokenCount; -1 when absent */
    long candidates_tokens;     /* candidatesTokenCount */
    long thoughts_tokens;       /* thoughtsTokenCount */
    long cached_tokens;         /* cachedContentTokenCount */
    long total_tokens;          /* totalTokenCount */
} gemini_usage;

typedef struct gemini_event {
    gemini_event_type type;
    int candidate;              /* position in "candidates" (0 unless all candidates asked for) */
    const char *text;           /* NUL-terminated; see the event types for what it holds */
    size_t len;                 /* bytes in text, without the NUL */
    const char *args;           /* FUNCTION_CALL: raw JSON value of "args" ("{}" when absent) */
    size_t args_len;
    const char *id;             /* FUNCTION_CALL: "id" ("" when absent) */
    const char *status;         /* API_ERROR: error.status ("RESOURCE_EXHAUSTED"); else "" */
    int http_status;            /* API_ERROR: the HTTP status (200 for in-stream errors) */
    long code;                  /* API_ERROR: error.code (0 when absent) */
    gemini_usage usage;         /* USAGE */
} gemini_event;

/* Receives each event. Return 0 to go on; anything else stops the stream with
   GEMINI_ERR_CANCELLED. Pointers in *ev are valid only during the call. */
typedef int (*gemini_event_fn)(void *user, const gemini_event *ev);

/* Receives bytes from a layer (decoded body bytes, SSE data). Returns 0 or a gemini_error,
   which stops the layer and becomes its sticky error. */
typedef int (*gemini_bytes_fn)(void *user, const char *data, size_t len);

/* ---- layer 1: HTTP/1.1 response head ------------------------------------------------------ */

typedef struct gemini_http_head {
    /* results, valid once done is set */
    int done;                   /* 1 when the final (non-1xx) head has ended */
    int err;                    /* sticky gemini_error */
    int status;                 /* e.g. 200 */
    int minor_version;          /* 1 for HTTP/1.1, 0 for HTTP/1.0 */
    int chunked;                /* Transfer-Encoding ends in chunked */
    int coded;                  /* Transfer-Encoding has a coding other than chunked (gzip, ...):
                                   the content cannot be read as it is (and unless chunked comes
                                   last, the body runs to the close) */
    long long content_length;   /* -1 when absent */
    int keep_alive;             /* the connection may be reused after this response */
    int event_stream;           /* Content-Type is text/event-stream */
    int json;                   /* Content-Type is application/json */
    long retry_after;           /* Retry-After in seconds; -1 when absent or a date */
    char reason[64];            /* reason phrase, cut to fit */
    /* private */
    int state;
    size_t head_bytes;
    int header_id;
    size_t name_len, value_len;
    char name[24];
    char value[96];             /* a list header's current element, else the value's start */
    int value_long;             /* value did not fit */
    int elements;               /* non-empty elements of this list header line */
    int pending;                /* a header line ended; an obs-fold line may still continue it */
    int lf_only;                /* the status line ended in a bare LF: so must every line */
    int saw_te, saw_chunked, saw_cl, conn_close, conn_keep_alive;
} gemini_http_head;

GEMINI_API void gemini_http_head_init(gemini_http_head *h);
/* Consumes bytes of the head and stops right after it: returns how many bytes were used (the
   rest belongs to the body). Check h->err and h->done after each call. */
GEMINI_API size_t gemini_http_head_feed(gemini_http_head *h, const char *data, size_t len);

/* ---- layer 2: body framing ---------------------------------------------------------------- */

typedef enum gemini_body_mode {
    GEMINI_BODY_NONE = 0,       /* no body (204, 304) */
    GEMINI_BODY_LENGTH,         /* Content-Length bytes */
    GEMINI_BODY_CHUNKED,        /* Transfer-Encoding: chunked */
    GEMINI_BODY_CLOSE           /* everything until the connection closes */
} gemini_body_mode;

typedef struct gemini_body {
    int done;                   /* the body is complete; later bytes are not consumed */
    int err;                    /* sticky gemini_error */
    gemini_body_mode mode;
    unsigned long long remaining; /* bytes left in this chunk or in the Content-Length */
    unsigned long long total;   /* body bytes delivered so far */
    /* private */
    int state;
    int digits;
} gemini_body;

GEMINI_API void gemini_body_init(gemini_body *b, gemini_body_mode mode, unsigned long long length);
/* Decodes framing and hands the body bytes to out (in place, no copy). Returns the bytes
   consumed, which stops short only at the end of the body or at an error. */
GEMINI_API size_t gemini_body_feed(gemini_body *b, const char *data, size_t len,
                                   gemini_bytes_fn out, void *user);
/* The input ended (the peer closed): GEMINI_OK when the body was complete (or read-to-close),
   else GEMINI_ERR_TRUNCATED. */
GEMINI_API int gemini_body_finish(gemini_body *b);

/* ---- layer 3: Server-Sent Events (WHATWG event-stream rules) ------------------------------ */

typedef enum gemini_sse_what {
    GEMINI_SSE_DATA = 1,        /* a piece of the current event's data ("\n" between lines) */
    GEMINI_SSE_EVENT,           /* the event is complete: data = event type ("" = "message") */
    GEMINI_SSE_INCOMPLETE,      /* input ended inside an event that has data (no blank line) */
    GEMINI_SSE_RAW,             /* a piece of a bare JSON block (a line starting '{' or '[') */
    GEMINI_SSE_RAW_END          /* that block ended (blank line or end of input) */
} gemini_sse_what;

typedef int (*gemini_sse_fn)(void *user, gemini_sse_what what, const char *data, size_t len);

typedef struct gemini_sse {
    int err;                    /* sticky gemini_error (only from the callback) */
    int bare_json;              /* 1: a line starting with '{' or '[' outside an event begins a
                                   raw block (bare JSON), until a blank line or the end */
    char id[128];               /* last event ID, cut to fit */
    long retry;                 /* last valid retry: field in ms; -1 if none */
    /* private */
    int state;
    int has_data;               /* a data: line was seen in this event */
    int in_raw;                 /* inside a bare JSON block */
    int cr_pending;             /* the last byte was CR: a following LF is the same line end */
    int bom_checked;
    int field;
    size_t name_len, value_len;
    char name[8];
    char value[128];            /* event type / id / retry value being read, cut to fit */
    int value_bad;              /* a retry value has a non-digit, or an id a NUL past the cut */
    char event_type[64];
    size_t event_type_len;
    size_t id_len;
} gemini_sse;

GEMINI_API void gemini_sse_init(gemini_sse *s);
/* Splits lines and fields; calls fn for data pieces and events. Returns 0 or the sticky error. */
GEMINI_API int gemini_sse_feed(gemini_sse *s, const char *data, size_t len, gemini_sse_fn fn,
                               void *user);
/* End of input: reports an unterminated event (GEMINI_SSE_INCOMPLETE) or raw block. */
GEMINI_API int gemini_sse_finish(gemini_sse *s, gemini_sse_fn fn, void *user);

/* ---- layer 4: JSON scanner for GenerateContentResponse ----------------------------------- */

typedef struct gemini_json {
    int err;                    /* sticky gemini_error */
    int done;                   /* the top-level value is complete */
    int saw_error;              /* the document carried {"error": ...} (an API_ERROR was sent) */
    /* private: what a cut document may leave behind. gemini_json_reset clears the fields up
       to here and no further: a few stores, where a longer memset costs a `rep stos` */
    int depth;
    size_t part_len;            /* text, or a function call's raw args */
    unsigned uhigh;             /* pending high surrogate of a \u pair */
    int utf8_have, utf8_need;   /* raw UTF-8 sequence being checked: bytes held and wanted */
    int part_thought;           /* "thought": true seen in this part */
    int part_kind;              /* 0 text (or nothing yet), 1 function call */
    /* options, kept by gemini_json_reset */
    int all_candidates;         /* deliver every candidate, not only candidates[0] */
    int signatures;             /* deliver THOUGHT_SIGNATURE events */
    int http_status;            /* copied into API_ERROR events (200 unless told) */
    gemini_event_fn fn;
    void *user;
    /* private: the lexer and the response being assembled. From here on every field is set
       by gemini_json_reset or written before it is read, so a new document leaves them be */
    int state;
    int node;                   /* path node of the value being read */
    int str_node;               /* where the current string's bytes go */
    int lit, lit_pos;           /* literal (true/false/null) being matched */
    unsigned ucode;             /* \u escape being decoded */
    int udigits;
    unsigned char utf8[4];      /* the raw UTF-8 sequence being checked */
    unsigned char utf8_lo, utf8_hi;  /* allowed range of its next byte */
    int num_neg;                /* sign ... */
    long long num;              /* ... and integer part of the number being read */
    size_t key_len;
    const char *cap_from;       /* start of the bytes not yet captured (within one feed) */
    int capture_depth;          /* depth where raw capture (function args) began; -1 when off */
    int cand_index;             /* position of the candidate being read */
    unsigned char stack[GEMINI_JSON_MAX_DEPTH];  /* path node of each open container */
    unsigned char kind[GEMINI_JSON_MAX_DEPTH];   /* '{' or '[' of each open container */
    char key[32];               /* a key read byte-wise (escaped, or cut by the input's end) */
    char part[GEMINI_PART_MAX + 1];
    char fname[128];
    char fid[64];
    char sig[256];              /* a THOUGHT_SIGNATURE piece, NUL-terminated */
    char finish[32];            /* finishReason of the candidate being read */
    char finishes[8][32];       /* the document's finish reasons, by candidate, until it ends */
    int finish_cand[8];
    int finish_count;
    char block_reason[32];
    char err_status[32];
    char err_message[GEMINI_ERROR_MESSAGE_MAX];
    size_t fname_len, fid_len, finish_len, block_len, err_status_len, err_message_len;
    /* results kept across documents (after the part buffer: gemini_json_reset leaves them) */
    char model_version[64];     /* the last "modelVersion" seen */
    char response_id[64];       /* the last "responseId" seen */
    size_t model_version_len, response_id_len;
    long err_code;
    int saw_usage;
    gemini_usage usage;
} gemini_json;

GEMINI_API void gemini_json_init(gemini_json *j, gemini_event_fn fn, void *user);
/* Starts a new document, keeping the callback, options and model version / response id. */
GEMINI_API void gemini_json_reset(gemini_json *j);
/* Scans bytes of one GenerateContentResponse (or {"error": ...}) document. Returns 0 or the
   sticky error; bytes after the end of the value other than white space are an error. */
GEMINI_API int gemini_json_feed(gemini_json *j, const char *data, size_t len);
/* The document ended: delivers FINISH / USAGE / BLOCKED / API_ERROR events it holds.
   GEMINI_ERR_JSON_SYNTAX when the value was incomplete. */
GEMINI_API int gemini_json_end(gemini_json *j);

/* ---- the response pipeline: HTTP bytes in, events out ------------------------------------- */

enum {
    GEMINI_PARSE_BODY_ONLY = 1,      /* input is an SSE body, without HTTP head or framing */
    GEMINI_PARSE_ALL_CANDIDATES = 2, /* deliver every candidate (see gemini_event.candidate) */
    GEMINI_PARSE_SIGNATURES = 4      /* deliver GEMINI_EVENT_THOUGHT_SIGNATURE events */
};

typedef struct gemini_parser {
    int err;                    /* sticky gemini_error */
    int done;                   /* the response is complete */
    int flags;
    gemini_http_head head;
    gemini_body body;
    gemini_sse sse;
    /* private */
    int stage;                  /* head, body, done */
    int in_doc;                 /* a JSON document is open in the scanner */
    int body_kind;              /* how the body is read: SSE, plain JSON, or an error body */
    int api_error_seen;
    gemini_json json;           /* last: its part buffer needs no clearing */
} gemini_parser;

GEMINI_API void gemini_parser_init(gemini_parser *p, int flags, gemini_event_fn fn, void *user);
/* Pushes response bytes, split anywhere. Returns 0 or the sticky error. Bytes after the end
   of the response are not used (p->done is set). */
GEMINI_API int gemini_parser_feed(gemini_parser *p, const void *data, size_t len);
/* The input ended. Returns 0 when the response was complete, else the error
   (GEMINI_ERR_TRUNCATED when it stopped early); every event that arrived was delivered first. */
GEMINI_API int gemini_parser_finish(gemini_parser *p);

/* ---- transport: how bytes reach the server ------------------------------------------------ */

/* A connection the client can run TLS over. The default (unless GEMINI_NO_SOCKETS) is POSIX
   sockets; embedded users plug in their own stack. Contract:
   - connect: open a TCP connection to host:port within timeout_ms (<= 0: no limit). Returns
     GEMINI_OK or GEMINI_ERR_DNS / GEMINI_ERR_CONNECT / GEMINI_ERR_TIMEOUT.
   - recv: wait at most timeout_ms (< 0: no limit; 0: do not wait at all) for data; return the
     bytes read (> 0), 0 when the peer closed the connection, or minus a gemini_error
     (-GEMINI_ERR_TIMEOUT, -GEMINI_ERR_IO). Never 0 for "no data yet". (The client reads with
     timeout 0 to look at an idle kept-alive connection before reusing it, and to learn that it
     is about to wait, for GEMINI_EVENT_IDLE; a recv that waits anyway only delays that event.)
   - send: write at least one byte within timeout_ms; return the bytes written or minus an error.
   - close: release the connection; called once after each successful connect. */
typedef struct gemini_transport {
    void *ctx;
    int (*connect)(void *ctx, const char *host, unsigned port, long timeout_ms);
    long (*recv)(void *ctx, unsigned char *buf, size_t len, long timeout_ms);
    long (*send)(void *ctx, const unsigned char *buf, size_t len, long timeout_ms);
    void (*close)(void *ctx);
} gemini_transport;

/* ---- the blocking client ------------------------------------------------------------------ */

typedef struct gemini_config {
    const char *api_key;        /* required; sent only in the x-goog-api-key header */
    const char *base_url;       /* https://host[:port][/prefix]
                                   [https://generativelanguage.googleapis.com] */
    const char *api_version;    /* ["v1beta"] */
    long connect_timeout_ms;    /* [10000] */
    long idle_timeout_ms;       /* longest silence while waiting for bytes [60000] */
    long total_timeout_ms;      /* limit for a whole request, 0 = none [0] */
    /* trust: the first one given wins; default the built-in Google roots */
    const char *ca_file;        /* PEM bundle file, e.g. /etc/ssl/certs/ca-certificates.crt */
    const char *ca_pem;         /* PEM bundle in memory */
    size_t ca_pem_len;
    const br_x509_trust_anchor *trust_anchors;  /* your own anchors (kept by pointer) */
    size_t trust_anchor_count;
    /* devices without a clock or a system entropy source */
    long long (*clock)(void *clock_user);  /* Unix seconds for certificate checks [time()] */
    void *clock_user;
    const void *entropy;        /* >= 32 random bytes to seed TLS; [the system's source] */
    size_t entropy_len;
    const gemini_transport *transport;  /* [POSIX sockets]; required with GEMINI_NO_SOCKETS */
    const volatile int *interrupt;      /* when set to non-zero (e.g. by a signal handler),
                                           the request ends with GEMINI_ERR_CANCELLED: at once
                                           in the built-in transport's waits, else at the next
                                           TLS record (a custom transport should also return
                                           -GEMINI_ERR_CANCELLED from a wait it cuts short) */
    int all_candidates;         /* deliver every candidate, not only candidates[0] */
    int thought_signatures;     /* deliver GEMINI_EVENT_THOUGHT_SIGNATURE events */
} gemini_config;

#ifndef GEMINI_NO_SOCKETS
typedef struct gemini_socket {
    int fd;
    int drained;                    /* the last recv found nothing: wait before the next */
    long wait_ms;                   /* the receive timeout set on the socket (-2: none set) */
    const volatile int *interrupt;
    size_t ahead_pos, ahead_len;    /* read-ahead: BearSSL asks for a record header, then its
                                       body; one recv of what is there saves half the calls */
    unsigned char ahead[GEMINI_READ_AHEAD];
} gemini_socket;
#endif

typedef struct gemini_client {
    int err;                    /* error of the last request (not sticky across requests) */
    int http_status;            /* status of the last response, 0 before one */
    int connections;            /* TCP connections opened so far */
    int resumed;                /* this request's new connection resumed a TLS session */
    int reused;                 /* the last request went over a kept-alive connection */
    char message[320];          /* detail of err, without the key */
    /* private */
    gemini_config cfg;
    char host[256];
    unsigned port;
    char prefix[128];
    gemini_transport transport;
#ifndef GEMINI_NO_SOCKETS
    gemini_socket sock;
#endif
    int connected;
    int have_session;
    int peer_closed;            /* the server closed the connection (FIN or close_notify) */
    int idle_due;               /* events came since the last GEMINI_EVENT_IDLE */
    gemini_event_fn fn;         /* the caller's callback and its argument, for this request */
    void *user;
    long long deadline_ms;
    br_ssl_client_context ssl;
    br_x509_minimal_context x509;
    br_ssl_session_parameters session;
    br_x509_trust_anchor builtin[6];
    br_x509_trust_anchor *anchors;      /* decoded PEM anchors (heap, freed by _free) */
    size_t anchor_count;
    const br_x509_trust_anchor *ta;
    size_t ta_count;
    gemini_parser parser;
    unsigned char iobuf[BR_SSL_BUFSIZE_MONO];   /* TLS records, both ways (half duplex) */
} gemini_client;

/* Sets the client up: checks the config, loads trust anchors. No connection is made yet.
   On failure gemini_client_message() says why; gemini_client_free() is still safe. */
GEMINI_API int gemini_client_init(gemini_client *c, const gemini_config *cfg);
/* Sends one request (body: a GenerateContentRequest as JSON) to
   models/{model}:streamGenerateContent?alt=sse and streams the answer's events to fn. Blocks
   until the response ends. Returns GEMINI_OK or the error (also in c->err). A kept-alive
   connection is reused; a new one resumes the TLS session when it can. */
GEMINI_API int gemini_stream(gemini_client *c, const char *model, const char *body, size_t len,
                             gemini_event_fn fn, void *user);
/* The last error in words, with its detail (the API's message, the TLS reason, ...). */
GEMINI_API const char *gemini_client_message(const gemini_client *c);
/* Closes the connection and frees the trust anchors loaded from PEM. */
GEMINI_API void gemini_client_free(gemini_client *c);

/* ---- the request: C structs in, GenerateContentRequest JSON out --------------------------- */

typedef struct gemini_part_spec {
    const char *text;           /* a text part (UTF-8; invalid bytes are sent as U+FFFD) */
    const char *mime_type;      /* with data: an inline data part, e.g. "image/png" */
    const void *data;           /* raw bytes, base64-encoded as the body is written */
    size_t data_len;
    const char *raw;            /* or a whole part object as raw JSON, e.g. a functionCall with
                                   its thoughtSignature, or {"functionResponse": {...}} */
} gemini_part_spec;

typedef struct gemini_content {
    const char *role;           /* "user" or "model" ["user"] */
    const gemini_part_spec *parts;
    size_t part_count;
} gemini_content;

typedef struct gemini_safety_setting {
    const char *category;       /* e.g. "HARM_CATEGORY_HARASSMENT" */
    const char *threshold;      /* e.g. "BLOCK_ONLY_HIGH" */
} gemini_safety_setting;

/* Zero means "not sent" (the server's default), except where a has_ flag says otherwise:
   0 is a real temperature or thinking budget, so those need the flag. */
typedef struct gemini_request {
    const gemini_content *contents;     /* the conversation, oldest first */
    size_t content_count;
    const char *system_instruction;     /* text of systemInstruction */
    int has_temperature;
    double temperature;
    int has_top_p;
    double top_p;
    int top_k;
    int max_output_tokens;
    const char *const *stop_sequences;
    size_t stop_sequence_count;
    int has_seed;
    long seed;
    const char *response_mime_type;     /* e.g. "application/json" */
    const char *response_schema;        /* raw JSON */
    int include_thoughts;               /* thinkingConfig.includeThoughts */
    int has_thinking_budget;
    int thinking_budget;                /* tokens; -1 dynamic, 0 off (where the model allows) */
    const char *thinking_level;         /* "low", "high", ... (Gemini 3) */
    const gemini_safety_setting *safety_settings;
    size_t safety_setting_count;
    const char *tools;                  /* raw JSON array for "tools" */
    const char *tool_config;            /* raw JSON object for "toolConfig" */
    const char *extra;                  /* raw JSON members added at the top level, without
                                           braces, e.g. "\"cachedContent\": \"cachedContents/x\"" */
} gemini_request;

/* Writes the request body as JSON through out (called many times with pieces). Returns
   GEMINI_OK, the first non-zero value out returned, or GEMINI_ERR_USAGE for a request that
   cannot be written (NULL parts, no contents). */
GEMINI_API int gemini_request_write(const gemini_request *req, gemini_bytes_fn out, void *user);
/* Writes s (len bytes) as a quoted JSON string, escaped as the request writer does. */
GEMINI_API int gemini_write_json_string(const char *s, size_t len, gemini_bytes_fn out, void *user);
/* The exact size gemini_request_write() will produce (a counting pass). */
GEMINI_API int gemini_request_size(const gemini_request *req, size_t *size);
/* Like gemini_stream(), with the body written from req (no copy of the body is held). */
GEMINI_API int gemini_stream_request(gemini_client *c, const char *model, const gemini_request *req,
                                     gemini_event_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif /* GEMINI_STREAM_H */

/* ======================================================================================== */
/*                                    IMPLEMENTATION                                        */
/* ======================================================================================== */
#ifdef GEMINI_STREAM_IMPLEMENTATION
#ifndef GEMINI_STREAM_IMPLEMENTATION_DONE
#define GEMINI_STREAM_IMPLEMENTATION_DONE

#include <limits.h>
#include <stdio.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef GEMINI_STREAM_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define GEMINI_DEF static __attribute__((unused))  /* a caller uses only what it needs */
#else
#define GEMINI_DEF static
#endif
#else
#define GEMINI_DEF
#endif

/* ==== utilities ========================================================================== */

static char gemini__lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive comparison of a byte string with a lower-case NUL-terminated word. */
static int gemini__ieq(const char *s, size_t n, const char *word)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (word[i] == '\0' || gemini__lower(s[i]) != word[i]) return 0;
    return word[n] == '\0';
}

/* Appends to a bounded, NUL-terminated buffer; what does not fit is dropped. */
static void gemini__append(char *buf, size_t cap, size_t *len, const char *src, size_t n)
{
    size_t room = cap - 1 - *len;
    if (n > room) n = room;
    memcpy(buf + *len, src, n);
    *len += n;
    buf[*len] = '\0';
}

static int gemini__is_hex(int c, unsigned *value)
{
    if (c >= '0' && c <= '9') { *value = (unsigned)(c - '0'); return 1; }
    if (c >= 'a' && c <= 'f') { *value = (unsigned)(c - 'a' + 10); return 1; }
    if (c >= 'A' && c <= 'F') { *value = (unsigned)(c - 'A' + 10); return 1; }
    return 0;
}

/* The tchar set of RFC 9110 (header names). */
static int gemini__is_tchar(int c)
{
    static const char others[] = "!#$%&'*+-.^_`|~";
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
    return memchr(others, c, sizeof others - 1) != NULL;   /* the NUL is not one */
}

/* Returns the first CR or LF in [p, end), or end. Two memchr passes beat one byte loop. */
static const char *gemini__find_eol(const char *p, const char *end)
{
    const char *lf = (const char *)memchr(p, '\n', (size_t)(end - p));
    const char *stop = lf ? lf : end;
    const char *cr = (const char *)memchr(p, '\r', (size_t)(stop - p));
    return cr ? cr : stop;
}

/* Word-at-a-time tests on 8 bytes (exact for "is there such a byte"; see "Bit Twiddling
   Hacks", determine if a word has a byte less than n). */
typedef unsigned long long gemini__word;
#define GEMINI__ONES 0x0101010101010101ULL
#define GEMINI__HIGHS 0x8080808080808080ULL
#define GEMINI__HAS_LESS(w, n) (((w) - GEMINI__ONES * (n)) & ~(w) & GEMINI__HIGHS)
#define GEMINI__HAS_BYTE(w, b) GEMINI__HAS_LESS((w) ^ (GEMINI__ONES * (b)), 1)

static gemini__word gemini__load8(const char *p)
{
    gemini__word w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* Whether n bytes at a and b are equal. Keys are short: a few word compares (the last one
   overlapping) cost less than a call to memcmp. */
static int gemini__same(const char *a, const char *b, size_t n)
{
    size_t i;
    if (n >= 8) {
        for (i = 0; i + 8 < n; i += 8)
            if (gemini__load8(a + i) != gemini__load8(b + i)) return 0;
        return gemini__load8(a + n - 8) == gemini__load8(b + n - 8);
    }
    if (n >= 4) {                       /* 4 bytes into longs: at least 32 bits anywhere */
        unsigned long x[2] = {0, 0}, y[2] = {0, 0};
        memcpy(&x[0], a, 4), memcpy(&x[1], a + n - 4, 4);
        memcpy(&y[0], b, 4), memcpy(&y[1], b + n - 4, 4);
        return x[0] == y[0] && x[1] == y[1];
    }
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Skips string bytes that need no attention: not '"', not '\\', not a control character,
   and, when ascii_only, not >= 0x80. */
static inline const char *gemini__skip_plain(const char *p, const char *end, int ascii_only)
{
    gemini__word stop_high = ascii_only ? GEMINI__HIGHS : 0;
#if defined(__SSE2__) && defined(__GNUC__)
    /* 16 bytes a step where SSE2 is there (every x86-64). A signed compare below 0x20 finds
       the control bytes and every byte >= 0x80 (negative): right when ascii_only; otherwise
       the control bytes are those that an unsigned minimum with 0x1F leaves unchanged. */
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20), below_space = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i stop = ascii_only ? _mm_cmplt_epi8(v, space)
                                  : _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                                _mm_cmpeq_epi8(v, backslash)), stop);
        int mask = _mm_movemask_epi8(hit);
        if (mask) return p + __builtin_ctz((unsigned)mask);
        p += 16;
    }
#endif
    while (end - p >= 8) {
        gemini__word w = gemini__load8(p);
        gemini__word hit = GEMINI__HAS_LESS(w, 0x20) | GEMINI__HAS_BYTE(w, 0x22)
                         | GEMINI__HAS_BYTE(w, 0x5C) | (w & stop_high);
        if (hit) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(hit) >> 3);  /* the lowest flag is exact */
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == '"' || c == '\\' || (ascii_only && c >= 0x80)) break;
        p++;
    }
    return p;
}

/* The length of the UTF-8 sequence lead byte c starts (1: ASCII; 0: c cannot lead one), and
   the range [*lo, *hi] its second byte must fall in: no overlong forms, no encoded
   surrogates (ED), nothing above U+10FFFF (F4). */
static size_t gemini__utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
    *lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
    *hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    return c >= 0xF0 && c <= 0xF4 ? 4 : 0;
}

/* How much of the UTF-8 sequence at s (n > 0 bytes available) is well-formed: returns its
   length when it is complete and valid, else 0 and, in *bad, the length of the maximal
   ill-formed subpart that one U+FFFD replaces (Unicode's "maximal subpart" practice). */
static size_t gemini__utf8_check(const unsigned char *s, size_t n, size_t *bad)
{
    size_t i;
    unsigned char lo, hi;
    size_t need = gemini__utf8_lead(s[0], &lo, &hi);
    *bad = 1;
    for (i = 1; i < need; i++) {
        if (i >= n || s[i] < lo || s[i] > hi) {
            *bad = i;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need;
}

static size_t gemini__utf8_valid(const unsigned char *s, size_t n)
{
    size_t bad;
    return gemini__utf8_check(s, n, &bad);
}


/* Lists of messages by code, for the places that name a code once, on the way out: each
   message is led by its code as one byte (1-127) and ended by a NUL, and an empty string ends
   the list. A walk costs nothing there; a switch costs a jump table and code for each case. */
static const char *gemini__message(const char *list, int code, const char *otherwise)
{
    if (code < 1 || code > 127) return otherwise;
    for (; *list; list += strlen(list) + 1)
        if ((unsigned char)list[0] == code) return list + 1;
    return otherwise;
}

/* by gemini_error code (GEMINI_ERR_ left out of the comments) */
static const char gemini__error_messages[] =
    "\x01" "invalid argument\0"                                          /* 1 USAGE */
    "\x02" "base URL must be https://host[:port][/prefix]\0"             /* 2 BAD_URL */
    "\x03" "model name has characters not allowed in a path\0"           /* 3 BAD_MODEL */
    "\x04" "no API key (set GOOGLE_API_KEY or GEMINI_API_KEY)\0"         /* 4 NO_KEY */
    "\x05" "no usable trust anchor\0"                                    /* 5 TRUST */
    "\x06" "out of memory\0"                                             /* 6 NOMEM */
    "\x14" "host name did not resolve\0"                                 /* 20 DNS */
    "\x15" "could not connect\0"                                         /* 21 CONNECT */
    "\x16" "network send or receive failed\0"                            /* 22 IO */
    "\x17" "timed out\0"                                                 /* 23 TIMEOUT */
    "\x1E" "TLS failure\0"                                               /* 30 TLS */
    "\x1F" "server certificate refused\0"                                /* 31 CERT */
    "\x28" "malformed HTTP status line\0"                                /* 40 HTTP_STATUS_LINE */
    "\x29" "malformed HTTP header\0"                                     /* 41 HTTP_HEADER */
    "\x2A" "HTTP response head too large\0"                              /* 42 HEAD_TOO_LARGE */
    "\x2B" "bad or conflicting HTTP message length\0"                    /* 43 HTTP_FRAMING */
    "\x2C" "unsupported HTTP content or transfer coding\0"               /* 44 HTTP_ENCODING */
    "\x2D" "unexpected protocol switch\0"                                /* 45 HTTP_UPGRADE */
    "\x2E" "bad chunk size\0"                                            /* 46 CHUNK_SIZE */
    "\x2F" "bad chunked framing\0"                                       /* 47 CHUNK_FRAMING */
    "\x30" "malformed JSON\0"                                            /* 48 JSON_SYNTAX */
    "\x31" "JSON nested too deeply\0"                                    /* 49 JSON_DEPTH */
    "\x32" "bad escape in JSON string\0"                                 /* 50 JSON_ESCAPE */
    "\x33" "control character in JSON string\0"                          /* 51 JSON_CONTROL */
    "\x34" "malformed JSON number\0"                                     /* 52 JSON_NUMBER */
    "\x35" "function call too large to hold (GEMINI_PART_MAX)\0"         /* 53 TOO_LARGE */
    "\x36" "response is not an event stream\0"                           /* 54 NOT_STREAM */
    "\x46" "the API returned an error\0"                                 /* 70 API */
    "\x50" "cancelled\0"                                                 /* 80 CANCELLED */
    "\x51" "response ended early (truncated)\0";                         /* 81 TRUNCATED */

GEMINI_DEF const char *gemini_strerror(int err)
{
    if (err == GEMINI_OK) return "no error";
    return gemini__message(gemini__error_messages, err, "unknown error");
}

/* ==== HTTP response head ================================================================= */

enum {
    GEMINI__H_VERSION, GEMINI__H_MINOR, GEMINI__H_SP1, GEMINI__H_STATUS, GEMINI__H_SP2,
    GEMINI__H_STATUS_LF, GEMINI__H_REASON, GEMINI__H_LINE_LF, GEMINI__H_LINE_START,
    GEMINI__H_NAME, GEMINI__H_OWS,
    GEMINI__H_VALUE, GEMINI__H_END_LF
};

enum {
    GEMINI__HDR_OTHER, GEMINI__HDR_TE, GEMINI__HDR_CL, GEMINI__HDR_CT, GEMINI__HDR_CONNECTION,
    GEMINI__HDR_RETRY_AFTER, GEMINI__HDR_CE
};

static void gemini__head_start(gemini_http_head *h)
{
    size_t used = h->head_bytes;
    memset(h, 0, sizeof *h);
    h->head_bytes = used;          /* 1xx heads count against the same limit */
    h->content_length = -1;
    h->retry_after = -1;
    h->state = GEMINI__H_VERSION;
}

GEMINI_DEF void gemini_http_head_init(gemini_http_head *h)
{
    h->head_bytes = 0;
    gemini__head_start(h);
}

static int gemini__head_fail(gemini_http_head *h, int err)
{
    h->err = err;
    return err;
}

/* RFC 9112 6.1 and 6.3: chunked must be the last coding, or the body runs to the close. */
static int gemini__head_te_token(gemini_http_head *h, const char *t, size_t n)
{
    h->chunked = gemini__ieq(t, n, "chunked");
    h->coded |= !h->chunked;
    if (h->chunked && h->saw_chunked) return GEMINI_ERR_HTTP_FRAMING;  /* chunked twice */
    h->saw_chunked |= h->chunked;
    return GEMINI_OK;
}

static int gemini__head_ce_token(gemini_http_head *h, const char *t, size_t n)
{
    (void)h;
    return gemini__ieq(t, n, "identity") ? GEMINI_OK : GEMINI_ERR_HTTP_ENCODING;
}

static int gemini__head_conn_token(gemini_http_head *h, const char *t, size_t n)
{
    if (gemini__ieq(t, n, "close")) h->conn_close = 1;
    if (gemini__ieq(t, n, "keep-alive")) h->conn_keep_alive = 1;
    return GEMINI_OK;
}

/* Content-Length: digits, or a list of identical values ("5, 5"), which RFC 9112 allows. */
static int gemini__head_cl_token(gemini_http_head *h, const char *t, size_t n)
{
    long long v = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        int d = t[i] - '0';
        if (t[i] < '0' || t[i] > '9') return GEMINI_ERR_HTTP_FRAMING;
        if (v > (LLONG_MAX - d) / 10) return GEMINI_ERR_HTTP_FRAMING;    /* would overflow */
        v = v * 10 + d;
    }
    if (h->saw_cl && h->content_length != v) return GEMINI_ERR_HTTP_FRAMING;
    h->saw_cl = 1;
    h->content_length = v;
    return GEMINI_OK;
}

/* The list headers are read one element at a time (split at commas as the bytes come), so a
   long list needs no long buffer. */
static int gemini__head_is_list(int id)
{
    return id == GEMINI__HDR_TE || id == GEMINI__HDR_CL || id == GEMINI__HDR_CE ||
           id == GEMINI__HDR_CONNECTION;
}

/* The current element of a list header, trimmed. An element too long to keep is none of the
   ones acted on: it reads as "?" (an unknown coding, not a length, no connection option). */
static size_t gemini__head_element_span(const gemini_http_head *h, const char **start)
{
    const char *b = h->value, *e = h->value + h->value_len;
    while (b < e && (*b == ' ' || *b == '\t')) b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
    if (h->value_long) {
        b = "?";
        e = b + 1;
    }
    *start = b;
    return (size_t)(e - b);
}

/* One element of a list header; empty ones are skipped (RFC 9110 5.6.1). */
static int gemini__head_element(gemini_http_head *h)
{
    const char *b;
    size_t n = gemini__head_element_span(h, &b);
    int err = GEMINI_OK;
    if (n > 0) {
        h->elements++;
        switch (h->header_id) {
        case GEMINI__HDR_TE: err = gemini__head_te_token(h, b, n); break;
        case GEMINI__HDR_CL: err = gemini__head_cl_token(h, b, n); break;
        case GEMINI__HDR_CE: err = gemini__head_ce_token(h, b, n); break;
        default: err = gemini__head_conn_token(h, b, n); break;
        }
    }
    h->value_len = 0;
    h->value_long = 0;
    return err;
}

/* At the end of a Content-Length or Content-Encoding line, before an obs-fold line could
   continue it: an element that is already wrong stays wrong whatever follows (a fold only adds
   SP and more), so its error is reported now. The element is read on a copy: changes nothing. */
static int gemini__head_element_precheck(const gemini_http_head *h)
{
    gemini_http_head copy;
    if (h->header_id != GEMINI__HDR_CL && h->header_id != GEMINI__HDR_CE) return GEMINI_OK;
    copy = *h;
    return gemini__head_element(&copy);
}

/* The end of a header line. */
static int gemini__head_header(gemini_http_head *h)
{
    size_t n = h->value_len;
    if (gemini__head_is_list(h->header_id)) {
        int err = gemini__head_element(h);
        if (err) return err;
        if (h->header_id == GEMINI__HDR_TE) h->saw_te = 1;
        if (h->header_id == GEMINI__HDR_CL && h->elements == 0) return GEMINI_ERR_HTTP_FRAMING;
        return GEMINI_OK;
    }
    while (n > 0 && (h->value[n - 1] == ' ' || h->value[n - 1] == '\t')) n--;
    h->value[n] = '\0';
    if (h->header_id == GEMINI__HDR_CT) {   /* the media type: up to parameters or white space */
        size_t m = strcspn(h->value, "; \t");
        h->event_stream = gemini__ieq(h->value, m, "text/event-stream");
        h->json = gemini__ieq(h->value, m, "application/json");
    } else if (h->header_id == GEMINI__HDR_RETRY_AFTER && !h->value_long) {
        size_t i;
        long v = 0;
        for (i = 0; i < n; i++) {
            if (h->value[i] < '0' || h->value[i] > '9') return GEMINI_OK;  /* a date: ignored */
            if (v < 100000000L) v = v * 10 + (h->value[i] - '0');   /* then it stays, ~3 years */
        }
        h->retry_after = n ? v : -1;
    }
    return GEMINI_OK;
}

static int gemini__head_header_id(const char *name, size_t n)
{
    static const char names[][18] = {"transfer-encoding", "content-length", "content-type",
                                     "connection", "retry-after", "content-encoding"};
    int id;
    for (id = GEMINI__HDR_TE; id <= GEMINI__HDR_CE; id++)   /* names[] in GEMINI__HDR_ order */
        if (gemini__ieq(name, n, names[id - GEMINI__HDR_TE])) return id;
    return GEMINI__HDR_OTHER;
}

/* The blank line: a 1xx head starts over, anything else is the final head. */
static int gemini__head_end(gemini_http_head *h)
{
    if (h->status == 101) return gemini__head_fail(h, GEMINI_ERR_HTTP_UPGRADE);
    if (h->status >= 100 && h->status < 200) {
        gemini__head_start(h);
        return GEMINI_OK;
    }
    /* RFC 9112 6.3: both lengths at once may be smuggling or splitting; refuse it */
    if (h->saw_te && h->saw_cl) return gemini__head_fail(h, GEMINI_ERR_HTTP_FRAMING);
    h->keep_alive = h->minor_version >= 1 ? !h->conn_close
                                          : (h->conn_keep_alive && !h->conn_close);
    if (h->chunked && h->minor_version == 0) h->keep_alive = 0;
    h->done = 1;
    return GEMINI_OK;
}

/* Status line: "HTTP/1.x SSS reason". */
static int gemini__head_status_byte(gemini_http_head *h, char c)
{
    static const char version[] = "HTTP/1.";
    switch (h->state) {
    case GEMINI__H_VERSION:
        /* empty lines before a status line are skipped (RFC 9112 2.2), e.g. a stray CRLF after
           the previous body */
        if (h->name_len == 0 && (c == '\r' || c == '\n')) return GEMINI_OK;
        if (c != version[h->name_len]) return GEMINI_ERR_HTTP_STATUS_LINE;
        if (++h->name_len == 7) h->state = GEMINI__H_MINOR;
        return GEMINI_OK;
    case GEMINI__H_MINOR:
        if (c < '0' || c > '9') return GEMINI_ERR_HTTP_STATUS_LINE;
        h->minor_version = c - '0';
        h->state = GEMINI__H_SP1;
        return GEMINI_OK;
    case GEMINI__H_SP1:
        if (c != ' ') return GEMINI_ERR_HTTP_STATUS_LINE;
        h->state = GEMINI__H_STATUS;
        h->value_len = 0;
        return GEMINI_OK;
    case GEMINI__H_STATUS:
        if (c < '0' || c > '9') return GEMINI_ERR_HTTP_STATUS_LINE;
        h->status = h->status * 10 + (c - '0');
        if (++h->value_len == 3) h->state = GEMINI__H_SP2;
        return GEMINI_OK;
    case GEMINI__H_SP2:                 /* the reason phrase may be missing altogether */
        if (c == ' ') { h->state = GEMINI__H_REASON; return GEMINI_OK; }
        if (c == '\r') { h->state = GEMINI__H_STATUS_LF; return GEMINI_OK; }
        if (c == '\n') { h->state = GEMINI__H_LINE_START; h->lf_only = 1; return GEMINI_OK; }
        return GEMINI_ERR_HTTP_STATUS_LINE;
    case GEMINI__H_STATUS_LF:
        if (c != '\n') return GEMINI_ERR_HTTP_STATUS_LINE;
        h->state = GEMINI__H_LINE_START;
        return GEMINI_OK;
    default:                            /* GEMINI__H_REASON */
        if (c == '\r') { h->state = GEMINI__H_STATUS_LF; return GEMINI_OK; }
        if (c == '\n') { h->state = GEMINI__H_LINE_START; h->lf_only = 1; return GEMINI_OK; }
        if ((unsigned char)c < 0x20 && c != '\t') return GEMINI_ERR_HTTP_STATUS_LINE;
        if (strlen(h->reason) < sizeof h->reason - 1) h->reason[strlen(h->reason)] = c;
        return GEMINI_OK;
    }
}

/* One byte of a field value (obs-text included). List headers keep their current element. */
static int gemini__head_value_byte(gemini_http_head *h, char c)
{
    if (h->header_id == GEMINI__HDR_OTHER) return GEMINI_OK;
    if (gemini__head_is_list(h->header_id)) {
        int full = h->value_len >= sizeof h->value - 1;
        if (c == ',') return gemini__head_element(h);
        if ((c == ' ' || c == '\t') && (h->value_len == 0 || full)) return GEMINI_OK;
    }
    if (h->value_len >= sizeof h->value - 1) h->value_long = 1;   /* the start is kept */
    else h->value[h->value_len++] = c;
    return GEMINI_OK;
}

/* Header lines: "name: value" with optional white space around the value. A line is ended by
   CRLF, or by a bare LF in a head whose status line ended so (RFC 9112 2.2); a mix is refused.
   A line starting with white space continues the previous value (obs-fold), which a user agent
   reads as one SP (RFC 9112 5.2); so a header acts when the next line does not continue it. */
static int gemini__head_field_byte(gemini_http_head *h, char c)
{
    switch (h->state) {
    case GEMINI__H_LINE_LF:
        if (c != '\n') return GEMINI_ERR_HTTP_HEADER;
        h->state = GEMINI__H_LINE_START;
        return GEMINI_OK;
    case GEMINI__H_LINE_START:
        if ((c == ' ' || c == '\t') && h->pending) {      /* obs-fold */
            h->state = GEMINI__H_OWS;
            return gemini__head_value_byte(h, ' ');
        }
        if (h->pending) {
            int err = gemini__head_header(h);
            h->pending = 0;
            if (err) return err;
        }
        if (c == '\r') {
            if (h->lf_only) return GEMINI_ERR_HTTP_HEADER;
            h->state = GEMINI__H_END_LF;
            return GEMINI_OK;
        }
        if (c == '\n') return h->lf_only ? gemini__head_end(h) : GEMINI_ERR_HTTP_HEADER;
        if (!gemini__is_tchar((unsigned char)c)) return GEMINI_ERR_HTTP_HEADER;
        h->state = GEMINI__H_NAME;
        h->name_len = 0;
        h->value_len = 0;
        h->value_long = 0;
        h->elements = 0;
        /* fall through */
    case GEMINI__H_NAME:
        if (c == ':') {
            h->header_id = gemini__head_header_id(h->name, h->name_len);
            h->state = GEMINI__H_OWS;
            return GEMINI_OK;
        }
        if (!gemini__is_tchar((unsigned char)c)) return GEMINI_ERR_HTTP_HEADER;
        if (h->name_len < sizeof h->name) h->name[h->name_len] = c;
        if (h->name_len <= sizeof h->name) h->name_len++;   /* one past: matches no name */
        return GEMINI_OK;
    case GEMINI__H_OWS:
        if (c == ' ' || c == '\t') return GEMINI_OK;
        h->state = GEMINI__H_VALUE;
        /* fall through */
    case GEMINI__H_VALUE:
        if (c == '\r' || c == '\n') {
            if ((c == '\r') == h->lf_only) return GEMINI_ERR_HTTP_HEADER;
            h->state = c == '\r' ? GEMINI__H_LINE_LF : GEMINI__H_LINE_START;
            h->pending = 1;
            return gemini__head_element_precheck(h);
        }
        if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) return GEMINI_ERR_HTTP_HEADER;
        return gemini__head_value_byte(h, c);
    default:                            /* GEMINI__H_END_LF */
        if (c != '\n') return GEMINI_ERR_HTTP_HEADER;
        return gemini__head_end(h);
    }
}

GEMINI_DEF size_t gemini_http_head_feed(gemini_http_head *h, const char *data, size_t len)
{
    size_t i;
    for (i = 0; i < len && !h->done && !h->err; i++) {
        int err;
        if (++h->head_bytes > GEMINI_MAX_HEAD) {
            gemini__head_fail(h, GEMINI_ERR_HEAD_TOO_LARGE);
            break;
        }
        err = h->state <= GEMINI__H_REASON ? gemini__head_status_byte(h, data[i])
                                           : gemini__head_field_byte(h, data[i]);
        if (err) {
            gemini__head_fail(h, err);
            break;
        }
    }
    return i;
}

/* ==== body framing ======================================================================= */

enum {
    GEMINI__C_SIZE, GEMINI__C_SIZE_MORE, GEMINI__C_SIZE_WS, GEMINI__C_SIZE_LF,
    GEMINI__C_DATA, GEMINI__C_DATA_CR, GEMINI__C_DATA_LF, GEMINI__C_TRAILER_START,
    GEMINI__C_TRAILER_NAME, GEMINI__C_TRAILER, GEMINI__C_TRAILER_LF, GEMINI__C_END_LF,
    /* chunk extensions: *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] ) */
    GEMINI__C_EXT_NAME0, GEMINI__C_EXT_NAME, GEMINI__C_EXT_AFTER_NAME, GEMINI__C_EXT_VALUE0,
    GEMINI__C_EXT_TOKEN, GEMINI__C_EXT_QUOTED, GEMINI__C_EXT_QUOTED_ESC, GEMINI__C_EXT_AFTER_VALUE
};

/* One byte of a chunk extension, checked against RFC 9112's grammar and then ignored. */
static int gemini__chunk_ext_byte(gemini_body *b, char c)
{
    unsigned char u = (unsigned char)c;
    int ws = c == ' ' || c == '\t';
    switch (b->state) {
    case GEMINI__C_EXT_NAME0:
        if (ws) return GEMINI_OK;
        if (!gemini__is_tchar(u)) return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_EXT_NAME;
        return GEMINI_OK;
    case GEMINI__C_EXT_NAME:
        if (gemini__is_tchar(u)) return GEMINI_OK;
        /* fall through */
    case GEMINI__C_EXT_AFTER_NAME:
        if (ws) { b->state = GEMINI__C_EXT_AFTER_NAME; return GEMINI_OK; }
        if (c == '=') { b->state = GEMINI__C_EXT_VALUE0; return GEMINI_OK; }
        break;
    case GEMINI__C_EXT_VALUE0:
        if (ws) return GEMINI_OK;
        if (c == '"') { b->state = GEMINI__C_EXT_QUOTED; return GEMINI_OK; }
        if (!gemini__is_tchar(u)) return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_EXT_TOKEN;
        return GEMINI_OK;
    case GEMINI__C_EXT_TOKEN:
        if (gemini__is_tchar(u)) return GEMINI_OK;
        if (ws) { b->state = GEMINI__C_EXT_AFTER_VALUE; return GEMINI_OK; }
        break;
    case GEMINI__C_EXT_QUOTED:          /* qdtext: HTAB, SP, VCHAR but " and \, obs-text */
        if (c == '"') { b->state = GEMINI__C_EXT_AFTER_VALUE; return GEMINI_OK; }
        if (c == '\\') { b->state = GEMINI__C_EXT_QUOTED_ESC; return GEMINI_OK; }
        return (ws || (u >= 0x21 && u != 0x7f)) ? GEMINI_OK : GEMINI_ERR_CHUNK_FRAMING;
    case GEMINI__C_EXT_QUOTED_ESC:
        if (!ws && (u < 0x21 || u == 0x7f)) return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_EXT_QUOTED;
        return GEMINI_OK;
    default:                            /* GEMINI__C_EXT_AFTER_VALUE */
        if (ws) return GEMINI_OK;
        break;
    }
    if (c == ';') { b->state = GEMINI__C_EXT_NAME0; return GEMINI_OK; }
    if (c == '\r') { b->state = GEMINI__C_SIZE_LF; return GEMINI_OK; }
    return GEMINI_ERR_CHUNK_FRAMING;
}

GEMINI_DEF void gemini_body_init(gemini_body *b, gemini_body_mode mode, unsigned long long length)
{
    memset(b, 0, sizeof *b);
    b->mode = mode;
    b->state = GEMINI__C_SIZE;
    if (mode == GEMINI_BODY_LENGTH) b->remaining = length;
    b->done = mode == GEMINI_BODY_NONE || (mode == GEMINI_BODY_LENGTH && length == 0);
}

/* Hands up to b->remaining bytes to out; returns how many it took. */
static size_t gemini__body_data(gemini_body *b, const char *data, size_t len,
                                gemini_bytes_fn out, void *user)
{
    size_t n = len;
    int err;
    if (b->mode != GEMINI_BODY_CLOSE && b->remaining < n) n = (size_t)b->remaining;
    if (n == 0) return 0;
    if (b->mode != GEMINI_BODY_CLOSE) b->remaining -= n;
    b->total += n;
    err = out ? out(user, data, n) : GEMINI_OK;
    if (err) b->err = err;
    return n;
}

/* One byte of chunked framing outside chunk data. */
static int gemini__chunk_byte(gemini_body *b, char c)
{
    unsigned v;
    switch (b->state) {
    case GEMINI__C_SIZE:
    case GEMINI__C_SIZE_MORE:
        if (gemini__is_hex((unsigned char)c, &v)) {
            if (++b->digits > GEMINI_MAX_CHUNK_DIGITS) return GEMINI_ERR_CHUNK_SIZE;
            if (b->remaining > (ULLONG_MAX >> 4)) return GEMINI_ERR_CHUNK_SIZE;
            b->remaining = (b->remaining << 4) | v;
            b->state = GEMINI__C_SIZE_MORE;
            return GEMINI_OK;
        }
        if (b->state == GEMINI__C_SIZE) return GEMINI_ERR_CHUNK_SIZE;  /* no digit at all */
        /* fall through */
    case GEMINI__C_SIZE_WS:             /* BWS, allowed only before a chunk extension */
        if (c == ' ' || c == '\t') { b->state = GEMINI__C_SIZE_WS; return GEMINI_OK; }
        if (c == ';') { b->state = GEMINI__C_EXT_NAME0; return GEMINI_OK; }
        if (c == '\r' && b->state == GEMINI__C_SIZE_MORE) {
            b->state = GEMINI__C_SIZE_LF;
            return GEMINI_OK;
        }
        if (b->state == GEMINI__C_SIZE_WS || c == '\n') return GEMINI_ERR_CHUNK_FRAMING;
        return GEMINI_ERR_CHUNK_SIZE;      /* garbage right after the digits */
    case GEMINI__C_SIZE_LF:
        if (c != '\n') return GEMINI_ERR_CHUNK_FRAMING;
        b->digits = 0;
        b->state = b->remaining ? GEMINI__C_DATA : GEMINI__C_TRAILER_START;
        return GEMINI_OK;
    case GEMINI__C_DATA_CR:
        if (c != '\r') return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_DATA_LF;
        return GEMINI_OK;
    case GEMINI__C_DATA_LF:
        if (c != '\n') return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_SIZE;
        return GEMINI_OK;
    case GEMINI__C_TRAILER_START:
        if (c == '\r') { b->state = GEMINI__C_END_LF; return GEMINI_OK; }
        if (!gemini__is_tchar((unsigned char)c)) return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_TRAILER_NAME;
        return GEMINI_OK;
    case GEMINI__C_TRAILER_NAME:        /* trailer fields are checked, then skipped */
        if (c == ':') { b->state = GEMINI__C_TRAILER; return GEMINI_OK; }
        return gemini__is_tchar((unsigned char)c) ? GEMINI_OK : GEMINI_ERR_CHUNK_FRAMING;
    case GEMINI__C_TRAILER:
        if (c == '\r') { b->state = GEMINI__C_TRAILER_LF; return GEMINI_OK; }
        if (((unsigned char)c < 0x20 && c != '\t') || c == 0x7f) return GEMINI_ERR_CHUNK_FRAMING;
        return GEMINI_OK;
    case GEMINI__C_TRAILER_LF:
        if (c != '\n') return GEMINI_ERR_CHUNK_FRAMING;
        b->state = GEMINI__C_TRAILER_START;
        return GEMINI_OK;
    case GEMINI__C_END_LF:
        if (c != '\n') return GEMINI_ERR_CHUNK_FRAMING;
        b->done = 1;
        return GEMINI_OK;
    default:
        return gemini__chunk_ext_byte(b, c);
    }
}

GEMINI_DEF size_t gemini_body_feed(gemini_body *b, const char *data, size_t len,
                                   gemini_bytes_fn out, void *user)
{
    size_t i = 0;
    while (i < len && !b->done && !b->err) {
        if (b->mode != GEMINI_BODY_CHUNKED) {
            i += gemini__body_data(b, data + i, len - i, out, user);
            if (b->mode == GEMINI_BODY_LENGTH && b->remaining == 0) b->done = 1;
        } else if (b->state == GEMINI__C_DATA) {
            i += gemini__body_data(b, data + i, len - i, out, user);
            if (b->remaining == 0) b->state = GEMINI__C_DATA_CR;
        } else {                        /* framing bytes in a row, up to the chunk's data */
            int err;
            do {
                err = gemini__chunk_byte(b, data[i]);
            } while (!err && ++i < len && b->state != GEMINI__C_DATA && !b->done);
            if (err) {
                b->err = err;
                break;
            }
        }
    }
    return i;
}

GEMINI_DEF int gemini_body_finish(gemini_body *b)
{
    if (b->err) return b->err;
    if (b->mode == GEMINI_BODY_CLOSE) b->done = 1;
    if (!b->done) b->err = GEMINI_ERR_TRUNCATED;
    return b->err;
}

/* ==== Server-Sent Events ================================================================= */

enum {
    GEMINI__S_LINE_START, GEMINI__S_NAME, GEMINI__S_VALUE_START, GEMINI__S_VALUE,
    GEMINI__S_SKIP, GEMINI__S_RAW, GEMINI__S_RAW_LINE_START
};

enum { GEMINI__F_OTHER, GEMINI__F_DATA, GEMINI__F_EVENT, GEMINI__F_ID, GEMINI__F_RETRY };

GEMINI_DEF void gemini_sse_init(gemini_sse *s)
{
    memset(s, 0, sizeof *s);
    s->retry = -1;
}

static int gemini__sse_call(gemini_sse *s, gemini_sse_fn fn, void *user, gemini_sse_what what,
                            const char *data, size_t len)
{
    int err = fn(user, what, data, len);
    if (err) s->err = err;
    return err;
}

/* A field line ended: store what the WHATWG rules keep of event, id and retry. */
static void gemini__sse_field_end(gemini_sse *s)
{
    size_t i, n = s->value_len;
    if (s->field == GEMINI__F_EVENT) {
        memcpy(s->event_type, s->value, n < sizeof s->event_type ? n : sizeof s->event_type - 1);
        s->event_type_len = n < sizeof s->event_type ? n : sizeof s->event_type - 1;
    } else if (s->field == GEMINI__F_ID) {
        if (s->value_bad || memchr(s->value, '\0', n)) return;  /* an id with NUL is ignored */
        memcpy(s->id, s->value, n);
        s->id[n] = '\0';
        s->id_len = n;
    } else if (s->field == GEMINI__F_RETRY) {
        long v = 0;
        if (n == 0 || s->value_bad) return;
        for (i = 0; i < n; i++) {
            if (s->value[i] < '0' || s->value[i] > '9') return;
            if (v < 100000000L) v = v * 10 + (s->value[i] - '0');
        }
        s->retry = v;
    }
}

/* The field a name read byte by byte stands for. */
static int gemini__sse_field_id(const gemini_sse *s)
{
    static const char names[][6] = {"data", "event", "id", "retry"};   /* GEMINI__F_DATA on */
    int i;
    for (i = 0; i < 4; i++)
        if (s->name_len == strlen(names[i]) && memcmp(s->name, names[i], s->name_len) == 0)
            return GEMINI__F_DATA + i;
    return GEMINI__F_OTHER;
}

/* A field's value starts (GEMINI__F_...); data after data is joined by a LF. */
static int gemini__sse_field_start(gemini_sse *s, int field, gemini_sse_fn fn, void *user)
{
    s->field = field;
    s->value_len = 0;
    s->value_bad = 0;
    if (field == GEMINI__F_DATA) {
        if (s->has_data && gemini__sse_call(s, fn, user, GEMINI_SSE_DATA, "\n", 1)) return s->err;
        s->has_data = 1;
    }
    return GEMINI_OK;
}

/* A blank line: dispatch the event if it has data, then start a new one. */
static int gemini__sse_dispatch(gemini_sse *s, gemini_sse_fn fn, void *user)
{
    int had = s->has_data;
    s->has_data = 0;
    s->event_type[s->event_type_len] = '\0';
    if (had && gemini__sse_call(s, fn, user, GEMINI_SSE_EVENT, s->event_type, s->event_type_len))
        return s->err;
    s->event_type_len = 0;
    return GEMINI_OK;
}

/* Bytes of a retry value: digits only, kept without leading zeros, so that a value too long
   to keep is one too big to matter (it is capped anyway). */
static void gemini__sse_retry_bytes(gemini_sse *s, const char *p, size_t n)
{
    size_t j;
    for (j = 0; j < n; j++) {
        if (p[j] < '0' || p[j] > '9') s->value_bad = 1;
        else if (s->value_len == 1 && s->value[0] == '0') s->value[0] = p[j];
        else if (s->value_len < sizeof s->value - 1) s->value[s->value_len++] = p[j];
    }
}

/* Runs [data+i, data+len) of a value, a raw line or a skipped line up to the line end. */
static size_t gemini__sse_span(gemini_sse *s, const char *data, size_t len, size_t i,
                               gemini_sse_fn fn, void *user)
{
    const char *start = data + i, *eol = gemini__find_eol(start, data + len);
    size_t n = (size_t)(eol - start);
    if (n == 0) return i;
    if (s->state == GEMINI__S_RAW) {
        gemini__sse_call(s, fn, user, GEMINI_SSE_RAW, start, n);
    } else if (s->state == GEMINI__S_VALUE) {
        if (s->field == GEMINI__F_DATA) {
            gemini__sse_call(s, fn, user, GEMINI_SSE_DATA, start, n);
        } else if (s->field == GEMINI__F_RETRY) {
            gemini__sse_retry_bytes(s, start, n);
        } else if (s->field != GEMINI__F_OTHER) {
            size_t room = sizeof s->value - 1 - s->value_len, kept = n < room ? n : room;
            memcpy(s->value + s->value_len, start, kept);
            s->value_len += kept;
            /* what does not fit still decides: an id with a NUL anywhere is ignored */
            if (s->field == GEMINI__F_ID && n > kept && memchr(start + kept, '\0', n - kept))
                s->value_bad = 1;
        }
    }
    return i + n;
}

static int gemini__sse_line_end(gemini_sse *s, gemini_sse_fn fn, void *user)
{
    switch (s->state) {
    case GEMINI__S_LINE_START:
        s->state = GEMINI__S_LINE_START;
        return gemini__sse_dispatch(s, fn, user);
    case GEMINI__S_NAME:                /* a line with no colon: the whole line is the name */
        if (gemini__sse_field_start(s, gemini__sse_field_id(s), fn, user)) return s->err;
        /* fall through */
    case GEMINI__S_VALUE_START:
    case GEMINI__S_VALUE:
        gemini__sse_field_end(s);
        break;
    case GEMINI__S_RAW:
        s->state = GEMINI__S_RAW_LINE_START;
        return gemini__sse_call(s, fn, user, GEMINI_SSE_RAW, "\n", 1);
    case GEMINI__S_RAW_LINE_START:      /* a blank line ends the raw block */
        s->in_raw = 0;
        s->state = GEMINI__S_LINE_START;
        return gemini__sse_call(s, fn, user, GEMINI_SSE_RAW_END, "", 0);
    default:
        break;
    }
    s->state = GEMINI__S_LINE_START;
    return GEMINI_OK;
}

/* One byte at a line start or inside a field name. */
static int gemini__sse_head_byte(gemini_sse *s, char c, gemini_sse_fn fn, void *user)
{
    if (s->state == GEMINI__S_LINE_START) {
        s->name_len = 0;
        if (c == ':') { s->state = GEMINI__S_SKIP; return GEMINI_OK; }   /* a comment */
        if ((c == '{' || c == '[') && s->bare_json && !s->has_data) {
            s->in_raw = 1;
            s->state = GEMINI__S_RAW;
            return gemini__sse_call(s, fn, user, GEMINI_SSE_RAW, &c, 1);
        }
        s->state = GEMINI__S_NAME;
    } else if (s->state == GEMINI__S_RAW_LINE_START) {
        s->state = GEMINI__S_RAW;
        return gemini__sse_call(s, fn, user, GEMINI_SSE_RAW, &c, 1);
    } else if (s->state == GEMINI__S_VALUE_START) {
        s->state = GEMINI__S_VALUE;
        return c == ' ' ? GEMINI_OK : -1;   /* -1: not consumed, run it as value */
    }
    if (c == ':') {
        s->state = GEMINI__S_VALUE_START;
        return gemini__sse_field_start(s, gemini__sse_field_id(s), fn, user);
    }
    if (s->name_len < sizeof s->name) s->name[s->name_len] = c;
    if (s->name_len <= sizeof s->name) s->name_len++;
    return GEMINI_OK;
}

/* Strips one UTF-8 BOM at the very start; bytes that only looked like one are replayed. */
static int gemini__sse_bom(gemini_sse *s, const char **data, size_t *len, gemini_sse_fn fn,
                           void *user)
{
    static const char bom[] = "\xEF\xBB\xBF";
    while (s->bom_checked < 3 && *len > 0) {
        if ((*data)[0] != bom[s->bom_checked]) {
            int matched = s->bom_checked;
            s->bom_checked = 3;
            return matched ? gemini_sse_feed(s, bom, (size_t)matched, fn, user) : GEMINI_OK;
        }
        s->bom_checked++;
        (*data)++;
        (*len)--;
    }
    return GEMINI_OK;
}

GEMINI_DEF int gemini_sse_feed(gemini_sse *s, const char *data, size_t len, gemini_sse_fn fn,
                               void *user)
{
    size_t i = 0;
    if (s->err) return s->err;
    if (s->bom_checked < 3 && gemini__sse_bom(s, &data, &len, fn, user)) return s->err;
    while (i < len && !s->err) {
        char c = data[i];
        if (s->cr_pending) {            /* the LF of a CRLF pair was already counted */
            s->cr_pending = 0;
            if (c == '\n') { i++; continue; }
        }
        if (c == '\r' || c == '\n') {
            int crlf = c == '\r' && i + 1 < len && data[i + 1] == '\n';  /* both at once */
            s->cr_pending = c == '\r' && !crlf;
            i += crlf ? 2 : 1;
            gemini__sse_line_end(s, fn, user);
        } else if (s->state == GEMINI__S_VALUE || s->state == GEMINI__S_RAW
                   || s->state == GEMINI__S_SKIP) {
            i = gemini__sse_span(s, data, len, i, fn, user);
        } else if (s->state == GEMINI__S_LINE_START && len - i >= 5
                   && memcmp(data + i, "data:", 5) == 0) {
            /* the line of nearly every event: its name at once, to the state the bytes one
               by one through gemini__sse_head_byte would reach (but for the name, which is
               not read again) */
            s->state = GEMINI__S_VALUE_START;
            gemini__sse_field_start(s, GEMINI__F_DATA, fn, user);
            i += 5;
            if (i < len && data[i] == ' ') {    /* and the space that may follow the colon */
                s->state = GEMINI__S_VALUE;
                i++;
            }
        } else {
            int r = gemini__sse_head_byte(s, c, fn, user);
            if (r > 0) break;
            if (r == 0) i++;
        }
    }
    return s->err;
}

GEMINI_DEF int gemini_sse_finish(gemini_sse *s, gemini_sse_fn fn, void *user)
{
    if (s->err) return s->err;
    if (s->in_raw) {
        s->in_raw = 0;
        gemini__sse_call(s, fn, user, GEMINI_SSE_RAW_END, "", 0);
    } else if (s->has_data) {
        gemini__sse_call(s, fn, user, GEMINI_SSE_INCOMPLETE, "", 0);
    }
    s->has_data = 0;
    s->state = GEMINI__S_LINE_START;
    return s->err;
}

/* ==== JSON scanner ======================================================================= */

/* Path nodes: where in a GenerateContentResponse a value sits. Containers first, then leaves. */
enum {
    GEMINI__N_SKIP, GEMINI__N_TOP, GEMINI__N_ROOT_LIST, GEMINI__N_ROOT, GEMINI__N_CANDIDATES,
    GEMINI__N_CANDIDATE, GEMINI__N_CONTENT, GEMINI__N_PARTS, GEMINI__N_PART, GEMINI__N_FCALL,
    GEMINI__N_ARGS, GEMINI__N_USAGE, GEMINI__N_FEEDBACK, GEMINI__N_ERROR,
    /* leaves */
    GEMINI__N_KEY, GEMINI__N_TEXT, GEMINI__N_THOUGHT, GEMINI__N_FC_NAME, GEMINI__N_FC_ID,
    GEMINI__N_FINISH, GEMINI__N_BLOCK, GEMINI__N_MODEL_VERSION, GEMINI__N_RESPONSE_ID,
    GEMINI__N_ERR_CODE, GEMINI__N_ERR_MESSAGE, GEMINI__N_ERR_STATUS, GEMINI__N_U_PROMPT,
    GEMINI__N_U_CANDIDATES, GEMINI__N_U_THOUGHTS, GEMINI__N_U_CACHED, GEMINI__N_U_TOTAL,
    GEMINI__N_SIGNATURE
};

/* The keys followed under each container; any other key's value is skipped unread. */
typedef struct gemini__json_key {
    unsigned char child, len;
    const char *name;
} gemini__json_key;

#define GEMINI__KEY(child, name) {GEMINI__N_##child, sizeof name - 1, name}
static const gemini__json_key gemini__keys_root[] = {
    GEMINI__KEY(CANDIDATES, "candidates"), GEMINI__KEY(USAGE, "usageMetadata"),
    GEMINI__KEY(MODEL_VERSION, "modelVersion"), GEMINI__KEY(RESPONSE_ID, "responseId"),
    GEMINI__KEY(FEEDBACK, "promptFeedback"), GEMINI__KEY(ERROR, "error")};
static const gemini__json_key gemini__keys_candidate[] = {
    GEMINI__KEY(CONTENT, "content"), GEMINI__KEY(FINISH, "finishReason")};
static const gemini__json_key gemini__keys_content[] = {GEMINI__KEY(PARTS, "parts")};
static const gemini__json_key gemini__keys_part[] = {
    GEMINI__KEY(TEXT, "text"), GEMINI__KEY(THOUGHT, "thought"),
    GEMINI__KEY(SIGNATURE, "thoughtSignature"), GEMINI__KEY(FCALL, "functionCall")};
static const gemini__json_key gemini__keys_fcall[] = {
    GEMINI__KEY(FC_NAME, "name"), GEMINI__KEY(ARGS, "args"), GEMINI__KEY(FC_ID, "id")};
static const gemini__json_key gemini__keys_usage[] = {
    GEMINI__KEY(U_PROMPT, "promptTokenCount"), GEMINI__KEY(U_CANDIDATES, "candidatesTokenCount"),
    GEMINI__KEY(U_THOUGHTS, "thoughtsTokenCount"), GEMINI__KEY(U_TOTAL, "totalTokenCount"),
    GEMINI__KEY(U_CACHED, "cachedContentTokenCount")};
static const gemini__json_key gemini__keys_feedback[] = {GEMINI__KEY(BLOCK, "blockReason")};
static const gemini__json_key gemini__keys_error[] = {
    GEMINI__KEY(ERR_CODE, "code"), GEMINI__KEY(ERR_MESSAGE, "message"),
    GEMINI__KEY(ERR_STATUS, "status")};

/* The key table of each container node, indexed by node: a load instead of a switch per key
   (containers without a table skip whatever they hold). */
typedef struct gemini__json_table {
    const gemini__json_key *keys;
    size_t count;
} gemini__json_table;

#define GEMINI__TABLE(keys) {keys, sizeof keys / sizeof keys[0]}
static const gemini__json_table gemini__json_tables[GEMINI__N_KEY] = {
    {NULL, 0}, {NULL, 0}, {NULL, 0},                /* SKIP, TOP, ROOT_LIST */
    GEMINI__TABLE(gemini__keys_root), {NULL, 0},    /* ROOT, CANDIDATES */
    GEMINI__TABLE(gemini__keys_candidate), GEMINI__TABLE(gemini__keys_content),
    {NULL, 0}, GEMINI__TABLE(gemini__keys_part),    /* PARTS, PART */
    GEMINI__TABLE(gemini__keys_fcall), {NULL, 0},   /* FCALL, ARGS */
    GEMINI__TABLE(gemini__keys_usage), GEMINI__TABLE(gemini__keys_feedback),
    GEMINI__TABLE(gemini__keys_error)};

enum {
    GEMINI__J_VALUE, GEMINI__J_KEY_OR_CLOSE, GEMINI__J_KEY, GEMINI__J_COLON,
    GEMINI__J_VALUE_OR_CLOSE, GEMINI__J_AFTER, GEMINI__J_DONE, GEMINI__J_STRING,
    GEMINI__J_ESCAPE, GEMINI__J_UNICODE, GEMINI__J_LOW_BACKSLASH, GEMINI__J_LOW_U,
    GEMINI__J_LITERAL, GEMINI__J_NUM_MINUS, GEMINI__J_NUM_ZERO, GEMINI__J_NUM_INT,
    GEMINI__J_NUM_DOT, GEMINI__J_NUM_FRAC, GEMINI__J_NUM_E, GEMINI__J_NUM_ESIGN,
    GEMINI__J_NUM_EXP
};

static const char *const gemini__json_literals[3] = {"true", "false", "null"};

static int gemini__json_fail(gemini_json *j, int err)
{
    if (!j->err) j->err = err;
    return j->err;
}

static void gemini__json_emit(gemini_json *j, gemini_event *ev)
{
    if (j->fn && j->fn(j->user, ev) != 0) gemini__json_fail(j, GEMINI_ERR_CANCELLED);
}

/* An event with every field at its "absent" value. Copied, not memset: gcc makes the memset
   a rep stos, which costs more than the rest of the event. */
static const gemini_event gemini__no_event = {GEMINI_EVENT_TEXT, 0, "", 0, "", 0, "", "", 0, 0,
                                              {0, 0, 0, 0, 0}};

static void gemini__json_event(gemini_json *j, gemini_event *ev, gemini_event_type type,
                               const char *text, size_t len)
{
    *ev = gemini__no_event;
    ev->type = type;
    ev->candidate = j->cand_index < 0 ? 0 : j->cand_index;
    ev->text = text;
    ev->len = len;
}

GEMINI_DEF void gemini_json_reset(gemini_json *j)
{
    memset(j, 0, offsetof(gemini_json, all_candidates));   /* see the struct: no further */
    j->state = GEMINI__J_VALUE;
    j->node = GEMINI__N_TOP;
    j->capture_depth = -1;
    j->cand_index = -1;
    j->part[0] = '\0';
}

GEMINI_DEF void gemini_json_init(gemini_json *j, gemini_event_fn fn, void *user)
{
    memset(j, 0, sizeof *j);            /* once: later documents clear what they use */
    j->fn = fn;
    j->user = user;
    j->http_status = 200;
    gemini_json_reset(j);
}

/* -- assembling events -- */

/* Delivers the first n bytes of the part buffer as TEXT or THOUGHT, NUL-terminated there. */
static void gemini__json_text_event(gemini_json *j, size_t n)
{
    gemini_event ev;
    char saved = j->part[n];
    if (n == 0) return;
    j->part[n] = '\0';
    gemini__json_event(j, &ev, j->part_thought ? GEMINI_EVENT_THOUGHT : GEMINI_EVENT_TEXT,
                       j->part, n);
    gemini__json_emit(j, &ev);
    j->part[n] = saved;
}

/* Delivers the part's text so far, keeping an unfinished UTF-8 sequence for later. */
static void gemini__json_flush_text(gemini_json *j)
{
    size_t n = j->part_len, keep = 0, back;
    for (back = 1; back <= 3 && back <= n; back++) {
        unsigned char c = (unsigned char)j->part[n - back];
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (c < 0x80 || c >= 0xC0) {   /* a lead byte: is its sequence complete? */
            if (need > back) keep = back;
            break;
        }
    }
    n -= keep;
    gemini__json_text_event(j, n);
    memmove(j->part, j->part + n, keep);
    j->part_len = keep;
}

static void gemini__json_text(gemini_json *j, const char *s, size_t n)
{
    if (j->part_kind == 1) return;      /* text inside a function-call part is not an answer */
    while (n > 0 && !j->err) {
        size_t room = GEMINI_PART_MAX - j->part_len, take = n < room ? n : room;
        if (room == 0) {
            gemini__json_flush_text(j);
            continue;
        }
        memcpy(j->part + j->part_len, s, take);
        j->part_len += take;
        s += take;
        n -= take;
    }
}

static void gemini__json_part_end(gemini_json *j)
{
    gemini_event ev;
    if (j->part_kind == 1) {
        j->part[j->part_len] = '\0';
        gemini__json_event(j, &ev, GEMINI_EVENT_FUNCTION_CALL, j->fname, j->fname_len);
        ev.args = j->part_len ? j->part : "{}";
        ev.args_len = j->part_len ? j->part_len : 2;
        ev.id = j->fid;
        gemini__json_emit(j, &ev);
    } else {
        gemini__json_text_event(j, j->part_len);
    }
    j->part_len = 0;
}

/* The end of one response object: what it said besides parts, in a fixed order (FINISH,
   BLOCKED, USAGE, API_ERROR), so that a cut document never reports a finish. */
static void gemini__json_root_end(gemini_json *j)
{
    gemini_event ev;
    int i;
    for (i = 0; i < j->finish_count && !j->err; i++) {
        gemini__json_event(j, &ev, GEMINI_EVENT_FINISH, j->finishes[i], strlen(j->finishes[i]));
        ev.candidate = j->finish_cand[i];
        gemini__json_emit(j, &ev);
    }
    j->cand_index = 0;                  /* what follows belongs to no candidate in particular */
    if (j->block_len > 0 && !j->err) {
        gemini__json_event(j, &ev, GEMINI_EVENT_BLOCKED, j->block_reason, j->block_len);
        gemini__json_emit(j, &ev);
    }
    if (j->saw_usage && !j->err) {
        gemini__json_event(j, &ev, GEMINI_EVENT_USAGE, "", 0);
        ev.usage = j->usage;
        gemini__json_emit(j, &ev);
    }
    if (j->saw_error && !j->err) {
        gemini__json_event(j, &ev, GEMINI_EVENT_API_ERROR, j->err_message, j->err_message_len);
        ev.status = j->err_status;
        ev.http_status = j->http_status;
        ev.code = j->err_code;
        gemini__json_emit(j, &ev);
    }
}

/* The bounded text fields that string leaves fill, by node from GEMINI__N_FC_NAME to
   GEMINI__N_ERR_STATUS: where each is in gemini_json, its size, where its length is kept. */
typedef struct gemini__json_slot { unsigned short at, cap, len_at; } gemini__json_slot;
#define GEMINI__FIELD(name, length) \
    {offsetof(gemini_json, name), sizeof ((gemini_json *)0)->name, offsetof(gemini_json, length)}
static const gemini__json_slot gemini__json_fields[GEMINI__N_ERR_STATUS - GEMINI__N_FC_NAME + 1] = {
    GEMINI__FIELD(fname, fname_len), GEMINI__FIELD(fid, fid_len),
    GEMINI__FIELD(finish, finish_len), GEMINI__FIELD(block_reason, block_len),
    GEMINI__FIELD(model_version, model_version_len),
    GEMINI__FIELD(response_id, response_id_len), {0, 0, 0},   /* ERR_CODE: a number */
    GEMINI__FIELD(err_message, err_message_len), GEMINI__FIELD(err_status, err_status_len)};

/* The field of a leaf (NULL for a leaf that has none), *cap its size and *len its length. */
static char *gemini__json_field(gemini_json *j, int node, size_t *cap, size_t **len)
{
    const gemini__json_slot *f;
    if (node < GEMINI__N_FC_NAME || node > GEMINI__N_ERR_STATUS) return NULL;
    f = &gemini__json_fields[node - GEMINI__N_FC_NAME];
    if (f->cap == 0) return NULL;
    *cap = f->cap;
    *len = (size_t *)(void *)((char *)j + f->len_at);
    return (char *)j + f->at;
}

/* Empties the field of a leaf; returns 0 when the leaf has none. */
static int gemini__json_clear(gemini_json *j, int node)
{
    size_t cap, *len;
    char *field = gemini__json_field(j, node, &cap, &len);
    if (!field) return 0;
    *len = 0;
    field[0] = '\0';
    return 1;
}

/* A container opens: per-object state starts afresh. */
static void gemini__json_container_start(gemini_json *j, int node)
{
    switch (node) {
    case GEMINI__N_ROOT:
        j->finish_count = 0;
        j->cand_index = -1;
        gemini__json_clear(j, GEMINI__N_BLOCK);
        gemini__json_clear(j, GEMINI__N_ERR_MESSAGE);
        gemini__json_clear(j, GEMINI__N_ERR_STATUS);
        j->err_code = 0;
        j->saw_usage = 0;
        break;
    case GEMINI__N_CANDIDATES: j->cand_index = -1; break;
    case GEMINI__N_CANDIDATE: gemini__json_clear(j, GEMINI__N_FINISH); break;
    case GEMINI__N_PART:
        j->part_len = 0;
        j->part_thought = j->part_kind = 0;
        break;
    case GEMINI__N_FCALL:
        j->part_kind = 1;
        j->part_len = 0;
        gemini__json_clear(j, GEMINI__N_FC_NAME);
        gemini__json_clear(j, GEMINI__N_FC_ID);
        break;
    case GEMINI__N_USAGE:
        j->saw_usage = 1;
        j->usage.prompt_tokens = j->usage.candidates_tokens = j->usage.thoughts_tokens = -1;
        j->usage.cached_tokens = j->usage.total_tokens = -1;
        break;
    case GEMINI__N_ERROR: j->saw_error = 1; break;
    default: break;
    }
}

static inline void gemini__json_number_done(gemini_json *j, int node)
{
    long v = (long)(j->num_neg ? -j->num : j->num);
    switch (node) {
    case GEMINI__N_U_PROMPT: j->usage.prompt_tokens = v; break;
    case GEMINI__N_U_CANDIDATES: j->usage.candidates_tokens = v; break;
    case GEMINI__N_U_THOUGHTS: j->usage.thoughts_tokens = v; break;
    case GEMINI__N_U_CACHED: j->usage.cached_tokens = v; break;
    case GEMINI__N_U_TOTAL: j->usage.total_tokens = v; break;
    case GEMINI__N_ERR_CODE: j->err_code = v; break;
    default: break;
    }
}

/* The captured "args" value ended just before `after`: keep its last bytes. Returns 0 when
   they do not fit. */
static int gemini__json_capture_end(gemini_json *j, const char *after)
{
    size_t n = (size_t)(after - j->cap_from);
    if (n > GEMINI_PART_MAX - j->part_len) {
        gemini__json_fail(j, GEMINI_ERR_TOO_LARGE);
        return 0;
    }
    memcpy(j->part + j->part_len, j->cap_from, n);
    j->part_len += n;
    j->capture_depth = -1;
    return 1;
}

/* An object that events are made of has closed. */
static void gemini__json_object_end(gemini_json *j, int node)
{
    switch (node) {
    case GEMINI__N_PART: gemini__json_part_end(j); break;
    case GEMINI__N_CANDIDATE:
        if (j->finish_len > 0 && j->finish_count < 8) {   /* told when the document ends */
            memcpy(j->finishes[j->finish_count], j->finish, j->finish_len + 1);
            j->finish_cand[j->finish_count++] = j->cand_index < 0 ? 0 : j->cand_index;
        }
        break;
    case GEMINI__N_ROOT: gemini__json_root_end(j); break;
    default: break;
    }
}

/* A value ended just before `after`: finish a capture, then act on what the value was. Inline:
   it runs for every value, and mostly only sets the next state. */
static inline void gemini__json_value_done(gemini_json *j, int node, const char *after)
{
    if (j->capture_depth == j->depth && !gemini__json_capture_end(j, after)) return;
    if (node == GEMINI__N_PART || node == GEMINI__N_CANDIDATE || node == GEMINI__N_ROOT)
        gemini__json_object_end(j, node);
    j->state = j->depth == 0 ? GEMINI__J_DONE : GEMINI__J_AFTER;
    if (j->depth == 0) j->done = 1;
}

/* -- lexing -- */

/* The node a key leads to under `parent` (GEMINI__N_SKIP: a key we do not follow). Inline: it
   runs for every key, mostly to find one of two to six names. */
static inline int gemini__json_child(int parent, const char *key, size_t n)
{
    const gemini__json_table *t = &gemini__json_tables[parent];
    size_t i;
    for (i = 0; i < t->count; i++)
        if (t->keys[i].len == n && gemini__same(t->keys[i].name, key, n)) return t->keys[i].child;
    return GEMINI__N_SKIP;
}

/* The node of the next element of the innermost array. */
static inline int gemini__json_element(gemini_json *j)
{
    switch (j->stack[j->depth - 1]) {
    case GEMINI__N_ROOT_LIST: return GEMINI__N_ROOT;
    case GEMINI__N_PARTS: return GEMINI__N_PART;
    case GEMINI__N_CANDIDATES:
        j->cand_index++;
        return (j->all_candidates || j->cand_index == 0) ? GEMINI__N_CANDIDATE : GEMINI__N_SKIP;
    default: return GEMINI__N_SKIP;
    }
}

static int gemini__json_is_object_node(int node)
{
    return node == GEMINI__N_ROOT || node == GEMINI__N_CANDIDATE || node == GEMINI__N_CONTENT
        || node == GEMINI__N_PART || node == GEMINI__N_FCALL || node == GEMINI__N_USAGE
        || node == GEMINI__N_FEEDBACK || node == GEMINI__N_ERROR;
}

static void gemini__json_open(gemini_json *j, char kind)
{
    int node = j->node;
    if (node == GEMINI__N_TOP) node = kind == '{' ? GEMINI__N_ROOT : GEMINI__N_ROOT_LIST;
    if (kind == '{' && !gemini__json_is_object_node(node) && node != GEMINI__N_ARGS)
        node = GEMINI__N_SKIP;
    if (kind == '[' && node != GEMINI__N_CANDIDATES && node != GEMINI__N_PARTS
        && node != GEMINI__N_ROOT_LIST && node != GEMINI__N_ARGS)
        node = GEMINI__N_SKIP;
    if (j->depth >= GEMINI_JSON_MAX_DEPTH) {
        gemini__json_fail(j, GEMINI_ERR_JSON_DEPTH);
        return;
    }
    if (node == GEMINI__N_ARGS && j->capture_depth >= 0 && j->capture_depth < j->depth)
        node = GEMINI__N_SKIP;          /* inside the captured value: nothing more to track */
    j->stack[j->depth] = (unsigned char)node;
    j->kind[j->depth] = (unsigned char)kind;
    j->depth++;
    gemini__json_container_start(j, node);
    if (kind == '{') {
        j->state = GEMINI__J_KEY_OR_CLOSE;
    } else {
        j->state = GEMINI__J_VALUE_OR_CLOSE;
        j->node = gemini__json_element(j);
    }
}

/* A container closes (inline: ~9 times a Gemini event, from the structural loop). */
static inline void gemini__json_close(gemini_json *j, char c, const char *after)
{
    if (j->kind[j->depth - 1] != (c == '}' ? '{' : '[')) {
        gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX);
        return;
    }
    j->depth--;
    gemini__json_value_done(j, j->stack[j->depth], after);
}

/* Where a string's decoded bytes go: a bounded field, the part text, a key, or nowhere. */
static void gemini__json_out(gemini_json *j, const char *s, size_t n)
{
    switch (j->str_node) {
    case GEMINI__N_KEY:
        if (j->key_len + n > sizeof j->key) j->key_len = sizeof j->key + 1;  /* matches none */
        else { memcpy(j->key + j->key_len, s, n); j->key_len += n; }
        break;
    case GEMINI__N_TEXT: gemini__json_text(j, s, n); break;
    case GEMINI__N_SIGNATURE:           /* streamed as it comes: signatures run to kilobytes */
        while (n > 0 && !j->err) {
            gemini_event ev;
            size_t take = n < sizeof j->sig - 1 ? n : sizeof j->sig - 1;
            memcpy(j->sig, s, take);    /* a copy, to end it with a NUL like every event text */
            j->sig[take] = '\0';
            gemini__json_event(j, &ev, GEMINI_EVENT_THOUGHT_SIGNATURE, j->sig, take);
            gemini__json_emit(j, &ev);
            s += take;
            n -= take;
        }
        break;
    default: {
        size_t cap, *len;
        char *field = gemini__json_field(j, j->str_node, &cap, &len);
        if (!field) break;
        /* a cut function name or id would call the wrong function; other fields are cut */
        if ((j->str_node == GEMINI__N_FC_NAME || j->str_node == GEMINI__N_FC_ID) && n >= cap - *len)
            gemini__json_fail(j, GEMINI_ERR_TOO_LARGE);
        else
            gemini__append(field, cap, len, s, n);
        break;
    }
    }
}

/* A string value starts: pick its destination and clear a field it replaces. */
static void gemini__json_string_start(gemini_json *j, int node)
{
    j->str_node = node;
    j->state = GEMINI__J_STRING;
    switch (node) {
    case GEMINI__N_KEY: j->key_len = 0; j->node = GEMINI__N_SKIP; break;
    case GEMINI__N_TEXT: break;
    case GEMINI__N_SIGNATURE: if (!j->signatures) j->str_node = GEMINI__N_SKIP; break;
    default:
        if (!gemini__json_clear(j, node)) j->str_node = GEMINI__N_SKIP;
        break;
    }
}

static void gemini__json_out_code(gemini_json *j, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) { b[0] = (char)(0xC0 | (cp >> 6)); n = 2; }
    else if (cp < 0x10000) { b[0] = (char)(0xE0 | (cp >> 12)); n = 3; }
    else { b[0] = (char)(0xF0 | (cp >> 18)); n = 4; }
    if (n >= 2) b[n - 1] = (char)(0x80 | (cp & 0x3F));
    if (n >= 3) b[n - 2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    if (n == 4) b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    gemini__json_out(j, b, n);
}

/* An unfinished raw UTF-8 sequence was interrupted: it becomes one U+FFFD. */
static void gemini__utf8_abort(gemini_json *j)
{
    if (j->utf8_need) {
        j->utf8_need = j->utf8_have = 0;
        gemini__json_out_code(j, 0xFFFD);
    }
}

/* One raw byte >= 0x80 inside a string that is kept: validate, replacing bad sequences. */
static void gemini__utf8_byte(gemini_json *j, unsigned char c)
{
    size_t need;
    unsigned char lo, hi;
    if (j->utf8_need) {
        if (c >= j->utf8_lo && c <= j->utf8_hi) {
            j->utf8[j->utf8_have++] = c;
            j->utf8_lo = 0x80;
            j->utf8_hi = 0xBF;
            if (--j->utf8_need == 0) {
                gemini__json_out(j, (const char *)j->utf8, (size_t)j->utf8_have);
                j->utf8_have = 0;
            }
            return;
        }
        gemini__utf8_abort(j);          /* then c starts afresh */
    }
    need = gemini__utf8_lead(c, &lo, &hi);      /* c >= 0x80: 0, or 2 to 4 */
    if (!need) {
        gemini__json_out_code(j, 0xFFFD);
        return;
    }
    j->utf8[0] = c;
    j->utf8_have = 1;
    j->utf8_need = (int)need - 1;
    j->utf8_lo = lo;
    j->utf8_hi = hi;
}

/* The byte a one-letter escape (\" \\ \/ \b \f \n \r \t) stands for, or -1. */
static int gemini__json_unescape(char c)
{
    static const char from[] = "n\"\\t/rbf", to[] = "\n\"\\\t/\r\b\f";  /* most frequent first */
    int i;
    for (i = 0; i < 8; i++)
        if (c == from[i]) return to[i];
    return -1;
}

#if defined(__SSE2__) && defined(__GNUC__)
/* Checks the UTF-8 of 16 bytes that begin on a character (high: their bytes >= 0x80, as a
   mask). Returns a mask of the positions where something is wrong: a byte that cannot lead,
   a continuation byte nobody expects, one missing, or a second byte out of its lead's range
   (E0: A0-BF, ED: 80-9F, F0: 90-BF, F4: 80-8F). *expect gets the positions where continuation
   bytes are due (bits 16-18: in the next 16 bytes). Signed compares: 0x80-0xFF are negative. */
static unsigned gemini__utf8_check16(__m128i v, unsigned high, unsigned *expect)
{
#define GEMINI__MASK(cmp, b) (unsigned)_mm_movemask_epi8(cmp(v, _mm_set1_epi8((char)(b))))
    unsigned cont = GEMINI__MASK(_mm_cmplt_epi8, 0xC0);                 /* 80-BF */
    unsigned below_a0 = GEMINI__MASK(_mm_cmplt_epi8, 0xA0);             /* 80-9F */
    unsigned below_90 = GEMINI__MASK(_mm_cmplt_epi8, 0x90);             /* 80-8F */
    unsigned lead2 = GEMINI__MASK(_mm_cmpgt_epi8, 0xC1) & high;         /* C2-FF: 1 more */
    unsigned lead3 = GEMINI__MASK(_mm_cmpgt_epi8, 0xDF) & high;         /* E0-FF: 2 more */
    unsigned lead4 = GEMINI__MASK(_mm_cmpgt_epi8, 0xEF) & high;         /* F0-FF: 3 more */
    unsigned err = (high & ~cont & ~lead2)                              /* C0, C1 */
                 | (GEMINI__MASK(_mm_cmpgt_epi8, 0xF4) & high);         /* F5-FF */
    *expect = (lead2 << 1) | (lead3 << 2) | (lead4 << 3);
    err |= (*expect ^ cont) & 0xFFFFu;
    err |= ((GEMINI__MASK(_mm_cmpeq_epi8, 0xE0) << 1) & below_a0)
         | ((GEMINI__MASK(_mm_cmpeq_epi8, 0xED) << 1) & cont & ~below_a0)
         | ((GEMINI__MASK(_mm_cmpeq_epi8, 0xF0) << 1) & below_90)
         | ((GEMINI__MASK(_mm_cmpeq_epi8, 0xF4) << 1) & cont & ~below_90);
#undef GEMINI__MASK
    return err & 0xFFFFu;
}
#endif

/* A run of a kept string from p: plain bytes and whole valid UTF-8 sequences, up to '"',
   '\\', a control byte, a bad or cut sequence, or the end. With SSE2, 16 bytes a step, and
   the UTF-8 of a step checked with masks, all at once: a scan that stopped at each non-ASCII
   character would pay mispredicted branches (how long, which ranges) for each of them. */
static const char *gemini__text_run(const char *p, const char *end)
{
    size_t n;
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    const __m128i below_space = _mm_set1_epi8(0x1F);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v);
        unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)), control));
        unsigned high = (unsigned)_mm_movemask_epi8(v);      /* the bytes >= 0x80 */
        unsigned upto = stop ? ((stop & (0u - stop)) << 1) - 1 : 0xFFFFu;  /* through the stop */
        if (high & upto) {
            unsigned expect;
            if (gemini__utf8_check16(v, high, &expect) & upto) break;
            if (!stop && expect >> 16) {
                /* the last sequence runs on into the next 16 bytes: they start with its lead
                   byte, the highest of the last three (the others are continuation bytes) */
                p += 31 - __builtin_clz(high & ~expect & 0xE000u);
                continue;
            }
        }
        if (stop) return p + __builtin_ctz(stop);
        p += 16;
    }
#endif
    for (;;) {                          /* a bad sequence found above is located exactly here */
        p = gemini__skip_plain(p, end, 1);
        if (p == end || (unsigned char)*p < 0x80) return p;
        n = gemini__utf8_valid((const unsigned char *)p, (size_t)(end - p));
        if (n == 0) return p;
        p += n;
    }
}

/* A part's text (not a function call's), decoded straight into the part buffer while it has
   room for all of this input: decoding never lengthens what it passes (runs of valid UTF-8,
   one-letter escapes), so no flush can fall inside. Returns where it stopped: at the closing
   quote or at whatever the byte-wise way must see (a \u escape, bad or cut UTF-8, ...). */
static const char *gemini__json_text_direct(gemini_json *j, const char *p, const char *end)
{
    char *out = j->part + j->part_len;
    for (;;) {
        const char *q = gemini__text_run(p, end);
        int byte;
        memcpy(out, p, (size_t)(q - p));
        out += q - p;
        p = q;
        if (q == end || *q != '\\' || end - q < 2 || (byte = gemini__json_unescape(q[1])) < 0)
            break;
        *out++ = (char)byte;
        p = q + 2;
    }
    j->part_len = (size_t)(out - j->part);
    return p;
}

/* Inside a string: runs of plain bytes (and, for kept strings, whole valid UTF-8 sequences)
   at once, then one special byte. */
static const char *gemini__json_string(gemini_json *j, const char *p, const char *end)
{
    const char *q = p;
    unsigned char c;
    if (j->str_node == GEMINI__N_SKIP) {
        q = gemini__skip_plain(p, end, 0);
    } else if (j->str_node == GEMINI__N_TEXT && j->part_kind == 0 && !j->utf8_need
               && (size_t)(end - p) <= GEMINI_PART_MAX - j->part_len) {
        q = gemini__json_text_direct(j, p, end);
    } else if (!j->utf8_need) {         /* no sequence pending from the previous input */
        q = gemini__text_run(p, end);
        if (q > p) gemini__json_out(j, p, (size_t)(q - p));
    }
    if (q == end) return q;
    c = (unsigned char)*q;
    if (c >= 0x80) {
        if (j->str_node != GEMINI__N_SKIP) gemini__utf8_byte(j, c);
    } else if (c == '"') {
        gemini__utf8_abort(j);
        if (j->str_node == GEMINI__N_KEY) j->state = GEMINI__J_COLON;
        else gemini__json_value_done(j, j->node, q + 1);
    } else if (c == '\\') {
        gemini__utf8_abort(j);
        j->state = GEMINI__J_ESCAPE;
    } else if (c < 0x20) {
        gemini__json_fail(j, GEMINI_ERR_JSON_CONTROL);
    } else {                            /* ASCII cutting an unfinished sequence short */
        gemini__utf8_abort(j);
        gemini__json_out(j, q, 1);
    }
    return q + 1;
}

/* A \uXXXX escape is complete: pair surrogates, replace lone ones. */
static void gemini__json_unicode(gemini_json *j)
{
    unsigned cp = j->ucode;
    j->state = GEMINI__J_STRING;
    if (j->uhigh) {
        unsigned high = j->uhigh;
        j->uhigh = 0;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            gemini__json_out_code(j, 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00));
            return;
        }
        gemini__json_out_code(j, 0xFFFD);
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        j->uhigh = cp;
        j->state = GEMINI__J_LOW_BACKSLASH;
    } else {
        gemini__json_out_code(j, (cp >= 0xDC00 && cp <= 0xDFFF) ? 0xFFFD : cp);
    }
}

/* One byte of a backslash escape; returns 0 when the byte must be read again as string. */
static int gemini__json_escape(gemini_json *j, char c)
{
    unsigned v;
    int byte;
    switch (j->state) {
    case GEMINI__J_ESCAPE:
        if (c == 'u') {
            j->state = GEMINI__J_UNICODE;
            j->ucode = 0;
            j->udigits = 0;
            return 1;
        }
        if ((byte = gemini__json_unescape(c)) < 0)
            return gemini__json_fail(j, GEMINI_ERR_JSON_ESCAPE), 1;
        c = (char)byte;
        gemini__json_out(j, &c, 1);
        j->state = GEMINI__J_STRING;
        return 1;
    case GEMINI__J_UNICODE:
        if (!gemini__is_hex((unsigned char)c, &v))
            return gemini__json_fail(j, GEMINI_ERR_JSON_ESCAPE), 1;
        j->ucode = (j->ucode << 4) | v;
        if (++j->udigits == 4) gemini__json_unicode(j);
        return 1;
    case GEMINI__J_LOW_BACKSLASH:       /* a high surrogate wants \uDC00-\uDFFF next */
        if (c == '\\') { j->state = GEMINI__J_LOW_U; return 1; }
        j->uhigh = 0;
        gemini__json_out_code(j, 0xFFFD);
        j->state = GEMINI__J_STRING;
        return 0;
    default:                            /* GEMINI__J_LOW_U */
        if (c == 'u') {
            j->state = GEMINI__J_UNICODE;
            j->ucode = 0;
            j->udigits = 0;
            return 1;
        }
        j->uhigh = 0;
        gemini__json_out_code(j, 0xFFFD);
        j->state = GEMINI__J_ESCAPE;    /* the backslash starts an ordinary escape */
        return 0;
    }
}

/* Whether c may follow a number: white space or the punctuation after a value. */
static int gemini__json_ends_number(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '}' || c == ']';
}

/* One byte of a number; returns 0 when the byte ends the number and must be read again. */
static int gemini__json_number(gemini_json *j, char c, const char *at)
{
    int digit = c >= '0' && c <= '9';
    switch (j->state) {
    case GEMINI__J_NUM_MINUS:
        if (!digit) return gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER), 1;
        j->state = c == '0' ? GEMINI__J_NUM_ZERO : GEMINI__J_NUM_INT;
        j->num = c - '0';
        return 1;
    case GEMINI__J_NUM_INT:
        if (digit) {
            if (j->num < 100000000000000LL) j->num = j->num * 10 + (c - '0');
            return 1;
        }
        /* fall through */
    case GEMINI__J_NUM_ZERO:
        if (digit) return gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER), 1;  /* leading zero */
        if (c == '.') { j->state = GEMINI__J_NUM_DOT; return 1; }
        /* fall through */
    case GEMINI__J_NUM_FRAC:
        if (digit) return 1;
        if (c == 'e' || c == 'E') { j->state = GEMINI__J_NUM_E; return 1; }
        break;
    case GEMINI__J_NUM_DOT:
        if (!digit) return gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER), 1;
        j->state = GEMINI__J_NUM_FRAC;
        return 1;
    case GEMINI__J_NUM_E:
        if (c == '+' || c == '-') { j->state = GEMINI__J_NUM_ESIGN; return 1; }
        /* fall through */
    case GEMINI__J_NUM_ESIGN:
        if (!digit) return gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER), 1;
        j->state = GEMINI__J_NUM_EXP;
        return 1;
    default:                            /* GEMINI__J_NUM_EXP */
        if (digit) return 1;
        break;
    }
    /* c is not part of the number: it ends here */
    if (!gemini__json_ends_number(c)) return gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER), 1;
    gemini__json_number_done(j, j->node);
    gemini__json_value_done(j, j->node, at);
    return 0;
}

/* An unsigned integer that lies whole in this input (token counts, "index": 0) is read at
   once. Returns the position of the byte that ends it, or NULL to take the byte-wise way
   (a fraction, an exponent, a leading zero, or the end of the input). */
static const char *gemini__json_number_inline(gemini_json *j, const char *at, const char *end)
{
    const char *q = at + 1;
    long long num = *at - '0';
    if (num != 0) {
        for (; q < end && *q >= '0' && *q <= '9'; q++)
            if (num < 100000000000000LL) num = num * 10 + (*q - '0');
    }
    if (q == end || !gemini__json_ends_number(*q)) return NULL;
    j->num = num;
    j->num_neg = 0;
    gemini__json_number_done(j, j->node);
    gemini__json_value_done(j, j->node, q);
    return q;
}

/* The first byte of a value; returns the position after what it used (a skipped string
   that lies whole in this input is passed over at once). */
static const char *gemini__json_value_start(gemini_json *j, const char *at, const char *end)
{
    char c = *at;
    if (j->node == GEMINI__N_ARGS && j->capture_depth < 0) {
        j->capture_depth = j->depth;    /* capture the raw bytes of "args" from here */
        j->cap_from = at;
        j->part_len = 0;                /* a repeated "args": the last one counts */
    }
    if (c != '{' && c != '[' && j->node < GEMINI__N_KEY)
        j->node = GEMINI__N_SKIP;       /* a scalar where an object belongs means nothing */
    switch (c) {
    case '{': case '[': gemini__json_open(j, c); break;
    case '"':
        gemini__json_string_start(j, j->node);
        if (j->str_node == GEMINI__N_SKIP) {
            const char *q = gemini__skip_plain(at + 1, end, 0);
            if (q < end && *q == '"') {
                gemini__json_value_done(j, j->node, q + 1);
                return q + 1;
            }
        } else {                        /* kept: at once too when plain ASCII (an id, ...) */
            const char *q = gemini__skip_plain(at + 1, end, 1);
            if (q < end && *q == '"') {
                if (q > at + 1) gemini__json_out(j, at + 1, (size_t)(q - at - 1));
                gemini__json_value_done(j, j->node, q + 1);
                return q + 1;
            }
        }
        break;
    case 't': case 'f': case 'n':
        j->lit = c == 't' ? 0 : c == 'f' ? 1 : 2;
        j->lit_pos = 1;
        j->state = GEMINI__J_LITERAL;
        break;
    case '-': j->state = GEMINI__J_NUM_MINUS; j->num = 0; j->num_neg = 1; break;
    case '.': case '+': gemini__json_fail(j, GEMINI_ERR_JSON_NUMBER); break;
    default:
        if (c >= '0' && c <= '9') {
            const char *after = gemini__json_number_inline(j, at, end);
            if (after) return after;
            j->state = c == '0' ? GEMINI__J_NUM_ZERO : GEMINI__J_NUM_INT;
            j->num = c - '0';
            j->num_neg = 0;
            break;
        }
        gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX);
    }
    return at + 1;
}

static const char *gemini__skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* A key that lies whole in this input, without escapes, is matched where it lies: no copy.
   Returns the position after its closing quote, or NULL to take the byte-wise way. */
static const char *gemini__json_key_inline(gemini_json *j, const char *at, const char *end)
{
    const char *q = gemini__skip_plain(at + 1, end, 0);
    int parent = j->stack[j->depth - 1];
    if (q == end || *q != '"') return NULL;
    j->node = gemini__json_child(parent, at + 1, (size_t)(q - at - 1));
    j->key_len = 0;
    j->state = GEMINI__J_COLON;
    q = gemini__skip_ws(q + 1, end);    /* the usual ": " right away */
    if (q < end && *q == ':') {
        j->state = GEMINI__J_VALUE;
        q = gemini__skip_ws(q + 1, end);
    }
    return q;
}

/* One structural step between values: white space, {}[]:, or the start of a value. Returns
   the position after what it used. */
static const char *gemini__json_structure_step(gemini_json *j, const char *at, const char *end)
{
    char c = *at;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return at + 1;
    switch (j->state) {
    case GEMINI__J_VALUE_OR_CLOSE:
        if (c == ']') { gemini__json_close(j, c, at + 1); break; }
        /* fall through */
    case GEMINI__J_VALUE:
        return gemini__json_value_start(j, at, end);
    case GEMINI__J_KEY_OR_CLOSE:
        if (c == '}') { gemini__json_close(j, c, at + 1); break; }
        /* fall through */
    case GEMINI__J_KEY: {
        const char *after;
        if (c != '"') { gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX); break; }
        after = gemini__json_key_inline(j, at, end);
        if (after) return after;
        gemini__json_string_start(j, GEMINI__N_KEY);
        break;
    }
    case GEMINI__J_COLON:
        if (c != ':') { gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX); break; }
        if (j->key_len) j->node = gemini__json_child(j->stack[j->depth - 1], j->key, j->key_len);
        j->state = GEMINI__J_VALUE;
        break;
    case GEMINI__J_AFTER:
        if (c == '}' || c == ']') { gemini__json_close(j, c, at + 1); break; }
        if (c != ',') { gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX); break; }
        if (j->kind[j->depth - 1] == '{') {
            const char *q = gemini__skip_ws(at + 1, end), *after;
            j->state = GEMINI__J_KEY;
            if (q < end && *q == '"' && (after = gemini__json_key_inline(j, q, end)) != NULL)
                return after;           /* the next key follows the comma at once */
        } else {
            j->state = GEMINI__J_VALUE;
            j->node = gemini__json_element(j);
        }
        break;
    default:                            /* GEMINI__J_DONE: only white space may follow */
        gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX);
    }
    return at + 1;
}

/* Structural steps in a row, without going back to the byte-wise states: until a value's body
   needs them (a kept string, a number, a literal), the input ends, or a capture runs (its stop
   must be worked out again after each step). */
static const char *gemini__json_structure(gemini_json *j, const char *p, const char *end)
{
    do {
        p = gemini__json_structure_step(j, p, end);
    } while (p < end && j->state < GEMINI__J_STRING && !j->err && j->capture_depth < 0);
    return p;
}

static void gemini__json_literal(gemini_json *j, char c, const char *at)
{
    const char *word = gemini__json_literals[j->lit];
    if (c != word[j->lit_pos]) {
        gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX);
        return;
    }
    if (word[++j->lit_pos] != '\0') return;
    if (j->node == GEMINI__N_THOUGHT && j->lit == 0) j->part_thought = 1;
    gemini__json_value_done(j, j->node, at + 1);
}

/* While "args" is captured, its bytes may not outgrow the part buffer: returns where this
   step must stop so that the limit falls on the same byte however the input is split, or
   NULL when the next byte would already be one too many. */
static const char *gemini__json_capture_stop(gemini_json *j, const char *p, const char *end)
{
    size_t room = GEMINI_PART_MAX - j->part_len;
    if ((size_t)(p - j->cap_from) >= room) {
        gemini__json_fail(j, GEMINI_ERR_TOO_LARGE);
        return NULL;
    }
    return (size_t)(end - j->cap_from) > room ? j->cap_from + room : end;
}

GEMINI_DEF int gemini_json_feed(gemini_json *j, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    if (j->err) return j->err;
    if (j->capture_depth >= 0) j->cap_from = data;
    while (p < end && !j->err) {
        const char *stop = end;
        if (j->capture_depth >= 0 && (stop = gemini__json_capture_stop(j, p, end)) == NULL) break;
        if (j->state < GEMINI__J_STRING) {
            p = gemini__json_structure(j, p, stop);
        } else if (j->state == GEMINI__J_STRING) {
            p = gemini__json_string(j, p, stop);
        } else if (j->state >= GEMINI__J_NUM_MINUS) {
            if (j->state == GEMINI__J_NUM_INT) {    /* a run of digits at once */
                while (p < stop && *p >= '0' && *p <= '9') {
                    if (j->num < 100000000000000LL) j->num = j->num * 10 + (*p - '0');
                    p++;
                }
                if (p == stop) continue;
            }
            p += gemini__json_number(j, *p, p);
        } else if (j->state == GEMINI__J_LITERAL) {
            gemini__json_literal(j, *p, p);
            p++;
        } else {
            p += gemini__json_escape(j, *p);
        }
    }
    if (!j->err && j->capture_depth >= 0) {
        size_t n = (size_t)(end - j->cap_from);
        memcpy(j->part + j->part_len, j->cap_from, n);
        j->part_len += n;
    }
    return j->err;
}

GEMINI_DEF int gemini_json_end(gemini_json *j)
{
    if (j->err) return j->err;
    if (j->depth == 0 && j->state >= GEMINI__J_NUM_ZERO && j->state != GEMINI__J_NUM_DOT
        && j->state != GEMINI__J_NUM_E && j->state != GEMINI__J_NUM_ESIGN) {
        gemini__json_value_done(j, j->node, NULL);    /* a bare top-level number */
    }
    if (!j->done) return gemini__json_fail(j, GEMINI_ERR_JSON_SYNTAX);
    return GEMINI_OK;
}

/* ==== response pipeline ================================================================== */

enum { GEMINI__P_HEAD, GEMINI__P_BODY, GEMINI__P_DONE };
enum { GEMINI__BODY_SSE, GEMINI__BODY_JSON, GEMINI__BODY_ERROR };

GEMINI_DEF void gemini_parser_init(gemini_parser *p, int flags, gemini_event_fn fn, void *user)
{
    memset(p, 0, offsetof(gemini_parser, json));
    gemini_http_head_init(&p->head);
    gemini_sse_init(&p->sse);
    p->sse.bare_json = 1;
    gemini_json_init(&p->json, fn, user);
    p->json.all_candidates = (flags & GEMINI_PARSE_ALL_CANDIDATES) != 0;
    p->json.signatures = (flags & GEMINI_PARSE_SIGNATURES) != 0;
    p->flags = flags;
    if (flags & GEMINI_PARSE_BODY_ONLY) {
        gemini_body_init(&p->body, GEMINI_BODY_CLOSE, 0);
        p->stage = GEMINI__P_BODY;
    }
}

static int gemini__parser_fail(gemini_parser *p, int err)
{
    if (!p->err) p->err = err;
    return p->err;
}

/* A JSON document (an SSE event's data, a raw block, or an error body) has ended. */
static int gemini__parser_doc_end(gemini_parser *p, int at_eof)
{
    int err;
    if (!p->in_doc) return GEMINI_OK;
    p->in_doc = 0;
    err = gemini_json_end(&p->json);
    if (p->json.saw_error) p->api_error_seen = 1;
    if (err == GEMINI_ERR_JSON_SYNTAX && at_eof) err = GEMINI_ERR_TRUNCATED;
    return err ? err : (p->api_error_seen ? GEMINI_ERR_API : GEMINI_OK);
}

static int gemini__parser_doc_bytes(gemini_parser *p, const char *data, size_t len)
{
    if (!p->in_doc) {
        gemini_json_reset(&p->json);
        p->in_doc = 1;
    }
    return gemini_json_feed(&p->json, data, len);
}

static int gemini__parser_sse(void *user, gemini_sse_what what, const char *data, size_t len)
{
    gemini_parser *p = (gemini_parser *)user;
    switch (what) {
    case GEMINI_SSE_DATA:
    case GEMINI_SSE_RAW: return gemini__parser_doc_bytes(p, data, len);
    case GEMINI_SSE_EVENT:
    case GEMINI_SSE_RAW_END: return gemini__parser_doc_end(p, 0);
    default: return gemini__parser_doc_end(p, 1);   /* GEMINI_SSE_INCOMPLETE */
    }
}

/* Decoded body bytes go to the SSE splitter (which also finds bare JSON, so error bodies go
   there too), or straight to the scanner for a plain JSON answer. */
static int gemini__parser_body(void *user, const char *data, size_t len)
{
    gemini_parser *p = (gemini_parser *)user;
    int err;
    if (p->body_kind == GEMINI__BODY_JSON) return gemini__parser_doc_bytes(p, data, len);
    err = gemini_sse_feed(&p->sse, data, len, gemini__parser_sse, p);
    if (p->body_kind == GEMINI__BODY_ERROR && err != GEMINI_ERR_CANCELLED)
        return GEMINI_OK;               /* an unreadable error body: its status line speaks */
    return err;
}

/* An error status whose body said nothing we could read: report the status line itself. */
static int gemini__parser_status_error(gemini_parser *p)
{
    gemini_event ev = gemini__no_event;
    ev.type = GEMINI_EVENT_API_ERROR;
    ev.text = p->head.reason;
    ev.len = strlen(p->head.reason);
    ev.http_status = p->head.status;
    if (p->json.fn && p->json.fn(p->json.user, &ev) != 0) return GEMINI_ERR_CANCELLED;
    return GEMINI_ERR_API;
}

/* The body is complete: close what is open and settle the outcome. */
static int gemini__parser_body_done(gemini_parser *p, int at_eof)
{
    int err = GEMINI_OK;
    p->stage = GEMINI__P_DONE;
    p->done = 1;
    if (p->body_kind == GEMINI__BODY_JSON) {
        err = gemini__parser_doc_end(p, at_eof);
    } else {
        err = gemini_sse_finish(&p->sse, gemini__parser_sse, p);
    }
    if (p->body_kind == GEMINI__BODY_ERROR) {
        if (err == GEMINI_ERR_CANCELLED) return gemini__parser_fail(p, err);
        int api = p->api_error_seen || (p->json.saw_error && p->json.done);
        err = api ? GEMINI_ERR_API : gemini__parser_status_error(p);
    }
    if (!err && p->api_error_seen) err = GEMINI_ERR_API;
    return err ? gemini__parser_fail(p, err) : GEMINI_OK;
}

/* The head is complete: choose the framing and what the body holds. */
static int gemini__parser_head_done(gemini_parser *p)
{
    gemini_http_head *h = &p->head;
    gemini_body_mode mode = GEMINI_BODY_CLOSE;
    if (h->status == 204 || h->status == 304) mode = GEMINI_BODY_NONE;
    else if (h->chunked) mode = GEMINI_BODY_CHUNKED;
    else if (h->content_length >= 0) mode = GEMINI_BODY_LENGTH;
    if (mode == GEMINI_BODY_CLOSE) h->keep_alive = 0;
    if (h->coded && mode != GEMINI_BODY_NONE) return gemini__parser_fail(p, GEMINI_ERR_HTTP_ENCODING);
    gemini_body_init(&p->body, mode,
                     (unsigned long long)(h->content_length < 0 ? 0 : h->content_length));
    if (h->status < 200 || h->status > 299) {
        p->body_kind = GEMINI__BODY_ERROR;
        p->json.http_status = h->status;
    } else if (h->event_stream) {
        p->body_kind = GEMINI__BODY_SSE;
    } else if (h->json) {
        p->body_kind = GEMINI__BODY_JSON;  /* a plain generateContent answer */
    } else {
        return gemini__parser_fail(p, GEMINI_ERR_NOT_STREAM);
    }
    p->stage = GEMINI__P_BODY;
    return p->body.done ? gemini__parser_body_done(p, 0) : GEMINI_OK;
}

GEMINI_DEF int gemini_parser_feed(gemini_parser *p, const void *data, size_t len)
{
    const char *in = (const char *)data;
    while (len > 0 && !p->err && p->stage != GEMINI__P_DONE) {
        size_t used;
        if (p->stage == GEMINI__P_HEAD) {
            used = gemini_http_head_feed(&p->head, in, len);
            if (p->head.err) return gemini__parser_fail(p, p->head.err);
            if (p->head.done && gemini__parser_head_done(p)) return p->err;
        } else {
            used = gemini_body_feed(&p->body, in, len, gemini__parser_body, p);
            if (p->body.err) return gemini__parser_fail(p, p->body.err);
            if (p->body.done) gemini__parser_body_done(p, 0);
        }
        in += used;
        len -= used;
    }
    return p->err;
}

GEMINI_DEF int gemini_parser_finish(gemini_parser *p)
{
    if (p->err || p->stage == GEMINI__P_DONE) return p->err;
    if (p->stage == GEMINI__P_HEAD) return gemini__parser_fail(p, GEMINI_ERR_TRUNCATED);
    if (gemini_body_finish(&p->body) != GEMINI_OK && p->body_kind != GEMINI__BODY_ERROR) {
        /* complete events were delivered as they came; what remains is lost with the input.
           After an in-stream error the server just hangs up: the error is the news. */
        int api = p->api_error_seen || (p->in_doc && p->json.saw_error && p->json.done);
        return gemini__parser_fail(p, api ? GEMINI_ERR_API : GEMINI_ERR_TRUNCATED);
    }
    return gemini__parser_body_done(p, 1);
}

/* ==== request writer ===================================================================== */

typedef struct gemini__writer {
    gemini_bytes_fn out;
    void *user;
    int err;
} gemini__writer;

static void gemini__w(gemini__writer *w, const char *s, size_t n)
{
    if (!w->err && n > 0) w->err = w->out(w->user, s, n);
}

static void gemini__ws(gemini__writer *w, const char *s)
{
    gemini__w(w, s, strlen(s));
}

/* A JSON string: quotes, backslashes and control characters escaped; invalid UTF-8 sent as
   U+FFFD; everything else passes through in runs. */
static void gemini__w_string_n(gemini__writer *w, const char *str, size_t left)
{
    const unsigned char *s = (const unsigned char *)str, *run = s;
    gemini__w(w, "\"", 1);
    while (left > 0) {
        size_t bad = 1, n = 0;
        char esc[8];
        if (*s >= 0x20 && *s != '"' && *s != '\\') n = gemini__utf8_check(s, left, &bad);
        if (n > 0) { s += n; left -= n; continue; }
        gemini__w(w, (const char *)run, (size_t)(s - run));
        if (*s == '"' || *s == '\\' || *s == '\n' || *s == '\r' || *s == '\t') {
            esc[0] = '\\';
            esc[1] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : *s == '\t' ? 't' : (char)*s;
            esc[2] = '\0';
        } else {                        /* other controls as themselves, bad bytes as U+FFFD */
            snprintf(esc, sizeof esc, "\\u%04x", *s < 0x20 ? (unsigned)*s : 0xfffdu);
        }
        gemini__ws(w, esc);
        s += bad;
        left -= bad;
        run = s;
    }
    gemini__w(w, (const char *)run, (size_t)(s - run));
    gemini__w(w, "\"", 1);
}

static void gemini__w_string(gemini__writer *w, const char *s)
{
    gemini__w_string_n(w, s, strlen(s));
}

GEMINI_DEF int gemini_write_json_string(const char *s, size_t len, gemini_bytes_fn out, void *user)
{
    gemini__writer w;
    if (!out || (!s && len)) return GEMINI_ERR_USAGE;
    w.out = out;
    w.user = user;
    w.err = GEMINI_OK;
    gemini__w_string_n(&w, s ? s : "", len);
    return w.err;
}

/* "key": as the next member; first tells whether a comma is needed before it. */
static void gemini__w_key(gemini__writer *w, int *first, const char *key)
{
    if (!*first) gemini__w(w, ",", 1);
    *first = 0;
    gemini__w_string(w, key);
    gemini__w(w, ":", 1);
}

/* A JSON number whatever the locale: printf writes the locale's decimal point ("0,5" under
   de_DE; it may take more than one byte), which becomes '.' here. %.9g writes a sign, digits,
   the point, digits, an exponent: the point is what stands between the first digits and the
   next digit or 'e', so no localeconv() is needed to find it. */
static void gemini__w_number(gemini__writer *w, double v)
{
    char buf[48], *point, *end;
    if (!(v >= -1e300 && v <= 1e300)) {     /* NaN too */
        if (!w->err) w->err = GEMINI_ERR_USAGE;
        return;
    }
    snprintf(buf, sizeof buf, "%.9g", v);
    point = buf + (buf[0] == '-');
    while (*point >= '0' && *point <= '9') point++;
    for (end = point; *end && *end != 'e' && (*end < '0' || *end > '9'); end++) {}
    if (end > point) {
        *point = '.';
        memmove(point + 1, end, strlen(end) + 1);
    }
    gemini__ws(w, buf);
}

static void gemini__w_long(gemini__writer *w, long v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", v);
    gemini__ws(w, buf);
}

static void gemini__w_base64(gemini__writer *w, const unsigned char *p, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char buf[1024];
    size_t used = 0;
    while (n > 0) {
        unsigned v = (unsigned)p[0] << 16 | (n > 1 ? (unsigned)p[1] << 8 : 0) | (n > 2 ? p[2] : 0);
        buf[used++] = abc[v >> 18];
        buf[used++] = abc[(v >> 12) & 63];
        buf[used++] = n > 1 ? abc[(v >> 6) & 63] : '=';
        buf[used++] = n > 2 ? abc[v & 63] : '=';
        p += n > 3 ? 3 : n;
        n -= n > 3 ? 3 : n;
        if (used == sizeof buf) { gemini__w(w, buf, used); used = 0; }
    }
    gemini__w(w, buf, used);
}

static void gemini__w_parts(gemini__writer *w, const gemini_part_spec *parts, size_t count)
{
    size_t i;
    gemini__ws(w, "[");
    for (i = 0; i < count; i++) {
        const gemini_part_spec *ps = &parts[i];
        if (i) gemini__w(w, ",", 1);
        if (ps->raw) {
            gemini__ws(w, ps->raw);
        } else if (ps->data || ps->mime_type) {
            gemini__ws(w, "{\"inlineData\":{\"mimeType\":");
            gemini__w_string(w, ps->mime_type ? ps->mime_type : "application/octet-stream");
            gemini__ws(w, ",\"data\":\"");
            gemini__w_base64(w, (const unsigned char *)ps->data, ps->data ? ps->data_len : 0);
            gemini__ws(w, "\"}}");
        } else {
            gemini__ws(w, "{\"text\":");
            gemini__w_string(w, ps->text ? ps->text : "");
            gemini__ws(w, "}");
        }
    }
    gemini__ws(w, "]");
}

/* Members written only when present: "key": value, with the comma when one is needed. */
static void gemini__w_member_long(gemini__writer *w, int *first, int present, const char *key,
                                  long v)
{
    if (!present) return;
    gemini__w_key(w, first, key);
    gemini__w_long(w, v);
}

static void gemini__w_member_number(gemini__writer *w, int *first, int present, const char *key,
                                    double v)
{
    if (!present) return;
    gemini__w_key(w, first, key);
    gemini__w_number(w, v);
}

/* as_json: the value is raw JSON written as it is, else a string to quote */
static void gemini__w_member_text(gemini__writer *w, int *first, const char *key, const char *v,
                                  int as_json)
{
    if (!v) return;
    gemini__w_key(w, first, key);
    if (as_json) gemini__ws(w, v);
    else gemini__w_string(w, v);
}

static void gemini__w_thinking(gemini__writer *w, const gemini_request *r)
{
    int first = 1;
    gemini__ws(w, "{");
    gemini__w_member_text(w, &first, "includeThoughts", r->include_thoughts ? "true" : NULL, 1);
    gemini__w_member_long(w, &first, r->has_thinking_budget, "thinkingBudget", r->thinking_budget);
    gemini__w_member_text(w, &first, "thinkingLevel", r->thinking_level, 0);
    gemini__ws(w, "}");
}

static void gemini__w_generation(gemini__writer *w, const gemini_request *r)
{
    int first = 1;
    size_t i;
    gemini__ws(w, "{");
    gemini__w_member_number(w, &first, r->has_temperature, "temperature", r->temperature);
    gemini__w_member_number(w, &first, r->has_top_p, "topP", r->top_p);
    gemini__w_member_long(w, &first, r->top_k != 0, "topK", r->top_k);
    gemini__w_member_long(w, &first, r->max_output_tokens != 0, "maxOutputTokens",
                          r->max_output_tokens);
    if (r->stop_sequence_count) {
        gemini__w_key(w, &first, "stopSequences");
        gemini__ws(w, "[");
        for (i = 0; i < r->stop_sequence_count; i++) {
            if (i) gemini__w(w, ",", 1);
            gemini__w_string(w, r->stop_sequences[i] ? r->stop_sequences[i] : "");
        }
        gemini__ws(w, "]");
    }
    gemini__w_member_long(w, &first, r->has_seed, "seed", r->seed);
    gemini__w_member_text(w, &first, "responseMimeType", r->response_mime_type, 0);
    gemini__w_member_text(w, &first, "responseSchema", r->response_schema, 1);
    if (r->include_thoughts || r->has_thinking_budget || r->thinking_level) {
        gemini__w_key(w, &first, "thinkingConfig");
        gemini__w_thinking(w, r);
    }
    gemini__ws(w, "}");
}

static void gemini__w_safety(gemini__writer *w, const gemini_safety_setting *ss, size_t count)
{
    size_t i;
    gemini__ws(w, "[");
    for (i = 0; i < count; i++) {
        if (i) gemini__w(w, ",", 1);
        gemini__ws(w, "{\"category\":");
        gemini__w_string(w, ss[i].category ? ss[i].category : "");
        gemini__ws(w, ",\"threshold\":");
        gemini__w_string(w, ss[i].threshold ? ss[i].threshold : "");
        gemini__ws(w, "}");
    }
    gemini__ws(w, "]");
}

static int gemini__request_has_generation(const gemini_request *r)
{
    return r->has_temperature || r->has_top_p || r->top_k || r->max_output_tokens
        || r->stop_sequence_count || r->has_seed || r->response_mime_type || r->response_schema
        || r->include_thoughts || r->has_thinking_budget || r->thinking_level;
}

static void gemini__w_contents(gemini__writer *w, const gemini_request *r)
{
    size_t i;
    gemini__ws(w, "[");
    for (i = 0; i < r->content_count; i++) {
        const gemini_content *c = &r->contents[i];
        if (i) gemini__w(w, ",", 1);
        gemini__ws(w, "{\"role\":");
        gemini__w_string(w, c->role ? c->role : "user");
        gemini__ws(w, ",\"parts\":");
        gemini__w_parts(w, c->parts, c->part_count);
        gemini__ws(w, "}");
    }
    gemini__ws(w, "]");
}

static int gemini__request_check(const gemini_request *r)
{
    size_t i;
    if (!r || !r->contents || r->content_count == 0) return GEMINI_ERR_USAGE;
    for (i = 0; i < r->content_count; i++)
        if (!r->contents[i].parts && r->contents[i].part_count) return GEMINI_ERR_USAGE;
    if ((r->stop_sequence_count && !r->stop_sequences)
        || (r->safety_setting_count && !r->safety_settings))
        return GEMINI_ERR_USAGE;
    return GEMINI_OK;
}

GEMINI_DEF int gemini_request_write(const gemini_request *r, gemini_bytes_fn out, void *user)
{
    gemini__writer w;
    int first = 0;
    if (gemini__request_check(r) || !out) return GEMINI_ERR_USAGE;
    w.out = out;
    w.user = user;
    w.err = GEMINI_OK;
    gemini__ws(&w, "{\"contents\":");
    gemini__w_contents(&w, r);
    if (r->system_instruction) {
        gemini_part_spec part;
        memset(&part, 0, sizeof part);
        part.text = r->system_instruction;
        gemini__w_key(&w, &first, "systemInstruction");
        gemini__ws(&w, "{\"parts\":");
        gemini__w_parts(&w, &part, 1);
        gemini__ws(&w, "}");
    }
    if (gemini__request_has_generation(r)) {
        gemini__w_key(&w, &first, "generationConfig");
        gemini__w_generation(&w, r);
    }
    if (r->safety_setting_count) {
        gemini__w_key(&w, &first, "safetySettings");
        gemini__w_safety(&w, r->safety_settings, r->safety_setting_count);
    }
    gemini__w_member_text(&w, &first, "tools", r->tools, 1);
    gemini__w_member_text(&w, &first, "toolConfig", r->tool_config, 1);
    if (r->extra && r->extra[0]) { gemini__w(&w, ",", 1); gemini__ws(&w, r->extra); }
    gemini__ws(&w, "}");
    return w.err;
}

static int gemini__count_bytes(void *user, const char *data, size_t len)
{
    (void)data;
    *(size_t *)user += len;
    return GEMINI_OK;
}

GEMINI_DEF int gemini_request_size(const gemini_request *r, size_t *size)
{
    *size = 0;
    return gemini_request_write(r, gemini__count_bytes, size);
}

/* Model names are path segments: letters, digits and "-._~" only ("models/" may lead). */
static int gemini__check_model(const char *model, const char **name)
{
    size_t i, n;
    if (!model) return GEMINI_ERR_BAD_MODEL;
    n = strlen(model);
    if (n >= 7 && memcmp(model, "models/", 7) == 0) {
        model += 7;
        n -= 7;
    }
    if (n == 0 || n > 128) return GEMINI_ERR_BAD_MODEL;
    for (i = 0; i < n; i++) {
        char c = model[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) return GEMINI_ERR_BAD_MODEL;
    }
    *name = model;
    return GEMINI_OK;
}

/* The request head; the key goes into a header and nowhere else. Returns its length or 0. */
static size_t gemini__request_head(const gemini_client *c, const char *model, size_t body_len,
                                   char *out, size_t cap)
{
    char host[300];
    int v6 = memchr(c->host, ':', strlen(c->host)) != NULL;
    int n = snprintf(host, sizeof host, v6 ? "[%s]:%u" : "%s:%u", c->host, c->port);
    if (c->port == 443) host[n - 4] = '\0';     /* ":443", the default port, goes unsaid */
    n = snprintf(out, cap,
                 "POST %s/%s/models/%s:streamGenerateContent?alt=sse HTTP/1.1\r\n"
                 "Host: %s\r\n"
                 "x-goog-api-key: %s\r\n"
                 "Content-Type: application/json\r\n"
                 "Content-Length: %lu\r\n"
                 "User-Agent: gemini_stream.h/" GEMINI_STREAM_VERSION "\r\n"
                 "\r\n",
                 c->prefix, c->cfg.api_version, model, host, c->cfg.api_key,
                 (unsigned long)body_len);
    return (n > 0 && (size_t)n < cap) ? (size_t)n : 0;
}

/* ==== TLS ================================================================================ */

/* ---- BEGIN google_roots: generated by tools/gen_roots.sh, do not edit ---- */
/* Generated by tools/gen_roots.sh (tools/gen_roots.c): do not edit by hand.
 * Trust anchors built into gemini_stream.h, in order:
 *   0: C=US, O=Google Trust Services LLC, CN=GTS Root R1
 *      RSA 4096, from GTS_Root_R1.crt
 *   1: C=US, O=Google Trust Services LLC, CN=GTS Root R2
 *      RSA 4096, from GTS_Root_R2.crt
 *   2: C=US, O=Google Trust Services LLC, CN=GTS Root R3
 *      EC P-384, from GTS_Root_R3.crt
 *   3: C=US, O=Google Trust Services LLC, CN=GTS Root R4
 *      EC P-384, from GTS_Root_R4.crt
 *   4: C=BE, O=GlobalSign nv-sa, OU=Root CA, CN=GlobalSign Root CA
 *      RSA 2048, from GlobalSign_Root_CA.crt
 *   5: OU=GlobalSign ECC Root CA - R4, O=GlobalSign, CN=GlobalSign
 *      EC P-256, from GlobalSign_ECC_Root_CA_-_R4.crt
 * Include after <bearssl.h>. Use:
 *      br_x509_trust_anchor tas[GEMINI__GOOGLE_ROOTS_COUNT];
 *      gemini__google_roots_fill(tas);
 * The anchors point into the const arrays below; tas must outlive the X.509 context
 * that uses it. (No const br_x509_trust_anchor table: the key union's first member
 * is the RSA key, and C++11 has no designated initialisers to reach the EC member.)
 */

/* 0: C=US, O=Google Trust Services LLC, CN=GTS Root R1 (RSA 4096) */
static const unsigned char gemini__root_dn0[] = {
    0x30, 0x47, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13,
    0x02, 0x55, 0x53, 0x31, 0x22, 0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x0A,
    0x13, 0x19, 0x47, 0x6F, 0x6F, 0x67, 0x6C, 0x65, 0x20, 0x54, 0x72, 0x75,
    0x73, 0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x20,
    0x4C, 0x4C, 0x43, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x13, 0x0B, 0x47, 0x54, 0x53, 0x20, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x52,
    0x31
};
static const unsigned char gemini__root_rsa_n0[] = {
    0xB6, 0x11, 0x02, 0x8B, 0x1E, 0xE3, 0xA1, 0x77, 0x9B, 0x3B, 0xDC, 0xBF,
    0x94, 0x3E, 0xB7, 0x95, 0xA7, 0x40, 0x3C, 0xA1, 0xFD, 0x82, 0xF9, 0x7D,
    0x32, 0x06, 0x82, 0x71, 0xF6, 0xF6, 0x8C, 0x7F, 0xFB, 0xE8, 0xDB, 0xBC,
    0x6A, 0x2E, 0x97, 0x97, 0xA3, 0x8C, 0x4B, 0xF9, 0x2B, 0xF6, 0xB1, 0xF9,
    0xCE, 0x84, 0x1D, 0xB1, 0xF9, 0xC5, 0x97, 0xDE, 0xEF, 0xB9, 0xF2, 0xA3,
    0xE9, 0xBC, 0x12, 0x89, 0x5E, 0xA7, 0xAA, 0x52, 0xAB, 0xF8, 0x23, 0x27,
    0xCB, 0xA4, 0xB1, 0x9C, 0x63, 0xDB, 0xD7, 0x99, 0x7E, 0xF0, 0x0A, 0x5E,
    0xEB, 0x68, 0xA6, 0xF4, 0xC6, 0x5A, 0x47, 0x0D, 0x4D, 0x10, 0x33, 0xE3,
    0x4E, 0xB1, 0x13, 0xA3, 0xC8, 0x18, 0x6C, 0x4B, 0xEC, 0xFC, 0x09, 0x90,
    0xDF, 0x9D, 0x64, 0x29, 0x25, 0x23, 0x07, 0xA1, 0xB4, 0xD2, 0x3D, 0x2E,
    0x60, 0xE0, 0xCF, 0xD2, 0x09, 0x87, 0xBB, 0xCD, 0x48, 0xF0, 0x4D, 0xC2,
    0xC2, 0x7A, 0x88, 0x8A, 0xBB, 0xBA, 0xCF, 0x59, 0x19, 0xD6, 0xAF, 0x8F,
    0xB0, 0x07, 0xB0, 0x9E, 0x31, 0xF1, 0x82, 0xC1, 0xC0, 0xDF, 0x2E, 0xA6,
    0x6D, 0x6C, 0x19, 0x0E, 0xB5, 0xD8, 0x7E, 0x26, 0x1A, 0x45, 0x03, 0x3D,
    0xB0, 0x79, 0xA4, 0x94, 0x28, 0xAD, 0x0F, 0x7F, 0x26, 0xE5, 0xA8, 0x08,
    0xFE, 0x96, 0xE8, 0x3C, 0x68, 0x94, 0x53, 0xEE, 0x83, 0x3A, 0x88, 0x2B,
    0x15, 0x96, 0x09, 0xB2, 0xE0, 0x7A, 0x8C, 0x2E, 0x75, 0xD6, 0x9C, 0xEB,
    0xA7, 0x56, 0x64, 0x8F, 0x96, 0x4F, 0x68, 0xAE, 0x3D, 0x97, 0xC2, 0x84,
    0x8F, 0xC0, 0xBC, 0x40, 0xC0, 0x0B, 0x5C, 0xBD, 0xF6, 0x87, 0xB3, 0x35,
    0x6C, 0xAC, 0x18, 0x50, 0x7F, 0x84, 0xE0, 0x4C, 0xCD, 0x92, 0xD3, 0x20,
    0xE9, 0x33, 0xBC, 0x52, 0x99, 0xAF, 0x32, 0xB5, 0x29, 0xB3, 0x25, 0x2A,
    0xB4, 0x48, 0xF9, 0x72, 0xE1, 0xCA, 0x64, 0xF7, 0xE6, 0x82, 0x10, 0x8D,
    0xE8, 0x9D, 0xC2, 0x8A, 0x88, 0xFA, 0x38, 0x66, 0x8A, 0xFC, 0x63, 0xF9,
    0x01, 0xF9, 0x78, 0xFD, 0x7B, 0x5C, 0x77, 0xFA, 0x76, 0x87, 0xFA, 0xEC,
    0xDF, 0xB1, 0x0E, 0x79, 0x95, 0x57, 0xB4, 0xBD, 0x26, 0xEF, 0xD6, 0x01,
    0xD1, 0xEB, 0x16, 0x0A, 0xBB, 0x8E, 0x0B, 0xB5, 0xC5, 0xC5, 0x8A, 0x55,
    0xAB, 0xD3, 0xAC, 0xEA, 0x91, 0x4B, 0x29, 0xCC, 0x19, 0xA4, 0x32, 0x25,
    0x4E, 0x2A, 0xF1, 0x65, 0x44, 0xD0, 0x02, 0xCE, 0xAA, 0xCE, 0x49, 0xB4,
    0xEA, 0x9F, 0x7C, 0x83, 0xB0, 0x40, 0x7B, 0xE7, 0x43, 0xAB, 0xA7, 0x6C,
    0xA3, 0x8F, 0x7D, 0x89, 0x81, 0xFA, 0x4C, 0xA5, 0xFF, 0xD5, 0x8E, 0xC3,
    0xCE, 0x4B, 0xE0, 0xB5, 0xD8, 0xB3, 0x8E, 0x45, 0xCF, 0x76, 0xC0, 0xED,
    0x40, 0x2B, 0xFD, 0x53, 0x0F, 0xB0, 0xA7, 0xD5, 0x3B, 0x0D, 0xB1, 0x8A,
    0xA2, 0x03, 0xDE, 0x31, 0xAD, 0xCC, 0x77, 0xEA, 0x6F, 0x7B, 0x3E, 0xD6,
    0xDF, 0x91, 0x22, 0x12, 0xE6, 0xBE, 0xFA, 0xD8, 0x32, 0xFC, 0x10, 0x63,
    0x14, 0x51, 0x72, 0xDE, 0x5D, 0xD6, 0x16, 0x93, 0xBD, 0x29, 0x68, 0x33,
    0xEF, 0x3A, 0x66, 0xEC, 0x07, 0x8A, 0x26, 0xDF, 0x13, 0xD7, 0x57, 0x65,
    0x78, 0x27, 0xDE, 0x5E, 0x49, 0x14, 0x00, 0xA2, 0x00, 0x7F, 0x9A, 0xA8,
    0x21, 0xB6, 0xA9, 0xB1, 0x95, 0xB0, 0xA5, 0xB9, 0x0D, 0x16, 0x11, 0xDA,
    0xC7, 0x6C, 0x48, 0x3C, 0x40, 0xE0, 0x7E, 0x0D, 0x5A, 0xCD, 0x56, 0x3C,
    0xD1, 0x97, 0x05, 0xB9, 0xCB, 0x4B, 0xED, 0x39, 0x4B, 0x9C, 0xC4, 0x3F,
    0xD2, 0x55, 0x13, 0x6E, 0x24, 0xB0, 0xD6, 0x71, 0xFA, 0xF4, 0xC1, 0xBA,
    0xCC, 0xED, 0x1B, 0xF5, 0xFE, 0x81, 0x41, 0xD8, 0x00, 0x98, 0x3D, 0x3A,
    0xC8, 0xAE, 0x7A, 0x98, 0x37, 0x18, 0x05, 0x95
};
static const unsigned char gemini__root_rsa_e0[] = {
    0x01, 0x00, 0x01
};

/* 1: C=US, O=Google Trust Services LLC, CN=GTS Root R2 (RSA 4096) */
static const unsigned char gemini__root_dn1[] = {
    0x30, 0x47, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13,
    0x02, 0x55, 0x53, 0x31, 0x22, 0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x0A,
    0x13, 0x19, 0x47, 0x6F, 0x6F, 0x67, 0x6C, 0x65, 0x20, 0x54, 0x72, 0x75,
    0x73, 0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x20,
    0x4C, 0x4C, 0x43, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x13, 0x0B, 0x47, 0x54, 0x53, 0x20, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x52,
    0x32
};
static const unsigned char gemini__root_rsa_n1[] = {
    0xCE, 0xDE, 0xFD, 0xA6, 0xFB, 0xEC, 0xEC, 0x14, 0x34, 0x3C, 0x07, 0x06,
    0x5A, 0x6C, 0x59, 0xF7, 0x19, 0x35, 0xDD, 0xF7, 0xC1, 0x9D, 0x55, 0xAA,
    0xD3, 0xCD, 0x3B, 0xA4, 0x93, 0x72, 0xEF, 0x0A, 0xFA, 0x6D, 0x9D, 0xF6,
    0xF0, 0x85, 0x80, 0x5B, 0xA1, 0x48, 0x52, 0x9F, 0x39, 0xC5, 0xB7, 0xEE,
    0x28, 0xAC, 0xEF, 0xCB, 0x76, 0x68, 0x14, 0xB9, 0xDF, 0xAD, 0x01, 0x6C,
    0x99, 0x1F, 0xC4, 0x22, 0x1D, 0x9F, 0xFE, 0x72, 0x77, 0xE0, 0x2C, 0x5B,
    0xAF, 0xE4, 0x04, 0xBF, 0x4F, 0x72, 0xA0, 0x1A, 0x34, 0x98, 0xE8, 0x39,
    0x68, 0xEC, 0x95, 0x25, 0x7B, 0x76, 0xA1, 0xE6, 0x69, 0xB9, 0x85, 0x19,
    0xBD, 0x89, 0x8C, 0xFE, 0xAD, 0xED, 0x36, 0xEA, 0x73, 0xBC, 0xFF, 0x83,
    0xE2, 0xCB, 0x7D, 0xC1, 0xD2, 0xCE, 0x4A, 0xB3, 0x8D, 0x05, 0x9E, 0x8B,
    0x49, 0x93, 0xDF, 0xC1, 0x5B, 0xD0, 0x6E, 0x5E, 0xF0, 0x2E, 0x30, 0x2E,
    0x82, 0xFC, 0xFA, 0xBC, 0xB4, 0x17, 0x0A, 0x48, 0xE5, 0x88, 0x9B, 0xC5,
    0x9B, 0x6B, 0xDE, 0xB0, 0xCA, 0xB4, 0x03, 0xF0, 0xDA, 0xF4, 0x90, 0xB8,
    0x65, 0x64, 0xF7, 0x5C, 0x4C, 0xAD, 0xE8, 0x7E, 0x66, 0x5E, 0x99, 0xD7,
    0xB8, 0xC2, 0x3E, 0xC8, 0xD0, 0x13, 0x9D, 0xAD, 0xEE, 0xE4, 0x45, 0x7B,
    0x89, 0x55, 0xF7, 0x8A, 0x1F, 0x62, 0x52, 0x84, 0x12, 0xB3, 0xC2, 0x40,
    0x97, 0xE3, 0x8A, 0x1F, 0x47, 0x91, 0xA6, 0x74, 0x5A, 0xD2, 0xF8, 0xB1,
    0x63, 0x28, 0x10, 0xB8, 0xB3, 0x09, 0xB8, 0x56, 0x77, 0x40, 0xA2, 0x26,
    0x98, 0x79, 0xC6, 0xFE, 0xDF, 0x25, 0xEE, 0x3E, 0xE5, 0xA0, 0x7F, 0xD4,
    0x61, 0x0F, 0x51, 0x4B, 0x3C, 0x3F, 0x8C, 0xDA, 0xE1, 0x70, 0x74, 0xD8,
    0xC2, 0x68, 0xA1, 0xF9, 0xC1, 0x0C, 0xE9, 0xA1, 0xE2, 0x7F, 0xBB, 0x55,
    0x3C, 0x76, 0x06, 0xEE, 0x6A, 0x4E, 0xCC, 0x92, 0x88, 0x30, 0x4D, 0x9A,
    0xBD, 0x4F, 0x0B, 0x48, 0x9A, 0x84, 0xB5, 0x98, 0xA3, 0xD5, 0xFB, 0x73,
    0xC1, 0x57, 0x61, 0xDD, 0x28, 0x56, 0x75, 0x13, 0xAE, 0x87, 0x8E, 0xE7,
    0x0C, 0x51, 0x09, 0x10, 0x75, 0x88, 0x4C, 0xBC, 0x8D, 0xF9, 0x7B, 0x3C,
    0xD4, 0x22, 0x48, 0x1F, 0x2A, 0xDC, 0xEB, 0x6B, 0xBB, 0x44, 0xB1, 0xCB,
    0x33, 0x71, 0x32, 0x46, 0xAF, 0xAD, 0x4A, 0xF1, 0x8C, 0xE8, 0x74, 0x3A,
    0xAC, 0xE7, 0x1A, 0x22, 0x73, 0x80, 0xD2, 0x30, 0xF7, 0x25, 0x42, 0xC7,
    0x22, 0x3B, 0x3B, 0x12, 0xAD, 0x96, 0x2E, 0xC6, 0xC3, 0x76, 0x07, 0xAA,
    0x20, 0xB7, 0x35, 0x49, 0x57, 0xE9, 0x92, 0x49, 0xE8, 0x76, 0x16, 0x72,
    0x31, 0x67, 0x2B, 0x96, 0x7E, 0x8A, 0xA3, 0xC7, 0x94, 0x56, 0x22, 0xBF,
    0x6A, 0x4B, 0x7E, 0x01, 0x21, 0xB2, 0x23, 0x32, 0xDF, 0xE4, 0x9A, 0x44,
    0x6D, 0x59, 0x5B, 0x5D, 0xF5, 0x00, 0xA0, 0x1C, 0x9B, 0xC6, 0x78, 0x97,
    0x8D, 0x90, 0xFF, 0x9B, 0xC8, 0xAA, 0xB4, 0xAF, 0x11, 0x51, 0x39, 0x5E,
    0xD9, 0xFB, 0x67, 0xAD, 0xD5, 0x5B, 0x11, 0x9D, 0x32, 0x9A, 0x1B, 0xBD,
    0xD5, 0xBA, 0x5B, 0xA5, 0xC9, 0xCB, 0x25, 0x69, 0x53, 0x55, 0x27, 0x5C,
    0xE0, 0xCA, 0x36, 0xCB, 0x88, 0x61, 0xFB, 0x1E, 0xB7, 0xD0, 0xCB, 0xEE,
    0x16, 0xFB, 0xD3, 0xA6, 0x4C, 0xDE, 0x92, 0xA5, 0xD4, 0xE2, 0xDF, 0xF5,
    0x06, 0x54, 0xDE, 0x2E, 0x9D, 0x4B, 0xB4, 0x93, 0x30, 0xAA, 0x81, 0xCE,
    0xDD, 0x1A, 0xDC, 0x51, 0x73, 0x0D, 0x4F, 0x70, 0xE9, 0xE5, 0xB6, 0x16,
    0x21, 0x19, 0x79, 0xB2, 0xE6, 0x89, 0x0B, 0x75, 0x64, 0xCA, 0xD5, 0xAB,
    0xBC, 0x09, 0xC1, 0x18, 0xA1, 0xFF, 0xD4, 0x54, 0xA1, 0x85, 0x3C, 0xFD,
    0x14, 0x24, 0x03, 0xB2, 0x87, 0xD3, 0xA4, 0xB7
};
static const unsigned char gemini__root_rsa_e1[] = {
    0x01, 0x00, 0x01
};

/* 2: C=US, O=Google Trust Services LLC, CN=GTS Root R3 (EC P-384) */
static const unsigned char gemini__root_dn2[] = {
    0x30, 0x47, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13,
    0x02, 0x55, 0x53, 0x31, 0x22, 0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x0A,
    0x13, 0x19, 0x47, 0x6F, 0x6F, 0x67, 0x6C, 0x65, 0x20, 0x54, 0x72, 0x75,
    0x73, 0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x20,
    0x4C, 0x4C, 0x43, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x13, 0x0B, 0x47, 0x54, 0x53, 0x20, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x52,
    0x33
};
static const unsigned char gemini__root_ec_q2[] = {
    0x04, 0x1F, 0x4F, 0x33, 0x87, 0x33, 0x29, 0x8A, 0xA1, 0x84, 0xDE, 0xCB,
    0xC7, 0x21, 0x58, 0x41, 0x89, 0xEA, 0x56, 0x9D, 0x2B, 0x4B, 0x85, 0xC6,
    0x1D, 0x4C, 0x27, 0xBC, 0x7F, 0x26, 0x51, 0x72, 0x6F, 0xE2, 0x9F, 0xD6,
    0xA3, 0xCA, 0xCC, 0x45, 0x14, 0x46, 0x8B, 0xAD, 0xEF, 0x7E, 0x86, 0x8C,
    0xEC, 0xB1, 0x7E, 0x2F, 0xFF, 0xA9, 0x71, 0x9D, 0x18, 0x84, 0x45, 0x04,
    0x41, 0x55, 0x6E, 0x2B, 0xEA, 0x26, 0x7F, 0xBB, 0x90, 0x01, 0xE3, 0x4B,
    0x19, 0xBA, 0xE4, 0x54, 0x96, 0x45, 0x09, 0xB1, 0xD5, 0x6C, 0x91, 0x44,
    0xAD, 0x84, 0x13, 0x8E, 0x9A, 0x8C, 0x0D, 0x80, 0x0C, 0x32, 0xF6, 0xE0,
    0x27
};
#define GEMINI__ROOT_EC_CURVE2 BR_EC_secp384r1

/* 3: C=US, O=Google Trust Services LLC, CN=GTS Root R4 (EC P-384) */
static const unsigned char gemini__root_dn3[] = {
    0x30, 0x47, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13,
    0x02, 0x55, 0x53, 0x31, 0x22, 0x30, 0x20, 0x06, 0x03, 0x55, 0x04, 0x0A,
    0x13, 0x19, 0x47, 0x6F, 0x6F, 0x67, 0x6C, 0x65, 0x20, 0x54, 0x72, 0x75,
    0x73, 0x74, 0x20, 0x53, 0x65, 0x72, 0x76, 0x69, 0x63, 0x65, 0x73, 0x20,
    0x4C, 0x4C, 0x43, 0x31, 0x14, 0x30, 0x12, 0x06, 0x03, 0x55, 0x04, 0x03,
    0x13, 0x0B, 0x47, 0x54, 0x53, 0x20, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x52,
    0x34
};
static const unsigned char gemini__root_ec_q3[] = {
    0x04, 0xF3, 0x74, 0x73, 0xA7, 0x68, 0x8B, 0x60, 0xAE, 0x43, 0xB8, 0x35,
    0xC5, 0x81, 0x30, 0x7B, 0x4B, 0x49, 0x9D, 0xFB, 0xC1, 0x61, 0xCE, 0xE6,
    0xDE, 0x46, 0xBD, 0x6B, 0xD5, 0x61, 0x18, 0x35, 0xAE, 0x40, 0xDD, 0x73,
    0xF7, 0x89, 0x91, 0x30, 0x5A, 0xEB, 0x3C, 0xEE, 0x85, 0x7C, 0xA2, 0x40,
    0x76, 0x3B, 0xA9, 0xC6, 0xB8, 0x47, 0xD8, 0x2A, 0xE7, 0x92, 0x91, 0x6A,
    0x73, 0xE9, 0xB1, 0x72, 0x39, 0x9F, 0x29, 0x9F, 0xA2, 0x98, 0xD3, 0x5F,
    0x5E, 0x58, 0x86, 0x65, 0x0F, 0xA1, 0x84, 0x65, 0x06, 0xD1, 0xDC, 0x8B,
    0xC9, 0xC7, 0x73, 0xC8, 0x8C, 0x6A, 0x2F, 0xE5, 0xC4, 0xAB, 0xD1, 0x1D,
    0x8A
};
#define GEMINI__ROOT_EC_CURVE3 BR_EC_secp384r1

/* 4: C=BE, O=GlobalSign nv-sa, OU=Root CA, CN=GlobalSign Root CA (RSA 2048) */
static const unsigned char gemini__root_dn4[] = {
    0x30, 0x57, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13,
    0x02, 0x42, 0x45, 0x31, 0x19, 0x30, 0x17, 0x06, 0x03, 0x55, 0x04, 0x0A,
    0x13, 0x10, 0x47, 0x6C, 0x6F, 0x62, 0x61, 0x6C, 0x53, 0x69, 0x67, 0x6E,
    0x20, 0x6E, 0x76, 0x2D, 0x73, 0x61, 0x31, 0x10, 0x30, 0x0E, 0x06, 0x03,
    0x55, 0x04, 0x0B, 0x13, 0x07, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x43, 0x41,
    0x31, 0x1B, 0x30, 0x19, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x12, 0x47,
    0x6C, 0x6F, 0x62, 0x61, 0x6C, 0x53, 0x69, 0x67, 0x6E, 0x20, 0x52, 0x6F,
    0x6F, 0x74, 0x20, 0x43, 0x41
};
static const unsigned char gemini__root_rsa_n4[] = {
    0xDA, 0x0E, 0xE6, 0x99, 0x8D, 0xCE, 0xA3, 0xE3, 0x4F, 0x8A, 0x7E, 0xFB,
    0xF1, 0x8B, 0x83, 0x25, 0x6B, 0xEA, 0x48, 0x1F, 0xF1, 0x2A, 0xB0, 0xB9,
    0x95, 0x11, 0x04, 0xBD, 0xF0, 0x63, 0xD1, 0xE2, 0x67, 0x66, 0xCF, 0x1C,
    0xDD, 0xCF, 0x1B, 0x48, 0x2B, 0xEE, 0x8D, 0x89, 0x8E, 0x9A, 0xAF, 0x29,
    0x80, 0x65, 0xAB, 0xE9, 0xC7, 0x2D, 0x12, 0xCB, 0xAB, 0x1C, 0x4C, 0x70,
    0x07, 0xA1, 0x3D, 0x0A, 0x30, 0xCD, 0x15, 0x8D, 0x4F, 0xF8, 0xDD, 0xD4,
    0x8C, 0x50, 0x15, 0x1C, 0xEF, 0x50, 0xEE, 0xC4, 0x2E, 0xF7, 0xFC, 0xE9,
    0x52, 0xF2, 0x91, 0x7D, 0xE0, 0x6D, 0xD5, 0x35, 0x30, 0x8E, 0x5E, 0x43,
    0x73, 0xF2, 0x41, 0xE9, 0xD5, 0x6A, 0xE3, 0xB2, 0x89, 0x3A, 0x56, 0x39,
    0x38, 0x6F, 0x06, 0x3C, 0x88, 0x69, 0x5B, 0x2A, 0x4D, 0xC5, 0xA7, 0x54,
    0xB8, 0x6C, 0x89, 0xCC, 0x9B, 0xF9, 0x3C, 0xCA, 0xE5, 0xFD, 0x89, 0xF5,
    0x12, 0x3C, 0x92, 0x78, 0x96, 0xD6, 0xDC, 0x74, 0x6E, 0x93, 0x44, 0x61,
    0xD1, 0x8D, 0xC7, 0x46, 0xB2, 0x75, 0x0E, 0x86, 0xE8, 0x19, 0x8A, 0xD5,
    0x6D, 0x6C, 0xD5, 0x78, 0x16, 0x95, 0xA2, 0xE9, 0xC8, 0x0A, 0x38, 0xEB,
    0xF2, 0x24, 0x13, 0x4F, 0x73, 0x54, 0x93, 0x13, 0x85, 0x3A, 0x1B, 0xBC,
    0x1E, 0x34, 0xB5, 0x8B, 0x05, 0x8C, 0xB9, 0x77, 0x8B, 0xB1, 0xDB, 0x1F,
    0x20, 0x91, 0xAB, 0x09, 0x53, 0x6E, 0x90, 0xCE, 0x7B, 0x37, 0x74, 0xB9,
    0x70, 0x47, 0x91, 0x22, 0x51, 0x63, 0x16, 0x79, 0xAE, 0xB1, 0xAE, 0x41,
    0x26, 0x08, 0xC8, 0x19, 0x2B, 0xD1, 0x46, 0xAA, 0x48, 0xD6, 0x64, 0x2A,
    0xD7, 0x83, 0x34, 0xFF, 0x2C, 0x2A, 0xC1, 0x6C, 0x19, 0x43, 0x4A, 0x07,
    0x85, 0xE7, 0xD3, 0x7C, 0xF6, 0x21, 0x68, 0xEF, 0xEA, 0xF2, 0x52, 0x9F,
    0x7F, 0x93, 0x90, 0xCF
};
static const unsigned char gemini__root_rsa_e4[] = {
    0x01, 0x00, 0x01
};

/* 5: OU=GlobalSign ECC Root CA - R4, O=GlobalSign, CN=GlobalSign (EC P-256) */
static const unsigned char gemini__root_dn5[] = {
    0x30, 0x50, 0x31, 0x24, 0x30, 0x22, 0x06, 0x03, 0x55, 0x04, 0x0B, 0x13,
    0x1B, 0x47, 0x6C, 0x6F, 0x62, 0x61, 0x6C, 0x53, 0x69, 0x67, 0x6E, 0x20,
    0x45, 0x43, 0x43, 0x20, 0x52, 0x6F, 0x6F, 0x74, 0x20, 0x43, 0x41, 0x20,
    0x2D, 0x20, 0x52, 0x34, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04,
    0x0A, 0x13, 0x0A, 0x47, 0x6C, 0x6F, 0x62, 0x61, 0x6C, 0x53, 0x69, 0x67,
    0x6E, 0x31, 0x13, 0x30, 0x11, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x0A,
    0x47, 0x6C, 0x6F, 0x62, 0x61, 0x6C, 0x53, 0x69, 0x67, 0x6E
};
static const unsigned char gemini__root_ec_q5[] = {
    0x04, 0xB8, 0xC6, 0x79, 0xD3, 0x8F, 0x6C, 0x25, 0x0E, 0x9F, 0x2E, 0x39,
    0x19, 0x1C, 0x03, 0xA4, 0xAE, 0x9A, 0xE5, 0x39, 0x07, 0x09, 0x16, 0xCA,
    0x63, 0xB1, 0xB9, 0x86, 0xF8, 0x8A, 0x57, 0xC1, 0x57, 0xCE, 0x42, 0xFA,
    0x73, 0xA1, 0xF7, 0x65, 0x42, 0xFF, 0x1E, 0xC1, 0x00, 0xB2, 0x6E, 0x73,
    0x0E, 0xFF, 0xC7, 0x21, 0xE5, 0x18, 0xA4, 0xAA, 0xD9, 0x71, 0x3F, 0xA8,
    0xD4, 0xB9, 0xCE, 0x8C, 0x1D
};
#define GEMINI__ROOT_EC_CURVE5 BR_EC_secp256r1

#define GEMINI__GOOGLE_ROOTS_COUNT 6

/* The anchors as data: the DN, the key (RSA: k1 the modulus, k2 the exponent; EC: k1 the
   point) and the EC curve, 0 for an RSA key. One loop fills them in: code per field per
   anchor would cost more than the table. */
typedef struct gemini__root {
    const unsigned char *dn, *k1, *k2;
    unsigned short dn_len, k1_len, k2_len;
    unsigned char curve;
} gemini__root;

static const gemini__root gemini__roots[GEMINI__GOOGLE_ROOTS_COUNT] = {
    {gemini__root_dn0, gemini__root_rsa_n0, gemini__root_rsa_e0,
     sizeof gemini__root_dn0, sizeof gemini__root_rsa_n0, sizeof gemini__root_rsa_e0, 0},
    {gemini__root_dn1, gemini__root_rsa_n1, gemini__root_rsa_e1,
     sizeof gemini__root_dn1, sizeof gemini__root_rsa_n1, sizeof gemini__root_rsa_e1, 0},
    {gemini__root_dn2, gemini__root_ec_q2, NULL,
     sizeof gemini__root_dn2, sizeof gemini__root_ec_q2, 0, GEMINI__ROOT_EC_CURVE2},
    {gemini__root_dn3, gemini__root_ec_q3, NULL,
     sizeof gemini__root_dn3, sizeof gemini__root_ec_q3, 0, GEMINI__ROOT_EC_CURVE3},
    {gemini__root_dn4, gemini__root_rsa_n4, gemini__root_rsa_e4,
     sizeof gemini__root_dn4, sizeof gemini__root_rsa_n4, sizeof gemini__root_rsa_e4, 0},
    {gemini__root_dn5, gemini__root_ec_q5, NULL,
     sizeof gemini__root_dn5, sizeof gemini__root_ec_q5, 0, GEMINI__ROOT_EC_CURVE5}
};

/* Writes the GEMINI__GOOGLE_ROOTS_COUNT built-in anchors to tas[]. */
static void gemini__google_roots_fill(br_x509_trust_anchor *tas)
{
    size_t i;
    for (i = 0; i < GEMINI__GOOGLE_ROOTS_COUNT; i++) {
        const gemini__root *r = &gemini__roots[i];
        br_x509_trust_anchor *ta = &tas[i];
        ta->dn.data = (unsigned char *)r->dn;
        ta->dn.len = r->dn_len;
        ta->flags = BR_X509_TA_CA;
        if (r->curve) {
            ta->pkey.key_type = BR_KEYTYPE_EC;
            ta->pkey.key.ec.curve = r->curve;
            ta->pkey.key.ec.q = (unsigned char *)r->k1;
            ta->pkey.key.ec.qlen = r->k1_len;
        } else {
            ta->pkey.key_type = BR_KEYTYPE_RSA;
            ta->pkey.key.rsa.n = (unsigned char *)r->k1;
            ta->pkey.key.rsa.nlen = r->k1_len;
            ta->pkey.key.rsa.e = (unsigned char *)r->k2;
            ta->pkey.key.rsa.elen = r->k2_len;
        }
    }
}
/* ---- END google_roots ---- */

/* by BearSSL's certificate error code (BR_ERR_X509_ left out of the comments) */
static const char gemini__x509_reasons[] =
    "\x23" "server sent no certificate\0"                                /* 35 EMPTY_CHAIN */
    "\x31" "certificate uses an unsupported algorithm\0"                 /* 49 UNSUPPORTED */
    "\x34" "certificate signature is invalid\0"                          /* 52 BAD_SIGNATURE */
    "\x35" "certificate time cannot be checked (no clock)\0"             /* 53 TIME_UNKNOWN */
    "\x36" "certificate expired or not yet valid\0"                      /* 54 EXPIRED */
    "\x37" "certificate chain is out of order\0"                         /* 55 DN_MISMATCH */
    "\x38" "certificate does not match the host name\0"                  /* 56 BAD_SERVER_NAME */
    "\x39" "certificate has an unsupported critical extension\0"         /* 57 CRITICAL_EXTENSION */
    "\x3A" "an issuer in the chain is not a CA\0"                        /* 58 NOT_CA */
    "\x3B" "certificate key usage forbids TLS\0"                         /* 59 FORBIDDEN_KEY_USAGE */
    "\x3C" "certificate key too weak\0"                                  /* 60 WEAK_PUBLIC_KEY */
    "\x3E" "certificate not issued by a trusted authority\0";            /* 62 NOT_TRUSTED */

static const char *gemini__x509_reason(int e)
{
    return gemini__message(gemini__x509_reasons, e, "certificate could not be decoded");
}

static int gemini__client_fail(gemini_client *c, int err, const char *detail)
{
    if (c->err) return c->err;
    c->err = err;
    if (detail) snprintf(c->message, sizeof c->message, "%s: %s", gemini_strerror(err), detail);
    else snprintf(c->message, sizeof c->message, "%s", gemini_strerror(err));
    return err;
}

/* The engine closed: a clean close is end of input, anything else an error with its reason. */
static int gemini__tls_closed(gemini_client *c, int io_err)
{
    int e = br_ssl_engine_last_error(&c->ssl.eng);
    char detail[96];
    if (io_err) return gemini__client_fail(c, io_err, NULL);
    if (e == BR_ERR_OK) {               /* close_notify: end of input */
        c->peer_closed = 1;
        return -1;
    }
    if (e >= BR_ERR_X509_OK && e <= BR_ERR_X509_NOT_TRUSTED)
        return gemini__client_fail(c, GEMINI_ERR_CERT, gemini__x509_reason(e));
    if (e & BR_ERR_RECV_FATAL_ALERT)
        snprintf(detail, sizeof detail, "server sent alert %d", e & 255);
    else if (e & BR_ERR_SEND_FATAL_ALERT) snprintf(detail, sizeof detail, "sent alert %d", e & 255);
    else snprintf(detail, sizeof detail, "BearSSL error %d", e);
    return gemini__client_fail(c, GEMINI_ERR_TLS, detail);
}

static long long gemini__now_ms(void);

/* How long the next wait may take: the idle timeout, cut by the total deadline. */
static long gemini__wait_ms(gemini_client *c, long limit)
{
    if (c->deadline_ms) {
        long long left = c->deadline_ms - gemini__now_ms();
        if (left <= 0) return 0;
        if (limit < 0 || left < limit) limit = (long)left;
    }
    return limit;
}

/* The parser's callback: notes that events came, and passes them on. */
static int gemini__client_event(void *user, const gemini_event *ev)
{
    gemini_client *c = (gemini_client *)user;
    c->idle_due = 1;
    return c->fn ? c->fn(c->user, ev) : 0;
}

/* Receives TLS bytes for the engine. Before waiting for the network after events came, says
   GEMINI_EVENT_IDLE (learning that it would wait takes one read that does not wait). */
static long gemini__client_recv(gemini_client *c, unsigned char *buf, size_t len, long wait)
{
    if (c->idle_due) {
        gemini_event ev;
        long n = c->transport.recv(c->transport.ctx, buf, len, 0);
        if (n != -GEMINI_ERR_TIMEOUT) return n;
        c->idle_due = 0;
        gemini__json_event(&c->parser.json, &ev, GEMINI_EVENT_IDLE, "", 0);
        if (c->fn && c->fn(c->user, &ev) != 0) return -GEMINI_ERR_CANCELLED;
    }
    return c->transport.recv(c->transport.ctx, buf, len, wait);
}

/* Runs the TLS engine until it can take or give application data (`want`). Returns GEMINI_OK,
   -1 when the input ended, or an error. */
static int gemini__tls_pump(gemini_client *c, unsigned want)
{
    br_ssl_engine_context *eng = &c->ssl.eng;
    for (;;) {
        unsigned st = br_ssl_engine_current_state(eng);
        size_t len;
        unsigned char *buf;
        long n, wait = gemini__wait_ms(c, c->cfg.idle_timeout_ms);
        if (c->cfg.interrupt && *c->cfg.interrupt)
            return gemini__client_fail(c, GEMINI_ERR_CANCELLED, NULL);
        if (st & BR_SSL_CLOSED) return gemini__tls_closed(c, 0);
        if (st & BR_SSL_SENDREC) {
            buf = br_ssl_engine_sendrec_buf(eng, &len);
            n = wait == 0 ? -GEMINI_ERR_TIMEOUT
                          : c->transport.send(c->transport.ctx, buf, len, wait);
            if (n <= 0) return gemini__tls_closed(c, n < 0 ? (int)-n : GEMINI_ERR_IO);
            br_ssl_engine_sendrec_ack(eng, (size_t)n);
            continue;
        }
        if (st & want) return GEMINI_OK;
        if (!(st & BR_SSL_RECVREC)) return gemini__client_fail(c, GEMINI_ERR_TLS, "engine stalled");
        buf = br_ssl_engine_recvrec_buf(eng, &len);
        n = wait == 0 ? -GEMINI_ERR_TIMEOUT : gemini__client_recv(c, buf, len, wait);
        if (n == 0) {                   /* TCP closed without close_notify: framing decides */
            c->peer_closed = 1;
            return -1;
        }
        if (n < 0) return gemini__tls_closed(c, (int)-n);
        br_ssl_engine_recvrec_ack(eng, (size_t)n);
    }
}

static int gemini__tls_write(gemini_client *c, const void *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    while (len > 0) {
        size_t room, n;
        unsigned char *buf;
        int err = gemini__tls_pump(c, BR_SSL_SENDAPP);
        if (err) return err < 0 ? gemini__client_fail(c, GEMINI_ERR_IO, "connection closed") : err;
        buf = br_ssl_engine_sendapp_buf(&c->ssl.eng, &room);
        n = len < room ? len : room;
        memcpy(buf, p, n);
        br_ssl_engine_sendapp_ack(&c->ssl.eng, n);
        p += n;
        len -= n;
    }
    return GEMINI_OK;
}

static int gemini__tls_flush(gemini_client *c)
{
    int err;
    br_ssl_engine_flush(&c->ssl.eng, 0);
    err = gemini__tls_pump(c, BR_SSL_SENDAPP);
    return err < 0 ? gemini__client_fail(c, GEMINI_ERR_IO, "connection closed") : err;
}

static const char *gemini__alpn[1] = {"http/1.1"};

#ifndef GEMINI_TLS_FULL
#ifdef __SIZEOF_INT128__
#define GEMINI__X25519_OWN 1
__extension__ typedef unsigned __int128 gemini__u128;

#define GEMINI__CRYPTO_OWN 1
/* ---- Montgomery arithmetic: X25519, P-256, P-384 and RSA ----
   Numbers as 64-bit limbs, low limb first, below an odd modulus m of n limbs, in Montgomery
   form (a 2^64n mod m) where the comment says so. Everything runs in constant time: carries
   and borrows become masks, so no value decides a branch or an address and the same code
   serves the ECDHE secret and the public signature checks. It replaces BearSSL's X25519, RSA,
   ECDSA and prime-curve codes (about 11 KB of the static CLI, and slower: BearSSL 0.6 as
   Debian ships it has 31-bit versions only); this is the TLS profile's one big-number code. */
#define GEMINI__LIMBS_MAX 64                        /* RSA up to 4096 bits, as BearSSL's */
typedef struct gemini__mont {
    const uint64_t *m;          /* the odd modulus, above 1, its top limb not zero */
    int n;                      /* its limbs */
    uint64_t m0;                /* -1/m mod 2^64 */
} gemini__mont;

/* r = t - m when t + hi 2^64n >= m (hi, a carry out of the top limb, is 0 or 1), else r = t.
   Returns 1 when m was taken off. */
static uint64_t gemini__mn_reduce(const gemini__mont *f, uint64_t *r, const uint64_t *t,
                                  uint64_t hi)
{
    uint64_t borrow = 0, mask;
    int i;
    for (i = 0; i < f->n; i++) borrow = (uint64_t)(((gemini__u128)t[i] - f->m[i] - borrow) >> 127);
    mask = 0 - ((borrow ^ 1) | hi);                 /* all ones: t - m it is */
    borrow = 0;
    for (i = 0; i < f->n; i++) {
        gemini__u128 v = (gemini__u128)t[i] - (f->m[i] & mask) - borrow;
        r[i] = (uint64_t)v;
        borrow = (uint64_t)(v >> 127);
    }
    return mask & 1;
}

static void gemini__mn_add(const gemini__mont *f, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    gemini__u128 c = 0;
    int i;
    for (i = 0; i < f->n; i++) {
        c += (gemini__u128)a[i] + b[i];
        r[i] = (uint64_t)c;
        c >>= 64;
    }
    gemini__mn_reduce(f, r, r, (uint64_t)c);
}

static void gemini__mn_sub(const gemini__mont *f, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t borrow = 0, mask;
    gemini__u128 c = 0;
    int i;
    for (i = 0; i < f->n; i++) {
        gemini__u128 v = (gemini__u128)a[i] - b[i] - borrow;
        r[i] = (uint64_t)v;
        borrow = (uint64_t)(v >> 127);
    }
    mask = 0 - borrow;                              /* below zero: m goes back on */
    for (i = 0; i < f->n; i++) {
        c += (gemini__u128)r[i] + (f->m[i] & mask);
        r[i] = (uint64_t)c;
        c >>= 64;
    }
}

/* r = a b / 2^64n mod m, word by word; r may be a or b. */
static void gemini__mn_mul(const gemini__mont *f, uint64_t *r, const uint64_t *a, const uint64_t *b)
{
    uint64_t t[GEMINI__LIMBS_MAX + 1], hi = 0;      /* t + hi 2^64n stays below 2m */
    const uint64_t *m = f->m;
    int i, j, n = f->n;
    for (j = 0; j <= n; j++) t[j] = 0;
    for (i = 0; i < n; i++) {
        gemini__u128 c = 0;
        uint64_t q;
        for (j = 0; j < n; j++) {
            c += (gemini__u128)a[j] * b[i] + t[j];
            t[j] = (uint64_t)c;
            c >>= 64;
        }
        c += hi;
        t[n] = (uint64_t)c;
        hi = (uint64_t)(c >> 64);
        q = t[0] * f->m0;                           /* makes the low limb zero */
        c = ((gemini__u128)q * m[0] + t[0]) >> 64;
        for (j = 1; j < n; j++) {
            c += (gemini__u128)q * m[j] + t[j];
            t[j - 1] = (uint64_t)c;
            c >>= 64;
        }
        c += t[n];
        t[n - 1] = (uint64_t)c;
        hi += (uint64_t)(c >> 64);
    }
    gemini__mn_reduce(f, r, t, hi);
}

/* r = a^e, a and r in Montgomery form; the exponent (en limbs, not zero) is public: its bits
   decide which products are made. */
static void gemini__mn_pow(const gemini__mont *f, uint64_t *r, const uint64_t *a,
                           const uint64_t *e, int en)
{
    uint64_t t[GEMINI__LIMBS_MAX];
    int i = 64 * en - 1;
    while (!(e[i >> 6] >> (i & 63) & 1)) i--;
    memcpy(t, a, (size_t)f->n * sizeof t[0]);
    while (--i >= 0) {
        gemini__mn_mul(f, t, t, t);
        if (e[i >> 6] >> (i & 63) & 1) gemini__mn_mul(f, t, t, a);
    }
    memcpy(r, t, (size_t)f->n * sizeof t[0]);
}

/* r = 1 / a (Fermat: a^(m - 2), m prime), in Montgomery form. */
static void gemini__mn_invert(const gemini__mont *f, uint64_t *r, const uint64_t *a)
{
    uint64_t e[GEMINI__LIMBS_MAX];
    memcpy(e, f->m, (size_t)f->n * sizeof e[0]);
    e[0] -= 2;                                      /* our primes' low limbs are above 2 */
    gemini__mn_pow(f, r, a, e, f->n);
}

/* The modulus's constants: m0, one = 2^64n mod m (1 in Montgomery form) and r2 = 2^128n mod m
   (what takes a number into Montgomery form). */
static void gemini__mn_init(gemini__mont *f, const uint64_t *m, int n, uint64_t *one, uint64_t *r2)
{
    uint64_t inv = m[0], k = 64 * (uint64_t)n;
    int i, top = 64 * n - 1;
    f->m = m;
    f->n = n;
    for (i = 0; i < 5; i++) inv *= 2 - m[0] * inv;  /* Newton: 1/m mod 2^64 */
    f->m0 = 0 - inv;
    while (!(m[top >> 6] >> (top & 63) & 1)) top--;
    memset(one, 0, (size_t)n * sizeof one[0]);
    one[top >> 6] = (uint64_t)1 << (top & 63);      /* 2^top < m, doubled up to 2^64n */
    for (i = top; i < 64 * n; i++) gemini__mn_add(f, one, one, one);
    gemini__mn_add(f, r2, one, one);                /* 2, in Montgomery form, */
    gemini__mn_pow(f, r2, r2, &k, 1);               /* to the power 64n */
}

/* len big-endian bytes into n limbs (len <= 8n), and back: the same bytes read whatever the
   value, so a secret scalar passes through safely. */
static void gemini__mn_decode(uint64_t *r, int n, const unsigned char *b, size_t len)
{
    size_t i;
    memset(r, 0, (size_t)n * sizeof r[0]);
    for (i = 0; i < len; i++) r[(len - 1 - i) >> 3] |= (uint64_t)b[i] << (8 * ((len - 1 - i) & 7));
}

static void gemini__mn_encode(unsigned char *b, size_t len, const uint64_t *a)
{
    size_t i;
    for (i = 0; i < len; i++) b[i] = (unsigned char)(a[(len - 1 - i) >> 3] >> (8 * ((len - 1 - i) & 7)));
}

static int gemini__mn_is_zero(int n, const uint64_t *a)
{
    uint64_t any = 0;
    int i;
    for (i = 0; i < n; i++) any |= a[i];
    return any == 0;
}

/* Straight-line formulas as programs over a file of registers (field elements): each step is
   an operation, its destination and its two sources: 4 bytes a step, where a call takes about
   20, and the table reads as the formula it comes from. */
enum { GEMINI__MUL, GEMINI__ADD, GEMINI__SUB };
#define GEMINI__OP(op, d, a, b) {GEMINI__##op, GEMINI__##d, GEMINI__##a, GEMINI__##b}
#define GEMINI__LIMBS 6
typedef uint64_t gemini__fe[GEMINI__LIMBS];     /* a field element: n limbs used, n <= 6 */

static void gemini__mn_run(const gemini__mont *f, gemini__fe *reg, const unsigned char (*step)[4],
                           size_t steps)
{
    size_t i;
    for (i = 0; i < steps; i++) {
        const unsigned char *s = step[i];
        if (s[0] == GEMINI__MUL) gemini__mn_mul(f, reg[s[1]], reg[s[2]], reg[s[3]]);
        else if (s[0] == GEMINI__ADD) gemini__mn_add(f, reg[s[1]], reg[s[2]], reg[s[3]]);
        else gemini__mn_sub(f, reg[s[1]], reg[s[2]], reg[s[3]]);
    }
}

/* The registers of the X25519 ladder's rung, then those of the complete point addition. */
enum { GEMINI__X1, GEMINI__X2, GEMINI__Z2, GEMINI__X3, GEMINI__Z3, GEMINI__A24, GEMINI__LA,
       GEMINI__LAA, GEMINI__LB, GEMINI__LBB, GEMINI__LE, GEMINI__LC, GEMINI__LD, GEMINI__LDA,
       GEMINI__LCB, GEMINI__LADDER_REGS };
enum { GEMINI__PX, GEMINI__PY, GEMINI__PZ, GEMINI__QX, GEMINI__QY, GEMINI__QZ, GEMINI__B,
       GEMINI__T0, GEMINI__T1, GEMINI__T2, GEMINI__T3, GEMINI__T4,
       GEMINI__RX, GEMINI__RY, GEMINI__RZ, GEMINI__ADD_REGS };

/* ---- X25519 (RFC 7748) ----
   The key exchange Google's endpoints choose: the Montgomery ladder over the Montgomery
   arithmetic above (p = 2^255 - 19 in four limbs), with a masked swap, so the secret scalar
   decides no branch and no address. Same interface as BearSSL's X25519 codes: the scalar is 32
   bytes, little-endian, clamped as the RFC says; order() is 2^255 - 1, for any 32 bytes make a
   key. */
static const uint64_t gemini__p25519[4] = {
    0xFFFFFFFFFFFFFFEDu, 0xFFFFFFFFFFFFFFFFu, 0xFFFFFFFFFFFFFFFFu, 0x7FFFFFFFFFFFFFFFu};

/* 32 bytes between little-endian (X25519's order) and big-endian (gemini__mn_decode's). */
static void gemini__reverse32(unsigned char *out, const unsigned char *in)
{
    int i;
    for (i = 0; i < 32; i++) out[i] = in[31 - i];
}

static void gemini__mn_swap(int n, uint64_t *a, uint64_t *b, uint64_t bit)
{
    uint64_t mask = 0 - bit, t;
    int i;
    for (i = 0; i < n; i++) {
        t = mask & (a[i] ^ b[i]);
        a[i] ^= t;
        b[i] ^= t;
    }
}

static uint32_t gemini__x25519_mul(unsigned char *G, size_t Glen, const unsigned char *x,
                                   size_t xlen, int curve)
{
    /* One rung of the ladder (RFC 7748, 5): (x2 : z2) doubled, (x3 : z3) becomes the sum of
       the two, whose difference is the point x1. */
    static const unsigned char rung[][4] = {
        GEMINI__OP(ADD, LA, X2, Z2),    GEMINI__OP(MUL, LAA, LA, LA),   GEMINI__OP(SUB, LB, X2, Z2),
        GEMINI__OP(MUL, LBB, LB, LB),   GEMINI__OP(SUB, LE, LAA, LBB),  GEMINI__OP(ADD, LC, X3, Z3),
        GEMINI__OP(SUB, LD, X3, Z3),    GEMINI__OP(MUL, LDA, LD, LA),   GEMINI__OP(MUL, LCB, LC, LB),
        GEMINI__OP(ADD, X3, LDA, LCB),  GEMINI__OP(MUL, X3, X3, X3),    GEMINI__OP(SUB, Z3, LDA, LCB),
        GEMINI__OP(MUL, Z3, Z3, Z3),    GEMINI__OP(MUL, Z3, Z3, X1),    GEMINI__OP(MUL, X2, LAA, LBB),
        GEMINI__OP(MUL, Z2, A24, LE),   GEMINI__OP(ADD, Z2, Z2, LAA),   GEMINI__OP(MUL, Z2, Z2, LE)};
    static const gemini__fe a24 = {121665};
    gemini__mont f;
    gemini__fe reg[GEMINI__LADDER_REGS], r2;
    unsigned char k[32], b[32], zero = 0;
    uint64_t swap = 0;
    int i;
    (void)curve;
    if (Glen != 32 || xlen > 32) return 0;
    memset(k, 0, sizeof k);
    memcpy(k, x, xlen);
    k[0] &= 248;                                    /* clamped (RFC 7748, 5) */
    k[31] = (unsigned char)((k[31] & 127) | 64);
    memset(reg, 0, sizeof reg);
    gemini__mn_init(&f, gemini__p25519, 4, reg[GEMINI__X2], r2);
    gemini__reverse32(b, G);
    b[0] &= 127;                                    /* the top bit is ignored */
    gemini__mn_decode(reg[GEMINI__X1], 4, b, 32);
    gemini__mn_reduce(&f, reg[GEMINI__X1], reg[GEMINI__X1], 0);     /* u may be p or more */
    gemini__mn_mul(&f, reg[GEMINI__X1], reg[GEMINI__X1], r2);
    gemini__mn_mul(&f, reg[GEMINI__A24], a24, r2);
    memcpy(reg[GEMINI__X3], reg[GEMINI__X1], sizeof reg[0]);
    memcpy(reg[GEMINI__Z3], reg[GEMINI__X2], sizeof reg[0]);        /* x2 = z3 = 1, z2 = 0 */
    for (i = 254; i >= 0; i--) {
        uint64_t bit = (uint64_t)(k[i >> 3] >> (i & 7) & 1);
        swap ^= bit;                                /* masked: no branch on the secret */
        gemini__mn_swap(4, reg[GEMINI__X2], reg[GEMINI__X3], swap);
        gemini__mn_swap(4, reg[GEMINI__Z2], reg[GEMINI__Z3], swap);
        swap = bit;
        gemini__mn_run(&f, reg, rung, sizeof rung / sizeof rung[0]);
    }
    gemini__mn_swap(4, reg[GEMINI__X2], reg[GEMINI__X3], swap);
    gemini__mn_swap(4, reg[GEMINI__Z2], reg[GEMINI__Z3], swap);
    gemini__mn_invert(&f, reg[GEMINI__Z2], reg[GEMINI__Z2]);
    gemini__mn_mul(&f, reg[GEMINI__X2], reg[GEMINI__X2], reg[GEMINI__Z2]);
    memset(reg[GEMINI__Z2], 0, sizeof reg[0]);
    reg[GEMINI__Z2][0] = 1;
    gemini__mn_mul(&f, reg[GEMINI__X2], reg[GEMINI__X2], reg[GEMINI__Z2]);  /* out of the form */
    gemini__mn_encode(b, 32, reg[GEMINI__X2]);
    gemini__reverse32(G, b);
    for (i = 0; i < 32; i++) zero |= G[i];
    return (uint32_t)(zero + 0xFFu) >> 8;           /* 0 for an all-zero secret (RFC 8422) */
}

static const unsigned char gemini__x25519_base[32] = {9};
static const unsigned char gemini__x25519_order[32] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static const unsigned char *gemini__x25519_generator(int curve, size_t *len)
{
    (void)curve;
    *len = 32;
    return gemini__x25519_base;
}

static const unsigned char *gemini__x25519_order_of(int curve, size_t *len)
{
    (void)curve;
    *len = 32;
    return gemini__x25519_order;
}

static size_t gemini__x25519_xoff(int curve, size_t *len)
{
    (void)curve;
    *len = 32;
    return 0;
}

static size_t gemini__x25519_mulgen(unsigned char *R, const unsigned char *x, size_t xlen,
                                    int curve)
{
    memcpy(R, gemini__x25519_base, 32);
    return gemini__x25519_mul(R, 32, x, xlen, curve) ? 32 : 0;
}

static uint32_t gemini__x25519_muladd(unsigned char *A, const unsigned char *B, size_t len,
                                      const unsigned char *x, size_t xlen,
                                      const unsigned char *y, size_t ylen, int curve)
{
    (void)A, (void)B, (void)len, (void)x, (void)xlen, (void)y, (void)ylen, (void)curve;
    return 0;                                       /* no signatures on this curve */
}

static const br_ec_impl gemini__x25519 = {
    (uint32_t)1 << BR_EC_curve25519, gemini__x25519_generator, gemini__x25519_order_of,
    gemini__x25519_xoff, gemini__x25519_mul, gemini__x25519_mulgen, gemini__x25519_muladd};


/* ---- P-256 and P-384 ----
   The key exchange when a server will not take X25519, and every ECDSA check (Google's chain
   is P-256 under a P-384 root). Points in projective coordinates (X : Y : Z), added with the
   complete formula of Renes, Costello and Batina (2015, algorithm 4, a = -3): one formula for
   every pair of points, the equal, the opposite and the infinite included, so a scalar
   multiplication is the same sequence of operations whatever the scalar. */
typedef struct gemini__pcurve {
    int curve;                  /* BR_EC_secp256r1 or BR_EC_secp384r1 */
    int n;                      /* limbs */
    gemini__fe p, b;            /* the field's prime and the curve's b (y^2 = x^3 - 3x + b) */
    const unsigned char *g;     /* the generator, 04 || x || y */
    const unsigned char *order; /* 8n bytes, big-endian */
} gemini__pcurve;
typedef struct gemini__pfield {
    gemini__mont f;
    const gemini__pcurve *c;
    gemini__fe one, r2, b;      /* 1, 2^128n mod p, and b, in Montgomery form */
} gemini__pfield;
typedef struct gemini__pt {
    gemini__fe x, y, z;         /* (x / z, y / z); z = 0 is the point at infinity */
} gemini__pt;

static const unsigned char gemini__p256_g[65] = {
    4,
    0x6B, 0x17, 0xD1, 0xF2, 0xE1, 0x2C, 0x42, 0x47, 0xF8, 0xBC, 0xE6, 0xE5, 0x63, 0xA4, 0x40, 0xF2,
    0x77, 0x03, 0x7D, 0x81, 0x2D, 0xEB, 0x33, 0xA0, 0xF4, 0xA1, 0x39, 0x45, 0xD8, 0x98, 0xC2, 0x96,
    0x4F, 0xE3, 0x42, 0xE2, 0xFE, 0x1A, 0x7F, 0x9B, 0x8E, 0xE7, 0xEB, 0x4A, 0x7C, 0x0F, 0x9E, 0x16,
    0x2B, 0xCE, 0x33, 0x57, 0x6B, 0x31, 0x5E, 0xCE, 0xCB, 0xB6, 0x40, 0x68, 0x37, 0xBF, 0x51, 0xF5};
static const unsigned char gemini__p256_order[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51};
static const unsigned char gemini__p384_g[97] = {
    4,
    0xAA, 0x87, 0xCA, 0x22, 0xBE, 0x8B, 0x05, 0x37, 0x8E, 0xB1, 0xC7, 0x1E, 0xF3, 0x20, 0xAD, 0x74,
    0x6E, 0x1D, 0x3B, 0x62, 0x8B, 0xA7, 0x9B, 0x98, 0x59, 0xF7, 0x41, 0xE0, 0x82, 0x54, 0x2A, 0x38,
    0x55, 0x02, 0xF2, 0x5D, 0xBF, 0x55, 0x29, 0x6C, 0x3A, 0x54, 0x5E, 0x38, 0x72, 0x76, 0x0A, 0xB7,
    0x36, 0x17, 0xDE, 0x4A, 0x96, 0x26, 0x2C, 0x6F, 0x5D, 0x9E, 0x98, 0xBF, 0x92, 0x92, 0xDC, 0x29,
    0xF8, 0xF4, 0x1D, 0xBD, 0x28, 0x9A, 0x14, 0x7C, 0xE9, 0xDA, 0x31, 0x13, 0xB5, 0xF0, 0xB8, 0xC0,
    0x0A, 0x60, 0xB1, 0xCE, 0x1D, 0x7E, 0x81, 0x9D, 0x7A, 0x43, 0x1D, 0x7C, 0x90, 0xEA, 0x0E, 0x5F};
static const unsigned char gemini__p384_order[48] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37, 0x2D, 0xDF,
    0x58, 0x1A, 0x0D, 0xB2, 0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC, 0xC5, 0x29, 0x73};

static const gemini__pcurve gemini__p256 = {
    BR_EC_secp256r1, 4,
    {0xFFFFFFFFFFFFFFFFu, 0x00000000FFFFFFFFu, 0, 0xFFFFFFFF00000001u, 0, 0},
    {0x3BCE3C3E27D2604Bu, 0x651D06B0CC53B0F6u, 0xB3EBBD55769886BCu, 0x5AC635D8AA3A93E7u, 0, 0},
    gemini__p256_g, gemini__p256_order};
static const gemini__pcurve gemini__p384 = {
    BR_EC_secp384r1, 6,
    {0x00000000FFFFFFFFu, 0xFFFFFFFF00000000u, 0xFFFFFFFFFFFFFFFEu, 0xFFFFFFFFFFFFFFFFu,
     0xFFFFFFFFFFFFFFFFu, 0xFFFFFFFFFFFFFFFFu},
    {0x2A85C8EDD3EC2AEFu, 0xC656398D8A2ED19Du, 0x0314088F5013875Au, 0x181D9C6EFE814112u,
     0x988E056BE3F82D19u, 0xB3312FA7E23EE7E4u},
    gemini__p384_g, gemini__p384_order};

static const gemini__pcurve *gemini__pcurve_of(int curve)
{
    return curve == BR_EC_secp256r1 ? &gemini__p256 : curve == BR_EC_secp384r1 ? &gemini__p384 : NULL;
}

static void gemini__pfield_init(gemini__pfield *pf, const gemini__pcurve *c)
{
    memset(pf, 0, sizeof *pf);
    pf->c = c;
    gemini__mn_init(&pf->f, c->p, c->n, pf->one, pf->r2);
    gemini__mn_mul(&pf->f, pf->b, c->b, pf->r2);
}

/* An uncompressed point (04 || x || y), both coordinates below p, on the curve; the cofactor
   is 1, so every such point is in the group. */
static int gemini__pt_decode(const gemini__pfield *pf, gemini__pt *p, const unsigned char *b)
{
    const gemini__mont *f = &pf->f;
    gemini__fe lhs, rhs;
    size_t len = 8 * (size_t)f->n;
    gemini__mn_decode(p->x, f->n, b + 1, len);
    gemini__mn_decode(p->y, f->n, b + 1 + len, len);
    if (b[0] != 4 || gemini__mn_reduce(f, lhs, p->x, 0) || gemini__mn_reduce(f, lhs, p->y, 0))
        return 0;
    gemini__mn_mul(f, p->x, p->x, pf->r2);
    gemini__mn_mul(f, p->y, p->y, pf->r2);
    memcpy(p->z, pf->one, sizeof p->z);
    gemini__mn_mul(f, lhs, p->y, p->y);                             /* y^2 = x^3 - 3x + b */
    gemini__mn_mul(f, rhs, p->x, p->x);
    gemini__mn_sub(f, rhs, rhs, pf->one);
    gemini__mn_sub(f, rhs, rhs, pf->one);
    gemini__mn_sub(f, rhs, rhs, pf->one);
    gemini__mn_mul(f, rhs, rhs, p->x);
    gemini__mn_add(f, rhs, rhs, pf->b);
    return memcmp(lhs, rhs, (size_t)f->n * sizeof lhs[0]) == 0;
}

/* The point as 04 || x || y; 0 at infinity, which has no such form. */
static int gemini__pt_encode(const gemini__pfield *pf, unsigned char *b, const gemini__pt *p)
{
    static const gemini__fe one = {1};
    const gemini__mont *f = &pf->f;
    gemini__fe zi, t;
    size_t len = 8 * (size_t)f->n;
    gemini__mn_invert(f, zi, p->z);
    gemini__mn_mul(f, t, p->x, zi);
    gemini__mn_mul(f, t, t, one);                   /* out of Montgomery form */
    gemini__mn_encode(b + 1, len, t);
    gemini__mn_mul(f, t, p->y, zi);
    gemini__mn_mul(f, t, t, one);
    gemini__mn_encode(b + 1 + len, len, t);
    b[0] = 4;
    return !gemini__mn_is_zero(f->n, p->z);
}

static void gemini__pt_infinity(const gemini__pfield *pf, gemini__pt *p)
{
    memset(p, 0, sizeof *p);
    memcpy(p->y, pf->one, sizeof p->y);             /* (0 : 1 : 0) */
}

/* The complete addition: r = p + q for any two points; r may be p or q. */
static void gemini__pt_add(const gemini__pfield *pf, gemini__pt *r, const gemini__pt *p,
                           const gemini__pt *q)
{
    static const unsigned char program[][4] = {
        GEMINI__OP(MUL, T0, PX, QX), GEMINI__OP(MUL, T1, PY, QY), GEMINI__OP(MUL, T2, PZ, QZ),
        GEMINI__OP(ADD, T3, PX, PY), GEMINI__OP(ADD, T4, QX, QY), GEMINI__OP(MUL, T3, T3, T4),
        GEMINI__OP(ADD, T4, T0, T1), GEMINI__OP(SUB, T3, T3, T4), GEMINI__OP(ADD, T4, PY, PZ),
        GEMINI__OP(ADD, RX, QY, QZ), GEMINI__OP(MUL, T4, T4, RX), GEMINI__OP(ADD, RX, T1, T2),
        GEMINI__OP(SUB, T4, T4, RX), GEMINI__OP(ADD, RX, PX, PZ), GEMINI__OP(ADD, RY, QX, QZ),
        GEMINI__OP(MUL, RX, RX, RY), GEMINI__OP(ADD, RY, T0, T2), GEMINI__OP(SUB, RY, RX, RY),
        GEMINI__OP(MUL, RZ, B, T2),  GEMINI__OP(SUB, RX, RY, RZ), GEMINI__OP(ADD, RZ, RX, RX),
        GEMINI__OP(ADD, RX, RX, RZ), GEMINI__OP(SUB, RZ, T1, RX), GEMINI__OP(ADD, RX, T1, RX),
        GEMINI__OP(MUL, RY, B, RY),  GEMINI__OP(ADD, T1, T2, T2), GEMINI__OP(ADD, T2, T1, T2),
        GEMINI__OP(SUB, RY, RY, T2), GEMINI__OP(SUB, RY, RY, T0), GEMINI__OP(ADD, T1, RY, RY),
        GEMINI__OP(ADD, RY, T1, RY), GEMINI__OP(ADD, T1, T0, T0), GEMINI__OP(ADD, T0, T1, T0),
        GEMINI__OP(SUB, T0, T0, T2), GEMINI__OP(MUL, T1, T4, RY), GEMINI__OP(MUL, T2, T0, RY),
        GEMINI__OP(MUL, RY, RX, RZ), GEMINI__OP(ADD, RY, RY, T2), GEMINI__OP(MUL, RX, T3, RX),
        GEMINI__OP(SUB, RX, RX, T1), GEMINI__OP(MUL, RZ, T4, RZ), GEMINI__OP(MUL, T1, T3, T0),
        GEMINI__OP(ADD, RZ, RZ, T1)};
    gemini__fe reg[GEMINI__ADD_REGS];
    memcpy(reg[GEMINI__PX], p, sizeof *p);
    memcpy(reg[GEMINI__QX], q, sizeof *q);
    memcpy(reg[GEMINI__B], pf->b, sizeof pf->b);
    gemini__mn_run(&pf->f, reg, program, sizeof program / sizeof program[0]);
    memcpy(r, reg[GEMINI__RX], sizeof *r);
}

/* r = kx a + ky b (scalars of n limbs), two bits of each at a time from the top: double
   twice, then add one of the sixteen i a + j b (i, j below 4; infinity among them), picked
   with masks. */
static void gemini__pt_mul2(const gemini__pfield *pf, gemini__pt *r, const gemini__pt *a,
                            const uint64_t *kx, const gemini__pt *b, const uint64_t *ky)
{
    gemini__pt table[16], pick;                     /* table[i + 4j] = i a + j b */
    int i, j, k;
    gemini__pt_infinity(pf, &table[0]);
    for (i = 1; i < 16; i++) gemini__pt_add(pf, &table[i], &table[i & 3 ? i - 1 : i - 4], i & 3 ? a : b);
    *r = table[0];
    for (i = 64 * pf->f.n - 2; i >= 0; i -= 2) {
        uint64_t sel = (kx[i >> 6] >> (i & 63) & 3) | (ky[i >> 6] >> (i & 63) & 3) << 2;
        gemini__pt_add(pf, r, r, r);
        gemini__pt_add(pf, r, r, r);
        memset(&pick, 0, sizeof pick);
        for (j = 0; j < 16; j++) {
            uint64_t mask = 0 - ((((uint64_t)j ^ sel) - 1) >> 63);  /* all ones when j = sel */
            for (k = 0; k < GEMINI__LIMBS; k++) {
                pick.x[k] |= table[j].x[k] & mask;
                pick.y[k] |= table[j].y[k] & mask;
                pick.z[k] |= table[j].z[k] & mask;
            }
        }
        gemini__pt_add(pf, r, r, &pick);
    }
}

/* The br_ec_impl calls for P-256 and P-384. mul() and mulgen() take the ECDHE secret: a scalar
   of at most 8n bytes, below the order (as BearSSL's callers ensure). */
static uint32_t gemini__pcurve_mul(const gemini__pcurve *c, unsigned char *G, size_t Glen,
                                   const unsigned char *x, size_t xlen)
{
    gemini__pfield pf;
    gemini__pt a, none, r;
    gemini__fe k, zero = {0};
    gemini__pfield_init(&pf, c);
    if (Glen != 1 + 16 * (size_t)c->n || xlen > 8 * (size_t)c->n || !gemini__pt_decode(&pf, &a, G))
        return 0;
    gemini__mn_decode(k, c->n, x, xlen);
    gemini__pt_infinity(&pf, &none);
    gemini__pt_mul2(&pf, &r, &a, k, &none, zero);
    return (uint32_t)gemini__pt_encode(&pf, G, &r);
}

/* A = x A + y B (B NULL: the generator), for signature checks: public data only. Scalars of at
   most 8n bytes and not zero, as documented (BearSSL's codes answer a wrong point there). */
static uint32_t gemini__pcurve_muladd(const gemini__pcurve *c, unsigned char *A,
                                      const unsigned char *B, size_t len, const unsigned char *x,
                                      size_t xlen, const unsigned char *y, size_t ylen)
{
    gemini__pfield pf;
    gemini__pt a, b, r;
    gemini__fe kx, ky;
    size_t clen = 8 * (size_t)c->n;
    gemini__pfield_init(&pf, c);
    if (len != 1 + 2 * clen || xlen > clen || ylen > clen) return 0;
    gemini__mn_decode(kx, c->n, x, xlen);
    gemini__mn_decode(ky, c->n, y, ylen);
    if (gemini__mn_is_zero(c->n, kx) || gemini__mn_is_zero(c->n, ky)
        || !gemini__pt_decode(&pf, &a, A) || !gemini__pt_decode(&pf, &b, B ? B : c->g))
        return 0;
    gemini__pt_mul2(&pf, &r, &a, kx, &b, ky);
    return (uint32_t)gemini__pt_encode(&pf, A, &r);
}

/* One INTEGER of an ECDSA signature, in strict DER: a short length (a signature on P-384
   takes at most 104 bytes), positive, no leading zero but the one before a high bit. Returns
   its value's bytes (that zero skipped) and moves *in past it; NULL otherwise. */
static const unsigned char *gemini__sig_int(const unsigned char **in, const unsigned char *end,
                                            size_t *len)
{
    const unsigned char *p = *in;
    size_t n;
    if (end - p < 3 || p[0] != 0x02 || p[1] == 0 || p[1] >= 0x80) return NULL;
    n = p[1];
    if (n > (size_t)(end - p - 2) || p[2] >= 0x80 || (p[2] == 0 && (n == 1 || p[3] < 0x80)))
        return NULL;
    *in = p + 2 + n;
    *len = n - (p[2] == 0);
    return p + 2 + (p[2] == 0);
}

/* ECDSA (ANSI X9.62; FIPS 186-4, 6.4): the signature is the DER SEQUENCE of r and s, each in
   [1, n - 1]; the hash is cut to the order's length; the check is that the x of
   (e/s) G + (r/s) Q is r mod n. The contract of BearSSL's br_ecdsa_vrfy (ASN.1 form). */
static uint32_t gemini__ecdsa_vrfy(const br_ec_impl *impl, const void *hash, size_t hash_len,
                                   const br_ec_public_key *pk, const void *sig, size_t sig_len)
{
    const gemini__pcurve *c = gemini__pcurve_of(pk->curve);
    gemini__mont f;
    const unsigned char *in = (const unsigned char *)sig, *end = in + sig_len, *r, *s;
    size_t rlen, slen;
    gemini__fe n, one, r2, rv, sv, e, w, t;
    unsigned char u1[48], u2[48], q[97];
    size_t clen;
    (void)impl;
    if (!c || pk->qlen != 1 + 16 * (size_t)c->n) return 0;
    clen = 8 * (size_t)c->n;
    if (sig_len < 2 || sig_len > 129 || in[0] != 0x30 || in[1] != sig_len - 2) return 0;  /* short */
    in += 2;
    if (!(r = gemini__sig_int(&in, end, &rlen)) || !(s = gemini__sig_int(&in, end, &slen))
        || in != end || rlen > clen || slen > clen) return 0;
    gemini__mn_decode(n, c->n, c->order, clen);
    gemini__mn_init(&f, n, c->n, one, r2);
    gemini__mn_decode(rv, c->n, r, rlen);
    gemini__mn_decode(sv, c->n, s, slen);
    gemini__mn_decode(e, c->n, (const unsigned char *)hash, hash_len < clen ? hash_len : clen);
    if (gemini__mn_is_zero(c->n, rv) || gemini__mn_is_zero(c->n, sv)
        || gemini__mn_reduce(&f, t, rv, 0) || gemini__mn_reduce(&f, t, sv, 0)) return 0;
    gemini__mn_reduce(&f, e, e, 0);                 /* e < 2^8clen < 2n */
    gemini__mn_mul(&f, w, sv, r2);
    gemini__mn_invert(&f, w, w);                    /* 1/s, in Montgomery form */
    gemini__mn_mul(&f, t, e, w);                    /* times a plain number: a plain number */
    gemini__mn_encode(u1, clen, t);
    gemini__mn_mul(&f, t, rv, w);
    gemini__mn_encode(u2, clen, t);
    memcpy(q, pk->q, pk->qlen);                     /* (r/s) Q + (e/s) G */
    if (!gemini__pcurve_muladd(c, q, NULL, pk->qlen, u2, clen, u1, clen)) return 0;
    gemini__mn_decode(t, c->n, q + 1, clen);
    gemini__mn_reduce(&f, t, t, 0);                 /* x < p < 2n */
    return memcmp(t, rv, clen) == 0;
}

/* PKCS #1 v1.5 (RFC 8017, 9.2): em = 00 01 FF..FF 00 T, at least eight FF, where T is the
   hash alone when hash_oid is NULL, else its DigestInfo, with or without the NULL parameters.
   hash_oid is BearSSL's form: its length, then the OID. */
static uint32_t gemini__pkcs1_unpad(const unsigned char *em, size_t len,
                                    const unsigned char *hash_oid, size_t hash_len,
                                    unsigned char *hash_out)
{
    unsigned char head[40];
    size_t hlen = 0, tlen, i;
    int params;
    for (params = 2; params >= 0; params -= 2) {    /* 05 00, or nothing */
        if (hash_oid) {
            size_t olen = hash_oid[0], inner = 2 + olen + (size_t)params;
            if (olen > 24 || inner + 4 + hash_len > 127) return 0;
            head[0] = 0x30;
            head[1] = (unsigned char)(inner + 4 + hash_len);
            head[2] = 0x30;
            head[3] = (unsigned char)inner;
            head[4] = 0x06;
            memcpy(head + 5, hash_oid, olen + 1);
            hlen = 6 + olen;
            if (params) {
                head[hlen++] = 0x05;
                head[hlen++] = 0x00;
            }
            head[hlen++] = 0x04;
            head[hlen++] = (unsigned char)hash_len;
        }
        tlen = hlen + hash_len;
        if (len < tlen + 11 || em[0] != 0 || em[1] != 1 || em[len - tlen - 1] != 0) continue;
        for (i = 2; i < len - tlen - 1 && em[i] == 0xFF; i++) {}
        if (i == len - tlen - 1 && memcmp(em + i + 1, head, hlen) == 0) {
            memcpy(hash_out, em + len - hash_len, hash_len);
            return 1;
        }
    }
    return 0;
}

/* RSA signature check: x^e mod n, then the padding; the contract of BearSSL's
   br_rsa_pkcs1_vrfy. x has the modulus's length, leading zeros of n not counted. */
static uint32_t gemini__rsa_vrfy(const unsigned char *x, size_t xlen,
                                 const unsigned char *hash_oid, size_t hash_len,
                                 const br_rsa_public_key *pk, unsigned char *hash_out)
{
    uint64_t m[GEMINI__LIMBS_MAX], one[GEMINI__LIMBS_MAX], r2[GEMINI__LIMBS_MAX];
    uint64_t v[GEMINI__LIMBS_MAX], e[GEMINI__LIMBS_MAX];
    unsigned char em[8 * GEMINI__LIMBS_MAX];
    const unsigned char *np = pk->n, *ep = pk->e;
    size_t nlen = pk->nlen, elen = pk->elen;
    gemini__mont f;
    int n;
    while (nlen > 0 && *np == 0) np++, nlen--;
    while (elen > 0 && *ep == 0) ep++, elen--;
    if (nlen < 2 || nlen > sizeof em || xlen != nlen || !(np[nlen - 1] & 1) || elen == 0
        || elen > nlen) return 0;
    n = (int)((nlen + 7) / 8);
    gemini__mn_decode(m, n, np, nlen);
    gemini__mn_init(&f, m, n, one, r2);
    gemini__mn_decode(v, n, x, xlen);
    if (gemini__mn_reduce(&f, e, v, 0)) return 0;   /* x >= n */
    gemini__mn_decode(e, n, ep, elen);
    gemini__mn_mul(&f, v, v, r2);
    gemini__mn_pow(&f, v, v, e, n);
    memset(e, 0, sizeof e);
    e[0] = 1;
    gemini__mn_mul(&f, v, v, e);                    /* out of Montgomery form */
    gemini__mn_encode(em, nlen, v);
    return gemini__pkcs1_unpad(em, nlen, hash_oid, hash_len, hash_out);
}

/* P-256 and P-384 as a br_ec_impl; the dispatcher below sends only those two curves here. */
static const unsigned char *gemini__prime_generator(int curve, size_t *len)
{
    const gemini__pcurve *c = gemini__pcurve_of(curve);
    *len = 1 + 16 * (size_t)c->n;
    return c->g;
}

static const unsigned char *gemini__prime_order(int curve, size_t *len)
{
    const gemini__pcurve *c = gemini__pcurve_of(curve);
    *len = 8 * (size_t)c->n;
    return c->order;
}

static size_t gemini__prime_xoff(int curve, size_t *len)
{
    *len = 8 * (size_t)gemini__pcurve_of(curve)->n;
    return 1;
}

static uint32_t gemini__prime_mul(unsigned char *G, size_t Glen, const unsigned char *x,
                                  size_t xlen, int curve)
{
    return gemini__pcurve_mul(gemini__pcurve_of(curve), G, Glen, x, xlen);
}

static size_t gemini__prime_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
    const gemini__pcurve *c = gemini__pcurve_of(curve);
    size_t len = 1 + 16 * (size_t)c->n;
    memcpy(R, c->g, len);
    return gemini__pcurve_mul(c, R, len, x, xlen) ? len : 0;
}

static uint32_t gemini__prime_muladd(unsigned char *A, const unsigned char *B, size_t len,
                                     const unsigned char *x, size_t xlen, const unsigned char *y,
                                     size_t ylen, int curve)
{
    return gemini__pcurve_muladd(gemini__pcurve_of(curve), A, B, len, x, xlen, y, ylen);
}

static const br_ec_impl gemini__prime = {
    (uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1, gemini__prime_generator,
    gemini__prime_order, gemini__prime_xoff, gemini__prime_mul, gemini__prime_mulgen,
    gemini__prime_muladd};
#endif /* __SIZEOF_INT128__ */

/* Only what Google's endpoints need, one implementation of each, so the linker drops the rest of
   BearSSL (CBC, 3DES, RSA key exchange, the portable AES, the spare Poly1305, its big-number
   codes):
   - TLS 1.2, ECDHE with ECDSA or RSA certificates, SHA-256/384;
   - AES-GCM where the CPU has AES-NI and carry-less multiply, the fastest suite there; ChaCha20-
     Poly1305 always, the only suite offered on CPUs without them (constant-time and fast in C,
     where a portable AES is neither), with BearSSL's portable code on every CPU: its SSE2 code
     would be a second ChaCha20, for x86 CPUs that nearly all take AES-GCM;
   - the key exchange on X25519, P-256 or P-384, and RSA and ECDSA (P-256, P-384) signature
     checks, all with the code above.
   GEMINI_TLS_SMALL is the smallest profile, for devices: ChaCha20-Poly1305 alone, with BearSSL's
   portable constant-time code; 8 KB less code. Google's endpoints offer it.
   Without 128-bit integers (32-bit targets) BearSSL's X25519, P-256, generic prime-curve, RSA
   and ECDSA codes take the place of ours.
   Define GEMINI_TLS_FULL for BearSSL's everything-included client profile instead. */
static const br_ec_impl *gemini__ec_for(int curve)
{
#ifdef GEMINI__CRYPTO_OWN
    return curve == BR_EC_curve25519 ? &gemini__x25519 : &gemini__prime;
#else
    return curve == BR_EC_curve25519 ? &br_ec_c25519_m31
         : curve == BR_EC_secp256r1 ? &br_ec_p256_m31 : &br_ec_prime_i31;
#endif
}

static const unsigned char *gemini__ec_generator(int curve, size_t *len)
{
    return gemini__ec_for(curve)->generator(curve, len);
}

static const unsigned char *gemini__ec_order(int curve, size_t *len)
{
    return gemini__ec_for(curve)->order(curve, len);
}

static size_t gemini__ec_xoff(int curve, size_t *len)
{
    return gemini__ec_for(curve)->xoff(curve, len);
}

static uint32_t gemini__ec_mul(unsigned char *g, size_t glen, const unsigned char *x, size_t xlen,
                               int curve)
{
    return gemini__ec_for(curve)->mul(g, glen, x, xlen, curve);
}

static size_t gemini__ec_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
    return gemini__ec_for(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t gemini__ec_muladd(unsigned char *a, const unsigned char *b, size_t len,
                                  const unsigned char *x, size_t xlen, const unsigned char *y,
                                  size_t ylen, int curve)
{
    return gemini__ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl gemini__ec = {
    (uint32_t)1 << BR_EC_curve25519 | (uint32_t)1 << BR_EC_secp256r1 |
        (uint32_t)1 << BR_EC_secp384r1,
    gemini__ec_generator, gemini__ec_order, gemini__ec_xoff, gemini__ec_mul, gemini__ec_mulgen,
    gemini__ec_muladd
};

static void gemini__tls_profile(gemini_client *c)
{
    /* RSA certificates first: a server that has both (Google's do) and follows the client's
       order then sends an RSA chain, whose three signature checks take about 1.5 ms here,
       where Google's ECDSA chain (P-256, P-256, then a P-384 root) takes about 6 ms. */
    static const uint16_t suites[] = {
        BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
    };
    enum { AES_SUITES = 4 };
    br_ssl_engine_context *eng = &c->ssl.eng;
    br_x509_minimal_context *xc = &c->x509;
#ifdef GEMINI_TLS_SMALL
    const br_block_ctr_class *aes = NULL;           /* ChaCha20-Poly1305 alone */
    br_ghash ghash = 0;
#else
    const br_block_ctr_class *aes = br_aes_x86ni_ctr_get_vtable();
    br_ghash ghash = br_ghash_pclmul_get();
#endif
#ifdef GEMINI__CRYPTO_OWN
    br_rsa_pkcs1_vrfy rsa = gemini__rsa_vrfy;
    br_ecdsa_vrfy ecdsa = gemini__ecdsa_vrfy;
#else
    br_rsa_pkcs1_vrfy rsa = br_rsa_i31_pkcs1_vrfy;
    br_ecdsa_vrfy ecdsa = br_ecdsa_i31_vrfy_asn1;
#endif
    int aes_gcm = aes != NULL && ghash != 0;
    br_ssl_client_zero(&c->ssl);
    br_ssl_engine_set_versions(eng, BR_TLS12, BR_TLS12);
    br_ssl_engine_set_suites(eng, suites + (aes_gcm ? 0 : AES_SUITES),
                             sizeof suites / sizeof suites[0] - (aes_gcm ? 0 : AES_SUITES));
    br_ssl_engine_set_ec(eng, &gemini__ec);
    br_ssl_engine_set_rsavrfy(eng, rsa);
    br_ssl_engine_set_ecdsa(eng, ecdsa);
    br_ssl_engine_set_hash(eng, br_sha256_ID, &br_sha256_vtable);
    br_ssl_engine_set_hash(eng, br_sha384_ID, &br_sha384_vtable);
    br_ssl_engine_set_prf_sha256(eng, &br_tls12_sha256_prf);
    br_ssl_engine_set_prf_sha384(eng, &br_tls12_sha384_prf);
    if (aes_gcm) {
        br_ssl_engine_set_gcm(eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
        br_ssl_engine_set_aes_ctr(eng, aes);
        br_ssl_engine_set_ghash(eng, ghash);
    }
    br_ssl_engine_set_chapol(eng, &br_sslrec_in_chapol_vtable, &br_sslrec_out_chapol_vtable);
    br_ssl_engine_set_chacha20(eng, &br_chacha20_ct_run);
    br_ssl_engine_set_poly1305(eng, &br_poly1305_ctmul_run);
    br_x509_minimal_init(xc, &br_sha256_vtable, c->ta, c->ta_count);
    br_x509_minimal_set_hash(xc, br_sha256_ID, &br_sha256_vtable);
    br_x509_minimal_set_hash(xc, br_sha384_ID, &br_sha384_vtable);
    br_x509_minimal_set_rsa(xc, rsa);
    br_x509_minimal_set_ecdsa(xc, &gemini__ec, ecdsa);
    br_ssl_engine_set_x509(eng, &xc->vtable);
}
#endif

/* A fresh TLS client on a new connection, resuming the last session when there is one. */
static int gemini__tls_start(gemini_client *c)
{
    br_ssl_engine_context *eng = &c->ssl.eng;
#ifdef GEMINI_TLS_FULL
    br_ssl_client_init_full(&c->ssl, &c->x509, c->ta, c->ta_count);
#else
    gemini__tls_profile(c);
#endif
    /* One half-duplex buffer: HTTP/1.1 sends the request, then reads the answer, so input and
       output can share it. A small separate output buffer would cost more and make BearSSL ask
       the server for small records (max_fragment_length), which Google ignores anyway. */
    br_ssl_engine_set_buffer(eng, c->iobuf, sizeof c->iobuf, 0);
    br_ssl_engine_set_protocol_names(eng, gemini__alpn, 1);
    if (c->cfg.clock) {
        long long t = c->cfg.clock(c->cfg.clock_user);
        br_x509_minimal_set_time(&c->x509, (uint32_t)(t / 86400 + 719528), (uint32_t)(t % 86400));
    }
    if (c->cfg.entropy) br_ssl_engine_inject_entropy(eng, c->cfg.entropy, c->cfg.entropy_len);
    if (c->have_session) br_ssl_engine_set_session_parameters(eng, &c->session);
    if (!br_ssl_client_reset(&c->ssl, c->host, c->have_session)) return gemini__tls_closed(c, 0);
    return GEMINI_OK;
}

/* ---- trust anchors from PEM (the one place that allocates, at init) ----
   Our own readers of just what an anchor needs, with the rules of BearSSL's PEM and X.509
   decoders (pemdec.t0, x509_decoder.t0): those two take 6 KB of a static build, these readers
   about 3.5 KB at -Os (most of it the checks BearSSL makes, which keep the same certificates
   loading and the same ones skipped). Two deliberate differences: a CR is dropped wherever it
   stands (BearSSL keeps it in a BEGIN line's name, so it read "CERTIFICATE-----" there and
   skipped every certificate of a CRLF file), and an object without its END line is an error
   (BearSSL waits for the rest and reports nothing). */

typedef struct gemini__buf { unsigned char *data; size_t len, cap; int oom; } gemini__buf;

static void gemini__buf_add(void *ctx, const void *data, size_t len)
{
    gemini__buf *b = (gemini__buf *)ctx;
    if (b->oom || len == 0) return;                     /* nothing to add: data may stay NULL */
    if (len > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 1024;
        unsigned char *p;
        while (cap - b->len < len) {
            if (cap > (size_t)-1 / 2) { b->oom = 1; return; }
            cap *= 2;
        }
        p = (unsigned char *)realloc(b->data, cap);
        if (!p) { b->oom = 1; return; }
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}


/* DER bytes still to read: [p, end). */
typedef struct gemini__der { const unsigned char *p, *end; } gemini__der;

/* What a trust anchor takes from a certificate; the pointers point into its DER. */
typedef struct gemini__cert {
    gemini__der dn;             /* the subject Name, tag and length included */
    gemini__der k1, k2;         /* RSA: n and e without leading zeros; EC: the point, k2 empty */
    int key_type, curve, is_ca;
} gemini__cert;

/* OIDs, each its length then its DER contents */
static const unsigned char gemini__oid_rsa[] = {9, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 1, 1, 1};
static const unsigned char gemini__oid_ec[] = {7, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 2, 1};
static const unsigned char gemini__oid_p256[] = {8, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 3, 1, 7};
static const unsigned char gemini__oid_p384[] = {5, 0x2B, 0x81, 0x04, 0x00, 0x22};
static const unsigned char gemini__oid_p521[] = {5, 0x2B, 0x81, 0x04, 0x00, 0x23};
static const unsigned char gemini__oid_basic[] = {3, 0x55, 0x1D, 0x13};  /* basicConstraints */

/* The tag byte a BearSSL decoder accepts: universal or context class, tag number below 31. */
static int gemini__der_tag_ok(unsigned tag) { return !(tag & 0x40) && (tag & 0x1F) != 0x1F; }

/* Reads one element: *val gets its contents, *in moves past it. The length is definite, below
   2^31 and within *in (long forms may have leading zeros, as BearSSL allows). Returns the tag
   byte, or -1. */
static int gemini__der_next(gemini__der *in, gemini__der *val)
{
    size_t len, n;
    unsigned tag;
    if (in->end - in->p < 2) return -1;
    tag = in->p[0];
    len = in->p[1];
    in->p += 2;
    if (!gemini__der_tag_ok(tag) || len == 0x80) return -1;
    if (len > 0x80) {
        for (n = len - 0x80, len = 0; n > 0; n--) {
            if (in->p == in->end || len > 0x7FFFFF) return -1;
            len = len << 8 | *in->p++;
        }
    }
    if (len > (size_t)(in->end - in->p)) return -1;
    val->p = in->p;
    val->end = in->p + len;
    in->p = val->end;
    return (int)tag;
}

/* Like gemini__der_next, 0x100 when *in is used up. */
static int gemini__der_next_or_end(gemini__der *in, gemini__der *val)
{
    return in->p == in->end ? 0x100 : gemini__der_next(in, val);
}

static int gemini__der_get(gemini__der *in, int tag, gemini__der *val)
{
    return gemini__der_next(in, val) == tag;
}

static int gemini__der_is(const gemini__der *v, const unsigned char *oid)
{
    return (size_t)(v->end - v->p) == oid[0] && memcmp(v->p, oid + 1, oid[0]) == 0;
}

/* A BIT STRING of whole bytes: its first byte (the unused-bit count) must be 0, and is skipped. */
static int gemini__der_bits(gemini__der *in, gemini__der *v)
{
    if (!gemini__der_get(in, 0x03, v) || v->p == v->end || *v->p != 0) return 0;
    v->p++;
    return 1;
}

/* A non-negative INTEGER, its leading zero bytes dropped (BearSSL's form of n and e). */
static int gemini__der_uint(gemini__der *in, gemini__der *v)
{
    if (!gemini__der_get(in, 0x02, v) || v->p == v->end || *v->p >= 0x80) return 0;
    while (v->p < v->end && *v->p == 0) v->p++;
    return 1;
}

static int gemini__is_digit(int ch) { return ch >= '0' && ch <= '9'; }

/* A UTCTime (YYMMDDHHMMSS) or GeneralizedTime (YYYYMMDDHHMMSS) as BearSSL checks it: every
   field in range, the day within its month, second 60 allowed, optional fractional seconds,
   then 'Z' and nothing more. */
static int gemini__der_time(gemini__der *in)
{
    static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    static const unsigned char lo[5] = {1, 1, 0, 0, 0}, hi[5] = {12, 31, 23, 59, 60};
    gemini__der t;
    int tag = gemini__der_next(in, &t), f[7], i, n = tag == 0x18 ? 7 : 6, year;
    if (tag != 0x17 && tag != 0x18) return 0;
    for (i = 0; i < n; i++, t.p += 2) {
        if (t.end - t.p < 2 || !gemini__is_digit(t.p[0]) || !gemini__is_digit(t.p[1])) return 0;
        f[i] = (t.p[0] - '0') * 10 + t.p[1] - '0';
    }
    year = n == 7 ? f[0] * 100 + f[1] : f[0] < 50 ? 2000 + f[0] : 1900 + f[0];
    for (i = 0; i < 5; i++) {
        int v = f[n - 5 + i], max = hi[i];
        if (i == 1) max = mdays[f[n - 5] - 1] + (f[n - 5] == 2 && year % 4 == 0
                                                 && (year % 100 != 0 || year % 400 == 0));
        if (v < lo[i] || v > max) return 0;
    }
    if (t.p < t.end && *t.p == '.')
        for (t.p++; t.p < t.end && gemini__is_digit(*t.p); t.p++) {}
    return t.end - t.p == 1 && *t.p == 'Z';
}

/* subjectPublicKeyInfo: an RSA key, or an EC key on P-256, P-384 or P-521 (named curves only),
   of at most BR_X509_BUFSIZE_KEY bytes as in BearSSL's decoder. */
static int gemini__der_key(gemini__der *in, gemini__cert *ct)
{
    gemini__der spki, alg, oid, bits, seq;
    if (!gemini__der_get(in, 0x30, &spki) || !gemini__der_get(&spki, 0x30, &alg)
        || !gemini__der_get(&alg, 0x06, &oid)) return 0;
    ct->k2.p = ct->k2.end = alg.p;
    if (gemini__der_is(&oid, gemini__oid_rsa)) {      /* parameters ignored */
        if (!gemini__der_bits(&spki, &bits) || !gemini__der_get(&bits, 0x30, &seq)
            || bits.p != bits.end || !gemini__der_uint(&seq, &ct->k1)
            || !gemini__der_uint(&seq, &ct->k2) || seq.p != seq.end) return 0;
        ct->key_type = BR_KEYTYPE_RSA;
    } else if (gemini__der_is(&oid, gemini__oid_ec)) {
        if (!gemini__der_get(&alg, 0x06, &oid) || alg.p != alg.end) return 0;
        ct->curve = gemini__der_is(&oid, gemini__oid_p256) ? BR_EC_secp256r1
                  : gemini__der_is(&oid, gemini__oid_p384) ? BR_EC_secp384r1
                  : gemini__der_is(&oid, gemini__oid_p521) ? BR_EC_secp521r1 : 0;
        if (!ct->curve || !gemini__der_bits(&spki, &ct->k1)) return 0;
        ct->key_type = BR_KEYTYPE_EC;
    } else {
        return 0;
    }
    return spki.p == spki.end
        && (size_t)(ct->k1.end - ct->k1.p) + (size_t)(ct->k2.end - ct->k2.p) <= BR_X509_BUFSIZE_KEY;
}

/* basicConstraints: its cA BOOLEAN when that comes first. What follows is not read, as in
   BearSSL, which checks only the next tag byte. */
static int gemini__der_basic(gemini__der *in, int *is_ca)
{
    gemini__der bc, b;
    if (!gemini__der_get(in, 0x30, &bc) || in->p != in->end) return 0;
    if (bc.p == bc.end) return 1;
    if (*bc.p != 0x01) return gemini__der_tag_ok(*bc.p) && *bc.p != 0x21;  /* 0x21: not primitive */
    if (!gemini__der_get(&bc, 0x01, &b) || b.end - b.p != 1) return 0;
    *is_ca = *b.p != 0;
    return 1;
}

/* The end of tbsCertificate: optional issuerUniqueID [1], subjectUniqueID [2] and extensions
   [3]; the cA flag of the last basicConstraints that has one (FALSE without). */
static int gemini__der_exts(gemini__der *tbs, int *is_ca)
{
    gemini__der v, exts, ext, oid, val;
    int tag = gemini__der_next_or_end(tbs, &v);
    *is_ca = 0;
    if (tag == 0x81 || tag == 0xA1) tag = gemini__der_next_or_end(tbs, &v);
    if (tag == 0x82 || tag == 0xA2) tag = gemini__der_next_or_end(tbs, &v);
    if (tag != 0xA3) return tag == 0x100;
    if (!gemini__der_get(&v, 0x30, &exts) || v.p != v.end || tbs->p != tbs->end) return 0;
    while (exts.p < exts.end) {
        if (!gemini__der_get(&exts, 0x30, &ext) || !gemini__der_get(&ext, 0x06, &oid)) return 0;
        tag = gemini__der_next(&ext, &val);
        if (tag == 0x01) {                              /* critical */
            if (val.end - val.p != 1) return 0;
            tag = gemini__der_next(&ext, &val);
        }
        if (tag != 0x04 || ext.p != ext.end) return 0;
        if (gemini__der_is(&oid, gemini__oid_basic) && !gemini__der_basic(&val, is_ca)) return 0;
    }
    return 1;
}

/* Reads a certificate as BearSSL's decoder would accept it: the whole of der one Certificate,
   versions 1 to 3, valid times, a supported key, the signature's algorithm an OID first. */
static int gemini__cert_read(gemini__cert *ct, const unsigned char *der, size_t len)
{
    gemini__der in, cert, tbs, v, x;
    int tag;
    if (len < 2 || len > 0xFFFFFF) return 0;           /* BearSSL's size limit */
    in.p = der;
    in.end = der + len;
    if (!gemini__der_get(&in, 0x30, &cert) || in.p != in.end || !gemini__der_get(&cert, 0x30, &tbs))
        return 0;
    tag = gemini__der_next(&tbs, &v);
    if (tag == 0xA0) {                                  /* version: 0 to 2, leading zeros allowed */
        if (!gemini__der_get(&v, 0x02, &x) || v.p != v.end || x.p == x.end || x.end[-1] > 2) return 0;
        for (; x.p < x.end - 1; x.p++) if (*x.p) return 0;
        tag = gemini__der_next(&tbs, &v);
    }
    if (tag != 0x02 || !gemini__der_get(&tbs, 0x30, &v) || !gemini__der_get(&tbs, 0x30, &v))
        return 0;                                       /* serial, signature, issuer */
    if (!gemini__der_get(&tbs, 0x30, &v) || !gemini__der_time(&v) || !gemini__der_time(&v)
        || v.p != v.end) return 0;                      /* validity */
    ct->dn.p = tbs.p;
    if (!gemini__der_get(&tbs, 0x30, &v)) return 0;
    ct->dn.end = tbs.p;
    if (!gemini__der_key(&tbs, ct) || !gemini__der_exts(&tbs, &ct->is_ca)) return 0;
    if (!gemini__der_get(&cert, 0x30, &v) || !gemini__der_get(&v, 0x06, &x)
        || !gemini__der_bits(&cert, &x)) return 0;      /* signatureAlgorithm, signature */
    return cert.p == cert.end;
}

/* Decodes one DER certificate into a trust anchor whose DN and key share one allocation. A
   certificate we cannot read is skipped, as BearSSL's decoder would skip it. */
static int gemini__anchor_from_der(gemini_client *c, const unsigned char *der, size_t len)
{
    gemini__cert ct;
    br_x509_trust_anchor *ta, *grown;
    size_t dnlen, klen1, klen2;
    unsigned char *mem;
    if (!gemini__cert_read(&ct, der, len)) return GEMINI_OK;
    dnlen = (size_t)(ct.dn.end - ct.dn.p);
    klen1 = (size_t)(ct.k1.end - ct.k1.p);
    klen2 = (size_t)(ct.k2.end - ct.k2.p);
    grown = (br_x509_trust_anchor *)realloc(c->anchors, (c->anchor_count + 1) * sizeof *grown);
    mem = (unsigned char *)malloc(dnlen + klen1 + klen2);
    if (grown) c->anchors = grown;
    if (!grown || !mem) { free(mem); return GEMINI_ERR_NOMEM; }
    ta = &c->anchors[c->anchor_count++];
    ta->dn.data = (unsigned char *)memcpy(mem, ct.dn.p, dnlen);
    ta->dn.len = dnlen;
    ta->flags = ct.is_ca ? BR_X509_TA_CA : 0;
    ta->pkey.key_type = (unsigned char)ct.key_type;
    if (ct.key_type == BR_KEYTYPE_RSA) {
        ta->pkey.key.rsa.n = (unsigned char *)memcpy(mem + dnlen, ct.k1.p, klen1);
        ta->pkey.key.rsa.nlen = klen1;
        ta->pkey.key.rsa.e = (unsigned char *)memcpy(mem + dnlen + klen1, ct.k2.p, klen2);
        ta->pkey.key.rsa.elen = klen2;
    } else {
        ta->pkey.key.ec.curve = ct.curve;
        ta->pkey.key.ec.q = (unsigned char *)memcpy(mem + dnlen, ct.k1.p, klen1);
        ta->pkey.key.ec.qlen = klen1;
    }
    return GEMINI_OK;
}

/* PEM text still to read. Every CR is dropped, and the text ends with one LF, then -1. */
typedef struct gemini__pem { const char *p, *end; int ended; } gemini__pem;

static int gemini__pem_getc(gemini__pem *in)
{
    while (in->p < in->end) {
        unsigned char ch = (unsigned char)*in->p++;
        if (ch != '\r') return ch;
    }
    if (in->ended) return -1;
    in->ended = 1;
    return '\n';
}

/* The next byte that is not white space (LF is not). */
static int gemini__pem_nonspace(gemini__pem *in)
{
    int ch;
    do ch = gemini__pem_getc(in); while (ch >= 0 && ch <= ' ' && ch != '\n');
    return ch;
}

static void gemini__pem_skip_line(gemini__pem *in)
{
    int ch;
    do ch = gemini__pem_getc(in); while (ch >= 0 && ch != '\n');
}

/* Matches the text with s (lower case) in any case; a mismatch skips the rest of the line. */
static int gemini__pem_match(gemini__pem *in, const char *s)
{
    for (; *s; s++) {
        int ch = gemini__pem_getc(in);
        if (ch < 0 || ch == '\n') return 0;
        if (gemini__lower((char)ch) != *s) { gemini__pem_skip_line(in); return 0; }
    }
    return 1;
}

/* The rest of a line after "-----BEGIN ": 1 when it names a certificate, 0 for another object,
   -1 when the line is no BEGIN line (empty, or longer than BearSSL's 126 bytes). The name is
   read in any case, its trailing dashes dropped; a NUL ends it. */
static int gemini__pem_banner(gemini__pem *in)
{
    char name[128];
    size_t n = 0;
    int ch;
    while ((ch = gemini__pem_getc(in)) != '\n') {
        if (ch < 0) return -1;
        if (n == 126) { gemini__pem_skip_line(in); return -1; }
        name[n++] = (char)ch;
    }
    if (n == 0) return -1;
    while (n > 0 && name[n - 1] == '-') n--;
    name[n] = 0;
    n = strlen(name);
    return gemini__ieq(name, n, "certificate") || gemini__ieq(name, n, "x509 certificate");
}

static int gemini__base64(int ch)
{
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* Decodes a PEM body into der (NULL: not kept) through its "-----END " line, whose rest is not
   read. BearSSL's rules: a quartet stays on one line, white space may come between its
   characters, '=' padding must leave no stray bits and ends the body; after it only empty lines
   may come before END. Returns 0 on bad base64 or a missing END line. */
static int gemini__pem_body(gemini__pem *in, gemini__buf *der)
{
    int first = 1;                  /* at the start of a line: a '-' there begins END */
    for (;;) {
        unsigned long acc = 0;
        unsigned char out[3];
        int i, ch = gemini__pem_getc(in);
        if (ch == '-') break;
        if (ch >= 0 && ch <= ' ' && ch != '\n') ch = gemini__pem_nonspace(in);
        if (ch == '\n') { first = 1; continue; }
        for (i = 0; i < 4; ch = gemini__pem_nonspace(in)) {
            int v = gemini__base64(ch);
            if (i >= 2 && ch == '=') break;
            if (v < 0) return 0;
            acc = acc << 6 | (unsigned long)v;
            if (++i == 4) break;
        }
        out[0] = (unsigned char)(i == 4 ? acc >> 16 : i == 3 ? acc >> 10 : acc >> 4);
        out[1] = (unsigned char)(i == 4 ? acc >> 8 : acc >> 2);
        out[2] = (unsigned char)acc;
        if (der) gemini__buf_add(der, out, (size_t)i - 1);
        first = 0;
        if (i == 4) continue;
        if ((i == 2 && gemini__pem_nonspace(in) != '=') || gemini__pem_nonspace(in) != '\n'
            || (acc & (i == 2 ? 0x0Fu : 0x03u))) return 0;
        while ((ch = gemini__pem_getc(in)) == '\n') {}
        first = ch == '-';
        break;
    }
    if (!first || !gemini__pem_match(in, "----end ")) return 0;
    gemini__pem_skip_line(in);
    return 1;
}

static int gemini__load_pem(gemini_client *c, const char *pem, size_t len)
{
    gemini__pem in;
    gemini__buf der = {0, 0, 0, 0};
    int err = GEMINI_OK, cert;
    in.p = pem;
    in.end = pem + len;
    in.ended = 0;
    while (!err && (in.p < in.end || !in.ended)) {    /* one line outside the objects */
        if (!gemini__pem_match(&in, "-----begin ") || (cert = gemini__pem_banner(&in)) < 0) continue;
        der.len = 0;
        if (!gemini__pem_body(&in, cert ? &der : NULL)) err = GEMINI_ERR_TRUST;
        else if (cert && der.oom) err = GEMINI_ERR_NOMEM;
        else if (cert) err = gemini__anchor_from_der(c, der.data, der.len);
    }
    free(der.data);
    if (!err && c->anchor_count == 0) err = GEMINI_ERR_TRUST;
    return err;
}

static int gemini__load_pem_file(gemini_client *c, const char *path)
{
    gemini__buf all = {0, 0, 0, 0};
    char chunk[4096];
    size_t n;
    int err;
    FILE *f = fopen(path, "rb");
    if (!f) return GEMINI_ERR_TRUST;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) gemini__buf_add(&all, chunk, n);
    fclose(f);
    err = all.oom ? GEMINI_ERR_NOMEM : gemini__load_pem(c, (const char *)all.data, all.len);
    free(all.data);
    return err;
}

static int gemini__client_trust(gemini_client *c)
{
    int err = GEMINI_OK;
    if (c->cfg.ca_file) {
        err = gemini__load_pem_file(c, c->cfg.ca_file);
        if (err) return gemini__client_fail(c, err, c->cfg.ca_file);
    } else if (c->cfg.ca_pem) {
        err = gemini__load_pem(c, c->cfg.ca_pem, c->cfg.ca_pem_len);
        if (err) return gemini__client_fail(c, err, "PEM bundle");
    }
    if (c->anchor_count) {
        c->ta = c->anchors;
        c->ta_count = c->anchor_count;
    } else if (c->cfg.trust_anchors && c->cfg.trust_anchor_count) {
        c->ta = c->cfg.trust_anchors;
        c->ta_count = c->cfg.trust_anchor_count;
    } else {
        gemini__google_roots_fill(c->builtin);
        c->ta = c->builtin;
        c->ta_count = GEMINI__GOOGLE_ROOTS_COUNT;
    }
    return GEMINI_OK;
}

/* ==== POSIX sockets ====================================================================== */
#ifndef GEMINI_NO_SOCKETS
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0                  /* macOS: SO_NOSIGPIPE is set on the socket instead */
#endif

static long long gemini__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready (timeout 0: only looks); EINTR is retried unless the caller's
   interrupt flag is set. Returns 1 ready, or minus an error. */
/* How long the next wait of a timed loop may be: what is left (in *left) of timeout_ms, which
   ends at `end` (timeout_ms < 0: no limit, -1), but at most 200 ms when an interrupt flag is to
   be watched, so that it is noticed soon. */
static long gemini__wait_slice(const gemini_socket *s, long long end, long timeout_ms, long *left)
{
    long wait;
    *left = timeout_ms < 0 ? -1 : (long)(end - gemini__now_ms());
    wait = timeout_ms >= 0 && *left < 0 ? 0 : *left;
    return s->interrupt && (wait < 0 || wait > 200) ? 200 : wait;
}

static int gemini__poll(gemini_socket *s, short events, long timeout_ms)
{
    long long end = timeout_ms < 0 ? 0 : gemini__now_ms() + timeout_ms;
    for (;;) {
        struct pollfd pfd;
        long left, wait = gemini__wait_slice(s, end, timeout_ms, &left);
        int r;
        pfd.fd = s->fd;
        pfd.events = events;
        pfd.revents = 0;
        r = poll(&pfd, 1, (int)wait);
        if (s->interrupt && *s->interrupt) return -GEMINI_ERR_CANCELLED;
        if (r > 0) return 1;
        if (r < 0 && errno != EINTR) return -GEMINI_ERR_IO;
        if (r == 0 && timeout_ms >= 0 && left <= wait) return -GEMINI_ERR_TIMEOUT;
    }
}

/* One address: non-blocking connect bounded by the timeout. */
static int gemini__connect_one(gemini_socket *s, const struct addrinfo *ai, long timeout_ms)
{
    int one = 1, soerr = 0, r;
    socklen_t len = sizeof soerr;
    s->fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (s->fd < 0) return GEMINI_ERR_CONNECT;
    fcntl(s->fd, F_SETFD, FD_CLOEXEC);
    fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
    setsockopt(s->fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
    setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) == 0) r = 1;
    else r = (errno == EINPROGRESS || errno == EINTR) ? gemini__poll(s, POLLOUT, timeout_ms)
                                                      : -GEMINI_ERR_CONNECT;
    if (r > 0 && getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0 && soerr == 0) {
        /* blocking from here: reads wait in recv (SO_RCVTIMEO), and the calls that must not
           wait say MSG_DONTWAIT */
        fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) & ~O_NONBLOCK);
        s->wait_ms = -2;
        return GEMINI_OK;
    }
    close(s->fd);
    s->fd = -1;
    return r < 0 && r != -GEMINI_ERR_IO ? -r : GEMINI_ERR_CONNECT;
}

static int gemini__sock_connect(void *ctx, const char *host, unsigned port, long timeout_ms)
{
    gemini_socket *s = (gemini_socket *)ctx;
    struct addrinfo hints, *list = NULL, *ai;
    char service[8];
    int err = GEMINI_ERR_CONNECT;
    s->ahead_pos = s->ahead_len = 0;
    s->drained = 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;        /* IPv6 and IPv4, in the resolver's order */
    hints.ai_socktype = SOCK_STREAM;
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(host, service, &hints, &list) != 0 || !list) return GEMINI_ERR_DNS;
    for (ai = list; ai; ai = ai->ai_next) {
        err = gemini__connect_one(s, ai, timeout_ms);
        if (err == GEMINI_OK || err == GEMINI_ERR_CANCELLED) break;
    }
    freeaddrinfo(list);
    return err;
}

/* Waits up to timeout_ms (< 0: no limit) for bytes and reads them into dst: one blocking recv
   bounded by SO_RCVTIMEO, where poll and then recv would be two calls. The timeout is set on
   the socket only when it changes (once per connection, unless a total timeout shortens it).
   Returns the bytes read, 0 at the end of the stream, or -error. */
static long gemini__recv_wait(gemini_socket *s, unsigned char *dst, size_t room, long timeout_ms)
{
    long long end = timeout_ms < 0 ? 0 : gemini__now_ms() + timeout_ms;
    for (;;) {
        long left, wait = gemini__wait_slice(s, end, timeout_ms, &left);
        ssize_t got;
        if (wait == 0) wait = 1;                    /* a 0 timeval would wait forever */
        if (wait != s->wait_ms) {
            struct timeval tv;
            tv.tv_sec = wait < 0 ? 0 : wait / 1000;
            tv.tv_usec = wait < 0 ? 0 : (wait % 1000) * 1000;
            if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0)
                return -GEMINI_ERR_IO;
            s->wait_ms = wait;
        }
        got = recv(s->fd, dst, room, 0);
        if (s->interrupt && *s->interrupt) return -GEMINI_ERR_CANCELLED;
        if (got >= 0) return (long)got;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -GEMINI_ERR_IO;
        if (errno != EINTR && timeout_ms >= 0 && left <= wait) return -GEMINI_ERR_TIMEOUT;
    }
}

/* Reads what is there, or waits for something: into buf when it is at least as big as the
   read-ahead, else into the read-ahead, from which the caller is then served. recv first: on a
   busy stream more has usually come while the last bytes were handled. Once a recv found
   nothing, the next call waits in recv. */
static long gemini__sock_recv(void *ctx, unsigned char *buf, size_t len, long timeout_ms)
{
    gemini_socket *s = (gemini_socket *)ctx;
    int direct = len >= sizeof s->ahead;
    unsigned char *dst = direct ? buf : s->ahead;
    size_t room = direct ? len : sizeof s->ahead, n = s->ahead_len - s->ahead_pos;
    long got = 0;
    if (n == 0) {
        if (!s->drained || timeout_ms == 0) {       /* a look without waiting */
            got = (long)recv(s->fd, dst, room, MSG_DONTWAIT);
            s->drained = got < 0;
            if (got < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -GEMINI_ERR_IO;
                if (timeout_ms == 0) return -GEMINI_ERR_TIMEOUT;
            }
        }
        if (s->drained) {
            got = gemini__recv_wait(s, dst, room, timeout_ms);
            if (got < 0) return got;
            s->drained = 0;
        }
        if (got == 0 || direct) return got;
        s->ahead_pos = 0;
        s->ahead_len = (size_t)got;
        n = (size_t)got;
    }
    if (n > len) n = len;
    memcpy(buf, s->ahead + s->ahead_pos, n);
    s->ahead_pos += n;
    return (long)n;
}

static long gemini__sock_send(void *ctx, const unsigned char *buf, size_t len, long timeout_ms)
{
    gemini_socket *s = (gemini_socket *)ctx;
    for (;;) {
        ssize_t n = send(s->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        int r;
        if (n > 0) return (long)n;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -GEMINI_ERR_IO;
        r = gemini__poll(s, POLLOUT, timeout_ms);
        if (r < 0) return r;
    }
}

static void gemini__sock_close(void *ctx)
{
    gemini_socket *s = (gemini_socket *)ctx;
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}
#else
static long long gemini__now_ms(void)
{
    return (long long)time(NULL) * 1000;
}
#endif /* GEMINI_NO_SOCKETS */

/* ==== client ============================================================================= */

/* https://host[:port][/prefix], host a name, IPv4 or [IPv6]. */
static int gemini__parse_url(gemini_client *c, const char *url)
{
    const char *h, *end, *port = NULL, *path;
    size_t hn;
    if (strlen(url) < 8 || memcmp(url, "https://", 8) != 0) return GEMINI_ERR_BAD_URL;
    h = url + 8;
    path = h + strcspn(h, "/?#");
    if (*path == '?' || *path == '#' || memchr(h, '@', (size_t)(path - h)))
        return GEMINI_ERR_BAD_URL;          /* no query, fragment or user info */
    if (*h == '[') {
        end = (const char *)memchr(h, ']', (size_t)(path - h));
        if (!end) return GEMINI_ERR_BAD_URL;
        h++;
        if (end[1] == ':') port = end + 2;
        else if (end + 1 != path) return GEMINI_ERR_BAD_URL;
    } else {
        end = (const char *)memchr(h, ':', (size_t)(path - h));
        if (end) port = end + 1;
        else end = path;
    }
    hn = (size_t)(end - h);
    if (hn == 0 || hn >= sizeof c->host || path[strcspn(path, "?# \t\r\n")] != '\0')
        return GEMINI_ERR_BAD_URL;
    memcpy(c->host, h, hn);
    c->host[hn] = '\0';
    c->port = 443;
    if (port) {
        unsigned long v = 0;
        const char *q;
        for (q = port; q < path; q++) {
            if (*q < '0' || *q > '9') return GEMINI_ERR_BAD_URL;
            v = v * 10 + (unsigned long)(*q - '0');
            if (v > 65535) return GEMINI_ERR_BAD_URL;
        }
        if (q == port || v == 0) return GEMINI_ERR_BAD_URL;
        c->port = (unsigned)v;
    }
    hn = strlen(path);
    while (hn > 0 && path[hn - 1] == '/') hn--;     /* "/prefix/" and "/prefix" are one */
    if (hn >= sizeof c->prefix) return GEMINI_ERR_BAD_URL;
    memcpy(c->prefix, path, hn);
    c->prefix[hn] = '\0';
    return GEMINI_OK;
}

static int gemini__check_key(const char *key)
{
    size_t i, n = key ? strlen(key) : 0;
    if (n == 0) return GEMINI_ERR_NO_KEY;
    if (n > 512) return GEMINI_ERR_USAGE;
    for (i = 0; i < n; i++)             /* a CR or LF would inject headers */
        if ((unsigned char)key[i] <= 0x20 || key[i] == 0x7f) return GEMINI_ERR_USAGE;
    return GEMINI_OK;
}

GEMINI_DEF int gemini_client_init(gemini_client *c, const gemini_config *cfg)
{
    int err;
    if (!c) return GEMINI_ERR_USAGE;
    memset(c, 0, offsetof(gemini_client, iobuf));
#ifndef GEMINI_NO_SOCKETS
    c->sock.fd = -1;
#endif
    if (!cfg) return gemini__client_fail(c, GEMINI_ERR_USAGE, "no config");
    c->cfg = *cfg;
    if (!c->cfg.base_url) c->cfg.base_url = "https://generativelanguage.googleapis.com";
    if (!c->cfg.api_version) c->cfg.api_version = "v1beta";
    if (c->cfg.connect_timeout_ms <= 0) c->cfg.connect_timeout_ms = 10000;
    if (c->cfg.idle_timeout_ms <= 0) c->cfg.idle_timeout_ms = 60000;
    err = gemini__check_key(c->cfg.api_key);
    if (err == GEMINI_ERR_USAGE)
        return gemini__client_fail(c, err, "API key has spaces or control characters");
    if (err) return gemini__client_fail(c, err, NULL);
    if (gemini__parse_url(c, c->cfg.base_url))
        return gemini__client_fail(c, GEMINI_ERR_BAD_URL, c->cfg.base_url);
    if (c->cfg.api_version[strcspn(c->cfg.api_version, "/?#% \t\r\n")] != '\0')
        return gemini__client_fail(c, GEMINI_ERR_USAGE, "bad API version");
    if (c->cfg.transport) {
        c->transport = *c->cfg.transport;
    } else {
#ifndef GEMINI_NO_SOCKETS
        c->sock.interrupt = c->cfg.interrupt;
        c->transport.ctx = &c->sock;
        c->transport.connect = gemini__sock_connect;
        c->transport.recv = gemini__sock_recv;
        c->transport.send = gemini__sock_send;
        c->transport.close = gemini__sock_close;
#else
        return gemini__client_fail(c, GEMINI_ERR_USAGE, "GEMINI_NO_SOCKETS needs a transport");
#endif
    }
    return gemini__client_trust(c);
}

static void gemini__client_disconnect(gemini_client *c)
{
    if (c->connected) c->transport.close(c->transport.ctx);
    c->connected = 0;
}

/* A new TCP connection with a TLS client on it (the handshake runs with the first write). */
static int gemini__client_connect(gemini_client *c)
{
    long wait = gemini__wait_ms(c, c->cfg.connect_timeout_ms);
    int err = wait == 0 ? GEMINI_ERR_TIMEOUT
                        : c->transport.connect(c->transport.ctx, c->host, c->port, wait);
    if (err) return gemini__client_fail(c, err, err == GEMINI_ERR_CANCELLED ? NULL : c->host);
    c->connected = 1;
    c->connections++;
    c->reused = 0;
    return gemini__tls_start(c);
}

/* Before reusing a kept connection: did the server close it while it was idle? A look at the
   socket that does not wait (timeout 0) tells, and also takes in a pending close_notify. */
static int gemini__client_alive(gemini_client *c)
{
    br_ssl_engine_context *eng = &c->ssl.eng;
    unsigned st = br_ssl_engine_current_state(eng);
    size_t len;
    unsigned char *buf;
    long n;
    if ((st & BR_SSL_CLOSED) || (st & BR_SSL_RECVAPP)) return 0;  /* closed, or stray bytes */
    if (!(st & BR_SSL_RECVREC)) return 1;
    buf = br_ssl_engine_recvrec_buf(eng, &len);
    n = c->transport.recv(c->transport.ctx, buf, len, 0);
    if (n == -GEMINI_ERR_TIMEOUT) return 1;   /* nothing to read: still open */
    if (n <= 0) return 0;
    br_ssl_engine_recvrec_ack(eng, (size_t)n);
    st = br_ssl_engine_current_state(eng);
    return !(st & BR_SSL_CLOSED) && !(st & BR_SSL_RECVAPP);
}

/* The handshake is over once application data can be sent: note the session for resumption. */
static int gemini__client_handshake(gemini_client *c)
{
    br_ssl_session_parameters before = c->session;
    int had = c->have_session;
    int err = gemini__tls_pump(c, BR_SSL_SENDAPP);
    if (err < 0) return gemini__client_fail(c, GEMINI_ERR_TLS, "connection closed in handshake");
    if (err) return err;
    br_ssl_engine_get_session_parameters(&c->ssl.eng, &c->session);
    c->resumed = had && before.session_id_len > 0
              && before.session_id_len == c->session.session_id_len
              && memcmp(before.session_id, c->session.session_id, before.session_id_len) == 0;
    c->have_session = 1;
    return GEMINI_OK;
}

/* What a request sends: a ready body, or a request to write as it goes. */
typedef struct gemini__body {
    const char *raw;
    size_t len;
    const gemini_request *req;
} gemini__body;

static int gemini__tls_sink(void *user, const char *data, size_t len)
{
    return gemini__tls_write((gemini_client *)user, data, len);
}

static int gemini__client_send(gemini_client *c, const char *model, const gemini__body *body)
{
    char head[1280];
    size_t n = gemini__request_head(c, model, body->len, head, sizeof head);
    int err;
    if (n == 0) return gemini__client_fail(c, GEMINI_ERR_USAGE, "request head too long");
    err = gemini__tls_write(c, head, n);
    memset(head, 0, sizeof head);       /* it held the key */
    if (!err && body->req) err = gemini_request_write(body->req, gemini__tls_sink, c);
    else if (!err) err = gemini__tls_write(c, body->raw, body->len);
    if (!err) err = gemini__tls_flush(c);
    return err;
}

/* Reads the response into the parser until it is complete, fails, or the input ends. */
static int gemini__client_receive(gemini_client *c, int *got_bytes)
{
    gemini_parser *p = &c->parser;
    for (;;) {
        size_t len;
        unsigned char *buf;
        int err = gemini__tls_pump(c, BR_SSL_RECVAPP);
        if (err < 0) return gemini_parser_finish(p);
        if (err) return err;
        buf = br_ssl_engine_recvapp_buf(&c->ssl.eng, &len);
        *got_bytes = 1;
        gemini_parser_feed(p, buf, len);
        br_ssl_engine_recvapp_ack(&c->ssl.eng, len);
        if (p->err || p->done) return p->err;
    }
}

/* The detail of a parser error for the client's message. */
static void gemini__client_outcome(gemini_client *c, int err)
{
    gemini_json *j = &c->parser.json;
    char detail[256];
    c->http_status = c->parser.head.status;
    if (err == GEMINI_ERR_API && j->saw_error) {
        snprintf(detail, sizeof detail, "HTTP %d %.31s: %.200s", j->http_status, j->err_status,
                 j->err_message);
        gemini__client_fail(c, err, detail);
    } else if (err == GEMINI_ERR_API) {
        snprintf(detail, sizeof detail, "HTTP %d %s", c->parser.head.status, c->parser.head.reason);
        gemini__client_fail(c, err, detail);
    } else if (err) {
        gemini__client_fail(c, err, NULL);
    }
}

/* One attempt on the current or a new connection. */
static int gemini__client_attempt(gemini_client *c, const char *model, const gemini__body *body,
                                  gemini_event_fn fn, void *user, int *got_bytes)
{
    int err;
    if (!c->connected) {
        err = gemini__client_connect(c);
        if (!err) err = gemini__client_handshake(c);
        if (err) return err;
    } else {
        c->reused = 1;
    }
    c->fn = fn;
    c->user = user;
    gemini_parser_init(&c->parser, (c->cfg.all_candidates ? GEMINI_PARSE_ALL_CANDIDATES : 0)
                       | (c->cfg.thought_signatures ? GEMINI_PARSE_SIGNATURES : 0),
                       gemini__client_event, c);
    err = gemini__client_send(c, model, body);
    if (!err) err = gemini__client_receive(c, got_bytes);
    return err;
}

static int gemini__client_run(gemini_client *c, const char *model, const gemini__body *body,
                              gemini_event_fn fn, void *user)
{
    const char *name = NULL;
    int err, got_bytes = 0, reuse;
    if (!c->transport.connect) return c->err ? c->err : GEMINI_ERR_USAGE;  /* init failed */
    c->err = GEMINI_OK;
    c->message[0] = '\0';
    c->http_status = 0;
    c->reused = c->resumed = 0;
    if (gemini__check_model(model, &name))
        return gemini__client_fail(c, GEMINI_ERR_BAD_MODEL, NULL);
    c->deadline_ms = c->cfg.total_timeout_ms > 0 ? gemini__now_ms() + c->cfg.total_timeout_ms : 0;
    if (c->connected && !gemini__client_alive(c)) gemini__client_disconnect(c);
    reuse = c->connected;
    c->peer_closed = c->idle_due = 0;
    err = gemini__client_attempt(c, name, body, fn, user, &got_bytes);
    if (err && reuse && !got_bytes && c->peer_closed) {
        /* the server closed the kept connection just as we used it (FIN or close_notify, no
           answer): it did not take the request, so one retry on a fresh connection is safe.
           A reset is not retried: the server may have read the request already. */
        gemini__client_disconnect(c);
        c->err = GEMINI_OK;
        c->message[0] = '\0';
        err = gemini__client_attempt(c, name, body, fn, user, &got_bytes);
    }
    if (err && !c->err) gemini__client_outcome(c, err);
    /* keep the connection only after a complete response that the server lets us reuse */
    if (!(c->parser.done && c->parser.body.done && c->parser.head.keep_alive
          && (err == GEMINI_OK || err == GEMINI_ERR_API)))
        gemini__client_disconnect(c);
    c->http_status = c->parser.head.status;
    return c->err = err;
}

GEMINI_DEF int gemini_stream(gemini_client *c, const char *model, const char *body, size_t len,
                             gemini_event_fn fn, void *user)
{
    gemini__body b;
    if (!c || (!body && len)) return GEMINI_ERR_USAGE;
    b.raw = body ? body : "";
    b.len = len;
    b.req = NULL;
    return gemini__client_run(c, model, &b, fn, user);
}

GEMINI_DEF int gemini_stream_request(gemini_client *c, const char *model, const gemini_request *req,
                                     gemini_event_fn fn, void *user)
{
    gemini__body b;
    if (!c) return GEMINI_ERR_USAGE;
    b.raw = NULL;
    b.req = req;
    if (gemini_request_size(req, &b.len))
        return gemini__client_fail(c, GEMINI_ERR_USAGE, "bad request");
    return gemini__client_run(c, model, &b, fn, user);
}

GEMINI_DEF const char *gemini_client_message(const gemini_client *c)
{
    if (!c) return gemini_strerror(GEMINI_ERR_USAGE);
    return c->message[0] ? c->message : gemini_strerror(c->err);
}

GEMINI_DEF void gemini_client_free(gemini_client *c)
{
    size_t i;
    if (!c) return;
    gemini__client_disconnect(c);
    for (i = 0; i < c->anchor_count; i++) free(c->anchors[i].dn.data);
    free(c->anchors);
    c->anchors = NULL;
    c->anchor_count = 0;
    c->transport.connect = NULL;
}

#endif /* GEMINI_STREAM_IMPLEMENTATION_DONE */
#endif /* GEMINI_STREAM_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License

Copyright (c) 2026 the gemini_stream.h authors

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
