/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One riscv,imsics node: tell S from M level, read every property of the binding with
 * its range and default, place its harts, then check the layout the node describes.
 * Straight-line on purpose: each property is read once, its default applied there.
 */
#include "dt_internal.h"

/* Returns 0 with @out read, 1 when absent (@out = @dflt), or a reported error
 * (@out untouched). */
static int dt_imsic_u32(struct dt_ctx *c, const struct dt_imsic *m, const char *name,
			uint32_t dflt, uint32_t min, uint32_t max, uint32_t *out)
{
	const fdt32_t *p;
	uint32_t v;
	int len;

	p = fdt_getprop(c->fdt, m->node, name, &len);
	if (!p) {
		*out = dflt;
		return 1;
	}
	if (len != 4) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "%s has %d bytes, expected 4", name, len);
		return -HGEI_EINVAL;
	}
	v = fdt32_ld(p);
	if (v < min || v > max) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "%s %u out of range %u..%u", name, v, min, max);
		return -HGEI_ERANGE;
	}
	*out = v;
	return 0;
}

/* reg: one or more (address, size) regions in the parent's cell sizes. */
static int dt_imsic_reg(struct dt_ctx *c, struct dt_imsic *m, int parent)
{
	int ac = fdt_address_cells(c->fdt, parent);
	int sc = fdt_size_cells(c->fdt, parent);
	uint32_t r, stride;
	int len;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "parent #address-cells %d / #size-cells %d not 1..2", ac, sc);
		return -HGEI_ERANGE;
	}
	m->addr_cells = (uint32_t)ac;
	m->size_cells = (uint32_t)sc;
	stride = (m->addr_cells + m->size_cells) * 4;
	m->reg = fdt_getprop(c->fdt, m->node, "reg", &len);
	if (!m->reg || len <= 0 || (uint32_t)len % stride) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "reg missing or not a multiple of %u bytes", stride);
		return -HGEI_EINVAL;
	}
	m->nr_regions = (uint32_t)len / stride;
	for (r = 0; r < m->nr_regions; r++) {
		dt_region_load(m, r);
		if (!m->rgn_size || m->rgn_addr + m->rgn_size - 1 < m->rgn_addr) {
			dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
				 "reg region %u (0x%llx, size 0x%llx) empty or wraps", r,
				 (unsigned long long)m->rgn_addr,
				 (unsigned long long)m->rgn_size);
			return -HGEI_ERANGE;
		}
	}
	dt_region_load(m, 0);
	return 0;
}

static int dt_imsic_parse(struct dt_ctx *c, struct dt_imsic *m, int parent)
{
	int r;

	if (parent < 0) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "riscv,imsics on the root node");
		return -HGEI_EINVAL;
	}
	r = dt_imsic_u32(c, m, "riscv,num-ids", 0, 63, 2047, &m->num_ids);
	if (r == 1) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ENOENT,
			 "riscv,num-ids missing (required)");
		return -HGEI_ENOENT;
	}
	if (r < 0)
		return r;
	r = dt_imsic_u32(c, m, "riscv,num-guest-ids", m->num_ids, 63, 2047,
			 &m->num_guest_ids);
	if (r < 0)
		return r;
	r = dt_imsic_u32(c, m, "riscv,guest-index-bits", 0, 0, 7, &m->guest_bits);
	if (r < 0)
		return r;
	/* Its default depends on the entry count, known only after the walk. */
	r = dt_imsic_u32(c, m, "riscv,hart-index-bits", 0, 0, 15, &m->hart_bits);
	if (r < 0)
		return r;
	m->hart_bits_given = r == 0;
	r = dt_imsic_u32(c, m, "riscv,group-index-bits", 0, 0, 7, &m->group_bits);
	if (r < 0)
		return r;
	r = dt_imsic_u32(c, m, "riscv,group-index-shift", 24, 0, 55, &m->group_shift);
	if (r < 0)
		return r;
	return dt_imsic_reg(c, m, parent);
}

/* Checks that need every entry seen: the hart field's width, overlaps, one base. */
static int dt_imsic_layout(struct dt_ctx *c, struct dt_imsic *m)
{
	uint64_t slot_mask = (1ULL << (m->guest_bits + DT_PAGE_SHIFT)) - 1;
	uint32_t r, bits = 0;

	if (!m->hart_bits_given) {
		while ((1ULL << bits) < m->nr_entries)
			bits++;
		if (bits > 15) {
			dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
				 "%u harts need riscv,hart-index-bits %u, above 15",
				 m->nr_entries, bits);
			return -HGEI_ERANGE;
		}
		m->hart_bits = bits;
	}
	bits = m->hart_bits + m->guest_bits + DT_PAGE_SHIFT;
	if (m->group_bits && m->group_shift < bits) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "riscv,group-index-shift %u overlaps the hart index field (needs >= %u)",
			 m->group_shift, bits);
		return -HGEI_ERANGE;
	}
	for (r = 0; r < m->nr_regions; r++) {
		dt_region_load(m, r);
		if (m->rgn_addr & slot_mask) {
			dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
				 "reg region %u at 0x%llx not aligned to its 0x%llx-byte hart slot",
				 r, (unsigned long long)m->rgn_addr,
				 (unsigned long long)slot_mask + 1);
			return -HGEI_EINVAL;
		}
		if (!r)
			m->base = m->rgn_addr & ~dt_index_mask(m);
		else if ((m->rgn_addr & ~dt_index_mask(m)) != m->base) {
			dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
				 "reg region %u base 0x%llx differs from region 0 base 0x%llx",
				 r, (unsigned long long)(m->rgn_addr & ~dt_index_mask(m)),
				 (unsigned long long)m->base);
			return -HGEI_EINVAL;
		}
	}
	return 0;
}

/* A node error makes every hart of the node unusable; it was reported once. */
static void dt_imsic_finish(struct dt_ctx *c, struct dt_imsic *m)
{
	struct hgei_dt_table *t = c->t;
	uint32_t i;

	if (!m->err)
		m->err = dt_imsic_layout(c, m);
	for (i = m->first_hart; i < t->nr_harts; i++) {
		struct hgei_dt_hart *h = &t->harts[i];

		if (m->err) {
			if (!h->err)
				h->err = (int16_t)m->err;
			h->dt_guest_files = 0;
			h->raw_guest_files = 0;
		} else if (!h->err) {
			dt_slot_check(c, m, h);
		}
	}
}

/* Returns whether @node is an okay S-level riscv,imsics node (its harts are then in). */
bool dt_imsic_probe(struct dt_ctx *c, int node, int parent)
{
	struct dt_imsic m = { .node = node, .first_hart = c->t->nr_harts };
	uint32_t level;
	int len, err;

	if (!dt_node_okay(c->fdt, node))
		return false;
	m.irqs = fdt_getprop(c->fdt, node, "interrupts-extended", &len);
	if (!m.irqs || len <= 0 || len % 4) {
		dt_error(c, node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "interrupts-extended missing or not whole cells");
		return false;
	}
	m.irq_cells = (uint32_t)len / 4;
	if (dt_entry_level(c, &m, &level) || level == HGEI_IRQ_M_EXT)
		return false;
	if (level != HGEI_IRQ_S_EXT) {
		dt_error(c, node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "interrupts-extended entry 0 carries irq %u, neither S (9) nor M (11) external",
			 level);
		return false;
	}
	m.err = dt_imsic_parse(c, &m, parent);
	err = dt_entries_walk(c, &m);
	if (!m.err)
		m.err = err;
	dt_imsic_finish(c, &m);
	return true;
}
