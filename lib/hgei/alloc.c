/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Line allocation and release, on the owning hart with its interrupts masked: the
 * hart is the only writer of its free map and owners, so plain loads and stores do.
 * The fast paths are the calls that succeed for a named owner; failures and the
 * manager's free (NULL owner) are out of line, where the error is worked out.
 */
#include "internal.h"

static void clear_line(struct hgei_line *out)
{
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
}

/*
 * The slow paths end the masked step themselves (@flags), so the fast path reaches
 * them with a tail call and keeps no frame.
 */
static __attribute__((noinline, cold)) int alloc_fail(struct hgei_hart *h, void *owner,
						      struct hgei_line *out,
						      unsigned long flags)
{
	int err = -HGEI_EINVAL;

	if (hgei_is_owner(owner))
		err = hgei_load(&h->lines_mask) ? -HGEI_ENOSPC : -HGEI_ENODEV;
	clear_line(out);
	hgei_count(&h->ctr_alloc_failures, 1);
	hgei_arch_irq_restore(flags);
	return err;
}

int hgei_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out)
{
	uint64_t free, bit, vgein;
	unsigned long flags, g;

	HGEI_STALL(HGEI_STALL_ALLOC_BEGIN, h);
	if (hgei_wrong_hart(h)) {
		/* Not counted: the counters are the other hart's to write. */
		clear_line(out);
		return -HGEI_EPERM;
	}
	flags = hgei_arch_irq_save();
	free = hgei_load(&h->free);
	if (!hgei_is_owner(owner) || !free)
		return alloc_fail(h, owner, out, flags);
	/* No counter: allocs are derived from frees, revokes and the lines owned now
	 * (hgei_hart_counters()), so the hot paths pay for one counter, free's. */
	bit = free & -free;
	hgei_arch_store(&h->free, free ^ bit);
	g = hgei_bit_index(bit);
	/*
	 * A plain store: wake() runs on this hart, after this in program order, and
	 * another hart's hgei_owner() only compares what it reads (hgei.h).
	 */
	hgei_arch_store_ptr(&h->owners[g], owner);
	/* The guest file's offset in the slot is the VGEIN value: both are g << 12. */
	vgein = g << HGEI_HSTATUS_VGEIN_SHIFT;
	out->line = (unsigned)g;
	out->hstatus_vgein = vgein;
	out->file_pa = h->slot_pa + vgein;
	hgei_arch_irq_restore(flags);
	return 0;
}

/*
 * Disarms before the owner goes, so the next owner inherits no hgeie bit (G2), and
 * the line's SGEI, served on this hart, can no longer reach the old owner once this
 * returns (G1).
 */
static inline int free_line(struct hgei_hart *h, unsigned line)
{
	uint64_t bit = hgei_line_bit(line);

	hgei_arch_hgeie_clear(bit);
	hgei_arch_store_ptr(&h->owners[line], NULL);
	hgei_arch_store(&h->free, hgei_load(&h->free) | bit);
	hgei_count(&h->ctr_frees, 1);
	return 0;
}

/* The manager's free (@owner NULL: whoever holds the line), and every failure;
 * ends the masked step (@flags). Owners are never (void *)1: non-NULL is one. */
static __attribute__((noinline)) int free_slow(struct hgei_hart *h, unsigned line,
					       void *owner, unsigned long flags)
{
	int err = -HGEI_EINVAL;

	if (!owner && !hgei_line_bad(line) && hgei_owner_local(h, line))
		err = free_line(h, line);
	else
		hgei_count(&h->ctr_free_failures, 1);
	hgei_arch_irq_restore(flags);
	return err;
}

int hgei_free(struct hgei_hart *h, unsigned line, void *owner)
{
	unsigned long flags;

	if (hgei_wrong_hart(h))
		return -HGEI_EPERM;
	flags = hgei_arch_irq_save();
	/* A named owner must hold the line: owners[0] and free lines hold NULL, and
	 * (void *)1 is never stored. */
	if (hgei_line_bad(line) || !owner || hgei_owner_local(h, line) != owner)
		return free_slow(h, line, owner, flags);
	free_line(h, line);
	hgei_arch_irq_restore(flags);
	return 0;
}

void *hgei_owner(const struct hgei_hart *h, unsigned line)
{
	if (hgei_line_bad(line))
		return NULL;
	/* Relaxed: a snapshot for comparison, publishes nothing (hgei.h). */
	return atomic_load_explicit((void *_Atomic *)&h->owners[line], memory_order_relaxed);
}
