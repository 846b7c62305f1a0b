# ---- fuzzing (issue #6): libFuzzer over discovery, replayed by `make test` ---------
# make fuzz [FUZZ_SECONDS=N] [FUZZ_RUNS=N]: clang libFuzzer + ASan/UBSan, one process.
# New inputs go to $(BUILD)/fuzz/corpus, findings to tests/fuzz/crashes/; make fuzz-merge
# minimises both corpora back into tests/fuzz/corpus. libfdt is built from its sources
# with the same sanitizers, so a bad offset handed to it is caught inside it too, but
# without coverage feedback: its comparison hooks halved the exec rate, and the
# features that matter are lib/hgei's.
FUZZ_SECONDS	?= 60
FUZZ_RUNS	?= -1
FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_CORPUS	:= tests/fuzz/corpus
FUZZ_CRASHES	:= tests/fuzz/crashes
FUZZ_LIB	:= $(DT_SRCS) lib/hgei/strerror.c
FUZZ_DEPS	:= tests/fuzz/fuzz_dt.c $(FUZZ_LIB) $(PUBLIC_HEADERS) lib/hgei/dt/dt_internal.h
FUZZ_FLAGS	:= -std=c11 $(WARN) -O1 -g -D_DEFAULT_SOURCE -Iinclude -I$(LIBFDT_DIR) \
		   -fno-omit-frame-pointer
FUZZ_FDT_FLAGS	:= -std=gnu11 -O2 -g -w -I$(LIBFDT_DIR) -fno-omit-frame-pointer
FUZZ_OPTS	:= -workers=1 -jobs=1 -max_len=32768 -timeout=10 -rss_limit_mb=1024 \
		   -print_final_stats=1
.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay

# On libfdt.h, not on the .c: the sources appear only when its rule has fetched them.
$(FUZZ_DIR)/fdt-clang/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FDT_FLAGS) $(SAN_asan) -c -o $@ $(LIBFDT_DIR)/$*.c
$(FUZZ_DIR)/fdt-gcc/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(FUZZ_FDT_FLAGS) $(SAN_asan) -c -o $@ $(LIBFDT_DIR)/$*.c
$(FUZZ_DIR)/fuzz_dt: $(FUZZ_DEPS) tests/fuzz/mutate_dt.c \
		$(patsubst %.c,$(FUZZ_DIR)/fdt-clang/%.o,$(LIBFDT_SRCS))
	$(CLANG) $(FUZZ_FLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ tests/fuzz/fuzz_dt.c tests/fuzz/mutate_dt.c $(FUZZ_LIB) \
		$(patsubst %.c,$(FUZZ_DIR)/fdt-clang/%.o,$(LIBFDT_SRCS))
$(FUZZ_DIR)/replay: $(FUZZ_DEPS) tests/fuzz/replay.c \
		$(patsubst %.c,$(FUZZ_DIR)/fdt-gcc/%.o,$(LIBFDT_SRCS))
	$(HOST_CC) $(FUZZ_FLAGS) $(SAN_asan) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_dt.c \
		$(FUZZ_LIB) $(patsubst %.c,$(FUZZ_DIR)/fdt-gcc/%.o,$(LIBFDT_SRCS))

fuzz-build: $(FUZZ_DIR)/fuzz_dt
fuzz-replay: $(FUZZ_DIR)/replay
fuzz: setup-host $(FUZZ_DIR)/fuzz_dt
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_CRASHES)
	cd $(FUZZ_DIR) && ./fuzz_dt $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
		-runs=$(FUZZ_RUNS) -artifact_prefix=$(CURDIR)/$(FUZZ_CRASHES)/ \
		corpus $(CURDIR)/$(FUZZ_CORPUS) $(CURDIR)/$(FUZZ_CRASHES); \
		rc=$$?; tail -n 25 fuzz-0.log; exit $$rc
fuzz-merge: $(FUZZ_DIR)/fuzz_dt
	rm -rf $(FUZZ_DIR)/merged && mkdir -p $(FUZZ_DIR)/merged
	$(FUZZ_DIR)/fuzz_dt -merge=1 -max_len=32768 $(FUZZ_DIR)/merged $(FUZZ_CORPUS) \
		$(FUZZ_DIR)/corpus
	rm -f $(FUZZ_CORPUS)/*
	cp $(FUZZ_DIR)/merged/* $(FUZZ_CORPUS)/

