/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart's entry into the HS-mode runtime (the others enter at
 * fw_secondary_entry, secondary_entry.S): from OpenSBI (fw_dynamic) or mmode/;
 * a0 = hartid, a1 = DTB.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	la	sp, fw_boot_stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	tp, fw_boot_tls
	mv	s0, a0
	mv	s1, a1
	mv	a0, tp
	call	fw_tls_init
	mv	a0, s0
	mv	a1, s1
	call	fw_boot_main
3:	wfi
	j	3b

	.bss
	.balign	16
fw_boot_stack:
	.space	16384
fw_boot_stack_top:
