/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Short QEMU -icount slices for the contention runs. QEMU runs the harts round-robin,
 * each for a share of the instructions up to the next timer deadline; a deadline kept
 * BENCH_SLICE_TICKS ahead makes it switch harts every few operations. The deadline is
 * the hart's own ACLINT mtimecmp, stored from HS (the bare boot path leaves the ACLINT
 * reachable); mie.MTIE is clear once it has fired, so no trap follows. During a run
 * sscratch holds the hart's mtimecmp address (0 otherwise: the runtime's trap vector
 * does not use sscratch, and the bench runs no vCPU).
 */
#ifndef BENCH_RELAX_H
#define BENCH_RELAX_H

#include <stdint.h>
#include "board.h"

#define BENCH_SLICE_TICKS	25	/* 2.5 us of virtual time = 2,500 instructions */

static inline volatile uint64_t *bench_mtimecmp(uint32_t hartid)
{
	return (volatile uint64_t *)(BOARD_ACLINT_MTIMECMP + 8UL * hartid);
}

/*
 * Moves this hart's deadline on when sscratch names its mtimecmp. All in one asm
 * block: the compiler can neither hoist the address work into the caller's fast path
 * nor see a call, so a spinlock's uncontended path costs what it would without it.
 */
static inline void bench_cpu_relax(void)
{
	__asm__ volatile("csrr t1, sscratch\n\t"
			 "beqz t1, 1f\n\t"
			 "rdtime t2\n\t"
			 "addi t2, t2, %0\n\t"
			 "sd t2, 0(t1)\n"
			 "1:"
			 :: "i"(BENCH_SLICE_TICKS) : "t1", "t2", "memory");
}

#endif
