/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every entry into the HS runtime does first (entry.S, secondary_entry.S, and a
 * stage's own entry such as checks/hotplug_entry.S), as assembler macros.
 */
#ifndef FW_ENTRY_H
#define FW_ENTRY_H

/* The runtime's gp (la of gp itself must not be relaxed against gp), no S-level
 * interrupt source enabled until fw_trap_init(). */
.macro FW_ENTRY_GP
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
.endm

/* A hart's stack and TLS block from its struct fw_hart in a1 (stack_top at 0, tls at
 * 8), prepared by the boot hart. */
.macro FW_ENTRY_HART_STACK
	ld	sp, 0(a1)
	ld	tp, 8(a1)
.endm

/* Fills the TLS block at tp from the template (fw_tls_init), keeping a0 and a1. */
.macro FW_ENTRY_TLS_INIT
	mv	s0, a0
	mv	s1, a1
	mv	a0, tp
	call	fw_tls_init
	mv	a0, s0
	mv	a1, s1
.endm

#endif
