/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The self-test's guest stage: on every hart with a line, a real VS-mode guest takes
 * an MSI from another hart while it runs, then again while it is blocked (SGEI, wake,
 * re-entry). Results go into the hart's report line.
 */
#ifndef FW_GUEST_STAGE_H
#define FW_GUEST_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "fw.h"

/* Sums over the harts' report lines; the report checks sent == claimed. */
struct fw_guest_totals {
	uint64_t sent, claimed;
};

/** Boot hart, before the other harts start: per-hart stage state, and for every hart
 * the devicetree grants guest files its G-stage tables and guest page (fw_heap). */
void fw_guest_stage_alloc(void);

/** Every up hart, after the MSI self-test: runs this hart's guest and sends the MSIs
 * for @target's guest. Calls fw_barrier(@nr_up) three times, lines or not. Adds its
 * checks to self->st.passed/failed. */
void fw_guest_stage_run(struct fw_hart *self, struct fw_hart *target, uint32_t nr_up);

/** The report line's guest fields for @h (leading space), and adds them to @t. */
void fw_guest_stage_format(const struct fw_hart *h, char *buf, size_t len,
			   struct fw_guest_totals *t);

#endif
