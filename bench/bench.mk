# bench.mk - `make bench`: throughput, CPU, wall time, memory and size figures of gemini_stream.h
# against their targets (DESIGN.md), printed and written to $(BUILD)/bench.txt. See bench/run.sh.
BENCH_CFLAGS := -O2
# size build: unused sections dropped, no unwind tables (C needs none), text and data not
# page-separated, libc called through the GOT bound at start (-z now, full RELRO) instead of a
# PLT, relative relocations packed (DT_RELR, where the linker has it: binutils 2.38, glibc 2.36);
# stripped of symbols, unwind data and compiler notes
BENCH_RELR   := $(shell echo 'int main(void){return 0;}' | $(CC) -x c - -o /dev/null \
                    -Wl,-z,pack-relative-relocs 2>/dev/null && echo -Wl,-z,pack-relative-relocs)
BENCH_SIZE   := -ffunction-sections -fdata-sections -Wl,--gc-sections \
                -fno-asynchronous-unwind-tables -Wl,-z,noseparate-code \
                -fno-plt -Wl,-z,now $(BENCH_RELR)
BENCH_STRIP  := strip -R .eh_frame -R .eh_frame_hdr -R .comment
BENCH_BINS   := $(BUILD)/bench_core $(BUILD)/bench_runcmd $(BUILD)/bench_cli_Os $(BUILD)/bench_cli_O2 \
                $(BUILD)/bench_cli_small $(BUILD)/bench_impl_Os.o $(BUILD)/bench_impl_O2.o

.PHONY: bench
bench: deps $(BENCH_BINS) $(BUILD)/gemini_stream $(BUILD)/tls_server
	@sh bench/run.sh $(BUILD)

# the core harness counts heap calls: --wrap sends malloc/calloc/realloc through its wrappers
$(BUILD)/bench_core: bench/core.c bench/gen.h gemini_stream.h | $(BUILD)
	$(CC) $(WARN) $(BENCH_CFLAGS) -I. -o $@ bench/core.c \
	    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc $(LIBS)

$(BUILD)/bench_runcmd: bench/runcmd.c | $(BUILD)
	$(CC) $(WARN) $(BENCH_CFLAGS) -o $@ bench/runcmd.c

# size: BearSSL static, libc dynamic, stripped
$(BUILD)/bench_cli_Os: examples/gemini_stream.c gemini_stream.h | $(BUILD)
	$(CC) -std=c99 -Os $(BENCH_SIZE) -I. -o $@ examples/gemini_stream.c \
	    -Wl,-Bstatic $(LIBS) -Wl,-Bdynamic
	$(BENCH_STRIP) $@

# the same with GEMINI_TLS_SMALL (ChaCha20-Poly1305 alone)
$(BUILD)/bench_cli_small: examples/gemini_stream.c gemini_stream.h | $(BUILD)
	$(CC) -std=c99 -Os -DGEMINI_TLS_SMALL $(BENCH_SIZE) -I. -o $@ examples/gemini_stream.c \
	    -Wl,-Bstatic $(LIBS) -Wl,-Bdynamic
	$(BENCH_STRIP) $@

$(BUILD)/bench_cli_O2: examples/gemini_stream.c gemini_stream.h | $(BUILD)
	$(CC) -std=c99 -O2 $(BENCH_SIZE) -I. -o $@ examples/gemini_stream.c \
	    -Wl,-Bstatic $(LIBS) -Wl,-Bdynamic
	$(BENCH_STRIP) $@

# the library's own code: a translation unit with only the implementation
$(BUILD)/bench_impl_Os.o: bench/impl.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -Os -I. -c -o $@ bench/impl.c

$(BUILD)/bench_impl_O2.o: bench/impl.c gemini_stream.h | $(BUILD)
	$(CC) $(WARN) -O2 -I. -c -o $@ bench/impl.c
