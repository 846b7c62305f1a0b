/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The structure-aware half of the fuzzer: a libFuzzer custom mutator that edits a
 * valid DTB through libfdt's read-write API (property values, cell counts, phandles,
 * index bits, deleted and duplicated nodes) and writes it back packed, so the blob
 * stays parseable and discovery's IMSIC checks run on it. Byte-level mutation of the
 * same input (every fourth call, and any input that is not a DTB) covers the blob
 * checks. Only the libFuzzer build links this file; the replay binary runs the
 * resulting blobs as they are.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#define WORK_MAX	(256 * 1024)
#define MAX_PICK	256

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	/* xorshift64*: libFuzzer's seed makes each mutation reproducible. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return n ? (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32) % n : 0;
}

/* The properties discovery reads, and the values at the edges of their ranges. */
static const char *const props[] = {
	"reg", "interrupts-extended", "riscv,num-ids", "riscv,num-guest-ids",
	"riscv,guest-index-bits", "riscv,hart-index-bits", "riscv,group-index-bits",
	"riscv,group-index-shift", "#address-cells", "#size-cells", "#interrupt-cells",
	"phandle", "status", "compatible", "device_type",
};
static const uint32_t edges[] = {
	0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 23, 24, 25, 31, 32, 55, 56,
	62, 63, 64, 255, 511, 512, 513, 2047, 2048, 0x1000, 0x2000, 0x8000, 0x10000,
	0x28000000, 0x7fffffff, 0x80000000, 0xfffff000, 0xffffffff,
};

static uint8_t work[WORK_MAX] __attribute__((aligned(8)));

/* Nodes worth editing: the IMSICs, the cpus and their intcs, /cpus, /soc. */
static bool interesting(const void *fdt, int node)
{
	return !fdt_node_check_compatible(fdt, node, "riscv,imsics") ||
	       !fdt_node_check_compatible(fdt, node, "riscv,cpu-intc") ||
	       fdt_getprop(fdt, node, "device_type", NULL) ||
	       fdt_getprop(fdt, node, "#address-cells", NULL);
}

static int pick_node(const void *fdt)
{
	int nodes[MAX_PICK], node, n = 0, all = 0;
	bool any = rnd(4) == 0;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && n < MAX_PICK;
	     node = fdt_next_node(fdt, node, NULL)) {
		all++;
		if (any || interesting(fdt, node))
			nodes[n++] = node;
	}
	return n ? nodes[rnd((uint32_t)n)] : (all ? 0 : -1);
}

/* A phandle the tree uses, one it does not (+1), or a raw edge value. */
static uint32_t pick_phandle(const void *fdt)
{
	uint32_t max = 0, n = 0, pick = 0;
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(fdt, node);

		if (!ph)
			continue;
		max = ph > max ? ph : max;
		if (!rnd(++n))
			pick = ph;
	}
	switch (rnd(4)) {
	case 0: return max + 1;
	case 1: return edges[rnd(sizeof(edges) / sizeof(edges[0]))];
	default: return pick;
	}
}

static uint32_t pick_value(const void *fdt)
{
	uint32_t v = edges[rnd(sizeof(edges) / sizeof(edges[0]))];

	switch (rnd(8)) {
	case 0: return pick_phandle(fdt);
	case 1: return v + 1;
	case 2: return v - 1;
	case 3: return rnd(0xffffffff);
	default: return v;
	}
}

/* Rewrites one property of @node: a cell, its length, or the whole value. */
static int edit_prop(void *fdt, int node, const char *name)
{
	static uint8_t val[4096] __attribute__((aligned(4)));
	const void *old;
	int len, cells, i;

	old = fdt_getprop(fdt, node, name, &len);
	if (!old || len < 0)
		len = 0;
	if (len > (int)sizeof(val) - 8)
		len = (int)sizeof(val) - 8;
	memcpy(val, old ? old : "", (size_t)len);
	cells = len / 4;
	switch (rnd(8)) {
	case 0:		/* one cell */
	case 1:
	case 2:
		if (!cells)
			return fdt_setprop_u32(fdt, node, name, pick_value(fdt));
		i = (int)rnd((uint32_t)cells);
		((fdt32_t *)val)[i] = cpu_to_fdt32(pick_value(fdt));
		break;
	case 3:		/* one cell fewer, or a byte fewer */
		len = len >= 4 && rnd(2) ? len - 4 : (len ? len - 1 : 0);
		break;
	case 4:		/* one more cell, or a repeat of the first entry (two cells) */
		if (rnd(2) || len < 8) {
			((fdt32_t *)val)[cells] = cpu_to_fdt32(pick_value(fdt));
			len = cells * 4 + 4;
		} else {
			memcpy(val + cells * 4, val, 8);
			len = cells * 4 + 8;
		}
		break;
	case 5:		/* empty */
		len = 0;
		break;
	case 6:		/* swap two cells */
		if (cells >= 2) {
			int a = (int)rnd((uint32_t)cells), b = (int)rnd((uint32_t)cells);
			fdt32_t tmp = ((fdt32_t *)val)[a];

			((fdt32_t *)val)[a] = ((fdt32_t *)val)[b];
			((fdt32_t *)val)[b] = tmp;
		}
		break;
	default:	/* gone */
		return fdt_delprop(fdt, node, name);
	}
	return fdt_setprop(fdt, node, name, val, len);
}

static int pick_prop(const void *fdt, int node, const char **name)
{
	int off, n = 0, len;

	*name = NULL;
	/* Mostly the properties discovery reads, even where the node lacks them. */
	if (rnd(3)) {
		*name = props[rnd(sizeof(props) / sizeof(props[0]))];
		return 0;
	}
	fdt_for_each_property_offset(off, fdt, node) {
		if (!rnd((uint32_t)++n))
			fdt_getprop_by_offset(fdt, off, name, &len);
	}
	return *name ? 0 : -1;
}

/* A second node with every property of @node: a hart served twice, two regions. */
static int clone_node(void *fdt, int node)
{
	static struct { char name[64]; int len, at; } p[32];
	static char vals[8192];
	char name[32];
	int parent = fdt_parent_offset(fdt, node), clone, off, len, n = 0, used = 0, i;
	const char *pname;
	const void *v;

	if (parent < 0)
		return parent;
	/* Copied out first: every setprop below moves the blob's blocks. */
	fdt_for_each_property_offset(off, fdt, node) {
		v = fdt_getprop_by_offset(fdt, off, &pname, &len);
		if (!v || len < 0 || used + len > (int)sizeof(vals) || n == 32 ||
		    strlen(pname) >= sizeof(p[0].name) || !strcmp(pname, "phandle"))
			continue;
		strcpy(p[n].name, pname);
		memcpy(vals + used, v, (size_t)len);
		p[n].len = len;
		p[n++].at = used;
		used += len;
	}
	snprintf(name, sizeof(name), "clone@%x", rnd(0x10000));
	clone = fdt_add_subnode(fdt, parent, name);
	for (i = 0; i < n && clone >= 0; i++) {
		if (fdt_setprop(fdt, clone, p[i].name, vals + p[i].at, p[i].len))
			return -1;
		clone = fdt_subnode_offset(fdt, parent, name);
	}
	return clone < 0 ? clone : 0;
}

static int edit(void *fdt)
{
	const char *name, *status;
	int node = pick_node(fdt);

	if (node < 0)
		return node;
	switch (rnd(16)) {
	case 0:
		return fdt_del_node(fdt, node);
	case 1:
		return clone_node(fdt, node);
	case 2:
		/* Picked first: fdt_setprop_string() evaluates its value twice. */
		status = rnd(2) ? "disabled" : "okay";
		return fdt_setprop_string(fdt, node, "status", status);
	default:
		if (pick_prop(fdt, node, &name))
			return -1;
		return edit_prop(fdt, node, name);
	}
}

/*
 * fdt_open_into() trusts the header's block offsets (a byte-mutated header made it
 * memmove a negative size), so only blobs laid out as dtc lays them out are edited:
 * reservations, structure and strings in that order, none overlapping, all inside.
 */
static bool layout_ok(const uint8_t *data, size_t size)
{
	uint64_t rsv, st, str;
	int nr_rsv;

	if (size < sizeof(struct fdt_header) || fdt_check_header(data) ||
	    fdt_totalsize(data) > size || fdt_version(data) < 17)
		return false;
	/* libfdt loads tags and reservations as aligned words (dt_check_blob() refuses
	 * the same blobs before discovery ever sees them). */
	if ((fdt_off_mem_rsvmap(data) & 7) || (fdt_off_dt_struct(data) & 3))
		return false;
	nr_rsv = fdt_num_mem_rsv(data);
	if (nr_rsv < 0)
		return false;
	rsv = fdt_off_mem_rsvmap(data);
	st = fdt_off_dt_struct(data);
	str = fdt_off_dt_strings(data);
	return rsv >= sizeof(struct fdt_header) &&
	       rsv + (nr_rsv + 1ULL) * sizeof(struct fdt_reserve_entry) <= st &&
	       st + fdt_size_dt_struct(data) <= str &&
	       str + fdt_size_dt_strings(data) <= fdt_totalsize(data);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	int n, i;

	rng_state = seed | (uint64_t)seed << 32 | 1;
	if (rnd(4) == 0 || !layout_ok(data, size) ||
	    fdt_open_into(data, work, (int)(max_size < WORK_MAX ? max_size : WORK_MAX)))
		return LLVMFuzzerMutate(data, size, max_size);
	n = 1 + (int)rnd(3);
	for (i = 0; i < n; i++)
		edit(work);
	if (fdt_pack(work) || fdt_totalsize(work) > max_size)
		return LLVMFuzzerMutate(data, size, max_size);
	memcpy(data, work, fdt_totalsize(work));
	return fdt_totalsize(work);
}
