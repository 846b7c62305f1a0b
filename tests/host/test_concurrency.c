/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threads acting as harts, each bound to its own emulated hart, hammer each other's
 * lines at once: local and remote allocs, remote frees through a mailbox, local and
 * remote arm/disarm, MSIs injected into other harts' hgeip and dispatched by the
 * target thread, and hart 0 going offline and back online now and then. A remote
 * call waits until its target's thread serves it, so every thread serves its own
 * kicks between operations and while it waits (emu_hart.serve), as a hart with
 * interrupts enabled would: two threads calling each other cannot deadlock.
 * Afterwards no line may have had two owners at once, none may be leaked, every
 * wake must have gone to the line's current owner and followed an arm of its own
 * (one-shot, G1/G2), and every hart's counters must match what the threads tallied.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"

/*
 * Checks inside the hammering loops count only when they fail: a shared pass counter
 * would serialise the threads (hiding races) and make the total vary from run to run.
 */
#define EXPECT(cond, ...) do {						\
	if (!(cond))							\
		CHECK(0 && (cond), __VA_ARGS__);			\
} while (0)
#define EXPECT_EQ(a, b) do {						\
	long long __x = (long long)(a), __y = (long long)(b);		\
	EXPECT(__x == __y, "%lld != %lld", __x, __y);			\
} while (0)

#define NR_THREADS	4
#define ITERATIONS	250000		/* per thread: a million in total */
#define TOKENS		1024		/* owner tokens per thread */
#define HELD_MAX	12
#define MAILBOX		64
#define OFFLINE_EVERY	5000		/* hart 0 goes offline every this many iterations */
#define OFFLINE_FOR	300
/* A lost request leaves its caller waiting for good: fail instead of hanging, once no
 * thread has finished an iteration for this long. Progress, not a total: on a loaded
 * machine the run may take minutes (issue #13). */
#define WATCHDOG_S	120

static const unsigned geilen[NR_THREADS] = { 7, 63, 1, 15 };

struct token {
	_Atomic int in_use;		/* a held entry or the mailbox refers to it */
	_Atomic int revoked;
	/* The line it holds (line 0: none), from its alloc's return to its free's. */
	_Atomic unsigned hart, line;
	/* Arm calls begun and wakes received while holding it: a wake needs an arm of
	 * its own, so wakes can never overtake arms (one-shot, no inherited arm). */
	_Atomic uint64_t arms, wakes;
	int thread;
};

struct held {
	struct token *tok;
	unsigned hart, line;
};

/* What one thread did, summed at the end and compared with the harts' counters. */
struct tally {
	uint64_t allocs[NR_THREADS], alloc_failures[NR_THREADS];
	uint64_t frees[NR_THREADS], free_failures[NR_THREADS];
	uint64_t requests[NR_THREADS];	/* remote calls the target served */
	/* Remote allocs that got -HGEI_ENODEV from hart 0: refused unserved (closed), or
	 * answered by its offline on the emptied hart (counted there); which one, the
	 * caller cannot tell. */
	uint64_t enodev_allocs[NR_THREADS];
	uint64_t refused;		/* remote frees/arms/disarms hart 0 refused */
	uint64_t wakes, dispatched, traps, revokes, ops, arms, msis;
};

static struct emu_hart emu[NR_THREADS];
static struct hgei_hart harts[NR_THREADS];
static struct token tokens[NR_THREADS][TOKENS];
static struct tally tallies[NR_THREADS];
/* shadow[hart][line]: the token that holds the line, as the test sees it. */
static struct token *_Atomic shadow[NR_THREADS][HGEI_MAX_LINES + 1];
static _Atomic uint64_t mailbox[MAILBOX];
static _Atomic unsigned double_owners;
static pthread_barrier_t barrier;
static _Atomic unsigned drained[2];	/* threads done with each end phase */
static _Atomic bool finished;
/* Each thread's iterations so far, for the watchdog (one writer each, relaxed). */
static _Atomic uint64_t progress[NR_THREADS];
static _Thread_local struct tally *me;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t slot_pa(unsigned hart)
{
	return 0x28000000ULL + hart * 0x10000ULL;
}

/*
 * A call failed as if its line had been revoked. Offline revokes before it closes the
 * hart or answers what was posted, so by the time such a call returns (-HGEI_EINVAL
 * or -HGEI_ENODEV) the revoke has run (G1): no waiting for it.
 */
static bool revoked(struct token *t)
{
	return atomic_load(&t->revoked);
}

static bool is_token(void *p)
{
	return (char *)p >= (char *)tokens && (char *)p < (char *)tokens + sizeof(tokens);
}

/* Runs on the hart's own thread, in its "SGEI trap". */
static void on_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct token *t = owner;

	EXPECT(is_token(owner), "wake for a non-token %p", owner);
	EXPECT(emu_hart_self() && emu_hart_self()->hartid == hartid, "wake on hart %u", hartid);
	EXPECT(line >= 1 && line <= geilen[hartid], "wake for line %u", line);
	/* G1/G2: only the line's owner, between its alloc and its free, is woken... */
	EXPECT(atomic_load(&t->hart) == hartid && atomic_load(&t->line) == line,
	       "wake of a token holding hart %u line %u for hart %u line %u",
	       atomic_load(&t->hart), atomic_load(&t->line), hartid, line);
	/* ...and once per arm it made (G3's "exactly once", one side of it). */
	EXPECT(atomic_fetch_add(&t->wakes, 1) < atomic_load(&t->arms),
	       "wake without an arm of its own on hart %u line %u", hartid, line);
	me->wakes++;
	emu_hart_lower(emu_hart_self(), 1ULL << line);	/* the guest claims */
}

/* Runs on the thread taking hart 0 offline, its interrupts masked. */
static void on_revoke(void *owner, uint32_t hartid, unsigned line)
{
	struct token *t = owner, *expect = t;

	EXPECT(is_token(owner), "revoke of a non-token %p", owner);
	EXPECT(emu_hart_self() == &emu[hartid] && emu_irqs_masked(), "revoke off hart %u",
	       hartid);
	EXPECT(!atomic_exchange(&t->revoked, 1), "token revoked twice");
	atomic_compare_exchange_strong(&shadow[hartid][line], &expect, NULL);
	me->revokes++;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

static struct token *token_get(int thread, uint64_t *seed)
{
	unsigned i, start = rnd(seed) % TOKENS;
	struct token *t;

	for (i = 0; i < TOKENS; i++) {
		t = &tokens[thread][(start + i) % TOKENS];
		if (!atomic_load(&t->in_use)) {
			atomic_store(&t->in_use, 1);
			atomic_store(&t->revoked, 0);
			/* A fresh holding: arms not woken before its last free lapse. */
			atomic_store(&t->arms, 0);
			atomic_store(&t->wakes, 0);
			return t;
		}
	}
	abort();
}

static void token_put(struct token *t)
{
	atomic_store(&t->in_use, 0);
}

/* A line came to @t: nobody else may hold it in the shadow, unless revoked. */
static void shadow_claim(unsigned hart, unsigned line, struct token *t)
{
	struct token *old = NULL;

	while (!atomic_compare_exchange_strong(&shadow[hart][line], &old, t)) {
		/* Revoked, and the line re-allocated, before we got here. */
		if (atomic_load(&t->revoked))
			return;
		if (!atomic_load(&old->revoked)) {
			atomic_fetch_add(&double_owners, 1);
			EXPECT(0, "hart %u line %u held by two owners", hart, line);
			return;
		}
	}
	/* Revoked before we even recorded it: forget it again. */
	if (atomic_load(&t->revoked)) {
		old = t;
		atomic_compare_exchange_strong(&shadow[hart][line], &old, NULL);
	}
}

static bool do_alloc(unsigned hart, int thread, uint64_t *seed, struct held *out)
{
	struct token *t = token_get(thread, seed);
	bool remote = hart != (unsigned)thread;
	struct hgei_line l;
	int ret = remote ? hgei_remote_alloc(&harts[hart], t, &l) :
			   hgei_alloc(&harts[hart], t, &l);

	if (ret) {
		EXPECT(ret == -HGEI_ENOSPC || ret == -HGEI_ENODEV, "alloc: %d", ret);
		EXPECT(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
		token_put(t);
		if (remote && ret == -HGEI_ENODEV) {
			EXPECT(hart == 0, "remote alloc on hart %u: ENODEV", hart);
			me->enodev_allocs[hart]++;
			return false;
		}
		me->alloc_failures[hart]++;
		me->requests[hart] += remote;
		return false;
	}
	EXPECT(l.line >= 1 && l.line <= geilen[hart], "alloc gave line %u", l.line);
	EXPECT(l.file_pa == slot_pa(hart) + l.line * 0x1000ULL, "file_pa");
	me->allocs[hart]++;
	me->requests[hart] += remote;
	atomic_store(&t->hart, hart);
	atomic_store(&t->line, l.line);
	shadow_claim(hart, l.line, t);
	out->tok = t;
	out->hart = hart;
	out->line = l.line;
	return true;
}

static void do_free(struct held *e)
{
	struct token *expect = e->tok;
	bool remote = e->hart != (unsigned)(me - tallies);
	int ret;

	if (!atomic_load(&e->tok->revoked))
		atomic_compare_exchange_strong(&shadow[e->hart][e->line], &expect, NULL);
	ret = remote ? hgei_remote_free(&harts[e->hart], e->line, e->tok) :
		       hgei_free(&harts[e->hart], e->line, e->tok);
	if (ret == -HGEI_ENODEV && remote) {
		/* Hart 0 closed, never answered: it revoked the line before closing. */
		EXPECT(e->hart == 0 && revoked(e->tok), "remote free of hart %u line %u: %d",
		       e->hart, e->line, ret);
		me->refused++;
	} else if (ret) {
		/* Only a revoke may take a line from its owner. */
		EXPECT(ret == -HGEI_EINVAL && revoked(e->tok),
		       "free of hart %u line %u: %d", e->hart, e->line, ret);
		me->free_failures[e->hart]++;
		me->requests[e->hart] += remote;
	} else {
		me->frees[e->hart]++;
		me->requests[e->hart] += remote;
	}
	/* G1: from here no wake for it; one that comes finds it holding nothing. */
	atomic_store(&e->tok->line, 0);
	token_put(e->tok);
}

/* Arm or disarm a held line, on its hart or from afar. */
static void do_arm(struct held *e, bool arm)
{
	bool remote = e->hart != (unsigned)(me - tallies);
	struct hgei_hart *h = &harts[e->hart];
	int ret;

	if (arm) {
		/* Counted before the call: the wake may come before it returns. */
		atomic_fetch_add(&e->tok->arms, 1);
		ret = remote ? hgei_remote_arm(h, e->line, e->tok) :
			       hgei_arm(h, e->line, e->tok);
		me->arms++;
	} else {
		ret = remote ? hgei_remote_disarm(h, e->line, e->tok) :
			       hgei_disarm(h, e->line, e->tok);
	}
	if (ret == -HGEI_ENODEV && remote) {
		EXPECT(e->hart == 0 && revoked(e->tok), "remote %sarm of hart %u: %d",
		       arm ? "" : "dis", e->hart, ret);
		me->refused++;
		return;
	}
	me->requests[e->hart] += remote;
	EXPECT(!ret || (ret == -HGEI_EINVAL && revoked(e->tok)), "%sarm of hart %u line %u: %d",
	       arm ? "" : "dis", e->hart, e->line, ret);
}

static uint64_t pack(const struct held *e)
{
	uint64_t idx = (uint64_t)(e->tok - &tokens[0][0]);

	return idx << 16 | (uint64_t)e->hart << 8 | e->line;
}

static void unpack(uint64_t v, struct held *e)
{
	e->tok = &tokens[0][0] + (v >> 16);
	e->hart = (v >> 8) & 0xff;
	e->line = v & 0xff;
}

/* Encoded + 1 so that 0 marks an empty slot. */
static bool mailbox_put(const struct held *e, uint64_t *seed)
{
	uint64_t empty = 0;

	return atomic_compare_exchange_strong(&mailbox[rnd(seed) % MAILBOX], &empty,
					      pack(e) + 1);
}

static bool mailbox_take(struct held *e, unsigned slot)
{
	uint64_t v = atomic_exchange(&mailbox[slot % MAILBOX], 0);

	if (!v)
		return false;
	unpack(v - 1, e);
	return true;
}

/* What the hart does between two "instructions": take kicks and SGEIs. */
static void poll(unsigned self)
{
	if (emu_hart_take_kicks(&emu[self]))
		hgei_sync(&harts[self]);
	if (emu_hart_sgei_pending(&emu[self])) {
		me->dispatched += hgei_handle_sgei(&harts[self]);
		me->traps++;
	}
}

/* The kick handler a waiting thread runs (hgei_arch_relax()). */
static void serve_self(void *arg)
{
	hgei_sync(arg);
}

/* A barrier that keeps serving: threads still inside may wait on our requests. */
static void serving_barrier(_Atomic unsigned *count, unsigned self)
{
	atomic_fetch_add(count, 1);
	while (atomic_load(count) < NR_THREADS) {
		poll(self);
		sched_yield();
	}
}

static void hart_up(unsigned self)
{
	int ret = hgei_hart_init(&harts[self], self, 63, slot_pa(self), &ops);

	EXPECT(ret == (int)geilen[self], "init of hart %u: %d", self, ret);
}

static void *hart_thread(void *arg)
{
	unsigned self = (unsigned)(uintptr_t)arg, n = 0, i, k, offline_until = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (self + 1);
	struct held held[HELD_MAX], e;
	struct hgei_line l;

	me = &tallies[self];
	emu_hart_bind(&emu[self]);
	hart_up(self);
	pthread_barrier_wait(&barrier);

	for (i = 0; i < ITERATIONS; i++) {
		uint64_t r = rnd(&seed);
		unsigned op = r % 16, pick = n ? (r >> 8) % n : 0;
		unsigned other = (r >> 16) % NR_THREADS;

		me->ops++;
		atomic_store_explicit(&progress[self], i + 1, memory_order_relaxed);
		if (self == 0 && i % OFFLINE_EVERY == OFFLINE_EVERY - 1) {
			EXPECT(hgei_hart_offline(&harts[0]) >= 0, "offline");
			offline_until = i + OFFLINE_FOR;
		} else if (self == 0 && offline_until && i == offline_until) {
			hart_up(0);
			offline_until = 0;
		}

		switch (op) {
		case 0: case 1:			/* local alloc */
		case 2: case 3: case 4:		/* remote alloc (or local, if other is us) */
			if (n == HELD_MAX)
				do_free(&held[--n]);
			if (do_alloc(op <= 1 ? self : other, (int)self, &seed, &held[n]))
				n++;
			break;
		case 5: case 6:			/* arm, local or remote */
			if (n)
				do_arm(&held[pick], true);
			break;
		case 7:				/* disarm */
			if (n)
				do_arm(&held[pick], false);
			break;
		case 8: case 9:			/* hand a line to someone else to free */
			if (!n)
				break;
			if (!mailbox_put(&held[pick], &seed))
				do_free(&held[pick]);
			held[pick] = held[--n];
			break;
		case 10: case 11:		/* free what someone handed over */
			if (mailbox_take(&e, (unsigned)(r >> 24)))
				do_free(&e);
			break;
		case 12: case 13:		/* free one's own */
			if (!n)
				break;
			do_free(&held[pick]);
			held[pick] = held[--n];
			break;
		default:			/* an MSI for some guest file of some hart */
			if (geilen[other]) {
				emu_hart_raise(&emu[other], 1ULL << (1 + (r >> 24) % geilen[other]));
				me->msis++;
			}
			break;
		}
		poll(self);
	}

	if (self == 0 && offline_until)
		hart_up(0);
	while (n)
		do_free(&held[--n]);
	serving_barrier(&drained[0], self);
	for (i = self; i < MAILBOX; i += NR_THREADS)
		if (mailbox_take(&e, i))
			do_free(&e);
	serving_barrier(&drained[1], self);
	/* No remote call is made past this point: each thread only uses its own hart. */

	/* Every line is free again: all of them can be had, then none. */
	for (i = 1; i <= geilen[self]; i++) {
		k = hgei_alloc(&harts[self], &tokens[self][0], &l);
		EXPECT(!k && l.line == i, "final alloc %u: %d line %u", i, (int)k, l.line);
		me->allocs[self]++;
	}
	EXPECT_EQ(hgei_alloc(&harts[self], &tokens[self][0], &l),
		 geilen[self] ? -HGEI_ENOSPC : -HGEI_ENODEV);
	me->alloc_failures[self]++;
	for (i = 1; i <= geilen[self]; i++) {
		EXPECT_EQ(hgei_free(&harts[self], i, &tokens[self][0]), 0);
		me->frees[self]++;
	}
	poll(self);
	return NULL;
}

static void reconcile(void)
{
	struct hgei_counters c;
	struct tally sum;
	unsigned t, j, g;
	uint64_t ops = 0, wakes = 0, dispatched = 0, revokes = 0, arms = 0, msis = 0;
	uint64_t requests = 0, refused = 0, enodev = 0;
	int64_t answered;

	for (j = 0; j < NR_THREADS; j++) {
		memset(&sum, 0, sizeof(sum));
		for (t = 0; t < NR_THREADS; t++) {
			sum.allocs[j] += tallies[t].allocs[j];
			sum.alloc_failures[j] += tallies[t].alloc_failures[j];
			sum.frees[j] += tallies[t].frees[j];
			sum.free_failures[j] += tallies[t].free_failures[j];
			sum.requests[j] += tallies[t].requests[j];
			sum.enodev_allocs[j] += tallies[t].enodev_allocs[j];
		}
		hgei_hart_counters(&harts[j], &c);
		CHECK_EQ(c.allocs, sum.allocs[j]);
		CHECK_EQ(c.frees, sum.frees[j]);
		CHECK_EQ(c.free_failures, sum.free_failures[j]);
		/* The remote allocs offline answered with -HGEI_ENODEV count as a failure
		 * and a request each; the ones refused unserved count nowhere. */
		answered = (int64_t)(c.alloc_failures - sum.alloc_failures[j]);
		CHECK(answered >= 0 && answered <= (int64_t)sum.enodev_allocs[j],
		      "hart %u: %lld remote allocs answered -ENODEV of %llu", j,
		      (long long)answered, (unsigned long long)sum.enodev_allocs[j]);
		CHECK_EQ(c.requests, sum.requests[j] + (uint64_t)answered);
		CHECK_EQ(c.dispatches, tallies[j].wakes);
		CHECK_EQ(c.dispatches, tallies[j].dispatched);
		CHECK_EQ(c.sgei_traps, tallies[j].traps);
		/* Free and offline disarm, and nothing else writes hgeie: no SGEI ever
		 * finds an armed line without an owner. */
		CHECK_EQ(c.spurious, 0);
		CHECK_EQ(c.revokes, tallies[j].revokes);
		/* Every line given out came back: freed, or revoked and never freed. */
		CHECK_EQ(c.allocs, c.frees + c.revokes);

		CHECK_EQ(harts[j].free, harts[j].lines_mask);
		CHECK_EQ(harts[j].lines_mask, geilen[j] ? (~0ULL >> (64 - geilen[j])) << 1 : 0);
		CHECK_EQ(emu_hart_hgeie(&emu[j]), 0);	/* every line freed, so disarmed */
		CHECK(atomic_load(&harts[j].reqs) == (void *)1, "hart %u: requests left", j);
		for (g = 0; g <= HGEI_MAX_LINES; g++) {
			CHECK(!hgei_owner(&harts[j], g), "hart %u line %u leaked", j, g);
			CHECK(!atomic_load(&shadow[j][g]), "hart %u line %u in shadow", j, g);
		}
		fprintf(stderr, "hart %u: %llu allocs, %llu failed, %llu frees, %llu failed, "
			"%llu traps, %llu dispatched, %llu spurious, %llu revoked, "
			"%llu requests (%lld allocs answered -ENODEV)\n", j,
			(unsigned long long)c.allocs, (unsigned long long)c.alloc_failures,
			(unsigned long long)c.frees, (unsigned long long)c.free_failures,
			(unsigned long long)c.sgei_traps, (unsigned long long)c.dispatches,
			(unsigned long long)c.spurious, (unsigned long long)c.revokes,
			(unsigned long long)c.requests, (long long)answered);
	}
	for (t = 0; t < NR_THREADS; t++) {
		ops += tallies[t].ops;
		wakes += tallies[t].wakes;
		dispatched += tallies[t].dispatched;
		revokes += tallies[t].revokes;
		arms += tallies[t].arms;
		msis += tallies[t].msis;
		refused += tallies[t].refused;
		for (j = 0; j < NR_THREADS; j++) {
			requests += tallies[t].requests[j];
			enodev += tallies[t].enodev_allocs[j];
		}
	}
	CHECK(ops >= 1000000, "only %llu operations", (unsigned long long)ops);
	CHECK(wakes > 1000, "only %llu wakes", (unsigned long long)wakes);
	CHECK(revokes > 0, "hart 0 never revoked a line");
	CHECK(requests > 10000, "only %llu remote calls served", (unsigned long long)requests);
	CHECK(refused + enodev > 0, "no remote call ever met hart 0 offline");
	CHECK_EQ(atomic_load(&double_owners), 0);
	fprintf(stderr, "%llu operations, %llu arms, %llu MSIs, %llu wakes, %llu revokes, "
		"%llu remote calls served, %llu refused, %llu allocs -ENODEV\n",
		(unsigned long long)ops, (unsigned long long)arms, (unsigned long long)msis,
		(unsigned long long)wakes, (unsigned long long)revokes,
		(unsigned long long)requests, (unsigned long long)refused,
		(unsigned long long)enodev);
}

static uint64_t progress_sum(void)
{
	uint64_t sum = 0;

	for (unsigned t = 0; t < NR_THREADS; t++)
		sum += atomic_load_explicit(&progress[t], memory_order_relaxed);
	return sum;
}

static void *watchdog(void *arg)
{
	uint64_t seen = 0, now;
	unsigned i;

	(void)arg;
	for (i = 0; i < WATCHDOG_S * 10 && !atomic_load(&finished); i++) {
		usleep(100000);
		now = progress_sum();
		if (now != seen)
			i = 0;
		seen = now;
	}
	if (atomic_load(&finished))
		return NULL;
	CHECK(0, "no thread made progress for %u s: a remote call was never served",
	      WATCHDOG_S);
	i = (unsigned)check_summary("concurrency");
	/* _exit, not exit: threads are stuck mid-call; so flush the summary by hand. */
	fflush(NULL);
	_exit((int)i);
}

int main(void)
{
	pthread_t th[NR_THREADS], dog;
	struct timespec t0, t1;
	unsigned t, i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pthread_create(&dog, NULL, watchdog, NULL))
		abort();
	for (t = 0; t < NR_THREADS; t++) {
		emu_hart_setup(&emu[t], t, geilen[t]);
		/* While it waits in a remote call, a hart still serves its own kicks. */
		emu[t].serve = serve_self;
		emu[t].serve_arg = &harts[t];
		for (i = 0; i < TOKENS; i++)
			tokens[t][i].thread = (int)t;
	}
	pthread_barrier_init(&barrier, NULL, NR_THREADS);
	for (t = 0; t < NR_THREADS; t++)
		if (pthread_create(&th[t], NULL, hart_thread, (void *)(uintptr_t)t))
			abort();
	for (t = 0; t < NR_THREADS; t++)
		pthread_join(th[t], NULL);
	atomic_store(&finished, true);
	pthread_join(dog, NULL);
	reconcile();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%.2f s\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return check_summary("concurrency");
}
