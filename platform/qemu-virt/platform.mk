# QEMU virt: build options of the firmware for this board.
# QEMU's mip.SGEIP update races an hgeie write with a remote MSI (include/hgei_arch_riscv.h).
# Its hgeip read-modify-write can leave a stale bit that a guest file carries to its
# next vCPU: re-level the file when a vCPU gets it (firmware/imsic.h, issue #13).
# QUIRKS= overrides the list (tests/qemu/quirks.sh builds with and without).
QUIRKS		?= -DHGEI_QUIRK_SGEIP_RECHECK -DFW_QUIRK_HGEIP_RELEVEL
PLATFORM_CFLAGS	:= $(QUIRKS)
# QEMU virt harts implement Zba/Zbb/Zbs (their riscv,isa strings say so): one ctz for
# lib/hgei's bit searches instead of the de Bruijn multiply (lib/hgei/internal.h).
# Zbs: a line's bit (1 << line) is one bset.
PLATFORM_ISA	:= _zba_zbb_zbs
# The platform's build of the allocator (mk/lib.mk): libhgei-qemu.a, installed with
# libhgei-qemu.pc and libhgei-dt-qemu.pc, is what the firmware links. It takes the
# library's quirks from QUIRKS (the FW_ ones are the runtime's) and the harts' ISA.
LIB_PLATFORM	:= qemu
LIB_PLATFORM_ISA := $(PLATFORM_ISA)
LIB_PLATFORM_QUIRKS := $(filter -DHGEI_%,$(QUIRKS))
