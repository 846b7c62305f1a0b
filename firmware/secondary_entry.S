/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every hart but the boot hart enters the runtime here, from SBI HSM hart_start:
 * a0 = hartid, a1 = its struct fw_hart (stack_top at 0, tls at 8), prepared by the
 * boot hart (boot.c), which hands this address to hart_start.
 */
#include "entry.h"

	.text
	.globl fw_secondary_entry
fw_secondary_entry:
	FW_ENTRY_GP
	FW_ENTRY_HART_STACK
	call	fw_hart_main
1:	wfi
	j	1b
