# gemini_stream.h - build, test and demo. `make test` and `make demo` install BearSSL
# (Debian's libbearssl-dev) when it is missing.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c99 -Wall -Wextra -Wpedantic -Wconversion
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BUILD   := build
CORPUS  ?= ../shared/corpus
LIBS    := -lbearssl

EXAMPLES := $(BUILD)/gemini_stream $(BUILD)/chat $(BUILD)/raw_feed $(BUILD)/image \
            $(BUILD)/custom_transport $(BUILD)/custom_transport_nosock
TESTS    := $(BUILD)/unit_tests $(BUILD)/e2e_tests $(BUILD)/fault_tests $(BUILD)/conformance \
            $(BUILD)/tls_server $(BUILD)/jsonl_check $(BUILD)/gemini_stream_small \
            $(BUILD)/test_anchors $(BUILD)/test_curves
UNIT_SRC := tests/test_main.c tests/test_run.c tests/test_impl.c tests/test_http_head.c tests/test_body.c \
            tests/test_sse.c tests/test_json.c tests/test_parser.c tests/test_request.c

.PHONY: all deps test demo conformance check-valgrind clean
all: deps $(EXAMPLES) $(BUILD)/tls_server

# fuzzing (make fuzz, make fuzz-replay) and benchmarks (make bench) have their own rules
include tests/fuzz/fuzz.mk
include bench/bench.mk

deps:
	@sh tools/ensure_deps.sh

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/%: examples/%.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -I. -o $@ $< $(LIBS)

# the same example with the library's socket code left out: it brings its own transport
$(BUILD)/custom_transport_nosock: examples/custom_transport.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -DGEMINI_NO_SOCKETS -I. -o $@ $< $(LIBS)

# the CLI with the smallest TLS profile, which the CLI tests also run
$(BUILD)/gemini_stream_small: examples/gemini_stream.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) $(CFLAGS) -DGEMINI_TLS_SMALL -I. -o $@ $< $(LIBS)

$(BUILD)/jsonl_check: tests/jsonl_check.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g -I. -o $@ tests/jsonl_check.c $(LIBS)

$(BUILD)/tls_server: tests/tls_server.c | $(BUILD)
	$(CC) $(WARN) -O1 -g -o $@ $< $(LIBS)

$(BUILD)/unit_tests: $(UNIT_SRC) tests/test.h tests/split.h tests/json_reader.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ $(UNIT_SRC) $(LIBS)

# --wrap counts the heap calls the library makes (they are all in this translation unit)
$(BUILD)/e2e_tests: tests/test_e2e.c tests/test_run.c tests/test.h tests/server.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ tests/test_e2e.c tests/test_run.c \
	    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc $(LIBS)

$(BUILD)/fault_tests: tests/test_faults.c tests/test_run.c tests/test.h tests/server.h \
                      gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ tests/test_faults.c tests/test_run.c $(LIBS)

# the library's own trust-anchor readers and curve code, each against BearSSL's (the programs
# compile the implementation themselves, to reach its private functions)
$(BUILD)/test_anchors: tests/test_anchors.c tests/anchors_ref.h tests/test_run.c tests/test.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -Itests -o $@ tests/test_anchors.c tests/test_run.c $(LIBS)

$(BUILD)/test_curves: tests/test_curves.c tests/ecdsa_der.h tests/test_run.c tests/test.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -Itests -o $@ tests/test_curves.c tests/test_run.c $(LIBS)

$(BUILD)/conformance: tests/conformance.c tests/split.h tests/json_reader.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ tests/conformance.c $(LIBS)

# CHECK_VALGRIND=1 adds the valgrind runs: the end-to-end suite, and the key exchange's secret
# code (X25519, P-256, P-384) checked for constant time (as .ci/run does)
test: all $(TESTS) $(FUZZ_REPLAY_BINS)
	@CHECK_VALGRIND=$(CHECK_VALGRIND) sh tests/run_all.sh

check-valgrind: all $(BUILD)/tls_server
	@sh tests/check_valgrind.sh

demo: all
	@sh examples/demo.sh

conformance: deps $(BUILD)/conformance
	$(BUILD)/conformance $(CORPUS)

clean:
	rm -rf $(BUILD)
