/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the lib/hgei/dt*.c files only: discovery state and small helpers. */
#ifndef HGEI_DT_INTERNAL_H
#define HGEI_DT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <libfdt.h>
#include "hgei_dt.h"
#include "hgei_errno.h"
#include "hgei_riscv_enc.h"

#define DT_PAGE_SHIFT		12
#define DT_MAX_GUEST_FILES	63	/* RV64 GEILEN */
/* Bounds the parent stack of the node walk; real trees are a few levels deep. */
#define DT_MAX_DEPTH		32

/** One property a dt_props_read() walk looks for; val is NULL when it is absent. */
struct dt_prop {
	const char *name;
	const void *val;
	int len;
};

/* The properties read of each child of /cpus and of each child of a cpu. */
enum { CPU_DEVICE_TYPE, CPU_REG, CPU_STATUS, CPU_COMPATIBLE, CPU_PROPS };
enum { INTC_COMPATIBLE, INTC_PHANDLE, INTC_LINUX_PHANDLE, INTC_CELLS, INTC_PROPS };

/** The cpu node the walk is in (node < 0: none), and its first riscv,cpu-intc child. */
struct dt_cpu_pending {
	int node, intc;
	struct dt_prop cp[CPU_PROPS], ip[INTC_PROPS];
};

/** One discovery run: the blob, the caller's table and the first error seen. */
struct dt_ctx {
	const void *fdt;
	struct hgei_dt_table *t;
	uint32_t nr_cpus;	/* entries used in t->cpus */
	uint32_t nr_cpu_nodes;	/* device_type "cpu" children of /cpus seen */
	uint32_t cpu_addr_cells;
	struct dt_cpu_pending cpu;
	int first_err;
};

/** One riscv,imsics node: its properties once parsed, and the reg-walk cursor. */
struct dt_imsic {
	int node;
	int err;		/* first node-level error: every hart of the node unusable */
	const fdt32_t *irqs;	/* interrupts-extended */
	uint32_t irq_cells;
	const fdt32_t *reg;
	uint32_t nr_regions, addr_cells, size_cells;
	uint32_t num_ids, num_guest_ids;
	uint32_t guest_bits, hart_bits, group_bits, group_shift;
	bool hart_bits_given;
	uint32_t nr_entries;	/* interrupts-extended entries walked */
	uint32_t first_hart;	/* harts[] index of this node's first hart */
	uint64_t base;		/* reg[0] with the group, hart and guest fields cleared */
	/* Region holding the entry being placed: harts are packed region after region. */
	uint32_t rgn;
	uint64_t rgn_first, rgn_slots, rgn_addr, rgn_size;
};

/* dt_error.c */
void dt_error(struct dt_ctx *c, int node, uint32_t hartid, int code,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void dt_hart_error(struct dt_ctx *c, struct hgei_dt_hart *h, int code,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* dt_props.c */
void dt_props_read(const void *fdt, int node, struct dt_prop *want, unsigned n);
bool dt_prop_str_is(const struct dt_prop *p, const char *value);
bool dt_prop_okay(const struct dt_prop *status);
uint32_t dt_prop_phandle(const struct dt_prop *phandle, const struct dt_prop *linux_phandle);

/* dt_blob.c */
int dt_check_blob(const void *fdt, size_t size);
bool dt_node_okay(const void *fdt, int node);
bool dt_prop_is(const void *fdt, int node, const char *name, const char *value);
uint64_t dt_cells(const fdt32_t *p, uint32_t n);
void dt_blob_error(struct dt_ctx *c, size_t size, int err);

/* dt_cpus.c: the phandle -> cpu map */
int dt_cpus_begin(struct dt_ctx *c);
int dt_cpus_child(struct dt_ctx *c, int node, const char *imsic);
bool dt_cpus_grandchild(struct dt_ctx *c, int node, const char *imsic);
void dt_cpus_end(struct dt_ctx *c);
struct hgei_dt_cpu *dt_cpus_find(struct dt_ctx *c, uint32_t phandle);

/* dt_imsic.c: one node's properties and layout checks */
bool dt_imsic_probe(struct dt_ctx *c, int node, int parent);

/* dt_entries.c: interrupts-extended -> harts */
int dt_entry_level(struct dt_ctx *c, const struct dt_imsic *m, uint32_t *irq);
int dt_entries_walk(struct dt_ctx *c, struct dt_imsic *m);

/* dt_slots.c: where each hart's slot lies and how many guest files it holds */
void dt_region_load(struct dt_imsic *m, uint32_t r);
uint64_t dt_index_mask(const struct dt_imsic *m);
void dt_slot_place(struct dt_ctx *c, struct dt_imsic *m, struct hgei_dt_hart *h);
void dt_slot_check(struct dt_ctx *c, const struct dt_imsic *m, struct hgei_dt_hart *h);

/* dt_table.c */
void dt_sort(void *ctx, uint32_t n, bool (*less)(void *, uint32_t, uint32_t),
	     void (*swap)(void *, uint32_t, uint32_t));
void dt_table_finish(struct dt_ctx *c);

#endif
