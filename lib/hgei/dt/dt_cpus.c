/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The phandle -> cpu map. interrupts-extended names harts by the phandle of their
 * riscv,cpu-intc node; resolving each one with fdt_node_offset_by_phandle() scans the
 * whole blob, which makes 512 harts quadratic. Instead the discovery walk
 * (dt_discover.c) hands every child of /cpus and every child of a cpu to this file as
 * it passes them, and the (phandle, hartid, enabled) entries collected in the caller's
 * scratch are sorted for binary search once /cpus ends.
 */
#include "dt_internal.h"

static bool dt_is_cpu(const void *fdt, int node)
{
	return dt_prop_is(fdt, node, "device_type", "cpu");
}

int hgei_dt_count_cpus(const void *fdt, size_t size)
{
	int cpus, cpu, n = 0;

	if (dt_check_blob(fdt, size))
		return -HGEI_EBADF;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return 0;
	fdt_for_each_subnode(cpu, fdt, cpus)
		n += dt_is_cpu(fdt, cpu);
	return n;
}

/*
 * Enters the cpu whose properties @p holds, once its children have been seen. Every
 * cpu is entered, so the table can publish /cpus (hartid, enabled) to its caller; one
 * that nothing can name (no intc, no phandle, no usable #interrupt-cells) gets
 * phandle 0, which no lookup matches. A cpu whose reg is unusable is entered as
 * disabled: its interrupts-extended entries then keep their length and position, so
 * only that hart is lost, not every hart listed after it.
 */
static void dt_cpu_read(struct dt_ctx *c, const struct dt_cpu_pending *p,
			struct hgei_dt_cpu *e)
{
	const struct dt_prop *reg = &p->cp[CPU_REG], *ip = p->ip;
	uint32_t addr_cells = c->cpu_addr_cells, phandle;
	uint64_t id = HGEI_DT_NO_HART;
	bool named = false;

	if (!reg->val || reg->len != (int)(addr_cells * 4)) {
		dt_error(c, p->node, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "cpu reg has %d bytes, expected %u", reg->val ? reg->len : 0,
			 addr_cells * 4);
	} else if ((id = dt_cells(reg->val, addr_cells)) >= HGEI_DT_NO_HART) {
		dt_error(c, p->node, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "hartid 0x%llx does not fit 32 bits", (unsigned long long)id);
		id = HGEI_DT_NO_HART;
	} else {
		named = true;
	}
	e->hartid = (uint32_t)id;
	e->claimed = 0;
	e->enabled = named && dt_prop_okay(&p->cp[CPU_STATUS]);
	e->phandle = 0;
	e->intc_cells = 0;
	if (p->intc < 0)
		return;
	phandle = dt_prop_phandle(&ip[INTC_PHANDLE], &ip[INTC_LINUX_PHANDLE]);
	if (!phandle)
		return;
	if (!ip[INTC_CELLS].val || ip[INTC_CELLS].len != 4 ||
	    fdt32_ld(ip[INTC_CELLS].val) < 1 || fdt32_ld(ip[INTC_CELLS].val) > 2) {
		dt_error(c, p->intc, (uint32_t)id, -HGEI_EINVAL,
			 "riscv,cpu-intc #interrupt-cells missing or not 1..2");
		return;
	}
	e->intc_cells = (uint8_t)fdt32_ld(ip[INTC_CELLS].val);
	e->phandle = phandle;
}

static bool dt_cpu_less(void *ctx, uint32_t a, uint32_t b)
{
	const struct hgei_dt_cpu *v = ctx;

	return v[a].phandle < v[b].phandle;
}

static void dt_cpu_swap(void *ctx, uint32_t a, uint32_t b)
{
	struct hgei_dt_cpu *v = ctx, tmp = v[a];

	v[a] = v[b];
	v[b] = tmp;
}

/*
 * Finds /cpus and its #address-cells; returns its offset, or < 0 when there are no
 * cpus to collect (none, or cells out of range: reported). dt_cpus_end() must follow
 * once the walk has left /cpus, or has stopped inside it.
 */
int dt_cpus_begin(struct dt_ctx *c)
{
	int cpus = fdt_path_offset(c->fdt, "/cpus"), ac;

	c->cpu.node = -1;
	if (cpus < 0)
		return cpus;
	ac = fdt_address_cells(c->fdt, cpus);
	if (ac < 1 || ac > 2) {
		dt_error(c, cpus, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "#address-cells %d out of range 1..2", ac);
		return -FDT_ERR_BADNCELLS;
	}
	c->cpu_addr_cells = (uint32_t)ac;
	return cpus;
}

/* Enters the cpu being walked, if any, now that all of its children have been seen. */
static void dt_cpu_done(struct dt_ctx *c)
{
	struct dt_cpu_pending *p = &c->cpu;

	if (p->node >= 0)
		dt_cpu_read(c, p, &c->t->cpus[c->nr_cpus++]);
	p->node = -1;
}

/*
 * A child of /cpus. Returns whether it is compatible with @imsic (its compatible is
 * read here anyway), or -HGEI_E2BIG when the caller's harts[] or cpus[] is too small.
 */
int dt_cpus_child(struct dt_ctx *c, int node, const char *imsic)
{
	struct dt_cpu_pending *p = &c->cpu;
	struct hgei_dt_table *t = c->t;
	const struct dt_prop *compat = &p->cp[CPU_COMPATIBLE];

	dt_cpu_done(c);
	p->cp[CPU_DEVICE_TYPE].name = "device_type";
	p->cp[CPU_REG].name = "reg";
	p->cp[CPU_STATUS].name = "status";
	p->cp[CPU_COMPATIBLE].name = "compatible";
	dt_props_read(c->fdt, node, p->cp, CPU_PROPS);
	if (dt_prop_str_is(&p->cp[CPU_DEVICE_TYPE], "cpu")) {
		if (++c->nr_cpu_nodes > t->max_cpus || c->nr_cpu_nodes > t->max_harts ||
		    !t->cpus)
			return -HGEI_E2BIG;
		p->node = node;
		p->intc = -FDT_ERR_NOTFOUND;
	}
	return compat->val && fdt_stringlist_contains(compat->val, compat->len, imsic);
}

/*
 * A child of a child of /cpus: the cpu's intc if it is the first riscv,cpu-intc
 * child. Returns whether it is compatible with @imsic.
 */
bool dt_cpus_grandchild(struct dt_ctx *c, int node, const char *imsic)
{
	struct dt_cpu_pending *p = &c->cpu;
	const struct dt_prop *compat = &p->ip[INTC_COMPATIBLE];

	if (p->node < 0 || p->intc >= 0)
		return !fdt_node_check_compatible(c->fdt, node, imsic);
	p->ip[INTC_COMPATIBLE].name = "compatible";
	p->ip[INTC_PHANDLE].name = "phandle";
	p->ip[INTC_LINUX_PHANDLE].name = "linux,phandle";
	p->ip[INTC_CELLS].name = "#interrupt-cells";
	dt_props_read(c->fdt, node, p->ip, INTC_PROPS);
	if (compat->val && fdt_stringlist_contains(compat->val, compat->len, "riscv,cpu-intc"))
		p->intc = node;
	return compat->val && fdt_stringlist_contains(compat->val, compat->len, imsic);
}

/* The walk has left /cpus, or stopped inside it: libfdt's subnode iterators, which
 * this replaces, end at a broken tag without an error, and so does the map. */
void dt_cpus_end(struct dt_ctx *c)
{
	dt_cpu_done(c);
	dt_sort(c->t->cpus, c->nr_cpus, dt_cpu_less, dt_cpu_swap);
}

struct hgei_dt_cpu *dt_cpus_find(struct dt_ctx *c, uint32_t phandle)
{
	uint32_t lo = 0, hi = c->nr_cpus;

	/* 0 is no phandle: the cpus nothing can name carry it. */
	if (!phandle)
		return NULL;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct hgei_dt_cpu *e = &c->t->cpus[mid];

		if (e->phandle == phandle)
			return e;
		if (e->phandle < phandle)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
