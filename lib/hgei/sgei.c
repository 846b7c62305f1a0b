/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SGEI handler: runs on the trapping hart, costs O(pending lines). It runs in
 * the trap, so nothing else of this hart runs until it returns: no free or request
 * can come between reading an owner and waking it (G1). Free disarms before it
 * clears the owner, so an armed line has one; owners are never (void *)1.
 */
#include "internal.h"

/* After the owners' wake()s, which may have claimed: on QEMU a claim can race an MSI
 * into another armed line the way an hgeie write can (hgei_arch_riscv.h). */
static __attribute__((noinline)) unsigned sgei_done(struct hgei_hart *h, uint64_t pending,
						    unsigned long woken)
{
	hgei_arch_sgeip_settle();
	hgei_count(&h->ctr_sgei_traps, 1);
	hgei_count(&h->ctr_dispatches, woken);
	/* Pending and enabled but ownerless: only a port that writes hgeie itself. */
	hgei_count(&h->ctr_spurious, hgei_popcount(pending) - woken);
	return (unsigned)woken;
}

/*
 * Wakes the owners of the lines of @fired, lowest first, @woken owners having been
 * woken already, then the bookkeeping. Every case but the usual one (one pending
 * line, with an owner) ends here.
 */
static __attribute__((noinline)) unsigned sgei_lines(struct hgei_hart *h, uint64_t pending,
						     uint64_t fired, unsigned long woken)
{
	unsigned long g;
	void *owner;

	for (; fired; fired &= fired - 1) {
		g = hgei_ctz(fired);
		owner = hgei_owner_local(h, (unsigned)g);
		if (owner) {
			h->wake(owner, atomic_load_explicit(&h->hartid, memory_order_relaxed),
				(unsigned)g);
			woken++;
		}
	}
	return sgei_done(h, pending, woken);
}

/* No line pending (a port that writes hgeie itself raced an MSI, say). Apart, so that
 * the constants of its call are not set up on the way to wake(). */
static __attribute__((noinline)) unsigned sgei_none(struct hgei_hart *h)
{
	return sgei_done(h, 0, 0);
}

/*
 * The way to the first wake() is an SGEI's latency: it keeps only @h and @pending
 * live across that call and leaves the rest (other lines, the quirk's re-check, the
 * counters) to sgei_lines() and sgei_done() after it.
 */
unsigned hgei_handle_sgei(struct hgei_hart *h)
{
	uint64_t pending;
	unsigned g;
	void *owner;

	if (hgei_wrong_hart(h))
		return 0;
	/*
	 * hgeip stays high until the guest claims, so every pending line is masked:
	 * that is the one-shot disarm (G3: one wake per arm). No settle here: the one
	 * after the wake()s comes after this write too (hgei_arch_riscv.h).
	 */
	pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();
	hgei_arch_hgeie_clear_unsettled(pending);
	HGEI_STALL(HGEI_STALL_SGEI_MASKED, h);

	if (!pending)
		return sgei_none(h);
	g = (unsigned)hgei_ctz(pending);
	owner = hgei_owner_local(h, g);
	if (!owner)
		return sgei_lines(h, pending, pending, 0);
	h->wake(owner, atomic_load_explicit(&h->hartid, memory_order_relaxed), g);
	if (pending & (pending - 1))
		return sgei_lines(h, pending, pending & (pending - 1), 1);
	return sgei_done(h, pending, 1);
}
