/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart's entry into the HS-mode runtime (the others enter at
 * fw_secondary_entry, secondary_entry.S): from OpenSBI (fw_dynamic) or mmode/;
 * a0 = hartid, a1 = DTB.
 */
#include "entry.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	FW_ENTRY_GP
	la	sp, fw_boot_stack_top
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	tp, fw_boot_tls
	FW_ENTRY_TLS_INIT
	call	fw_boot_main
3:	wfi
	j	3b

	.bss
	.balign	16
fw_boot_stack:
	.space	16384
fw_boot_stack_top:
