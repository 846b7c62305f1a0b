/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devicetree discovery: where each hart's IMSIC interrupt files live and how many
 * guest files the devicetree grants it. One pass over the blob, through libfdt.
 * Pure data in, table out: no CSR access, callable on any hart or on the host.
 */
#ifndef HGEI_DT_H
#define HGEI_DT_H

#include <stddef.h>
#include <stdint.h>

#define HGEI_DT_NO_HART		UINT32_MAX	/* error not tied to one hart */
#define HGEI_DT_MSG_LEN		96

/** One hart served by an S-level IMSIC node. */
struct hgei_dt_hart {
	uint64_t slot_pa;	/* physical address of the hart's S-level file */
	uint32_t hartid;	/* the cpu node's reg */
	int32_t node;		/* FDT offset of the IMSIC node (for fdt_get_path) */
	uint32_t index;		/* position in interrupts-extended */
	uint32_t group;		/* group number decoded from slot_pa */
	uint8_t dt_guest_files;	/* raw_guest_files clamped to 63 (RV64 max GEILEN) */
	uint8_t guest_index_bits;
	uint8_t raw_guest_files;	/* min(2^guest-index-bits - 1, pages after slot - 1) */
	int16_t err;		/* 0, or -HGEI_E* when the hart's data is unusable */
};

/**
 * One cpu node of /cpus (device_type "cpu"). Discovery uses the array as its
 * phandle -> cpu map, sorted by phandle so each interrupts-extended entry resolves in
 * O(log n) instead of the linear scan fdt_node_offset_by_phandle() does; afterwards
 * it is the caller's list of /cpus, so a runtime need not walk /cpus itself: hartid
 * and enabled are published, the other fields are private.
 */
struct hgei_dt_cpu {
	uint32_t phandle;	/* of the cpu's riscv,cpu-intc node; 0: none usable */
	uint32_t hartid;	/* the cpu's reg; HGEI_DT_NO_HART when it is unusable */
	uint32_t claimed;	/* 1 + harts[] index once an S-level entry names it, else 0 */
	uint8_t intc_cells;	/* #interrupt-cells of the riscv,cpu-intc node */
	uint8_t enabled;	/* reg usable and status okay: a hart to run */
};

/** An error found while parsing; names the node and, where it applies, the hart. */
struct hgei_dt_error {
	int32_t node;		/* FDT offset, or -1 when the blob itself is bad */
	uint32_t hartid;	/* HGEI_DT_NO_HART when no hart applies */
	int code;		/* -HGEI_E* */
	char message[HGEI_DT_MSG_LEN];
};

/**
 * The result of discovery. The caller provides the storage (the firmware sizes it from
 * the number of cpu nodes, the host tool with malloc): harts[] and cpus[] must each
 * hold at least hgei_dt_count_cpus() entries, or discovery fails with -HGEI_E2BIG.
 * harts[] ends up sorted by hartid; cpus[0..nr_cpus) lists every cpu node of /cpus
 * read before the walk ended, in no particular order (struct hgei_dt_cpu).
 */
struct hgei_dt_table {
	struct hgei_dt_hart *harts;
	uint32_t nr_harts, max_harts;
	struct hgei_dt_error *errors;
	uint32_t nr_errors, max_errors;
	uint32_t nr_errors_dropped;	/* errors beyond max_errors, counted not stored */
	struct hgei_dt_cpu *cpus;	/* see struct hgei_dt_cpu */
	uint32_t nr_cpus, max_cpus;
};

/**
 * Counts the cpu nodes of /cpus (enabled or not), so a caller can size the table.
 * Returns the count, or -HGEI_EBADF when @fdt is not a valid blob of at most @size bytes.
 */
int hgei_dt_count_cpus(const void *fdt, size_t size);

/**
 * Fills @t from every okay S-level riscv,imsics node of @fdt. Cost is linear in the
 * blob size plus O(n log n) in the number of cpus; no allocation, no CSR access.
 * A hart whose data is unusable is still listed, with err set and 0 guest files.
 * Returns 0 when every node parsed cleanly, the first error code otherwise (the table
 * still holds every hart that could be found), -HGEI_EBADF when @fdt is not a valid
 * blob of at most @size bytes, -HGEI_E2BIG when harts[] or cpus[] is too small (the
 * table is then empty but for one error).
 */
int hgei_dt_discover(const void *fdt, size_t size, struct hgei_dt_table *t);

/** The entry for @hartid, or NULL. O(log n): harts[] is sorted. */
const struct hgei_dt_hart *hgei_dt_find(const struct hgei_dt_table *t, uint32_t hartid);

#endif
