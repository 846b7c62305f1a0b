# ---- bench (make bench; docs/performance.md) -------------------------------------
# bench/run.sh builds the bench firmware (the runtime with FW_BENCH) once per variant
# through bench-firmware, boots it under QEMU -icount and writes build/bench/.
BENCH_BUILD	?= $(BUILD)/bench/fw
BENCH_DEFS	?=
BENCH_LIB_SRCS	:= bench/impl_hgei.c bench/baseline_spinlock.c bench/baseline_global.c
BENCH_FW_SRCS	:= bench/fw/bench_contention.c bench/fw/bench_discovery.c bench/fw/bench_main.c \
		   bench/fw/bench_ops.c bench/fw/bench_phase.c bench/fw/bench_sgei.c \
		   bench/fw/bench_swfile.c bench/fw/bench_trap.c bench/fw/bench_util.c bench/fw/bench_vcpu.c \
		   bench/fw/bench_vector.S bench/fw/bench_wake.S $(BENCH_LIB_SRCS)
BENCH_HEADERS	:= bench/baseline_lines.h bench/baseline_null.h bench/bench_impl.h \
		   bench/bench_irq.h bench/bench_spin.h
# The baselines are built like lib/hgei (no frame pointer), so the comparison is fair.
$(patsubst %.c,$(BUILD)/fw/%.o,$(BENCH_LIB_SRCS)): FW_CFLAGS += -fomit-frame-pointer
.PHONY: bench setup-bench bench-firmware host-bench
setup-bench:
	@tools/setup.sh bench
bench-firmware:
	@$(MAKE) --no-print-directory firmware-m BUILD=$(BENCH_BUILD) \
		FW_DEFS="-DFW_BENCH $(BENCH_DEFS)" FW_STAGES= FW_EXTRA_SRCS="$(BENCH_FW_SRCS)"
host-bench: $(BUILD)/bench/host-bench
$(BUILD)/bench/host-bench: bench/host_bench.c $(BENCH_LIB_SRCS) $(BENCH_HEADERS) \
		$(LIB_SRCS) $(DT_SRCS) $(HARNESS_SRCS) $(PUBLIC_HEADERS) $(LIB_HEADERS) $(HARNESS_HEADERS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Itests/host -o $@ bench/host_bench.c $(BENCH_LIB_SRCS) \
		$(LIB_SRCS) $(DT_SRCS) $(HARNESS_SRCS) -lfdt
bench: setup setup-bench
	@$(MAKE) --no-print-directory all host-bench
	@BUILD=$(BUILD) bench/run.sh
