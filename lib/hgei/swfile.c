/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest interrupt file emulated in memory (hgei_swfile.h), rule by rule from the
 * RISC-V AIA specification v1.0: chapter 3 (IMSIC) for the file, chapter 2 (CSRs) for
 * how a guest reaches it. Section numbers are those of the ratified v1.0 document.
 *
 * Two sides touch a file. Senders (any hart) only set eip bits, with an AMO. The
 * vCPU's side (one caller at a time) claims, writes the configuration and evaluates
 * VSEIP. Two orderings matter between them:
 *  - a device's (or sending guest's) data written before its MSI must be visible to
 *    the guest after it claims: the MSI's AMO releases, the claim's AMO acquires;
 *  - a sender and the vCPU's side both deciding "the other one will act" must not
 *    both miss: the sender sets eip then reads the configuration, the vCPU's side
 *    writes the configuration (or claims) then reads eip (hgei_swfile_vseip()), and
 *    each has a seq_cst fence between its write and its read (the store-buffering
 *    pattern: of two such fences one is first in the total order, so the read after
 *    the second sees the write before the first).
 */
#include "internal.h"
#include "hgei_swfile.h"

#define SEL_EIDELIVERY	0x70
#define SEL_EITHRESHOLD	0x72
#define SEL_EIP0	0x80
#define SEL_EIE0	0xc0
#define SEL_LAST	0xff
/* AIA §3.8.2: eithreshold must hold 0..N, N at most 2047: eleven bits. */
#define THRESHOLD_BITS	0x7ffULL

/* AIA §3.1: identity 0 is never valid, so bit 0 of word 0 (eip0/eie0) is read-only
 * zero (§3.8.3, §3.8.4); every other bit of a word in use is an implemented identity,
 * since the file's size is one less than a multiple of 64. */
static inline uint64_t word_mask(unsigned w)
{
	return w ? ~0ULL : ~1ULL;
}

static inline uint64_t load(const _Atomic uint64_t *p)
{
	return atomic_load_explicit((_Atomic uint64_t *)p, memory_order_relaxed);
}

int hgei_swfile_init(struct hgei_swfile *f, unsigned nr_ids)
{
	/* AIA §3.1: 63 to 2047 identities, one less than a multiple of 64. */
	if (!f || nr_ids < HGEI_SWFILE_MIN_IDS || nr_ids > HGEI_SWFILE_MAX_IDS ||
	    (nr_ids + 1) % 64)
		return -HGEI_EINVAL;
	/* Plain stores (hgei_arch_store): nothing runs on @f meanwhile, and GCC 12
	 * turns atomic_init() into an amoswap.d per word (66 AMOs for nothing). */
	for (unsigned w = 0; w < HGEI_VSFILE_MAX_WORDS; w++) {
		hgei_arch_store(&f->eip[w], 0);
		hgei_arch_store(&f->eie[w], 0);
	}
	/* AIA §3.4/§3.8.1: a guest file's state after reset is unspecified but valid;
	 * we pick delivery off, threshold 0, as a hypervisor would set up a new file. */
	hgei_arch_store(&f->eidelivery, 0);
	hgei_arch_store(&f->eithreshold, 0);
	f->nr_ids = nr_ids;
	f->words = (nr_ids + 1) / 64;
	f->promoted = 0;
	return 0;
}

/* The lowest pending-and-enabled identity under the threshold, or 0. AIA §3.3: lower
 * numbers have higher priority; §3.9: a nonzero eithreshold P leaves out P and up
 * (§3.8.2), and 0 when nothing qualifies. Relaxed loads: the caller orders them. */
static unsigned top_id(const struct hgei_swfile *f)
{
	uint64_t thr = load(&f->eithreshold);

	for (unsigned w = 0; w < f->words; w++) {
		uint64_t p = load(&f->eip[w]) & load(&f->eie[w]) & word_mask(w);

		if (p) {
			unsigned id = 64 * w + (unsigned)hgei_ctz(p);

			/* Every later candidate is larger, so none is under it either. */
			return thr && id >= thr ? 0 : id;
		}
	}
	return 0;
}

bool hgei_swfile_msi(struct hgei_swfile *f, uint32_t value)
{
	unsigned w;
	uint64_t bit, thr;

	/* AIA §3.5: a seteipnum_le write of a value that is not an implemented identity
	 * (0, above N) is ignored. */
	if (value == 0 || value > f->nr_ids)
		return false;
	w = value / 64;
	bit = 1ULL << (value % 64);
	/* Any hart. Release: the sender's earlier writes (the device's data) happen
	 * before the claim that acquires this bit (hgei_swfile_topei()). */
	atomic_fetch_or_explicit(&f->eip[w], bit, memory_order_release);
	/* Between our eip write and our configuration reads; pairs with the fence in
	 * hgei_swfile_vseip() (the file's comment): a vCPU's side that enables this
	 * identity concurrently either sees the bit or we see its enable. */
	atomic_thread_fence(memory_order_seq_cst);
	/* AIA §3.10: the file signals only with eidelivery = 1. */
	if (load(&f->eidelivery) != 1 || !(load(&f->eie[w]) & bit))
		return false;
	thr = load(&f->eithreshold);
	return !thr || value < thr;
}

/* Writes the bits of @wmask in an eip word, AMOs against concurrent MSIs; returns the
 * word before. acq_rel: a clear may be the guest's claim (AIA §3.9 note: claiming
 * through the eip array), which acquires like hgei_swfile_topei()'s. */
static uint64_t eip_rmw(_Atomic uint64_t *p, uint64_t wval, uint64_t wmask)
{
	uint64_t old;

	if (!wmask)		/* a read (csrr): no AMO */
		return load(p);
	old = atomic_fetch_and_explicit(p, ~(wmask & ~wval), memory_order_acq_rel);

	if (wmask & wval)
		atomic_fetch_or_explicit(p, wmask & wval, memory_order_release);
	return old;
}

/* The vCPU's side is the only writer of the configuration: a plain store (see
 * hgei_arch_store()), read whole by senders. */
static uint64_t cfg_rmw(_Atomic uint64_t *p, uint64_t wval, uint64_t wmask, uint64_t legal)
{
	uint64_t old = load(p);

	if (wmask)
		hgei_arch_store(p, ((old & ~wmask) | (wval & wmask)) & legal);
	return old;
}

int hgei_swfile_rmw(struct hgei_swfile *f, unsigned long isel, uint64_t *old,
		    uint64_t wval, uint64_t wmask)
{
	uint64_t v = 0;
	unsigned k, w;

	if (old)
		*old = 0;
	/* AIA §2.3: 0x70..0xFF are the interrupt file's; the rest is not ours. */
	if (isel < SEL_EIDELIVERY || isel > SEL_LAST)
		return -HGEI_ENOENT;
	if (isel == SEL_EIDELIVERY) {
		/* AIA §3.8.1: WARL, 0 or 1; guest files do not support 0x40000000 (APLIC
		 * direct delivery), so only bit 0 is kept: 0x40000000 reads back 0 and acts
		 * as 0, as the spec has it act when supported. */
		v = cfg_rmw(&f->eidelivery, wval, wmask, 1);
	} else if (isel == SEL_EITHRESHOLD) {
		/* AIA §3.8.2: WLRL holding 0..N; a value above N leaves every enabled
		 * identity under it, as 0 does. */
		v = cfg_rmw(&f->eithreshold, wval, wmask, THRESHOLD_BITS);
	} else if (isel < SEL_EIP0) {
		/* AIA §3.7: 0x71 and 0x73..0x7F are reserved: read zero, writes ignored. */
		v = 0;
	} else {
		k = (unsigned)(isel < SEL_EIE0 ? isel - SEL_EIP0 : isel - SEL_EIE0);
		/* AIA §3.8.3, §3.8.4: with XLEN 64 the odd eipK/eieK do not exist; from
		 * VS-mode the access raises a virtual-instruction exception, which the
		 * hypervisor turns into the guest's illegal instruction. */
		if (k & 1)
			return -HGEI_EINVAL;
		w = k / 2;
		/* Beyond the file's identities every bit is read-only zero. */
		if (w < f->words) {
			wmask &= word_mask(w);
			v = isel < SEL_EIE0 ? eip_rmw(&f->eip[w], wval, wmask) :
					      cfg_rmw(&f->eie[w], wval, wmask, word_mask(w));
		}
	}
	if (old)
		*old = v;
	return 0;
}

uint32_t hgei_swfile_topei(struct hgei_swfile *f, bool claim)
{
	unsigned id = top_id(f);

	/* AIA §3.9: a write claims the identity the read reports, clearing just that
	 * pending bit, whatever became pending since; with nothing reported it does
	 * nothing. Acquire: pairs with the MSI's release (the file's comment). */
	if (claim && id)
		atomic_fetch_and_explicit(&f->eip[id / 64], ~(1ULL << (id % 64)),
					  memory_order_acquire);
	/* AIA §3.9: identity in bits 26:16 and again, as its priority, in bits 10:0. */
	return id ? (uint32_t)(id << 16 | id) : 0;
}

bool hgei_swfile_vseip(const struct hgei_swfile *f)
{
	/* After the caller's configuration write or claim, before our eip reads; pairs
	 * with hgei_swfile_msi()'s fence (the file's comment). */
	atomic_thread_fence(memory_order_seq_cst);
	/* AIA §3.10: asserted iff eidelivery = 1 and a pending-and-enabled identity is
	 * under the threshold (if not zero). */
	return load(&f->eidelivery) == 1 && top_id(f) != 0;
}

/* The promote/demote steps' side of the software file (promote.c). */

void hgei_swfile_save(const struct hgei_swfile *f, struct hgei_vsfile_state *s)
{
	s->words = f->words;
	s->eidelivery = load(&f->eidelivery);
	s->eithreshold = load(&f->eithreshold);
	for (unsigned w = 0; w < f->words; w++)
		s->eie[w] = load(&f->eie[w]);
}

void hgei_swfile_load(struct hgei_swfile *f, const struct hgei_vsfile_state *s)
{
	/* The file is the owner's own memory: anything pending in it stays. */
	hgei_arch_store(&f->eithreshold, s->eithreshold & THRESHOLD_BITS);
	for (unsigned w = 0; w < f->words; w++)
		hgei_arch_store(&f->eie[w], s->eie[w] & word_mask(w));
	hgei_arch_store(&f->eidelivery, s->eidelivery & 1);
	f->promoted = 0;
}

void hgei_swfile_take(struct hgei_swfile *f, struct hgei_vsfile_state *s)
{
	/* Off first, so a late sender's hgei_swfile_msi() reports nothing to act on. */
	hgei_arch_store(&f->eidelivery, 0);
	/* Its vCPU holds a line now: a second promote is refused until a demote. */
	f->promoted = 1;
	/* One swap per word: an MSI landing meanwhile is in the value taken or still in
	 * the file, never lost between a read and a clear. Acquire as a claim does. */
	for (unsigned w = 0; w < f->words; w++)
		s->eip[w] = atomic_exchange_explicit(&f->eip[w], 0, memory_order_acquire) &
			    word_mask(w);
}

void hgei_swfile_forward(struct hgei_swfile *f, const struct hgei_vsfile_state *s)
{
	/* As MSIs would: release, for the data written before them (hgei_swfile_msi()). */
	for (unsigned w = 0; w < f->words; w++)
		if (s->eip[w] & word_mask(w))
			atomic_fetch_or_explicit(&f->eip[w], s->eip[w] & word_mask(w),
						 memory_order_release);
}
