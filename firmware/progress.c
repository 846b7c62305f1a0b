/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Waiting on other harts without a fixed deadline: the progress count and watchdogs
 * (fw_watchdog), and the barrier the stages separate their phases with.
 */
#include <stdbool.h>
#include "fw.h"

/*
 * Progress, not patience (issue #13): QEMU runs every hart on however few host cores
 * there are, and a hart's thread can sit unscheduled for seconds while the time CSR
 * (host time) runs on. So no wait in the self-test gives up after a fixed total; it
 * gives up after FW_STALL_S of its own running time in which nothing moved: neither
 * the global progress count (every delivered MSI, guest call, migration, barrier
 * arrival, finished hart bumps it) nor the caller's own progress value. A gap between
 * two checks longer than a second counts as one second: the hart was not scheduled,
 * which says nothing about the others.
 */
static _Atomic uint64_t progress_count;

void fw_progress(void)
{
	/* Any hart with any other: relaxed, only the value's change is read. */
	atomic_fetch_add_explicit(&progress_count, 1, memory_order_relaxed);
}

void fw_watchdog_start(struct fw_watchdog *w, unsigned seconds)
{
	w->limit = seconds * fw_timebase_hz;
	w->idle = 0;
	w->last = fw_time();
	w->seen = atomic_load_explicit(&progress_count, memory_order_relaxed);
	w->local = 0;
}

bool fw_watchdog_expired(struct fw_watchdog *w, uint64_t local)
{
	uint64_t now = fw_time(), seen, gap;

	seen = atomic_load_explicit(&progress_count, memory_order_relaxed);
	if (seen != w->seen || local != w->local) {
		w->seen = seen;
		w->local = local;
		w->idle = 0;
	} else {
		gap = now - w->last;
		w->idle += gap < fw_timebase_hz ? gap : fw_timebase_hz;
	}
	w->last = now;
	return w->idle >= w->limit;
}

unsigned fw_watchdog_seconds(const struct fw_watchdog *w)
{
	return (unsigned)(w->limit / fw_timebase_hz);
}

bool fw_wait_progress(bool (*cond)(void *), void *arg, struct fw_watchdog *w)
{
	while (!fw_wait_until(cond, arg, fw_time() + fw_timebase_hz / 4))
		if (fw_watchdog_expired(w, 0))
			return false;
	return true;
}

/*
 * A sense-reversing barrier for the self-test's phases (test orchestration, not an
 * HGEI path). The last hart to arrive resets the count and bumps the generation;
 * acq_rel on the count makes every hart's writes before the barrier visible to every
 * hart after it, and the release/acquire pair on the generation carries that to the
 * waiters.
 */
static _Atomic uint32_t barrier_count, barrier_gen;

struct barrier_wait {
	uint32_t gen;
};

static bool barrier_passed(void *arg)
{
	struct barrier_wait *w = arg;

	return atomic_load_explicit(&barrier_gen, memory_order_acquire) != w->gen;
}

void fw_barrier(uint32_t nr_harts)
{
	struct barrier_wait w = {
		.gen = atomic_load_explicit(&barrier_gen, memory_order_acquire),
	};

	struct fw_watchdog wd;

	fw_progress();
	if (atomic_fetch_add_explicit(&barrier_count, 1, memory_order_acq_rel) == nr_harts - 1) {
		atomic_store_explicit(&barrier_count, 0, memory_order_relaxed);
		atomic_store_explicit(&barrier_gen, w.gen + 1, memory_order_release);
		fw_kick_all();
		return;
	}
	fw_watchdog_start(&wd, 4 * FW_STALL_S);
	if (!fw_wait_progress(barrier_passed, &w, &wd))
		fw_fatal("hart %u: barrier: no progress anywhere for %u s\n", fw_self->hartid,
			 fw_watchdog_seconds(&wd));
}
