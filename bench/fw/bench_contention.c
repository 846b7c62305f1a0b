/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Contention: n harts at once each allocate a line on their own hart and one on the
 * next participant's, then free both, iters_for(n) times. Cost per operation =
 * (instructions retired by all harts between the first start and the last end) -
 * (the same for a table of empty operations), / (n * iters_for(n) * 4).
 *
 * lib/hgei's calls on the next hart are its remote calls (bench/impl_hgei.c), which
 * wait until that hart has served them: a kick (IPI) and its trap, counted here.
 *
 * Under QEMU -icount one hart would run its whole loop alone and nothing would
 * contend, so every participant keeps a timer deadline a few operations ahead, and a
 * lock waiter does the same in its spin loop (bench_relax.h); the last hart of the
 * boot is the pacer (bench_trap.c), which caps a slice when no participant can move
 * its deadline (all waiting in lib/hgei's remote calls). How often another hart
 * ran in between is reported (contention_*_switches).
 */
#include <stdio.h>
#include "../../firmware/csr.h"
#include "bench_fw.h"
#include "bench_relax.h"

/* Iterations per hart: 500 up to 8 harts, then about 4,000 in all, so that the
 * global lock's spinning at 64 harts still runs in seconds under QEMU. */
static uint32_t iters_for(uint32_t n)
{
	return n <= 8 ? 500 : 4000 / n;
}
#define BENCH_REPS		3
#define BENCH_REARM_EVERY	8	/* iterations between mtimecmp stores */

static const uint32_t sizes[] = { 1, 2, 4, 8, 16, 32, 64 };

static const struct bench_impl bench_null;
static const struct bench_impl *const impls[] = {
	&bench_null, &bench_hgei, &bench_spinlock, &bench_global,
};
#define NR_IMPLS	(sizeof(impls) / sizeof(impls[0]))

static void run_body(struct fw_hart **order, uint32_t pos, uint32_t word);
static struct bench_phase phase = { .body = run_body };
/* Per participant, beside phase's slots: how often another hart ran in between. */
static uint32_t switches[BENCH_MAX_HARTS];
/* Who ran last: a diagnostic of the interleaving, racy by design. */
static _Atomic uint32_t last_pos;
static void *owners[BENCH_MAX_HARTS][2];

static int null_alloc(void *hart, void *owner, struct hgei_line *out)
{
	(void)hart;
	(void)owner;
	out->line = 1;
	return 0;
}

static int null_free(void *hart, unsigned line, void *owner)
{
	(void)hart;
	(void)line;
	(void)owner;
	return 0;
}

static void *null_hart(unsigned index)
{
	return (void *)(uintptr_t)(index + 1);
}

/* The empty operations: what the loop itself costs. */
static const struct bench_impl bench_null = {
	.name = "null", .hart = null_hart, .alloc = null_alloc, .free = null_free,
	.alloc_remote = null_alloc, .free_remote = null_free,
};

/* The measured loop of participant @pos. */
static void run_body(struct fw_hart **order, uint32_t pos, uint32_t word)
{
	const struct bench_impl *impl = impls[BENCH_RUN_IMPL(word)];
	uint32_t n = BENCH_RUN_N(word), sw = 0, err = 0;
	void *local = impl->hart(pos), *remote = impl->hart((pos + 1) % n);
	volatile uint64_t *mtimecmp = bench_mtimecmp(order[pos]->hartid);
	uint64_t t0, t1;

	bench_phase_start(&phase, order, n, pos);

	/*
	 * Interrupts stay enabled in the loop. lib/hgei's remote calls wait until the
	 * target hart has taken its kick (an IPI) and served the request: a hart that
	 * masked SIE here would serve nobody while it waits, and with every hart doing
	 * so all of them would wait forever. The comparison stays fair because every
	 * design runs the same loop unmasked and masks inside its own calls only: lib/hgei
	 * in the library (csrrci sstatus.SIE), the baselines around their lock (as
	 * Linux's raw_spin_lock_irqsave()). Only the timer interrupt is off (sie.STIE),
	 * so that a wait-loop timer left armed by fw_wait_until() does not land in the
	 * window; the only traps in it are then hgei's kicks, which are part of its cost.
	 */
	bench_trap_install();
	csr_clear(CSR_SIE, SIE_STIE);
	csr_write(CSR_SSCRATCH, (uintptr_t)mtimecmp);
	t0 = bench_instret();
	for (uint32_t k = 0, iters = iters_for(n); k < iters; k++) {
		struct hgei_line a, b;

		if (!(k % BENCH_REARM_EVERY))
			*mtimecmp = csr_read(CSR_TIME) + BENCH_SLICE_TICKS;
		if (atomic_load_explicit(&last_pos, memory_order_relaxed) != pos) {
			atomic_store_explicit(&last_pos, pos, memory_order_relaxed);
			sw++;
		}
		err += impl->alloc(local, owners[pos][0], &a) != 0;
		err += impl->alloc_remote(remote, owners[pos][1], &b) != 0;
		err += impl->free(local, a.line, owners[pos][0]) != 0;
		err += impl->free_remote(remote, b.line, owners[pos][1]) != 0;
	}
	t1 = bench_instret();
	csr_write(CSR_SSCRATCH, 0);
	csr_set(CSR_SIE, SIE_STIE);

	/* Published by bench_phase_finish()'s acq_rel count. */
	switches[pos] = sw;
	bench_phase_finish(&phase, order, n, pos, t0, t1, err);
}

/* One run of @impl on the first @n harts of @order; returns the window in instret. */
static uint64_t run_once(struct fw_hart **order, unsigned impl_index, uint32_t n,
			 uint32_t *err, uint32_t *sw)
{
	const struct bench_impl *impl = impls[impl_index];
	uint64_t window;

	for (uint32_t i = 0; impl->init && i < n; i++)
		impl->init(i, order[i]->hartid, (unsigned)order[i]->lines,
			   order[i]->dt->slot_pa, &order[i]->hgei);
	window = bench_phase_run(&phase, order, impl_index, n, err);
	*sw = 0;
	for (uint32_t i = 0; i < n; i++)
		*sw += switches[i];
	return window;
}

static void print_per_op(const char *prefix, uint32_t n, uint64_t instr, uint64_t ops)
{
	char metric[64];
	uint64_t tenths = (instr * 10 + ops / 2) / ops;

	snprintf(metric, sizeof(metric), "%scontention_%uh_instr_per_op", prefix, n);
	fw_printf("bench: %s=%lu.%lu instructions\n", metric, (unsigned long)(tenths / 10),
		  (unsigned long)(tenths % 10));
}

void bench_contention_coordinate(struct fw_hart **order, uint32_t nr)
{
	const unsigned nimpl = NR_IMPLS;
	uint32_t total_err = 0;

	for (uint32_t i = 0; i < BENCH_MAX_HARTS; i++) {
		owners[i][0] = &owners[i][0];
		owners[i][1] = &owners[i][1];
	}
	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s], err, sw;
		uint64_t sws[BENCH_REPS];
		uint64_t win[4][BENCH_REPS], med[4], ops = (uint64_t)n * iters_for(n) * 4;
		char metric[48];

		/* The last hart of the order paces (bench_pacer()) and takes no part. */
		if (n > (nr > 1 ? nr - 1 : nr) || n > BENCH_MAX_HARTS)
			break;
		for (unsigned r = 0; r < BENCH_REPS; r++)
			for (unsigned i = 0; i < nimpl; i++) {
				win[i][r] = run_once(order, i, n, &err, &sw);
				total_err += err;
				if (impls[i] == &bench_hgei)
					sws[r] = sw;
			}
		for (unsigned i = 0; i < nimpl; i++)
			med[i] = bench_median(win[i], BENCH_REPS);
		for (unsigned i = 1; i < nimpl; i++)
			print_per_op(impls[i] == &bench_hgei ? "" :
				     impls[i] == &bench_spinlock ? "spinlock_" : "global_",
				     n, med[i] > med[0] ? med[i] - med[0] : 0, ops);
		print_per_op("null_", n, med[0], ops);
		snprintf(metric, sizeof(metric), "contention_%uh_switches", n);
		bench_print(metric, bench_median(sws, BENCH_REPS), "switches");
	}
	/* Only from a boot that ran the phase: bench/run.sh keeps the last value. */
	if (nr)
		bench_print("contention_errors", total_err, "calls");
	bench_phase_end(&phase);
}

void bench_contention_serve(struct fw_hart **order, uint32_t nr, uint32_t pos)
{
	bench_phase_serve(&phase, order, nr, pos);
}
