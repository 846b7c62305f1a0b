/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The way down to HS-mode. mtvec is already the trap vector (mm_hart_setup()); this
 * file calls nothing, so boot and HSM can both use it without a circle.
 */
#include "mmode.h"

	.text
	.balign	4
/* mm_enter_s(addr, a0, a1): HS-mode (V = 0, satp untouched = 0) at addr. */
	.globl	mm_enter_s
mm_enter_s:
	csrw	mepc, a0
	li	t0, (3 << 11)
	csrc	mstatus, t0
	li	t0, (1 << 11)		/* MPP = S */
	csrs	mstatus, t0
	li	t0, 1
	slli	t0, t0, 39		/* MPV = 0: HS, not VS */
	csrc	mstatus, t0
	csrr	t0, mhartid
	addi	t0, t0, 1
	slli	t0, t0, MM_STACK_SHIFT
	la	t1, mm_stacks
	add	t0, t0, t1
	csrw	mscratch, t0
	mv	a0, a1
	mv	a1, a2
	/* Leave no M-mode pointers behind in registers S-mode sees. */
	li	sp, 0
	li	t0, 0
	li	t1, 0
	li	a2, 0
	mret
