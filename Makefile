# hartgei — per-hart HGEI management for RISC-V AIA.
# `make run` boots the firmware on QEMU, `make test` runs every test; both install what
# is missing first (tools/setup.sh, idempotent).

# ---- what to build and boot ------------------------------------------------------
CROSS_COMPILE	?= riscv64-unknown-elf-
SMP		?= 4
AIA_GUESTS	?= 7
TOPOLOGY	?=
DTB		?=
# auto: OpenSBI up to the harts it can start (tools/boot.sh), the M-mode layer above.
BOOT		?= auto
PLATFORM	?= qemu-virt
TIMEOUT		?= 120
BUILD		?= build
FW_BASE		?= 0x80200000
# Extra firmware defines, e.g. FW_DEFS=-DFW_TEST_ILLEGAL_INSN for the crash test.
FW_DEFS		?=
# libfdt sources for the target, unpacked once from linux-source-6.1 (never committed).
LIBFDT_DIR	?= build/libfdt-src

QEMU		?= qemu-system-riscv64
HOST_CC		?= gcc
CLANG		?= clang

# ---- flags -----------------------------------------------------------------------
PLATFORM_CFLAGS	:=
PLATFORM_ISA	:=
include platform/$(PLATFORM)/platform.mk
WARN		:= -Wall -Wextra -Werror
# PLATFORM_ISA: extensions every hart of the board has (platform.mk), e.g. _zba_zbb.
FW_ARCH		:= -march=rv64imac_zicsr_zifencei$(PLATFORM_ISA) -mabi=lp64 -mcmodel=medany
FW_CFLAGS	:= -std=c11 $(WARN) $(FW_ARCH) -ffreestanding -O2 -g \
		   -fno-omit-frame-pointer --specs=picolibc.specs \
		   -Iinclude -Iplatform/$(PLATFORM) -I$(LIBFDT_DIR) $(PLATFORM_CFLAGS) $(FW_DEFS)
FW_ASFLAGS	:= $(FW_ARCH) -Wa,-march=rv64imac_zicsr_zifencei_h -Iinclude -g $(FW_DEFS)
# Link with the plain arch or GCC picks the lp64d libgcc multilib.
FW_LDFLAGS	:= -march=rv64imac -mabi=lp64 --specs=picolibc.specs -nostartfiles \
		   -T linker.ld -Wl,--defsym=FW_BASE=$(FW_BASE) -Wl,--gc-sections -Wl,--no-warn-rwx-segments
LIBFDT_CFLAGS	:= -std=gnu11 $(FW_ARCH) -ffreestanding -O2 -g --specs=picolibc.specs -w

HOST_CFLAGS	:= -std=c11 $(WARN) -O2 -g -DHGEI_HOST -D_DEFAULT_SOURCE -Iinclude -pthread
SAN_asan	:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_tsan	:= -fsanitize=thread
SAN_plain	:=

# ---- sources ---------------------------------------------------------------------
LIB_SRCS	:= $(sort $(wildcard lib/hgei/*.c))
LIBFDT_SRCS	:= fdt.c fdt_ro.c fdt_wip.c fdt_sw.c fdt_rw.c fdt_strerror.c fdt_empty_tree.c \
		   fdt_addresses.c
# FW_EXTRA_SRCS: more runtime sources for a variant image (the bench firmware).
FW_C_SRCS	:= $(sort $(wildcard firmware/*.c)) $(filter %.c,$(FW_EXTRA_SRCS))
FW_S_SRCS	:= $(sort $(wildcard firmware/*.S)) $(filter %.S,$(FW_EXTRA_SRCS))
TEST_SRCS	:= $(sort $(wildcard tests/host/test_*.c))
HARNESS_SRCS	:= $(filter-out $(TEST_SRCS),$(sort $(wildcard tests/host/*.c)))
TOOL_SRCS	:= $(sort $(wildcard tools/*.c))

FW_OBJS		:= $(patsubst %.c,$(BUILD)/fw/%.o,$(FW_C_SRCS)) \
		   $(patsubst %.S,$(BUILD)/fw/%.o,$(FW_S_SRCS)) \
		   $(patsubst %.c,$(BUILD)/fw/%.o,$(LIB_SRCS)) \
		   $(patsubst %.c,$(BUILD)/fw/libfdt/%.o,$(LIBFDT_SRCS))
FLAVOURS	:= plain asan tsan
HOST_TESTS	:= $(foreach f,$(FLAVOURS),$(patsubst tests/host/%.c,$(BUILD)/host-$(f)/%,$(TEST_SRCS)))
TOOLS		:= $(patsubst tools/%.c,$(BUILD)/tools/%,$(TOOL_SRCS))

.PHONY: all firmware firmware-m tools host-tests lib run test setup setup-host setup-target clean \
	topologies
all: firmware firmware-m tools host-tests

# ---- set-up (installs only what is missing) ----------------------------------------
setup: setup-host setup-target
setup-host:
	@BUILD=$(BUILD) tools/setup.sh host
setup-target:
	@BUILD=$(BUILD) tools/setup.sh target
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt
$(LIBFDT_DIR)/libfdt.h:
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt

# ---- firmware (OpenSBI payload) ----------------------------------------------------
firmware: $(BUILD)/firmware.elf
$(BUILD)/firmware.elf: $(FW_OBJS) linker.ld
	$(CROSS_COMPILE)gcc $(FW_LDFLAGS) -o $@ $(FW_OBJS) -Wl,-Map=$@.map
$(BUILD)/fw/%.o: %.c $(LIBFDT_DIR)/libfdt.h $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_CFLAGS) -MMD -c -o $@ $<
$(BUILD)/fw/%.o: %.S $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_ASFLAGS) -MMD -c -o $@ $<
$(BUILD)/fw/libfdt/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIBFDT_CFLAGS) -I$(LIBFDT_DIR) -c -o $@ $(LIBFDT_DIR)/$*.c
# Rebuild the firmware when FW_DEFS, FW_ARCH or FW_BASE change.
$(BUILD)/fw/.defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' | cmp -s - $@ || echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' > $@
FORCE:

# lib/hgei's hot paths are leaf functions, where the frame pointer costs 5 of about 50
# instructions; debuggers unwind them from the DWARF CFI that -g emits.
$(patsubst %.c,$(BUILD)/fw/%.o,$(LIB_SRCS)): FW_CFLAGS += -fomit-frame-pointer

# ---- firmware-m (BOOT=bare): the M-mode layer + the same HS runtime, one image ------
# firmware/mmode at the reset vector MM_BASE, the objects of firmware.elf at FW_BASE.
MM_BASE		?= 0x80000000
MM_SRCS		:= $(sort $(wildcard firmware/mmode/*.c firmware/mmode/*.S))
MM_OBJS		:= $(patsubst %,$(BUILD)/fw/%.o,$(basename $(MM_SRCS)))
MM_LDFLAGS	:= $(subst -T linker.ld,-T firmware/mmode/linker-m.ld,$(FW_LDFLAGS)) \
		   -Wl,--defsym=MM_BASE=$(MM_BASE) -Wl,-e,mm_reset
# The M-mode layer runs under whatever gp the trapped code had: no gp relaxation.
$(MM_OBJS): FW_CFLAGS += -mno-relax
$(MM_OBJS): FW_ASFLAGS += -mno-relax

firmware-m: $(BUILD)/hartgei-m.elf
$(BUILD)/hartgei-m.elf: $(MM_OBJS) $(FW_OBJS) firmware/mmode/linker-m.ld linker.ld
	$(CROSS_COMPILE)gcc $(MM_LDFLAGS) -o $@ $(MM_OBJS) $(FW_OBJS) -Wl,-Map=$@.map

# ---- host build: library, tests (three sanitizer flavours), tools ------------------
host-tests: $(HOST_TESTS)
define host_flavour
$(BUILD)/host-$(1)/%: tests/host/%.c $(LIB_SRCS) $(HARNESS_SRCS) tests/host/check.h $(wildcard include/*.h lib/hgei/*.h tests/host/*.h)
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(HOST_CFLAGS) $(SAN_$(1)) -o $$@ $$< $(LIB_SRCS) $(HARNESS_SRCS) -lfdt
endef
$(foreach f,$(FLAVOURS),$(eval $(call host_flavour,$(f))))

tools: $(TOOLS)
$(BUILD)/tools/%: tools/%.c $(LIB_SRCS) $(wildcard include/*.h lib/hgei/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(filter lib/hgei/dt%.c lib/hgei/strerror.c,$(LIB_SRCS)) -lfdt

# ---- run and test ------------------------------------------------------------------
run: setup firmware firmware-m
	@tools/boot.sh --boot $(BOOT) --smp $(SMP) --guests $(AIA_GUESTS) \
		--timeout $(TIMEOUT) $(if $(TOPOLOGY),--topology $(TOPOLOGY)) \
		$(if $(DTB),--dtb $(DTB)) --fw $(BUILD)/firmware.elf

test: setup
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) tests/run.sh

topologies:
	@tools/boot.sh --list

# ---- bench (make bench; docs/performance.md) -------------------------------------
# bench/run.sh builds the bench firmware (the runtime with FW_BENCH) once per variant
# through bench-firmware, boots it under QEMU -icount and writes build/bench/.
BENCH_BUILD	?= $(BUILD)/bench/fw
BENCH_DEFS	?=
BENCH_LIB_SRCS	:= bench/impl_hgei.c bench/baseline_spinlock.c bench/baseline_global.c
BENCH_FW_SRCS	:= $(sort $(wildcard bench/fw/*.c bench/fw/*.S)) $(BENCH_LIB_SRCS)
# The baselines are built like lib/hgei (no frame pointer), so the comparison is fair.
$(patsubst %.c,$(BUILD)/fw/%.o,$(BENCH_LIB_SRCS)): FW_CFLAGS += -fomit-frame-pointer
.PHONY: bench setup-bench bench-firmware host-bench
setup-bench:
	@tools/setup.sh bench
bench-firmware:
	@$(MAKE) --no-print-directory firmware-m BUILD=$(BENCH_BUILD) \
		FW_DEFS="-DFW_BENCH $(BENCH_DEFS)" FW_EXTRA_SRCS="$(BENCH_FW_SRCS)"
host-bench: $(BUILD)/bench/host-bench
$(BUILD)/bench/host-bench: bench/host_bench.c $(BENCH_LIB_SRCS) $(wildcard bench/*.h) \
		$(LIB_SRCS) $(HARNESS_SRCS) $(wildcard include/*.h lib/hgei/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Itests/host -o $@ bench/host_bench.c $(BENCH_LIB_SRCS) \
		$(LIB_SRCS) $(HARNESS_SRCS) -lfdt
bench: setup setup-bench
	@$(MAKE) --no-print-directory all host-bench
	@BUILD=$(BUILD) bench/run.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/fw -name '*.d' 2>/dev/null)
