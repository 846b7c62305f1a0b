/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cold boot's reading of the devicetree: the RAM region holding the image (bounds for
 * S-mode buffers) and each hart's CLINT words. The CLINT binding lists each hart's
 * (M software, M timer) interrupts in context order: context k has msip at base + 4k
 * and mtimecmp at base + 0x4000 + 8k, so on a multi-socket machine (one CLINT per
 * socket) a hart's context is not its hartid.
 */
#include <string.h>
#include <libfdt.h>
#include "mmode.h"

#define CLINT_MTIMECMP	0x4000
#define IRQ_CELLS	2	/* riscv,cpu-intc: <phandle irq> */

/* Cold boot is single-hart, so scratch tables can be static. */
static struct {
	uint32_t phandle;
	uint32_t hartid;
} intc[MM_MAX_HARTS];
static uint32_t nr_intc;

static void parse_memory(const void *dtb)
{
	int ac = fdt_address_cells(dtb, 0), sc = fdt_size_cells(dtb, 0);
	uintptr_t image = (uintptr_t)__mm_start;
	int node, len;

	fdt_for_each_subnode(node, dtb, 0) {
		const char *type = fdt_getprop(dtb, node, "device_type", NULL);
		const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);

		if (!type || strcmp(type, "memory") || !reg || ac < 1 || sc < 1)
			continue;
		for (; len >= (ac + sc) * 4; len -= (ac + sc) * 4, reg += ac + sc) {
			uint64_t base = mm_dt_cells(reg, ac), size = mm_dt_cells(reg + ac, sc);

			if (image >= base && image - base < size) {
				mm_plat.ram_base = base;
				mm_plat.ram_end = base + size;
				return;
			}
		}
	}
	mm_die("no /memory node covers the image", mm_csr_read(CSR_MHARTID));
}

/* No status means okay; "ok" is the older spelling. */
static int cpu_enabled(const void *dtb, int node)
{
	int len;
	const char *s = fdt_getprop(dtb, node, "status", &len);

	return !s || (len == 5 && !memcmp(s, "okay", 5)) || (len == 3 && !memcmp(s, "ok", 3));
}

/*
 * Every enabled cpu's interrupt-controller phandle, so CLINT entries can name their
 * hart. A disabled cpu gets no CLINT words: HSM will not start it, and if it wins the
 * lottery it hands the HS runtime over (boot.c), as OpenSBI never picks it either.
 */
static void parse_cpus(const void *dtb)
{
	int cpus = fdt_path_offset(dtb, "/cpus"), ac = fdt_address_cells(dtb, cpus);
	int node, len;

	if (cpus < 0 || ac < 1 || ac > 2)
		mm_die("devicetree has no usable /cpus", mm_csr_read(CSR_MHARTID));
	fdt_for_each_subnode(node, dtb, cpus) {
		const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);
		int ic = fdt_subnode_offset(dtb, node, "interrupt-controller");
		uint64_t hartid;

		if (!reg || len != ac * 4 || ic < 0 || !cpu_enabled(dtb, node))
			continue;
		hartid = mm_dt_cells(reg, ac);
		if (hartid >= MM_MAX_HARTS)
			mm_die("devicetree cpu beyond MM_MAX_HARTS", hartid);
		intc[nr_intc].phandle = fdt_get_phandle(dtb, ic);
		intc[nr_intc++].hartid = hartid;
	}
}

static struct mm_hart *hart_of_intc(uint32_t phandle)
{
	for (uint32_t i = 0; i < nr_intc; i++)
		if (intc[i].phandle == phandle)
			return &mm_harts[intc[i].hartid];
	return NULL;
}

static void parse_clint(const void *dtb, int node)
{
	int parent = fdt_parent_offset(dtb, node);
	int ac = fdt_address_cells(dtb, parent), len;
	const fdt32_t *reg = fdt_getprop(dtb, node, "reg", NULL);
	const fdt32_t *irqs = fdt_getprop(dtb, node, "interrupts-extended", &len);
	uintptr_t base;

	if (!reg || !irqs || ac < 1 || ac > 2)
		mm_die("CLINT node without reg or interrupts-extended", mm_csr_read(CSR_MHARTID));
	base = mm_dt_cells(reg, ac);
	for (int j = 0; j < len / 4 / IRQ_CELLS; j++) {
		struct mm_hart *h = hart_of_intc(fdt32_to_cpu(irqs[j * IRQ_CELLS]));
		uint32_t irq = fdt32_to_cpu(irqs[j * IRQ_CELLS + 1]);
		uintptr_t ctx = (uintptr_t)j / 2;

		if (!h)
			continue;
		if (irq == IRQ_M_SOFT)
			h->msip = (volatile uint32_t *)(base + 4 * ctx);
		else if (irq == IRQ_M_TIMER)
			h->mtimecmp = (volatile uint64_t *)(base + CLINT_MTIMECMP + 8 * ctx);
	}
}

void mm_dt_parse(const void *dtb)
{
	unsigned long me = mm_csr_read(CSR_MHARTID);
	int node, found = 0;

	if (fdt_check_header(dtb))
		mm_die("no valid devicetree in a1", me);
	parse_memory(dtb);
	parse_cpus(dtb);
	mm_pmp_plan(dtb);
	/* QEMU's CLINT nodes carry both strings; older boards only the SiFive one. */
	for (node = fdt_node_offset_by_compatible(dtb, -1, "sifive,clint0"); node >= 0;
	     node = fdt_node_offset_by_compatible(dtb, node, "sifive,clint0"), found++)
		parse_clint(dtb, node);
	for (node = fdt_node_offset_by_compatible(dtb, -1, "riscv,clint0"); node >= 0 && !found;
	     node = fdt_node_offset_by_compatible(dtb, node, "riscv,clint0"))
		parse_clint(dtb, node);
	for (uint32_t i = 0; i < nr_intc; i++) {
		struct mm_hart *h = &mm_harts[intc[i].hartid];

		/* A hart we cannot wake and time cannot be started: leave it out. */
		if (!h->msip || !h->mtimecmp)
			h->msip = NULL;
	}
}
