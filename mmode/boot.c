/* SPDX-License-Identifier: BSD-2-Clause */
/* Cold boot (the lottery winner) and warm boot (every other hart), from entry.S. */
#include "mmode.h"

/* The HS-mode runtime's entry point (firmware/entry.S). */
extern char _start[];

void mm_cold_boot(unsigned long hartid, const void *dtb) __attribute__((noreturn));
void mm_warm_boot(unsigned long hartid) __attribute__((noreturn));
void mm_hart_over_range(unsigned long hartid) __attribute__((noreturn));

/*
 * The lottery can be won by a hart the devicetree does not let us use (a cpu node
 * without a usable reg, a disabled one, or none at all): it has no CLINT words here, so
 * it cannot be woken or timed, and it must not run the HS runtime. It hands the runtime to the lowest-numbered hart that can, through
 * that hart's HSM mailbox, exactly as a hart_start would, and sleeps for good.
 */
static void __attribute__((noreturn)) hand_over(unsigned long hartid, const void *dtb)
{
	struct mm_hart *to = NULL;
	struct mm_line l;

	for (unsigned long i = 0; i < MM_MAX_HARTS && !to; i++)
		if (mm_harts[i].msip)
			to = &mm_harts[i];
	if (!to)
		mm_die("no hart has a CLINT context in the devicetree", hartid);
	l.len = 0;
	mm_line_str(&l, "hartgei-m: hart ");
	mm_line_dec(&l, hartid);
	mm_line_str(&l, ": not in the devicetree's CLINT contexts, hart ");
	mm_line_dec(&l, (unsigned long)(to - mm_harts));
	mm_line_str(&l, " runs the HS runtime; this hart stays parked\n");
	mm_line_emit(&l);
	to->start_addr = (uintptr_t)_start;
	to->opaque = (uintptr_t)dtb;
	/* Release, twice: the mailbox before its START_PENDING, and the tables
	 * mm_dt_parse() filled before cold_done. The target reads both with acquires. */
	atomic_store_explicit(&to->hsm, MM_HSM_START_PENDING, memory_order_release);
	atomic_store_explicit(&mm_cold_done, 1, memory_order_release);
	/* The target sleeps in entry.S's wait for cold_done or already in mm_park():
	 * either wakes on msip, and mm_park() looks at the mailbox after clearing it. */
	mm_msip_write(to, 1);
	mm_park();
}

void mm_cold_boot(unsigned long hartid, const void *dtb)
{
	struct mm_hart *self = &mm_harts[hartid];

	mm_dt_parse(dtb);
	if (!self->msip)
		hand_over(hartid, dtb);
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
