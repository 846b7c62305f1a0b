/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target over devicetree discovery: the input is a DTB, exactly as a
 * firmware would find it in memory (the custom mutator in mutate_dt.c keeps most
 * inputs well-formed so the IMSIC checks are reached). Discovery must never crash and
 * must always leave a table the firmware can trust; any broken promise aborts, which
 * libFuzzer (and the replay binary) report as a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "hgei_dt.h"
#include "hgei_errno.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Bounds the tables like a firmware with a fixed heap would (and keeps RSS small). */
#define FUZZ_MAX_CPUS	4096
#define FUZZ_MAX_ERRORS	64

static void broken(const char *what, unsigned long a, unsigned long b)
{
	fprintf(stderr, "fuzz_dt: broken promise: %s (%lu, %lu)\n", what, a, b);
	abort();
}

#define PROMISE(cond, a, b) do { if (!(cond)) broken(#cond, (unsigned long)(a), \
						     (unsigned long)(b)); } while (0)

static bool known_code(int code)
{
	switch (-code) {
	case HGEI_ENOENT: case HGEI_EEXIST: case HGEI_EINVAL: case HGEI_ERANGE:
	case HGEI_EBADF: case HGEI_E2BIG:
		return true;
	default:
		return false;
	}
}

/* Every node offset in the table names a node. */
static void use_node(const void *fdt, int node)
{
	int len;

	PROMISE(node >= 0 && fdt_get_name(fdt, node, &len) != NULL, node, len);
}

/* What the firmware does with an error: print the node's path (firmware/boot.c).
 * fdt_get_path() walks from the root, so only the first few errors pay for it. */
static void print_node(const void *fdt, int node)
{
	char path[128];

	if (node < 0)
		return;
	use_node(fdt, node);
	if (!fdt_get_path(fdt, node, path, sizeof(path)))
		PROMISE(memchr(path, 0, sizeof(path)) != NULL, node, 0);
}

static void check_errors(const void *fdt, const struct hgei_dt_table *t, int ret)
{
	uint32_t i;

	PROMISE(t->nr_errors <= t->max_errors, t->nr_errors, t->max_errors);
	/* 0 exactly when nothing was reported; otherwise the first error's code. */
	PROMISE(!ret == !(t->nr_errors + t->nr_errors_dropped), ret, t->nr_errors);
	if (ret && t->nr_errors)
		PROMISE(t->errors[0].code == ret, t->errors[0].code, ret);
	for (i = 0; i < t->nr_errors; i++) {
		const struct hgei_dt_error *e = &t->errors[i];

		PROMISE(known_code(e->code), i, e->code);
		PROMISE(memchr(e->message, 0, sizeof(e->message)) != NULL, i, 0);
		PROMISE(e->message[0] != 0, i, 0);
		if (ret != -HGEI_EBADF && i < 4)
			print_node(fdt, e->node);
		else if (ret != -HGEI_EBADF && e->node >= 0)
			use_node(fdt, e->node);
	}
}

static void check_harts(const void *fdt, const struct hgei_dt_table *t)
{
	uint32_t i;

	PROMISE(t->nr_harts <= t->max_harts, t->nr_harts, t->max_harts);
	for (i = 0; i < t->nr_harts; i++) {
		const struct hgei_dt_hart *h = &t->harts[i];
		const struct hgei_dt_hart *f = hgei_dt_find(t, h->hartid);

		PROMISE(!i || t->harts[i - 1].hartid <= h->hartid, i, h->hartid);
		PROMISE(f && f->hartid == h->hartid, i, h->hartid);
		PROMISE(h->hartid != HGEI_DT_NO_HART, i, 0);
		PROMISE(h->guest_index_bits <= 7, i, h->guest_index_bits);
		if (h->err) {
			/* An unusable hart must not hand out a single guest file. */
			PROMISE(known_code(h->err), i, h->err);
			PROMISE(!h->dt_guest_files && !h->raw_guest_files, i, h->dt_guest_files);
			continue;
		}
		PROMISE(h->raw_guest_files <= (1u << h->guest_index_bits) - 1, i,
			h->raw_guest_files);
		PROMISE(h->dt_guest_files == (h->raw_guest_files < 63 ? h->raw_guest_files : 63),
			i, h->dt_guest_files);
		/* A slot is page-aligned, and every guest file's page lies above it. */
		PROMISE(!(h->slot_pa & 0xfff), i, h->slot_pa);
		PROMISE(h->slot_pa + 0x1000ULL * (h->dt_guest_files + 1ULL) - 1 > h->slot_pa,
			i, h->slot_pa);
		use_node(fdt, h->node);
	}
	/* Lookup of an id not in the table. */
	if (t->nr_harts && t->harts[t->nr_harts - 1].hartid < HGEI_DT_NO_HART - 1)
		PROMISE(!hgei_dt_find(t, t->harts[t->nr_harts - 1].hartid + 1), 0, 0);
}

/* One discovery with tables of @max entries (@max 0: still a valid, empty table). */
static void discover(const void *fdt, size_t size, uint32_t max, int count)
{
	static struct hgei_dt_hart harts[FUZZ_MAX_CPUS];
	static struct hgei_dt_cpu cpus[FUZZ_MAX_CPUS];
	static struct hgei_dt_error errors[FUZZ_MAX_ERRORS];
	struct hgei_dt_table t = {
		.harts = harts, .max_harts = max, .cpus = cpus, .max_cpus = max,
		.errors = errors, .max_errors = FUZZ_MAX_ERRORS,
	};
	int ret;

	/* Stale entries from the last input must not leak into this one's table. */
	memset(harts, 0xa5, sizeof(harts[0]) * (max < FUZZ_MAX_CPUS ? max + 1 : max));
	ret = hgei_dt_discover(fdt, size, &t);
	PROMISE(!ret || known_code(ret), ret, 0);
	/* Both share the header checks; only discovery walks far enough to find a
	 * corrupt structure block, so it may refuse a blob count_cpus() accepted. */
	if (count == -HGEI_EBADF)
		PROMISE(ret == -HGEI_EBADF && t.nr_errors == 1 && t.errors[0].node < 0, ret,
			t.nr_errors);
	if (ret == -HGEI_E2BIG)
		PROMISE(!t.nr_harts && t.nr_errors == 1, t.nr_harts, t.nr_errors);
	/* A table as large as count_cpus() says is never too small. */
	if (count >= 0 && (uint32_t)count <= max)
		PROMISE(ret != -HGEI_E2BIG, count, max);
	check_errors(fdt, &t, ret);
	check_harts(fdt, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size heap copy: ASan flags a read one byte past the blob. malloc's
	 * 16-byte alignment satisfies libfdt's 8. */
	uint8_t *fdt = malloc(size ? size : 1);
	int count;
	uint32_t max;

	if (!fdt)
		return 0;
	memcpy(fdt, data, size);
	count = hgei_dt_count_cpus(fdt, size);
	PROMISE(count == -HGEI_EBADF || count >= 0, count, 0);
	max = count > 0 ? (uint32_t)count : 0;
	if (max > FUZZ_MAX_CPUS)
		max = FUZZ_MAX_CPUS;
	discover(fdt, size, max, count);
	/* The caller who sized its table one short (every fourth input, by size). */
	if (max && !(size & 3))
		discover(fdt, size, max - 1, count);
	/* The firmware passes the header's totalsize, not its buffer's size. */
	if (count >= 0 && fdt_totalsize(fdt) < size)
		discover(fdt, fdt_totalsize(fdt), max, count);
	free(fdt);
	return 0;
}
