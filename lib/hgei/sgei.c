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
 * Kept short up to the first wake(), which is what an SGEI's latency is: only h,
 * pending, fired and woken live across the calls, and the counters are done after.
 */
unsigned hgei_handle_sgei(struct hgei_hart *h)
{
	uint64_t pending, fired;
	unsigned long g, woken = 0;
	void *owner;

	/*
	 * hgeip stays high until the guest claims, so every pending line is masked. No
	 * settle here: the one at the end comes after this write too (hgei_arch_riscv.h).
	 */
	pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();
	hgei_arch_hgeie_clear_unsettled(pending);

	/*
	 * One AMO disarms every pending line and tells which were wanted; a racing
	 * remote arm/disarm/free lands wholly before or after it. Acquire: pairs with
	 * hgei_arm()'s release, so what the owner wrote before arming reaches wake().
	 */
	fired = atomic_fetch_and_explicit(&h->want, ~pending, memory_order_acquire) &
		pending;

	for (; fired; fired &= fired - 1) {
		g = hgei_ctz(fired);
		/* Relaxed: the owner stored it before arming, so the acquire above
		 * already orders it. A line freed since its arm reads NULL (or, if
		 * re-allocated meanwhile, its new owner gets one spurious wake). */
		owner = atomic_load_explicit(&h->owners[g], memory_order_relaxed);
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
	hgei_local_add(&h->ctr_sgei_traps, 1);
	hgei_local_add(&h->ctr_dispatches, woken);
	/* Pending but not woken: nobody wanted it, or its owner had freed it. */
	hgei_local_add(&h->ctr_spurious, count_bits(pending) - woken);
	return (unsigned)woken;
}
