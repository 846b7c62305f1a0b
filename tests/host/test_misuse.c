/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The API-misuse table (issue #6): every case starts from the same two harts with
 * lines in every state (free, owned, owned and armed), makes one wrong call, and must
 * get its documented code back while every line it had no business touching keeps
 * its owner, free bit and hgeie bit (the arm state), on its own hart and on the
 * other. Remote calls come from a helper thread bound to hart X while the test
 * thread, hart A, serves them: each case also says how many requests hart A serves.
 */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"
#include "../../lib/hgei/internal.h"

#define HART_A		50	/* the hart every case misuses */
#define HART_B		51	/* a bystander with its own lines */
#define HART_X		52	/* "another hart" the remote cases run on */
#define SLOT_PA		0x28000000ULL
#define ALL_LINES	(~0ULL << 1)	/* bits 1..63 */

struct owner {
	unsigned wakes, revokes;
	bool off_hart;		/* a callback ran off its hart or with interrupts enabled */
};

static struct owner own[8];
static struct emu_hart ea, eb, ex;
static struct hgei_hart ha, hb;

static void on_wake(void *o, uint32_t hartid, unsigned line)
{
	(void)line;
	((struct owner *)o)->wakes++;
	if (!emu_hart_self() || emu_hart_self()->hartid != hartid)
		((struct owner *)o)->off_hart = true;
}

/* hgei.h: on the hart going offline, with its interrupts masked. */
static void on_revoke(void *o, uint32_t hartid, unsigned line)
{
	(void)line;
	((struct owner *)o)->revokes++;
	if (!emu_hart_self() || emu_hart_self()->hartid != hartid || !emu_irqs_masked())
		((struct owner *)o)->off_hart = true;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

/* Per line: everything a misuse must leave alone (hgeie is the arm state). */
struct line_state {
	void *owner;
	bool free, hgeie;
};

struct hart_state {
	struct line_state line[HGEI_MAX_LINES + 1];
};

static void take(struct hgei_hart *h, struct emu_hart *e, struct hart_state *s)
{
	uint64_t free = h->free, hgeie = emu_hart_hgeie(e);
	unsigned g;

	memset(s, 0, sizeof(*s));	/* padding too: the lines are compared with memcmp */
	for (g = 0; g <= HGEI_MAX_LINES; g++) {
		s->line[g].owner = atomic_load(&h->owners[g]);
		s->line[g].free = free >> g & 1;
		s->line[g].hgeie = hgeie >> g & 1;
	}
}

/* Lines of @h outside @may that differ from @before. */
static uint64_t changed(const struct hart_state *before, struct hgei_hart *h,
			struct emu_hart *e, uint64_t may)
{
	struct hart_state now;
	uint64_t diff = 0;
	unsigned g;

	take(h, e, &now);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		if (!(may >> g & 1) && memcmp(&now.line[g], &before->line[g], sizeof(now.line[g])))
			diff |= 1ULL << g;
	return diff;
}

/* ---- remote calls from hart X -------------------------------------------------- */

enum rop { R_ALLOC, R_FREE, R_ARM, R_DISARM };

struct rcall {
	pthread_t thread;
	enum rop op;
	unsigned line;
	void *owner;
	struct hgei_line *out;
	int ret;
	_Atomic bool done;
};

static void *rcall_thread(void *arg)
{
	struct rcall *c = arg;

	emu_hart_bind(&ex);
	switch (c->op) {
	case R_ALLOC:
		c->ret = hgei_remote_alloc(&ha, c->owner, c->out);
		break;
	case R_FREE:
		c->ret = hgei_remote_free(&ha, c->line, c->owner);
		break;
	case R_ARM:
		c->ret = hgei_remote_arm(&ha, c->line, c->owner);
		break;
	case R_DISARM:
		c->ret = hgei_remote_disarm(&ha, c->line, c->owner);
		break;
	}
	atomic_store(&c->done, true);
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool returned(struct rcall *c, unsigned ms)
{
	double end = now_ms() + ms;

	while (!atomic_load(&c->done) && now_ms() < end)
		sched_yield();
	return atomic_load(&c->done);
}

/* Hart X's call to hart A. With @serve, the test thread (hart A) serves it once it
 * has kicked and waited; without, it must come back at once, unserved. */
static int remote(enum rop op, unsigned line, void *owner, struct hgei_line *out, bool serve)
{
	struct rcall c = { .op = op, .line = line, .owner = owner, .out = out,
			   .ret = INT_MIN };
	double end = now_ms() + 5000;

	if (pthread_create(&c.thread, NULL, rcall_thread, &c))
		abort();
	if (serve) {
		while (!atomic_load(&ea.kicks) && now_ms() < end)
			sched_yield();
		CHECK(emu_hart_take_kicks(&ea) == 1, "remote op %d: no kick", op);
		CHECK(!returned(&c, 5), "remote op %d: returned unserved", op);
		hgei_sync(&ha);
	}
	if (!returned(&c, 5000)) {
		CHECK(0, "remote op %d: never returned", op);
		pthread_detach(c.thread);
		return INT_MIN;
	}
	pthread_join(c.thread, NULL);
	return c.ret;
}

static int served(enum rop op, unsigned line, void *owner)
{
	return remote(op, line, owner, NULL, true);
}

/*
 * Hart A, 7 lines: 1 owned by own[1], 2 owned and armed by own[2], 3 free (freed by
 * own[3]), 4 owned and armed by own[4], 5..7 never allocated. Hart B, 7 lines: 1 owned
 * and armed by own[5], 2 owned by own[6]. The calling thread is hart A.
 */
static void setup(void)
{
	struct hgei_line l;
	unsigned g;

	memset(own, 0, sizeof(own));
	emu_hart_setup(&ex, HART_X, 7);
	emu_hart_setup(&eb, HART_B, 7);
	emu_hart_bind(&eb);
	memset(&hb, 0, sizeof(hb));
	CHECK_EQ(hgei_hart_init(&hb, HART_B, 7, SLOT_PA + 0x10000, &ops), 7);
	CHECK_EQ(hgei_alloc(&hb, &own[5], &l), 0);
	CHECK_EQ(hgei_alloc(&hb, &own[6], &l), 0);
	CHECK_EQ(hgei_arm(&hb, 1, &own[5]), 0);

	emu_hart_setup(&ea, HART_A, 7);
	emu_hart_bind(&ea);
	memset(&ha, 0, sizeof(ha));
	CHECK_EQ(hgei_hart_init(&ha, HART_A, 7, SLOT_PA, &ops), 7);
	for (g = 1; g <= 4; g++)
		CHECK_EQ(hgei_alloc(&ha, &own[g], &l), 0);
	CHECK_EQ(hgei_arm(&ha, 2, &own[2]), 0);
	CHECK_EQ(hgei_arm(&ha, 4, &own[4]), 0);
	CHECK_EQ(hgei_free(&ha, 3, &own[3]), 0);
	CHECK_EQ(ha.free, 0xe8);
	CHECK_EQ(emu_hart_hgeie(&ea), 0x14);
}

static void teardown(void)
{
	emu_hart_bind(&eb);
	hgei_hart_offline(&hb);
	emu_hart_bind(&ea);
	hgei_hart_offline(&ha);
	emu_hart_lower(&ea, ~0ULL);
}

static int call_free(unsigned line, void *owner)
{
	return hgei_free(&ha, line, owner);
}

static int m_double_free(void)		{ return call_free(3, &own[3]); }
static int m_double_free_any(void)	{ return call_free(3, NULL); }
static int m_free_unallocated(void)	{ return call_free(6, NULL); }
static int m_free_foreign(void)		{ return call_free(2, &own[1]); }
static int m_free_other_harts(void)	{ return call_free(1, &own[5]); }
static int m_free_line0(void)		{ return call_free(0, NULL); }
static int m_free_line0_owner(void)	{ return call_free(0, &own[1]); }
static int m_free_above_n(void)		{ return call_free(8, NULL); }
static int m_free_63(void)		{ return call_free(63, NULL); }
static int m_free_64(void)		{ return call_free(64, &own[1]); }
static int m_free_uint_max(void)	{ return call_free(UINT_MAX, NULL); }

static int m_free_remote_foreign(void)	{ return served(R_FREE, 4, &own[2]); }
static int m_free_remote_line0(void)	{ return served(R_FREE, 0, NULL); }
static int m_free_remote_64(void)	{ return served(R_FREE, 64, NULL); }

/* Line 3 (own[3]'s once) now belongs to own[7], armed: own[3] is a stale owner. */
static void p_stale(void)
{
	struct hgei_line l;

	CHECK_EQ(hgei_alloc(&ha, &own[7], &l), 0);
	CHECK_EQ(l.line, 3);
	CHECK_EQ(hgei_arm(&ha, 3, &own[7]), 0);
}

static int m_free_remote_stale(void)	{ return served(R_FREE, 3, &own[3]); }
static int m_arm_remote_stale(void)	{ return served(R_ARM, 3, &own[3]); }
static int m_disarm_remote_stale(void)	{ return served(R_DISARM, 3, &own[3]); }
static int m_free_stale(void)		{ return call_free(3, &own[3]); }

static struct hgei_line out;

static int m_alloc_null(void)		{ return hgei_alloc(&ha, NULL, &out); }
static int m_alloc_reserved(void)	{ return hgei_alloc(&ha, (void *)1, &out); }
static int m_alloc_remote_null(void)	{ return remote(R_ALLOC, 0, NULL, &out, true); }
static int m_alloc_remote_reserved(void) { return remote(R_ALLOC, 0, (void *)1, &out, true); }

/* Alloc on a hart that went offline; the offline itself is checked in its own case. */
static int m_alloc_offline(void)
{
	CHECK_EQ(hgei_hart_offline(&ha), 3);
	return hgei_alloc(&ha, &own[7], &out);
}

/* Hart A offline before the snapshot: what an old owner asks from afar afterwards
 * is refused at once, unserved, and changes nothing. */
static void p_offline(void)
{
	CHECK_EQ(hgei_hart_offline(&ha), 3);
}

static int m_alloc_remote_offline(void)	{ return remote(R_ALLOC, 0, &own[7], &out, false); }
static int m_free_remote_offline(void)	{ return remote(R_FREE, 1, &own[1], NULL, false); }
static int m_arm_remote_offline(void)	{ return remote(R_ARM, 1, &own[1], NULL, false); }
static int m_disarm_remote_offline(void) { return remote(R_DISARM, 2, &own[2], NULL, false); }

static int m_arm_foreign(void)		{ return hgei_arm(&ha, 1, &own[2]); }
static int m_arm_free_line(void)	{ return hgei_arm(&ha, 3, &own[3]); }
static int m_arm_unallocated(void)	{ return hgei_arm(&ha, 6, &own[1]); }
static int m_arm_null(void)		{ return hgei_arm(&ha, 1, NULL); }
static int m_arm_line0(void)		{ return hgei_arm(&ha, 0, &own[1]); }
static int m_arm_above_n(void)		{ return hgei_arm(&ha, 8, &own[1]); }
static int m_arm_64(void)		{ return hgei_arm(&ha, 64, &own[1]); }
static int m_arm_other_harts(void)	{ return hgei_arm(&ha, 2, &own[6]); }
static int m_disarm_foreign(void)	{ return hgei_disarm(&ha, 2, &own[1]); }
static int m_disarm_free_line(void)	{ return hgei_disarm(&ha, 3, &own[3]); }

/* From another hart: refused where it is served, as the local call would be. */
static int m_arm_remote_foreign(void)	{ return served(R_ARM, 1, &own[4]); }
static int m_disarm_remote_foreign(void) { return served(R_DISARM, 4, &own[1]); }
static int m_arm_remote_null(void)	{ return served(R_ARM, 1, NULL); }
static int m_arm_remote_free_line(void)	{ return served(R_ARM, 5, &own[1]); }

/*
 * Local calls made on the wrong hart: refused before they look at anything, even
 * calls that would succeed on hart A itself.
 */
static int on_x(int (*call)(void))
{
	int r;

	emu_hart_bind(&ex);
	r = call();
	emu_hart_bind(&ea);
	return r;
}

static int free_1(void)			{ return hgei_free(&ha, 1, &own[1]); }
static int alloc_7(void)		{ return hgei_alloc(&ha, &own[7], &out); }
static int arm_1(void)			{ return hgei_arm(&ha, 1, &own[1]); }
static int disarm_2(void)		{ return hgei_disarm(&ha, 2, &own[2]); }
static int offline_a(void)		{ return hgei_hart_offline(&ha); }
static int init_a(void)			{ return hgei_hart_init(&ha, HART_A, 7, SLOT_PA, &ops); }
static int sgei_a(void)			{ return (int)hgei_handle_sgei(&ha); }
static int sync_a(void)			{ hgei_sync(&ha); return 0; }

/* Never brought online: every hart gets -ENODEV for it, hart 0's or not. */
static int offline_zeroed(void)
{
	static struct hgei_hart zeroed;

	return hgei_hart_offline(&zeroed);
}

static int m_free_wrong_hart(void)	{ return on_x(free_1); }
static int m_alloc_wrong_hart(void)	{ return on_x(alloc_7); }
static int m_arm_wrong_hart(void)	{ return on_x(arm_1); }
static int m_disarm_wrong_hart(void)	{ return on_x(disarm_2); }
static int m_offline_wrong_hart(void)	{ return on_x(offline_a); }
static int m_init_wrong_hart(void)	{ return on_x(init_a); }
static int m_sgei_wrong_hart(void)	{ return on_x(sgei_a); }
static int m_sync_wrong_hart(void)	{ return on_x(sync_a); }
static int m_offline_zeroed(void)	{ return on_x(offline_zeroed); }
/* Hart B's own thread is "another hart" too: it gets nothing of A's either. */
static int m_free_from_b(void)
{
	int r;

	emu_hart_bind(&eb);
	r = hgei_free(&ha, 1, &own[1]);
	emu_hart_bind(&ea);
	return r;
}

/* A thread bound to no hart at all (hgei_port_hartid() names none). */
static int m_free_no_hart(void)
{
	int r;

	emu_hart_bind(NULL);
	r = hgei_free(&ha, 1, &own[1]);
	emu_hart_bind(&ea);
	return r;
}

static int m_init_online(void)		{ return hgei_hart_init(&ha, HART_A, 7, SLOT_PA, &ops); }

/*
 * An SGEI for line 4 after its owner freed it from another hart. The free disarmed
 * it, so an MSI for it no longer traps; only a port writing hgeie behind the
 * library's back can make it trap: nobody is woken, the line is masked and counted
 * spurious.
 */
static int m_sgei_no_owner(void)
{
	struct hgei_counters c;
	int r;

	CHECK_EQ(served(R_FREE, 4, &own[4]), 0);
	CHECK(!(emu_hart_hgeie(&ea) >> 4 & 1), "free left line 4 enabled");
	emu_hart_raise(&ea, 1ULL << 4);
	CHECK(!emu_hart_sgei_pending(&ea), "SGEI for a freed line");
	atomic_fetch_or(&ea.hgeie, 1ULL << 4);
	CHECK(emu_hart_sgei_pending(&ea), "no SGEI");
	r = (int)hgei_handle_sgei(&ha);
	hgei_hart_counters(&ha, &c);
	CHECK_EQ(c.spurious, 1);
	CHECK_EQ(own[4].wakes, 0);
	CHECK(!(emu_hart_hgeie(&ea) >> 4 & 1), "line 4 left enabled");
	CHECK(!emu_hart_sgei_pending(&ea), "SGEI still pending");
	return r;
}

/* Offline with lines 2 and 4 armed: each owner revoked once, the hart emptied. */
static int m_offline_armed(void)
{
	int r = hgei_hart_offline(&ha);
	unsigned g;

	for (g = 1; g <= 4; g++)
		CHECK(own[g].revokes == (g != 3), "owner %u revoked %u times", g, own[g].revokes);
	CHECK_EQ(emu_hart_hgeie(&ea), 0);
	CHECK_EQ(ha.free, 0);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&ha, g), "line %u owned after offline", g);
	/* Nothing an old owner does afterwards reaches the hart. */
	CHECK_EQ(hgei_free(&ha, 2, &own[2]), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&ha, 4, &own[4]), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&ha, 1, &own[1]), -HGEI_EINVAL);
	return r;
}

/*
 * Offline with a remote free of line 1 posted: offline revokes first (1, 2 and 4,
 * once each), then answers the request on the emptied hart, where it fails (G4).
 */
static int m_offline_posted(void)
{
	struct rcall c = { .op = R_FREE, .line = 1, .owner = &own[1], .ret = INT_MIN };
	double end = now_ms() + 5000;
	int r;

	if (pthread_create(&c.thread, NULL, rcall_thread, &c))
		abort();
	while (!atomic_load(&ea.kicks) && now_ms() < end)
		sched_yield();
	CHECK(emu_hart_take_kicks(&ea) == 1, "no kick");
	CHECK(!returned(&c, 5), "returned unserved");
	r = hgei_hart_offline(&ha);
	CHECK(returned(&c, 5000), "posted request never answered");
	pthread_join(c.thread, NULL);
	CHECK_EQ(c.ret, -HGEI_EINVAL);
	CHECK(own[1].revokes == 1 && own[2].revokes == 1 && own[4].revokes == 1,
	      "revokes %u %u %u", own[1].revokes, own[2].revokes, own[4].revokes);
	return r;
}

static int m_offline_twice(void)
{
	CHECK_EQ(hgei_hart_offline(&ha), 3);
	return hgei_hart_offline(&ha);
}

struct misuse {
	const char *what;
	int (*call)(void);
	int want;
	uint64_t may;		/* lines of hart A the case is allowed to change */
	unsigned requests;	/* remote requests hart A serves in the case */
	void (*prep)(void);	/* more set-up, before the state is taken */
	bool out;		/* the call has an hgei_line output to clear */
	bool quiet;		/* hart A's counters must not move either */
};

static const struct misuse table[] = {
	{ "double free", m_double_free, -HGEI_EINVAL, .may = 0 },
	{ "double free, any owner", m_double_free_any, -HGEI_EINVAL, .may = 0 },
	{ "free of a line never allocated", m_free_unallocated, -HGEI_EINVAL, .may = 0 },
	{ "free from a foreign owner", m_free_foreign, -HGEI_EINVAL, .may = 0 },
	{ "free by another hart's owner", m_free_other_harts, -HGEI_EINVAL, .may = 0 },
	{ "remote free from a foreign owner", m_free_remote_foreign, -HGEI_EINVAL,
	  .may = 0, .requests = 1 },
	{ "remote free of line 0", m_free_remote_line0, -HGEI_EINVAL, .may = 0, .requests = 1 },
	{ "remote free of line 64", m_free_remote_64, -HGEI_EINVAL, .may = 0, .requests = 1 },
	{ "free of line 0", m_free_line0, -HGEI_EINVAL, .may = 0 },
	{ "free of line 0 by an owner", m_free_line0_owner, -HGEI_EINVAL, .may = 0 },
	{ "free of line n + 1", m_free_above_n, -HGEI_EINVAL, .may = 0 },
	{ "free of line 63", m_free_63, -HGEI_EINVAL, .may = 0 },
	{ "free of line 64", m_free_64, -HGEI_EINVAL, .may = 0 },
	{ "free of line UINT_MAX", m_free_uint_max, -HGEI_EINVAL, .may = 0 },
	/* G2: a former owner cannot touch its successor's line, from near or far. */
	{ "free by a stale owner", m_free_stale, -HGEI_EINVAL, .may = 0, .prep = p_stale },
	{ "remote free by a stale owner", m_free_remote_stale, -HGEI_EINVAL,
	  .may = 0, .requests = 1, .prep = p_stale },
	{ "remote arm by a stale owner", m_arm_remote_stale, -HGEI_EINVAL,
	  .may = 0, .requests = 1, .prep = p_stale },
	{ "remote disarm by a stale owner", m_disarm_remote_stale, -HGEI_EINVAL,
	  .may = 0, .requests = 1, .prep = p_stale },
	{ "alloc for NULL", m_alloc_null, -HGEI_EINVAL, .may = 0, .out = true },
	{ "alloc for the reserved owner", m_alloc_reserved, -HGEI_EINVAL,
	  .may = 0, .out = true },
	{ "remote alloc for NULL", m_alloc_remote_null, -HGEI_EINVAL,
	  .may = 0, .requests = 1, .out = true },
	{ "remote alloc for the reserved owner", m_alloc_remote_reserved, -HGEI_EINVAL,
	  .may = 0, .requests = 1, .out = true },
	{ "alloc on an offline hart", m_alloc_offline, -HGEI_ENODEV,
	  .may = ALL_LINES, .out = true },
	{ "remote alloc on an offline hart", m_alloc_remote_offline, -HGEI_ENODEV,
	  .may = 0, .prep = p_offline, .out = true },
	{ "remote free on an offline hart", m_free_remote_offline, -HGEI_ENODEV,
	  .may = 0, .prep = p_offline },
	{ "remote arm on an offline hart", m_arm_remote_offline, -HGEI_ENODEV,
	  .may = 0, .prep = p_offline },
	{ "remote disarm on an offline hart", m_disarm_remote_offline, -HGEI_ENODEV,
	  .may = 0, .prep = p_offline },
	{ "arm of a foreign line", m_arm_foreign, -HGEI_EINVAL, .may = 0 },
	{ "arm of a freed line", m_arm_free_line, -HGEI_EINVAL, .may = 0 },
	{ "arm of a line never allocated", m_arm_unallocated, -HGEI_EINVAL, .may = 0 },
	{ "arm for NULL", m_arm_null, -HGEI_EINVAL, .may = 0 },
	{ "arm of line 0", m_arm_line0, -HGEI_EINVAL, .may = 0 },
	{ "arm of line n + 1", m_arm_above_n, -HGEI_EINVAL, .may = 0 },
	{ "arm of line 64", m_arm_64, -HGEI_EINVAL, .may = 0 },
	{ "arm by another hart's owner", m_arm_other_harts, -HGEI_EINVAL, .may = 0 },
	{ "remote arm of a foreign line", m_arm_remote_foreign, -HGEI_EINVAL,
	  .may = 0, .requests = 1 },
	{ "remote arm for NULL", m_arm_remote_null, -HGEI_EINVAL, .may = 0, .requests = 1 },
	{ "remote arm of a line never allocated", m_arm_remote_free_line, -HGEI_EINVAL,
	  .may = 0, .requests = 1 },
	{ "disarm of a foreign line", m_disarm_foreign, -HGEI_EINVAL, .may = 0 },
	{ "disarm of a freed line", m_disarm_free_line, -HGEI_EINVAL, .may = 0 },
	{ "remote disarm of a foreign line", m_disarm_remote_foreign, -HGEI_EINVAL,
	  .may = 0, .requests = 1 },
	{ "local free from another hart", m_free_wrong_hart, -HGEI_EPERM, .may = 0 },
	{ "local free from hart B's thread", m_free_from_b, -HGEI_EPERM, .may = 0 },
	{ "local free from a thread with no hart", m_free_no_hart, -HGEI_EPERM, .may = 0 },
	{ "local alloc from another hart", m_alloc_wrong_hart, -HGEI_EPERM,
	  .may = 0, .out = true },
	{ "local arm from another hart", m_arm_wrong_hart, -HGEI_EPERM, .may = 0 },
	{ "local disarm from another hart", m_disarm_wrong_hart, -HGEI_EPERM, .may = 0 },
	{ "offline from another hart", m_offline_wrong_hart, -HGEI_EPERM, .may = 0 },
	{ "init from another hart", m_init_wrong_hart, -HGEI_EPERM, .may = 0 },
	/* Void or a count: they return at once, wake and serve nothing, count nothing. */
	{ "SGEI handler from another hart", m_sgei_wrong_hart, 0, .may = 0, .quiet = true },
	{ "request server from another hart", m_sync_wrong_hart, 0, .may = 0, .quiet = true },
	{ "offline of a hart never online", m_offline_zeroed, -HGEI_ENODEV, .may = 0 },
	{ "init of an online hart", m_init_online, -HGEI_EBUSY, .may = 0 },
	/* Returns the owners woken: 0. Line 4 is freed and masked, nothing else moves. */
	{ "SGEI for a line with no owner", m_sgei_no_owner, 0,
	  .may = 1ULL << 4, .requests = 1 },
	/* Returns the lines revoked (1, 2, 4); hart B must not notice. */
	{ "offline with lines armed", m_offline_armed, 3, .may = ALL_LINES },
	/* Returns the lines revoked (1, 2, 4): the posted free is answered after. */
	{ "offline with a remote free posted", m_offline_posted, 3,
	  .may = ALL_LINES, .requests = 1 },
	{ "offline of an offline hart", m_offline_twice, -HGEI_ENODEV, .may = ALL_LINES },
};

int main(void)
{
	struct hart_state a, b;
	struct hgei_counters ca0, ca1, cb0, cb1;
	unsigned i, g, ka, kb, kx;
	uint64_t da, db;
	int got;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct misuse *m = &table[i];

		setup();
		if (m->prep)
			m->prep();
		take(&ha, &ea, &a);
		take(&hb, &eb, &b);
		hgei_hart_counters(&ha, &ca0);
		hgei_hart_counters(&hb, &cb0);
		emu_hart_take_kicks(&ea);
		emu_hart_take_kicks(&eb);
		emu_hart_take_kicks(&ex);
		memset(&out, 0xa5, sizeof(out));
		got = m->call();
		CHECK(got == m->want, "%s: returned %d, want %d", m->what, got, m->want);
		CHECK(emu_hart_self() == &ea, "%s: left the thread on another hart", m->what);
		da = changed(&a, &ha, &ea, m->may);
		db = changed(&b, &hb, &eb, 0);
		CHECK(!da, "%s: changed hart A lines %#llx", m->what, (unsigned long long)da);
		CHECK(!db, "%s: changed hart B lines %#llx", m->what, (unsigned long long)db);
		/* Served requests took their kick; nothing else may kick anybody. */
		ka = emu_hart_take_kicks(&ea);
		kb = emu_hart_take_kicks(&eb);
		kx = emu_hart_take_kicks(&ex);
		CHECK(!ka && !kb && !kx, "%s: kicked hart A %u, B %u, X %u times", m->what,
		      ka, kb, kx);
		hgei_hart_counters(&ha, &ca1);
		hgei_hart_counters(&hb, &cb1);
		CHECK(ca1.requests - ca0.requests == m->requests, "%s: hart A served %llu "
		      "requests, want %u", m->what,
		      (unsigned long long)(ca1.requests - ca0.requests), m->requests);
		/* No misuse allocates anything; hart B's counters do not move at all. */
		CHECK(ca1.allocs == ca0.allocs, "%s: allocated", m->what);
		CHECK(!memcmp(&cb0, &cb1, sizeof(cb0)), "%s: hart B's counters moved", m->what);
		if (m->quiet || m->want == -HGEI_EPERM)
			CHECK(!memcmp(&ca0, &ca1, sizeof(ca0)), "%s: hart A's counters moved",
			      m->what);
		if (m->out)
			CHECK(!out.line && !out.file_pa && !out.hstatus_vgein,
			      "%s: outputs not cleared", m->what);
		/* Hart B's owners were never woken or revoked by hart A's troubles. */
		CHECK(!own[5].wakes && !own[5].revokes && !own[6].wakes && !own[6].revokes,
		      "%s: hart B's owners called back", m->what);
		for (g = 1; g < 8; g++)
			CHECK(!own[g].off_hart, "%s: owner %u called back off its hart",
			      m->what, g);
		teardown();
	}
	return check_summary("misuse");
}
