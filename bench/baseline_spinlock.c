/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Baseline (a): Linux KVM's per-hart HGEI control (arch/riscv/kvm/aia.c): one
 * spinlock per hart, taken with interrupts disabled around every access to the
 * hart's free bitmap and owners. Same contract as hgei.h, same bit search as the
 * library (so the comparison is of the locking, not of ctz), no offline support.
 */
#include "../lib/hgei/internal.h"
#include "bench_impl.h"
#include "bench_irq.h"
#include "bench_spin.h"

struct spin_hart {
	_Atomic uint32_t lock;
	uint32_t hartid;
	uint64_t free, want;	/* under lock */
	uint64_t slot_pa;
	void *owners[HGEI_MAX_LINES + 1];
};

static struct spin_hart harts[BENCH_MAX_HARTS];

static void spin_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
		      struct hgei_hart *h)
{
	struct spin_hart *s = &harts[index];

	(void)h;
	s->hartid = hartid;
	s->free = lines ? (~0ULL >> (64 - lines)) << 1 : 0;
	s->want = 0;
	s->slot_pa = slot_pa;
	for (unsigned g = 0; g <= HGEI_MAX_LINES; g++)
		s->owners[g] = NULL;
}

static void *spin_hart(unsigned index)
{
	return &harts[index];
}

static int spin_alloc(void *hart, void *owner, struct hgei_line *out)
{
	struct spin_hart *s = hart;
	uint64_t flags, free, bit = 0;
	unsigned long g = 0;

	if (!hgei_is_owner(owner))
		goto fail;
	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	free = s->free;
	if (free) {
		bit = free & -free;
		s->free = free ^ bit;
		g = hgei_bit_index(bit);
		s->owners[g] = owner;
	}
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	if (!bit)
		goto fail;
	out->line = (unsigned)g;
	out->hstatus_vgein = g << HGEI_HSTATUS_VGEIN_SHIFT;
	out->file_pa = s->slot_pa + g * HGEI_GUEST_FILE_SIZE;
	return 0;
fail:
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
	return hgei_is_owner(owner) ? -HGEI_ENOSPC : -HGEI_EINVAL;
}

static int spin_free(void *hart, unsigned line, void *owner)
{
	struct spin_hart *s = hart;
	uint64_t flags;
	void *cur;
	int err = -HGEI_EINVAL;

	if (hgei_line_bad(line))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	cur = s->owners[line];
	if (hgei_is_owner(cur) && (!owner || cur == owner)) {
		s->owners[line] = NULL;
		s->want &= ~hgei_line_bit(line);
		s->free |= hgei_line_bit(line);
		err = 0;
	}
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	return err;
}

/* want and hgeie under the lock; a remote request is kicked after unlocking. */
static int spin_set_want(void *hart, unsigned line, void *owner, bool on)
{
	struct spin_hart *s = hart;
	uint64_t flags, bit = hgei_line_bit(line);
	bool local = s->hartid == hgei_port_hartid();
	int err = -HGEI_EINVAL;

	if (hgei_line_bad(line) || !hgei_is_owner(owner))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&s->lock);
	if (s->owners[line] == owner) {
		s->want = on ? s->want | bit : s->want & ~bit;
		if (local && on)
			hgei_arch_hgeie_set(bit);
		else if (local)
			hgei_arch_hgeie_clear(bit);
		err = 0;
	}
	bench_spin_unlock(&s->lock);
	bench_irq_restore(flags);
	if (!err && on && !local)
		hgei_port_kick(s->hartid);
	return err;
}

static int spin_arm(void *hart, unsigned line, void *owner)
{
	return spin_set_want(hart, line, owner, true);
}

static int spin_disarm(void *hart, unsigned line, void *owner)
{
	return spin_set_want(hart, line, owner, false);
}

const struct bench_impl bench_spinlock = {
	.name = "spinlock",
	.init = spin_init,
	.hart = spin_hart,
	.alloc = spin_alloc,
	.free = spin_free,
	.arm = spin_arm,
	.disarm = spin_disarm,
};
