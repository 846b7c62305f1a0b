/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HS_TRAP_VECTOR name, handler: an HS-mode trap vector for the runtime (V = 0) that
 * saves the 16 caller-saved registers the C ABI lets @handler clobber, on the current
 * stack, calls handler(scause) and returns with sret. The runtime's (trap_vector.S)
 * and the bench's (bench/fw/bench_vector.S) differ only in the handler.
 */
#ifndef FW_TRAP_VECTOR_H
#define FW_TRAP_VECTOR_H

#define REG_SIZE	8
#define FRAME_SIZE	(16 * REG_SIZE)

/*
 * Call-frame information, so gdb unwinds from the handler into the interrupted code
 * (make debug): the trapped code did not call the vector, so the frame's return column
 * is sepc (DWARF register 4096 + 0x141), left as it is, and ra is one of the saved
 * registers like any other; signal frame, so gdb looks up the interrupted pc itself
 * rather than the call before it. Directives only: the instructions are unchanged.
 */
#define DWARF_SEPC	(4096 + 0x141)

.macro HS_TRAP_VECTOR_SAVE reg, slot
	sd	\reg, \slot * REG_SIZE(sp)
	.cfi_offset \reg, \slot * REG_SIZE - FRAME_SIZE
.endm

.macro HS_TRAP_VECTOR_LOAD reg, slot
	ld	\reg, \slot * REG_SIZE(sp)
	.cfi_restore \reg
.endm

.macro HS_TRAP_VECTOR name, handler
	.text
	.balign	4
	.globl	\name
\name:
	/* .debug_frame: linker.ld discards .eh_frame, as the C objects' CFI is there too. */
	.cfi_sections .debug_frame
	.cfi_startproc
	.cfi_signal_frame
	.cfi_return_column DWARF_SEPC
	.cfi_same_value DWARF_SEPC
	addi	sp, sp, -FRAME_SIZE
	.cfi_def_cfa_offset FRAME_SIZE
	HS_TRAP_VECTOR_SAVE ra, 0
	HS_TRAP_VECTOR_SAVE t0, 1
	HS_TRAP_VECTOR_SAVE t1, 2
	HS_TRAP_VECTOR_SAVE t2, 3
	HS_TRAP_VECTOR_SAVE a0, 4
	HS_TRAP_VECTOR_SAVE a1, 5
	HS_TRAP_VECTOR_SAVE a2, 6
	HS_TRAP_VECTOR_SAVE a3, 7
	HS_TRAP_VECTOR_SAVE a4, 8
	HS_TRAP_VECTOR_SAVE a5, 9
	HS_TRAP_VECTOR_SAVE a6, 10
	HS_TRAP_VECTOR_SAVE a7, 11
	HS_TRAP_VECTOR_SAVE t3, 12
	HS_TRAP_VECTOR_SAVE t4, 13
	HS_TRAP_VECTOR_SAVE t5, 14
	HS_TRAP_VECTOR_SAVE t6, 15
	csrr	a0, scause
	call	\handler
	HS_TRAP_VECTOR_LOAD ra, 0
	HS_TRAP_VECTOR_LOAD t0, 1
	HS_TRAP_VECTOR_LOAD t1, 2
	HS_TRAP_VECTOR_LOAD t2, 3
	HS_TRAP_VECTOR_LOAD a0, 4
	HS_TRAP_VECTOR_LOAD a1, 5
	HS_TRAP_VECTOR_LOAD a2, 6
	HS_TRAP_VECTOR_LOAD a3, 7
	HS_TRAP_VECTOR_LOAD a4, 8
	HS_TRAP_VECTOR_LOAD a5, 9
	HS_TRAP_VECTOR_LOAD a6, 10
	HS_TRAP_VECTOR_LOAD a7, 11
	HS_TRAP_VECTOR_LOAD t3, 12
	HS_TRAP_VECTOR_LOAD t4, 13
	HS_TRAP_VECTOR_LOAD t5, 14
	HS_TRAP_VECTOR_LOAD t6, 15
	addi	sp, sp, FRAME_SIZE
	.cfi_def_cfa_offset 0
	sret
	.cfi_endproc
.endm

#endif
