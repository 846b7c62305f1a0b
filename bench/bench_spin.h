/* SPDX-License-Identifier: BSD-2-Clause */
/* The baselines' lock: test-and-test-and-set, as small as a spinlock gets. */
#ifndef BENCH_SPIN_H
#define BENCH_SPIN_H

#include <stdatomic.h>
#include <stdint.h>

/*
 * What a waiter runs on each spin, cpu_relax() in Linux's terms. Under QEMU -icount
 * the bench firmware's keeps the round-robin slice short, so a waiter does not spin
 * away a whole slice while the holder waits for its turn (bench/fw/bench_relax.h).
 */
#if defined(__riscv) && !defined(HGEI_HOST)
#include "fw/bench_relax.h"
#else
static inline void bench_cpu_relax(void) {}
#endif

/* Acquire on the winning swap: the holder sees the previous holder's writes. The
 * inner relaxed load spins without writing, so waiters do not steal the line. */
static inline void bench_spin_lock(_Atomic uint32_t *l)
{
	while (atomic_exchange_explicit(l, 1, memory_order_acquire))
		while (atomic_load_explicit(l, memory_order_relaxed))
			bench_cpu_relax();
}

/* Release: the critical section's writes before the next holder's acquire. */
static inline void bench_spin_unlock(_Atomic uint32_t *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

#endif
