# ---- firmware (OpenSBI payload): the HS runtime, its stages and lib/hgei -----------
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

# The runtime itself (firmware/).
RT_C_SRCS	:= firmware/boot.c firmware/console.c firmware/exit.c firmware/hart.c \
		   firmware/harts.c firmware/heap.c firmware/hgei_port.c firmware/owner.c \
		   firmware/progress.c firmware/report.c firmware/sbi.c firmware/tls.c \
		   firmware/trap.c firmware/trap_init.c firmware/wait.c
RT_S_SRCS	:= firmware/entry.S firmware/secondary_entry.S firmware/trap_vector.S
# The stages a build links (firmware/stage.h; checks/): the runtime calls whatever is
# linked. The default (make run, make image) is the board bring-up: the per-hart MSI
# self-test and the guest stage; make test adds migration and overcommit (TEST_STAGES
# in the Makefile); the stress, hotplug and quirk builds name theirs; FW_STAGES=
# builds the runtime alone, which brings every hart's lines up and reports them.
FW_STAGES	?= selftest guest
VCPU_SRCS	:= vcpu/vcpu.c vcpu/gstage.c vcpu/vcpu_switch.S
STAGE_SRCS_selftest	:= checks/selftest.c
STAGE_SRCS_guest	:= checks/guest_stage.c checks/guest.S $(VCPU_SRCS)
STAGE_SRCS_migrate	:= checks/migrate.c
STAGE_SRCS_overcommit	:= checks/overcommit.c checks/guest.S $(VCPU_SRCS)
STAGE_SRCS_stress	:= checks/stress.c
STAGE_SRCS_hotplug	:= checks/hotplug.c checks/hotplug_entry.S
STAGE_SRCS_hgeip_race	:= checks/hgeip_race.c
FW_STAGE_SRCS	:= $(sort $(foreach s,$(FW_STAGES),$(STAGE_SRCS_$(s))))
# FW_EXTRA_SRCS: more sources for a variant image (the bench firmware's stage).
FW_C_SRCS	:= $(RT_C_SRCS) $(filter %.c,$(FW_STAGE_SRCS) $(FW_EXTRA_SRCS))
FW_S_SRCS	:= $(RT_S_SRCS) $(filter %.S,$(FW_STAGE_SRCS) $(FW_EXTRA_SRCS))
FW_OBJS		:= $(patsubst %.c,$(BUILD)/fw/%.o,$(FW_C_SRCS)) \
		   $(patsubst %.S,$(BUILD)/fw/%.o,$(FW_S_SRCS))
# The library as make install ships it (mk/lib.mk): discovery, the platform's build of
# the allocator, libfdt. A group: the archives are searched until nothing new resolves.
FW_LIBS		:= $(BUILD)/libhgei-dt.a $(LIB_PLAT_A) $(BUILD)/libfdt.a
FW_LINK_LIBS	:= -Wl,--start-group $(FW_LIBS) -Wl,--end-group

.PHONY: firmware
firmware: $(BUILD)/firmware.elf
$(BUILD)/firmware.elf: $(FW_OBJS) $(FW_LIBS) linker.ld $(BUILD)/fw/.link
	$(CROSS_COMPILE)gcc $(FW_LDFLAGS) -o $@ $(FW_OBJS) $(FW_LINK_LIBS) -Wl,-Map=$@.map
$(BUILD)/fw/%.o: %.c $(LIBFDT_DIR)/libfdt.h $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/fw/%.o: %.S $(BUILD)/fw/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(FW_ASFLAGS) -MMD -MP -c -o $@ $<
# Rebuild the firmware when FW_DEFS, FW_ARCH or FW_BASE change.
$(BUILD)/fw/.defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' | cmp -s - $@ || echo '$(PLATFORM_CFLAGS) $(FW_DEFS) $(FW_ARCH) $(FW_BASE)' > $@
# Relink when the set of stages changes (objects that drop out leave no newer file).
$(BUILD)/fw/.link: FORCE
	@mkdir -p $(dir $@)
	@echo '$(FW_STAGES) $(FW_EXTRA_SRCS)' | cmp -s - $@ || echo '$(FW_STAGES) $(FW_EXTRA_SRCS)' > $@
