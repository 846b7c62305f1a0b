/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devicetree discovery on blobs built in memory with libfdt's sequential-write API:
 * slot and guest-file arithmetic, defaults, error values, table sizing, lookup, and
 * malformed input (every truncation, byte flips) that must never crash.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <libfdt.h>
#include "check.h"
#include "hgei_dt.h"
#include "hgei_errno.h"

#define BASE		0x28000000ULL
#define BLOB_MAX	(1 << 20)
#define MAX_HARTS	1024
#define PH_INTC		0x100	/* cpu i's intc has phandle PH_INTC + i */

/* One S-level node over @nr cpus; fields left 0 take the defaults noted. */
struct tree {
	uint32_t nr;
	uint32_t guest_bits;
	uint64_t region;	/* reg size; 0: nr whole slots */
	uint32_t hartid_step;	/* hartid = i * step; 0: 1 */
	uint32_t irq;		/* 0: 9 */
	int group_bits, group_shift, hart_bits;	/* 0: absent (-1 writes 0) */
	int no_num_ids;
	uint32_t cpu_addr_cells;	/* 0: 1 */
	int disabled_cpu;	/* 1 + index of a disabled cpu, or 0 */
	int bad_reg_cpu;	/* 1 + index of a cpu whose reg has a cell too many, or 0 */
};

static char blob[BLOB_MAX];
static struct hgei_dt_hart harts[MAX_HARTS];
static struct hgei_dt_cpu cpus[MAX_HARTS];
static struct hgei_dt_error errors[64];

static void prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[2 * MAX_HARTS];
	int i;

	for (i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	fdt_property(fdt, name, cells, n * 4);
}

static void opt_u32(void *fdt, const char *name, int v)
{
	if (v)
		fdt_property_u32(fdt, name, v < 0 ? 0 : (uint32_t)v);
}

static void build_cpus(void *fdt, const struct tree *t)
{
	uint32_t i, step = t->hartid_step ? t->hartid_step : 1;
	uint32_t ac = t->cpu_addr_cells ? t->cpu_addr_cells : 1;
	char name[32];

	fdt_begin_node(fdt, "cpus");
	fdt_property_u32(fdt, "#address-cells", ac);
	fdt_property_u32(fdt, "#size-cells", 0);
	for (i = 0; i < t->nr; i++) {
		uint32_t reg[2] = { ac == 2 ? 1 : i * step, i * step };

		snprintf(name, sizeof(name), "cpu@%x", i * step);
		fdt_begin_node(fdt, name);
		fdt_property_string(fdt, "device_type", "cpu");
		if (t->bad_reg_cpu == (int)i + 1)
			prop_cells(fdt, "reg", reg, (int)ac + 1);
		else
			prop_cells(fdt, "reg", ac == 2 ? reg : &reg[1], (int)ac);
		if (t->disabled_cpu == (int)i + 1)
			fdt_property_string(fdt, "status", "disabled");
		fdt_begin_node(fdt, "interrupt-controller");
		fdt_property_u32(fdt, "#interrupt-cells", 1);
		fdt_property_string(fdt, "compatible", "riscv,cpu-intc");
		fdt_property_u32(fdt, "phandle", PH_INTC + i);
		fdt_end_node(fdt);
		fdt_end_node(fdt);
	}
	fdt_end_node(fdt);
}

static void build_imsic(void *fdt, const struct tree *t)
{
	static uint32_t irqs[2 * MAX_HARTS];
	uint64_t size = t->region ? t->region : (uint64_t)t->nr << (t->guest_bits + 12);
	uint32_t reg[4] = { 0, (uint32_t)BASE, (uint32_t)(size >> 32), (uint32_t)size };
	uint32_t i;

	fdt_begin_node(fdt, "interrupt-controller@28000000");
	fdt_property(fdt, "compatible", "qemu,imsics\0riscv,imsics", 25);
	if (!t->no_num_ids)
		fdt_property_u32(fdt, "riscv,num-ids", 255);
	opt_u32(fdt, "riscv,guest-index-bits", (int)t->guest_bits);
	opt_u32(fdt, "riscv,hart-index-bits", t->hart_bits);
	opt_u32(fdt, "riscv,group-index-bits", t->group_bits);
	opt_u32(fdt, "riscv,group-index-shift", t->group_shift);
	prop_cells(fdt, "reg", reg, 4);
	for (i = 0; i < t->nr; i++) {
		irqs[2 * i] = PH_INTC + i;
		irqs[2 * i + 1] = t->irq ? t->irq : 9;
	}
	prop_cells(fdt, "interrupts-extended", irqs, (int)(2 * t->nr));
	fdt_end_node(fdt);
}

/* Returns the blob's size. */
static size_t build(const struct tree *t)
{
	void *fdt = blob;

	fdt_create(fdt, BLOB_MAX);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	build_cpus(fdt, t);
	fdt_begin_node(fdt, "soc");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	build_imsic(fdt, t);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	CHECK_EQ(fdt_finish(fdt), 0);
	return fdt_totalsize(fdt);
}

static struct hgei_dt_table table(uint32_t max)
{
	struct hgei_dt_table t = {
		.harts = harts, .max_harts = max, .cpus = cpus, .max_cpus = max,
		.errors = errors, .max_errors = 64,
	};
	return t;
}

static int discover(const void *fdt, size_t size, struct hgei_dt_table *t)
{
	*t = table(MAX_HARTS);
	return hgei_dt_discover(fdt, size, t);
}

static void test_basic(void)
{
	struct tree tr = { .nr = 4, .guest_bits = 2 };
	size_t size = build(&tr);
	struct hgei_dt_table t;
	uint32_t i;

	CHECK_EQ(hgei_dt_count_cpus(blob, size), 4);
	CHECK_EQ(discover(blob, size, &t), 0);
	CHECK_EQ(t.nr_harts, 4);
	CHECK_EQ(t.nr_errors, 0);
	for (i = 0; i < 4; i++) {
		const struct hgei_dt_hart *h = hgei_dt_find(&t, i);

		CHECK(h != NULL, "hart %u not found", i);
		if (!h)
			continue;
		CHECK_EQ(h->slot_pa, BASE + ((uint64_t)i << 14));
		CHECK_EQ(h->index, i);
		CHECK_EQ(h->dt_guest_files, 3);
		CHECK_EQ(h->raw_guest_files, 3);
		CHECK_EQ(h->guest_index_bits, 2);
		CHECK_EQ(h->group, 0);
		CHECK_EQ(h->err, 0);
		CHECK(!strcmp(fdt_get_name(blob, h->node, NULL),
			      "interrupt-controller@28000000"), "node of hart %u", i);
	}
	CHECK(hgei_dt_find(&t, 4) == NULL, "hart 4 found");
	CHECK(hgei_dt_find(NULL, 0) == NULL, "NULL table");
	CHECK_EQ(hgei_dt_discover(blob, size, NULL), -HGEI_EINVAL);
}

/* 2^7 - 1 = 127 guest files by the devicetree; RV64 has at most 63 lines. */
static void test_clamp(void)
{
	struct tree tr = { .nr = 2, .guest_bits = 7 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	CHECK_EQ(discover(blob, size, &t), 0);
	CHECK_EQ(t.harts[1].slot_pa, BASE + (1ULL << 19));
	CHECK_EQ(t.harts[1].raw_guest_files, 127);
	CHECK_EQ(t.harts[1].dt_guest_files, 63);
}

static void test_trimmed(void)
{
	/* Last slot keeps one page: its S file only, no guest file, no error. */
	struct tree tr = { .nr = 3, .guest_bits = 3, .region = 2 * 0x8000 + 0x1000 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	CHECK_EQ(discover(blob, size, &t), 0);
	CHECK_EQ(t.harts[1].dt_guest_files, 7);
	CHECK_EQ(t.harts[2].dt_guest_files, 0);
	CHECK_EQ(t.harts[2].err, 0);

	/* Half a page: not even the S file fits. */
	tr.region = 2 * 0x8000 + 0x800;
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ERANGE);
	CHECK_EQ(t.harts[2].err, -HGEI_ERANGE);
	CHECK_EQ(t.harts[1].err, 0);
	CHECK_EQ(t.nr_errors, 1);
	CHECK_EQ(t.errors[0].hartid, 2);

	/* Two slots for three harts: the third lies beyond reg. */
	tr.region = 2 * 0x8000;
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ERANGE);
	CHECK_EQ(t.harts[2].err, -HGEI_ERANGE);
	CHECK_EQ(t.harts[2].dt_guest_files, 0);
	CHECK_EQ(t.harts[0].dt_guest_files, 7);
}

/* hart-index-bits defaults to ceil(log2(5)) = 3, so the group field needs bit 15. */
static void test_defaults(void)
{
	struct tree tr = { .nr = 5, .group_bits = 1, .group_shift = 15 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	CHECK_EQ(discover(blob, size, &t), 0);
	tr.group_shift = 14;
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ERANGE);
	CHECK(strstr(t.errors[0].message, "needs >= 15") != NULL, "%s", t.errors[0].message);
	CHECK_EQ(t.errors[0].hartid, HGEI_DT_NO_HART);
	CHECK_EQ(t.harts[4].dt_guest_files, 0);

	/* An explicit hart-index-bits of 2 cannot hold hart 4: it lands outside. */
	tr = (struct tree){ .nr = 5, .hart_bits = 2 };
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ERANGE);
	CHECK_EQ(t.harts[3].err, 0);
	CHECK_EQ(t.harts[4].err, -HGEI_ERANGE);

	/* No num-ids: every hart listed, none usable. */
	tr = (struct tree){ .nr = 2, .no_num_ids = 1 };
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ENOENT);
	CHECK_EQ(t.nr_harts, 2);
	CHECK_EQ(t.harts[0].err, -HGEI_ENOENT);
}

/* The published /cpus entry for @hartid, or NULL. */
static const struct hgei_dt_cpu *cpu_of(const struct hgei_dt_table *t, uint32_t hartid)
{
	for (uint32_t i = 0; i < t->nr_cpus; i++)
		if (t->cpus[i].hartid == hartid)
			return &t->cpus[i];
	return NULL;
}

static uint32_t cpus_enabled(const struct hgei_dt_table *t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->nr_cpus; i++)
		n += t->cpus[i].enabled;
	return n;
}

static void test_cpus(void)
{
	struct tree tr = { .nr = 4, .guest_bits = 1, .hartid_step = 3, .disabled_cpu = 2 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	CHECK_EQ(discover(blob, size, &t), 0);
	CHECK_EQ(t.nr_harts, 3);
	CHECK(hgei_dt_find(&t, 3) == NULL, "disabled hart 3 listed");
	CHECK(hgei_dt_find(&t, 6) && hgei_dt_find(&t, 6)->slot_pa == BASE + 2 * 0x2000,
	      "hart 6 slot");
	/* /cpus as published for the runtime: every cpu, the disabled one marked so. */
	CHECK_EQ(t.nr_cpus, 4);
	CHECK_EQ(cpus_enabled(&t), 3);
	CHECK(cpu_of(&t, 3) && !cpu_of(&t, 3)->enabled, "disabled hart 3 not published");
	CHECK(cpu_of(&t, 6) && cpu_of(&t, 6)->enabled, "hart 6 not published");

	/* A 64-bit hartid cannot be named in the table. */
	tr = (struct tree){ .nr = 2, .cpu_addr_cells = 2 };
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ERANGE);
	CHECK(strstr(t.errors[0].message, "does not fit 32 bits") != NULL, "%s",
	      t.errors[0].message);

	/* M-level only: nothing to serve. */
	tr = (struct tree){ .nr = 2, .irq = 11 };
	size = build(&tr);
	CHECK_EQ(discover(blob, size, &t), -HGEI_ENOENT);
	CHECK_EQ(t.nr_harts, 0);
}

/*
 * A cpu whose reg cannot be read cannot be named, but its interrupts-extended entry
 * still has a known length: only that hart is lost, the ones after it keep their
 * slots (found by the malformed catalogue: before, every hart of the node was lost).
 */
static void test_bad_cpu_reg(void)
{
	struct tree tr = { .nr = 4, .guest_bits = 1, .bad_reg_cpu = 2 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	CHECK_EQ(discover(blob, size, &t), -HGEI_EINVAL);
	CHECK_EQ(t.nr_errors, 1);
	CHECK(strstr(t.errors[0].message, "cpu reg has 8 bytes, expected 4") != NULL, "%s",
	      t.errors[0].message);
	CHECK_EQ(t.nr_harts, 3);
	CHECK(hgei_dt_find(&t, 1) == NULL, "hart 1 listed");
	CHECK(hgei_dt_find(&t, 2) && hgei_dt_find(&t, 2)->slot_pa == BASE + 2 * 0x2000 &&
	      hgei_dt_find(&t, 2)->dt_guest_files == 1 && !hgei_dt_find(&t, 2)->err,
	      "hart 2 lost its slot");
	CHECK(hgei_dt_find(&t, 3) && hgei_dt_find(&t, 3)->dt_guest_files == 1, "hart 3");
	/* Published too, but as no hart the runtime may start. */
	CHECK_EQ(t.nr_cpus, 4);
	CHECK_EQ(cpus_enabled(&t), 3);
	CHECK(cpu_of(&t, HGEI_DT_NO_HART) && !cpu_of(&t, HGEI_DT_NO_HART)->enabled,
	      "cpu without a usable reg");
}

/* A header and blocks in order but no root node (a fuzzer finding): refused as a
 * blob, instead of an error against node 0, which does not exist. */
static void test_no_root(void)
{
	struct hgei_dt_table t;
	size_t size;

	fdt_create(blob, BLOB_MAX);
	fdt_finish_reservemap(blob);
	CHECK_EQ(fdt_finish(blob), 0);
	size = fdt_totalsize(blob);
	CHECK_EQ(discover(blob, size, &t), -HGEI_EBADF);
	CHECK_EQ(t.nr_errors, 1);
	CHECK_EQ(t.errors[0].node, -1);
	CHECK_EQ(hgei_dt_count_cpus(blob, size), -HGEI_EBADF);
}

static void test_sizing(void)
{
	struct tree tr = { .nr = 8 };
	size_t size = build(&tr);
	struct hgei_dt_table t = table(7);

	CHECK_EQ(hgei_dt_discover(blob, size, &t), -HGEI_E2BIG);
	CHECK_EQ(t.nr_harts, 0);
	CHECK_EQ(t.errors[0].code, -HGEI_E2BIG);

	/* Errors beyond the caller's array are counted, not stored. */
	tr.no_num_ids = 1;
	size = build(&tr);
	t = table(8);
	t.max_errors = 0;
	CHECK_EQ(hgei_dt_discover(blob, size, &t), -HGEI_ENOENT);
	CHECK_EQ(t.nr_errors, 0);
	CHECK_EQ(t.nr_errors_dropped, 1);
}

static void test_512(void)
{
	struct tree tr = { .nr = 512, .guest_bits = 3 };
	size_t size = build(&tr);
	struct hgei_dt_table t;
	uint32_t i, bad = 0;

	CHECK_EQ(hgei_dt_count_cpus(blob, size), 512);
	CHECK_EQ(discover(blob, size, &t), 0);
	CHECK_EQ(t.nr_harts, 512);
	for (i = 0; i < 512; i++) {
		const struct hgei_dt_hart *h = hgei_dt_find(&t, i);

		bad += !h || h->slot_pa != BASE + ((uint64_t)i << 15) || h->dt_guest_files != 7;
	}
	CHECK_EQ(bad, 0);
}

/* Whatever the input, the table must stay consistent. */
static void check_table(const struct hgei_dt_table *t, uint32_t *bad)
{
	uint32_t i;

	*bad += t->nr_harts > t->max_harts || t->nr_errors > t->max_errors;
	for (i = 0; i < t->nr_harts && i < t->max_harts; i++) {
		const struct hgei_dt_hart *h = &t->harts[i];

		*bad += h->dt_guest_files > 63 || (h->err && h->dt_guest_files);
		*bad += i && h->hartid < t->harts[i - 1].hartid;
	}
}

static size_t fuzz_seed(void)
{
	struct tree tr = { .nr = 8, .guest_bits = 2, .group_bits = 1, .group_shift = 24 };

	return build(&tr);
}

/*
 * A copy of @len bytes ending (within the 8-byte alignment libfdt requires) where an
 * inaccessible page begins: a read past the end faults, even inside the system
 * libfdt, which ASan does not instrument.
 */
static char *guarded_copy(const void *src, size_t len, void **map, size_t *map_len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t data = (len + page - 1) / page * page;
	char *m;

	*map_len = data + page;
	m = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		abort();
	mprotect(m + data, page, PROT_NONE);
	*map = m;
	m += (data - len) & ~(size_t)7;
	memcpy(m, src, len);
	return m;
}

/* Each length gets its own exact-size copy against a guard page. */
static void test_truncated(void)
{
	size_t size = fuzz_seed(), len;
	struct hgei_dt_table t;
	uint32_t bad = 0, ok = 0;

	for (len = 0; len <= size; len++) {
		size_t map_len;
		void *map;
		char *copy = guarded_copy(blob, len, &map, &map_len);
		int ret;

		ret = discover(copy, len, &t);
		ok += ret != -HGEI_EBADF;
		bad += len < size && ret != -HGEI_EBADF;
		check_table(&t, &bad);
		bad += hgei_dt_count_cpus(copy, len) != (len < size ? -HGEI_EBADF : 8);
		/* The same bytes with the header claiming only what is there. */
		if (len >= sizeof(struct fdt_header)) {
			fdt_set_totalsize(copy, (uint32_t)len);
			discover(copy, len, &t);
			check_table(&t, &bad);
		}
		munmap(map, map_len);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(ok, 1);
}

static void test_flips(void)
{
	size_t size = fuzz_seed(), i;
	static const uint8_t masks[] = { 0xff, 0x01, 0x80, 0x10 };
	size_t map_len;
	void *map;
	char *copy = guarded_copy(blob, size, &map, &map_len);
	struct hgei_dt_table t;
	uint32_t bad = 0, rnd = 12345, n;

	for (i = 0; i < size; i++) {
		for (n = 0; n < sizeof(masks); n++) {
			memcpy(copy, blob, size);
			copy[i] ^= (char)masks[n];
			discover(copy, size, &t);
			check_table(&t, &bad);
		}
	}
	/* Several random bytes at once, from a fixed-seed LCG so failures reproduce. */
	for (n = 0; n < 20000; n++) {
		uint32_t k;

		memcpy(copy, blob, size);
		for (k = 0; k < 4; k++) {
			rnd = rnd * 1103515245u + 12345u;
			copy[(rnd >> 8) % size] = (char)(rnd >> 24);
		}
		discover(copy, size, &t);
		check_table(&t, &bad);
	}
	munmap(map, map_len);
	CHECK_EQ(bad, 0);
}

/* A blob off the 8-byte alignment the spec requires is refused, not misread. */
static void test_unaligned(void)
{
	static uint64_t store[BLOB_MAX / 8 + 1];
	struct tree tr = { .nr = 2 };
	size_t size = build(&tr);
	struct hgei_dt_table t;

	memcpy((char *)store + 4, blob, size);
	CHECK_EQ(discover((char *)store + 4, size, &t), -HGEI_EBADF);
	CHECK(strstr(t.errors[0].message, "aligned") != NULL, "%s",
	      t.errors[0].message);
}

static void test_strerror(void)
{
	CHECK(!strcmp(hgei_strerror(-HGEI_EEXIST), "EEXIST"), "EEXIST");
	CHECK(!strcmp(hgei_strerror(HGEI_E2BIG), "E2BIG"), "E2BIG");
	CHECK(!strcmp(hgei_strerror(-1000), "EUNKNOWN"), "unknown");
}

int main(void)
{
	test_basic();
	test_clamp();
	test_trimmed();
	test_defaults();
	test_cpus();
	test_bad_cpu_reg();
	test_no_root();
	test_sizing();
	test_512();
	test_truncated();
	test_flips();
	test_unaligned();
	test_strerror();
	return check_summary("test_dt");
}
