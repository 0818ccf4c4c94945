# gemini_stream.h - build, test, demo. `make test` and `make demo` install BearSSL when missing.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -std=c99 -Wall -Wextra -Wpedantic -Wconversion
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BUILD   := build
CORPUS  ?= ../shared/corpus
LIBS    := -lbearssl

UNIT_SRC := tests/test_main.c tests/test_impl.c tests/test_http_head.c tests/test_body.c \
            tests/test_sse.c tests/test_json.c tests/test_parser.c

.PHONY: all test deps unit conformance clean
all: deps $(BUILD)/unit_tests $(BUILD)/conformance

deps:
	@sh tools/ensure_deps.sh

$(BUILD):
	@mkdir -p $(BUILD)

$(BUILD)/unit_tests: $(UNIT_SRC) tests/test.h tests/split.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ $(UNIT_SRC) $(LIBS)

$(BUILD)/conformance: tests/conformance.c tests/split.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O1 -g $(SAN) -I. -o $@ tests/conformance.c $(LIBS)

unit: deps $(BUILD)/unit_tests
	$(BUILD)/unit_tests

conformance: deps $(BUILD)/conformance
	$(BUILD)/conformance $(CORPUS)

test: deps $(BUILD)/unit_tests
	sh tests/run_all.sh

clean:
	rm -rf $(BUILD)
