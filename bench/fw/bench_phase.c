/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The frame of a multi-hart phase (contention, vCPU cycles): the boot hart publishes
 * each run in one word, the participants meet at a start barrier, run their body,
 * and count themselves finished; the boot hart then takes the window from the first
 * start to the last end. The phases differ only in their body and what they sum.
 */
#include "../../firmware/sbi.h"
#include "bench_fw.h"

struct gen_wait {
	struct bench_phase *ph;
	_Atomic uint32_t *word;
	uint32_t seen;
};

/* Acquire: what was published before the word moved (the run's set-up, the barrier's
 * arrivals) is seen by the hart that saw it move. */
static bool gen_moved(void *arg)
{
	struct gen_wait *w = arg;

	return atomic_load_explicit(w->word, memory_order_acquire) != w->seen ||
	       atomic_load_explicit(&w->ph->over, memory_order_acquire);
}

static bool all_finished(void *arg)
{
	struct bench_phase *ph = arg;

	return atomic_load_explicit(&ph->finished, memory_order_acquire) == ph->waiting_for;
}

void bench_phase_kick(struct fw_hart **order, uint32_t n, uint32_t self_pos)
{
	unsigned long mask = 0;

	/* Hartids below 64 (BENCH_MAX_HARTS): one mask. */
	for (uint32_t i = 0; i < n; i++)
		if (i != self_pos)
			mask |= 1UL << order[i]->hartid;
	if (mask)
		sbi_send_ipi(mask, 0);
}

void bench_phase_start(struct bench_phase *ph, struct fw_hart **order, uint32_t n,
		       uint32_t pos)
{
	struct gen_wait w = { .ph = ph, .word = &ph->start_gen };

	/* The last to arrive wakes the others. acq_rel: it sees every arrival's past. */
	w.seen = atomic_load_explicit(&ph->start_gen, memory_order_acquire);
	if (atomic_fetch_add_explicit(&ph->arrived, 1, memory_order_acq_rel) == n - 1) {
		atomic_store_explicit(&ph->arrived, 0, memory_order_relaxed);
		atomic_store_explicit(&ph->start_gen, w.seen + 1, memory_order_release);
		bench_phase_kick(order, n, pos);
	} else {
		fw_wait_until(gen_moved, &w, UINT64_MAX);
	}
}

void bench_phase_finish(struct bench_phase *ph, struct fw_hart **order, uint32_t n,
			uint32_t pos, uint64_t t0, uint64_t t1, uint32_t err)
{
	ph->t_start[pos] = t0;
	ph->t_end[pos] = t1;
	ph->errors[pos] = err;
	/* acq_rel: the boot hart reads the slots above after the last increment. */
	if (atomic_fetch_add_explicit(&ph->finished, 1, memory_order_acq_rel) == n - 1 && pos)
		sbi_send_ipi(1, order[0]->hartid);
}

uint64_t bench_phase_run(struct bench_phase *ph, struct fw_hart **order,
			 unsigned impl_index, uint32_t n, uint32_t *err)
{
	uint64_t first = UINT64_MAX, last = 0;
	uint32_t word;

	atomic_store_explicit(&ph->finished, 0, memory_order_relaxed);
	ph->waiting_for = n;
	word = atomic_load_explicit(&ph->word, memory_order_relaxed);
	word = (BENCH_RUN_GEN(word) + 1) << 16 | impl_index << 8 | n;
	/* Release: the caller's set-up of the impl's state, for the participants. */
	atomic_store_explicit(&ph->word, word, memory_order_release);
	bench_phase_kick(order, n, 0);
	ph->body(order, 0, word);
	fw_wait_until(all_finished, ph, UINT64_MAX);
	*err = 0;
	for (uint32_t i = 0; i < n; i++) {
		first = ph->t_start[i] < first ? ph->t_start[i] : first;
		last = ph->t_end[i] > last ? ph->t_end[i] : last;
		*err += ph->errors[i];
	}
	return last - first;
}

void bench_phase_serve(struct bench_phase *ph, struct fw_hart **order, uint32_t nr,
		       uint32_t pos)
{
	struct gen_wait w = { .ph = ph, .word = &ph->word };

	if (nr > 1 && pos == nr - 1) {
		bench_pacer(&ph->over);
		return;
	}
	w.seen = atomic_load_explicit(&ph->word, memory_order_acquire);
	for (;;) {
		fw_wait_until(gen_moved, &w, UINT64_MAX);
		if (atomic_load_explicit(&ph->over, memory_order_acquire))
			return;
		w.seen = atomic_load_explicit(&ph->word, memory_order_acquire);
		if (pos < BENCH_RUN_N(w.seen))
			ph->body(order, pos, w.seen);
	}
}

void bench_phase_end(struct bench_phase *ph)
{
	atomic_store_explicit(&ph->over, 1, memory_order_release);
	fw_kick_all();
}
