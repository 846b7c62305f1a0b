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
	unsigned geilen, n;
	unsigned long flags;
	uint64_t mask;

	if (!h || !ops || !ops->wake)
		return -HGEI_EINVAL;
	if (hgei_wrong_hartid(hartid))
		return -HGEI_EPERM;
	if (h->online)
		return -HGEI_EBUSY;

	flags = hgei_arch_irq_save();
	geilen = probe_geilen(hartid);
	n = geilen < dt_limit ? geilen : dt_limit;
	mask = n ? (~0ULL >> (64 - n)) << 1 : 0;

	/*
	 * Closed (zeroed, or offline's doing): no other hart writes these. Every owner
	 * is NULL already: zeroed, freed, or revoked by offline.
	 */
	atomic_store_explicit(&h->hartid, hartid, memory_order_relaxed);
	hgei_arch_store(&h->free, mask);
	hgei_arch_store(&h->lines_mask, mask);
	h->slot_pa = slot_pa;
	h->ops = ops;
	h->wake = ops->wake;
	h->geilen = geilen;
	h->dt_limit = dt_limit > 255 ? 255 : dt_limit;
	h->nr_lines = n;
	h->online = 1;
	hgei_arch_hgeie_write(0);
	/* SGEI always on: a hart with no line still traps if hgeip rises. */
	hgei_arch_hie_set(HGEI_CSR_HIE_SGEIE);

	/* Release: a poster that sees the list open (acquire) sees the hartid. */
	atomic_store_explicit(&h->reqs, HGEI_REQS_OPEN, memory_order_release);
	hgei_arch_irq_restore(flags);
	atomic_fetch_add_explicit(&harts_with_lines[n], 1, memory_order_relaxed);
	hgei_port_log("hgei: hart %u: GEILEN %u, devicetree %u, %u lines",
		      hartid, geilen, dt_limit, n);
	return n;
}

/*
 * Takes every owned line back and tells its owner (G4: once each). A revoke() may
 * call this hart's own operations (a VM torn down frees its other vCPUs' lines, or
 * allocates): owned lines are looked up afresh before each callback, so a line freed
 * in one is not revoked, and a line allocated in one is revoked too. @done makes each
 * line revoked once; it only grows, so the loop ends after at most GEILEN callbacks.
 */
static unsigned revoke_lines(struct hgei_hart *h)
{
	uint32_t hartid = atomic_load_explicit(&h->hartid, memory_order_relaxed);
	uint64_t owned, done = 0;
	unsigned revoked = 0;
	unsigned long g;
	void *owner;

	while ((owned = hgei_load(&h->lines_mask) & ~hgei_load(&h->free) & ~done)) {
		g = hgei_ctz(owned);
		done |= 1ULL << g;
		owner = hgei_owner_local(h, (unsigned)g);
		hgei_arch_store_ptr(&h->owners[g], NULL);
		if (h->ops->revoke)
			h->ops->revoke(owner, hartid, (unsigned)g);
		revoked++;
	}
	return revoked;
}

int hgei_hart_offline(struct hgei_hart *h)
{
	struct hgei_req *list;
	unsigned long flags;
	unsigned revoked;

	/* Closed (zeroed or offline): nothing to do, whichever hart asks. */
	if (!atomic_load_explicit(&h->reqs, memory_order_relaxed))
		return -HGEI_ENODEV;
	if (hgei_wrong_hart(h))
		return -HGEI_EPERM;
	flags = hgei_arch_irq_save();
	if (!h->online) {
		hgei_arch_irq_restore(flags);
		return -HGEI_ENODEV;
	}
	/*
	 * Revoke first, then close: a poster that finds the list closed then knows
	 * every revoke has run (G1 also for a remote free that fails with -ENODEV).
	 * Nothing waits on another hart (G4).
	 */
	h->online = 0;
	hgei_arch_hgeie_write(0);
	revoked = revoke_lines(h);
	/* Again: a revoke() may have allocated and armed a line, since revoked. */
	hgei_arch_hgeie_write(0);
	hgei_arch_store(&h->lines_mask, 0);
	hgei_arch_store(&h->free, 0);
	/*
	 * Acquire: pairs with the posters' release. Release: a poster that finds the
	 * list closed (its acquire) sees every revoke above. What was posted before the
	 * close is served now, against the emptied hart: it fails, and its caller returns.
	 */
	list = atomic_exchange_explicit(&h->reqs, NULL, memory_order_acq_rel);
	HGEI_STALL(HGEI_STALL_OFFLINE_CLOSED, h);
	hgei_serve(h, list);
	hgei_count(&h->ctr_revokes, revoked);
	hgei_arch_irq_restore(flags);
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
	uint64_t owned;

	/* Relaxed: statistics, each word read on its own. Every allocated line has
	 * been freed, revoked, or is owned now: exact on a quiet hart; with calls in
	 * flight on it, allocs is as good as any other counter read meanwhile. */
	c->frees = hgei_load(&h->ctr_frees);
	c->revokes = hgei_load(&h->ctr_revokes);
	owned = ~hgei_load(&h->free);
	owned &= hgei_load(&h->lines_mask);
	c->allocs = c->frees + c->revokes + hgei_popcount(owned);
	c->alloc_failures = hgei_load(&h->ctr_alloc_failures);
	c->free_failures = hgei_load(&h->ctr_free_failures);
	c->sgei_traps = hgei_load(&h->ctr_sgei_traps);
	c->dispatches = hgei_load(&h->ctr_dispatches);
	c->spurious = hgei_load(&h->ctr_spurious);
	c->requests = hgei_load(&h->ctr_requests);
}
