/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Line allocation and release, on the owning hart with its interrupts masked: the
 * hart is the only writer of its free map and owners, so plain loads and stores do.
 */
#include "internal.h"

static int alloc_fail(struct hgei_hart *h, struct hgei_line *out, int err)
{
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
	hgei_count(&h->ctr_alloc_failures, 1);
	return err;
}

static inline int alloc_masked(struct hgei_hart *h, void *owner, struct hgei_line *out)
{
	uint64_t free = h->free, bit;
	unsigned long g;

	if (!hgei_is_owner(owner))
		return alloc_fail(h, out, -HGEI_EINVAL);
	if (!free)
		return alloc_fail(h, out, h->lines_mask ? -HGEI_ENOSPC : -HGEI_ENODEV);
	bit = free & -free;
	h->free = free ^ bit;
	g = hgei_bit_index(bit);
	/*
	 * A plain store: wake() runs on this hart, after this in program order, and
	 * another hart's hgei_owner() only compares what it reads (hgei.h).
	 */
	hgei_arch_store_ptr(&h->owners[g], owner);
	hgei_count(&h->ctr_allocs, 1);
	out->line = (unsigned)g;
	out->hstatus_vgein = g << HGEI_HSTATUS_VGEIN_SHIFT;
	out->file_pa = h->slot_pa + g * HGEI_GUEST_FILE_SIZE;
	return 0;
}

int hgei_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out)
{
	unsigned long flags;
	int err;

	HGEI_STALL(HGEI_STALL_ALLOC_BEGIN, h);
	if (hgei_wrong_hart(h)) {
		/* Not counted: the counters are the other hart's to write. */
		out->line = 0;
		out->hstatus_vgein = 0;
		out->file_pa = 0;
		return -HGEI_EPERM;
	}
	flags = hgei_arch_irq_save();
	err = alloc_masked(h, owner, out);
	hgei_arch_irq_restore(flags);
	return err;
}

/*
 * Disarms before the owner goes, so the next owner inherits no hgeie bit (G2), and
 * the line's SGEI, served on this hart, can no longer reach the old owner once this
 * returns (G1).
 */
static inline int free_masked(struct hgei_hart *h, unsigned line, void *owner)
{
	uint64_t bit;
	void *cur;

	if (hgei_line_bad(line))
		goto fail;
	cur = hgei_owner_local(h, line);
	/* A named owner must hold the line ((void *)1 never does); NULL takes any. */
	if (owner ? cur != owner : !hgei_is_owner(cur))
		goto fail;
	bit = hgei_line_bit(line);
	hgei_arch_hgeie_clear(bit);
	hgei_arch_store_ptr(&h->owners[line], NULL);
	h->free |= bit;
	hgei_count(&h->ctr_frees, 1);
	return 0;
fail:
	hgei_count(&h->ctr_free_failures, 1);
	return -HGEI_EINVAL;
}

int hgei_free(struct hgei_hart *h, unsigned line, void *owner)
{
	unsigned long flags;
	int err;

	if (hgei_wrong_hart(h))
		return -HGEI_EPERM;
	flags = hgei_arch_irq_save();
	err = free_masked(h, line, owner);
	hgei_arch_irq_restore(flags);
	return err;
}

void *hgei_owner(const struct hgei_hart *h, unsigned line)
{
	if (hgei_line_bad(line))
		return NULL;
	/* Relaxed: a snapshot for comparison, publishes nothing (hgei.h). */
	return atomic_load_explicit((void *_Atomic *)&h->owners[line], memory_order_relaxed);
}
