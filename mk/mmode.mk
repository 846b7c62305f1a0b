# ---- firmware-m (BOOT=bare): the M-mode layer + the same HS runtime, one image ------
# firmware/mmode at the reset vector MM_BASE, the objects of firmware.elf at FW_BASE.
MM_BASE		?= 0x80000000
MM_SRCS		:= firmware/mmode/boot.c firmware/mmode/console.c firmware/mmode/devicetree.c \
		   firmware/mmode/entry.S firmware/mmode/hsm.c firmware/mmode/ipi.c \
		   firmware/mmode/pmp.c firmware/mmode/reset.c firmware/mmode/sbi.c \
		   firmware/mmode/setup.c firmware/mmode/timer.c firmware/mmode/trap.c
MM_OBJS		:= $(patsubst %,$(BUILD)/fw/%.o,$(basename $(MM_SRCS)))
MM_LDFLAGS	:= $(subst -T linker.ld,-T firmware/mmode/linker-m.ld,$(FW_LDFLAGS)) \
		   -Wl,--defsym=MM_BASE=$(MM_BASE) -Wl,-e,mm_reset
# The M-mode layer runs under whatever gp the trapped code had: no gp relaxation.
$(MM_OBJS): FW_CFLAGS += -mno-relax
$(MM_OBJS): FW_ASFLAGS += -mno-relax

.PHONY: firmware-m
firmware-m: $(BUILD)/hartgei-m.elf
$(BUILD)/hartgei-m.elf: $(MM_OBJS) $(FW_OBJS) firmware/mmode/linker-m.ld linker.ld $(BUILD)/fw/.link
	$(CROSS_COMPILE)gcc $(MM_LDFLAGS) -o $@ $(MM_OBJS) $(FW_OBJS) -Wl,-Map=$@.map

