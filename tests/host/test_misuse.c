/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The API-misuse table (issue #6): every case starts from the same two harts with
 * lines in every state (free, owned, owned and armed), makes one wrong call, and must
 * get its documented code back while every line it had no business touching keeps
 * its owner, free bit, wake request and hgeie bit, on its own hart and on the other.
 */
#include <limits.h>
#include <string.h>

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
};

static struct owner own[8];
static struct emu_hart ea, eb, ex;
static struct hgei_hart ha, hb;

static void on_wake(void *o, uint32_t hartid, unsigned line)
{
	(void)hartid;
	(void)line;
	((struct owner *)o)->wakes++;
}

static void on_revoke(void *o, uint32_t hartid, unsigned line)
{
	(void)hartid;
	(void)line;
	((struct owner *)o)->revokes++;
}

static const struct hgei_ops ops = { .wake = on_wake, .revoke = on_revoke };

/* Per line: everything a misuse must leave alone. */
struct line_state {
	void *owner;
	bool free, want, hgeie;
};

struct hart_state {
	struct line_state line[HGEI_MAX_LINES + 1];
};

static void take(struct hgei_hart *h, struct emu_hart *e, struct hart_state *s)
{
	uint64_t free = atomic_load(&h->free), want = atomic_load(&h->want);
	uint64_t hgeie = emu_hart_hgeie(e);
	unsigned g;

	memset(s, 0, sizeof(*s));	/* padding too: the lines are compared with memcmp */
	for (g = 0; g <= HGEI_MAX_LINES; g++) {
		s->line[g].owner = atomic_load(&h->owners[g]);
		s->line[g].free = free >> g & 1;
		s->line[g].want = want >> g & 1;
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
	CHECK_EQ(atomic_load(&ha.free), 0xe8);
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

static int m_free_remote_foreign(void)
{
	int r;

	emu_hart_bind(&ex);
	r = call_free(4, &own[2]);
	emu_hart_bind(&ea);
	return r;
}

static struct hgei_line out;

static int m_alloc_null(void)		{ return hgei_alloc(&ha, NULL, &out); }
static int m_alloc_reserved(void)	{ return hgei_alloc(&ha, HGEI_REVOKED, &out); }

/* Alloc on a hart that went offline; the offline itself is checked in its own case. */
static int m_alloc_offline(void)
{
	CHECK_EQ(hgei_hart_offline(&ha), 3);
	return hgei_alloc(&ha, &own[7], &out);
}

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

/* From another hart: refused without a kick (the table also checks no kick came). */
static int m_arm_remote_foreign(void)
{
	int r;

	emu_hart_bind(&ex);
	r = hgei_arm(&ha, 1, &own[4]);
	emu_hart_bind(&ea);
	return r;
}

static int m_init_online(void)		{ return hgei_hart_init(&ha, HART_A, 7, SLOT_PA, &ops); }

/* An SGEI for line 4 after its owner freed it from another hart (the stale hgeie bit
 * a remote free leaves): nobody is woken, the line is masked and counted spurious. */
static int m_sgei_no_owner(void)
{
	struct hgei_counters c;
	int r;

	emu_hart_bind(&ex);
	CHECK_EQ(hgei_free(&ha, 4, &own[4]), 0);
	emu_hart_bind(&ea);
	emu_hart_raise(&ea, 1ULL << 4);
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
	CHECK_EQ(atomic_load(&ha.want), 0);
	CHECK_EQ(atomic_load(&ha.free), 0);
	for (g = 0; g <= HGEI_MAX_LINES; g++)
		CHECK(!hgei_owner(&ha, g), "line %u owned after offline", g);
	/* Nothing an old owner does afterwards reaches the hart. */
	CHECK_EQ(hgei_free(&ha, 2, &own[2]), -HGEI_EINVAL);
	CHECK_EQ(hgei_arm(&ha, 4, &own[4]), -HGEI_EINVAL);
	CHECK_EQ(hgei_disarm(&ha, 1, &own[1]), -HGEI_EINVAL);
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
	uint64_t may;	/* lines of hart A the case is allowed to change */
};

static const struct misuse table[] = {
	{ "double free", m_double_free, -HGEI_EINVAL, 0 },
	{ "double free, any owner", m_double_free_any, -HGEI_EINVAL, 0 },
	{ "free of a line never allocated", m_free_unallocated, -HGEI_EINVAL, 0 },
	{ "free from a foreign owner", m_free_foreign, -HGEI_EINVAL, 0 },
	{ "free by another hart's owner", m_free_other_harts, -HGEI_EINVAL, 0 },
	{ "remote free from a foreign owner", m_free_remote_foreign, -HGEI_EINVAL, 0 },
	{ "free of line 0", m_free_line0, -HGEI_EINVAL, 0 },
	{ "free of line 0 by an owner", m_free_line0_owner, -HGEI_EINVAL, 0 },
	{ "free of line n + 1", m_free_above_n, -HGEI_EINVAL, 0 },
	{ "free of line 63", m_free_63, -HGEI_EINVAL, 0 },
	{ "free of line 64", m_free_64, -HGEI_EINVAL, 0 },
	{ "free of line UINT_MAX", m_free_uint_max, -HGEI_EINVAL, 0 },
	{ "alloc for NULL", m_alloc_null, -HGEI_EINVAL, 0 },
	{ "alloc for the reserved owner", m_alloc_reserved, -HGEI_EINVAL, 0 },
	{ "alloc on an offline hart", m_alloc_offline, -HGEI_ENODEV, ALL_LINES },
	{ "arm of a foreign line", m_arm_foreign, -HGEI_EINVAL, 0 },
	{ "arm of a freed line", m_arm_free_line, -HGEI_EINVAL, 0 },
	{ "arm of a line never allocated", m_arm_unallocated, -HGEI_EINVAL, 0 },
	{ "arm for NULL", m_arm_null, -HGEI_EINVAL, 0 },
	{ "arm of line 0", m_arm_line0, -HGEI_EINVAL, 0 },
	{ "arm of line n + 1", m_arm_above_n, -HGEI_EINVAL, 0 },
	{ "arm of line 64", m_arm_64, -HGEI_EINVAL, 0 },
	{ "arm by another hart's owner", m_arm_other_harts, -HGEI_EINVAL, 0 },
	{ "remote arm of a foreign line", m_arm_remote_foreign, -HGEI_EINVAL, 0 },
	{ "disarm of a foreign line", m_disarm_foreign, -HGEI_EINVAL, 0 },
	{ "disarm of a freed line", m_disarm_free_line, -HGEI_EINVAL, 0 },
	{ "init of an online hart", m_init_online, -HGEI_EBUSY, 0 },
	/* Returns the owners woken: 0. Line 4 is freed and masked, nothing else moves. */
	{ "SGEI for a line with no owner", m_sgei_no_owner, 0, 1ULL << 4 },
	/* Returns the lines revoked (1, 2, 4); hart B must not notice. */
	{ "offline with lines armed", m_offline_armed, 3, ALL_LINES },
	{ "offline of an offline hart", m_offline_twice, -HGEI_ENODEV, ALL_LINES },
};

int main(void)
{
	struct hart_state a, b;
	unsigned i, ka, kb;
	uint64_t da, db;
	int got;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct misuse *m = &table[i];

		setup();
		take(&ha, &ea, &a);
		take(&hb, &eb, &b);
		emu_hart_take_kicks(&ea);
		emu_hart_take_kicks(&eb);
		memset(&out, 0xa5, sizeof(out));
		got = m->call();
		CHECK(got == m->want, "%s: returned %d, want %d", m->what, got, m->want);
		da = changed(&a, &ha, &ea, m->may);
		db = changed(&b, &hb, &eb, 0);
		CHECK(!da, "%s: changed hart A lines %#llx", m->what, (unsigned long long)da);
		CHECK(!db, "%s: changed hart B lines %#llx", m->what, (unsigned long long)db);
		ka = emu_hart_take_kicks(&ea);
		kb = emu_hart_take_kicks(&eb);
		CHECK(!ka && !kb, "%s: kicked hart A %u, hart B %u times", m->what, ka, kb);
		if (m->call == m_alloc_null || m->call == m_alloc_reserved ||
		    m->call == m_alloc_offline)
			CHECK(!out.line && !out.file_pa && !out.hstatus_vgein,
			      "%s: outputs not cleared", m->what);
		/* Hart B's owners were never woken or revoked by hart A's troubles. */
		CHECK(!own[5].wakes && !own[5].revokes && !own[6].wakes && !own[6].revokes,
		      "%s: hart B's owners called back", m->what);
		teardown();
	}
	return check_summary("misuse");
}
