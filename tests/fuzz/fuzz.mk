# fuzz.mk - libFuzzer targets, one per layer (make fuzz), and their seed corpora replayed
# without libFuzzer by gcc builds with AddressSanitizer and UBSan (make fuzz-replay).
# Included by the main Makefile, which defines BUILD, WARN, SAN and LIBS.
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="json sse"] [-j2]
#   make fuzz FUZZ_CFLAGS=-DSOMETHING FUZZ_OUT=build/fuzz-other   (a variant beside the default)
#   make fuzz-replay
# See tests/fuzz/README.md.
FUZZ_TARGETS ?= http_head chunked sse json pipeline request anchors curves
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS  ?=
# small limits, so that inputs of a few KB reach them (a 16 KB head or an 8 KB part would not be)
FUZZ_LIMITS  ?= -DGEMINI_MAX_HEAD=1000 -DGEMINI_PART_MAX=203 -DGEMINI_JSON_MAX_DEPTH=16 \
                -DGEMINI_ERROR_MESSAGE_MAX=40
FUZZ_FLAGS   ?= -timeout=1 -rss_limit_mb=2048
FUZZ_SRC     := tests/fuzz
FUZZ_OUT     ?= $(BUILD)/fuzz
FUZZ_DEPS    := $(FUZZ_SRC)/fuzz_common.h gemini_stream.h $(FUZZ_SRC)/fuzz.mk tests/anchors_ref.h tests/ecdsa_der.h
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(FUZZ_OUT)/replay_%)

.PHONY: fuzz fuzz-build fuzz-replay $(FUZZ_TARGETS:%=fuzz-run-%)

$(FUZZ_OUT):
	@mkdir -p $@

# libFuzzer builds: the fuzzer's own main, every sanitizer finding fatal
$(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz_%): $(FUZZ_OUT)/fuzz_%: $(FUZZ_SRC)/fuzz_%.c $(FUZZ_DEPS) | $(FUZZ_OUT)
	$(FUZZ_CC) $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=undefined $(FUZZ_LIMITS) $(FUZZ_CFLAGS) -I. -o $@ $< $(LIBS)

# standalone builds: driver.c runs the target over files and directories
$(FUZZ_REPLAY_BINS): $(FUZZ_OUT)/replay_%: $(FUZZ_SRC)/fuzz_%.c $(FUZZ_SRC)/driver.c $(FUZZ_DEPS) | $(FUZZ_OUT)
	$(CC) $(WARN) -O1 -g $(SAN) $(FUZZ_LIMITS) $(FUZZ_CFLAGS) -I. -o $@ $< $(FUZZ_SRC)/driver.c $(LIBS)

fuzz-build: deps $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz_%)

# one target; the summaries are gathered by `fuzz` (with make -j they run side by side)
$(FUZZ_TARGETS:%=fuzz-run-%): fuzz-run-%: deps $(FUZZ_OUT)/fuzz_%
	-@sh $(FUZZ_SRC)/run.sh $* $(FUZZ_SECONDS) $(FUZZ_OUT) $(FUZZ_FLAGS)

fuzz: $(FUZZ_TARGETS:%=fuzz-run-%)
	@echo "== fuzz summary ($(FUZZ_SECONDS)s per target)"
	@bad=0; for t in $(FUZZ_TARGETS); do \
	    if [ -f $(FUZZ_OUT)/$$t.summary ]; then cat $(FUZZ_OUT)/$$t.summary; \
	    else echo "fuzz_$$t: did not run"; bad=1; fi; \
	    grep -q 'crashes: 0$$' $(FUZZ_OUT)/$$t.summary 2>/dev/null || bad=1; done; exit $$bad

fuzz-replay: deps $(FUZZ_REPLAY_BINS)
	@sh $(FUZZ_SRC)/replay.sh $(FUZZ_OUT) $(FUZZ_TARGETS)
