/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interleavings a review found against the old core, replayed deterministically:
 * each test stops a thread at a named step (a stall point compiled into the library
 * for host tests, or the test's own wake callback), lets the other harts do exactly
 * the steps of the bad interleaving, and resumes it. Each scenario checks one
 * guarantee of hgei.h (G1..G5). A stall never waits for a step the fixed library
 * makes impossible: it gives up after STALL_MS, so a correct library passes (slowly
 * by a fraction of a second) and a broken one fails its check instead of hanging;
 * a library that hangs for good is caught by the watchdog.
 *
 * Every emulated hart is a thread (struct hart) that runs the jobs it is given and,
 * when idle, takes its SGEIs and serves its kicks, as a hart with interrupts enabled.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"
#include "../../lib/hgei/internal.h"

#define NR_HARTS	3
#define LINES		2
#define STALL_MS	300
#define WATCHDOG_S	60	/* per scenario: a total is cut by a loaded machine */
#define OWNER_MAGIC	0x600dcafeU

struct owner {
	unsigned magic;			/* set before the owner is used, checked in wake */
	_Atomic unsigned wakes, revokes;
	_Atomic unsigned line;
};

struct hart {
	struct emu_hart e;
	struct hgei_hart h;
	pthread_t thread;
	/* One job at a time: fn(arg) run on this hart; done when fn is NULL again. */
	void (*_Atomic fn)(void *);
	void *arg;
	_Atomic int stop;
};

static struct hart harts[NR_HARTS];

static void on_wake_cb(void *owner, uint32_t hartid, unsigned line);
static void on_revoke(void *owner, uint32_t hartid, unsigned line);
static const struct hgei_ops ops = { .wake = on_wake_cb, .revoke = on_revoke };

/* ---- time and waiting ---------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Waits until *@flag is non-zero or @ms pass; returns whether it became non-zero. */
static bool wait_flag(_Atomic int *flag, unsigned ms)
{
	uint64_t end = now_ms() + ms;

	while (!atomic_load(flag)) {
		if (now_ms() >= end)
			return false;
		sched_yield();
	}
	return true;
}

/* ---- harts as threads ----------------------------------------------------------- */

static void serve(void *arg)
{
	hgei_sync(arg);
}

static void *hart_main(void *arg)
{
	struct hart *t = arg;
	void (*fn)(void *);

	emu_hart_bind(&t->e);
	while (!atomic_load(&t->stop)) {
		fn = atomic_load(&t->fn);
		if (fn) {
			fn(t->arg);
			atomic_store(&t->fn, NULL);
		}
		if (emu_hart_sgei_pending(&t->e))
			hgei_handle_sgei(&t->h);
		if (emu_hart_take_kicks(&t->e))
			hgei_sync(&t->h);
		sched_yield();
	}
	return NULL;
}

/* Starts @fn(@arg) on hart @i; returns at once. */
static void start_on(unsigned i, void (*fn)(void *), void *arg)
{
	while (atomic_load(&harts[i].fn))
		sched_yield();
	harts[i].arg = arg;
	atomic_store(&harts[i].fn, fn);
}

static void finish_on(unsigned i)
{
	while (atomic_load(&harts[i].fn))
		sched_yield();
}

static void run_on_hart(unsigned i, void (*fn)(void *), void *arg)
{
	start_on(i, fn, arg);
	finish_on(i);
}

static void bring_online(void *arg)
{
	struct hart *t = arg;

	CHECK_EQ(hgei_hart_init(&t->h, t->e.hartid, LINES, 0x28000000ULL + t->e.hartid * 0x8000,
				&ops), LINES);
}

static void take_offline(void *arg)
{
	struct hart *t = arg;

	hgei_hart_offline(&t->h);
}

static void harts_start(void)
{
	memset(harts, 0, sizeof(harts));
	for (unsigned i = 0; i < NR_HARTS; i++) {
		emu_hart_setup(&harts[i].e, i, 7);
		harts[i].e.serve = serve;
		harts[i].e.serve_arg = &harts[i].h;
		pthread_create(&harts[i].thread, NULL, hart_main, &harts[i]);
		run_on_hart(i, bring_online, &harts[i]);
	}
}

static void harts_stop(void)
{
	for (unsigned i = 0; i < NR_HARTS; i++) {
		atomic_store(&harts[i].stop, 1);
		pthread_join(harts[i].thread, NULL);
	}
}

/* ---- owners and the calls each test makes on a hart ------------------------------ */

static void owner_init(struct owner *o)
{
	o->magic = OWNER_MAGIC;
	atomic_store(&o->wakes, 0);
	atomic_store(&o->revokes, 0);
	atomic_store(&o->line, 0);
}

/* What the current test's wake callback does besides counting (may stall). */
static void (*_Atomic on_wake)(struct owner *o);
static _Atomic int wake_bad_magic;

static void on_wake_cb(void *owner, uint32_t hartid, unsigned line)
{
	struct owner *o = owner;
	void (*fn)(struct owner *) = atomic_load(&on_wake);

	(void)hartid;
	(void)line;
	if (o->magic != OWNER_MAGIC)
		atomic_store(&wake_bad_magic, 1);
	if (fn)
		fn(o);
	atomic_fetch_add(&o->wakes, 1);
}

static _Atomic int revoke_null;

/* What the current test's revoke callback does besides counting (may stall). */
static void (*_Atomic on_revoke_hook)(struct owner *o);

static void on_revoke(void *owner, uint32_t hartid, unsigned line)
{
	void (*fn)(struct owner *) = atomic_load(&on_revoke_hook);

	(void)hartid;
	(void)line;
	if (!owner) {		/* review: revoke() must never see a NULL owner */
		atomic_fetch_add(&revoke_null, 1);
		return;
	}
	if (fn)
		fn(owner);
	atomic_fetch_add(&((struct owner *)owner)->revokes, 1);
}

struct call {
	unsigned hart;
	struct owner *o;
	unsigned line;
	int err;
};

static void do_alloc(void *arg)
{
	struct call *c = arg;
	struct hgei_line l;

	c->err = hgei_alloc(&harts[c->hart].h, c->o, &l);
	c->line = l.line;
	atomic_store(&c->o->line, l.line);
}

static void do_arm(void *arg)
{
	struct call *c = arg;

	c->err = hgei_arm(&harts[c->hart].h, c->line, c->o);
}

/* Allocates and arms a line of hart @i for @o, on that hart; returns the line. */
static unsigned alloc_armed(unsigned i, struct owner *o)
{
	struct call c = { .hart = i, .o = o };

	run_on_hart(i, do_alloc, &c);
	CHECK_EQ(c.err, 0);
	run_on_hart(i, do_arm, &c);
	CHECK_EQ(c.err, 0);
	return c.line;
}

/* An MSI reaches line @line of hart @i; waits until its owner @o was woken @want times
 * (or a stall and then some passed: a stalled hart wakes late, not never). */
static bool msi_wakes(unsigned i, unsigned line, struct owner *o, unsigned want)
{
	uint64_t end;

	emu_hart_raise(&harts[i].e, 1ULL << line);
	for (end = now_ms() + 4 * STALL_MS; now_ms() < end; sched_yield())
		if (atomic_load(&o->wakes) >= want)
			return true;
	return false;
}

/* ---- the stall point ------------------------------------------------------------- */

static _Atomic int stall_at = -1;
static void (*stall_fn)(struct hgei_hart *h);

/* One-shot: the first thread to reach @at runs @fn there. */
static void stall_arm(enum hgei_stall at, void (*fn)(struct hgei_hart *h))
{
	stall_fn = fn;
	atomic_store(&stall_at, (int)at);
}

void hgei_test_stall(enum hgei_stall at, struct hgei_hart *h)
{
	int want = (int)at;

	if (atomic_load(&stall_at) == want &&
	    atomic_compare_exchange_strong(&stall_at, &want, -1))
		stall_fn(h);
}

/* ---- G1: no wake after free -------------------------------------------------------- */

static _Atomic int g1_free_returned, g1_free_during_wake, g1_in_wake;

/* The owner's wake runs long: the free must not return before it ends. */
static void g1_slow_wake(struct owner *o)
{
	(void)o;
	atomic_store(&g1_in_wake, 1);
	if (wait_flag(&g1_free_returned, STALL_MS))
		atomic_store(&g1_free_during_wake, 1);
}

struct remote_free_call {
	unsigned hart, line;
	struct owner *o;
	int err;
};

static void *remote_free_thread(void *arg)
{
	struct remote_free_call *c = arg;

	emu_hart_bind(&harts[2].e);
	/* As a hypervisor does it: disarm, then free, from another hart. */
	hgei_remote_disarm(&harts[c->hart].h, c->line, c->o);
	c->err = hgei_remote_free(&harts[c->hart].h, c->line, c->o);
	atomic_store(&g1_free_returned, 1);
	return NULL;
}

static void test_g1_wake_after_free(void)
{
	struct owner a;
	struct remote_free_call c = { .hart = 0, .o = &a };
	pthread_t t;

	harts_start();
	owner_init(&a);
	c.line = alloc_armed(0, &a);
	atomic_store(&on_wake, g1_slow_wake);
	/* The MSI: hart 0 enters wake(a) and stays there a while. */
	emu_hart_raise(&harts[0].e, 1ULL << c.line);
	while (!atomic_load(&g1_in_wake))
		sched_yield();
	pthread_create(&t, NULL, remote_free_thread, &c);
	pthread_join(t, NULL);
	/* The check is the wake's own: let it finish before reading what it saw. */
	while (!atomic_load(&a.wakes))
		sched_yield();
	atomic_store(&on_wake, NULL);
	CHECK(!atomic_load(&g1_free_during_wake),
	      "G1: hgei_remote_free() returned while wake() of its owner ran");
	CHECK_EQ(c.err, 0);
	CHECK_EQ(atomic_load(&a.wakes), 1);
	CHECK(hgei_owner(&harts[0].h, c.line) == NULL, "line %u still owned", c.line);
	harts_stop();
}

/* A free from another hart racing the hart's offline: it must not return, whatever
 * its result, while the offline's revoke of its line still runs. */
static _Atomic int g1o_in_revoke, g1o_free_during_revoke;

static void g1o_slow_revoke(struct owner *o)
{
	(void)o;
	atomic_store(&g1o_in_revoke, 1);
	if (wait_flag(&g1_free_returned, STALL_MS))
		atomic_store(&g1o_free_during_revoke, 1);
}

/* The free is built, not posted: post it once the revoke has begun. */
static void g1o_stall(struct hgei_hart *h)
{
	(void)h;
	while (!atomic_load(&g1o_in_revoke))
		sched_yield();
}

static void test_g1_free_vs_offline(void)
{
	struct owner a;
	struct remote_free_call c = { .hart = 0, .o = &a };
	pthread_t t;

	harts_start();
	owner_init(&a);
	atomic_store(&g1_free_returned, 0);
	c.line = alloc_armed(0, &a);
	atomic_store(&on_revoke_hook, g1o_slow_revoke);
	stall_arm(HGEI_STALL_REMOTE_BUILT, g1o_stall);
	pthread_create(&t, NULL, remote_free_thread, &c);
	run_on_hart(0, take_offline, &harts[0]);
	pthread_join(t, NULL);
	atomic_store(&on_revoke_hook, NULL);
	CHECK(!atomic_load(&g1o_free_during_revoke),
	      "G1: a remote free returned %d while offline's revoke of its line ran", c.err);
	CHECK(c.err == -HGEI_EINVAL || c.err == -HGEI_ENODEV, "free returned %d", c.err);
	CHECK_EQ(atomic_load(&a.revokes), 1);
	harts_stop();
}

/* ---- G1 for the asynchronous free: from its completion on ---------------------------
 * The free is posted while the owner's wake() runs on the line's hart: the post must
 * return without waiting for it (that is the call's point), and the request must not
 * complete before the wake has returned. The same against offline's revoke. */

static _Atomic int ga_complete, ga_posted, ga_in_cb, ga_complete_during_cb;
static _Atomic int ga_posted_during_cb;

/* wake() or revoke() of the owner runs long: its request must not complete meanwhile. */
static void ga_slow_cb(struct owner *o)
{
	(void)o;
	atomic_store(&ga_in_cb, 1);
	if (wait_flag(&ga_posted, STALL_MS))
		atomic_store(&ga_posted_during_cb, 1);
	if (wait_flag(&ga_complete, STALL_MS))
		atomic_store(&ga_complete_during_cb, 1);
}

struct async_free_call {
	unsigned hart, line;
	struct owner *o;
	struct hgei_req req;
	int posted, result;
};

static void *async_free_thread(void *arg)
{
	struct async_free_call *c = arg;

	emu_hart_bind(&harts[2].e);
	c->posted = hgei_remote_free_async(&harts[c->hart].h, c->line, c->o, &c->req);
	atomic_store(&ga_posted, 1);
	while ((c->result = hgei_req_result(&c->req)) == HGEI_PENDING)
		sched_yield();
	atomic_store(&ga_complete, 1);
	return NULL;
}

static void ga_reset(void)
{
	atomic_store(&ga_complete, 0);
	atomic_store(&ga_posted, 0);
	atomic_store(&ga_in_cb, 0);
	atomic_store(&ga_complete_during_cb, 0);
	atomic_store(&ga_posted_during_cb, 0);
}

static void test_g1_async_free_during_wake(void)
{
	struct owner a;
	struct async_free_call c = { .hart = 0, .o = &a };
	pthread_t t;

	harts_start();
	owner_init(&a);
	ga_reset();
	c.line = alloc_armed(0, &a);
	atomic_store(&on_wake, ga_slow_cb);
	/* The MSI: hart 0 enters wake(a) (which disarmed the line) and stays there. */
	emu_hart_raise(&harts[0].e, 1ULL << c.line);
	while (!atomic_load(&ga_in_cb))
		sched_yield();
	pthread_create(&t, NULL, async_free_thread, &c);
	pthread_join(t, NULL);
	while (!atomic_load(&a.wakes))
		sched_yield();
	atomic_store(&on_wake, NULL);
	CHECK(atomic_load(&ga_posted_during_cb),
	      "hgei_remote_free_async() waited for the target's wake() to end");
	CHECK(!atomic_load(&ga_complete_during_cb),
	      "G1: the asynchronous free completed while wake() of its owner ran");
	CHECK_EQ(c.posted, 0);
	CHECK_EQ(c.result, 0);
	CHECK_EQ(atomic_load(&a.wakes), 1);
	CHECK(hgei_owner(&harts[0].h, c.line) == NULL, "line %u still owned", c.line);
	/* The request is the caller's again: a second free of the line fails. */
	CHECK_EQ(hgei_remote_free_async(&harts[0].h, c.line, &a, &c.req), 0);
	CHECK_EQ(hgei_req_wait(&c.req), -HGEI_EINVAL);
	harts_stop();
}

/* The free is built, not posted: post it once the revoke has begun. */
static void ga_stall(struct hgei_hart *h)
{
	(void)h;
	while (!atomic_load(&ga_in_cb))
		sched_yield();
}

static void test_g1_async_free_vs_offline(void)
{
	struct owner a;
	struct async_free_call c = { .hart = 0, .o = &a };
	pthread_t t;

	harts_start();
	owner_init(&a);
	ga_reset();
	c.line = alloc_armed(0, &a);
	atomic_store(&on_revoke_hook, ga_slow_cb);
	stall_arm(HGEI_STALL_REMOTE_BUILT, ga_stall);
	pthread_create(&t, NULL, async_free_thread, &c);
	run_on_hart(0, take_offline, &harts[0]);
	pthread_join(t, NULL);
	atomic_store(&on_revoke_hook, NULL);
	CHECK(!atomic_load(&ga_complete_during_cb),
	      "G1: an asynchronous free completed (%d) while offline's revoke of its line ran",
	      c.result);
	/* Posted before the close: served by offline on the emptied hart (-EINVAL); after
	 * it: refused at once, complete with -ENODEV. */
	CHECK(c.posted == 0 || c.posted == -HGEI_ENODEV, "post returned %d", c.posted);
	CHECK(c.result == -HGEI_EINVAL || c.result == -HGEI_ENODEV, "free completed with %d",
	      c.result);
	CHECK(c.posted == 0 || c.result == c.posted, "refused post %d, result %d", c.posted,
	      c.result);
	CHECK_EQ(atomic_load(&a.revokes), 1);
	harts_stop();
}

/* ---- G2: an owner's wake sees what the owner wrote before allocating -------------- */

static struct owner g2_a, g2_b;
static _Atomic int g2_b_allocated;
static unsigned g2_line;

static void *g2_manager(void *arg)
{
	struct hgei_line l;

	(void)arg;
	emu_hart_bind(&harts[1].e);
	hgei_remote_free(&harts[0].h, g2_line, NULL);
	/* B is set up by this thread, then handed to hart 0 through the allocation. */
	owner_init(&g2_b);
	if (!hgei_remote_alloc(&harts[0].h, &g2_b, &l))
		atomic_store(&g2_b_allocated, 1);
	return NULL;
}

/* Hart 0 has masked A's pending line and not yet looked up its owner: the manager
 * frees it and gives it to B from another hart meanwhile, if the library lets it. */
static void g2_stall(struct hgei_hart *h)
{
	pthread_t t;

	(void)h;
	pthread_create(&t, NULL, g2_manager, NULL);
	wait_flag(&g2_b_allocated, STALL_MS);
	pthread_detach(t);
}

static void test_g2_stale_dispatch(void)
{
	harts_start();
	owner_init(&g2_a);
	memset(&g2_b, 0, sizeof(g2_b));
	atomic_store(&g2_b_allocated, 0);
	atomic_store(&wake_bad_magic, 0);
	g2_line = alloc_armed(0, &g2_a);
	stall_arm(HGEI_STALL_SGEI_MASKED, g2_stall);
	CHECK(msi_wakes(0, g2_line, &g2_a, 1), "A was not woken");
	/* Let the manager finish whichever way the library ordered it. */
	while (!atomic_load(&g2_b_allocated))
		sched_yield();
	CHECK_EQ(atomic_load(&g2_b.wakes), 0);
	CHECK(!atomic_load(&wake_bad_magic), "G2: wake() ran for an owner not yet set up");
	harts_stop();
}

/* ---- G2/G3: a former owner's late disarm or arm never reaches the next owner ------- */

static struct owner g3_a, g3_b;
static _Atomic int g3_b_armed;
static unsigned g3_line;
static int g3_stale_err;
static bool g3_arm;		/* the stale call is an arm (else a disarm) */

static void *g3_stale_thread(void *arg)
{
	(void)arg;
	emu_hart_bind(&harts[2].e);
	g3_stale_err = g3_arm ? hgei_remote_arm(&harts[0].h, g3_line, &g3_a) :
				hgei_remote_disarm(&harts[0].h, g3_line, &g3_a);
	return NULL;
}

/* A's call is on its way; the manager frees A's line and B takes it (and arms it
 * when the stale call is a disarm), before A's call lands. */
static void g3_stall(struct hgei_hart *h)
{
	struct call c = { .hart = 0, .o = &g3_b };

	(void)h;
	CHECK_EQ(hgei_remote_free(&harts[0].h, g3_line, NULL), 0);
	run_on_hart(0, do_alloc, &c);
	CHECK_EQ(c.err, 0);
	CHECK_EQ(c.line, g3_line);
	if (!g3_arm) {
		run_on_hart(0, do_arm, &c);
		CHECK_EQ(c.err, 0);
	}
	atomic_store(&g3_b_armed, 1);
}

static void test_g3_stale_call(bool arm)
{
	pthread_t t;

	harts_start();
	g3_arm = arm;
	owner_init(&g3_a);
	owner_init(&g3_b);
	atomic_store(&g3_b_armed, 0);
	g3_line = alloc_armed(0, &g3_a);
	stall_arm(HGEI_STALL_REMOTE_BUILT, g3_stall);
	pthread_create(&t, NULL, g3_stale_thread, NULL);
	pthread_join(t, NULL);
	CHECK_EQ(atomic_load(&g3_b_armed), 1);
	CHECK_EQ(g3_stale_err, -HGEI_EINVAL);
	if (arm) {
		/* B never armed: an MSI must not wake it. */
		CHECK(!msi_wakes(0, g3_line, &g3_b, 1),
		      "G2: B woken by a former owner's arm");
	} else {
		/* B armed: the MSI must reach it. */
		CHECK(msi_wakes(0, g3_line, &g3_b, 1),
		      "G3: B's wake lost to a former owner's disarm");
	}
	CHECK_EQ(atomic_load(&g3_a.wakes), 0);
	harts_stop();
}

static void test_g3_stale_disarm(void)
{
	test_g3_stale_call(false);
}

static void test_g2_stale_arm(void)
{
	test_g3_stale_call(true);
}

/* ---- G5: hgei_move() failing after the allocation on @to --------------------------- */

struct move_ctx {
	unsigned from, to;
	uint64_t eip_old;	/* identities pending in the old file */
	bool redirected;
};

static struct move_ctx mv;
static struct owner mv_o;

static void mv_run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	run_on_hart(hartid, fn, arg);
}

static void mv_save(unsigned line, void *state) { (void)line; (void)state; }
static void mv_load(unsigned line, const void *state) { (void)line; (void)state; }
static void mv_drain(unsigned line, void *state) { (void)line; (void)state; }
static void mv_forward(uint64_t pa, const void *state) { (void)pa; (void)state; }

static void mv_redirect(void *owner, uint64_t pa)
{
	(void)owner;
	(void)pa;
	mv.redirected = true;
}

static const struct hgei_move_ops mv_ops = {
	.run_on = mv_run_on, .file_save = mv_save, .file_load = mv_load,
	.file_drain = mv_drain, .file_forward = mv_forward, .redirect = mv_redirect,
};

/* The new line is set up on @to: @to goes offline before the redirect. */
static void mv_stall(struct hgei_hart *h)
{
	(void)h;
	run_on_hart(mv.to, take_offline, &harts[mv.to]);
}

static void test_g5_move_fails_late(void)
{
	struct hgei_line out = { .line = 99, .file_pa = 1 };
	unsigned line;
	int state = 0, err;

	harts_start();
	owner_init(&mv_o);
	mv = (struct move_ctx){ .from = 0, .to = 1 };
	line = alloc_armed(0, &mv_o);
	stall_arm(HGEI_STALL_MOVE_ENTERED, mv_stall);
	/* Called from hart 2: a hypervisor's migration thread. */
	err = hgei_move(&harts[0].h, line, &harts[1].h, &mv_o, true, &mv_ops, &state, &out);
	CHECK(err < 0, "move succeeded onto an offline hart: %d", err);
	CHECK(out.line == 0 && out.file_pa == 0 && out.hstatus_vgein == 0,
	      "G5: failed move left *out filled (line %u)", out.line);
	CHECK(!mv.redirected, "G5: failed move redirected the owner's MSIs");
	CHECK(hgei_owner(&harts[0].h, line) == &mv_o, "G5: owner lost its old line %u", line);
	CHECK(msi_wakes(0, line, &mv_o, 1), "G5: old line not armed again after the failure");
	harts_stop();
}

/* ---- G4: offline in bounded time ------------------------------------------------- */

static _Atomic int g4_offline_done;

/* A call on the way to hart 0 stays on the way until offline is over (or gives up). */
static void g4_hold_call(struct hgei_hart *h)
{
	(void)h;
	wait_flag(&g4_offline_done, STALL_MS * 3);
}

static void *g4_caller(void *arg)
{
	struct owner *o = arg;
	struct hgei_line l;

	emu_hart_bind(&harts[1].e);
	hgei_remote_alloc(&harts[0].h, o, &l);
	return NULL;
}

static void g4_offline_on_0(void *arg)
{
	int *revoked = arg;
	uint64_t t0 = now_ms();

	*revoked = hgei_hart_offline(&harts[0].h);
	if (now_ms() - t0 < STALL_MS)
		atomic_store(&g4_offline_done, 1);
}

/* Offline while another hart's call is in progress on it: bounded, revokes once. */
static void test_g4_offline_remote_call(void)
{
	struct owner a, b;
	pthread_t t;
	int revoked = -1;

	harts_start();
	owner_init(&a);
	owner_init(&b);
	atomic_store(&g4_offline_done, 0);
	alloc_armed(0, &a);
	stall_arm(HGEI_STALL_REMOTE_BUILT, g4_hold_call);
	pthread_create(&t, NULL, g4_caller, &b);
	while (atomic_load(&stall_at) != -1)
		sched_yield();
	run_on_hart(0, g4_offline_on_0, &revoked);
	CHECK(atomic_load(&g4_offline_done), "G4: offline waited for another hart's call");
	pthread_join(t, NULL);
	CHECK_EQ(revoked, 1);
	CHECK_EQ(atomic_load(&a.revokes), 1);
	CHECK_EQ(atomic_load(&b.revokes), 0);
	harts_stop();
}

/* Offline from an interrupt taken at the start of the same hart's own alloc. */
static void g4_offline_from_irq(struct hgei_hart *h)
{
	uint64_t t0 = now_ms();

	hgei_hart_offline(h);
	if (now_ms() - t0 < STALL_MS)
		atomic_store(&g4_offline_done, 1);
}

static void test_g4_offline_in_irq(void)
{
	struct owner a;
	struct call c = { .hart = 0, .o = &a };

	harts_start();
	owner_init(&a);
	atomic_store(&g4_offline_done, 0);
	stall_arm(HGEI_STALL_ALLOC_BEGIN, g4_offline_from_irq);
	run_on_hart(0, do_alloc, &c);
	CHECK(atomic_load(&g4_offline_done), "G4: offline in an interrupt did not return");
	CHECK_EQ(c.err, -HGEI_ENODEV);
	CHECK_EQ(c.line, 0);
	harts_stop();
}


/* ---- review (branch review): findings replayed; these FAIL against HEAD 53188ad ------ */

/*
 * R1. hgei_sync() tests the list unmasked, then masks and swaps in OPEN without
 * looking at what it swapped out. hgei.h/integration.md allow hgei_hart_offline()
 * "from an interrupt taken over one of the hart's own calls"; taken between the
 * test and the mask, offline serves and closes the list, then hgei_sync swaps the
 * closed (NULL) list for OPEN -- reopening an offline hart -- and hgei_serve(h, NULL)
 * dereferences NULL (found by review; crashed on 53188ad). Fixed: hgei_sync() looks
 * again once masked, and so does submit()'s own-hart path.
 */
static _Atomic int r1_offline_done;
static int r1_offline_ret, r1_err, r1_late_err;

static void r1_offline_from_irq(struct hgei_hart *h)
{
	r1_offline_ret = hgei_hart_offline(h);
	atomic_store(&r1_offline_done, 1);
}

static void *r1_caller(void *arg)
{
	struct hgei_line l;

	emu_hart_bind(&harts[1].e);
	r1_err = hgei_remote_alloc(&harts[0].h, arg, &l);
	return NULL;
}

static void *r1_late_caller(void *arg)
{
	emu_hart_bind(&harts[2].e);
	r1_late_err = hgei_remote_free(&harts[0].h, 1, arg);
	return NULL;
}

static void test_r1_sync_vs_offline_in_irq(void)
{
	struct owner b;
	pthread_t t;

	harts_start();
	owner_init(&b);
	stall_arm(HGEI_STALL_SYNC_CHECKED, r1_offline_from_irq);
	pthread_create(&t, NULL, r1_caller, &b);
	pthread_join(t, NULL);
	while (!atomic_load(&r1_offline_done))
		sched_yield();
	usleep(200 * 1000);	/* hart 0 finishes the interrupted hgei_sync() */
	CHECK_EQ(r1_err, -HGEI_ENODEV);
	CHECK_EQ(r1_offline_ret, 0);
	CHECK(atomic_load(&harts[0].h.reqs) == NULL,
	      "G4: offline hart 0's request list reopened by the interrupted hgei_sync (%p)",
	      (void *)atomic_load(&harts[0].h.reqs));
	/* A call posted after the close must fail at once with -ENODEV (G4). */
	pthread_create(&t, NULL, r1_late_caller, &b);
	pthread_join(t, NULL);
	CHECK_EQ(r1_late_err, -HGEI_ENODEV);
	harts_stop();
}

/*
 * R2. revoke_lines() takes its snapshot of owned lines once, before the first
 * revoke(). A revoke() that frees another of the hart's lines (the hypervisor
 * destroying the VM whose vCPU lost its line: the documented hgei_free() destroy
 * path, from a callback that runs on the hart, masked, like wake() -- which is
 * allowed to call local calls) makes offline then call revoke(NULL, ...) for the
 * freed line, count it as revoked, and return 2 for one revoked line (failed on
 * 53188ad). Fixed: revoke_lines() looks the owned lines up afresh before each revoke().
 */
static struct owner r2_a, r2_b;
static unsigned r2_line_b;
static _Atomic int r2_free_err = 1;

static void r2_revoke_frees_sibling(struct owner *o)
{
	if (o == &r2_a)
		atomic_store(&r2_free_err, hgei_free(&harts[0].h, r2_line_b, &r2_b));
}

static void r2_offline(void *arg)
{
	*(int *)arg = hgei_hart_offline(&harts[0].h);
}

static void test_r2_free_from_revoke(void)
{
	struct hgei_counters c;
	int revoked = -1;

	harts_start();
	owner_init(&r2_a);
	owner_init(&r2_b);
	atomic_store(&revoke_null, 0);
	alloc_armed(0, &r2_a);
	r2_line_b = alloc_armed(0, &r2_b);
	atomic_store(&on_revoke_hook, r2_revoke_frees_sibling);
	run_on_hart(0, r2_offline, &revoked);
	atomic_store(&on_revoke_hook, NULL);
	CHECK_EQ(atomic_load(&r2_free_err), 0);
	CHECK(!atomic_load(&revoke_null),
	      "offline called revoke(NULL, hart, %u) for a line freed by an earlier revoke()",
	      r2_line_b);
	CHECK_EQ(atomic_load(&r2_b.revokes), 0);
	CHECK_EQ(revoked, 1);
	hgei_hart_counters(&harts[0].h, &c);
	CHECK_EQ(c.allocs, 2);
	harts_stop();
}

/*
 * R3. Offline sets online = 0 and revokes before it clears free and lines_mask and
 * closes the list; hgei_alloc() does not look at online. A revoke() that allocates
 * on the same hart (local hgei_alloc, or hgei_remote_alloc, which is the local call
 * on its own hart since the list is still open) gets a line that is never revoked:
 * after offline it is still owned (G4: "revokes each owned line exactly once"), and
 * after hgei_hart_init() the stale owner can arm and free a line that is free (G2)
 * (failed on 53188ad). Fixed: a line allocated in a revoke() is revoked too, and
 * offline clears hgeie again after the last revoke().
 */
static struct owner r3_a, r3_c;
static _Atomic int r3_alloc_err = 1;
static _Atomic unsigned r3_line;

static void r3_revoke_allocs(struct owner *o)
{
	struct hgei_line l;

	if (o == &r3_a) {
		atomic_store(&r3_alloc_err, hgei_remote_alloc(&harts[0].h, &r3_c, &l));
		atomic_store(&r3_line, l.line);
	}
}

static void test_r3_alloc_from_revoke(void)
{
	struct call c = { .hart = 0, .o = &r3_c };
	int revoked = -1;

	harts_start();
	owner_init(&r3_a);
	owner_init(&r3_c);
	alloc_armed(0, &r3_a);
	atomic_store(&on_revoke_hook, r3_revoke_allocs);
	run_on_hart(0, r2_offline, &revoked);
	atomic_store(&on_revoke_hook, NULL);
	CHECK(atomic_load(&r3_alloc_err) != 0 || atomic_load(&r3_c.revokes) == 1,
	      "G4: line %u allocated during offline's revokes, never revoked",
	      atomic_load(&r3_line));
	CHECK(hgei_owner(&harts[0].h, atomic_load(&r3_line)) == NULL,
	      "offline hart 0 still has an owner for line %u", atomic_load(&r3_line));
	/* Online again: the stale owner's arm of a free line must be refused (G2). */
	run_on_hart(0, bring_online, &harts[0]);
	c.line = atomic_load(&r3_line);
	run_on_hart(0, do_arm, &c);
	CHECK(c.line == 0 || c.err == -HGEI_EINVAL,
	      "G2: stale owner armed free line %u after re-init (%d)", c.line, c.err);
	CHECK_EQ(emu_hart_hgeie(&harts[0].e), 0);
	harts_stop();
}

/* ---- the watchdog ---------------------------------------------------------------- */

/* Scenarios started so far: the watchdog allows each WATCHDOG_S, not the run. */
static _Atomic unsigned scenarios_started;

static void *watchdog(void *arg)
{
	unsigned seen = 0, now;

	(void)arg;
	for (int s = 0; s < WATCHDOG_S; s++) {
		sleep(1);
		now = atomic_load(&scenarios_started);
		if (now != seen)
			s = 0;
		seen = now;
	}
	CHECK(0, "watchdog: a scenario hung for %d s (a wait the library never ends)",
	      WATCHDOG_S);
	exit(check_summary("interleave"));
	return NULL;
}

static const struct scenario {
	const char *name;
	void (*run)(void);
} scenarios[] = {
	{ "g1-wake-after-free", test_g1_wake_after_free },
	{ "g1-free-vs-offline", test_g1_free_vs_offline },
	{ "g1-async-free-during-wake", test_g1_async_free_during_wake },
	{ "g1-async-free-vs-offline", test_g1_async_free_vs_offline },
	{ "g2-stale-dispatch", test_g2_stale_dispatch },
	{ "g3-stale-disarm", test_g3_stale_disarm },
	{ "g2-stale-arm", test_g2_stale_arm },
	{ "g5-move-fails-late", test_g5_move_fails_late },
	{ "g4-offline-remote-call", test_g4_offline_remote_call },
	{ "g4-offline-in-irq", test_g4_offline_in_irq },
	{ "r1-sync-vs-offline-in-irq", test_r1_sync_vs_offline_in_irq },
	{ "r2-free-from-revoke", test_r2_free_from_revoke },
	{ "r3-alloc-from-revoke", test_r3_alloc_from_revoke },
};

/* Every scenario, or the one named by argv[1] (to replay one against another core). */
int main(int argc, char **argv)
{
	pthread_t w;

	pthread_create(&w, NULL, watchdog, NULL);
	pthread_detach(w);
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (argc > 1 && strcmp(argv[1], scenarios[i].name))
			continue;
		fprintf(stderr, "scenario %s\n", scenarios[i].name);
		atomic_fetch_add(&scenarios_started, 1);
		scenarios[i].run();
	}
	return check_summary("interleave");
}
