/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SGEI benchmark's wake callback, in assembly so that its first instruction reads
 * instret: a C function would run its prologue first. a0 = the owner, whose first
 * word receives the stamp.
 */
	.text
	.balign	4
	.globl	bench_wake_stamp
bench_wake_stamp:
	csrr	t0, instret
	sd	t0, 0(a0)
	ret
