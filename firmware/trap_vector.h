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

.macro HS_TRAP_VECTOR name, handler
	.text
	.balign	4
	.globl	\name
\name:
	addi	sp, sp, -FRAME_SIZE
	sd	ra, 0 * REG_SIZE(sp)
	sd	t0, 1 * REG_SIZE(sp)
	sd	t1, 2 * REG_SIZE(sp)
	sd	t2, 3 * REG_SIZE(sp)
	sd	a0, 4 * REG_SIZE(sp)
	sd	a1, 5 * REG_SIZE(sp)
	sd	a2, 6 * REG_SIZE(sp)
	sd	a3, 7 * REG_SIZE(sp)
	sd	a4, 8 * REG_SIZE(sp)
	sd	a5, 9 * REG_SIZE(sp)
	sd	a6, 10 * REG_SIZE(sp)
	sd	a7, 11 * REG_SIZE(sp)
	sd	t3, 12 * REG_SIZE(sp)
	sd	t4, 13 * REG_SIZE(sp)
	sd	t5, 14 * REG_SIZE(sp)
	sd	t6, 15 * REG_SIZE(sp)
	csrr	a0, scause
	call	\handler
	ld	ra, 0 * REG_SIZE(sp)
	ld	t0, 1 * REG_SIZE(sp)
	ld	t1, 2 * REG_SIZE(sp)
	ld	t2, 3 * REG_SIZE(sp)
	ld	a0, 4 * REG_SIZE(sp)
	ld	a1, 5 * REG_SIZE(sp)
	ld	a2, 6 * REG_SIZE(sp)
	ld	a3, 7 * REG_SIZE(sp)
	ld	a4, 8 * REG_SIZE(sp)
	ld	a5, 9 * REG_SIZE(sp)
	ld	a6, 10 * REG_SIZE(sp)
	ld	a7, 11 * REG_SIZE(sp)
	ld	t3, 12 * REG_SIZE(sp)
	ld	t4, 13 * REG_SIZE(sp)
	ld	t5, 14 * REG_SIZE(sp)
	ld	t6, 15 * REG_SIZE(sp)
	addi	sp, sp, FRAME_SIZE
	sret
.endm

#endif
