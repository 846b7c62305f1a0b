/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The harts the runtime knows: one struct fw_hart per enabled cpu node, sorted by
 * hartid, written by the boot hart before it starts the others (boot.c), and each
 * hart's own pointer to its entry (fw_self, in TLS).
 */
#include "fw.h"

_Thread_local struct fw_hart *fw_self;
struct fw_hart *fw_harts;
uint32_t fw_nr_harts;
uint32_t fw_boot_hartid;

struct fw_hart *fw_hart_by_id(uint32_t hartid)
{
	uint32_t lo = 0, hi = fw_nr_harts;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (fw_harts[mid].hartid == hartid)
			return &fw_harts[mid];
		if (fw_harts[mid].hartid < hartid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
