/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Baseline (b): the design before the per-hart series: one global lock, taken with
 * interrupts disabled, over every hart's bitmap and owners, and one global count of
 * free lines checked and updated with each allocation and release. Same contract as
 * hgei.h and the same bit search as the library.
 */
#include "baseline_lines.h"
#include "bench_impl.h"
#include "bench_irq.h"
#include "bench_spin.h"

static _Atomic uint32_t global_lock;
static uint64_t global_free_lines;	/* under global_lock: free lines on all harts */
static struct locked_lines harts[BENCH_MAX_HARTS];	/* under global_lock */

/* Runs once per hart before any allocation; the boot hart's barrier orders it. */
static void global_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
			struct hgei_hart *h)
{
	struct locked_lines *s = &harts[index];

	(void)h;
	bench_spin_lock(&global_lock);
	global_free_lines -= (uint64_t)__builtin_popcountll(s->free);
	locked_reset(s, hartid, lines, slot_pa);
	global_free_lines += lines;
	bench_spin_unlock(&global_lock);
}

static void *global_hart(unsigned index)
{
	return &harts[index];
}

static int global_alloc(void *hart, void *owner, struct hgei_line *out)
{
	struct locked_lines *s = hart;
	unsigned long g = 0;
	uint64_t flags;

	if (hgei_is_owner(owner)) {
		flags = bench_irq_save();
		bench_spin_lock(&global_lock);
		if (global_free_lines && (g = locked_take(s, owner)))
			global_free_lines--;
		bench_spin_unlock(&global_lock);
		bench_irq_restore(flags);
	}
	return locked_fill(s, g, owner, out);
}

static int global_free(void *hart, unsigned line, void *owner)
{
	struct locked_lines *s = hart;
	uint64_t flags;
	bool done;

	if (hgei_line_bad(line))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	done = locked_give_back(s, line, owner);
	global_free_lines += done;
	bench_spin_unlock(&global_lock);
	bench_irq_restore(flags);
	return done ? 0 : -HGEI_EINVAL;
}

static int global_set_want(void *hart, unsigned line, void *owner, bool on)
{
	struct locked_lines *s = hart;
	bool local = s->hartid == hgei_port_hartid(), done;
	uint64_t flags;

	if (hgei_line_bad(line) || !hgei_is_owner(owner))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	done = locked_set_want(s, line, owner, on, local);
	bench_spin_unlock(&global_lock);
	bench_irq_restore(flags);
	if (done && on && !local)
		hgei_port_kick(s->hartid);
	return done ? 0 : -HGEI_EINVAL;
}

static int global_arm(void *hart, unsigned line, void *owner)
{
	return global_set_want(hart, line, owner, true);
}

static int global_disarm(void *hart, unsigned line, void *owner)
{
	return global_set_want(hart, line, owner, false);
}

/* KVM's SGEI handler with the one global lock. */
static unsigned global_sgei(void *hart, const struct hgei_ops *ops)
{
	struct locked_lines *s = hart;
	uint64_t pending = locked_sgei_mask(), flags;
	unsigned woken;

	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	woken = locked_sgei_wake(s, pending, ops);
	bench_spin_unlock(&global_lock);
	bench_irq_restore(flags);
	hgei_arch_sgeip_settle();
	return woken;
}

const struct bench_impl bench_global = {
	.name = "global",
	.init = global_init,
	.hart = global_hart,
	.alloc = global_alloc,
	.free = global_free,
	.arm = global_arm,
	.disarm = global_disarm,
	.alloc_remote = global_alloc,
	.free_remote = global_free,
	.sgei = global_sgei,
};
