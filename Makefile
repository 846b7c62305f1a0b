# hartgei — per-hart HGEI management for RISC-V AIA.
# `make run` boots the firmware on QEMU, `make test` runs every test; both install what
# is missing first (tools/setup.sh, idempotent).
#
# This file holds the options and the commands; each area's sources and rules live in
# one fragment under mk/: setup.mk (tools/setup.sh), lib.mk (libhgei.a for riscv64 and
# the host, make install), firmware.mk (build/firmware.elf, the OpenSBI payload),
# mmode.mk (build/hartgei-m.elf), image.mk (the flashable image), host-tests.mk (host
# unit tests and tools), bench.mk, fuzz.mk, stress.mk. Source lists are explicit: a new
# file is named in its fragment.

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
HOST_CFLAGS	:= -std=c11 $(WARN) -O2 -g -DHGEI_HOST -D_DEFAULT_SOURCE -Iinclude -pthread
SAN_asan	:= -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_tsan	:= -fsanitize=thread
SAN_plain	:=

# ---- the areas (order matters: later fragments use earlier ones' source lists) ----
include mk/setup.mk
include mk/lib.mk
include mk/firmware.mk
include mk/mmode.mk
include mk/image.mk
include mk/host-tests.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/stress.mk

.PHONY: all run debug test topologies clean
all: firmware firmware-m tools host-tests image lib fuzz-replay

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

# make run and make image link the board bring-up stages (FW_STAGES, mk/firmware.mk);
# make test's builds add migration and overcommit, and the suites that build variants
# of their own name theirs (the environment carries TEST_STAGES to the rest).
TEST_STAGES	:= selftest guest migrate overcommit
test: setup setup-opensbi19
	@$(MAKE) --no-print-directory all FW_STAGES="$(TEST_STAGES)"
	@$(MAKE) --no-print-directory image OPENSBI=1.9 FW_STAGES="$(TEST_STAGES)"
	@FW_STAGES="$(TEST_STAGES)" BUILD=$(BUILD) tests/run.sh

topologies:
	@tools/boot.sh --list

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/fw -name '*.d' 2>/dev/null)
