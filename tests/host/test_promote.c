/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hgei_promote() and hgei_demote() on emulated harts with emulated guest files, in the
 * style of test_move.c: the steps run on the right hart in hgei_move()'s order; the
 * owner's device sends one more MSI between every two steps (before and after each
 * run_on, at each stall point between the software file's steps, one in flight to
 * the old file during the redirect, one at the start of the forward) and every one
 * ends up pending exactly once in the file the owner has when the call returns; the
 * configuration is carried both ways; every failure leaves the software file (or the
 * old line) as it was.
 */
#include <string.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"
#include "hgei_port.h"
#include "hgei_swfile.h"
#include "../../lib/hgei/internal.h"

#define SLOT_A		0x28000000ULL
#define SLOT_B		0x28008000ULL
#define ENABLED		0x00ff00ff00ff00feULL	/* identities the guest enabled */

struct emu_file {
	uint64_t eie, eip, on, thr;
};

static struct emu_hart ha, hb;
static struct hgei_hart a, b;
static struct emu_file files[2][HGEI_MAX_LINES + 1];
static struct hgei_swfile sw;
static char trace[64];
static unsigned ntrace;
static uint64_t dev_pa;		/* where the device's MSIs go; 0: the software file */
static uint64_t old_pa;		/* the file the device pointed at before the redirect */
static uint64_t sent;		/* identities the device sent */
static unsigned next_id;	/* 0: no MSIs between the steps */
static bool stray;		/* one MSI still in flight to the old file at the redirect */
static bool kill_b;
static bool misplaced;
static struct emu_hart *hw_e;	/* the hart whose file the step hooks act on */

static void note(char c)
{
	if (ntrace < sizeof(trace) - 1)
		trace[ntrace++] = c;
}

static void reset_trace(void)
{
	ntrace = 0;
	memset(trace, 0, sizeof(trace));
}

static struct emu_file *file_at(uint64_t pa, unsigned *line, struct emu_hart **e)
{
	int h = pa >= SLOT_B;

	*line = (unsigned)((pa - (h ? SLOT_B : SLOT_A)) / HGEI_GUEST_FILE_SIZE);
	*e = h ? &hb : &ha;
	return &files[h][*line];
}

/* An MSI to @pa: a hardware file, or with 0 the software file's seteipnum_le. */
static void msi(uint64_t pa, unsigned id)
{
	struct emu_hart *e;
	unsigned line;
	struct emu_file *f;

	if (!pa) {
		hgei_swfile_msi(&sw, id);
		return;
	}
	f = file_at(pa, &line, &e);
	f->eip |= 1ULL << id;
	if (f->on && (f->eie & f->eip))
		emu_hart_raise(e, 1ULL << line);
}

static void device_msi(void)
{
	if (!next_id)
		return;
	sent |= 1ULL << next_id;
	msi(dev_pa, next_id++);
}

/* review2: something done at the @stall_at-th promote/demote stall point (1-based). */
static unsigned stall_count, stall_at;
static void (*stall_fn)(void);
static void (*redirect_fn)(void);	/* review2: run at the end of the redirect */

/* Between the software file's steps (promote.c). */
void hgei_test_stall(enum hgei_stall at, struct hgei_hart *h)
{
	(void)h;
	if (at != HGEI_STALL_PROMOTE_STEP)
		return;
	note('|');
	device_msi();
	if (stall_fn && ++stall_count == stall_at) {
		void (*fn)(void) = stall_fn;

		stall_fn = NULL;
		fn();
	}
}

static void run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	struct emu_hart *was = emu_hart_self();
	unsigned long flags;

	device_msi();
	note(hartid == 0 ? 'A' : 'B');
	emu_hart_bind(hartid == 0 ? &ha : &hb);
	flags = hgei_arch_irq_save();
	fn(arg);
	hgei_arch_irq_restore(flags);
	if (kill_b && hartid == 1) {
		kill_b = false;
		note('X');
		CHECK_EQ(hgei_hart_offline(&b), 1);
	}
	emu_hart_bind(was);
	device_msi();
}

static void hook_on(void)
{
	if (emu_hart_self() != hw_e || !emu_irqs_masked())
		misplaced = true;
}

static struct emu_file *file_here(unsigned line)
{
	return &files[emu_hart_self() == &ha ? 0 : 1][line];
}

static void file_save(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct hgei_vsfile_state *s = state;

	note('s');
	hook_on();
	s->eidelivery = f->on;
	s->eithreshold = f->thr;
	s->eie[0] = f->eie;
}

static void file_load(unsigned line, const void *state)
{
	struct emu_file *f = file_here(line);
	const struct hgei_vsfile_state *s = state;

	note('l');
	hook_on();
	f->eie = s->eie[0];
	f->on = s->eidelivery;
	f->thr = s->eithreshold;
	f->eip = 0;
	emu_hart_lower(emu_hart_self(), 1ULL << line);
}

static void file_drain(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct hgei_vsfile_state *s = state;

	note('d');
	hook_on();
	s->eidelivery = f->on;
	s->eithreshold = f->thr;
	s->eie[0] = f->eie;
	s->eip[0] = f->eip;
	*f = (struct emu_file){ 0 };
	emu_hart_lower(emu_hart_self(), 1ULL << line);
}

static void file_forward(uint64_t pa, const void *state)
{
	const struct hgei_vsfile_state *s = state;

	note('f');
	device_msi();		/* one more, already to the new file */
	for (uint64_t p = s->eip[0] & ~1ULL; p; p &= p - 1)
		msi(pa, (unsigned)__builtin_ctzll(p));
}

static void redirect(void *owner, uint64_t pa)
{
	(void)owner;
	note('r');
	if (stray) {
		/* Sent before the redirect, lands in the old file now. */
		sent |= 1ULL << 50;
		msi(old_pa, 50);
	}
	dev_pa = pa;
	if (redirect_fn) {
		void (*fn)(void) = redirect_fn;

		redirect_fn = NULL;
		fn();
	}
}

static const struct hgei_move_ops mops = {
	.run_on = run_on, .file_save = file_save, .file_load = file_load,
	.file_drain = file_drain, .file_forward = file_forward, .redirect = redirect,
};

static unsigned wakes, revokes;
static unsigned wake_line;

static void on_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	wakes++;
	wake_line = line;
}

static void on_revoke(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	(void)line;
	revokes++;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

static uint64_t sw_word(unsigned long isel)
{
	uint64_t v = 0;

	CHECK_EQ(hgei_swfile_rmw(&sw, isel, &v, 0, 0), 0);
	return v;
}

/* The guest set its software file up: delivery on, ENABLED, threshold @thr. */
static void setup(unsigned lines_b, uint64_t thr)
{
	memset(files, 0, sizeof(files));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	emu_hart_setup(&ha, 0, 7);
	emu_hart_setup(&hb, 1, lines_b);
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_hart_init(&b, 1, 7, SLOT_B, &ops), lines_b);
	emu_hart_bind(&ha);
	CHECK_EQ(hgei_hart_init(&a, 0, 7, SLOT_A, &ops), 7);
	CHECK_EQ(hgei_swfile_init(&sw, 63), 0);
	CHECK_EQ(hgei_swfile_rmw(&sw, 0x70, NULL, 1, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&sw, 0x72, NULL, thr, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&sw, 0xc0, NULL, ENABLED, ~0ULL), 0);
	reset_trace();
	dev_pa = old_pa = 0;
	sent = 0;
	next_id = 1;
	stray = true;
	kill_b = false;
	misplaced = false;
	hw_e = &hb;
	wakes = revokes = 0;
}

static void test_promote(bool armed)
{
	int owner = 1;
	struct hgei_line l;
	struct hgei_vsfile_state st;
	struct emu_file *f;

	setup(7, 0);
	/* Pending before the promote (a claimable one and a masked one). */
	device_msi();
	device_msi();
	CHECK_EQ(hgei_promote(&sw, &b, &owner, armed, &mops, &st, &l), 0);
	/* Order: save | on B alloc+load(+arm) | redirect | take | forward. */
	CHECK(!strcmp(trace, "|Bl|r||f"), "steps %s", trace);
	CHECK(!misplaced, "a file hook ran off its hart or unmasked");
	CHECK(emu_hart_self() == &ha && !emu_irqs_masked(), "caller's hart not restored");
	CHECK(hgei_owner(&b, l.line) == &owner, "line %u not the owner's", l.line);
	CHECK_EQ(l.file_pa, SLOT_B + l.line * HGEI_GUEST_FILE_SIZE);
	f = &files[1][l.line];
	/* The configuration carried; every MSI pending exactly in the new file. */
	CHECK_EQ(f->eie, ENABLED);
	CHECK_EQ(f->on, 1);
	CHECK_EQ(f->thr, 0);
	CHECK(sent == (0x3feULL | 1ULL << 50), "sent %#llx", (unsigned long long)sent);
	CHECK(f->eip == sent, "new file has %#llx of %#llx", (unsigned long long)f->eip,
	      (unsigned long long)sent);
	/* The software file: off and empty, so a late sender is told nothing to do. */
	CHECK_EQ(sw_word(0x80), 0);
	CHECK_EQ(sw_word(0x70), 0);
	CHECK(!hgei_swfile_vseip(&sw), "software file still signals");
	CHECK(!hgei_swfile_msi(&sw, 3), "a stray MSI to the old file signals");
	CHECK_EQ(!!(emu_hart_hgeie(&hb) & (1ULL << l.line)), armed);
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_handle_sgei(&b), armed);
	CHECK(wakes == armed && (!armed || wake_line == l.line), "wakes %u", wakes);
	CHECK_EQ(hgei_free(&b, l.line, &owner), 0);
	emu_hart_bind(&ha);
}

static void test_demote(void)
{
	int owner = 1;
	struct hgei_line l;
	struct hgei_vsfile_state st;
	uint64_t eip;

	setup(7, 40);
	/* Promote first (no MSIs), then demote under fire. */
	next_id = 0;
	stray = false;
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, &l), 0);
	dev_pa = old_pa = l.file_pa;
	reset_trace();
	next_id = 1;
	stray = true;
	device_msi();
	CHECK_EQ(hgei_demote(&b, l.line, &owner, &sw, &mops, &st), 0);
	/* Order: on B disarm+save | load | redirect | on B drain+free | forward. */
	CHECK(!strcmp(trace, "Bs||r|Bd|"), "steps %s", trace);
	CHECK(!misplaced, "a file hook ran off its hart or unmasked");
	CHECK_EQ(hgei_owner(&b, l.line), 0);
	CHECK_EQ(emu_hart_hgeie(&hb), 0);
	CHECK(!emu_hart_sgei_pending(&hb), "B still pending");
	CHECK_EQ(files[1][l.line].eip | files[1][l.line].on | files[1][l.line].eie, 0);
	/* Everything sent is pending once in the software file, config carried. */
	eip = sw_word(0x80);
	CHECK(sent == (0x3feULL | 1ULL << 50), "sent %#llx", (unsigned long long)sent);
	CHECK(eip == sent, "software file has %#llx of %#llx", (unsigned long long)eip,
	      (unsigned long long)sent);
	CHECK_EQ(sw_word(0x70), 1);
	CHECK_EQ(sw_word(0x72), 40);
	CHECK_EQ(sw_word(0xc0), ENABLED);
	CHECK(hgei_swfile_vseip(&sw), "no VSEIP with enabled identities pending");
	/* Claimed in order, each once: 1..9 but the masked 8, then none (50 is masked,
	 * 9 would be but for the threshold at 40 it is under it). */
	for (unsigned id = 1; id <= 9; id++)
		if (ENABLED & (1ULL << id))
			CHECK_EQ(hgei_swfile_topei(&sw, true), (id << 16) | id);
	CHECK_EQ(hgei_swfile_topei(&sw, true), 0);
	CHECK_EQ(wakes, 0);
	CHECK_EQ(revokes, 0);
}

/* Failures leave the software file the owner's, with every MSI sent meanwhile. */
static void check_still_sw(const struct hgei_line *l, const char *what)
{
	CHECK(!l->line && !l->file_pa && !l->hstatus_vgein, "%s: outputs not cleared", what);
	CHECK(dev_pa == 0, "%s: redirected", what);
	CHECK(sw_word(0x80) == sent, "%s: software file has %#llx of %#llx", what,
	      (unsigned long long)sw_word(0x80), (unsigned long long)sent);
	CHECK_EQ(sw_word(0x70), 1);
	CHECK_EQ(sw_word(0xc0), ENABLED);
	CHECK(!misplaced, "%s: a hook ran off its hart", what);
	CHECK(emu_hart_self() == &ha && !emu_irqs_masked(), "%s: caller not restored", what);
}

static void test_promote_failures(void)
{
	int owner = 1, filler[7];
	struct hgei_line l, f;
	struct hgei_vsfile_state st;

	setup(0, 0);		/* B has no lines */
	memset(&l, 0xa5, sizeof(l));
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, &l), -HGEI_ENODEV);
	CHECK(!strcmp(trace, "|B"), "steps %s", trace);
	check_still_sw(&l, "B without lines");

	setup(7, 0);		/* B full */
	emu_hart_bind(&hb);
	for (unsigned i = 0; i < 7; i++)
		CHECK_EQ(hgei_alloc(&b, &filler[i], &f), 0);
	emu_hart_bind(&ha);
	memset(&l, 0xa5, sizeof(l));
	CHECK_EQ(hgei_promote(&sw, &b, &owner, false, &mops, &st, &l), -HGEI_ENOSPC);
	check_still_sw(&l, "B full");
	for (unsigned i = 0; i < 7; i++)
		CHECK(hgei_owner(&b, i + 1) == &filler[i], "B's line %u disturbed", i + 1);

	setup(7, 0);		/* B goes offline after the new line is set up */
	kill_b = true;
	memset(&l, 0xa5, sizeof(l));
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, &l), -HGEI_ENODEV);
	CHECK(!strcmp(trace, "|BlX"), "steps %s", trace);
	CHECK_EQ(revokes, 1);
	check_still_sw(&l, "B offline");

	setup(7, 0);		/* bad arguments: nothing runs */
	next_id = 0;
	CHECK_EQ(hgei_promote(NULL, &b, &owner, true, &mops, &st, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, NULL, &owner, true, &mops, &st, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, &b, NULL, true, &mops, &st, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, &b, (void *)1, true, &mops, &st, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, NULL, &st, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, NULL, &l), -HGEI_EINVAL);
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, NULL), -HGEI_EINVAL);
	CHECK_EQ(ntrace, 0);
}

static void test_demote_failures(void)
{
	int owner = 1, other = 2;
	struct hgei_line l;
	struct hgei_vsfile_state st;

	setup(7, 0);
	next_id = 0;
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_alloc(&b, &owner, &l), 0);
	CHECK_EQ(hgei_arm(&b, l.line, &owner), 0);
	emu_hart_bind(&ha);
	CHECK_EQ(hgei_demote(&b, l.line, &other, &sw, &mops, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(&b, 0, &owner, &sw, &mops, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(&b, 64, &owner, &sw, &mops, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(NULL, l.line, &owner, &sw, &mops, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(&b, l.line, &owner, NULL, &mops, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(&b, l.line, &owner, &sw, NULL, &st), -HGEI_EINVAL);
	CHECK_EQ(hgei_demote(&b, l.line, &owner, &sw, &mops, NULL), -HGEI_EINVAL);
	CHECK_EQ(ntrace, 0);
	CHECK(hgei_owner(&b, l.line) == &owner, "line taken");
	CHECK(emu_hart_hgeie(&hb) & (1ULL << l.line), "line disarmed");
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_free(&b, l.line, &owner), 0);
	emu_hart_bind(&ha);
}

/* Round trips: the same identities survive promote, demote, promote. */
static void test_round_trip(void)
{
	int owner = 1;
	struct hgei_line l;
	struct hgei_vsfile_state st;

	setup(1, 0);		/* a little hart: one guest file */
	stray = false;
	for (unsigned r = 0; r < 4; r++) {
		CHECK_EQ(hgei_promote(&sw, &b, &owner, r & 1, &mops, &st, &l), 0);
		CHECK_EQ(l.line, 1);
		CHECK(files[1][1].eip == sent, "round %u: promote lost %#llx", r,
		      (unsigned long long)(sent & ~files[1][1].eip));
		dev_pa = old_pa = l.file_pa;
		CHECK_EQ(hgei_demote(&b, l.line, &owner, &sw, &mops, &st), 0);
		CHECK(sw_word(0x80) == sent, "round %u: demote lost %#llx", r,
		      (unsigned long long)(sent & ~sw_word(0x80)));
		old_pa = 0;
	}
	CHECK(next_id > 30, "only %u MSIs sent", next_id);
	CHECK_EQ(hgei_owner(&b, 1), 0);
}

/*
 * review2: hgei_move_drain() (shared by hgei_move() and hgei_demote()) runs
 * file_drain() before it checks that the line is still the owner's. B goes offline
 * after demote's redirect (revoking the owner's line: G4, offline waits for nobody),
 * comes back online and owner X allocates the same line, whose guest file then has
 * identity 33 pending, enabled and delivering. Demote's drain step then empties X's
 * file (delivery off, eie and eip cleared) and forwards X's identity 33 into the
 * demoted owner's software file: G2 broken (a former owner's late step changes the
 * line's state for its next owner), an interrupt stolen from one guest and injected
 * into another. hgei_free() then fails, and hgei_demote() still returns 0.
 */
static int rival_x;
static unsigned rival_line;

static void offline_online_realloc(void)
{
	struct emu_hart *was = emu_hart_self();
	struct hgei_line lx;
	struct emu_file *f;

	emu_hart_bind(&hb);
	CHECK_EQ(hgei_hart_offline(&b), 1);
	CHECK_EQ(hgei_hart_init(&b, 1, 7, SLOT_B, &ops), 7);
	CHECK_EQ(hgei_alloc(&b, &rival_x, &lx), 0);
	emu_hart_bind(was);
	rival_line = lx.line;
	/* X's guest set its file up and got identity 33. */
	f = &files[1][lx.line];
	*f = (struct emu_file){ .eie = 1ULL << 33, .on = 1 };
	msi(lx.file_pa, 33);
}

static void test_demote_drain_foreign_line(void)
{
	int owner = 1;
	struct hgei_line l;
	struct hgei_vsfile_state st;
	struct emu_file *fx;

	setup(7, 0);
	next_id = 0;
	stray = false;
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, &l), 0);
	dev_pa = old_pa = l.file_pa;
	reset_trace();
	/* Demote's stall points: after leave, load, redirect, drain. */
	stall_count = 0;
	stall_at = 3;
	stall_fn = offline_online_realloc;
	CHECK_EQ(hgei_demote(&b, l.line, &owner, &sw, &mops, &st), 0);
	CHECK_EQ(revokes, 1);
	CHECK_EQ(rival_line, l.line);
	CHECK(hgei_owner(&b, rival_line) == &rival_x, "X lost its line");
	fx = &files[1][rival_line];
	CHECK(fx->eip == 1ULL << 33 && fx->on == 1 && fx->eie == 1ULL << 33,
	      "demote's drain emptied X's file: eip %#llx on %llu eie %#llx",
	      (unsigned long long)fx->eip, (unsigned long long)fx->on,
	      (unsigned long long)fx->eie);
	CHECK(!(sw_word(0x80) & (1ULL << 33)),
	      "X's identity 33 was forwarded into the demoted owner's software file");
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_free(&b, rival_line, &rival_x), 0);
	emu_hart_bind(&ha);
}

/*
 * review2: the same for hgei_move() (move.c's drain step is the one demote uses): A
 * goes offline during the redirect, comes back, X gets the owner's old line on A with
 * identity 33 pending; the move's drain must leave X's file alone and forward nothing
 * of it to the owner's new file on B. Fails without the hgei_move_drain() owner check.
 */
static void offline_online_realloc_a(void)
{
	struct emu_hart *was = emu_hart_self();
	struct hgei_line lx;

	emu_hart_bind(&ha);
	CHECK_EQ(hgei_hart_offline(&a), 1);
	CHECK_EQ(hgei_hart_init(&a, 0, 7, SLOT_A, &ops), 7);
	CHECK_EQ(hgei_alloc(&a, &rival_x, &lx), 0);
	emu_hart_bind(was);
	rival_line = lx.line;
	files[0][lx.line] = (struct emu_file){ .eie = 1ULL << 33, .on = 1 };
	msi(lx.file_pa, 33);
}

static void test_move_drain_foreign_line(void)
{
	int owner = 1;
	struct hgei_line la, out;
	struct hgei_vsfile_state st;
	struct emu_file *fx;

	setup(7, 0);
	next_id = 0;
	stray = false;
	CHECK_EQ(hgei_alloc(&a, &owner, &la), 0);
	CHECK_EQ(hgei_arm(&a, la.line, &owner), 0);
	files[0][la.line] = (struct emu_file){ .eie = ENABLED, .on = 1 };
	memset(&st, 0, sizeof(st));
	st.words = 1;
	redirect_fn = offline_online_realloc_a;
	CHECK_EQ(hgei_move(&a, la.line, &b, &owner, true, &mops, &st, &out), 0);
	CHECK_EQ(revokes, 1);
	CHECK_EQ(rival_line, la.line);
	CHECK(hgei_owner(&a, rival_line) == &rival_x, "X lost its line");
	fx = &files[0][rival_line];
	CHECK(fx->eip == 1ULL << 33 && fx->on == 1 && fx->eie == 1ULL << 33,
	      "move's drain emptied X's file: eip %#llx on %llu eie %#llx",
	      (unsigned long long)fx->eip, (unsigned long long)fx->on,
	      (unsigned long long)fx->eie);
	CHECK(!(files[1][out.line].eip & (1ULL << 33)),
	      "X's identity 33 was forwarded to the moved owner's new file");
	CHECK_EQ(hgei_free(&a, rival_line, &rival_x), 0);
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_free(&b, out.line, &owner), 0);
	emu_hart_bind(&ha);
}

/*
 * review2: a double promote is not refused (a double demote is: the line is no longer
 * the owner's). The second hgei_promote() of an owner already promoted from @sw saves
 * the taken software file (delivery off, nothing pending), gives the owner a second
 * line loaded with delivery off, redirects its MSIs there and returns 0: the first
 * line leaks and the guest's interrupts never signal again.
 */
static void test_double_promote(void)
{
	int owner = 1;
	struct hgei_line l1, l2;
	struct hgei_vsfile_state st;
	int err;

	setup(7, 0);
	next_id = 0;
	stray = false;
	CHECK_EQ(hgei_promote(&sw, &b, &owner, true, &mops, &st, &l1), 0);
	dev_pa = old_pa = l1.file_pa;
	reset_trace();
	memset(&l2, 0xa5, sizeof(l2));
	err = hgei_promote(&sw, &b, &owner, true, &mops, &st, &l2);
	CHECK(err == -HGEI_EINVAL, "second promote of the same software file returned %d", err);
	CHECK(!l2.line && !l2.file_pa, "second promote: outputs not cleared");
	CHECK(ntrace == 0, "second promote ran steps %s", trace);
	CHECK(dev_pa == l1.file_pa, "second promote redirected the owner's MSIs");
	if (!err) {
		CHECK(files[1][l2.line].on == 0, "second file unexpectedly delivering");
		emu_hart_bind(&hb);
		hgei_free(&b, l2.line, &owner);
		emu_hart_bind(&ha);
	}
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_free(&b, l1.line, &owner), 0);
	emu_hart_bind(&ha);
}

int main(void)
{
	test_promote(true);
	test_promote(false);
	test_demote();
	test_promote_failures();
	test_demote_failures();
	test_round_trip();
	test_demote_drain_foreign_line();
	test_move_drain_foreign_line();
	test_double_promote();
	return check_summary("promote");
}
