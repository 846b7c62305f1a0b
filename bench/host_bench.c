/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host microbenchmark: threads acting as harts (tests/host/emu_hart.c), with lib/hgei
 * and the two baselines of bench/ in the same process. Two workloads, -m milliseconds
 * per design and thread count each, split into BENCH_HOST_REPS runs that interleave
 * the designs (hgei, spinlock, global, hgei, ...), so that a change in the machine's
 * load hits all three alike:
 *
 *  contention: each thread allocates a line on its own hart and one on the next
 *    thread's (lib/hgei: a remote call), then frees both;
 *  vcpu: the cycle of bench/fw/bench_vcpu.c: alloc on the own hart, arm, an "MSI"
 *    (emu_hart_raise() on the own hart) and the design's SGEI handler, which wakes
 *    the owner (lib/hgei: hgei_handle_sgei(); the baselines: Linux KVM's handler,
 *    bench/baseline_lines.h), the guest's claim (emu_hart_lower()), disarm, free;
 *    one cycle in eight (staggered by thread) hands its line to the next thread,
 *    which frees it from there (lib/hgei: hgei_remote_free_async(), completed
 *    before the taker posts its next one and before its end).
 *
 * Every thread serves its hart's kicks (hgei_sync()) between operations and while a
 * remote call of its own waits (emu_hart.c's serve hook), as a hart with interrupts
 * enabled would; the baselines get no kicks, but run the same check. Prints ns per
 * operation or cycle (median over the runs) and the baselines' cost relative to hgei
 * (median of the per-run ratios, each from runs back to back), as "bench:
 * metric=value unit" lines. Wall time on a shared machine: the ratios are the result.
 *   host-bench [-m MS]
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "baseline_null.h"
#include "bench_impl.h"
#include "emu_hart.h"

#define BENCH_HOST_REPS		9
#define BENCH_HOST_LINES	7
#define BENCH_HOST_THREADS	4
#define VCPU_MIGRATE_EVERY	8

static const unsigned thread_counts[] = { 1, 2, 4 };
/* hgei first: the ratios are to it. null (baseline_null.h): the vCPU loop's floor. */
static const struct bench_impl *const impls[] = {
	&bench_hgei, &bench_spinlock, &bench_global, &bench_null,
};
#define NR_IMPLS (sizeof(impls) / sizeof(impls[0]))
#define NR_DESIGNS 3

enum workload { CONTENTION, VCPU };

static struct emu_hart emu[BENCH_HOST_THREADS];
static struct hgei_hart harts[BENCH_HOST_THREADS];

/* A vCPU: woken by the wake hook, on its own thread (in the "trap"). */
struct vcpu {
	uint64_t woken;
	char pad[56];
};

static struct vcpu vcpus[BENCH_HOST_THREADS][2];

static void vcpu_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)hartid;
	(void)line;
	((struct vcpu *)owner)->woken++;
}

static const struct hgei_ops ops = { .wake = vcpu_wake };

struct worker {
	pthread_t thread;
	unsigned index, n;
	enum workload wl;
	const struct bench_impl *impl;
	uint64_t done, errors;	/* operations or cycles */
	double ns;
	void *owner[2];
};

static pthread_barrier_t start;
static _Atomic int stop;
/* Threads past their timed loop; each serves until all are (a remote call of another
 * may still wait for it). */
static _Atomic unsigned finished;
/* vcpu: the line thread i handed over (0: none), taken by thread i + 1. */
static _Atomic unsigned handoff[BENCH_HOST_THREADS];
static _Atomic int cycles_done[BENCH_HOST_THREADS];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void serve_hart(void *arg)
{
	hgei_sync(arg);
}

/* The hart's kick handler, as a hart with interrupts enabled takes it. */
static inline void serve_kicks(struct emu_hart *e, unsigned i)
{
	if (atomic_load_explicit(&e->kicks, memory_order_relaxed) && emu_hart_take_kicks(e))
		hgei_sync(&harts[i]);
}

static uint64_t contention_loop(struct worker *w, struct emu_hart *e)
{
	const struct bench_impl *impl = w->impl;
	void *local = impl->hart(w->index), *remote = impl->hart((w->index + 1) % w->n);
	uint64_t n = 0, err = 0;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		struct hgei_line a, b;

		err += impl->alloc(local, w->owner[0], &a) != 0;
		err += impl->alloc_remote(remote, w->owner[1], &b) != 0;
		err += impl->free(local, a.line, w->owner[0]) != 0;
		err += impl->free_remote(remote, b.line, w->owner[1]) != 0;
		serve_kicks(e, w->index);
		n += 4;
	}
	w->errors += err;
	return n;
}

/* lib/hgei's asynchronous free of the last line taken from thread p: one at a time,
 * the taker's (p's successor) to complete. */
static struct hgei_req free_req[BENCH_HOST_THREADS];
static bool free_req_out[BENCH_HOST_THREADS];

/* Completes the taker's outstanding free from @p, if any, serving the taker's own
 * kicks meanwhile; returns errors. */
static uint64_t reap(unsigned p, struct emu_hart *e, unsigned self)
{
	int err;

	if (!free_req_out[p])
		return 0;
	while ((err = hgei_req_result(&free_req[p])) == HGEI_PENDING) {
		serve_kicks(e, self);
		sched_yield();
	}
	free_req_out[p] = false;
	return err != 0;
}

/* Frees the line thread @p handed over, if any; returns errors. */
static uint64_t take(const struct bench_impl *impl, unsigned p, struct emu_hart *e,
		     unsigned self)
{
	unsigned line = atomic_load_explicit(&handoff[p], memory_order_acquire);
	uint64_t err;

	if (!line)
		return 0;
	if (impl->free_remote_post) {
		err = reap(p, e, self);
		free_req_out[p] = !impl->free_remote_post(impl->hart(p), line, &vcpus[p][1],
							  &free_req[p]);
		err += !free_req_out[p];
	} else {
		err = impl->free_remote(impl->hart(p), line, &vcpus[p][1]) != 0;
	}
	atomic_store_explicit(&handoff[p], 0, memory_order_release);
	return err;
}

static uint64_t vcpu_loop(struct worker *w, struct emu_hart *e)
{
	const struct bench_impl *impl = w->impl;
	unsigned i = w->index, pred = (i + w->n - 1) % w->n;
	void *local = impl->hart(i);
	uint64_t k = 0, err = 0;

	for (; !atomic_load_explicit(&stop, memory_order_relaxed); k++) {
		bool migrate = (k + i) % VCPU_MIGRATE_EVERY == VCPU_MIGRATE_EVERY - 1;
		struct vcpu *v = &vcpus[i][migrate];
		uint64_t woken = v->woken;
		struct hgei_line l;

		err += take(impl, pred, e, i);
		if (impl->alloc(local, v, &l)) {
			err++;
			continue;
		}
		err += impl->arm(local, l.line, v) != 0;
		/* The MSI, and the SGEI it raises taken on this hart. */
		emu_hart_raise(e, 1ULL << l.line);
		impl->sgei(local, &ops);
		err += v->woken != woken + 1;
		emu_hart_lower(e, 1ULL << l.line);	/* the guest's claim */
		err += impl->disarm(local, l.line, v) != 0;
		serve_kicks(e, i);
		if (!migrate) {
			err += impl->free(local, l.line, v) != 0;
			continue;
		}
		while (atomic_load_explicit(&handoff[i], memory_order_acquire)) {
			err += take(impl, pred, e, i);
			serve_kicks(e, i);
			sched_yield();
		}
		atomic_store_explicit(&handoff[i], l.line, memory_order_release);
	}
	w->errors += err;
	return k;
}

/* After the timed loop: the lines handed over are freed, and the thread serves its
 * kicks until every thread is done. */
static void wind_down(struct worker *w, struct emu_hart *e)
{
	unsigned i = w->index, pred = (i + w->n - 1) % w->n;

	if (w->wl == VCPU) {
		atomic_store_explicit(&cycles_done[i], 1, memory_order_release);
		while (!atomic_load_explicit(&cycles_done[pred], memory_order_acquire) ||
		       atomic_load_explicit(&handoff[pred], memory_order_acquire)) {
			w->errors += take(w->impl, pred, e, i);
			serve_kicks(e, i);
			sched_yield();
		}
		w->errors += reap(pred, e, i);
	}
	atomic_fetch_add(&finished, 1);
	while (atomic_load(&finished) < w->n) {
		serve_kicks(e, i);
		sched_yield();
	}
	serve_kicks(e, i);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct emu_hart *e = &emu[w->index];
	double t0;

	emu_hart_bind(e);
	e->serve = serve_hart;
	e->serve_arg = &harts[w->index];
	pthread_barrier_wait(&start);
	t0 = now_ns();
	w->done = w->wl == VCPU ? vcpu_loop(w, e) : contention_loop(w, e);
	w->ns = now_ns() - t0;
	wind_down(w, e);
	emu_hart_bind(NULL);
	return NULL;
}

/* One timed run: ns per operation (cycle), the threads' times over their operations
 * (a thread the scheduler starved counts with what it did). */
static double run(enum workload wl, const struct bench_impl *impl, unsigned n, long ms,
		  uint64_t *errors)
{
	struct worker w[BENCH_HOST_THREADS];
	struct timespec d = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	double ns = 0, done = 0;

	for (unsigned i = 0; i < n; i++) {
		impl->init(i, i, BENCH_HOST_LINES, 0x28000000UL + i * 0x8000UL, &harts[i]);
		atomic_store(&handoff[i], 0);
		atomic_store(&cycles_done[i], 0);
	}
	pthread_barrier_init(&start, NULL, n + 1);
	atomic_store(&stop, 0);
	atomic_store(&finished, 0);
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct worker){ .index = i, .n = n, .wl = wl, .impl = impl };
		w[i].owner[0] = &w[i].owner[0];
		w[i].owner[1] = &w[i].owner[1];
		pthread_create(&w[i].thread, NULL, work, &w[i]);
	}
	pthread_barrier_wait(&start);
	nanosleep(&d, NULL);
	atomic_store(&stop, 1);
	for (unsigned i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		ns += w[i].ns;
		done += (double)w[i].done;
		*errors += w[i].errors;
	}
	pthread_barrier_destroy(&start);
	return done ? ns / done : 1e12;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(double), cmp_double);
	return v[n / 2];
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

static void measure(enum workload wl, long ms, uint64_t *errors)
{
	for (unsigned t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
		unsigned n = thread_counts[t];
		double ns[NR_IMPLS][BENCH_HOST_REPS], ratio[NR_IMPLS][BENCH_HOST_REPS];
		const char *what = wl == VCPU ? "vcpu_cycle" : "op";
		unsigned nimpl = wl == VCPU ? NR_IMPLS : NR_DESIGNS;

		for (unsigned r = 0; r < BENCH_HOST_REPS; r++)
			for (unsigned i = 0; i < nimpl; i++)
				ns[i][r] = run(wl, impls[i], n, ms / BENCH_HOST_REPS, errors);
		for (unsigned r = 0; r < BENCH_HOST_REPS; r++)
			for (unsigned i = 1; i < NR_DESIGNS; i++)
				ratio[i][r] = ns[i][r] / ns[0][r];
		for (unsigned i = 0; i < nimpl; i++)
			printf("bench: host_%s_%ut_ns_per_%s=%.1f ns\n", impls[i]->name, n, what,
			       median(ns[i], BENCH_HOST_REPS));
		for (unsigned i = 1; i < NR_DESIGNS; i++)
			printf("bench: host_%ut_%s%s_over_hgei=%.3g ratio\n", n,
			       wl == VCPU ? "vcpu_cycle_" : "", impls[i]->name,
			       median(ratio[i], BENCH_HOST_REPS));
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	long ms = 400;
	uint64_t errors = 0;

	if (argc == 3 && !strcmp(argv[1], "-m"))
		ms = atol(argv[2]);
	for (unsigned i = 0; i < BENCH_HOST_THREADS; i++) {
		pthread_t t;

		emu_hart_setup(&emu[i], i, BENCH_HOST_LINES);
		pthread_create(&t, NULL, bring_up, (void *)(uintptr_t)i);
		pthread_join(t, NULL);
	}
	measure(CONTENTION, ms, &errors);
	measure(VCPU, ms, &errors);
	printf("bench: host_errors=%lu calls\n", (unsigned long)errors);
	return errors != 0;
}
