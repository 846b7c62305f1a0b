# QEMU virt: build options of the firmware for this board.
# QEMU's mip.SGEIP update races an hgeie write with a remote MSI (lib/hgei/arch_riscv.h).
PLATFORM_CFLAGS	:= -DHGEI_QUIRK_SGEIP_RECHECK
