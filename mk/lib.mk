# ---- lib and install: the archives for riscv64 and for the host -----------------
# Two archives, so a hypervisor with its own devicetree code links only the allocator:
#   libhgei.a     lib/hgei: the allocator, arm/disarm, the SGEI dispatcher, migration;
#   libhgei-dt.a  lib/hgei/dt: discovery (hgei_dt.h), which calls libfdt and nothing of
#                 libhgei.a.
# Both for plain rv64imac and no board quirk; LIB_ISA adds extensions the target harts
# are known to have (e.g. _zba_zbb: one ctz per bit search), LIB_QUIRKS a quirk of
# include/hgei_arch_riscv.h. The platform adds its own build of the allocator,
# libhgei-$(LIB_PLATFORM).a (platform.mk: libhgei-qemu.a, QEMU virt's ISA and its
# SGEIP quirk): the quirk is inline code on the arm/disarm path, so choosing it at run
# time would cost that path a load and a branch; a second archive costs nothing. The
# firmware links these very archives, the ones make install ships: a hypervisor that
# links libhgei-qemu.a and boots on QEMU runs the code the QEMU suites test.
# The host archives leave the hgei_arch_* CSR functions to the caller (hgei_port.h).
# libfdt.a is the freestanding build of Debian's libfdt sources, installed beside them.
LIB_SRCS	:= lib/hgei/alloc.c lib/hgei/arm.c lib/hgei/bitops.c lib/hgei/hart.c \
		   lib/hgei/move.c lib/hgei/promote.c lib/hgei/remote.c lib/hgei/sgei.c \
		   lib/hgei/strerror.c lib/hgei/swfile.c
DT_SRCS		:= lib/hgei/dt/dt_blob.c lib/hgei/dt/dt_cpus.c lib/hgei/dt/dt_discover.c \
		   lib/hgei/dt/dt_entries.c lib/hgei/dt/dt_error.c lib/hgei/dt/dt_imsic.c \
		   lib/hgei/dt/dt_props.c lib/hgei/dt/dt_slots.c lib/hgei/dt/dt_table.c
LIB_HEADERS	:= lib/hgei/internal.h lib/hgei/dt/dt_internal.h
PUBLIC_HEADERS	:= include/hgei.h include/hgei_arch_riscv.h include/hgei_dt.h \
		   include/hgei_errno.h include/hgei_file_state.h include/hgei_port.h \
		   include/hgei_riscv_enc.h include/hgei_swfile.h include/hgei_vsfile.h
LIBFDT_SRCS	:= fdt.c fdt_ro.c fdt_wip.c fdt_sw.c fdt_rw.c fdt_strerror.c fdt_empty_tree.c \
		   fdt_addresses.c

PREFIX		?= /usr/local/hartgei
LIB_QUIRKS	?=
LIB_ISA		?=
LIB_ARCH	:= -march=rv64imac_zicsr_zifencei$(LIB_ISA) -mabi=lp64 -mcmodel=medany
# lib/hgei's hot paths are leaf functions, where a frame pointer would cost 5 of about
# 50 instructions (-O2 leaves it out); debuggers unwind them from the CFI -g emits.
LIB_BASE_CFLAGS	:= -std=c11 $(WARN) -mcmodel=medany -mabi=lp64 -ffreestanding -O2 -g \
		   --specs=picolibc.specs -Iinclude -I$(LIBFDT_DIR)
LIB_CFLAGS	:= $(LIB_BASE_CFLAGS) -march=rv64imac_zicsr_zifencei$(LIB_ISA) $(LIB_QUIRKS)
# The platform's allocator build (platform.mk: LIB_PLATFORM, LIB_PLATFORM_ISA,
# LIB_PLATFORM_QUIRKS).
LIB_PLAT_CFLAGS	:= $(LIB_BASE_CFLAGS) -march=rv64imac_zicsr_zifencei$(LIB_PLATFORM_ISA) \
		   $(LIB_PLATFORM_QUIRKS)
LIB_PLAT_A	:= $(BUILD)/libhgei-$(LIB_PLATFORM).a
# Objects under $(BUILD)/lib/VARIANT/ by source path (tools/house.py reads them so).
LIB_OBJS	:= $(patsubst %.c,$(BUILD)/lib/riscv64/%.o,$(LIB_SRCS))
DT_OBJS		:= $(patsubst %.c,$(BUILD)/lib/riscv64/%.o,$(DT_SRCS))
LIB_PLAT_OBJS	:= $(patsubst %.c,$(BUILD)/lib/$(LIB_PLATFORM)/%.o,$(LIB_SRCS))
LIB_HOST_OBJS	:= $(patsubst %.c,$(BUILD)/lib/host/%.o,$(LIB_SRCS))
DT_HOST_OBJS	:= $(patsubst %.c,$(BUILD)/lib/host/%.o,$(DT_SRCS))
LIBFDT_OBJS	:= $(patsubst %.c,$(BUILD)/lib/libfdt/%.o,$(LIBFDT_SRCS))
LIB_ARCHIVES	:= $(BUILD)/libhgei.a $(BUILD)/libhgei-dt.a $(LIB_PLAT_A) $(BUILD)/libfdt.a
HOST_ARCHIVES	:= $(BUILD)/host/libhgei.a $(BUILD)/host/libhgei-dt.a

.PHONY: lib install
lib: $(LIB_ARCHIVES) $(HOST_ARCHIVES)
$(BUILD)/lib/riscv64/%.o: %.c $(LIBFDT_DIR)/libfdt.h $(PUBLIC_HEADERS) $(LIB_HEADERS) \
		$(BUILD)/lib/riscv64/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIB_CFLAGS) -c -o $@ $<
$(BUILD)/lib/$(LIB_PLATFORM)/%.o: %.c $(PUBLIC_HEADERS) $(LIB_HEADERS) \
		$(BUILD)/lib/$(LIB_PLATFORM)/.defs
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIB_PLAT_CFLAGS) -c -o $@ $<
$(BUILD)/lib/host/%.o: %.c $(PUBLIC_HEADERS) $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -fPIC -c -o $@ $<
$(BUILD)/lib/libfdt/%.o: $(LIBFDT_DIR)/libfdt.h
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc -std=gnu11 $(LIB_ARCH) -ffreestanding -O2 -g --specs=picolibc.specs -w \
		-I$(LIBFDT_DIR) -c -o $@ $(LIBFDT_DIR)/$*.c
# Rebuild a variant's objects when its flags change (QUIRKS=, LIB_ISA=, ...).
$(BUILD)/lib/riscv64/.defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(LIB_CFLAGS)' | cmp -s - $@ || echo '$(LIB_CFLAGS)' > $@
$(BUILD)/lib/$(LIB_PLATFORM)/.defs: FORCE
	@mkdir -p $(dir $@)
	@echo '$(LIB_PLAT_CFLAGS)' | cmp -s - $@ || echo '$(LIB_PLAT_CFLAGS)' > $@
# rm first: ar r keeps members whose source left the list.
$(BUILD)/libhgei.a: $(LIB_OBJS)
	@rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^
$(BUILD)/libhgei-dt.a: $(DT_OBJS)
	@rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^
$(LIB_PLAT_A): $(LIB_PLAT_OBJS)
	@rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^
$(BUILD)/host/libhgei.a: $(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/host/libhgei-dt.a: $(DT_HOST_OBJS)
	@mkdir -p $(dir $@)
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/libfdt.a: $(LIBFDT_OBJS)
	@rm -f $@
	$(CROSS_COMPILE)ar rcs $@ $^
FORCE:

# make install [PREFIX=/usr/local/hartgei] [DESTDIR=staging root]: headers, the riscv64
# and host archives, and pkg-config files under $(PREFIX)/lib/pkgconfig: libhgei.pc (the
# allocator), libhgei-dt.pc (discovery, the allocator and libfdt), and the platform's
# libhgei-qemu.pc and libhgei-dt-qemu.pc (the same with libhgei-qemu.a). The .pc files
# name PREFIX, never DESTDIR, so a staged tree works once it is moved there (or through
# PKG_CONFIG_SYSROOT_DIR). Their Cflags carry the archive's quirks: a quirk changes
# inline code in hgei_arch_riscv.h, which the caller compiles too.
HGEI_VERSION	?= 0.1
INSTALL_DIR	= $(DESTDIR)$(PREFIX)
# install_pc NAME QUIRKS
install_pc	= sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(HGEI_VERSION)|' \
		      -e 's|@CFLAGS@|$(if $(strip $(2)), $(strip $(2)))|' lib/pkgconfig/$(1).pc.in \
		      >$(INSTALL_DIR)/lib/pkgconfig/$(1).pc && chmod 644 $(INSTALL_DIR)/lib/pkgconfig/$(1).pc
install: lib
	install -d $(INSTALL_DIR)/include $(INSTALL_DIR)/lib $(INSTALL_DIR)/lib/host \
		$(INSTALL_DIR)/lib/pkgconfig
	install -m 644 $(PUBLIC_HEADERS) $(INSTALL_DIR)/include/
	install -m 644 $(LIBFDT_DIR)/libfdt.h $(LIBFDT_DIR)/fdt.h $(LIBFDT_DIR)/libfdt_env.h \
		$(INSTALL_DIR)/include/
	install -m 644 $(LIB_ARCHIVES) $(INSTALL_DIR)/lib/
	install -m 644 $(HOST_ARCHIVES) $(INSTALL_DIR)/lib/host/
	$(call install_pc,libhgei,$(LIB_QUIRKS))
	$(call install_pc,libhgei-dt,$(LIB_QUIRKS))
	$(call install_pc,libhgei-$(LIB_PLATFORM),$(LIB_PLATFORM_QUIRKS))
	$(call install_pc,libhgei-dt-$(LIB_PLATFORM),$(LIB_PLATFORM_QUIRKS))
