/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What HS-mode must not reach, and the PMP entries that close it.
 *
 * HS-mode gets everything except this layer's own memory and the devices only M-mode
 * may drive: the ACLINT/CLINT MSWI (any hart's MSIP is an M-level software interrupt
 * on demand) and MTIMER (any hart's mtimecmp), the M-level IMSIC interrupt files and
 * the M-level APLIC domains (their MSIs target the M-level files). OpenSBI closes the
 * same regions to S-mode. They are found in the devicetree by what they are
 * (compatible strings, the cpu interrupt each IMSIC drives, the MSI parent of each
 * APLIC), never by fixed addresses.
 *
 * Entries are scarce (16 on QEMU virt), and a 4-socket machine has 4 CLINTs, 4 M-level
 * IMSIC groups and 4 M-level APLICs. So closed regions that follow each other are
 * closed as one when the gap between them holds no other node's reg (nothing HS could
 * need lives there), and a region is grown to its enclosing naturally aligned power of
 * two (one NAPOT entry instead of a TOR pair) when that covers no other node either.
 * Every reg of every other node counts as open, /memory included.
 *
 * The plan is made once, at cold boot; every hart writes it into its own PMP
 * (mm_pmp_apply) before it first leaves M-mode.
 */
#include <string.h>
#include <libfdt.h>
#include "mmode.h"

#define PMP_R		0x01
#define PMP_W		0x02
#define PMP_X		0x04
#define PMP_A_TOR	0x08
#define PMP_A_NAPOT	0x18

#define CLINT_MTIMER	0x4000	/* a CLINT's MSWI words end, its mtimecmp words start */
#define MAX_CLOSED	64
#define MAX_OPEN	96
#define MAX_M_IMSICS	16

struct region {
	uint64_t base, end;
	const char *what;
	const char *last;	/* the kind of the last region merged into it */
};

/* Cold boot is single-hart, so the scratch tables can be static. */
static struct region closed[MAX_CLOSED], open_regs[MAX_OPEN];
static unsigned int nr_closed, nr_open;
static int open_overflow;	/* an open region was not recorded: merge nothing */
static uint32_t m_imsics[MAX_M_IMSICS];
static unsigned int nr_m_imsics;

static void warn(const char *what, uint64_t base)
{
	struct mm_line l;

	l.len = 0;
	mm_line_str(&l, "hartgei-m: PMP: ");
	mm_line_str(&l, what);
	mm_line_str(&l, " at ");
	mm_line_hex(&l, base);
	mm_line_str(&l, " stays open to HS (out of PMP entries)\n");
	mm_line_emit(&l);
}

static void add(struct region *tab, unsigned int *n, unsigned int max,
		uint64_t base, uint64_t end, const char *what)
{
	if (end <= base)
		return;
	if (*n == max) {
		if (tab == open_regs)
			open_overflow = 1;
		else
			warn(what, base);
		return;
	}
	tab[*n].base = base;
	tab[*n].end = end;
	tab[*n].last = what;
	tab[(*n)++].what = what;
}

/* The first irq cell of interrupts-extended (<phandle irq> pairs to cpu intcs). */
static int first_cpu_irq(const void *dtb, int node)
{
	int len;
	const fdt32_t *p = fdt_getprop(dtb, node, "interrupts-extended", &len);

	return p && len >= 8 ? (int)fdt32_to_cpu(p[1]) : -1;
}

static int is_m_imsic(const void *dtb, int node)
{
	return !fdt_node_check_compatible(dtb, node, "riscv,imsics") &&
	       first_cpu_irq(dtb, node) == IRQ_M_EXT;
}

/* An APLIC domain that delivers to M-level: through an M-level IMSIC (MSI mode) or
 * straight to the harts' M external interrupt (direct mode). */
static int is_m_aplic(const void *dtb, int node)
{
	const fdt32_t *p;

	if (fdt_node_check_compatible(dtb, node, "riscv,aplic"))
		return 0;
	p = fdt_getprop(dtb, node, "msi-parent", NULL);
	if (p) {
		for (unsigned int i = 0; i < nr_m_imsics; i++)
			if (m_imsics[i] == fdt32_to_cpu(*p))
				return 1;
		return 0;
	}
	return first_cpu_irq(dtb, node) == IRQ_M_EXT;
}

/* Files each reg entry of @node as closed (split by @classify) or open. */
static void file_regs(const void *dtb, int node)
{
	int parent = fdt_parent_offset(dtb, node), len;
	int ac = parent >= 0 ? fdt_address_cells(dtb, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(dtb, parent) : 1;
	const fdt32_t *reg = fdt_getprop(dtb, node, "reg", &len);
	int clint = !fdt_node_check_compatible(dtb, node, "sifive,clint0") ||
		    !fdt_node_check_compatible(dtb, node, "riscv,clint0");
	const char *what = NULL;

	/* Nodes without a size (cpus) or with odd cells name no MMIO region. */
	if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return;
	if (!fdt_node_check_compatible(dtb, node, "riscv,aclint-mswi"))
		what = "ACLINT MSWI";
	else if (!fdt_node_check_compatible(dtb, node, "riscv,aclint-mtimer"))
		what = "ACLINT MTIMER";
	else if (is_m_imsic(dtb, node))
		what = "M-level IMSIC";
	else if (is_m_aplic(dtb, node))
		what = "M-level APLIC";
#ifdef FW_BENCH
	/* The bench's pacer moves its own hart's mtimecmp from HS (bench/fw/bench_relax.h):
	 * a measurement build, never a product one. */
	if (what && !strcmp(what, "ACLINT MTIMER"))
		what = NULL;
#endif
	for (; len >= (ac + sc) * 4; len -= (ac + sc) * 4, reg += ac + sc) {
		uint64_t base = mm_dt_cells(reg, ac), end = base + mm_dt_cells(reg + ac, sc);

		if (clint) {
			uint64_t split = end - base > CLINT_MTIMER ? base + CLINT_MTIMER : end;

			add(closed, &nr_closed, MAX_CLOSED, base, split, "CLINT MSWI");
#ifdef FW_BENCH
			add(open_regs, &nr_open, MAX_OPEN, split, end, "CLINT MTIMER");
#else
			add(closed, &nr_closed, MAX_CLOSED, split, end, "CLINT MTIMER");
#endif
		} else if (what) {
			add(closed, &nr_closed, MAX_CLOSED, base, end, what);
		} else {
			add(open_regs, &nr_open, MAX_OPEN, base, end, NULL);
		}
	}
}

/* A bus's windows onto its parent (PCI I/O and memory, the platform bus) are open: HS
 * drives what sits behind them. ranges = (child address, parent address, size). */
static void file_ranges(const void *dtb, int node)
{
	int parent = fdt_parent_offset(dtb, node), len;
	int cac = fdt_address_cells(dtb, node), csc = fdt_size_cells(dtb, node);
	int pac = parent >= 0 ? fdt_address_cells(dtb, parent) : 2;
	const fdt32_t *r = fdt_getprop(dtb, node, "ranges", &len);
	int stride = cac + pac + csc;

	if (!r || cac < 1 || pac < 1 || pac > 2 || csc < 1 || csc > 2)
		return;
	for (; len >= stride * 4; len -= stride * 4, r += stride) {
		uint64_t base = mm_dt_cells(r + cac, pac);

		add(open_regs, &nr_open, MAX_OPEN, base, base + mm_dt_cells(r + cac + pac, csc),
		    NULL);
	}
}

static int touches_open(uint64_t base, uint64_t end)
{
	if (open_overflow)
		return 1;
	for (unsigned int i = 0; i < nr_open; i++)
		if (open_regs[i].base < end && base < open_regs[i].end)
			return 1;
	return 0;
}

static void sort_closed(void)
{
	for (unsigned int i = 1; i < nr_closed; i++)
		for (unsigned int j = i; j > 0 && closed[j].base < closed[j - 1].base; j--) {
			struct region t = closed[j];

			closed[j] = closed[j - 1];
			closed[j - 1] = t;
		}
}

/* Closed regions in address order, each joined with the next while no open region
 * lies between (overlapping ones always join). */
static void merge_closed(void)
{
	unsigned int out = 0;

	sort_closed();
	for (unsigned int i = 0; i < nr_closed; i++) {
		if (out && (closed[i].base <= closed[out - 1].end ||
			    !touches_open(closed[out - 1].end, closed[i].base))) {
			if (closed[i].end > closed[out - 1].end)
				closed[out - 1].end = closed[i].end;
			closed[out - 1].last = closed[i].last;
			continue;
		}
		closed[out++] = closed[i];
	}
	nr_closed = out;
}

static int is_napot(uint64_t base, uint64_t size)
{
	return size >= 8 && !(size & (size - 1)) && !(base & (size - 1));
}

/* The smallest naturally aligned power-of-two block holding [base, end). */
static void napot_cover(uint64_t base, uint64_t end, uint64_t *nbase, uint64_t *nsize)
{
	uint64_t size = 8;

	while (size && (base & ~(size - 1)) + size < end)
		size <<= 1;
	*nsize = size;
	*nbase = size ? base & ~(size - 1) : 0;
}

static int plan_entry(uint64_t addr, uint8_t cfg)
{
	struct mm_pmp *p = &mm_plat.pmp;

	if (p->n >= p->max)
		return -1;
	p->addr[p->n] = addr;
	p->cfg[p->n++] = cfg;
	return 0;
}

static void report(const struct region *r, uint64_t base, uint64_t size)
{
	struct mm_line l;

	l.len = 0;
	mm_line_str(&l, "hartgei-m: closed to HS: ");
	mm_line_str(&l, r->what);
	if (strcmp(r->last, r->what)) {
		mm_line_str(&l, " to ");
		mm_line_str(&l, r->last);
	}
	mm_line_str(&l, ", ");
	mm_line_hex(&l, base);
	mm_line_str(&l, "-");
	mm_line_hex(&l, base + size - 1);
	mm_line_str(&l, "\n");
	mm_line_emit(&l);
}

/* One NAPOT entry, or an OFF + TOR pair, with no permission for S and U. */
static void plan_closed(const struct region *r)
{
	struct mm_pmp *p = &mm_plat.pmp;
	uint64_t base = r->base, size = r->end - r->base, nbase, nsize;

	napot_cover(base, r->end, &nbase, &nsize);
	if (!is_napot(base, size) && nsize && !touches_open(nbase, nbase + nsize))
		base = nbase, size = nsize;
	/* One entry stays free for the final allow-all. */
	if (is_napot(base, size) && p->n + 1 < p->max) {
		plan_entry(base >> 2 | ((size >> 3) - 1), PMP_A_NAPOT);
		report(r, base, size);
		return;
	}
	if (p->n + 2 < p->max) {
		plan_entry(r->base >> 2, 0);
		plan_entry(r->end >> 2, PMP_A_TOR);
		report(r, r->base, r->end - r->base);
		return;
	}
	warn(r->what, r->base);
}

/* pmpaddrN is named by an immediate: one case per entry. */
#define PMPADDR_CASE(n) case n: return mm_csr_try_write(CSR_PMPADDR0 + n, v);
static int pmpaddr_try_write(unsigned int i, uint64_t v)
{
	switch (i) {
	PMPADDR_CASE(0) PMPADDR_CASE(1) PMPADDR_CASE(2) PMPADDR_CASE(3)
	PMPADDR_CASE(4) PMPADDR_CASE(5) PMPADDR_CASE(6) PMPADDR_CASE(7)
	PMPADDR_CASE(8) PMPADDR_CASE(9) PMPADDR_CASE(10) PMPADDR_CASE(11)
	PMPADDR_CASE(12) PMPADDR_CASE(13) PMPADDR_CASE(14) PMPADDR_CASE(15)
	}
	return -1;
}

#define PMPADDR_READ_CASE(n) case n: return mm_csr_read(CSR_PMPADDR0 + n);
static uint64_t pmpaddr_read(unsigned int i)
{
	switch (i) {
	PMPADDR_READ_CASE(0) PMPADDR_READ_CASE(1) PMPADDR_READ_CASE(2)
	PMPADDR_READ_CASE(3) PMPADDR_READ_CASE(4) PMPADDR_READ_CASE(5)
	PMPADDR_READ_CASE(6) PMPADDR_READ_CASE(7) PMPADDR_READ_CASE(8)
	PMPADDR_READ_CASE(9) PMPADDR_READ_CASE(10) PMPADDR_READ_CASE(11)
	PMPADDR_READ_CASE(12) PMPADDR_READ_CASE(13) PMPADDR_READ_CASE(14)
	PMPADDR_READ_CASE(15)
	}
	return 0;
}

/* How many PMP entries this hart has (QEMU: 16), up to the 16 that pmpcfg0/2 hold. An
 * absent pmpaddr traps or reads zero. Runs under mm_probe_vector. */
static unsigned int pmp_count(void)
{
	unsigned int n = 0;

	while (n < MM_PMP_MAX && !pmpaddr_try_write(n, ~0UL) && pmpaddr_read(n))
		n++;
	for (unsigned int i = 0; i < n; i++)
		pmpaddr_try_write(i, 0);
	return n;
}

void mm_pmp_plan(const void *dtb)
{
	struct mm_pmp *p = &mm_plat.pmp;
	int node;

	p->max = pmp_count();
	if (p->max < 3)
		return;	/* no PMP to speak of: S-mode reaches everything, as before */
	for (node = fdt_node_offset_by_compatible(dtb, -1, "riscv,imsics"); node >= 0;
	     node = fdt_node_offset_by_compatible(dtb, node, "riscv,imsics"))
		if (is_m_imsic(dtb, node) && nr_m_imsics < MAX_M_IMSICS)
			m_imsics[nr_m_imsics++] = fdt_get_phandle(dtb, node);
	for (node = fdt_next_node(dtb, -1, NULL); node >= 0; node = fdt_next_node(dtb, node, NULL))
		file_regs(dtb, node), file_ranges(dtb, node);
	merge_closed();
	/* Entry 0 (OFF) gives entry 1 its lower bound; entry 1 (TOR, no permissions)
	 * covers this layer's image, data and stacks. Not locked: a locked entry would
	 * bind M-mode too. */
	plan_entry((uintptr_t)__mm_start >> 2, 0);
	plan_entry((uintptr_t)__mm_end >> 2, PMP_A_TOR);
	for (unsigned int i = 0; i < nr_closed; i++)
		plan_closed(&closed[i]);
	/* The last entry (NAPOT over everything) lets S and U reach the rest. */
	plan_entry(~0UL, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X);
}

void mm_pmp_apply(void)
{
	const struct mm_pmp *p = &mm_plat.pmp;
	uint64_t cfg0 = 0, cfg2 = 0;

	if (p->max < 3)
		return;
	for (unsigned int i = 0; i < p->n; i++) {
		pmpaddr_try_write(i, p->addr[i]);
		if (i < 8)
			cfg0 |= (uint64_t)p->cfg[i] << (8 * i);
		else
			cfg2 |= (uint64_t)p->cfg[i] << (8 * (i - 8));
	}
	if (p->n > 8)
		mm_csr_try_write(CSR_PMPCFG2, cfg2);
	mm_csr_try_write(CSR_PMPCFG0, cfg0);
	__asm__ volatile("sfence.vma" ::: "memory");
}
