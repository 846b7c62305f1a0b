/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Single-threaded tests of every API path and error code, on emulated harts with
 * GEILEN 0, 1, 7 and 63 and devicetree limits below and above the probe. Switching
 * emu_hart_bind() plays "running on another hart". A remote call needs its target
 * hart to serve it, so remote calls are made from a helper thread bound to the
 * calling hart while the test thread, bound to the target, decides when it serves.
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

#define SLOT_PA		0x28000000ULL
#define NR_TOKENS	80

struct token {
	int id;
	unsigned wakes, revokes;
	unsigned last_line;
	uint32_t last_hart;
	bool unmasked;		/* revoke ran off its hart or with interrupts enabled */
};

static struct token tokens[NR_TOKENS];

/* Order of wake callbacks, to check lowest line first. */
static unsigned wake_order[HGEI_MAX_LINES + 1], nr_wakes;

static void on_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct token *t = owner;

	t->wakes++;
	t->last_line = line;
	t->last_hart = hartid;
	if (nr_wakes <= HGEI_MAX_LINES)
		wake_order[nr_wakes++] = line;
}

static void on_revoke(void *owner, uint32_t hartid, unsigned line)
{
	struct token *t = owner;

	t->revokes++;
	t->last_line = line;
	t->last_hart = hartid;
	/* hgei.h: revoke runs on the hart going offline, interrupts masked. */
	if (!emu_irqs_masked() || !emu_hart_self() || emu_hart_self()->hartid != hartid)
		t->unmasked = true;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

static struct token *tok(int i)
{
	return &tokens[i];
}

static void reset_tokens(void)
{
	int i;

	memset(tokens, 0, sizeof(tokens));
	for (i = 0; i < NR_TOKENS; i++)
		tokens[i].id = i;
	nr_wakes = 0;
}

/* Brings up emulated hart @hartid as the calling thread's hart. */
static int up(struct emu_hart *e, struct hgei_hart *h, uint32_t hartid, unsigned geilen,
	      unsigned dt_limit)
{
	emu_hart_setup(e, hartid, geilen);
	emu_hart_bind(e);
	memset(h, 0, sizeof(*h));
	return hgei_hart_init(h, hartid, dt_limit, SLOT_PA + hartid * 0x10000ULL, &ops);
}

/* Everything a misuse must leave alone: the hart's lines and its hgeie (the arm state). */
struct snap {
	void *owner[HGEI_MAX_LINES + 1];
	uint64_t free, hgeie;
};

static void snap_take(struct hgei_hart *h, struct emu_hart *e, struct snap *s)
{
	unsigned g;

	memset(s, 0, sizeof(*s));
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		s->owner[g] = atomic_load(&h->owners[g]);
	s->free = h->free;
	s->hgeie = emu_hart_hgeie(e);
}

#define CHECK_SNAP(h, e, before, what) do {					\
	struct snap __now;							\
	snap_take(h, e, &__now);						\
	CHECK(!memcmp(&__now, before, sizeof(__now)), "%s changed state", what); \
} while (0)

/* ---- remote calls from a helper thread ---------------------------------------- */

enum rop { R_ALLOC, R_FREE, R_ARM, R_DISARM };

struct rcall {
	pthread_t thread;
	struct emu_hart *from;
	struct hgei_hart *h;
	enum rop op;
	unsigned line;
	void *owner;
	struct hgei_line out;
	int ret;
	_Atomic bool done;
};

static void *rcall_thread(void *arg)
{
	struct rcall *c = arg;

	emu_hart_bind(c->from);
	switch (c->op) {
	case R_ALLOC:
		c->ret = hgei_remote_alloc(c->h, c->owner, &c->out);
		break;
	case R_FREE:
		c->ret = hgei_remote_free(c->h, c->line, c->owner);
		break;
	case R_ARM:
		c->ret = hgei_remote_arm(c->h, c->line, c->owner);
		break;
	case R_DISARM:
		c->ret = hgei_remote_disarm(c->h, c->line, c->owner);
		break;
	}
	atomic_store(&c->done, true);
	return NULL;
}

static void rcall_start(struct rcall *c, struct emu_hart *from, struct hgei_hart *h,
			enum rop op, unsigned line, void *owner)
{
	c->from = from;
	c->h = h;
	c->op = op;
	c->line = line;
	c->owner = owner;
	c->ret = INT_MIN;
	memset(&c->out, 0xa5, sizeof(c->out));	/* so a failure must clear it */
	atomic_store(&c->done, false);
	if (pthread_create(&c->thread, NULL, rcall_thread, c))
		abort();
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Up to @ms for the call to return; false: it was still waiting after @ms. */
static bool rcall_returned(struct rcall *c, unsigned ms)
{
	double end = now_ms() + ms;

	while (!atomic_load(&c->done) && now_ms() < end)
		sched_yield();
	return atomic_load(&c->done);
}

/* Ends the helper thread; one that never returns is left behind (a failure anyway). */
static int rcall_end(struct rcall *c, struct hgei_line *out)
{
	if (!rcall_returned(c, 5000)) {
		CHECK(0, "remote call op %d line %u never returned", c->op, c->line);
		pthread_detach(c->thread);
		return INT_MIN;
	}
	pthread_join(c->thread, NULL);
	if (out)
		*out = c->out;
	return c->ret;
}

static bool kicked(struct emu_hart *e, unsigned ms)
{
	double end = now_ms() + ms;

	while (!atomic_load(&e->kicks) && now_ms() < end)
		sched_yield();
	return atomic_load(&e->kicks) != 0;
}

/* Waits up to @ms for a second request to be pushed on top of @first. */
static bool pushed_over(struct hgei_hart *h, struct hgei_req *first, unsigned ms)
{
	double end = now_ms() + ms;

	while (atomic_load(&h->reqs) == first && now_ms() < end)
		sched_yield();
	return atomic_load(&h->reqs) != first;
}

/*
 * A remote call from hart @from to @h, served by the calling thread (bound to @e, the
 * hart of @h): it must kick @e once and wait, and the hart's state must not move
 * until hgei_sync() serves it on @e. Returns the call's result.
 */
static int served(struct emu_hart *from, struct emu_hart *e, struct hgei_hart *h,
		  enum rop op, unsigned line, void *owner, struct hgei_line *out)
{
	struct hgei_counters c0, c1;
	struct rcall c;
	struct snap before;

	hgei_hart_counters(h, &c0);
	snap_take(h, e, &before);
	rcall_start(&c, from, h, op, line, owner);
	CHECK(kicked(e, 5000), "remote op %d never kicked hart %u", op, e->hartid);
	CHECK(!rcall_returned(&c, 5), "remote op %d returned before it was served", op);
	CHECK_SNAP(h, e, &before, "a posted, unserved request");
	CHECK_EQ(emu_hart_take_kicks(e), 1);
	hgei_sync(h);
	hgei_hart_counters(h, &c1);
	CHECK_EQ(c1.requests, c0.requests + 1);
	return rcall_end(&c, out);
}

/* A remote call that must fail at once, unserved (an offline hart): no kick, no count. */
static int at_once(struct emu_hart *from, struct emu_hart *e, struct hgei_hart *h,
		   enum rop op, unsigned line, void *owner, struct hgei_line *out)
{
	struct hgei_counters c0, c1;
	struct rcall c;
	int ret;

	hgei_hart_counters(h, &c0);
	rcall_start(&c, from, h, op, line, owner);
	ret = rcall_end(&c, out);
	CHECK_EQ(emu_hart_take_kicks(e), 0);
	hgei_hart_counters(h, &c1);
	CHECK(!memcmp(&c0, &c1, sizeof(c0)), "an unserved remote op %d counted", op);
	return ret;
}

static void test_bit_index(void)
{
	uint64_t x;
	unsigned i;

	for (i = 0; i < 64; i++) {
		CHECK_EQ(hgei_bit_index(1ULL << i), i);
		x = (1ULL << i) | (i < 63 ? ~0ULL << (i + 1) & 0x5a5a5a5a5a5a5a5aULL : 0);
		CHECK_EQ(hgei_ctz(x), i);
	}
}

/* GEILEN x devicetree limit: probe, lines, figures, allocation order, exhaustion. */
static void test_geometry(unsigned geilen, unsigned dt_limit)
{
	struct emu_hart e;
	struct hgei_hart h;
	struct hgei_line l;
	struct hgei_figures f0, f;
	unsigned n = geilen < dt_limit ? geilen : dt_limit, g;
	uint64_t mask = n ? (~0ULL >> (64 - n)) << 1 : 0;
	int ret;

	reset_tokens();
	hgei_get_figures(&f0);
	CHECK_EQ(f0.online_harts, 0);
	ret = up(&e, &h, 3, geilen, dt_limit);
	CHECK(ret == (int)n, "geilen %u dt %u: init %d", geilen, dt_limit, ret);
	CHECK_EQ(h.geilen, geilen);
	CHECK_EQ(h.nr_lines, n);
	CHECK_EQ(h.free, mask);
	CHECK_EQ(h.lines_mask, mask);
	CHECK(atomic_load(&e.hie) & HGEI_CSR_HIE_SGEIE, "SGEIE off with %u lines", n);
	CHECK_EQ(emu_hart_hgeie(&e), 0);

	hgei_get_figures(&f);
	CHECK_EQ(f.online_harts, 1);
	CHECK_EQ(f.min_lines, n);
	CHECK_EQ(f.max_lines, n);
	CHECK_EQ(f.total_lines, n);

	for (g = 1; g <= n; g++) {
		ret = hgei_alloc(&h, tok(g), &l);
		CHECK_EQ(ret, 0);
		CHECK_EQ(l.line, g);
		CHECK_EQ(l.hstatus_vgein, (uint64_t)g << 12);
		CHECK_EQ(l.file_pa, h.slot_pa + g * 0x1000ULL);
		CHECK(hgei_owner(&h, g) == tok(g), "owner of %u", g);
	}
	memset(&l, 0xa5, sizeof(l));
	ret = hgei_alloc(&h, tok(0), &l);
	CHECK_EQ(ret, n ? -HGEI_ENOSPC : -HGEI_ENODEV);
	CHECK(!l.line && !l.hstatus_vgein && !l.file_pa, "outputs not cleared");
	CHECK_EQ(h.free, 0);

	/* Free in reverse; the next alloc takes the lowest again. */
	for (g = n; g >= 1; g--)
		CHECK_EQ(hgei_free(&h, g, tok(g)), 0);
	CHECK_EQ(h.free, mask);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&h, g), "line %u still owned", g);
	if (n) {
		CHECK_EQ(hgei_alloc(&h, tok(9), &l), 0);
		CHECK_EQ(l.line, 1);
		CHECK_EQ(hgei_free(&h, 1, NULL), 0);
	}

	CHECK_EQ(hgei_hart_offline(&h), 0);
	hgei_get_figures(&f);
	CHECK_EQ(f.online_harts, 0);
	CHECK_EQ(f.total_lines, 0);
}

static void test_probe(void)
{
	struct emu_hart e;
	struct hgei_hart h;

	/* The QEMU readback for aia-guests = 7. */
	emu_hart_setup_mask(&e, 4, 0xfe);
	emu_hart_bind(&e);
	memset(&h, 0, sizeof(h));
	atomic_store(&e.hgeie, 0x6);	/* junk left by earlier firmware */
	CHECK_EQ(hgei_hart_init(&h, 4, 63, SLOT_PA, &ops), 7);
	CHECK_EQ(emu_hart_hgeie(&e), 0);	/* nothing is armed yet */
	CHECK_EQ(hgei_hart_offline(&h), 0);

	/* Holes: only the contiguous run from bit 1 counts, and the log says so. */
	emu_log_clear();
	emu_log_capture(true);
	emu_hart_setup_mask(&e, 4, 0xf6);
	memset(&h, 0, sizeof(h));
	CHECK_EQ(hgei_hart_init(&h, 4, 63, SLOT_PA, &ops), 2);
	CHECK(emu_log_contains("hart 4: hgeie readback 0xf6 has holes"), "no hole log");
	CHECK(emu_log_contains("hart 4: GEILEN 2, devicetree 63, 2 lines"), "no init log");
	CHECK_EQ(hgei_hart_offline(&h), 0);
	CHECK(emu_log_contains("hart 4: offline, 0 lines revoked"), "no offline log");
	emu_log_capture(false);
	emu_log_clear();
}

static void test_init_errors(void)
{
	static const struct hgei_ops no_wake = { .revoke = on_revoke };
	struct emu_hart e, zero, other;
	struct hgei_hart h;

	/*
	 * A struct never brought online: offline finds it so. Asked on hart 0, the hart
	 * a zeroed struct names, since the host build's wrong-hart check runs first.
	 */
	emu_hart_setup(&zero, 0, 7);
	emu_hart_bind(&zero);
	memset(&h, 0, sizeof(h));
	CHECK_EQ(hgei_hart_offline(&h), -HGEI_ENODEV);

	emu_hart_setup(&e, 5, 7);
	emu_hart_setup(&other, 6, 7);
	emu_hart_bind(&e);
	CHECK_EQ(hgei_hart_init(NULL, 5, 7, SLOT_PA, &ops), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &no_wake), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &ops), 7);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &ops), -HGEI_EBUSY);
	/* Only the hart itself takes itself offline. */
	emu_hart_bind(&other);
	CHECK_EQ(hgei_hart_offline(&h), -HGEI_EPERM);
	emu_hart_bind(&e);
	CHECK(h.online, "offline from another hart took it down");
	CHECK_EQ(hgei_hart_offline(&h), 0);
	CHECK_EQ(hgei_hart_offline(&h), -HGEI_ENODEV);
}

static void test_figures(void)
{
	struct emu_hart e[4];
	struct hgei_hart h[4];
	struct hgei_figures f;

	/* Harts with 3, 7, 0 and 63 lines. */
	CHECK_EQ(up(&e[0], &h[0], 10, 7, 3), 3);
	CHECK_EQ(up(&e[1], &h[1], 11, 7, 9), 7);
	CHECK_EQ(up(&e[2], &h[2], 12, 0, 9), 0);
	CHECK_EQ(up(&e[3], &h[3], 13, 63, 63), 63);
	hgei_get_figures(&f);
	CHECK_EQ(f.online_harts, 4);
	CHECK_EQ(f.min_lines, 0);
	CHECK_EQ(f.max_lines, 63);
	CHECK_EQ(f.total_lines, 73);

	emu_hart_bind(&e[2]);
	CHECK_EQ(hgei_hart_offline(&h[2]), 0);
	emu_hart_bind(&e[3]);
	CHECK_EQ(hgei_hart_offline(&h[3]), 0);
	hgei_get_figures(&f);
	CHECK_EQ(f.online_harts, 2);
	CHECK_EQ(f.min_lines, 3);
	CHECK_EQ(f.max_lines, 7);
	CHECK_EQ(f.total_lines, 10);

	emu_hart_bind(&e[0]);
	CHECK_EQ(hgei_hart_offline(&h[0]), 0);
	emu_hart_bind(&e[1]);
	CHECK_EQ(hgei_hart_offline(&h[1]), 0);
	hgei_get_figures(&f);
	CHECK(f.online_harts == 0 && f.min_lines == 0 && f.max_lines == 0 &&
	      f.total_lines == 0, "figures not back to zero");
}

/* The misuse table: each call returns its code and changes nothing at all. */
static void test_misuse(void)
{
	struct emu_hart e, other;
	struct hgei_hart h;
	struct hgei_line l;
	struct hgei_counters c;
	struct snap s;
	unsigned g;

	reset_tokens();
	emu_hart_setup(&other, 21, 7);
	CHECK_EQ(up(&e, &h, 20, 7, 7), 7);
	for (g = 1; g <= 4; g++)
		CHECK_EQ(hgei_alloc(&h, tok(g), &l), 0);
	CHECK_EQ(hgei_arm(&h, 2, tok(2)), 0);
	CHECK_EQ(hgei_arm(&h, 4, tok(4)), 0);
	CHECK_EQ(hgei_free(&h, 3, tok(3)), 0);	/* 3 is free, 1/2/4 owned, 2/4 armed */
	snap_take(&h, &e, &s);
	CHECK_EQ(s.hgeie, 0x14);
	CHECK_EQ(s.free, 0xe8);

	CHECK_EQ(hgei_free(&h, 3, tok(3)), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "double free");
	CHECK_EQ(hgei_free(&h, 3, NULL), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "double free, any owner");
	CHECK_EQ(hgei_free(&h, 2, tok(1)), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "free by a foreign owner");
	CHECK_EQ(hgei_free(&h, 0, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 0, NULL), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "free of line 0");
	CHECK_EQ(hgei_free(&h, 8, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 64, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, UINT_MAX, tok(1)), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "free above n");

	CHECK_EQ(hgei_alloc(&h, NULL, &l), -HGEI_EINVAL);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
	CHECK_SNAP(&h, &e, &s, "alloc for NULL");

	CHECK_EQ(hgei_arm(&h, 1, tok(2)), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 3, tok(3)), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 1, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 0, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 9, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 64, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&h, 2, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&h, 3, tok(3)), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&h, 0, NULL), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "arm/disarm of a line one does not own");

	/* Local calls from another hart are refused before they look at anything, even
	 * ones that would succeed on the hart itself; nobody is kicked. */
	emu_hart_bind(&other);
	CHECK_EQ(hgei_arm(&h, 1, tok(1)), -HGEI_EPERM);
	CHECK_EQ(hgei_disarm(&h, 2, tok(2)), -HGEI_EPERM);
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EPERM);
	CHECK_EQ(hgei_hart_offline(&h), -HGEI_EPERM);
	emu_hart_bind(&e);
	CHECK_EQ(emu_hart_take_kicks(&e), 0);
	CHECK_EQ(emu_hart_take_kicks(&other), 0);
	CHECK_SNAP(&h, &e, &s, "local calls from another hart");
	CHECK(h.online, "offline from another hart took the hart down");

	/* Remote calls are checked where they are served, by the local rules. */
	CHECK_EQ(served(&other, &e, &h, R_ARM, 1, tok(2), NULL), -HGEI_EINVAL);
	CHECK_EQ(served(&other, &e, &h, R_DISARM, 3, tok(3), NULL), -HGEI_EINVAL);
	CHECK_EQ(served(&other, &e, &h, R_FREE, 2, tok(1), NULL), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "remote calls on lines one does not own");

	CHECK(!hgei_owner(&h, 0) && !hgei_owner(&h, 3) && !hgei_owner(&h, 64) &&
	      !hgei_owner(&h, 7) && !hgei_owner(&h, UINT_MAX), "owner of a bad line");
	CHECK(hgei_owner(&h, 4) == tok(4), "owner of 4");

	/* A remote free disarms: an MSI for the freed line does not trap any more. */
	CHECK_EQ(served(&other, &e, &h, R_FREE, 4, tok(4), NULL), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0x04);	/* line 4 disarmed, line 2 still armed */
	CHECK(!hgei_owner(&h, 4), "line 4 still owned");
	emu_hart_raise(&e, 1ULL << 4);
	CHECK(!emu_hart_sgei_pending(&e), "SGEI for a freed line");
	/* Only a port that writes hgeie behind the library's back can make an SGEI for
	 * a line with no owner: nobody is woken, the line is masked, counted spurious. */
	atomic_fetch_or(&e.hgeie, 1ULL << 4);
	CHECK(emu_hart_sgei_pending(&e), "no SGEI");
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(4)->wakes, 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0x04);	/* line 4 masked, line 2 still armed */
	CHECK(hgei_owner(&h, 1) == tok(1) && hgei_owner(&h, 2) == tok(2), "owners");
	CHECK_EQ(h.free, 0xf8);
	/* A pending line that is not enabled does not count at all. */
	emu_hart_raise(&e, 1ULL << 5);
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.spurious, 1);
	CHECK_EQ(c.sgei_traps, 2);
	CHECK_EQ(c.dispatches, 0);
	CHECK_EQ(c.allocs, 4);
	CHECK_EQ(c.frees, 2);
	CHECK_EQ(c.free_failures, 9);		/* 8 local, 1 remote; not the EPERM one */
	CHECK_EQ(c.alloc_failures, 1);
	CHECK_EQ(c.requests, 4);
	emu_hart_lower(&e, ~0ULL);

	/* Offline with lines armed: each owner revoked once, on the hart, masked. */
	CHECK_EQ(hgei_arm(&h, 1, tok(1)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0x06);
	CHECK_EQ(hgei_hart_offline(&h), 2);
	CHECK(tok(1)->revokes == 1 && tok(2)->revokes == 1, "revokes %u %u",
	      tok(1)->revokes, tok(2)->revokes);
	CHECK(tok(3)->revokes == 0 && tok(4)->revokes == 0, "freed lines revoked");
	CHECK(tok(2)->last_line == 2 && tok(2)->last_hart == 20, "revoke arguments");
	CHECK(!tok(1)->unmasked && !tok(2)->unmasked, "revoke off its hart or unmasked");
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK_EQ(h.free, 0);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&h, g), "line %u owned after offline", g);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.revokes, 2);

	/* Calls on the offline hart: local ones find nothing, remote ones are refused at
	 * once without a kick (nobody would serve them). */
	snap_take(&h, &e, &s);
	CHECK_EQ(hgei_alloc(&h, tok(5), &l), -HGEI_ENODEV);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 1, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 2, tok(2)), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&h, 2, tok(2)), -HGEI_EINVAL);
	CHECK_EQ(at_once(&other, &e, &h, R_ALLOC, 0, tok(5), &l), -HGEI_ENODEV);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "remote outputs not cleared");
	CHECK_EQ(at_once(&other, &e, &h, R_FREE, 1, tok(1), NULL), -HGEI_ENODEV);
	CHECK_EQ(at_once(&other, &e, &h, R_ARM, 2, tok(2), NULL), -HGEI_ENODEV);
	CHECK_EQ(at_once(&other, &e, &h, R_DISARM, 2, tok(2), NULL), -HGEI_ENODEV);
	CHECK_SNAP(&h, &e, &s, "calls on an offline hart");

	/* Back online, and the probe runs again: the hart now reports GEILEN 3. Remote
	 * calls are served again; counters go on from the last online period. */
	emu_hart_setup(&e, 20, 3);
	CHECK_EQ(hgei_hart_init(&h, 20, 7, SLOT_PA, &ops), 3);
	CHECK_EQ(h.free, 0x0e);
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_alloc(&h, tok(6), &l), 0);
	CHECK_EQ(l.line, 1);
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(served(&other, &e, &h, R_ALLOC, 0, tok(7), &l), 0);
	CHECK_EQ(l.line, 2);
	CHECK_EQ(l.file_pa, SLOT_PA + 2 * 0x1000ULL);
	CHECK(hgei_owner(&h, 2) == tok(7), "remote alloc's owner");
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.requests, 5);
	CHECK_EQ(c.allocs, 6);
	CHECK_EQ(hgei_hart_offline(&h), 2);
	CHECK_EQ(tok(6)->revokes, 1);
	CHECK_EQ(tok(7)->revokes, 1);
}

/*
 * Offline revokes first, then closes the hart and answers what was posted before
 * (G4): those requests meet the emptied hart and fail, so nothing they ask for
 * outlives the revokes; what is posted afterwards fails at once.
 */
static void test_offline_posted(void)
{
	struct emu_hart e, other, third;
	struct hgei_hart h;
	struct hgei_line l;
	struct hgei_counters c;
	struct rcall a, f;
	struct hgei_req *first;
	unsigned g;
	int ret;

	reset_tokens();
	emu_hart_setup(&other, 23, 7);
	emu_hart_setup(&third, 24, 7);
	CHECK_EQ(up(&e, &h, 22, 7, 7), 7);
	CHECK_EQ(hgei_alloc(&h, tok(1), &l), 0);
	CHECK_EQ(hgei_alloc(&h, tok(2), &l), 0);
	CHECK_EQ(hgei_arm(&h, 2, tok(2)), 0);

	/* A remote free of line 1, then a remote alloc, both posted, neither served. */
	rcall_start(&f, &other, &h, R_FREE, 1, tok(1));
	CHECK(kicked(&e, 5000), "remote free never kicked");
	first = atomic_load(&h.reqs);
	rcall_start(&a, &third, &h, R_ALLOC, 0, tok(3));
	CHECK(pushed_over(&h, first, 5000), "remote alloc never posted");
	CHECK(!rcall_returned(&f, 5) && !rcall_returned(&a, 0), "returned unserved");
	ret = hgei_hart_offline(&h);
	CHECK_EQ(ret, 2);
	CHECK(tok(1)->revokes == 1 && tok(2)->revokes == 1, "revokes %u %u",
	      tok(1)->revokes, tok(2)->revokes);
	/* Answered on the emptied hart: line 1 is nobody's, and there is no line left. */
	CHECK_EQ(rcall_end(&f, NULL), -HGEI_EINVAL);
	CHECK_EQ(rcall_end(&a, &l), -HGEI_ENODEV);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
	CHECK_EQ(tok(3)->revokes, 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&h, g), "line %u owned after offline", g);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.requests, 2);
	CHECK_EQ(c.revokes, 2);
	CHECK_EQ(c.allocs, 2);
	CHECK_EQ(c.frees, 0);
	CHECK_EQ(c.free_failures, 1);
	CHECK_EQ(c.alloc_failures, 1);
	CHECK_EQ(emu_hart_take_kicks(&e), 1);	/* the one kick nobody needed in the end */
	/* A request posted after it is refused at once; the revoke has run by then (G1). */
	CHECK_EQ(at_once(&other, &e, &h, R_FREE, 2, tok(2), NULL), -HGEI_ENODEV);
	CHECK_EQ(tok(2)->revokes, 1);
}

/* Arm, SGEI, wake: local and remote, one-shot, lowest line first. */
static void test_dispatch(void)
{
	struct emu_hart e, other, third;
	struct hgei_hart h;
	struct hgei_line l, l2;
	struct hgei_counters c;
	struct rcall r1, r2;
	struct hgei_req *first;
	uint64_t writes;
	unsigned g;

	reset_tokens();
	emu_hart_setup(&other, 31, 1);
	emu_hart_setup(&third, 32, 1);
	CHECK_EQ(up(&e, &h, 30, 63, 63), 63);
	for (g = 1; g <= 63; g++)
		CHECK_EQ(hgei_alloc(&h, tok(g), &l), 0);

	/* Local arm: hgeie at once, no kick. */
	CHECK_EQ(hgei_arm(&h, 63, tok(63)), 0);
	CHECK_EQ(hgei_arm(&h, 5, tok(5)), 0);
	CHECK_EQ(hgei_arm(&h, 40, tok(40)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), (1ULL << 63) | (1ULL << 40) | (1ULL << 5));
	CHECK_EQ(emu_hart_take_kicks(&e), 0);
	CHECK(!emu_hart_sgei_pending(&e), "SGEI with nothing pending");

	emu_hart_raise(&e, (1ULL << 63) | (1ULL << 5) | (1ULL << 40) | (1ULL << 7));
	CHECK(emu_hart_sgei_pending(&e), "no SGEI");
	CHECK_EQ(hgei_handle_sgei(&h), 3);
	CHECK_EQ(nr_wakes, 3);
	CHECK(wake_order[0] == 5 && wake_order[1] == 40 && wake_order[2] == 63,
	      "wake order %u %u %u", wake_order[0], wake_order[1], wake_order[2]);
	CHECK(tok(63)->wakes == 1 && tok(63)->last_hart == 30 && tok(63)->last_line == 63,
	      "wake arguments");
	CHECK_EQ(tok(7)->wakes, 0);		/* pending, never armed */
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK(!emu_hart_sgei_pending(&e), "line not masked");
	/* One-shot: the level is still high, but nothing traps until re-armed. */
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(hgei_arm(&h, 5, tok(5)), 0);
	CHECK_EQ(hgei_handle_sgei(&h), 1);
	CHECK_EQ(tok(5)->wakes, 2);
	emu_hart_lower(&e, ~0ULL);

	/* Local disarm clears the bit. */
	CHECK_EQ(hgei_arm(&h, 6, tok(6)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 6);
	CHECK_EQ(hgei_disarm(&h, 6, tok(6)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);

	/* Remote arm: nothing until the hart serves it, then hgeie, then one wake. */
	CHECK_EQ(served(&other, &e, &h, R_ARM, 9, tok(9), NULL), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 9);
	emu_hart_raise(&e, 1ULL << 9);
	CHECK_EQ(hgei_handle_sgei(&h), 1);
	CHECK_EQ(tok(9)->wakes, 1);
	CHECK_EQ(tok(9)->last_hart, 30);
	emu_hart_lower(&e, ~0ULL);

	/* Remote disarm: served like the rest, so no bit is left behind to trap. */
	CHECK_EQ(hgei_arm(&h, 10, tok(10)), 0);
	CHECK_EQ(served(&other, &e, &h, R_DISARM, 10, tok(10), NULL), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	emu_hart_raise(&e, 1ULL << 10);
	CHECK(!emu_hart_sgei_pending(&e), "SGEI after a remote disarm");
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(10)->wakes, 0);
	emu_hart_lower(&e, ~0ULL);

	/* hgei_sync with nothing posted (a late or stray kick) touches nothing. */
	CHECK_EQ(hgei_arm(&h, 11, tok(11)), 0);
	writes = atomic_load(&e.hgeie_writes);
	hgei_sync(&h);
	CHECK_EQ(atomic_load(&e.hgeie_writes), writes);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 11);

	/* A remote call on the hart's own thread is the local call: no kick, no request. */
	CHECK_EQ(hgei_remote_disarm(&h, 11, tok(11)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK_EQ(hgei_remote_arm(&h, 11, tok(12)), -HGEI_EINVAL);
	CHECK_EQ(hgei_remote_arm(&h, 11, tok(11)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 11);
	CHECK_EQ(emu_hart_take_kicks(&e), 0);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.requests, 2);
	CHECK_EQ(hgei_disarm(&h, 11, tok(11)), 0);

	/* Free disarms: the next owner does not inherit the wake request. */
	CHECK_EQ(hgei_arm(&h, 12, tok(12)), 0);
	CHECK_EQ(hgei_free(&h, 12, tok(12)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK_EQ(hgei_alloc(&h, tok(0), &l), 0);
	CHECK_EQ(l.line, 12);
	emu_hart_raise(&e, 1ULL << 12);
	CHECK(!emu_hart_sgei_pending(&e), "the new owner inherited the arm");
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(0)->wakes, 0);
	CHECK_EQ(tok(12)->wakes, 0);
	emu_hart_lower(&e, ~0ULL);

	/* G1: an armed line with its interrupt pending, freed from another hart before
	 * the SGEI is taken: once the free has returned, no wake comes. */
	CHECK_EQ(hgei_arm(&h, 13, tok(13)), 0);
	emu_hart_raise(&e, 1ULL << 13);
	CHECK(emu_hart_sgei_pending(&e), "no SGEI");
	CHECK_EQ(served(&other, &e, &h, R_FREE, 13, tok(13), NULL), 0);
	CHECK(!emu_hart_sgei_pending(&e), "SGEI for a line freed remotely");
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(13)->wakes, 0);
	emu_hart_lower(&e, ~0ULL);

	/* Two harts post while the hart is busy: only the first kicks, the second rides
	 * on it, and one hgei_sync serves both, oldest first (lowest line to it). */
	CHECK_EQ(hgei_free(&h, 14, tok(14)), 0);
	CHECK_EQ(hgei_remote_free(&h, 15, tok(15)), 0);	/* on its own hart: local */
	rcall_start(&r1, &other, &h, R_ALLOC, 0, tok(70));
	CHECK(kicked(&e, 5000), "first remote alloc never kicked");
	first = atomic_load(&h.reqs);
	rcall_start(&r2, &third, &h, R_ALLOC, 0, tok(71));
	CHECK(pushed_over(&h, first, 5000), "second remote alloc never posted");
	CHECK(!rcall_returned(&r1, 5) && !rcall_returned(&r2, 0), "returned unserved");
	CHECK_EQ(emu_hart_take_kicks(&e), 1);
	hgei_sync(&h);
	CHECK_EQ(rcall_end(&r1, &l), 0);
	CHECK_EQ(rcall_end(&r2, &l2), 0);
	CHECK_EQ(l.line, 13);
	CHECK_EQ(l2.line, 14);
	CHECK(hgei_owner(&h, 13) == tok(70) && hgei_owner(&h, 14) == tok(71), "owners");
	CHECK_EQ(emu_hart_take_kicks(&e), 0);

	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.allocs, 66);		/* 63, line 12 again, lines 13 and 14 remotely */
	CHECK_EQ(c.frees, 4);		/* 12, 13, 14, 15 */
	CHECK_EQ(c.alloc_failures, 0);
	CHECK_EQ(c.free_failures, 0);
	CHECK_EQ(c.dispatches, 5);
	CHECK_EQ(c.spurious, 0);	/* free disarms: no stale bit ever traps */
	CHECK_EQ(c.sgei_traps, 7);
	CHECK_EQ(c.requests, 5);	/* arm 9, disarm 10, free 13, two allocs */

	CHECK_EQ(hgei_hart_offline(&h), 62);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.revokes, 62);
	CHECK_EQ(tok(15)->revokes, 0);
	CHECK(tok(70)->revokes == 1 && tok(70)->last_line == 13, "remote alloc not revoked");
	CHECK(tok(71)->revokes == 1 && tok(71)->last_line == 14, "remote alloc not revoked");
}

/* A hart with no line still enables SGEI and dispatches nothing. */
static void test_no_lines(void)
{
	struct emu_hart e, other;
	struct hgei_hart h;
	struct hgei_line l;

	reset_tokens();
	emu_hart_setup(&other, 41, 1);
	CHECK_EQ(up(&e, &h, 40, 7, 0), 0);
	CHECK(atomic_load(&e.hie) & HGEI_CSR_HIE_SGEIE, "SGEIE off");
	CHECK_EQ(hgei_alloc(&h, tok(1), &l), -HGEI_ENODEV);
	CHECK_EQ(hgei_arm(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 1, NULL), -HGEI_EINVAL);
	/* Online with no line: remote calls are served, and find none either. */
	CHECK_EQ(served(&other, &e, &h, R_ALLOC, 0, tok(1), &l), -HGEI_ENODEV);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
	hgei_sync(&h);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(hgei_hart_offline(&h), 0);
}

int main(void)
{
	static const unsigned geilens[] = { 0, 1, 7, 63 };
	static const unsigned limits[] = { 0, 1, 3, 7, 8, 62, 63, 64, 255 };
	unsigned i, j;

	test_bit_index();
	for (i = 0; i < sizeof(geilens) / sizeof(geilens[0]); i++)
		for (j = 0; j < sizeof(limits) / sizeof(limits[0]); j++)
			test_geometry(geilens[i], limits[j]);
	test_probe();
	test_init_errors();
	test_figures();
	test_misuse();
	test_offline_posted();
	test_dispatch();
	test_no_lines();
	return check_summary("alloc");
}
