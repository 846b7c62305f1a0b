# ---- host build: unit tests of lib/hgei (three sanitizer flavours), tools ---------
TEST_SRCS	:= tests/host/test_alloc.c tests/host/test_concurrency.c tests/host/test_dt.c \
		   tests/host/test_interleave.c tests/host/test_misuse.c tests/host/test_move.c \
		   tests/host/test_promote.c tests/host/test_swfile.c
# The emulated hart the tests run the library on.
HARNESS_SRCS	:= tests/host/emu_hart.c
HARNESS_HEADERS	:= tests/host/check.h tests/host/emu_hart.h
TOOL_SRCS	:= tools/hgei-dt-bench.c tools/hgei-dt.c
FLAVOURS	:= plain asan tsan
HOST_TESTS	:= $(foreach f,$(FLAVOURS),$(patsubst tests/host/%.c,$(BUILD)/host-$(f)/%,$(TEST_SRCS)))
TOOLS		:= $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: host-tests tools
host-tests: $(HOST_TESTS)
define host_flavour
$(BUILD)/host-$(1)/%: tests/host/%.c $(LIB_SRCS) $(DT_SRCS) $(HARNESS_SRCS) $(HARNESS_HEADERS) $(PUBLIC_HEADERS) $(LIB_HEADERS)
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(HOST_CFLAGS) -DHGEI_TEST_HOOKS $(SAN_$(1)) -o $$@ $$< $(LIB_SRCS) $(DT_SRCS) $(HARNESS_SRCS) -lfdt
endef
$(foreach f,$(FLAVOURS),$(eval $(call host_flavour,$(f))))

tools: $(TOOLS)
# hgei-dt is discovery and hgei_strerror(): lib/hgei/dt and strerror.c, no allocator.
TOOL_LIB_SRCS	:= $(DT_SRCS) lib/hgei/strerror.c
$(BUILD)/tools/%: tools/%.c $(TOOL_LIB_SRCS) $(PUBLIC_HEADERS) $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(TOOL_LIB_SRCS) -lfdt

