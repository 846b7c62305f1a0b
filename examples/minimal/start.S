/* SPDX-License-Identifier: BSD-2-Clause */
/* Entry from the SBI firmware on the boot hart: a0 = hartid, a1 = DTB. */
	.section .text.start, "ax"
	.globl	_start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, stack_top
	la	tp, tls_block		/* picolibc keeps errno in TLS */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, trap_entry
	csrw	stvec, t0
	call	example_main
3:	wfi
	j	3b
