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

unsigned hgei_handle_sgei(struct hgei_hart *h)
{
	uint64_t pending, fired, bit;
	unsigned long g, woken = 0, spurious;
	void *owner;

	/* hgeip stays high until the guest claims, so every pending line is masked. */
	pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();
	hgei_arch_hgeie_clear(pending);

	/*
	 * One AMO disarms every pending line and tells which were wanted; a racing
	 * remote arm/disarm/free lands wholly before or after it. Acquire: pairs with
	 * hgei_arm()'s release, so what the owner wrote before arming reaches wake().
	 */
	fired = atomic_fetch_and_explicit(&h->want, ~pending, memory_order_acquire) &
		pending;
	spurious = count_bits(pending & ~fired);

	for (; fired; fired ^= bit) {
		bit = fired & -fired;
		g = hgei_bit_index(bit);
		/* Relaxed: the owner stored it before arming, so the acquire above
		 * already orders it. A line freed since its arm reads NULL (or, if
		 * re-allocated meanwhile, its new owner gets one spurious wake). */
		owner = atomic_load_explicit(&h->owners[g], memory_order_relaxed);
		if (hgei_is_owner(owner)) {
			h->ops->wake(owner, atomic_load_explicit(&h->hartid,
								 memory_order_relaxed),
				    (unsigned)g);
			woken++;
		} else {
			spurious++;
		}
	}

	/* The owners may have claimed in wake(); on QEMU that can race an MSI into
	 * another armed line the same way an hgeie write can (hgei_arch_riscv.h). */
	hgei_arch_sgeip_settle();
	hgei_local_add(&h->ctr_sgei_traps, 1);
	hgei_local_add(&h->ctr_dispatches, woken);
	hgei_local_add(&h->ctr_spurious, spurious);
	return (unsigned)woken;
}
