/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Discovery in one linear walk of every node: the children of /cpus and of each cpu
 * are handed to dt_cpus.c as the walk passes them (the phandle -> cpu map), and every
 * riscv,imsics node after /cpus is probed on the spot. An IMSIC before the end of
 * /cpus cannot be resolved yet: then a second walk probes every IMSIC, in the order
 * the first would have. Parents are tracked on a small stack by depth because
 * fdt_parent_offset() rescans from the root and would make many nodes quadratic.
 */
#include "dt_internal.h"

static void dt_table_clear(struct hgei_dt_table *t)
{
	t->nr_harts = 0;
	t->nr_cpus = 0;
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

#define DT_IMSICS	"riscv,imsics"

static uint32_t dt_imsic_found(struct dt_ctx *c, int node, int depth, const int *parents)
{
	/* A valid blob may nest deeper than the parent stack: only an IMSIC down there
	 * is lost (its parent's cell sizes are unknown), not the blob. */
	if (depth >= DT_MAX_DEPTH) {
		dt_error(c, node, HGEI_DT_NO_HART, -HGEI_ERANGE,
			 "riscv,imsics node at depth %d, below the %d levels searched",
			 depth, DT_MAX_DEPTH);
		return 0;
	}
	return dt_imsic_probe(c, node, depth ? parents[depth - 1] : -1);
}

/* How a walk ended: at the root's end (then only NOPs and FDT_END may follow), or
 * at a tag libfdt could not read. */
static void dt_walk_end(struct dt_ctx *c, int node)
{
	if (node >= 0 && !dt_root_last(c->fdt, node))
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF,
			 "structure continues after the root node (offset %d)", node);
	else if (node < 0 && node != -FDT_ERR_NOTFOUND)
		dt_error(c, -1, HGEI_DT_NO_HART, -HGEI_EBADF, "node walk stopped: %s",
			 fdt_strerror(node));
}

/* The second walk, for a tree with an IMSIC before the end of /cpus. */
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
		if (!fdt_node_check_compatible(c->fdt, node, DT_IMSICS))
			found += dt_imsic_found(c, node, depth, parents);
	}
	dt_walk_end(c, node);
	return found;
}

/*
 * The one walk. Returns the IMSICs probed, or -HGEI_E2BIG; sets *@again, and probes
 * none, when an IMSIC comes before /cpus has ended.
 */
static int dt_walk(struct dt_ctx *c, int cpus, bool *again)
{
	enum { BEFORE_CPUS, IN_CPUS, AFTER_CPUS } at = cpus >= 0 ? BEFORE_CPUS : AFTER_CPUS;
	int parents[DT_MAX_DEPTH];
	int node, depth = -1, cpus_depth = 0, hit;
	uint32_t found = 0;

	*again = false;
	for (node = fdt_next_node(c->fdt, -1, &depth); node >= 0 && depth >= 0;
	     node = fdt_next_node(c->fdt, node, &depth)) {
		if (depth < DT_MAX_DEPTH)
			parents[depth] = node;
		if (at == IN_CPUS && depth <= cpus_depth) {
			dt_cpus_end(c);
			at = AFTER_CPUS;
		}
		/* The nodes whose properties dt_cpus.c reads answer the IMSIC test too. */
		if (at == IN_CPUS && depth == cpus_depth + 1) {
			hit = dt_cpus_child(c, node, DT_IMSICS);
			if (hit < 0)
				return hit;
		} else if (at == IN_CPUS && depth == cpus_depth + 2) {
			hit = dt_cpus_grandchild(c, node, DT_IMSICS);
		} else {
			hit = !fdt_node_check_compatible(c->fdt, node, DT_IMSICS);
		}
		if (at == BEFORE_CPUS && node == cpus) {
			at = IN_CPUS;
			cpus_depth = depth;
		}
		if (!hit || *again)
			continue;
		if (at != AFTER_CPUS)
			*again = true;
		else
			found += dt_imsic_found(c, node, depth, parents);
	}
	if (at == IN_CPUS)
		dt_cpus_end(c);
	if (!*again)
		dt_walk_end(c, node);
	return (int)found;
}

int hgei_dt_discover(const void *fdt, size_t size, struct hgei_dt_table *t)
{
	struct dt_ctx c = { .fdt = fdt, .t = t };
	int err, cpus, found;
	bool again;

	if (!t)
		return -HGEI_EINVAL;
	dt_table_clear(t);
	err = dt_check_blob(fdt, size);
	if (err) {
		dt_blob_error(&c, size, err);
		return -HGEI_EBADF;
	}
	cpus = dt_cpus_begin(&c);
	found = dt_walk(&c, cpus, &again);
	if (found == -HGEI_E2BIG) {
		dt_table_clear(t);
		dt_error(&c, cpus, HGEI_DT_NO_HART, -HGEI_E2BIG,
			 "more cpu nodes than the table holds (harts %u, cpus %u)",
			 t->max_harts, t->max_cpus);
		return -HGEI_E2BIG;
	}
	if (again)
		found = (int)dt_imsics_walk(&c);
	if (!found)
		dt_error(&c, 0, HGEI_DT_NO_HART, -HGEI_ENOENT,
			 "no okay S-level riscv,imsics node");
	dt_table_finish(&c);
	t->nr_cpus = c.nr_cpus;
	return c.first_err;
}
