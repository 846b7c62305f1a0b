/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Line allocation and release, callable from any hart without a lock.
 *
 * A line g is in one of three states: free (bit g in free, owners[g] NULL), claimed
 * (bit clear, owners[g] NULL: an allocator is between its two CASes) or owned
 * (owners[g] set). hgei_hart_offline() adds a fourth: revoked (owners[g] REVOKED).
 */
#include "internal.h"

static int alloc_fail(struct hgei_hart *h, struct hgei_line *out, int err)
{
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
	hgei_call_end(&h->ctr_alloc_failures);
	return err;
}

static int alloc_empty(struct hgei_hart *h, struct hgei_line *out)
{
	/* Relaxed: only picks the error code; both may change right after anyway. */
	if (!atomic_load_explicit(&h->online, memory_order_relaxed) ||
	    !atomic_load_explicit(&h->lines_mask, memory_order_relaxed))
		return alloc_fail(h, out, -HGEI_ENODEV);
	return alloc_fail(h, out, -HGEI_ENOSPC);
}

int hgei_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out)
{
	uint64_t bit;
	void *none = NULL;
	unsigned long g;

	hgei_call_begin(h);
	if (!hgei_is_owner(owner))
		return alloc_fail(h, out, -HGEI_EINVAL);

	/*
	 * Claim the lowest free bit. seq_cst (an lr.aqrl/sc.rl pair, no dearer than
	 * acquire): acquire pairs with hgei_hart_init()'s release of free, so slot_pa
	 * and the reset owners are seen; the total order is offline's (internal.h).
	 * A remote free's release amoor of the bit is seen the same way.
	 */
	bit = hgei_arch_claim_lowest(&h->free);
	if (!bit)
		return alloc_empty(h, out);

	/*
	 * Publish the owner. The claimed bit is ours alone, so only offline can have
	 * written owners[g] since it was freed: its REVOKED makes this CAS fail and the
	 * line stays with the offline hart. seq_cst for the order with offline's
	 * exchange; the release half publishes the caller's owner object to dispatch.
	 */
	g = hgei_bit_index(bit);
	if (!hgei_arch_cas_owner(&h->owners[g], &none, owner))
		return alloc_fail(h, out, -HGEI_ENODEV);

	out->line = (unsigned)g;
	out->hstatus_vgein = g << HGEI_HSTATUS_VGEIN_SHIFT;
	out->file_pa = h->slot_pa + g * HGEI_GUEST_FILE_SIZE;
	hgei_call_end(&h->ctr_allocs);
	return 0;
}

int hgei_free(struct hgei_hart *h, unsigned line, void *owner)
{
	uint64_t bit;
	void *cur = owner;

	hgei_call_begin(h);
	if (hgei_line_bad(line))
		goto fail;
	if (!cur)
		cur = atomic_load_explicit(&h->owners[line], memory_order_relaxed);

	/*
	 * Only the winner of this CAS frees the line, so a double free or a free racing
	 * a revoke changes nothing. seq_cst for the order with offline (internal.h);
	 * the acquire half also orders the owner's uses of the line before the release.
	 */
	if (!hgei_is_owner(cur) ||
	    !hgei_arch_cas_owner(&h->owners[line], &cur, NULL))
		goto fail;

	/*
	 * want before free: the next allocator must not inherit a wake request. Relaxed,
	 * because the release amoor below orders it before the bit an allocator claims.
	 * A stale hgeie bit on the owning hart is harmless: dispatch masks a pending
	 * line that is not in want and counts it spurious.
	 */
	bit = hgei_line_bit(line);
	atomic_fetch_and_explicit(&h->want, ~bit, memory_order_relaxed);
	hgei_arch_or_release(&h->free, bit);
	hgei_call_end(&h->ctr_frees);
	return 0;
fail:
	hgei_call_end(&h->ctr_free_failures);
	return -HGEI_EINVAL;
}

void *hgei_owner(const struct hgei_hart *h, unsigned line)
{
	void *o;

	if (hgei_line_bad(line))
		return NULL;
	/* Acquire: pairs with the allocator's CAS so the owner object is seen whole. */
	o = atomic_load_explicit((void *_Atomic *)&h->owners[line], memory_order_acquire);
	return hgei_is_owner(o) ? o : NULL;
}
