/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The AIA layout: a hart's slot is base | group << group-shift | index << (guest-bits
 * + 12), 2^guest-bits pages: its S-level file, then one page per guest file. reg lists
 * the slots region after region, so entry i lives in the first region whose running
 * slot count passes i, and a region cut short gives its last hart fewer guest files.
 */
#include "dt_internal.h"

static uint32_t dt_slot_shift(const struct dt_imsic *m)
{
	return m->guest_bits + DT_PAGE_SHIFT;
}

/* Loads region @r into the cursor; a partial last slot still counts as a slot. */
void dt_region_load(struct dt_imsic *m, uint32_t r)
{
	const fdt32_t *p = m->reg + r * (m->addr_cells + m->size_cells);
	uint64_t partial;

	m->rgn = r;
	m->rgn_addr = dt_cells(p, m->addr_cells);
	m->rgn_size = dt_cells(p + m->addr_cells, m->size_cells);
	partial = m->rgn_size & ((1ULL << dt_slot_shift(m)) - 1);
	m->rgn_slots = (m->rgn_size >> dt_slot_shift(m)) + (partial != 0);
}

/* The address bits that hold the group and hart numbers and the guest file. */
uint64_t dt_index_mask(const struct dt_imsic *m)
{
	uint64_t hart = ((1ULL << m->hart_bits) - 1) << dt_slot_shift(m);
	uint64_t group = ((1ULL << m->group_bits) - 1) << m->group_shift;

	return hart | group | ((1ULL << dt_slot_shift(m)) - 1);
}

/* Entries come in order, so the cursor only ever moves forward: linear overall. */
void dt_slot_place(struct dt_ctx *c, struct dt_imsic *m, struct hgei_dt_hart *h)
{
	uint64_t off, pages, raw;

	while (h->index - m->rgn_first >= m->rgn_slots) {
		if (m->rgn + 1 >= m->nr_regions) {
			dt_hart_error(c, h, -HGEI_ERANGE,
				      "interrupts-extended entry %u beyond the %llu slots of reg",
				      h->index,
				      (unsigned long long)(m->rgn_first + m->rgn_slots));
			return;
		}
		m->rgn_first += m->rgn_slots;
		dt_region_load(m, m->rgn + 1);
	}
	off = (h->index - m->rgn_first) << dt_slot_shift(m);
	h->slot_pa = m->rgn_addr + off;
	pages = (m->rgn_size - off) >> DT_PAGE_SHIFT;
	if (!pages) {
		dt_hart_error(c, h, -HGEI_ERANGE,
			      "reg region %u ends inside the hart's S-level page", m->rgn);
		return;
	}
	/* Page 0 of the slot is the S-level file; guest files follow it. */
	raw = (1ULL << m->guest_bits) - 1;
	if (pages - 1 < raw)
		raw = pages - 1;
	h->raw_guest_files = (uint8_t)raw;
	h->dt_guest_files = (uint8_t)(raw < DT_MAX_GUEST_FILES ? raw : DT_MAX_GUEST_FILES);
}

/* Once the node's field widths are final: the slot must decompose by the formula. */
void dt_slot_check(struct dt_ctx *c, const struct dt_imsic *m, struct hgei_dt_hart *h)
{
	if ((h->slot_pa & ~dt_index_mask(m)) != m->base) {
		dt_hart_error(c, h, -HGEI_ERANGE,
			      "slot 0x%llx outside the %u hart-index bits above base 0x%llx",
			      (unsigned long long)h->slot_pa, m->hart_bits,
			      (unsigned long long)m->base);
		return;
	}
	h->group = (uint32_t)(h->slot_pa >> m->group_shift) &
		   (uint32_t)((1ULL << m->group_bits) - 1);
}
