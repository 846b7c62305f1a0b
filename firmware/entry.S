/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Entry points of the HS-mode runtime.
 * _start: the boot hart, from OpenSBI (fw_dynamic) or firmware/mmode; a0 = hartid, a1 = DTB.
 * fw_secondary_entry: every other hart, from SBI HSM hart_start; a0 = hartid,
 * a1 = its struct fw_hart (stack_top at 0, tls at 8), prepared by the boot hart.
 * fw_restart_entry: a hart started again after SBI HSM hart_stop (the hotplug stage),
 * same registers; what it ran before is gone, so its stack starts over and its TLS
 * block is set up afresh from the template.
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

	.text
	.globl fw_secondary_entry
fw_secondary_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	ld	sp, 0(a1)
	ld	tp, 8(a1)
	call	fw_hart_main
1:	wfi
	j	1b

#ifdef FW_HOTPLUG_CYCLES
	.globl fw_restart_entry
fw_restart_entry:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	ld	sp, 0(a1)
	ld	tp, 8(a1)
	mv	s0, a0
	mv	s1, a1
	mv	a0, tp
	call	fw_tls_init
	mv	a0, s0
	mv	a1, s1
	call	fw_hotplug_rejoin
1:	wfi
	j	1b
#endif

	.bss
	.balign	16
fw_boot_stack:
	.space	16384
fw_boot_stack_top:
