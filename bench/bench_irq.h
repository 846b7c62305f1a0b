/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupts off around a baseline's critical section, as Linux's
 * raw_spin_lock_irqsave() does: an SGEI on the lock holder's hart must not try to
 * take the same lock. On the host the harness's emulated mask (tests/host/emu_hart.c),
 * the one lib/hgei's host build uses around each of its calls, so that both pay the
 * same for it.
 */
#ifndef BENCH_IRQ_H
#define BENCH_IRQ_H

#include <stdint.h>

#if defined(__riscv) && !defined(HGEI_HOST)
static inline uint64_t bench_irq_save(void)
{
	uint64_t old;

	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(old) :: "memory");
	return old;
}

static inline void bench_irq_restore(uint64_t old)
{
	/* The whole old sstatus, as lib/hgei's hgei_arch_irq_restore(): nothing in
	 * the section clears another bit, so setting them again changes none. */
	__asm__ volatile("csrs sstatus, %0" :: "r"(old) : "memory");
}
#else
#include "hgei_port.h"

static inline uint64_t bench_irq_save(void) { return hgei_arch_irq_save(); }
static inline void bench_irq_restore(uint64_t old) { hgei_arch_irq_restore(old); }
#endif

#endif
