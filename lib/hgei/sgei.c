/* SPDX-License-Identifier: BSD-2-Clause */
/* The SGEI handler: runs on the trapping hart, costs O(pending lines). */
#include "internal.h"

static unsigned long count_bits(uint64_t x)
{
	unsigned long n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/*
 * In the trap, so nothing else of this hart runs until it returns: no free or
 * request can come between reading an owner and waking it (G1). Kept short up to
 * the first wake(), which is what an SGEI's latency is: only h, fired and woken
 * live across the calls, and the counters are done after.
 */
unsigned hgei_handle_sgei(struct hgei_hart *h)
{
	uint64_t pending, fired;
	unsigned long g, woken = 0;
	void *owner;

	if (hgei_wrong_hart(h))
		return 0;
	/*
	 * hgeip stays high until the guest claims, so every pending line is masked:
	 * that is the one-shot disarm (G3: one wake per arm). No settle here: the one
	 * at the end comes after this write too (hgei_arch_riscv.h).
	 */
	pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();
	hgei_arch_hgeie_clear_unsettled(pending);
	HGEI_STALL(HGEI_STALL_SGEI_MASKED, h);

	for (fired = pending; fired; fired &= fired - 1) {
		g = hgei_ctz(fired);
		/* Free disarms before it clears the owner: an armed line has one. */
		owner = hgei_owner_local(h, (unsigned)g);
		if (hgei_is_owner(owner)) {
			h->ops->wake(owner, atomic_load_explicit(&h->hartid,
								 memory_order_relaxed),
				     (unsigned)g);
			woken++;
		}
	}

	/* The owners may have claimed in wake(); on QEMU that can race an MSI into
	 * another armed line the same way an hgeie write can (hgei_arch_riscv.h). */
	hgei_arch_sgeip_settle();
	hgei_count(&h->ctr_sgei_traps, 1);
	hgei_count(&h->ctr_dispatches, woken);
	/* Pending and enabled but ownerless: only a port that writes hgeie itself. */
	hgei_count(&h->ctr_spurious, count_bits(pending) - woken);
	return (unsigned)woken;
}
