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

/*
 * A multi-hart phase (bench_phase.c). A run is one word, generation << 16 | impl
 * index << 8 | harts, so that a hart woken late never pairs one run's generation with
 * another's size. The boot hart is position 0 and coordinates; the last hart of the
 * boot paces (bench_pacer()) and takes no part; the others serve runs until the end.
 */
#define BENCH_RUN_GEN(w)	((w) >> 16)
#define BENCH_RUN_IMPL(w)	(((w) >> 8) & 0xff)
#define BENCH_RUN_N(w)		((w) & 0xff)
struct bench_phase {
	/* Participant @pos's part of the run @word: bench_phase_start(), the measured
	 * window, bench_phase_finish(). */
	void (*body)(struct fw_hart **order, uint32_t pos, uint32_t word);
	_Atomic uint32_t word, over;
	_Atomic uint32_t arrived, start_gen, finished;
	uint32_t waiting_for;
	/* Per participant; read by the boot hart after finished reaches n. */
	uint64_t t_start[BENCH_MAX_HARTS], t_end[BENCH_MAX_HARTS];
	uint32_t errors[BENCH_MAX_HARTS];
};
/* IPI to the first @n harts of @order but @self_pos. */
void bench_phase_kick(struct fw_hart **order, uint32_t n, uint32_t self_pos);
/* The start barrier of a run's @n participants. */
void bench_phase_start(struct bench_phase *ph, struct fw_hart **order, uint32_t n,
		       uint32_t pos);
/* Participant @pos's window [@t0, @t1] and its error count; the last wakes the boot hart. */
void bench_phase_finish(struct bench_phase *ph, struct fw_hart **order, uint32_t n,
			uint32_t pos, uint64_t t0, uint64_t t1, uint32_t err);
/* On the boot hart: one run of impl @impl_index on the first @n harts of @order;
 * returns the window in instret and the summed errors in *@err. */
uint64_t bench_phase_run(struct bench_phase *ph, struct fw_hart **order,
			 unsigned impl_index, uint32_t n, uint32_t *err);
/* On every other hart: serve runs until bench_phase_end() (the pacer paces). */
void bench_phase_serve(struct bench_phase *ph, struct fw_hart **order, uint32_t nr,
		       uint32_t pos);
void bench_phase_end(struct bench_phase *ph);

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
