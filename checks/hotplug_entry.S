/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fw_restart_entry: a hart the hotplug stage stopped (SBI HSM hart_stop) and started
 * again (hart_start), with a0 = hartid and a1 = its struct fw_hart as for
 * fw_secondary_entry. What it ran before is gone, so its stack starts over and its
 * TLS block is set up afresh from the template; then checks/hotplug.c takes it back.
 */
#include "entry.h"

#ifdef FW_HOTPLUG_CYCLES
	.text
	.globl fw_restart_entry
fw_restart_entry:
	FW_ENTRY_GP
	FW_ENTRY_HART_STACK
	FW_ENTRY_TLS_INIT
	call	fw_hotplug_rejoin
1:	wfi
	j	1b
#endif
