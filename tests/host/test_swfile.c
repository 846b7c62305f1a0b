/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The software interrupt file (hgei_swfile.h) against the AIA specification's rules:
 * a table of cases (threshold, delivery off and 0x40000000, identity 0 and beyond the
 * top, claim order, eie masking, file sizes), the siselect/sireg window (reserved,
 * odd and absent registers, read-only bits, csrrs/csrrc), stopei's claim, and two
 * threads: a sender's MSIs against the vCPU's claims (each identity claimed exactly
 * once) and against its enables (the sender or the vCPU sees VSEIP, never neither).
 */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "hgei_swfile.h"

#define NOID	0xffffu		/* ends an identity list */
#define TOP(id)	((uint32_t)(id) << 16 | (id))

struct swcase {
	const char *what;
	unsigned nr_ids;
	uint64_t delivery, threshold;	/* as the guest writes them */
	unsigned enabled[5];		/* identities set in eie, NOID-terminated */
	uint32_t msis[5];		/* values written to seteipnum_le, NOID-terminated */
	uint32_t top;			/* stopei read */
	bool vseip, last_msi;		/* hgei_swfile_vseip(), the last msi()'s return */
	unsigned claims[5];		/* stopei claims in order, then 0; NOID: skip */
};

static const struct swcase cases[] = {
	{ "empty file", 63, 1, 0, { NOID }, { NOID }, 0, false, false, { 0 } },
	{ "one enabled MSI", 63, 1, 0, { 5, NOID }, { 5, NOID }, TOP(5), true, true, { 5, 0 } },
	/* §3.9: topei does not look at eidelivery; §3.10: the signal does. */
	{ "delivery off", 63, 0, 0, { 5, NOID }, { 5, NOID }, TOP(5), false, false, { 5, 0 } },
	/* §3.8.1: guest files do not support 0x40000000; it reads back 0, acts as 0. */
	{ "delivery 0x40000000", 63, 0x40000000, 0, { 5, NOID }, { 5, NOID }, TOP(5), false,
	  false, { 5, 0 } },
	{ "delivery 0x40000001 keeps bit 0", 63, 0x40000001, 0, { 5, NOID }, { 5, NOID },
	  TOP(5), true, true, { 5, 0 } },
	/* §3.1, §3.5: identity 0 and values above N are not implemented: ignored. */
	{ "identity 0", 63, 1, 0, { 1, NOID }, { 0, NOID }, 0, false, false, { 0 } },
	{ "identity 64 in a 63 file", 63, 1, 0, { 63, NOID }, { 64, 63, NOID }, TOP(63), true,
	  true, { 63, 0 } },
	{ "beyond the top", 127, 1, 0, { 127, NOID }, { 127, 128, NOID }, TOP(127), true, false,
	  { 127, 0 } },
	{ "largest file", 2047, 1, 0, { 2047, 1000, NOID }, { 2048, 2047, 1000, NOID },
	  TOP(1000), true, true, { 1000, 2047, 0 } },
	{ "huge value", 2047, 1, 0, { 1, NOID }, { 0xffffffffu, 0x10001, NOID }, 0, false, false,
	  { 0 } },
	/* §3.3: the lowest identity first, across words. */
	{ "claim order", 255, 1, 0, { 9, 3, 70, 200, NOID }, { 70, 9, 200, 3, NOID }, TOP(3), true,
	  true, { 3, 9, 70, 200, 0 } },
	/* eie masks: a pending identity that is not enabled is not reported. */
	{ "eie masking", 127, 1, 0, { 9, NOID }, { 3, 9, 65, NOID }, TOP(9), true, false,
	  { 9, 0 } },
	{ "nothing enabled", 63, 1, 0, { NOID }, { 3, 9, NOID }, 0, false, false, { 0 } },
	/* §3.8.2: identities P and up do not count; P = 0 means no threshold. */
	{ "threshold at the identity", 63, 1, 9, { 9, NOID }, { 9, NOID }, 0, false, false,
	  { 0 } },
	{ "threshold above", 63, 1, 10, { 9, NOID }, { 9, NOID }, TOP(9), true, true, { 9, 0 } },
	{ "threshold splits", 127, 1, 64, { 8, 63, 64, 100, NOID }, { 100, 64, 63, 8, NOID },
	  TOP(8), true, true, { 8, 63, 0 } },
	{ "threshold 1 stops all", 63, 1, 1, { 1, 2, NOID }, { 1, 2, NOID }, 0, false, false,
	  { 0 } },
	{ "threshold 0 stops none", 63, 1, 0, { 62, NOID }, { 62, NOID }, TOP(62), true, true,
	  { 62, 0 } },
	{ "threshold above N", 63, 1, 2000, { 62, NOID }, { 62, NOID }, TOP(62), true, true,
	  { 62, 0 } },
};

static void enable(struct hgei_swfile *f, unsigned id)
{
	unsigned long isel = 0xc0 + 2 * (id / 64);

	CHECK_EQ(hgei_swfile_rmw(f, isel, NULL, 1ULL << (id % 64), 1ULL << (id % 64)), 0);
}

static void run_case(const struct swcase *c)
{
	struct hgei_swfile f;
	bool last = false;

	memset(&f, 0x5a, sizeof(f));
	CHECK_EQ(hgei_swfile_init(&f, c->nr_ids), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x70, NULL, c->delivery, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x72, NULL, c->threshold, ~0ULL), 0);
	for (unsigned i = 0; c->enabled[i] != NOID; i++)
		enable(&f, c->enabled[i]);
	for (unsigned i = 0; c->msis[i] != NOID; i++)
		last = hgei_swfile_msi(&f, c->msis[i]);
	/* The eip array holds exactly the implemented identities sent (§3.5, §3.8.3). */
	for (unsigned w = 0; w < 32; w++) {
		uint64_t want = 0, got = 77;

		for (unsigned i = 0; c->msis[i] != NOID; i++)
			if (c->msis[i] >= 1 && c->msis[i] <= c->nr_ids && c->msis[i] / 64 == w)
				want |= 1ULL << (c->msis[i] % 64);
		CHECK_EQ(hgei_swfile_rmw(&f, 0x80 + 2 * w, &got, 0, 0), 0);
		CHECK(got == want, "%s: eip%u %#llx, want %#llx", c->what, 2 * w,
		      (unsigned long long)got, (unsigned long long)want);
	}
	CHECK(hgei_swfile_topei(&f, false) == c->top, "%s: topei %#x, want %#x", c->what,
	      hgei_swfile_topei(&f, false), c->top);
	CHECK(hgei_swfile_vseip(&f) == c->vseip, "%s: vseip %d", c->what, !c->vseip);
	CHECK(last == c->last_msi, "%s: last msi() %d", c->what, last);
	/* A read does not claim. */
	CHECK(hgei_swfile_topei(&f, false) == c->top, "%s: read claimed", c->what);
	for (unsigned i = 0;; i++) {
		uint32_t v = hgei_swfile_topei(&f, true);

		CHECK(v == TOP(c->claims[i]), "%s: claim %u got %#x, want id %u", c->what, i, v,
		      c->claims[i]);
		if (!c->claims[i] || v != TOP(c->claims[i]))
			break;
	}
	CHECK(!hgei_swfile_vseip(&f), "%s: vseip after every claim", c->what);
}

static void test_table(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

static void test_init(void)
{
	struct hgei_swfile f;
	static const unsigned bad[] = { 0, 1, 62, 64, 65, 126, 2046, 2048, 2111, 4095 };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(hgei_swfile_init(&f, bad[i]) == -HGEI_EINVAL, "init(%u) accepted", bad[i]);
	CHECK_EQ(hgei_swfile_init(NULL, 63), -HGEI_EINVAL);
	for (unsigned n = 63; n <= 2047; n += 64) {
		CHECK_EQ(hgei_swfile_init(&f, n), 0);
		CHECK_EQ(f.words, (n + 1) / 64);
	}
}

/* The siselect/sireg window (AIA §2.3, §3.7, §3.8). */
static void test_window(void)
{
	struct hgei_swfile f;
	uint64_t old = 77;

	CHECK_EQ(hgei_swfile_init(&f, 127), 0);
	/* Outside 0x70..0xFF: not the file's. */
	CHECK_EQ(hgei_swfile_rmw(&f, 0x6f, &old, 1, ~0ULL), -HGEI_ENOENT);
	CHECK_EQ(old, 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x30, &old, 1, ~0ULL), -HGEI_ENOENT);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x100, &old, 1, ~0ULL), -HGEI_ENOENT);
	/* Reserved 0x71, 0x73..0x7F: read zero, writes ignored. */
	for (unsigned long s = 0x71; s < 0x80; s++) {
		if (s == 0x72)
			continue;
		old = 77;
		CHECK_EQ(hgei_swfile_rmw(&f, s, &old, ~0ULL, ~0ULL), 0);
		CHECK_EQ(old, 0);
		CHECK_EQ(hgei_swfile_rmw(&f, s, &old, 0, 0), 0);
		CHECK_EQ(old, 0);
	}
	/* Odd eipK/eieK do not exist on RV64: the guest's illegal instruction. */
	old = 77;
	CHECK_EQ(hgei_swfile_rmw(&f, 0x81, &old, 2, ~0ULL), -HGEI_EINVAL);
	CHECK_EQ(old, 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xbf, NULL, 0, 0), -HGEI_EINVAL);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc1, NULL, 2, ~0ULL), -HGEI_EINVAL);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xff, NULL, 0, 0), -HGEI_EINVAL);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc0, &old, 0, 0), 0);
	CHECK_EQ(old, 0);
	/* Bit 0 of eip0/eie0 (identity 0) is read-only zero. */
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc0, NULL, ~0ULL, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc0, &old, 0, 0), 0);
	CHECK_EQ(old, ~1ULL);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x80, NULL, 1, 1), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x80, &old, 0, 0), 0);
	CHECK_EQ(old, 0);
	/* Words beyond the file's 127 identities (eip4 = 128..191): read-only zero. */
	CHECK_EQ(hgei_swfile_rmw(&f, 0x84, NULL, ~0ULL, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x84, &old, 0, 0), 0);
	CHECK_EQ(old, 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc4, NULL, ~0ULL, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc4, &old, 0, 0), 0);
	CHECK_EQ(old, 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xbe, &old, ~0ULL, ~0ULL), 0);
	CHECK_EQ(old, 0);
	/* csrrs / csrrc: only the masked bits change; the old value comes back. */
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc2, NULL, 0xf0, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc2, &old, 0x0f, 0x0f), 0);	/* csrrs 0x0f */
	CHECK_EQ(old, 0xf0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc2, &old, 0, 0x30), 0);		/* csrrc 0x30 */
	CHECK_EQ(old, 0xff);
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc2, &old, 0, 0), 0);
	CHECK_EQ(old, 0xcf);
	/* eidelivery keeps bit 0 only (WARL); eithreshold eleven bits (WLRL 0..N). */
	CHECK_EQ(hgei_swfile_rmw(&f, 0x70, NULL, 0x40000000, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x70, &old, 0, 0), 0);
	CHECK_EQ(old, 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x70, &old, 1, 1), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x70, &old, 0, 0), 0);
	CHECK_EQ(old, 1);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x72, NULL, 127, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x72, &old, 0, 0), 0);
	CHECK_EQ(old, 127);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x72, NULL, 0, ~0ULL), 0);
	/* The guest's own eip writes: set (a self-interrupt), clear (a claim, §3.9 note). */
	CHECK_EQ(hgei_swfile_rmw(&f, 0x82, NULL, 1ULL << 4, 1ULL << 4), 0);	/* id 68 */
	CHECK_EQ(hgei_swfile_rmw(&f, 0xc2, NULL, 1ULL << 4, 1ULL << 4), 0);
	CHECK_EQ(hgei_swfile_topei(&f, false), TOP(68));
	CHECK(hgei_swfile_vseip(&f), "eip write: no vseip");
	CHECK_EQ(hgei_swfile_rmw(&f, 0x82, &old, 0, 1ULL << 4), 0);
	CHECK_EQ(old, 1ULL << 4);
	CHECK_EQ(hgei_swfile_topei(&f, false), 0);
	CHECK(!hgei_swfile_vseip(&f), "eip clear: vseip");
}

/* §3.9: a claim clears exactly the identity it reports; with nothing, nothing. */
static void test_claim(void)
{
	struct hgei_swfile f;
	uint64_t eip;

	CHECK_EQ(hgei_swfile_init(&f, 63), 0);
	CHECK_EQ(hgei_swfile_topei(&f, true), 0);
	/* Pending but not enabled: the claim must not clear it. */
	hgei_swfile_msi(&f, 7);
	CHECK_EQ(hgei_swfile_topei(&f, true), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x80, &eip, 0, 0), 0);
	CHECK_EQ(eip, 1ULL << 7);
	enable(&f, 7);
	enable(&f, 8);
	hgei_swfile_msi(&f, 8);
	/* Sent twice before a claim: one pending bit, one claim (as a real file). */
	hgei_swfile_msi(&f, 8);
	CHECK_EQ(hgei_swfile_topei(&f, true), TOP(7));
	CHECK_EQ(hgei_swfile_topei(&f, true), TOP(8));
	CHECK_EQ(hgei_swfile_topei(&f, true), 0);
	CHECK_EQ(hgei_swfile_rmw(&f, 0x80, &eip, 0, 0), 0);
	CHECK_EQ(eip, 0);
}

/* Two threads: MSIs from a sender, claims and enables on the vCPU's side. */
#define ROUNDS	300

static struct hgei_swfile shared;
static pthread_barrier_t bar;
static _Atomic bool sender_saw[ROUNDS];

static void *sender(void *arg)
{
	(void)arg;
	for (unsigned r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&bar);
		for (uint32_t id = 1; id <= 63; id++)
			hgei_swfile_msi(&shared, id);
		pthread_barrier_wait(&bar);
	}
	for (unsigned r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&bar);
		atomic_store(&sender_saw[r], hgei_swfile_msi(&shared, 1 + r % 63));
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t t;
	unsigned lost = 0, doubled = 0, missed = 0;

	CHECK_EQ(hgei_swfile_init(&shared, 63), 0);
	CHECK_EQ(pthread_barrier_init(&bar, NULL, 2), 0);
	CHECK_EQ(hgei_swfile_rmw(&shared, 0xc0, NULL, ~0ULL, ~0ULL), 0);
	CHECK_EQ(hgei_swfile_rmw(&shared, 0x70, NULL, 1, 1), 0);
	CHECK_EQ(pthread_create(&t, NULL, sender, NULL), 0);
	/* Claims race the MSIs: every identity is claimed once per round. */
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t got = 0;
		unsigned n = 0;

		pthread_barrier_wait(&bar);
		while (n < 63) {
			uint32_t v = hgei_swfile_topei(&shared, true);

			if (!v)
				continue;
			doubled += !!(got & (1ULL << (v >> 16)));
			got |= 1ULL << (v >> 16);
			n++;
		}
		pthread_barrier_wait(&bar);
		lost += got != ~1ULL;
		doubled += hgei_swfile_topei(&shared, true) != 0;
	}
	/* Enables race the MSIs: the sender or the vCPU's side sees VSEIP. */
	for (unsigned r = 0; r < ROUNDS; r++) {
		bool mine;

		CHECK_EQ(hgei_swfile_rmw(&shared, 0xc0, NULL, 0, ~0ULL), 0);
		pthread_barrier_wait(&bar);
		hgei_swfile_rmw(&shared, 0xc0, NULL, ~0ULL, ~0ULL);
		mine = hgei_swfile_vseip(&shared);
		pthread_barrier_wait(&bar);
		missed += !mine && !atomic_load(&sender_saw[r]);
		while (hgei_swfile_topei(&shared, true))
			;
	}
	pthread_join(t, NULL);
	pthread_barrier_destroy(&bar);
	CHECK(!lost && !doubled, "%u rounds lost an identity, %u claims doubled", lost, doubled);
	CHECK(!missed, "%u rounds where neither side saw VSEIP", missed);
}

int main(void)
{
	test_table();
	test_init();
	test_window();
	test_claim();
	test_threads();
	return check_summary("swfile");
}
