/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bench firmware (built with FW_BENCH): the HS runtime with its self-test
 * replaced by instruction counts. Under QEMU -icount shift=0, instret is the exact
 * count of instructions retired, by every hart together (one global counter), so
 * single operations are timed on the boot hart while every other hart sleeps in wfi.
 * Results are printed as "bench: metric=value unit" lines for bench/run.sh.
 */
#ifndef BENCH_FW_H
#define BENCH_FW_H

#include <stdint.h>
#include "../../firmware/fw.h"
#include "../bench_impl.h"

#define CSR_SSCRATCH	0x140
#define BENCH_RUNS	31	/* runs per single-operation metric; the median is kept */

static inline uint64_t bench_instret(void)
{
	uint64_t v;

	__asm__ volatile("csrr %0, instret" : "=r"(v) :: "memory");
	return v;
}

/* Median of @n samples (sorts them). */
uint64_t bench_median(uint64_t *v, unsigned n);
/* instret read back to back: subtracted from every measured delta. */
uint64_t bench_overhead(void);
void bench_print(const char *metric, uint64_t value, const char *unit);

/* bench_trap.c / bench_vector.S: the trap vector of the contention and vCPU runs.
 * While bench_trap_impl is set on a hart, its SGEIs go to that design's handler with
 * bench_trap_hart and bench_trap_ops; other traps go to the runtime's fw_trap(). */
extern _Thread_local const struct bench_impl *bench_trap_impl;
extern _Thread_local void *bench_trap_hart;
extern _Thread_local const struct hgei_ops *bench_trap_ops;
void bench_trap_vector(void);
void bench_trap(uint64_t scause);
void bench_trap_install(void);
/* The pacer hart of a contention or vCPU phase, until *@over (bench_trap.c). */
#define BENCH_PACER_TICKS	200	/* 20,000 instructions */
void bench_pacer(_Atomic uint32_t *over);

/* The phases, all started by fw_bench_run() (bench_main.c). */
void bench_footprint(void);
void bench_ops(struct fw_hart *self, struct fw_hart *remote);
void bench_sgei(struct fw_hart *self);
void bench_swfile(struct fw_hart *self);
void bench_discovery(void);
void bench_contention_coordinate(struct fw_hart **up, uint32_t nr_up);
void bench_contention_serve(struct fw_hart **up, uint32_t nr_up, uint32_t pos);
void bench_vcpu_coordinate(struct fw_hart **up, uint32_t nr_up);
void bench_vcpu_serve(struct fw_hart **up, uint32_t nr_up, uint32_t pos);

#endif
