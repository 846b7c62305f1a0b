/* SPDX-License-Identifier: BSD-2-Clause */
/* The M-mode trap vector of a hart running below M (mm_hart_setup() installs it). */
#include "mmode.h"

#define REG_SIZE	8
#define FRAME_SIZE	(32 * REG_SIZE)

	.text
/*
 * mtvec once the hart runs below M: every register is saved, so SBI calls can return
 * a0/a1 through the frame and an interrupt taken from VS/VU returns untouched.
 * A trap taken in M-mode itself (a bug) lands on the same stack top; mm_trap() sees
 * MPP = M and stops the machine without returning.
 */
	.balign	4
	.globl	mm_trap_vector
mm_trap_vector:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -FRAME_SIZE
	.irp	r, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	sd	x\r, \r * REG_SIZE(sp)
	.endr
	csrr	t0, mscratch
	sd	t0, 2 * REG_SIZE(sp)
	addi	t0, sp, FRAME_SIZE
	csrw	mscratch, t0
	mv	a0, sp
	call	mm_trap
	.irp	r, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
	ld	x\r, \r * REG_SIZE(sp)
	.endr
	ld	sp, 2 * REG_SIZE(sp)
	mret
