/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hgei_move() on emulated harts with emulated guest files: the steps run on the right
 * hart in the right order, the owner ends up on the new line only, the file's
 * configuration is carried, every MSI the owner's device sends while the move runs
 * (one before and one after each step, and one in flight during the redirect) ends
 * up pending in the file the owner has when it returns, and every failure leaves the
 * old line as it was. run_on plays the target hart on the calling thread: it binds
 * the thread to that emulated hart for the step, masked as an IPI handler would be.
 */
#include <string.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"
#include "hgei_port.h"

#define SLOT_A		0x28000000ULL
#define SLOT_B		0x28008000ULL
#define FILE_PA(slot, line)	((slot) + (uint64_t)(line) * HGEI_GUEST_FILE_SIZE)
#define ALL_IDS		(~0ULL << 1)	/* identities 1..63 enabled */

/* One guest file per (hart, line): what the file hooks and MSIs act on. */
struct emu_file {
	uint64_t eie, eip, on;
};

static struct emu_hart ha, hb, hc;
static struct hgei_hart a, b;
static struct emu_file files[2][HGEI_MAX_LINES + 1];
static char trace[64];
static unsigned ntrace;
static int stray_msi;		/* an MSI the redirect hook lets reach the old file */
static uint64_t old_pa;
static uint64_t dev_pa;		/* where the owner's device sends its MSIs */
static uint64_t sent;		/* identities the device sent during the move */
static unsigned next_id;	/* 0: no MSIs between the steps */
static bool kill_b;		/* take B offline right after the step on B */
static bool misplaced;		/* a hook ran on the wrong hart or unmasked */
static struct emu_hart *from_e, *to_e;	/* the harts of the move under way */

struct file_state {
	uint64_t eie, eip, on;
};

static struct emu_hart *emu_of(uint64_t pa)
{
	return pa >= SLOT_B ? &hb : &ha;
}

static unsigned line_of(uint64_t pa)
{
	return (unsigned)((pa - (pa >= SLOT_B ? SLOT_B : SLOT_A)) / HGEI_GUEST_FILE_SIZE);
}

static struct emu_file *file_here(unsigned line)
{
	return &files[emu_hart_self() == &ha ? 0 : 1][line];
}

static void note(char c)
{
	if (ntrace < sizeof(trace) - 1)
		trace[ntrace++] = c;
}

/* A hook that acts on a file must run on the file's hart (@want), inside a step, with
 * that hart's interrupts masked. */
static void hook_on(struct emu_hart *want)
{
	if (emu_hart_self() != want || !emu_irqs_masked())
		misplaced = true;
}

static void msi(uint64_t pa, unsigned id)
{
	int h = pa >= SLOT_B;
	unsigned line = line_of(pa);
	struct emu_file *f = &files[h][line];

	f->eip |= 1ULL << id;
	if (f->on && (f->eie & f->eip))
		emu_hart_raise(emu_of(pa), 1ULL << line);
}

/* The owner's device sends one more identity, wherever it points now. */
static void device_msi(void)
{
	if (!next_id)
		return;
	sent |= 1ULL << next_id;
	msi(dev_pa, next_id++);
}

/* run_on: play the target hart on this thread, as an IPI handler there would. */
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
		/* B goes offline before the move goes on: it revokes the new line. */
		kill_b = false;
		note('X');
		CHECK_EQ(hgei_hart_offline(&b), 1);
	}
	emu_hart_bind(was);
	device_msi();
}

static void file_save(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct file_state *s = state;

	note('s');
	hook_on(from_e);
	s->eie = f->eie;
	s->on = f->on;
}

static void file_load(unsigned line, const void *state)
{
	struct emu_file *f = file_here(line);
	const struct file_state *s = state;

	note('l');
	hook_on(to_e);
	f->eie = s->eie;
	f->on = s->on;
	f->eip = 0;
	emu_hart_lower(emu_hart_self(), 1ULL << line);
}

static void file_drain(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct file_state *s = state;

	note('d');
	hook_on(from_e);
	s->eip = f->eip;
	f->eip = 0;
	f->on = 0;
	f->eie = 0;
	emu_hart_lower(emu_hart_self(), 1ULL << line);	/* nothing pending any more */
}

static void file_forward(uint64_t pa, const void *state)
{
	const struct file_state *s = state;

	note('f');
	for (uint64_t p = s->eip; p; p &= p - 1)
		msi(pa, (unsigned)__builtin_ctzll(p));
}

static void redirect(void *owner, uint64_t pa)
{
	(void)owner;
	note('r');
	if (stray_msi)
		msi(old_pa, (unsigned)stray_msi);	/* arrived at the old file in time */
	dev_pa = pa;
}

static const struct hgei_move_ops mops = {
	.run_on = run_on, .file_save = file_save, .file_load = file_load,
	.file_drain = file_drain, .file_forward = file_forward, .redirect = redirect,
};

static unsigned wakes, revokes;
static uint32_t wake_hart;
static unsigned wake_line, revoke_line;

static void on_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	wakes++;
	wake_hart = hartid;
	wake_line = line;
}

static void on_revoke(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	revokes++;
	revoke_line = line;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

static void reset_trace(void)
{
	ntrace = 0;
	memset(trace, 0, sizeof(trace));
}

static void setup(unsigned lines_b)
{
	memset(files, 0, sizeof(files));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	emu_hart_setup(&ha, 0, 7);
	emu_hart_setup(&hb, 1, lines_b);
	emu_hart_setup(&hc, 2, 7);
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_hart_init(&b, 1, 7, SLOT_B, &ops), lines_b);
	emu_hart_bind(&ha);
	CHECK_EQ(hgei_hart_init(&a, 0, 7, SLOT_A, &ops), 7);
	reset_trace();
	stray_msi = 0;
	next_id = 0;
	sent = 0;
	kill_b = false;
	misplaced = false;
	from_e = &ha;
	to_e = &hb;
	wakes = revokes = 0;
}

/* The owner's line @l on A, its file on, armed: MSIs to it from here on. */
static void own_line_on_a(void *owner, struct hgei_line *l)
{
	CHECK_EQ(hgei_alloc(&a, owner, l), 0);
	files[0][l->line] = (struct emu_file){ .eie = ALL_IDS, .on = 1 };
	CHECK_EQ(hgei_arm(&a, l->line, owner), 0);
	old_pa = l->file_pa;
	dev_pa = l->file_pa;
}

static void test_move_carries(void)
{
	int owner = 1;
	struct hgei_line l, m;
	struct file_state st = { 0 };

	setup(7);
	own_line_on_a(&owner, &l);
	stray_msi = 40;
	next_id = 1;

	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, &st, &m), 0);
	/* Order: leave on A (save), enter on B (alloc, load, arm), redirect, drain on A
	 * (drain, free), forward. */
	CHECK(!strcmp(trace, "AsBlrAdf"), "steps %s", trace);
	CHECK(!misplaced, "a file hook ran off its hart or unmasked");
	CHECK(emu_hart_self() == &ha && !emu_irqs_masked(), "caller's hart not restored");
	CHECK_EQ(hgei_owner(&a, l.line), 0);
	CHECK(hgei_owner(&b, m.line) == &owner, "new line %u", m.line);
	CHECK_EQ(m.hstatus_vgein, (uint64_t)m.line << HGEI_HSTATUS_VGEIN_SHIFT);
	CHECK_EQ(m.file_pa, FILE_PA(SLOT_B, m.line));
	CHECK_EQ(files[1][m.line].eie, ALL_IDS);
	CHECK_EQ(files[1][m.line].on, 1);
	/* No MSI lost: the six sent around the three steps and the one in flight during
	 * the redirect are all pending in the new file, which is armed on B: B takes an
	 * SGEI for it; A's old file is off and empty, its line disarmed and free. */
	CHECK_EQ(sent, 0x7e);
	CHECK_EQ(files[1][m.line].eip, sent | 1ULL << 40);
	CHECK_EQ(files[0][l.line].eip | files[0][l.line].on | files[0][l.line].eie, 0);
	CHECK(!(emu_hart_hgeie(&ha) & (1ULL << l.line)), "A's old line still in hgeie");
	CHECK(!emu_hart_sgei_pending(&ha), "A pending");
	CHECK_EQ(wakes, 0);
	CHECK(emu_hart_sgei_pending(&hb), "B not pending");
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_handle_sgei(&b), 1);
	CHECK(wakes == 1 && wake_hart == 1 && wake_line == m.line, "wake %u on %u line %u",
	      wakes, wake_hart, wake_line);
	/* One-shot on the new line too: the level stays high, no second wake. */
	CHECK_EQ(hgei_handle_sgei(&b), 0);
	CHECK_EQ(wakes, 1);
	emu_hart_bind(&ha);
	/* The old line is free for someone else; the owner's old line number is not its own. */
	CHECK_EQ(hgei_free(&a, l.line, &owner), -HGEI_EINVAL);
	CHECK_EQ(revokes, 0);
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_free(&b, m.line, &owner), 0);
	emu_hart_bind(&ha);
}

/* Everything a failed move must leave as it was (G5), MSIs sent meanwhile included. */
static void check_left_on_a(void *owner, const struct hgei_line *l, const struct hgei_line *m,
			    bool armed, const char *what)
{
	CHECK(!m->line && !m->file_pa && !m->hstatus_vgein, "%s: outputs not cleared", what);
	CHECK(hgei_owner(&a, l->line) == owner, "%s: line left A", what);
	CHECK(!!(emu_hart_hgeie(&ha) & (1ULL << l->line)) == armed, "%s: armed %d on A",
	      what, !armed);
	CHECK_EQ(files[0][l->line].eie, ALL_IDS);
	CHECK_EQ(files[0][l->line].on, 1);
	CHECK(files[0][l->line].eip == sent, "%s: old file has %#llx of %#llx", what,
	      (unsigned long long)files[0][l->line].eip, (unsigned long long)sent);
	CHECK(!misplaced, "%s: a file hook ran off its hart or unmasked", what);
	CHECK(emu_hart_self() == &ha && !emu_irqs_masked(), "%s: caller not restored", what);
	CHECK_EQ(wakes, 0);
}

static void test_move_failures(void)
{
	int owner = 1, other = 2, filler[7];
	struct hgei_line l, m, f;
	struct file_state st = { 0 };
	unsigned i;

	setup(0);		/* B has no lines: the allocation on B fails */
	own_line_on_a(&owner, &l);
	next_id = 1;
	memset(&m, 0xa5, sizeof(m));
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, &st, &m), -HGEI_ENODEV);
	CHECK(!strcmp(trace, "AsBA"), "steps %s", trace);
	check_left_on_a(&owner, &l, &m, true, "B without lines");
	/* Re-armed: the MSIs that came meanwhile now trap on A, once. */
	CHECK(emu_hart_sgei_pending(&ha), "A not pending");
	CHECK_EQ(hgei_handle_sgei(&a), 1);
	CHECK(wakes == 1 && wake_hart == 0 && wake_line == l.line, "wake on A");

	reset_trace();
	next_id = 0;
	memset(&m, 0xa5, sizeof(m));
	CHECK_EQ(hgei_move(&a, l.line, &b, &other, true, &mops, &st, &m), -HGEI_EINVAL);
	CHECK(!m.line && !m.file_pa, "outputs not cleared");
	CHECK_EQ(hgei_move(&a, 0, &b, &owner, true, &mops, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, NULL, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, NULL, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, l.line, &b, NULL, true, &mops, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(ntrace, 0);
	CHECK(hgei_owner(&a, l.line) == &owner, "line untouched");
	CHECK_EQ(hgei_free(&a, l.line, &owner), 0);

	/* B full: -HGEI_ENOSPC; not armed before, so not armed after. */
	setup(7);
	emu_hart_bind(&hb);
	for (i = 0; i < 7; i++)
		CHECK_EQ(hgei_alloc(&b, &filler[i], &f), 0);
	emu_hart_bind(&ha);
	own_line_on_a(&owner, &l);
	CHECK_EQ(hgei_disarm(&a, l.line, &owner), 0);
	next_id = 1;
	memset(&m, 0xa5, sizeof(m));
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, false, &mops, &st, &m), -HGEI_ENOSPC);
	CHECK(!strcmp(trace, "AsBA"), "steps %s", trace);
	check_left_on_a(&owner, &l, &m, false, "B full");
	CHECK(!emu_hart_sgei_pending(&ha), "unarmed line traps");
	for (i = 0; i < 7; i++)
		CHECK(hgei_owner(&b, i + 1) == &filler[i], "B's line %u disturbed", i + 1);
	CHECK_EQ(hgei_free(&a, l.line, &owner), 0);
}

/*
 * B goes offline after the step that set up the new line, before the redirect: the
 * new line is revoked, nothing was redirected, so the move fails with -HGEI_ENODEV
 * and the owner keeps its old line, armed again, with every MSI sent meanwhile.
 */
static void test_move_target_offline(void)
{
	int owner = 1;
	struct hgei_line l, m;
	struct file_state st = { 0 };

	setup(7);
	own_line_on_a(&owner, &l);
	next_id = 1;
	kill_b = true;
	memset(&m, 0xa5, sizeof(m));
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, &st, &m), -HGEI_ENODEV);
	CHECK(!strcmp(trace, "AsBlXA"), "steps %s", trace);
	CHECK(revokes == 1 && revoke_line == 1, "new line revoked %u times, line %u",
	      revokes, revoke_line);
	CHECK_EQ(hgei_owner(&b, 1), 0);
	CHECK_EQ(emu_hart_hgeie(&hb), 0);
	CHECK_EQ(dev_pa, old_pa);
	check_left_on_a(&owner, &l, &m, true, "B offline");
	CHECK(emu_hart_sgei_pending(&ha), "A not pending");
	CHECK_EQ(hgei_handle_sgei(&a), 1);
	CHECK(wakes == 1 && wake_hart == 0 && wake_line == l.line, "wake on A");
	CHECK_EQ(hgei_free(&a, l.line, &owner), 0);
}

static void test_move_unarmed(void)
{
	int owner = 1;
	struct hgei_line l, m;
	struct file_state st = { 0 };

	setup(3);
	CHECK_EQ(hgei_alloc(&a, &owner, &l), 0);
	/* A running vCPU: not armed, so the new line is not armed either. */
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, false, &mops, &st, &m), 0);
	CHECK(!strcmp(trace, "AsBlrAdf"), "steps %s", trace);
	CHECK_EQ(emu_hart_hgeie(&hb) & (1ULL << m.line), 0);
	CHECK(hgei_owner(&b, m.line) == &owner, "moved");
	/* And back again, asked from a third hart, to the same first line on A. */
	emu_hart_bind(&hc);
	reset_trace();
	from_e = &hb;
	to_e = &ha;
	CHECK_EQ(hgei_move(&b, m.line, &a, &owner, false, &mops, &st, &l), 0);
	CHECK(!strcmp(trace, "BsAlrBdf"), "steps %s", trace);
	CHECK(emu_hart_self() == &hc, "caller's hart not restored");
	CHECK(!misplaced, "a file hook ran off its hart or unmasked");
	CHECK_EQ(l.line, 1);
	CHECK_EQ(hgei_owner(&b, m.line), 0);
	CHECK_EQ(emu_hart_hgeie(&ha), 0);
	emu_hart_bind(&ha);
	CHECK_EQ(hgei_free(&a, l.line, &owner), 0);
}

int main(void)
{
	test_move_carries();
	test_move_failures();
	test_move_target_offline();
	test_move_unarmed();
	return check_summary("move");
}
