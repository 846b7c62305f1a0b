/* SPDX-License-Identifier: BSD-2-Clause */
/* Sv39x4 G-stage tables (RISC-V privileged spec, "Two-Stage Address Translation"). */
#include <string.h>
#include "csr.h"
#include "gstage.h"
#include "hgei_errno.h"

#define PTE_V		(1UL << 0)
#define PTE_RWX		(GSTAGE_R | GSTAGE_W | GSTAGE_X)
/* G-stage leaves are checked as U-mode accesses: without U every guest access faults. */
#define PTE_U		(1UL << 4)
/* A and D preset: hardware with Svade faults instead of setting them. */
#define PTE_A		(1UL << 6)
#define PTE_D		(1UL << 7)
#define PTE_PPN_SHIFT	10
#define PAGE_SHIFT	12
#define GPA_BITS	41

void fw_gstage_init(struct fw_gstage *gs, void *mem)
{
	memset(mem, 0, GSTAGE_MEM_SIZE);
	gs->root = mem;
	gs->pool = (uint8_t *)mem + GSTAGE_ROOT_SIZE;
	gs->pool_used = 0;
}

static uint64_t *table_of(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
}

static uint64_t pte_to(uint64_t pa, uint64_t flags)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags | PTE_V;
}

/* The next-level table under *pte, taken from the pool when there is none yet;
 * NULL with *err set when a leaf is in the way or the pool is used up. */
static uint64_t *next_table(struct fw_gstage *gs, uint64_t *pte, int *err)
{
	uint8_t *page;

	if (*pte & PTE_V) {
		if (*pte & PTE_RWX) {
			*err = -HGEI_EBUSY;
			return NULL;
		}
		return table_of(*pte);
	}
	if (gs->pool_used == GSTAGE_POOL_PAGES) {
		*err = -HGEI_ENOSPC;
		return NULL;
	}
	page = gs->pool + (size_t)gs->pool_used++ * 4096;
	*pte = pte_to((uintptr_t)page, 0);
	return (uint64_t *)page;
}

int fw_gstage_map(struct fw_gstage *gs, uint64_t gpa, uint64_t pa, uint64_t perm)
{
	uint64_t *l1, *l0, *leaf;
	int err = 0;

	if (((gpa | pa) & 0xfff) || gpa >> GPA_BITS || !(perm & PTE_RWX) || (perm & ~PTE_RWX))
		return -HGEI_EINVAL;
	l1 = next_table(gs, &gs->root[(gpa >> 30) & 0x7ff], &err);
	l0 = l1 ? next_table(gs, &l1[(gpa >> 21) & 0x1ff], &err) : NULL;
	if (!l0)
		return err;
	leaf = &l0[(gpa >> PAGE_SHIFT) & 0x1ff];
	if (*leaf & PTE_V)
		return -HGEI_EBUSY;
	*leaf = pte_to(pa, perm | PTE_U | PTE_A | (perm & GSTAGE_W ? PTE_D : 0));
	return 0;
}

int fw_gstage_unmap(struct fw_gstage *gs, uint64_t gpa)
{
	uint64_t *pte = &gs->root[(gpa >> 30) & 0x7ff];

	if ((gpa & 0xfff) || gpa >> GPA_BITS)
		return -HGEI_EINVAL;
	/* Walk only: a missing table or a leaf above 4 KiB is "not mapped" here. */
	for (unsigned shift = 21; shift >= PAGE_SHIFT; shift -= 9) {
		if ((*pte & (PTE_V | PTE_RWX)) != PTE_V)
			return -HGEI_ENOENT;
		pte = &table_of(*pte)[(gpa >> shift) & 0x1ff];
	}
	if (!(*pte & PTE_V))
		return -HGEI_ENOENT;
	*pte = 0;
	return 0;
}

uint64_t fw_gstage_hgatp(const struct fw_gstage *gs, unsigned vmid)
{
	return (uint64_t)HGATP_SV39X4 << HGATP_MODE_SHIFT | (uint64_t)vmid << HGATP_VMID_SHIFT |
	       (uintptr_t)gs->root >> PAGE_SHIFT;
}

void fw_gstage_fence(void)
{
	/* GCC's own arch attribute overrides -Wa,-march, hence the .option. */
	__asm__ volatile(".option push\n\t.option arch, +h\n\t"
			 "hfence.gvma zero, zero\n\t.option pop" ::: "memory");
}
