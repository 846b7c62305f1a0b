/* SPDX-License-Identifier: BSD-2-Clause */
/* A hart coming online and going offline; the global figures; counters. */
#include "internal.h"

/*
 * Histogram of the online harts by line count. Harts come online concurrently, so
 * each only adds to or takes from its own bucket; min/max/total are derived when read.
 * Relaxed: statistics, nothing else is published through them.
 */
static _Atomic uint32_t harts_with_lines[HGEI_MAX_LINES + 1];

/* GEILEN: the implemented hgeie bits are 1..GEILEN; count them up from bit 1. */
static unsigned probe_geilen(uint32_t hartid)
{
	uint64_t old = hgei_arch_hgeie_read(), impl;
	unsigned geilen;

	hgei_arch_hgeie_write(~0ULL);
	impl = hgei_arch_hgeie_read();
	hgei_arch_hgeie_write(old);

	geilen = (unsigned)hgei_ctz(~(impl >> 1));
	if ((impl >> 1) >> geilen)
		hgei_port_log("hgei: hart %u: hgeie readback %#llx has holes, GEILEN %u",
			      hartid, (unsigned long long)impl, geilen);
	return geilen;
}

int hgei_hart_init(struct hgei_hart *h, uint32_t hartid, unsigned dt_limit,
		   uint64_t slot_pa, const struct hgei_ops *ops)
{
	unsigned geilen, n, g;
	uint64_t mask;

	if (!h || !ops || !ops->wake)
		return -HGEI_EINVAL;
	if (atomic_load_explicit(&h->online, memory_order_relaxed))
		return -HGEI_EBUSY;

	geilen = probe_geilen(hartid);
	n = geilen < dt_limit ? geilen : dt_limit;
	mask = n ? (~0ULL >> (64 - n)) << 1 : 0;

	/*
	 * Nothing of this hart is reachable yet: free is 0 (zeroed or emptied by
	 * offline, which waited out every racing call), so these plain and relaxed
	 * stores are published by the release store of free below.
	 */
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		atomic_store_explicit(&h->owners[g], NULL, memory_order_relaxed);
	atomic_store_explicit(&h->want, 0, memory_order_relaxed);
	atomic_store_explicit(&h->hartid, hartid, memory_order_relaxed);
	atomic_store_explicit(&h->lines_mask, mask, memory_order_relaxed);
	h->slot_pa = slot_pa;
	h->ops = ops;
	h->geilen = geilen;
	h->dt_limit = dt_limit > 255 ? 255 : dt_limit;
	h->nr_lines = n;
	hgei_arch_hgeie_write(0);

	/* Release: an allocator that claims a bit (acquire) sees all of the above. */
	atomic_store_explicit(&h->free, mask, memory_order_release);
	atomic_store_explicit(&h->online, 1, memory_order_release);
	atomic_fetch_add_explicit(&harts_with_lines[n], 1, memory_order_relaxed);

	/* SGEI always on: a hart with no line still traps if hgeip rises. */
	hgei_arch_hie_set(HGEI_CSR_HIE_SGEIE);
	hgei_port_log("hgei: hart %u: GEILEN %u, devicetree %u, %u lines",
		      hartid, geilen, dt_limit, n);
	return n;
}

/* Waits until every hgei_alloc()/hgei_free() call begun on @h has ended (internal.h). */
static void wait_calls(struct hgei_hart *h)
{
	uint64_t ended;

	do {
		ended = atomic_load_explicit(&h->ctr_allocs, memory_order_acquire) +
			atomic_load_explicit(&h->ctr_alloc_failures, memory_order_acquire) +
			atomic_load_explicit(&h->ctr_frees, memory_order_acquire) +
			atomic_load_explicit(&h->ctr_free_failures, memory_order_acquire);
	} while (atomic_load_explicit(&h->calls, memory_order_seq_cst) != ended);
}

static unsigned revoke_lines(struct hgei_hart *h, uint64_t taken)
{
	uint32_t hartid = atomic_load_explicit(&h->hartid, memory_order_relaxed);
	unsigned revoked = 0;
	unsigned long g;
	uint64_t bit;
	void *owner;

	for (; taken; taken ^= bit) {
		bit = taken & -taken;
		g = hgei_bit_index(bit);
		/*
		 * seq_cst, against an allocator between its two CASes: either its
		 * CAS(NULL -> owner) came first and we revoke that owner, or it sees
		 * REVOKED and fails. A free that won its CAS leaves NULL: not revoked.
		 */
		owner = atomic_exchange_explicit(&h->owners[g], HGEI_REVOKED,
						 memory_order_seq_cst);
		if (!hgei_is_owner(owner))
			continue;
		if (h->ops->revoke)
			h->ops->revoke(owner, hartid, (unsigned)g);
		revoked++;
	}
	return revoked;
}

int hgei_hart_offline(struct hgei_hart *h)
{
	uint64_t mask = atomic_load_explicit(&h->lines_mask, memory_order_relaxed);
	unsigned revoked;

	if (!atomic_load_explicit(&h->online, memory_order_relaxed))
		return -HGEI_ENODEV;
	atomic_store_explicit(&h->online, 0, memory_order_relaxed);
	hgei_arch_hgeie_write(0);

	/* seq_cst: see internal.h. From here on no allocator claims a line that was free. */
	revoked = revoke_lines(h, mask & ~atomic_exchange_explicit(&h->free, 0,
								   memory_order_seq_cst));

	/*
	 * A free that won its CAS before the revoke sets its free bit after our
	 * exchange. Wait for those, drop their bits, then wait for allocators that
	 * claimed such a bit (their owner CAS meets REVOKED). After that nothing
	 * begun before can touch the hart, and nothing begun later finds a line.
	 */
	wait_calls(h);
	atomic_exchange_explicit(&h->free, 0, memory_order_seq_cst);
	wait_calls(h);

	atomic_store_explicit(&h->want, 0, memory_order_relaxed);
	atomic_store_explicit(&h->lines_mask, 0, memory_order_relaxed);
	hgei_local_add(&h->ctr_revokes, revoked);
	atomic_fetch_sub_explicit(&harts_with_lines[h->nr_lines], 1, memory_order_relaxed);
	hgei_port_log("hgei: hart %u: offline, %u lines revoked",
		      atomic_load_explicit(&h->hartid, memory_order_relaxed), revoked);
	return revoked;
}

void hgei_get_figures(struct hgei_figures *f)
{
	unsigned n, harts;

	f->online_harts = 0;
	f->min_lines = 0;
	f->max_lines = 0;
	f->total_lines = 0;
	for (n = 0; n <= HGEI_MAX_LINES; n++) {
		harts = atomic_load_explicit(&harts_with_lines[n], memory_order_relaxed);
		if (!harts)
			continue;
		if (!f->online_harts)
			f->min_lines = n;
		f->max_lines = n;
		f->online_harts += harts;
		f->total_lines += (uint64_t)harts * n;
	}
}

void hgei_hart_counters(const struct hgei_hart *h, struct hgei_counters *c)
{
	struct hgei_hart *m = (struct hgei_hart *)h;

	/* Relaxed: statistics. */
	c->allocs = atomic_load_explicit(&m->ctr_allocs, memory_order_relaxed);
	c->frees = atomic_load_explicit(&m->ctr_frees, memory_order_relaxed);
	c->alloc_failures = atomic_load_explicit(&m->ctr_alloc_failures,
						 memory_order_relaxed);
	c->free_failures = atomic_load_explicit(&m->ctr_free_failures,
						memory_order_relaxed);
	c->sgei_traps = atomic_load_explicit(&m->ctr_sgei_traps, memory_order_relaxed);
	c->dispatches = atomic_load_explicit(&m->ctr_dispatches, memory_order_relaxed);
	c->spurious = atomic_load_explicit(&m->ctr_spurious, memory_order_relaxed);
	c->revokes = atomic_load_explicit(&m->ctr_revokes, memory_order_relaxed);
}
