/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Baseline (b): the design before the per-hart series: one global lock, taken with
 * interrupts disabled, over every hart's bitmap and owners, and one global count of
 * free lines checked and updated with each allocation and release. Same contract as
 * hgei.h and the same bit search as the library.
 */
#include "../lib/hgei/internal.h"
#include "bench_impl.h"
#include "bench_irq.h"
#include "bench_spin.h"

struct global_hart {
	uint32_t hartid;
	uint64_t free, want;	/* under global_lock */
	uint64_t slot_pa;
	void *owners[HGEI_MAX_LINES + 1];
};

static _Atomic uint32_t global_lock;
static uint64_t global_free_lines;	/* under global_lock: free lines on all harts */
static struct global_hart harts[BENCH_MAX_HARTS];

/* Runs once per hart before any allocation; the boot hart's barrier orders it. */
static void global_init(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
			struct hgei_hart *h)
{
	struct global_hart *s = &harts[index];

	(void)h;
	bench_spin_lock(&global_lock);
	global_free_lines -= (uint64_t)__builtin_popcountll(s->free);
	s->hartid = hartid;
	s->free = lines ? (~0ULL >> (64 - lines)) << 1 : 0;
	s->want = 0;
	s->slot_pa = slot_pa;
	for (unsigned g = 0; g <= HGEI_MAX_LINES; g++)
		s->owners[g] = NULL;
	global_free_lines += lines;
	bench_spin_unlock(&global_lock);
}

static void *global_hart(unsigned index)
{
	return &harts[index];
}

static int global_alloc(void *hart, void *owner, struct hgei_line *out)
{
	struct global_hart *s = hart;
	uint64_t flags, free, bit = 0;
	unsigned long g = 0;

	if (!hgei_is_owner(owner))
		goto fail;
	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	free = s->free;
	if (global_free_lines && free) {
		bit = free & -free;
		s->free = free ^ bit;
		g = hgei_bit_index(bit);
		s->owners[g] = owner;
		global_free_lines--;
	}
	bench_spin_unlock(&global_lock);
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

static int global_free(void *hart, unsigned line, void *owner)
{
	struct global_hart *s = hart;
	uint64_t flags;
	void *cur;
	int err = -HGEI_EINVAL;

	if (hgei_line_bad(line))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	cur = s->owners[line];
	if (hgei_is_owner(cur) && (!owner || cur == owner)) {
		s->owners[line] = NULL;
		s->want &= ~hgei_line_bit(line);
		s->free |= hgei_line_bit(line);
		global_free_lines++;
		err = 0;
	}
	bench_spin_unlock(&global_lock);
	bench_irq_restore(flags);
	return err;
}

static int global_set_want(void *hart, unsigned line, void *owner, bool on)
{
	struct global_hart *s = hart;
	uint64_t flags, bit = hgei_line_bit(line);
	bool local = s->hartid == hgei_port_hartid();
	int err = -HGEI_EINVAL;

	if (hgei_line_bad(line) || !hgei_is_owner(owner))
		return -HGEI_EINVAL;
	flags = bench_irq_save();
	bench_spin_lock(&global_lock);
	if (s->owners[line] == owner) {
		s->want = on ? s->want | bit : s->want & ~bit;
		if (local && on)
			hgei_arch_hgeie_set(bit);
		else if (local)
			hgei_arch_hgeie_clear(bit);
		err = 0;
	}
	bench_spin_unlock(&global_lock);
	bench_irq_restore(flags);
	if (!err && on && !local)
		hgei_port_kick(s->hartid);
	return err;
}

static int global_arm(void *hart, unsigned line, void *owner)
{
	return global_set_want(hart, line, owner, true);
}

static int global_disarm(void *hart, unsigned line, void *owner)
{
	return global_set_want(hart, line, owner, false);
}

const struct bench_impl bench_global = {
	.name = "global",
	.init = global_init,
	.hart = global_hart,
	.alloc = global_alloc,
	.free = global_free,
	.arm = global_arm,
	.disarm = global_disarm,
};
