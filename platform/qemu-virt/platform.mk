# QEMU virt: build options of the firmware for this board.
# QEMU's mip.SGEIP update races an hgeie write with a remote MSI (include/hgei_arch_riscv.h).
PLATFORM_CFLAGS	:= -DHGEI_QUIRK_SGEIP_RECHECK
# QEMU virt harts implement Zba/Zbb/Zbs (their riscv,isa strings say so): one ctz for
# lib/hgei's bit searches instead of the de Bruijn multiply (lib/hgei/internal.h).
# Zbs: a line's bit (1 << line) is one bset.
PLATFORM_ISA	:= _zba_zbb_zbs
