/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Discovery cost against hart count, in one boot: bench/run.sh dumps QEMU's own
 * devicetree for each machine size and loads the blobs at fixed addresses
 * (-device loader); hgei_dt_discover() is timed on each, on the boot hart.
 */
#include <libfdt.h>
#include <stdio.h>
#include "bench_fw.h"

/* Slot k holds one blob at BENCH_DTB_BASE + k * BENCH_DTB_STRIDE (bench/run.sh). */
#define BENCH_DTB_BASE		0x8c000000UL
#define BENCH_DTB_STRIDE	0x100000UL
#define BENCH_DTB_SLOTS		8
#define BENCH_DTB_MAX_HARTS	1024
#define BENCH_DTB_RUNS		5

static struct hgei_dt_hart dt_harts[BENCH_DTB_MAX_HARTS];
static struct hgei_dt_cpu dt_cpus[BENCH_DTB_MAX_HARTS];
static struct hgei_dt_error dt_errors[4];

static void time_blob(const void *blob)
{
	struct hgei_dt_table t = {
		.harts = dt_harts, .max_harts = BENCH_DTB_MAX_HARTS,
		.cpus = dt_cpus, .max_cpus = BENCH_DTB_MAX_HARTS,
		.errors = dt_errors, .max_errors = 4,
	};
	size_t size = fdt_totalsize(blob);
	int cpus = hgei_dt_count_cpus(blob, size), err = 0;
	uint64_t d[BENCH_DTB_RUNS], o = bench_overhead();
	char metric[48];

	if (cpus <= 0 || cpus > BENCH_DTB_MAX_HARTS)
		return;
	for (unsigned r = 0; r < BENCH_DTB_RUNS; r++) {
		uint64_t t0 = bench_instret();

		err |= hgei_dt_discover(blob, size, &t);
		d[r] = bench_instret() - t0;
	}
	snprintf(metric, sizeof(metric), "discovery_%dh_instr", cpus);
	bench_print(metric, bench_median(d, BENCH_DTB_RUNS) - o, "instructions");
	snprintf(metric, sizeof(metric), "discovery_%dh_harts", cpus);
	bench_print(metric, err ? 0 : t.nr_harts, "harts");
	snprintf(metric, sizeof(metric), "discovery_%dh_blob", cpus);
	bench_print(metric, size, "bytes");
}

void bench_discovery(void)
{
	for (unsigned k = 0; k < BENCH_DTB_SLOTS; k++) {
		const void *blob = (const void *)(BENCH_DTB_BASE + k * BENCH_DTB_STRIDE);

		if (fdt_magic(blob) == FDT_MAGIC && !fdt_check_header(blob))
			time_blob(blob);
	}
}
