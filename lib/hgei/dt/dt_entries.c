/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * interrupts-extended: <phandle irq...> pairs naming the harts a node serves. An
 * entry's position, not the hartid, picks its slot, so every entry counts, even those
 * of disabled cpus. The cell count of each entry is its target's #interrupt-cells.
 */
#include "dt_internal.h"

/*
 * An entry that is not a known cpu intc: its cell count is unknown, so the rest of the
 * list cannot be read. The linear phandle scan runs only here, to word the message.
 */
static int dt_entry_unresolved(struct dt_ctx *c, const struct dt_imsic *m,
			       uint32_t pos, uint32_t phandle)
{
	int target = fdt_node_offset_by_phandle(c->fdt, phandle);

	if (target < 0) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_ENOENT,
			 "interrupts-extended entry %u: phandle 0x%x names no node",
			 pos, phandle);
		return -HGEI_ENOENT;
	}
	dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
		 "interrupts-extended entry %u: phandle 0x%x (%s) is not a cpu's riscv,cpu-intc",
		 pos, phandle, fdt_get_name(c->fdt, target, NULL));
	return -HGEI_EINVAL;
}

/* Resolves the entry at @p; returns its cpu, or NULL after reporting why not. */
static struct hgei_dt_cpu *dt_entry_cpu(struct dt_ctx *c, const struct dt_imsic *m,
					uint32_t pos, const fdt32_t *p, int *err)
{
	const fdt32_t *end = m->irqs + m->irq_cells;
	struct hgei_dt_cpu *cpu = dt_cpus_find(c, fdt32_ld(p));

	if (!cpu) {
		*err = dt_entry_unresolved(c, m, pos, fdt32_ld(p));
		return NULL;
	}
	if (end - p < 1 + cpu->intc_cells) {
		dt_error(c, m->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "interrupts-extended entry %u truncated", pos);
		*err = -HGEI_EINVAL;
		return NULL;
	}
	return cpu;
}

/* The irq the first entry carries: 9 marks an S-level node, 11 an M-level one. */
int dt_entry_level(struct dt_ctx *c, const struct dt_imsic *m, uint32_t *irq)
{
	int err = 0;

	if (!dt_entry_cpu(c, m, 0, m->irqs, &err))
		return err;
	*irq = fdt32_ld(m->irqs + 1);
	return 0;
}

/* The hart in two places: neither slot can be trusted, so the first loses its files. */
static void dt_entry_twice(struct dt_ctx *c, const struct dt_imsic *m,
			   const struct hgei_dt_cpu *cpu, uint32_t pos)
{
	struct hgei_dt_hart *first = &c->t->harts[cpu->claimed - 1];

	if (!first->err)
		first->err = -HGEI_EEXIST;
	first->dt_guest_files = 0;
	first->raw_guest_files = 0;
	dt_error(c, m->node, cpu->hartid, -HGEI_EEXIST,
		 "entry %u: hartid %u already served by %s entry %u", pos, cpu->hartid,
		 fdt_get_name(c->fdt, first->node, NULL), first->index);
}

static void dt_entry_claim(struct dt_ctx *c, struct dt_imsic *m,
			   struct hgei_dt_cpu *cpu, uint32_t pos, uint32_t irq)
{
	struct hgei_dt_table *t = c->t;
	struct hgei_dt_hart *h;

	if (!cpu->enabled)
		return;
	if (cpu->claimed) {
		dt_entry_twice(c, m, cpu, pos);
		return;
	}
	/* Cannot happen: dt_cpus_child() checked max_harts >= cpu nodes. */
	if (t->nr_harts >= t->max_harts)
		return;
	h = &t->harts[t->nr_harts++];
	cpu->claimed = t->nr_harts;
	*h = (struct hgei_dt_hart){
		.hartid = cpu->hartid,
		.node = m->node,
		.index = pos,
		.guest_index_bits = (uint8_t)m->guest_bits,
		.err = (int16_t)m->err,
	};
	if (m->err)
		return;
	if (irq != HGEI_IRQ_S_EXT) {
		dt_hart_error(c, h, -HGEI_EINVAL,
			      "interrupts-extended entry %u carries irq %u, expected 9 (S external)",
			      pos, irq);
		return;
	}
	dt_slot_place(c, m, h);
}

/* Claims a table entry for every enabled hart; returns 0, or why the walk stopped. */
int dt_entries_walk(struct dt_ctx *c, struct dt_imsic *m)
{
	const fdt32_t *p = m->irqs, *end = m->irqs + m->irq_cells;
	struct hgei_dt_cpu *cpu;
	uint32_t pos;
	int err = 0;

	for (pos = 0; p < end; pos++) {
		cpu = dt_entry_cpu(c, m, pos, p, &err);
		if (!cpu)
			break;
		dt_entry_claim(c, m, cpu, pos, fdt32_ld(p + 1));
		p += 1 + cpu->intc_cells;
	}
	m->nr_entries = pos;
	return err;
}
