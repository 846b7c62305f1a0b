/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fw_restart_entry: a hart the hotplug stage stopped (SBI HSM hart_stop) and started
 * again (hart_start), with a0 = hartid and a1 = its struct fw_hart as for
 * fw_secondary_entry. What it ran before is gone, so its stack starts over and its
 * TLS block is set up afresh from the template; then checks/hotplug.c takes it back.
 */
#ifdef FW_HOTPLUG_CYCLES
	.text
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
