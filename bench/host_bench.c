/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host microbenchmark: threads acting as harts (tests/host/emu_hart.c) allocate a line
 * on their own hart and one on the next thread's, then free both, for -m milliseconds
 * per run, with lib/hgei and the two baselines of bench/ in the same process. Prints
 * ns per operation (median of BENCH_HOST_REPS runs) and the baselines' ratio to
 * hgei, as "bench: metric=value unit" lines. The threads share the machine's cores
 * with whatever else runs; the ratios, taken in one process, are the result.
 *   host-bench [-m MS]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench_impl.h"
#include "emu_hart.h"

#define BENCH_HOST_REPS		5
#define BENCH_HOST_LINES	7

static const unsigned thread_counts[] = { 1, 2, 4 };
static const struct bench_impl *const impls[] = { &bench_hgei, &bench_spinlock, &bench_global };
#define NR_IMPLS (sizeof(impls) / sizeof(impls[0]))

static struct emu_hart emu[BENCH_MAX_HARTS];
static struct hgei_hart harts[BENCH_MAX_HARTS];
static const struct hgei_ops ops;

struct worker {
	pthread_t thread;
	unsigned index, n;
	const struct bench_impl *impl;
	uint64_t ops, errors;
	double ns;
	void *owner[2];
};

static pthread_barrier_t start;
static _Atomic int stop;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void wake_unused(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	(void)line;
}

static const struct hgei_ops ops = { .wake = wake_unused };

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct bench_impl *impl = w->impl;
	void *local, *remote;
	uint64_t n = 0, err = 0;
	double t0;

	emu_hart_bind(&emu[w->index]);
	local = impl->hart(w->index);
	remote = impl->hart((w->index + 1) % w->n);
	pthread_barrier_wait(&start);
	t0 = now_ns();
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		for (unsigned k = 0; k < 256; k++) {
			struct hgei_line a, b;

			err += impl->alloc(local, w->owner[0], &a) != 0;
			err += impl->alloc(remote, w->owner[1], &b) != 0;
			err += impl->free(local, a.line, w->owner[0]) != 0;
			err += impl->free(remote, b.line, w->owner[1]) != 0;
		}
		n += 256 * 4;
	}
	w->ns = now_ns() - t0;
	w->ops = n;
	w->errors = err;
	return NULL;
}

/* One timed run: mean ns per operation over the threads. */
static double run(const struct bench_impl *impl, unsigned n, long ms, uint64_t *errors)
{
	struct worker w[BENCH_MAX_HARTS];
	struct timespec d = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	double sum = 0;

	for (unsigned i = 0; i < n; i++)
		impl->init(i, i, BENCH_HOST_LINES, 0x28000000UL + i * 0x8000UL, &harts[i]);
	pthread_barrier_init(&start, NULL, n + 1);
	atomic_store(&stop, 0);
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct worker){ .index = i, .n = n, .impl = impl };
		w[i].owner[0] = &w[i].owner[0];
		w[i].owner[1] = &w[i].owner[1];
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	pthread_barrier_wait(&start);
	nanosleep(&d, NULL);
	atomic_store(&stop, 1);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		sum += w[i].ns / (double)w[i].ops;
		*errors += w[i].errors;
	}
	pthread_barrier_destroy(&start);
	return sum / n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Each hart comes online on a thread of its own: hgei_hart_init() probes "its" hgeie. */
static void *bring_up(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	emu_hart_bind(&emu[i]);
	if (hgei_hart_init(&harts[i], i, BENCH_HOST_LINES, 0x28000000UL + i * 0x8000UL,
			   &ops) != BENCH_HOST_LINES)
		abort();
	return NULL;
}

int main(int argc, char **argv)
{
	long ms = 400;
	uint64_t errors = 0;

	if (argc == 3 && !strcmp(argv[1], "-m"))
		ms = atol(argv[2]);
	for (unsigned i = 0; i < 4; i++) {
		pthread_t t;

		emu_hart_setup(&emu[i], i, BENCH_HOST_LINES);
		pthread_create(&t, NULL, bring_up, (void *)(uintptr_t)i);
		pthread_join(t, NULL);
	}
	for (unsigned t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
		unsigned n = thread_counts[t];
		double ns[NR_IMPLS][BENCH_HOST_REPS], med[NR_IMPLS];

		/* Interleaved, so a change in the machine's load hits all three alike. */
		for (unsigned r = 0; r < BENCH_HOST_REPS; r++)
			for (unsigned i = 0; i < NR_IMPLS; i++)
				ns[i][r] = run(impls[i], n, ms / BENCH_HOST_REPS, &errors);
		for (unsigned i = 0; i < NR_IMPLS; i++) {
			qsort(ns[i], BENCH_HOST_REPS, sizeof(double), cmp_double);
			med[i] = ns[i][BENCH_HOST_REPS / 2];
			printf("bench: host_%s_%ut_ns_per_op=%.1f ns\n", impls[i]->name, n, med[i]);
		}
		printf("bench: host_%ut_spinlock_over_hgei=%.2f ratio\n", n, med[1] / med[0]);
		printf("bench: host_%ut_global_over_hgei=%.2f ratio\n", n, med[2] / med[0]);
	}
	printf("bench: host_errors=%lu calls\n", (unsigned long)errors);
	return errors != 0;
}
