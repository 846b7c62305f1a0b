/* SPDX-License-Identifier: BSD-2-Clause */
/* The stress run (stress.c): only in a build with -DFW_STRESS_SECONDS=N. */
#ifndef FW_STRESS_H
#define FW_STRESS_H

#include <stdint.h>
#include "fw.h"

/* One hart's share of the totals; written on that hart, read after its DONE. */
struct fw_stress_counts {
	uint64_t sent;		/* MSIs this hart wrote, to any hart's line */
	uint64_t delivered;	/* MSIs this hart's lines received and claimed */
	uint64_t dropped;	/* MSIs found unclaimed in a file whose line was freed */
	uint64_t allocs, frees;	/* of this hart's lines, by this hart */
	uint64_t remote_frees;	/* of other harts' lines, by this hart */
	uint64_t alloc_failures;	/* every line of the hart in use: expected */
	uint64_t lib_allocs, lib_frees;	/* lib/hgei's counters of this hart at the end */
	uint32_t bad_id, stray, stuck, errors, leaked, resyncs, done;
};

void fw_stress_prepare(struct fw_hart **up, uint32_t nr_up);
void fw_stress_run(struct fw_hart *self, uint32_t nr_up);
/* Prints the per-hart and total lines; returns the number of failed checks. */
uint32_t fw_stress_report(void);

#endif
