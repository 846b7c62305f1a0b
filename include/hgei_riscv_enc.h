/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The RISC-V encodings hartgei uses, each number once: CSR numbers and fields
 * (privileged spec, H extension, Smaia/Ssaia), interrupt and exception causes, SBI
 * extension and function IDs. Only #defines, so assembler files and host builds
 * include it too. CSRs go by number because GCC 12 rejects 'h' in -march.
 *
 * The first part is what lib/hgei's public headers use, with the HGEI_ prefix: a
 * hypervisor that includes them beside its own encoding header (OpenSBI's
 * riscv_encoding.h, Linux's asm/csr.h) gets no clashing names. The second part keeps
 * the usual unprefixed names (CSR_SSTATUS, SBI_EXT_HSM, ...) for a program that
 * defines HGEI_ENC_SHORT_NAMES before including this file, as firmware/, its M-mode
 * layer, bench/ and examples/ do; it has a guard of its own, so it does not matter
 * which header included this file first.
 */
#ifndef HGEI_RISCV_ENC_H
#define HGEI_RISCV_ENC_H

/* An unsigned long constant in C; assembler has no suffixes. */
#ifdef __ASSEMBLER__
#define HGEI_UL(x)		x
#else
#define HGEI_UL(x)		x##UL
#endif

#define HGEI_CSR_VSISELECT	0x250
#define HGEI_CSR_VSIREG		0x251
#define HGEI_CSR_VSTOPEI	0x25c
#define HGEI_CSR_HSTATUS	0x600
#define HGEI_CSR_HIE		0x604
#define HGEI_CSR_HGEIE		0x607
#define HGEI_CSR_HIP		0x644
#define HGEI_CSR_HGEIP		0xe12

#define HGEI_SSTATUS_SIE	(HGEI_UL(1) << 1)
#define HGEI_HSTATUS_VGEIN_SHIFT	12
#define HGEI_HSTATUS_VGEIN_MASK	(HGEI_UL(0x3f) << HGEI_HSTATUS_VGEIN_SHIFT)

/* Interrupt numbers (scause without its top bit; the bit in sie/sip/hie/hip). */
#define HGEI_IRQ_S_EXT		9
#define HGEI_IRQ_M_EXT		11
#define HGEI_IRQ_SGEI		12
#define HGEI_CSR_HIE_SGEIE	(HGEI_UL(1) << HGEI_IRQ_SGEI)
#define HGEI_HIP_SGEIP		(HGEI_UL(1) << HGEI_IRQ_SGEI)

/* vsiselect numbers of the interrupt file registers (AIA spec, IMSIC chapter). RV64
 * has only the even eipN/eieN: register 2k holds identities 64k .. 64k + 63. */
#define HGEI_VS_EIDELIVERY	0x70
#define HGEI_VS_EITHRESHOLD	0x72
#define HGEI_VS_EIP0		0x80
#define HGEI_VS_EIE0		0xc0

#endif /* HGEI_RISCV_ENC_H */

#if defined(HGEI_ENC_SHORT_NAMES) && !defined(HGEI_RISCV_ENC_SHORT_NAMES_H)
#define HGEI_RISCV_ENC_SHORT_NAMES_H

/* ---- CSR numbers --------------------------------------------------------------- */
#define CSR_SSTATUS		0x100
#define CSR_SIE			0x104
#define CSR_STVEC		0x105
#define CSR_SSCRATCH		0x140
#define CSR_SEPC		0x141
#define CSR_SCAUSE		0x142
#define CSR_STVAL		0x143
#define CSR_SIP			0x144
/* Ssaia; from VS-mode they reach the vs* copies, i.e. guest file VGEIN. */
#define CSR_SISELECT		0x150
#define CSR_SIREG		0x151
#define CSR_STOPEI		0x15c

#define CSR_VSSTATUS		0x200
#define CSR_VSIE		0x204
#define CSR_VSTVEC		0x205
#define CSR_VSSCRATCH		0x240
#define CSR_VSEPC		0x241
#define CSR_VSCAUSE		0x242
#define CSR_VSTVAL		0x243
#define CSR_VSISELECT		HGEI_CSR_VSISELECT
#define CSR_VSATP		0x280

#define CSR_HSTATUS		HGEI_CSR_HSTATUS
#define CSR_HEDELEG		0x602
#define CSR_HIDELEG		0x603
#define CSR_HIE			HGEI_CSR_HIE
#define CSR_HCOUNTEREN		0x606
#define CSR_HGEIE		HGEI_CSR_HGEIE
#define CSR_HTVAL		0x643
#define CSR_HVIP		0x645
#define CSR_HIP			HGEI_CSR_HIP
#define CSR_HGATP		0x680
#define CSR_HGEIP		HGEI_CSR_HGEIP

#define CSR_MSTATUS		0x300
#define CSR_MISA		0x301
#define CSR_MEDELEG		0x302
#define CSR_MIDELEG		0x303
#define CSR_MIE			0x304
#define CSR_MTVEC		0x305
#define CSR_MCOUNTEREN		0x306
#define CSR_MENVCFG		0x30a
#define CSR_MSTATEEN0		0x30c
#define CSR_MSCRATCH		0x340
#define CSR_MEPC		0x341
#define CSR_MCAUSE		0x342
#define CSR_MTVAL		0x343
#define CSR_MIP			0x344
#define CSR_PMPCFG0		0x3a0
#define CSR_PMPCFG2		0x3a2
#define CSR_PMPADDR0		0x3b0

#define CSR_TIME		0xc01
#define CSR_INSTRET		0xc02

#define CSR_MVENDORID		0xf11
#define CSR_MARCHID		0xf12
#define CSR_MIMPID		0xf13
#define CSR_MHARTID		0xf14

/* ---- interrupts and exceptions ------------------------------------------------- */
#define SCAUSE_IRQ		(HGEI_UL(1) << 63)
#define MCAUSE_IRQ		SCAUSE_IRQ
#define IRQ_S_SOFT		1
#define IRQ_M_SOFT		3
#define IRQ_S_TIMER		5
#define IRQ_M_TIMER		7
#define IRQ_S_EXT		HGEI_IRQ_S_EXT
#define IRQ_VS_EXT		10
#define IRQ_M_EXT		HGEI_IRQ_M_EXT
#define IRQ_SGEI		HGEI_IRQ_SGEI
#define EXC_ECALL_S		9
#define SCAUSE_VS_ECALL		10	/* ecall from VS-mode */
#define SCAUSE_VIRT_INSN	22	/* virtual instruction (H extension) */

/* ---- CSR fields ----------------------------------------------------------------- */
#define SSTATUS_SIE		HGEI_SSTATUS_SIE
#define SSTATUS_SPIE		(HGEI_UL(1) << 5)
#define SSTATUS_SPP		(HGEI_UL(1) << 8)
#define SIE_SSIE		(HGEI_UL(1) << IRQ_S_SOFT)
#define SIE_STIE		(HGEI_UL(1) << IRQ_S_TIMER)
#define SIE_SEIE		(HGEI_UL(1) << IRQ_S_EXT)
#define SIP_SSIP		(HGEI_UL(1) << IRQ_S_SOFT)

#define HSTATUS_SPV		(HGEI_UL(1) << 7)
#define HSTATUS_VTVM		(HGEI_UL(1) << 20)
#define HSTATUS_VTW		(HGEI_UL(1) << 21)
#define HSTATUS_VTSR		(HGEI_UL(1) << 22)
#define HIDELEG_VSEI		(HGEI_UL(1) << IRQ_VS_EXT)
#define HIE_VSEIE		(HGEI_UL(1) << IRQ_VS_EXT)
#define HVIP_VSEIP		(HGEI_UL(1) << IRQ_VS_EXT)
/* hgatp: MODE (Sv39x4 = 8) in bits 63:60, VMID from bit 44, the root's PPN below. */
#define HGATP_MODE_SHIFT	60
#define HGATP_SV39X4		8
#define HGATP_VMID_SHIFT	44

#define MSTATUS_MIE		(HGEI_UL(1) << 3)
#define MSTATUS_MPP_SHIFT	11
#define MSTATUS_MPP		(HGEI_UL(3) << MSTATUS_MPP_SHIFT)
#define MSTATUS_MPP_S		(HGEI_UL(1) << MSTATUS_MPP_SHIFT)
#define MSTATUS_MPV		(HGEI_UL(1) << 39)
#define MIP_SSIP		(HGEI_UL(1) << IRQ_S_SOFT)
#define MIP_MSIP		(HGEI_UL(1) << IRQ_M_SOFT)
#define MIP_STIP		(HGEI_UL(1) << IRQ_S_TIMER)
#define MIP_MTIP		(HGEI_UL(1) << IRQ_M_TIMER)

/* ---- SBI (extension IDs, function IDs, HSM states, errors) ---------------------- */
#define SBI_EXT_LEGACY_PUTCHAR	0x01
#define SBI_EXT_BASE		0x10
#define SBI_EXT_BASE_GET_SPEC_VERSION	0
#define SBI_EXT_BASE_GET_IMPL_ID	1
#define SBI_EXT_BASE_GET_IMPL_VERSION	2
/* The M-mode layer's implementation ID ("hart" in ASCII, not a registered one): the
 * runtime asks for it to know its SRST keeps the failure reason (firmware/exit.c). */
#define SBI_IMPL_HARTGEI	0x68617274L
#define SBI_EXT_BASE_PROBE_EXT		3
#define SBI_EXT_BASE_GET_MVENDORID	4
#define SBI_EXT_BASE_GET_MARCHID	5
#define SBI_EXT_BASE_GET_MIMPID		6
#define SBI_EXT_TIME		0x54494D45
#define SBI_EXT_TIME_SET_TIMER		0
#define SBI_EXT_IPI		0x735049
#define SBI_EXT_IPI_SEND_IPI		0
#define SBI_EXT_HSM		0x48534D
#define SBI_EXT_HSM_HART_START		0
#define SBI_EXT_HSM_HART_STOP		1
#define SBI_EXT_HSM_HART_GET_STATUS	2
#define SBI_EXT_SRST		0x53525354
#define SBI_EXT_SRST_RESET		0
#define SBI_SRST_RESET_TYPE_SHUTDOWN	0
#define SBI_SRST_RESET_TYPE_COLD_REBOOT	1
#define SBI_SRST_RESET_TYPE_WARM_REBOOT	2
#define SBI_SRST_RESET_REASON_NONE	0
#define SBI_SRST_RESET_REASON_SYSFAIL	1
#define SBI_EXT_DBCN		0x4442434E
#define SBI_EXT_DBCN_CONSOLE_WRITE	0
#define SBI_EXT_DBCN_CONSOLE_READ	1
#define SBI_EXT_DBCN_CONSOLE_WRITE_BYTE	2

#define SBI_HSM_STARTED		0
#define SBI_HSM_STOPPED		1
#define SBI_HSM_START_PENDING	2
#define SBI_HSM_STOP_PENDING	3

#define SBI_SUCCESS			0
#define SBI_ERR_FAILED			-1
#define SBI_ERR_NOT_SUPPORTED		-2
#define SBI_ERR_INVALID_PARAM		-3
#define SBI_ERR_INVALID_ADDRESS		-5
#define SBI_ERR_ALREADY_AVAILABLE	-6

#endif /* HGEI_ENC_SHORT_NAMES */
