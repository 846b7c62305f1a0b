/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hgei_move() on emulated harts with emulated guest files: the steps run on the right
 * hart in the right order, the owner ends up on the new line only, the file's
 * configuration is carried, an identity that reached the old file before the drain
 * lands in the new one, and every failure leaves the old line as it was.
 */
#include <string.h>

#include "check.h"
#include "emu_hart.h"
#include "hgei.h"

#define SLOT_A		0x28000000ULL
#define SLOT_B		0x28008000ULL
#define FILE_PA(slot, line)	((slot) + (uint64_t)(line) * HGEI_GUEST_FILE_SIZE)

/* One guest file per (hart, line): what the file hooks and MSIs act on. */
struct emu_file {
	uint64_t eie, eip, on;
};

static struct emu_hart ha, hb;
static struct hgei_hart a, b;
static struct emu_file files[2][HGEI_MAX_LINES + 1];
static char trace[64];
static unsigned ntrace;
static int stray_msi;		/* an MSI the redirect hook lets reach the old file */
static uint64_t old_pa;

struct file_state {
	uint64_t eie, eip, on;
};

static struct emu_file *file_here(unsigned line)
{
	return &files[emu_hart_self() == &ha ? 0 : 1][line];
}

static void note(char c)
{
	if (ntrace < sizeof(trace) - 1)
		trace[ntrace++] = c;
}

static void msi(uint64_t pa, unsigned id)
{
	int h = pa >= SLOT_B;
	unsigned line = (unsigned)((pa - (h ? SLOT_B : SLOT_A)) / HGEI_GUEST_FILE_SIZE);
	struct emu_file *f = &files[h][line];

	f->eip |= 1ULL << id;
	if (f->on && (f->eie & f->eip))
		emu_hart_raise(h ? &hb : &ha, 1ULL << line);
}

/* run_on: play the target hart on this thread, as an IPI handler there would. */
static void run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	struct emu_hart *was = emu_hart_self();

	note(hartid == 0 ? 'A' : 'B');
	emu_hart_bind(hartid == 0 ? &ha : &hb);
	fn(arg);
	emu_hart_bind(was);
}

static void file_save(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct file_state *s = state;

	note('s');
	s->eie = f->eie;
	s->on = f->on;
}

static void file_load(unsigned line, const void *state)
{
	struct emu_file *f = file_here(line);
	const struct file_state *s = state;

	note('l');
	f->eie = s->eie;
	f->on = s->on;
	f->eip = 0;
}

static void file_drain(unsigned line, void *state)
{
	struct emu_file *f = file_here(line);
	struct file_state *s = state;

	note('d');
	s->eip = f->eip;
	f->eip = 0;
	f->on = 0;
	f->eie = 0;
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
	(void)pa;
	note('r');
	if (stray_msi)
		msi(old_pa, (unsigned)stray_msi);	/* arrived at the old file in time */
}

static const struct hgei_move_ops mops = {
	.run_on = run_on, .file_save = file_save, .file_load = file_load,
	.file_drain = file_drain, .file_forward = file_forward, .redirect = redirect,
};

static unsigned wakes;
static void on_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	(void)line;
	wakes++;
}
static const struct hgei_ops ops = { .wake = on_wake };

static void setup(unsigned lines_b)
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
	ntrace = 0;
	memset(trace, 0, sizeof(trace));
	stray_msi = 0;
	wakes = 0;
}

static void test_move_carries(void)
{
	int owner = 1;
	struct hgei_line l, m;
	struct file_state st = { 0 };

	setup(7);
	CHECK_EQ(hgei_alloc(&a, &owner, &l), 0);
	files[0][l.line] = (struct emu_file){ .eie = 0x6, .on = 1 };
	CHECK_EQ(hgei_arm(&a, l.line, &owner), 0);
	old_pa = l.file_pa;
	stray_msi = 2;

	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, &st, &m), 0);
	/* Order: leave on A (save), alloc, enter on B (load), redirect, drain on A, forward. */
	CHECK(!strcmp(trace, "AsBlrAdf"), "steps %s", trace);
	CHECK_EQ(hgei_owner(&a, l.line), 0);
	CHECK(hgei_owner(&b, m.line) == &owner, "new line %u", m.line);
	CHECK_EQ(m.file_pa, FILE_PA(SLOT_B, m.line));
	CHECK_EQ(files[1][m.line].eie, 0x6);
	CHECK_EQ(files[1][m.line].on, 1);
	/* The identity that reached the old file is pending in the new one, which is armed
	 * on B: B takes an SGEI for it, A's old file is off and empty. */
	CHECK_EQ(files[1][m.line].eip, 1ULL << 2);
	CHECK_EQ(files[0][l.line].eip | files[0][l.line].on | files[0][l.line].eie, 0);
	CHECK(emu_hart_sgei_pending(&hb), "B pending");
	emu_hart_bind(&hb);
	CHECK_EQ(hgei_handle_sgei(&b), 1);
	CHECK_EQ(wakes, 1);
	emu_hart_bind(&ha);
	CHECK(!(emu_hart_hgeie(&ha) & (1ULL << l.line)), "A's old line still in hgeie");
	/* The old line is free for someone else; the owner's old line number is not its own. */
	CHECK_EQ(hgei_free(&a, l.line, &owner), -HGEI_EINVAL);
	CHECK_EQ(hgei_free(&b, m.line, &owner), 0);
}

static void test_move_failures(void)
{
	int owner = 1, other = 2;
	struct hgei_line l, m;
	struct file_state st = { 0 };

	setup(0);		/* B has no lines: the allocation on B fails */
	CHECK_EQ(hgei_alloc(&a, &owner, &l), 0);
	CHECK_EQ(hgei_arm(&a, l.line, &owner), 0);
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, &st, &m), -HGEI_ENODEV);
	CHECK_EQ(m.line | m.file_pa, 0);
	CHECK(hgei_owner(&a, l.line) == &owner, "line stays on A");
	CHECK(emu_hart_hgeie(&ha) & (1ULL << l.line), "re-armed on A");
	CHECK(!strcmp(trace, "AsA"), "steps %s", trace);

	ntrace = 0;
	memset(trace, 0, sizeof(trace));
	CHECK_EQ(hgei_move(&a, l.line, &b, &other, true, &mops, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, 0, &b, &owner, true, &mops, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, NULL, &st, &m), -HGEI_EINVAL);
	CHECK_EQ(hgei_move(&a, l.line, &b, &owner, true, &mops, NULL, &m), -HGEI_EINVAL);
	CHECK_EQ(ntrace, 0);
	CHECK(hgei_owner(&a, l.line) == &owner, "line untouched");
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
	CHECK_EQ(emu_hart_hgeie(&hb) & (1ULL << m.line), 0);
	CHECK(hgei_owner(&b, m.line) == &owner, "moved");
	/* And back again, to the same first line on A. */
	CHECK_EQ(hgei_move(&b, m.line, &a, &owner, false, &mops, &st, &l), 0);
	CHECK_EQ(l.line, 1);
	CHECK_EQ(hgei_owner(&b, m.line), 0);
	CHECK_EQ(hgei_free(&a, l.line, &owner), 0);
}

int main(void)
{
	test_move_carries();
	test_move_failures();
	test_move_unarmed();
	return check_summary("move");
}
