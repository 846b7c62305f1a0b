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
# The OpenSBI of the sbi path and of the image: 1.5.1 (bookworm-backports, installed)
# or 1.9 (Debian unstable, unpacked into the build tree by tools/setup.sh opensbi19).
OPENSBI		?= 1.5.1
export OPENSBI
PLATFORM	?= qemu-virt
# tools/boot.sh --timeout: auto (a budget of QEMU CPU time), or seconds of wall clock.
TIMEOUT		?= auto
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
		   -Iinclude -Ifirmware -Ivcpu -Iplatform/$(PLATFORM) -I$(LIBFDT_DIR) \
		   $(PLATFORM_CFLAGS) $(FW_DEFS)
FW_ASFLAGS	:= $(FW_ARCH) -Wa,-march=rv64imac_zicsr_zifencei_h -Iinclude -Ifirmware -g $(FW_DEFS)
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
# The stages a build links (firmware/stage.h; checks/): the runtime calls whatever is
# linked. The default (make run, make image, most of make test) boots the board
# bring-up stages (the per-hart MSI self-test and the guest stage) and migration;
# the stress, hotplug and quirk builds name theirs; FW_STAGES= builds the runtime
# alone, which brings every hart's lines up and reports them.
FW_STAGES	?= selftest guest migrate overcommit
VCPU_SRCS	:= vcpu/vcpu.c vcpu/gstage.c vcpu/vcpu_switch.S
STAGE_SRCS_selftest	:= checks/selftest.c
STAGE_SRCS_guest	:= checks/guest_stage.c checks/guest.S $(VCPU_SRCS)
STAGE_SRCS_migrate	:= checks/migrate.c
STAGE_SRCS_overcommit	:= checks/overcommit.c checks/guest.S $(VCPU_SRCS)
STAGE_SRCS_stress	:= checks/stress.c
STAGE_SRCS_hgeip_race	:= checks/hgeip_race.c
FW_STAGE_SRCS	:= $(sort $(foreach s,$(FW_STAGES),$(STAGE_SRCS_$(s))))
# FW_EXTRA_SRCS: more sources for a variant image (the bench firmware's stage).
FW_C_SRCS	:= $(sort $(wildcard firmware/*.c)) $(filter %.c,$(FW_STAGE_SRCS) $(FW_EXTRA_SRCS))
FW_S_SRCS	:= $(sort $(wildcard firmware/*.S)) $(filter %.S,$(FW_STAGE_SRCS) $(FW_EXTRA_SRCS))
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

.PHONY: all firmware firmware-m tools host-tests lib run debug test setup setup-host setup-target clean \
	setup-opensbi19 \
	topologies image install
all: firmware firmware-m tools host-tests image lib

# ---- set-up (installs only what is missing) ----------------------------------------
setup: setup-host setup-target
setup-host:
	@BUILD=$(BUILD) tools/setup.sh host
setup-target:
	@BUILD=$(BUILD) tools/setup.sh target
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt
	$(if $(filter 1.9,$(OPENSBI)),@OPENSBI19_DIR=$(BUILD)/opensbi-1.9 tools/setup.sh opensbi19)
setup-opensbi19:
	@OPENSBI19_DIR=$(BUILD)/opensbi-1.9 tools/setup.sh opensbi19
$(LIBFDT_DIR)/libfdt.h:
	@LIBFDT_DIR=$(LIBFDT_DIR) tools/setup.sh libfdt

# ---- firmware (OpenSBI payload) ----------------------------------------------------
firmware: $(BUILD)/firmware.elf
$(BUILD)/firmware.elf: $(FW_OBJS) linker.ld $(BUILD)/fw/.link
	$(CROSS_COMPILE)gcc $(FW_LDFLAGS) -o $@ $(FW_OBJS) -Wl,-Map=$@.map
$(BUILD)/fw/%.o: %.c $(LIBFDT_DIR)/libfdt.h $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/fw/%.o: %.S $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_ASFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/fw/libfdt/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIBFDT_CFLAGS) -I$(LIBFDT_DIR) -c -o $@ $(LIBFDT_DIR)/$*.c
# Rebuild the firmware when FW_DEFS, FW_ARCH or FW_BASE change.
$(BUILD)/fw/.defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' | cmp -s - $@ || echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' > $@
# Relink when the set of stages changes (objects that drop out leave no newer file).
$(BUILD)/fw/.link: FORCE
	@mkdir -p $(dir $@)
	@echo '$(FW_STAGES) $(FW_EXTRA_SRCS)' | cmp -s - $@ || echo '$(FW_STAGES) $(FW_EXTRA_SRCS)' > $@
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
$(BUILD)/hartgei-m.elf: $(MM_OBJS) $(FW_OBJS) firmware/mmode/linker-m.ld linker.ld $(BUILD)/fw/.link
	$(CROSS_COMPILE)gcc $(MM_LDFLAGS) -o $@ $(MM_OBJS) $(FW_OBJS) -Wl,-Map=$@.map

# ---- image: one flashable binary, OpenSBI fw_dynamic + the payload ------------------
# build/hartgei.img boots with -bios build/hartgei.img and no -kernel: a head page at
# IMAGE_BASE (platform/qemu-virt/image/head.S), Debian's OpenSBI 1.5.1 fw_dynamic right
# after it, the payload at FW_BASE. Why not fw_jump: see head.S. OPENSBI=1.9 builds
# build/hartgei-opensbi-1.9.img around 1.9's fw_dynamic instead.
IMAGE_BASE	?= 0x80000000
ifeq ($(OPENSBI),1.9)
OPENSBI_FW	?= $(BUILD)/opensbi-1.9/fw_dynamic.bin
IMAGE		:= $(BUILD)/hartgei-opensbi-1.9.img
IMAGE_DIR	:= $(BUILD)/image-opensbi-1.9
else
OPENSBI_FW	?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
IMAGE		:= $(BUILD)/hartgei.img
IMAGE_DIR	:= $(BUILD)/image
endif

image: $(IMAGE)
$(IMAGE): $(BUILD)/firmware.elf $(OPENSBI_FW) platform/qemu-virt/image/head.S \
		platform/qemu-virt/image/image.ld
	@mkdir -p $(IMAGE_DIR)
	$(CROSS_COMPILE)objcopy -O binary $(BUILD)/firmware.elf $(IMAGE_DIR)/payload.bin
	cp $(OPENSBI_FW) $(IMAGE_DIR)/opensbi.bin
	cd $(IMAGE_DIR) && for b in payload opensbi; do \
		$(CROSS_COMPILE)objcopy -I binary -O elf64-littleriscv -B riscv $$b.bin $$b.o; done
	$(CROSS_COMPILE)gcc $(FW_ARCH) -DIMAGE_PAYLOAD=$(FW_BASE) -c -o $(IMAGE_DIR)/head.o \
		platform/qemu-virt/image/head.S
	$(CROSS_COMPILE)ld -T platform/qemu-virt/image/image.ld --defsym=IMAGE_BASE=$(IMAGE_BASE) \
		--defsym=IMAGE_PAYLOAD=$(FW_BASE) --no-warn-rwx-segments -o $(IMAGE_DIR)/hartgei-img.elf \
		$(IMAGE_DIR)/head.o $(IMAGE_DIR)/opensbi.o $(IMAGE_DIR)/payload.o
	$(CROSS_COMPILE)objcopy -O binary $(IMAGE_DIR)/hartgei-img.elf $@

# ---- lib and install: libhgei.a for riscv64 and for the host ---------------------
# The target library is built without board quirks; LIB_QUIRKS=-DHGEI_QUIRK_SGEIP_RECHECK
# gives the QEMU build (include/hgei_arch_riscv.h). The host library leaves the
# hgei_arch_* CSR functions to the caller (include/hgei_port.h). libfdt.a is the
# freestanding build of Debian's libfdt sources, installed beside it for convenience.
# LIB_ISA adds extensions the target harts are known to have (e.g. _zba_zbb: one ctz
# per bit search); the default builds for plain rv64imac.
PREFIX		?= /usr/local/hartgei
LIB_QUIRKS	?=
LIB_ISA		?=
LIB_CFLAGS	:= -std=c11 $(WARN) -march=rv64imac_zicsr_zifencei$(LIB_ISA) -mabi=lp64 \
		   -mcmodel=medany -ffreestanding -O2 -g --specs=picolibc.specs \
		   -Iinclude -I$(LIBFDT_DIR) $(LIB_QUIRKS)
LIB_TARGET_OBJS	:= $(patsubst lib/hgei/%.c,$(BUILD)/lib/riscv64/%.o,$(LIB_SRCS))
LIB_HOST_OBJS	:= $(patsubst lib/hgei/%.c,$(BUILD)/lib/host/%.o,$(LIB_SRCS))
LIBFDT_OBJS	:= $(patsubst %.c,$(BUILD)/lib/libfdt/%.o,$(LIBFDT_SRCS))
PUBLIC_HEADERS	:= $(sort $(wildcard include/*.h))

lib: $(BUILD)/libhgei.a $(BUILD)/host/libhgei.a $(BUILD)/libfdt.a
$(BUILD)/lib/riscv64/%.o: lib/hgei/%.c $(LIBFDT_DIR)/libfdt.h $(PUBLIC_HEADERS) $(wildcard lib/hgei/*.h)
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIB_CFLAGS) -c -o $@ $<
$(BUILD)/lib/host/%.o: lib/hgei/%.c $(PUBLIC_HEADERS) $(wildcard lib/hgei/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fPIC -c -o $@ $<
$(BUILD)/lib/libfdt/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(subst $(FW_ARCH),-march=rv64imac_zicsr_zifencei$(LIB_ISA) -mabi=lp64 -mcmodel=medany,$(LIBFDT_CFLAGS)) \
		-I$(LIBFDT_DIR) -c -o $@ $(LIBFDT_DIR)/$*.c
$(BUILD)/libhgei.a: $(LIB_TARGET_OBJS)
	$(CROSS_COMPILE)ar rcs $@ $^
$(BUILD)/host/libhgei.a: $(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	ar rcs $@ $^
$(BUILD)/libfdt.a: $(LIBFDT_OBJS)
	$(CROSS_COMPILE)ar rcs $@ $^

# make install [PREFIX=/usr/local/hartgei] [DESTDIR=staging root]: headers, the riscv64
# and host libraries, and pkg-config files for the riscv64 library (libhgei.pc: the
# allocator; libhgei-dt.pc: with discovery and libfdt) under $(PREFIX)/lib/pkgconfig.
# The .pc files name PREFIX, never DESTDIR, so a staged tree works once it is moved
# there (or through PKG_CONFIG_SYSROOT_DIR). Their Cflags carry LIB_QUIRKS: the quirk
# changes inline code in hgei_arch_riscv.h, which the caller compiles too.
HGEI_VERSION	?= 0.1
INSTALL_DIR	= $(DESTDIR)$(PREFIX)
install: lib
	install -d $(INSTALL_DIR)/include $(INSTALL_DIR)/lib $(INSTALL_DIR)/lib/host \
		$(INSTALL_DIR)/lib/pkgconfig
	install -m 644 $(PUBLIC_HEADERS) $(INSTALL_DIR)/include/
	install -m 644 $(LIBFDT_DIR)/libfdt.h $(LIBFDT_DIR)/fdt.h $(LIBFDT_DIR)/libfdt_env.h \
		$(INSTALL_DIR)/include/
	install -m 644 $(BUILD)/libhgei.a $(BUILD)/libfdt.a $(INSTALL_DIR)/lib/
	install -m 644 $(BUILD)/host/libhgei.a $(INSTALL_DIR)/lib/host/
	for pc in libhgei libhgei-dt; do \
		sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(HGEI_VERSION)|' \
		    -e 's|@CFLAGS@|$(if $(LIB_QUIRKS), $(LIB_QUIRKS))|' lib/pkgconfig/$$pc.pc.in \
		    >$(INSTALL_DIR)/lib/pkgconfig/$$pc.pc && \
		chmod 644 $(INSTALL_DIR)/lib/pkgconfig/$$pc.pc || exit 1; \
	done

# ---- host build: library, tests (three sanitizer flavours), tools ------------------
host-tests: $(HOST_TESTS)
define host_flavour
$(BUILD)/host-$(1)/%: tests/host/%.c $(LIB_SRCS) $(HARNESS_SRCS) tests/host/check.h $(wildcard include/*.h lib/hgei/*.h tests/host/*.h)
	@mkdir -p $$(dir $$@)
	$(HOST_CC) $(HOST_CFLAGS) -DHGEI_TEST_HOOKS $(SAN_$(1)) -o $$@ $$< $(LIB_SRCS) $(HARNESS_SRCS) -lfdt
endef
$(foreach f,$(FLAVOURS),$(eval $(call host_flavour,$(f))))

tools: $(TOOLS)
$(BUILD)/tools/%: tools/%.c $(LIB_SRCS) $(wildcard include/*.h lib/hgei/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $(filter lib/hgei/dt%.c lib/hgei/strerror.c,$(LIB_SRCS)) -lfdt

# ---- run and test ------------------------------------------------------------------
BOOT_ARGS	= --boot $(BOOT) --smp $(SMP) --guests $(AIA_GUESTS) \
		  $(if $(TOPOLOGY),--topology $(TOPOLOGY)) $(if $(DTB),--dtb $(DTB)) \
		  --fw $(BUILD)/firmware.elf
run: setup firmware firmware-m
	@tools/boot.sh $(BOOT_ARGS) --timeout $(TIMEOUT)

# make debug [GDB_PORT=N] [the options of make run]: the same boot, halted before the
# first instruction with a gdb stub on localhost:GDB_PORT; prints the gdb-multiarch
# command that attaches with the firmware's symbols (README, "Debugging with gdb").
GDB_PORT	?= 1234
debug: setup firmware firmware-m
	@tools/boot.sh $(BOOT_ARGS) --gdb $(GDB_PORT)

test: setup setup-opensbi19
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory image OPENSBI=1.9
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
		FW_DEFS="-DFW_BENCH $(BENCH_DEFS)" FW_STAGES= FW_EXTRA_SRCS="$(BENCH_FW_SRCS)"
host-bench: $(BUILD)/bench/host-bench
$(BUILD)/bench/host-bench: bench/host_bench.c $(BENCH_LIB_SRCS) $(wildcard bench/*.h) \
		$(LIB_SRCS) $(HARNESS_SRCS) $(wildcard include/*.h lib/hgei/*.h tests/host/*.h)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -Itests/host -o $@ bench/host_bench.c $(BENCH_LIB_SRCS) \
		$(LIB_SRCS) $(HARNESS_SRCS) -lfdt
bench: setup setup-bench
	@$(MAKE) --no-print-directory all host-bench
	@BUILD=$(BUILD) bench/run.sh
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
FUZZ_LIB	:= $(filter lib/hgei/dt%.c lib/hgei/strerror.c,$(LIB_SRCS))
FUZZ_DEPS	:= tests/fuzz/fuzz_dt.c $(FUZZ_LIB) $(wildcard include/*.h lib/hgei/dt*.h)
FUZZ_FLAGS	:= -std=c11 $(WARN) -O1 -g -D_DEFAULT_SOURCE -Iinclude -I$(LIBFDT_DIR) \
		   -fno-omit-frame-pointer
FUZZ_FDT_FLAGS	:= -std=gnu11 -O2 -g -w -I$(LIBFDT_DIR) -fno-omit-frame-pointer
FUZZ_OPTS	:= -workers=1 -jobs=1 -max_len=32768 -timeout=10 -rss_limit_mb=1024 \
		   -print_final_stats=1
.PHONY: fuzz fuzz-build fuzz-merge fuzz-replay
all: fuzz-replay

$(FUZZ_DIR)/fdt-clang/%.o: $(LIBFDT_DIR)/%.c $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_FDT_FLAGS) $(SAN_asan) -c -o $@ $<
$(FUZZ_DIR)/fdt-gcc/%.o: $(LIBFDT_DIR)/%.c $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(HOST_CC) $(FUZZ_FDT_FLAGS) $(SAN_asan) -c -o $@ $<
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

# ---- stress (issue #6): tests/qemu/stress.sh for longer than make test's 8 s --------
STRESS_SECONDS	?= 60
STRESS_SMP	?= 16
.PHONY: stress
stress: setup
	@STRESS_SECONDS=$(STRESS_SECONDS) STRESS_SMP=$(STRESS_SMP) BUILD=$(BUILD) \
		tests/qemu/stress.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/fw -name '*.d' 2>/dev/null)
