/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * G-stage (guest-physical to host-physical) translation tables, Sv39x4, as a
 * hypervisor builds them for one guest. One table set per hart; the memory comes from
 * the caller (fw_heap at boot), so building and changing maps never allocates.
 */
#ifndef FW_GSTAGE_H
#define FW_GSTAGE_H

#include <stdint.h>

#define GSTAGE_ROOT_SIZE	16384	/* Sv39x4 root: 2048 entries, 16 KiB aligned */
#define GSTAGE_POOL_PAGES	6	/* 4 KiB tables below the root */
#define GSTAGE_MEM_SIZE		(GSTAGE_ROOT_SIZE + GSTAGE_POOL_PAGES * 4096)
#define GSTAGE_MEM_ALIGN	GSTAGE_ROOT_SIZE

/* Leaf permissions for fw_gstage_map(); U, A and D are added by the map. */
#define GSTAGE_R		(1UL << 1)
#define GSTAGE_W		(1UL << 2)
#define GSTAGE_X		(1UL << 3)

struct fw_gstage {
	uint64_t *root;
	uint8_t *pool;
	unsigned pool_used;
};

/** Clears the tables in @mem (GSTAGE_MEM_SIZE bytes, GSTAGE_MEM_ALIGN aligned). */
void fw_gstage_init(struct fw_gstage *gs, void *mem);

/**
 * Maps the 4 KiB guest page at @gpa onto host page @pa with @perm (GSTAGE_R/W/X).
 * Returns 0, -HGEI_EINVAL (unaligned, outside Sv39x4's 41 bits, no permission),
 * -HGEI_EBUSY (already mapped), -HGEI_ENOSPC (table pool used up). The caller issues
 * fw_gstage_fence() before a guest runs on a changed map.
 */
int fw_gstage_map(struct fw_gstage *gs, uint64_t gpa, uint64_t pa, uint64_t perm);

/**
 * Unmaps the 4 KiB guest page at @gpa (a later guest access to it faults, scause
 * 20/21/23). Returns 0, -HGEI_EINVAL (unaligned) or -HGEI_ENOENT (not mapped). The
 * caller issues fw_gstage_fence() before the guest runs again: a stale G-stage TLB
 * entry would still reach the old page.
 */
int fw_gstage_unmap(struct fw_gstage *gs, uint64_t gpa);

/** The hgatp value for these tables: Sv39x4, @vmid. */
uint64_t fw_gstage_hgatp(const struct fw_gstage *gs, unsigned vmid);

/** hfence.gvma for every guest on this hart: orders earlier table stores before the
 * G-stage walks that follow. */
void fw_gstage_fence(void);

#endif
