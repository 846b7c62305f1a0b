/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Baseline (a): Linux KVM's per-hart HGEI control (arch/riscv/kvm/aia.c): one
 * spinlock per hart, taken with interrupts disabled around every access to the
 * hart's free bitmap and owners. Same contract as hgei.h, same bit search as the
 * library (so the comparison is of the locking, not of ctz), no offline support.
 */
#include "baseline_lines.h"
#include "bench_impl.h"
#include "bench_irq.h"
#include "bench_spin.h"

struct spin_hart {
	_Atomic uint32_t lock;
	struct locked_lines l;	/* under lock */
};

static struct spin_hart harts[BENCH_MAX_HARTS];

static void spin_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
		      struct hgei_hart *h)
{
	(void)h;
	locked_reset(&harts[index].l, hartid, lines, slot_pa);
}

static void *spin_hart(unsigned index)
{
	return &harts[index];
}

static int spin_alloc(void *hart, void *owner, struct hgei_line *out)
{
	struct spin_hart *s = hart;
	unsigned long g = 0;
	uint64_t flags;

	if (hgei_is_owner(owner)) {
		flags = bench_irq_save();
		bench_spin_lock(&s->lock);
		g = locked_take(&s->l, owner);
		bench_spin_unlock(&s->lock);
		bench_irq_restore(flags);
	}
	return locked_fill(&s->l, g, owner, out);
}

static int spin_free(void *hart, unsigned line, void *owner)
{
	struct spin_hart *s = hart;
	uint64_t flags;
	bool done;

	if (hgei_line_bad(line))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	done = locked_give_back(&s->l, line, owner);
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	return done ? 0 : -HGEI_EINVAL;
}

/* want and hgeie under the lock; a remote request is kicked after unlocking. */
static int spin_set_want(void *hart, unsigned line, void *owner, bool on)
{
	struct spin_hart *s = hart;
	bool local = s->l.hartid == hgei_port_hartid(), done;
	uint64_t flags;

	if (hgei_line_bad(line) || !hgei_is_owner(owner))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	done = locked_set_want(&s->l, line, owner, on, local);
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	if (done && on && !local)
		hgei_port_kick(s->l.hartid);
	return done ? 0 : -HGEI_EINVAL;
}

static int spin_arm(void *hart, unsigned line, void *owner)
{
	return spin_set_want(hart, line, owner, true);
}

static int spin_disarm(void *hart, unsigned line, void *owner)
{
	return spin_set_want(hart, line, owner, false);
}

/* KVM's SGEI handler: mask outside, owners under the hart's lock. */
static unsigned spin_sgei(void *hart, const struct hgei_ops *ops)
{
	struct spin_hart *s = hart;
	uint64_t pending = locked_sgei_mask(), flags;
	unsigned woken;

	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	woken = locked_sgei_wake(&s->l, pending, ops);
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	hgei_arch_sgeip_settle();
	return woken;
}

const struct bench_impl bench_spinlock = {
	.name = "spinlock",
	.init = spin_init,
	.hart = spin_hart,
	.alloc = spin_alloc,
	.free = spin_free,
	.arm = spin_arm,
	.disarm = spin_disarm,
	.alloc_remote = spin_alloc,
	.free_remote = spin_free,
	.sgei = spin_sgei,
};
