# ---- firmware-m (BOOT=bare): the M-mode layer + the same HS runtime, one image ------
# mmode/ at the reset vector MM_BASE, the objects of firmware.elf at FW_BASE. mmode/
# is a firmware of its own: it sees include/ (for hgei_riscv_enc.h), the board and
# libfdt, not firmware/ or vcpu/.
MM_BASE		?= 0x80000000
MM_SRCS		:= mmode/boot.c mmode/console.c mmode/data.c mmode/devicetree.c \
		   mmode/enter.S mmode/entry.S mmode/hsm.c mmode/ipi.c mmode/pmp.c \
		   mmode/reset.c mmode/sbi.c mmode/setup.c mmode/timer.c mmode/trap.c \
		   mmode/trap_vector.S
MM_OBJS		:= $(patsubst %,$(BUILD)/fw/%.o,$(basename $(MM_SRCS)))
MM_LDFLAGS	:= $(subst -T linker.ld,-T mmode/linker-m.ld,$(FW_LDFLAGS)) \
		   -Wl,--defsym=MM_BASE=$(MM_BASE) -Wl,-e,mm_reset
# The M-mode layer runs under whatever gp the trapped code had: no gp relaxation.
$(MM_OBJS): FW_CFLAGS := $(filter-out -Ifirmware -Ivcpu,$(FW_CFLAGS)) -mno-relax
$(MM_OBJS): FW_ASFLAGS := $(filter-out -Ifirmware,$(FW_ASFLAGS)) -mno-relax

.PHONY: firmware-m
firmware-m: $(BUILD)/hartgei-m.elf
$(BUILD)/hartgei-m.elf: $(MM_OBJS) $(FW_OBJS) $(FW_LIBS) mmode/linker-m.ld linker.ld \
		$(BUILD)/fw/.link
	$(CROSS_COMPILE)gcc $(MM_LDFLAGS) -o $@ $(MM_OBJS) $(FW_OBJS) $(FW_LINK_LIBS) -Wl,-Map=$@.map

