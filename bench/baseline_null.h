/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The vCPU cycle's floor (bench/fw/bench_vcpu.c, bench/host_bench.c): a "design" that
 * keeps no state and checks nothing. Alloc hands out line 1 of the hart and records
 * its owner, arm and disarm write hgeie, free does nothing, and its SGEI handler masks
 * what is pending and wakes that owner. Run through the same loop as the designs, it
 * measures the loop itself: the MSI, the trap, the claim, the hand-over, the pacing.
 * Only for a workload where each hart holds one armed line at a time.
 */
#ifndef BENCH_BASELINE_NULL_H
#define BENCH_BASELINE_NULL_H

#include "bench_impl.h"
#include "hgei_port.h"

struct null_hart {
	uint32_t hartid;
	uint64_t slot_pa;
	void *owner;		/* of line 1, written and read on the hart only */
};

static struct null_hart null_harts[BENCH_MAX_HARTS];

static void null_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
		      struct hgei_hart *h)
{
	(void)lines;
	(void)h;
	null_harts[index] = (struct null_hart){ .hartid = hartid, .slot_pa = slot_pa };
}

static void *null_hart(unsigned index)
{
	return &null_harts[index];
}

static int null_alloc(void *hart, void *owner, struct hgei_line *out)
{
	struct null_hart *nh = hart;

	nh->owner = owner;
	out->line = 1;
	out->hstatus_vgein = 1UL << HGEI_HSTATUS_VGEIN_SHIFT;
	out->file_pa = nh->slot_pa + HGEI_GUEST_FILE_SIZE;
	return 0;
}

static int null_free(void *hart, unsigned line, void *owner)
{
	(void)hart;
	(void)line;
	(void)owner;
	return 0;
}

static int null_arm(void *hart, unsigned line, void *owner)
{
	(void)hart;
	(void)owner;
	hgei_arch_hgeie_set(1UL << line);
	return 0;
}

static int null_disarm(void *hart, unsigned line, void *owner)
{
	(void)hart;
	(void)owner;
	hgei_arch_hgeie_clear(1UL << line);
	return 0;
}

static unsigned null_sgei(void *hart, const struct hgei_ops *ops)
{
	struct null_hart *nh = hart;
	uint64_t pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();

	hgei_arch_hgeie_clear_unsettled(pending);
	if (pending)
		ops->wake(nh->owner, nh->hartid, 1);
	hgei_arch_sgeip_settle();
	return pending != 0;
}

static const struct bench_impl bench_null = {
	.name = "null", .init = null_init, .hart = null_hart, .alloc = null_alloc,
	.free = null_free, .arm = null_arm, .disarm = null_disarm,
	.alloc_remote = null_alloc, .free_remote = null_free, .sgei = null_sgei,
};

#endif
