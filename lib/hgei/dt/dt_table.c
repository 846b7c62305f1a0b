/* SPDX-License-Identifier: BSD-2-Clause */
/* Ordering the table: an in-place heapsort (no recursion, no allocation) and lookup. */
#include "dt_internal.h"

static void dt_sift_down(void *ctx, uint32_t root, uint32_t n,
			 bool (*less)(void *, uint32_t, uint32_t),
			 void (*swap)(void *, uint32_t, uint32_t))
{
	uint32_t child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && less(ctx, child, child + 1))
			child++;
		if (!less(ctx, root, child))
			return;
		swap(ctx, root, child);
		root = child;
	}
}

/* Heapsort: O(n log n) worst case, so a hostile blob cannot make it quadratic. */
void dt_sort(void *ctx, uint32_t n, bool (*less)(void *, uint32_t, uint32_t),
	     void (*swap)(void *, uint32_t, uint32_t))
{
	uint32_t i;

	for (i = n / 2; i-- > 0;)
		dt_sift_down(ctx, i, n, less, swap);
	for (i = n; i-- > 1;) {
		swap(ctx, 0, i);
		dt_sift_down(ctx, 0, i, less, swap);
	}
}

static bool dt_hart_less(void *ctx, uint32_t a, uint32_t b)
{
	const struct hgei_dt_hart *v = ctx;

	return v[a].hartid < v[b].hartid;
}

static void dt_hart_swap(void *ctx, uint32_t a, uint32_t b)
{
	struct hgei_dt_hart *v = ctx, tmp = v[a];

	v[a] = v[b];
	v[b] = tmp;
}

/*
 * Sorts harts[] by hartid. Two entries with one hartid can only come from two cpu
 * nodes with the same reg (one cpu named twice was caught when claimed): both lose.
 */
void dt_table_finish(struct dt_ctx *c)
{
	struct hgei_dt_table *t = c->t;
	uint32_t i;

	dt_sort(t->harts, t->nr_harts, dt_hart_less, dt_hart_swap);
	for (i = 1; i < t->nr_harts; i++) {
		struct hgei_dt_hart *a = &t->harts[i - 1], *b = &t->harts[i];

		if (a->hartid != b->hartid)
			continue;
		a->err = -HGEI_EEXIST;
		a->dt_guest_files = a->raw_guest_files = 0;
		dt_hart_error(c, b, -HGEI_EEXIST, "hartid %u is the reg of two cpu nodes",
			      b->hartid);
	}
}

const struct hgei_dt_hart *hgei_dt_find(const struct hgei_dt_table *t, uint32_t hartid)
{
	uint32_t lo = 0, hi;

	if (!t || !t->harts)
		return NULL;
	hi = t->nr_harts;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct hgei_dt_hart *h = &t->harts[mid];

		if (h->hartid == hartid)
			return h;
		if (h->hartid < hartid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
