/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wake requests. want is the truth, any hart may change it with an AMO; hgeie is the
 * owning hart's copy, written only there (at once when local, in hgei_sync() when
 * kicked). A bit in hgeie but not in want costs one spurious SGEI, never a lost wake.
 */
#include "internal.h"

static bool owned_by(struct hgei_hart *h, unsigned line, void *owner)
{
	/* Relaxed: the caller is the owner, so its own alloc already ordered this. */
	return !hgei_line_bad(line) && hgei_is_owner(owner) &&
	       atomic_load_explicit(&h->owners[line], memory_order_relaxed) == owner;
}

int hgei_arm(struct hgei_hart *h, unsigned line, void *owner)
{
	uint64_t bit;
	uint32_t hartid;

	if (!owned_by(h, line, owner))
		return -HGEI_EINVAL;
	bit = hgei_line_bit(line);

	/*
	 * want before hgeie. An SGEI taken between the two finds the line not yet in
	 * hgeie and ignores it; the csrs then lets it trap. The other order could mask
	 * the line in an SGEI that sees want still clear: a lost wake.
	 * Release: a remote request is read by hgei_sync() after the kick (acquire).
	 */
	hgei_arch_or_release(&h->want, bit);
	hartid = atomic_load_explicit(&h->hartid, memory_order_relaxed);
	if (hartid == hgei_port_hartid())
		hgei_arch_hgeie_set(bit);
	else
		hgei_port_kick(hartid);
	return 0;
}

int hgei_disarm(struct hgei_hart *h, unsigned line, void *owner)
{
	uint64_t bit;

	if (!owned_by(h, line, owner))
		return -HGEI_EINVAL;
	bit = hgei_line_bit(line);

	/* Relaxed: an SGEI that still sees the bit wakes the owner once more, which an
	 * arm racing with its own disarm must accept anyway. */
	atomic_fetch_and_explicit(&h->want, ~bit, memory_order_relaxed);
	if (atomic_load_explicit(&h->hartid, memory_order_relaxed) == hgei_port_hartid())
		hgei_arch_hgeie_clear(bit);
	return 0;
}

void hgei_sync(struct hgei_hart *h)
{
	/*
	 * Acquire: pairs with a remote arm's release, ordered before its kick. An SGEI
	 * between the load and the write may have cleared a bit we write back: that
	 * line then traps once more and is masked as spurious.
	 */
	uint64_t want = atomic_load_explicit(&h->want, memory_order_acquire);

	hgei_arch_hgeie_write(want & atomic_load_explicit(&h->lines_mask,
							  memory_order_relaxed));
}
