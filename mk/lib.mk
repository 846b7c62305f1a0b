# ---- lib and install: libhgei.a for riscv64 and for the host ---------------------
# The target library is built without board quirks; LIB_QUIRKS=-DHGEI_QUIRK_SGEIP_RECHECK
# gives the QEMU build (include/hgei_arch_riscv.h). The host library leaves the
# hgei_arch_* CSR functions to the caller (include/hgei_port.h). libfdt.a is the
# freestanding build of Debian's libfdt sources, installed beside it for convenience.
# LIB_ISA adds extensions the target harts are known to have (e.g. _zba_zbb: one ctz
# per bit search); the default builds for plain rv64imac.
LIB_SRCS	:= lib/hgei/alloc.c lib/hgei/arm.c lib/hgei/bitops.c lib/hgei/dt_blob.c \
		   lib/hgei/dt_cpus.c lib/hgei/dt_discover.c lib/hgei/dt_entries.c \
		   lib/hgei/dt_error.c lib/hgei/dt_imsic.c lib/hgei/dt_props.c \
		   lib/hgei/dt_slots.c lib/hgei/dt_table.c lib/hgei/hart.c lib/hgei/move.c \
		   lib/hgei/remote.c lib/hgei/sgei.c lib/hgei/strerror.c
LIB_HEADERS	:= lib/hgei/dt_internal.h lib/hgei/internal.h
PUBLIC_HEADERS	:= include/hgei.h include/hgei_arch_riscv.h include/hgei_dt.h \
		   include/hgei_errno.h include/hgei_port.h include/hgei_riscv_enc.h \
		   include/hgei_vsfile.h
LIBFDT_SRCS	:= fdt.c fdt_ro.c fdt_wip.c fdt_sw.c fdt_rw.c fdt_strerror.c fdt_empty_tree.c \
		   fdt_addresses.c

PREFIX		?= /usr/local/hartgei
LIB_QUIRKS	?=
LIB_ISA		?=
LIB_CFLAGS	:= -std=c11 $(WARN) -march=rv64imac_zicsr_zifencei$(LIB_ISA) -mabi=lp64 \
		   -mcmodel=medany -ffreestanding -O2 -g --specs=picolibc.specs \
		   -Iinclude -I$(LIBFDT_DIR) $(LIB_QUIRKS)
LIB_TARGET_OBJS	:= $(patsubst lib/hgei/%.c,$(BUILD)/lib/riscv64/%.o,$(LIB_SRCS))
LIB_HOST_OBJS	:= $(patsubst lib/hgei/%.c,$(BUILD)/lib/host/%.o,$(LIB_SRCS))
LIBFDT_OBJS	:= $(patsubst %.c,$(BUILD)/lib/libfdt/%.o,$(LIBFDT_SRCS))

.PHONY: lib install
lib: $(BUILD)/libhgei.a $(BUILD)/host/libhgei.a $(BUILD)/libfdt.a
$(BUILD)/lib/riscv64/%.o: lib/hgei/%.c $(LIBFDT_DIR)/libfdt.h $(PUBLIC_HEADERS) $(LIB_HEADERS)
	@mkdir -p $(dir $@)
	$(CROSS_COMPILE)gcc $(LIB_CFLAGS) -c -o $@ $<
$(BUILD)/lib/host/%.o: lib/hgei/%.c $(PUBLIC_HEADERS) $(LIB_HEADERS)
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
