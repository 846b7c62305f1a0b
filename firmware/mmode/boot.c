/* SPDX-License-Identifier: BSD-2-Clause */
/* Cold boot (the lottery winner) and warm boot (every other hart), from entry.S. */
#include "mmode.h"

struct mm_hart mm_harts[MM_MAX_HARTS];
struct mm_platform mm_plat;
extern _Atomic uint32_t mm_cold_done;	/* entry.S, .data */

/* The HS-mode runtime's entry point (firmware/entry.S). */
extern char _start[];

void mm_cold_boot(unsigned long hartid, const void *dtb) __attribute__((noreturn));
void mm_warm_boot(unsigned long hartid) __attribute__((noreturn));
void mm_hart_over_range(unsigned long hartid) __attribute__((noreturn));

void mm_cold_boot(unsigned long hartid, const void *dtb)
{
	struct mm_hart *self = &mm_harts[hartid];

	mm_dt_parse(dtb);
	if (!self->msip)
		mm_die("boot hart has no CLINT context in the devicetree", hartid);
	mm_hart_setup();
	/* Release: the tables mm_dt_parse() filled are read by every hart after this. */
	atomic_store_explicit(&mm_cold_done, 1, memory_order_release);
	atomic_store_explicit(&self->hsm, MM_HSM_STARTED, memory_order_relaxed);
	mm_enter_s((uintptr_t)_start, hartid, (uintptr_t)dtb);
}

void mm_warm_boot(unsigned long hartid)
{
	(void)hartid;
	mm_hart_setup();
	mm_park();
}

void mm_hart_over_range(unsigned long hartid)
{
	mm_die("hartid beyond MM_MAX_HARTS, rebuild with a larger -DMM_MAX_HARTS", hartid);
}

int mm_s_range_ok(uintptr_t addr, size_t len)
{
	uintptr_t end = addr + len;

	if (end < addr || addr < mm_plat.ram_base || end > mm_plat.ram_end)
		return 0;
	return end <= (uintptr_t)__mm_start || addr >= (uintptr_t)__mm_end;
}
