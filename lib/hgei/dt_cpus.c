/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The phandle -> cpu map. interrupts-extended names harts by the phandle of their
 * riscv,cpu-intc node; resolving each one with fdt_node_offset_by_phandle() scans the
 * whole blob, which makes 512 harts quadratic. One walk of /cpus instead collects
 * (phandle, hartid, enabled) into the caller's scratch, sorted for binary search.
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

/* The properties read of each cpu node and of its intc, one walk each (dt_props.c). */
enum { CPU_DEVICE_TYPE, CPU_REG, CPU_STATUS, CPU_PROPS };
enum { INTC_COMPATIBLE, INTC_PHANDLE, INTC_LINUX_PHANDLE, INTC_CELLS, INTC_PROPS };

static void dt_cpu_props(const void *fdt, int cpu, struct dt_prop *p)
{
	p[CPU_DEVICE_TYPE].name = "device_type";
	p[CPU_REG].name = "reg";
	p[CPU_STATUS].name = "status";
	dt_props_read(fdt, cpu, p, CPU_PROPS);
}

/* The cpu's first riscv,cpu-intc subnode, its properties in @p; < 0 when none. */
static int dt_cpu_intc(const void *fdt, int cpu, struct dt_prop *p)
{
	int sub;

	p[INTC_COMPATIBLE].name = "compatible";
	p[INTC_PHANDLE].name = "phandle";
	p[INTC_LINUX_PHANDLE].name = "linux,phandle";
	p[INTC_CELLS].name = "#interrupt-cells";
	fdt_for_each_subnode(sub, fdt, cpu) {
		dt_props_read(fdt, sub, p, INTC_PROPS);
		if (p[INTC_COMPATIBLE].val &&
		    fdt_stringlist_contains(p[INTC_COMPATIBLE].val, p[INTC_COMPATIBLE].len,
					    "riscv,cpu-intc"))
			return sub;
	}
	return -FDT_ERR_NOTFOUND;
}

/*
 * Fills @e from @cpu, whose properties @cp holds; false when nothing can name the cpu
 * (no intc, no phandle, no usable #interrupt-cells). A cpu whose reg is unusable is
 * still entered, as disabled: its interrupts-extended entries then keep their length
 * and position, so only that hart is lost, not every hart listed after it.
 */
static bool dt_cpu_read(struct dt_ctx *c, int cpu, const struct dt_prop *cp,
			uint32_t addr_cells, struct hgei_dt_cpu *e)
{
	const struct dt_prop *reg = &cp[CPU_REG];
	struct dt_prop ip[INTC_PROPS];
	uint64_t id = HGEI_DT_NO_HART;
	bool named = false;
	int intc;

	if (!reg->val || reg->len != (int)(addr_cells * 4)) {
		dt_error(c, cpu, HGEI_DT_NO_HART, -HGEI_EINVAL,
			 "cpu reg has %d bytes, expected %u", reg->val ? reg->len : 0,
			 addr_cells * 4);
	} else if ((id = dt_cells(reg->val, addr_cells)) >= HGEI_DT_NO_HART) {
		dt_error(c, cpu, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "hartid 0x%llx does not fit 32 bits", (unsigned long long)id);
		id = HGEI_DT_NO_HART;
	} else {
		named = true;
	}
	intc = dt_cpu_intc(c->fdt, cpu, ip);
	if (intc < 0)
		return false;
	e->phandle = dt_prop_phandle(&ip[INTC_PHANDLE], &ip[INTC_LINUX_PHANDLE]);
	if (!e->phandle)
		return false;
	if (!ip[INTC_CELLS].val || ip[INTC_CELLS].len != 4 ||
	    fdt32_ld(ip[INTC_CELLS].val) < 1 || fdt32_ld(ip[INTC_CELLS].val) > 2) {
		dt_error(c, intc, (uint32_t)id, -HGEI_EINVAL,
			 "riscv,cpu-intc #interrupt-cells missing or not 1..2");
		return false;
	}
	e->intc_cells = (uint8_t)fdt32_ld(ip[INTC_CELLS].val);
	e->hartid = (uint32_t)id;
	e->claimed = 0;
	e->enabled = named && dt_prop_okay(&cp[CPU_STATUS]);
	return true;
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

/* Returns 0, or -HGEI_E2BIG when the caller's harts[] or cpus[] is too small. */
int dt_cpus_collect(struct dt_ctx *c)
{
	struct hgei_dt_table *t = c->t;
	int cpus, cpu, ac;
	uint32_t nodes = 0;

	cpus = fdt_path_offset(c->fdt, "/cpus");
	if (cpus < 0)
		return 0;
	ac = fdt_address_cells(c->fdt, cpus);
	if (ac < 1 || ac > 2) {
		dt_error(c, cpus, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "#address-cells %d out of range 1..2", ac);
		return 0;
	}
	fdt_for_each_subnode(cpu, c->fdt, cpus) {
		struct dt_prop cp[CPU_PROPS];

		dt_cpu_props(c->fdt, cpu, cp);
		if (!dt_prop_str_is(&cp[CPU_DEVICE_TYPE], "cpu"))
			continue;
		if (++nodes > t->max_cpus || nodes > t->max_harts || !t->cpus)
			return -HGEI_E2BIG;
		if (dt_cpu_read(c, cpu, cp, (uint32_t)ac, &t->cpus[c->nr_cpus]))
			c->nr_cpus++;
	}
	if (cpu != -FDT_ERR_NOTFOUND)
		dt_error(c, cpus, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "/cpus walk stopped: %s", fdt_strerror(cpu));
	dt_sort(t->cpus, c->nr_cpus, dt_cpu_less, dt_cpu_swap);
	return 0;
}

struct hgei_dt_cpu *dt_cpus_find(struct dt_ctx *c, uint32_t phandle)
{
	uint32_t lo = 0, hi = c->nr_cpus;

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
