/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reset entry and the boot-time trap vector of the M-mode layer. Every hart arrives at
 * mm_reset (0x80000000) with a0 = hartid, a1 = the DTB. The vector a hart keeps once
 * it runs below M is in trap_vector.S, the way down to HS-mode in enter.S, the data
 * they share in data.c: this file calls into boot, nothing calls into it.
 */
#include "mmode.h"

#define REG_SIZE	8
#define FRAME_SIZE	(32 * REG_SIZE)

	.section .text.mm_reset, "ax"
	.globl	mm_reset
mm_reset:
	csrw	mie, zero
	/* Until this hart leaves M-mode a faulting csr write is skipped, see setup.c. */
	la	t0, mm_probe_vector
	csrw	mtvec, t0
	csrr	s0, mhartid
	mv	s1, a1
	li	t0, MM_MAX_HARTS
	bgeu	s0, t0, .Lover_range
	/* mscratch always holds the top of this hart's trap stack while it runs below M. */
	la	sp, mm_stacks
	addi	t0, s0, 1
	slli	t0, t0, MM_STACK_SHIFT
	add	sp, sp, t0
	csrw	mscratch, sp
	/* The first hart to get here does the cold boot; the hartid does not matter. */
	la	t0, mm_lottery
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, .Lwarm

	/* libfdt, called during cold boot, is linked with gp relaxation. */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	t0, __mm_bss_start
	la	t1, __mm_bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	sp, mm_cold_stack + MM_COLD_STACK_SIZE
	mv	a0, s0
	mv	a1, s1
	call	mm_cold_boot
	j	.Lhang

	/*
	 * Everyone else sleeps until cold boot has zeroed the BSS (their stacks and state
	 * live there). No hart wakes them for that: the first msip they see is their own
	 * hart_start, which cold boot has finished by definition (the HS runtime it
	 * entered sends it). Sleeping, not spinning: all emulated harts share 2 host cores.
	 */
.Lwarm:
	li	t0, 1 << 3		/* MSIE: wfi wakes on msip; MIE = 0, so no trap */
	csrw	mie, t0
	la	t0, mm_cold_done
3:	lw	t1, 0(t0)
	bnez	t1, 4f
	wfi
	j	3b
4:	fence	r, rw			/* acquire: pairs with cold boot's release */
	mv	a0, s0
	call	mm_warm_boot
	j	.Lhang

	/* A hartid with no slot: one such hart reports it on a stack of its own. */
.Lover_range:
	la	t0, mm_over_range_claim
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, .Lhang
	la	sp, mm_over_range_stack + 1024
	mv	a0, s0
	call	mm_hart_over_range
.Lhang:
	wfi
	j	.Lhang

/*
 * mtvec during boot: skips the trapping csr instruction (always 4 bytes) and sets t5,
 * which mm_csr_try_write() reads. Any other fault in boot code would loop here
 * instead of reporting, so boot code touches only memory it knows exists.
 */
	.text
	.balign	4
	.globl	mm_probe_vector
mm_probe_vector:
	csrr	t6, mepc
	addi	t6, t6, 4
	csrw	mepc, t6
	li	t5, 1
	mret

	.data
	.balign	4
/* Not in .bss: used before cold boot zeroes it. The loader provides the zeros. */
mm_lottery:
	.word	0
mm_over_range_claim:
	.word	0

	.bss
	.balign	16
mm_cold_stack:
	.space	MM_COLD_STACK_SIZE

	.section .mm.noinit, "aw", @nobits
	.balign	16
mm_over_range_stack:
	.space	1024
