/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Discovery in two linear walks: /cpus once for the phandle -> cpu map, then every
 * node once for riscv,imsics. Parents are tracked on a small stack by depth because
 * fdt_parent_offset() rescans from the root and would make many nodes quadratic.
 */
#include "dt_internal.h"

static void dt_table_clear(struct hgei_dt_table *t)
{
	t->nr_harts = 0;
	t->nr_errors = 0;
	t->nr_errors_dropped = 0;
}

/*
 * After the root's END_NODE only NOPs and FDT_END may follow. A second top-level node
 * has no path from "/": libfdt's fdt_get_path() on it backs up past the start of its
 * buffer, and the firmware prints the path of every node an error names.
 */
static bool dt_root_last(const void *fdt, int offset)
{
	uint32_t tag;
	int next;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		offset = next;
	} while (tag == FDT_NOP && offset >= 0);
	return tag == FDT_END;
}

static uint32_t dt_imsics_walk(struct dt_ctx *c)
{
	int parents[DT_MAX_DEPTH];
	/* -1: the root comes out at depth 0, and depth falls below 0 once it ends. */
	int node, depth = -1;
	uint32_t found = 0;

	for (node = fdt_next_node(c->fdt, -1, &depth); node >= 0 && depth >= 0;
	     node = fdt_next_node(c->fdt, node, &depth)) {
		if (depth < DT_MAX_DEPTH)
			parents[depth] = node;
		if (fdt_node_check_compatible(c->fdt, node, "riscv,imsics"))
			continue;
		/* A valid blob may nest deeper than the parent stack: only an IMSIC
		 * down there is lost (its parent's cell sizes are unknown), not the blob. */
		if (depth >= DT_MAX_DEPTH) {
			dt_error(c, node, HGEI_DT_NO_HART, -HGEI_ERANGE,
				 "riscv,imsics node at depth %d, below the %d levels searched",
				 depth, DT_MAX_DEPTH);
			continue;
		}
		found += dt_imsic_probe(c, node, depth ? parents[depth - 1] : -1);
	}
	if (node >= 0 && !dt_root_last(c->fdt, node))
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "structure continues after the root node (offset %d)", node);
	else if (node < 0 && node != -FDT_ERR_NOTFOUND)
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF, "node walk stopped: %s",
			 fdt_strerror(node));
	return found;
}

int hgei_dt_discover(const void *fdt, size_t size, struct hgei_dt_table *t)
{
	struct dt_ctx c = { .fdt = fdt, .t = t };
	int err;

	if (!t)
		return -HGEI_EINVAL;
	dt_table_clear(t);
	err = dt_check_blob(fdt, size);
	if (err) {
		dt_blob_error(&c, size, err);
		return -HGEI_EBADF;
	}
	if (dt_cpus_collect(&c)) {
		dt_table_clear(t);
		dt_error(&c, fdt_path_offset(fdt, "/cpus"), HGEI_DT_NO_HART, -HGEI_E2BIG,
			 "more cpu nodes than the table holds (harts %u, cpus %u)",
			 t->max_harts, t->max_cpus);
		return -HGEI_E2BIG;
	}
	if (!dt_imsics_walk(&c))
		dt_error(&c, 0, HGEI_DT_NO_HART, -HGEI_ENOENT,
			 "no okay S-level riscv,imsics node");
	dt_table_finish(&c);
	return c.first_err;
}
