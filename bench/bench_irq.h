/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Interrupts off around a baseline's critical section, as Linux's
 * raw_spin_lock_irqsave() does: an SGEI on the lock holder's hart must not try to
 * take the same lock. On the host a thread takes no SGEI, so there is nothing to mask.
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
	__asm__ volatile("csrs sstatus, %0" :: "r"(old & 2) : "memory");
}
#else
static inline uint64_t bench_irq_save(void) { return 0; }
static inline void bench_irq_restore(uint64_t old) { (void)old; }
#endif

#endif
