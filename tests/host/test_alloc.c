/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Single-threaded tests of every API path and error code, on emulated harts with
 * GEILEN 0, 1, 7 and 63 and devicetree limits below and above the probe. Switching
 * emu_hart_bind() plays "running on another hart".
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"
#include "../../lib/hgei/internal.h"

#define SLOT_PA		0x28000000ULL
#define NR_TOKENS	64

struct token {
	int id;
	unsigned wakes, revokes;
	unsigned last_line;
	uint32_t last_hart;
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

/* Everything a misuse must leave alone. */
struct snap {
	void *owner[HGEI_MAX_LINES + 1];
	uint64_t want, free, hgeie;
};

static void snap_take(struct hgei_hart *h, struct emu_hart *e, struct snap *s)
{
	unsigned g;

	for (g = 0; g <= HGEI_MAX_LINES; g++)
		s->owner[g] = atomic_load(&h->owners[g]);
	s->want = atomic_load(&h->want);
	s->free = atomic_load(&h->free);
	s->hgeie = emu_hart_hgeie(e);
}

#define CHECK_SNAP(h, e, before, what) do {					\
	struct snap __now;							\
	snap_take(h, e, &__now);						\
	CHECK(!memcmp(&__now, before, sizeof(__now)), "%s changed state", what); \
} while (0)

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
	CHECK_EQ(atomic_load(&h.free), mask);
	CHECK_EQ(atomic_load(&h.lines_mask), mask);
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
	CHECK_EQ(atomic_load(&h.free), 0);

	/* Free in reverse; the next alloc takes the lowest again. */
	for (g = n; g >= 1; g--)
		CHECK_EQ(hgei_free(&h, g, tok(g)), 0);
	CHECK_EQ(atomic_load(&h.free), mask);
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
	struct emu_hart e;
	struct hgei_hart h;

	emu_hart_setup(&e, 5, 7);
	emu_hart_bind(&e);
	memset(&h, 0, sizeof(h));
	CHECK_EQ(hgei_hart_init(NULL, 5, 7, SLOT_PA, &ops), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &no_wake), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_offline(&h), -HGEI_ENODEV);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &ops), 7);
	CHECK_EQ(hgei_hart_init(&h, 5, 7, SLOT_PA, &ops), -HGEI_EBUSY);
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
	CHECK_EQ(s.want, 0x14);
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
	emu_hart_bind(&other);
	CHECK_EQ(hgei_arm(&h, 1, tok(2)), -HGEI_EINVAL);
	CHECK_EQ(emu_hart_take_kicks(&e), 0);
	emu_hart_bind(&e);
	CHECK_SNAP(&h, &e, &s, "remote arm of a line one does not own");

	CHECK(!hgei_owner(&h, 0) && !hgei_owner(&h, 3) && !hgei_owner(&h, 64) &&
	      !hgei_owner(&h, 7) && !hgei_owner(&h, UINT_MAX), "owner of a bad line");
	CHECK(hgei_owner(&h, 4) == tok(4), "owner of 4");

	/* An SGEI for a line with no owner: a stale hgeie bit left by a remote free. */
	emu_hart_bind(&other);
	CHECK_EQ(hgei_free(&h, 4, tok(4)), 0);
	emu_hart_bind(&e);
	CHECK_EQ(emu_hart_hgeie(&e), 0x14);
	CHECK_EQ(atomic_load(&h.want), 0x04);
	emu_hart_raise(&e, 1ULL << 4);
	CHECK(emu_hart_sgei_pending(&e), "no SGEI");
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(4)->wakes, 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0x04);	/* line 4 masked, line 2 still armed */
	CHECK_EQ(atomic_load(&h.want), 0x04);
	CHECK(hgei_owner(&h, 1) == tok(1) && hgei_owner(&h, 2) == tok(2), "owners");
	CHECK_EQ(atomic_load(&h.free), 0xf8);
	/* A pending line that is not enabled does not count at all. */
	emu_hart_raise(&e, 1ULL << 5);
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.spurious, 1);
	CHECK_EQ(c.sgei_traps, 2);
	CHECK_EQ(c.dispatches, 0);
	CHECK_EQ(c.free_failures, 8);
	CHECK_EQ(c.alloc_failures, 1);
	emu_hart_lower(&e, ~0ULL);

	/* Offline with lines armed: each owner revoked once, hgeie and want cleared. */
	CHECK_EQ(hgei_arm(&h, 1, tok(1)), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0x06);
	CHECK_EQ(hgei_hart_offline(&h), 2);
	CHECK(tok(1)->revokes == 1 && tok(2)->revokes == 1, "revokes %u %u",
	      tok(1)->revokes, tok(2)->revokes);
	CHECK(tok(3)->revokes == 0 && tok(4)->revokes == 0, "freed lines revoked");
	CHECK(tok(2)->last_line == 2 && tok(2)->last_hart == 20, "revoke arguments");
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK_EQ(atomic_load(&h.want), 0);
	CHECK_EQ(atomic_load(&h.free), 0);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&h, g), "line %u owned after offline", g);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.revokes, 2);

	/* Calls on the offline hart. */
	snap_take(&h, &e, &s);
	CHECK_EQ(hgei_alloc(&h, tok(5), &l), -HGEI_ENODEV);
	CHECK(!l.line && !l.file_pa && !l.hstatus_vgein, "outputs not cleared");
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 1, NULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&h, 2, tok(2)), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&h, 2, tok(2)), -HGEI_EINVAL);
	CHECK_SNAP(&h, &e, &s, "calls on an offline hart");

	/* Back online, and the probe runs again: the hart now reports GEILEN 3. */
	emu_hart_setup(&e, 20, 3);
	CHECK_EQ(hgei_hart_init(&h, 20, 7, SLOT_PA, &ops), 3);
	CHECK_EQ(atomic_load(&h.free), 0x0e);
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_alloc(&h, tok(6), &l), 0);
	CHECK_EQ(l.line, 1);
	CHECK_EQ(hgei_free(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_hart_offline(&h), 1);
	CHECK_EQ(tok(6)->revokes, 1);
}

/* Arm, SGEI, wake: local and remote, one-shot, lowest line first. */
static void test_dispatch(void)
{
	struct emu_hart e, other;
	struct hgei_hart h;
	struct hgei_line l;
	struct hgei_counters c;
	unsigned g;

	reset_tokens();
	emu_hart_setup(&other, 31, 1);
	CHECK_EQ(up(&e, &h, 30, 63, 63), 63);
	for (g = 1; g <= 63; g++)
		CHECK_EQ(hgei_alloc(&h, tok(g), &l), 0);

	/* Local arm: want and hgeie at once, no kick. */
	CHECK_EQ(hgei_arm(&h, 63, tok(63)), 0);
	CHECK_EQ(hgei_arm(&h, 5, tok(5)), 0);
	CHECK_EQ(hgei_arm(&h, 40, tok(40)), 0);
	CHECK_EQ(atomic_load(&h.want), (1ULL << 63) | (1ULL << 40) | (1ULL << 5));
	CHECK_EQ(emu_hart_hgeie(&e), atomic_load(&h.want));
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
	CHECK_EQ(atomic_load(&h.want), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	CHECK(!emu_hart_sgei_pending(&e), "line not masked");
	/* One-shot: the level is still high, but nothing traps until re-armed. */
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(hgei_arm(&h, 5, tok(5)), 0);
	CHECK_EQ(hgei_handle_sgei(&h), 1);
	CHECK_EQ(tok(5)->wakes, 2);
	emu_hart_lower(&e, ~0ULL);

	/* Local disarm clears both. */
	CHECK_EQ(hgei_arm(&h, 6, tok(6)), 0);
	CHECK_EQ(hgei_disarm(&h, 6, tok(6)), 0);
	CHECK_EQ(atomic_load(&h.want), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);

	/* Remote arm: want now, hgeie after the kick's hgei_sync. */
	emu_hart_bind(&other);
	CHECK_EQ(hgei_arm(&h, 9, tok(9)), 0);
	CHECK_EQ(atomic_load(&h.want), 1ULL << 9);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	emu_hart_bind(&e);
	CHECK_EQ(emu_hart_take_kicks(&e), 1);
	hgei_sync(&h);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 9);
	emu_hart_raise(&e, 1ULL << 9);
	CHECK_EQ(hgei_handle_sgei(&h), 1);
	CHECK_EQ(tok(9)->wakes, 1);
	emu_hart_lower(&e, ~0ULL);

	/* Remote disarm: no kick; the stale hgeie bit costs one spurious SGEI. */
	CHECK_EQ(hgei_arm(&h, 10, tok(10)), 0);
	emu_hart_bind(&other);
	CHECK_EQ(hgei_disarm(&h, 10, tok(10)), 0);
	emu_hart_bind(&e);
	CHECK_EQ(emu_hart_take_kicks(&e), 0);
	CHECK_EQ(emu_hart_hgeie(&e), 1ULL << 10);
	emu_hart_raise(&e, 1ULL << 10);
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(10)->wakes, 0);
	CHECK_EQ(emu_hart_hgeie(&e), 0);
	emu_hart_lower(&e, ~0ULL);

	/* hgei_sync also drops bits nobody wants any more. */
	CHECK_EQ(hgei_arm(&h, 11, tok(11)), 0);
	atomic_fetch_and(&h.want, ~(1ULL << 11));
	hgei_sync(&h);
	CHECK_EQ(emu_hart_hgeie(&e), 0);

	/* Free drops the wake request: the next owner does not inherit it. */
	CHECK_EQ(hgei_arm(&h, 12, tok(12)), 0);
	CHECK_EQ(hgei_free(&h, 12, tok(12)), 0);
	CHECK_EQ(atomic_load(&h.want), 0);
	CHECK_EQ(hgei_alloc(&h, tok(0), &l), 0);
	CHECK_EQ(l.line, 12);
	emu_hart_raise(&e, 1ULL << 12);		/* the old hgeie bit is still set */
	CHECK_EQ(hgei_handle_sgei(&h), 0);
	CHECK_EQ(tok(0)->wakes, 0);
	emu_hart_lower(&e, ~0ULL);

	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.allocs, 64);
	CHECK_EQ(c.frees, 1);
	CHECK_EQ(c.alloc_failures, 0);
	CHECK_EQ(c.dispatches, 5);
	CHECK_EQ(c.spurious, 2);	/* lines 10 and 12; 7 was never enabled */
	CHECK_EQ(c.sgei_traps, 6);

	CHECK_EQ(hgei_hart_offline(&h), 63);
	hgei_hart_counters(&h, &c);
	CHECK_EQ(c.revokes, 63);
}

/* A hart with no line still enables SGEI and dispatches nothing. */
static void test_no_lines(void)
{
	struct emu_hart e;
	struct hgei_hart h;
	struct hgei_line l;

	reset_tokens();
	CHECK_EQ(up(&e, &h, 40, 7, 0), 0);
	CHECK(atomic_load(&e.hie) & HGEI_CSR_HIE_SGEIE, "SGEIE off");
	CHECK_EQ(hgei_alloc(&h, tok(1), &l), -HGEI_ENODEV);
	CHECK_EQ(hgei_arm(&h, 1, tok(1)), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&h, 1, NULL), -HGEI_EINVAL);
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
	test_dispatch();
	test_no_lines();
	return check_summary("alloc");
}
