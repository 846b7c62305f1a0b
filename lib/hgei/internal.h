/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the lib/hgei files; not part of the API. */
#ifndef HGEI_INTERNAL_H
#define HGEI_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "hgei.h"
#include "hgei_port.h"

/* owners[g] of a line taken away by hgei_hart_offline(): not NULL, so a racing
 * allocator's CAS(NULL -> owner) fails, and not an owner, so nobody can free it. */
#define HGEI_REVOKED		((void *)(uintptr_t)1)

static inline bool hgei_is_owner(const void *p)
{
	return (uintptr_t)p > (uintptr_t)HGEI_REVOKED;
}

static inline uint64_t hgei_line_bit(unsigned long line)
{
	return 1ULL << line;
}

/* Line 0 and anything above HGEI_MAX_LINES in one unsigned compare. */
static inline bool hgei_line_bad(unsigned line)
{
	return line - 1 >= HGEI_MAX_LINES;
}

/*
 * Index of the single set bit of @bit. GCC 12 turns __builtin_ctzl into a call to
 * libgcc's __ctzdi2 (about 60 instructions) unless Zbb provides ctz, so without Zbb
 * multiply by a de Bruijn sequence: its top six bits differ for each power of two.
 */
extern const uint8_t hgei_debruijn_index[64];
#define HGEI_DEBRUIJN64		0x022fdd63cc95386dULL

static inline unsigned long hgei_bit_index(uint64_t bit)
{
#ifdef __riscv_zbb
	return (unsigned long)__builtin_ctzll(bit);
#else
	return hgei_debruijn_index[(bit * HGEI_DEBRUIJN64) >> 58];
#endif
}

/* Count of trailing zeros of @x (not 0). */
static inline unsigned long hgei_ctz(uint64_t x)
{
#ifdef __riscv_zbb
	return (unsigned long)__builtin_ctzll(x);
#else
	return hgei_bit_index(x & -x);
#endif
}

/*
 * Claims the lowest set bit of *@free with one seq_cst read-modify-write: returns it,
 * or 0 when *@free is 0. The port may provide its own (arch_riscv.h does, for GCC 12's
 * sake); this is the portable one.
 */
#ifndef HGEI_ARCH_CLAIM_LOWEST
static inline uint64_t hgei_arch_claim_lowest(_Atomic uint64_t *free)
{
	uint64_t old = atomic_load_explicit(free, memory_order_relaxed), bit;

	do {
		if (!old)
			return 0;
		bit = old & -old;
	} while (!atomic_compare_exchange_weak_explicit(free, &old, old ^ bit,
							memory_order_seq_cst,
							memory_order_relaxed));
	return bit;
}
#endif

/*
 * Replaces owners[g] if it is still *@expected: seq_cst on success, relaxed on
 * failure. The port may provide its own (arch_riscv.h does: GCC 12 drops the release
 * half of this call on RISC-V); this is the portable one.
 */
#ifndef HGEI_ARCH_CAS_OWNER
static inline bool hgei_arch_cas_owner(void *_Atomic *p, void **expected, void *desired)
{
	return atomic_compare_exchange_strong_explicit(p, expected, desired,
						       memory_order_seq_cst,
						       memory_order_relaxed);
}
#endif

/* seq_cst and release RMWs whose old value is unused; the port may give its own. */
#ifndef HGEI_ARCH_AMO
static inline void hgei_arch_add_seqcst(_Atomic uint64_t *p, uint64_t n)
{
	atomic_fetch_add_explicit(p, n, memory_order_seq_cst);
}

static inline void hgei_arch_add_release(_Atomic uint64_t *p, uint64_t n)
{
	atomic_fetch_add_explicit(p, n, memory_order_release);
}

static inline void hgei_arch_or_release(_Atomic uint64_t *p, uint64_t v)
{
	atomic_fetch_or_explicit(p, v, memory_order_release);
}
#endif

/*
 * A counter only the owning hart updates: a plain load and store (no AMO); atomic
 * only so that hgei_hart_counters() on another hart reads whole values.
 */
static inline void hgei_local_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/*
 * Every hgei_alloc()/hgei_free() call is counted as begun here and as ended by one of
 * ctr_allocs/ctr_alloc_failures/ctr_frees/ctr_free_failures (release), so that
 * hgei_hart_offline() can wait until no call is in progress. seq_cst: with offline's
 * seq_cst exchanges of free/owners and its seq_cst load of calls, either offline sees
 * this call begun (and waits for it) or the call's seq_cst RMWs on free/owners come
 * after offline's in the single total order (and see the hart emptied).
 */
static inline void hgei_call_begin(struct hgei_hart *h)
{
	hgei_arch_add_seqcst(&h->calls, 1);
}

/* Release: the call's writes to free/owners/want happen before offline's acquire
 * read of this counter. Also a statistic; no other data is published through it. */
static inline void hgei_call_end(_Atomic uint64_t *ctr)
{
	hgei_arch_add_release(ctr, 1);
}

#endif
