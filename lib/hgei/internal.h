/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the lib/hgei files; not part of the API. */
#ifndef HGEI_INTERNAL_H
#define HGEI_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "hgei.h"
#include "hgei_port.h"

/* (void *)1 is reserved (hgei.h): owners are pointers above it. */
static inline bool hgei_is_owner(const void *p)
{
	return (uintptr_t)p > 1;
}

static inline uint64_t hgei_line_bit(unsigned long line)
{
	return 1ULL << line;
}

/* Past owners[]. Line 0 needs no test of its own: owners[0] is never an owner. */
static inline bool hgei_line_bad(unsigned line)
{
	return line > HGEI_MAX_LINES;
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

/* Number of set bits of @x. Without Zbb GCC 12 calls libgcc for the builtin. */
static inline unsigned long hgei_popcount(uint64_t x)
{
#ifdef __riscv_zbb
	return (unsigned long)__builtin_popcountll(x);
#else
	unsigned long n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
#endif
}

/* A request list's end: the list is open (online) and takes requests. */
#define HGEI_REQS_OPEN		((struct hgei_req *)(uintptr_t)1)

enum hgei_req_op { HGEI_REQ_ALLOC, HGEI_REQ_FREE, HGEI_REQ_ARM, HGEI_REQ_DISARM };
/* struct hgei_req is in hgei.h: hgei_remote_free_async() callers hold one. */

/*
 * Replaces *@p if it is still *@expected, seq_cst on success, relaxed on failure;
 * on failure *@expected is the value found. The port may give its own
 * (hgei_arch_riscv.h does: GCC 12 drops the release half of C11's).
 */
#ifndef HGEI_ARCH_CAS_PTR
static inline bool hgei_arch_cas_ptr(void *_Atomic *p, void **expected, void *desired)
{
	return atomic_compare_exchange_strong_explicit(p, expected, desired,
						       memory_order_seq_cst,
						       memory_order_relaxed);
}
#endif

/*
 * A word that only its hart writes and other harts read whole: a plain store. C11's
 * relaxed store is the portable spelling; GCC 12 makes it an amoswap on RISC-V, so
 * the port gives a plain sd there (hgei_arch_riscv.h).
 */
#ifndef HGEI_ARCH_STORE
static inline void hgei_arch_store(_Atomic uint64_t *p, uint64_t v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline void hgei_arch_store_ptr(void *_Atomic *p, void *v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline void hgei_arch_store_int(_Atomic int *p, int v)
{
	atomic_store_explicit(p, v, memory_order_relaxed);
}

static inline int hgei_arch_load_acquire_int(const _Atomic int *p)
{
	return atomic_load_explicit((_Atomic int *)p, memory_order_acquire);
}

static inline void hgei_arch_store_release_int(_Atomic int *p, int v)
{
	atomic_store_explicit(p, v, memory_order_release);
}
#endif

/* A word of the hart's own that other harts may read (the free map, the counters):
 * on its hart nothing else writes it, so a relaxed load (a plain ld) is exact. */
static inline uint64_t hgei_load(const _Atomic uint64_t *p)
{
	return atomic_load_explicit((_Atomic uint64_t *)p, memory_order_relaxed);
}

/* A counter of the hart's own, read by others through hgei_hart_counters(). Only
 * with the hart's interrupts masked, so nothing on the hart interleaves with it. */
static inline void hgei_count(_Atomic uint64_t *c, uint64_t n)
{
	hgei_arch_store(c, hgei_load(c) + n);
}

/* The owner of @line, read on its own hart (where nothing can change it meanwhile). */
static inline void *hgei_owner_local(struct hgei_hart *h, unsigned line)
{
	return atomic_load_explicit(&h->owners[line], memory_order_relaxed);
}

/*
 * Host builds check that a local call runs on its hart (the harness knows every
 * thread's hart); on a real hart it would cost a port call per operation.
 */
#ifdef HGEI_HOST
bool hgei_wrong_hart(const struct hgei_hart *h);
bool hgei_wrong_hartid(uint32_t hartid);
#else
static inline bool hgei_wrong_hart(const struct hgei_hart *h)
{
	(void)h;
	return false;
}

static inline bool hgei_wrong_hartid(uint32_t hartid)
{
	(void)hartid;
	return false;
}
#endif

/* Serves the requests of @list (newest first, as pushed). */
void hgei_serve(struct hgei_hart *h, struct hgei_req *list);

/*
 * One step of a vCPU's move (move.c), run on its hart through ops->run_on; shared by
 * hgei_move() and hgei_promote()/hgei_demote() (promote.c), so all three take the same
 * loss-free order.
 */
struct hgei_move_step {
	struct hgei_hart *h;
	unsigned line;
	void *owner;
	const struct hgei_move_ops *ops;
	void *state;
	struct hgei_line *out;
	bool arm;
	int err;
	bool drained;	/* hgei_move_drain(): file_drain() ran (the state holds its eip) */
};

uint32_t hgei_hart_of(const struct hgei_hart *h);
static inline void hgei_line_clear(struct hgei_line *out)
{
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
}

/* On the old hart (run_on): disarm, file_save. */
void hgei_move_leave(void *arg);
/* From the caller: the new hart's allocate + file_load + arm step and its checks. */
int hgei_move_enter(struct hgei_move_step *new);
/* On the old hart (run_on): file_drain and free, as one step, if the line is not
 * another owner's by then (sets ->drained). */
void hgei_move_drain(void *arg);

/* The software file's side of promote and demote (swfile.c). */
struct hgei_swfile;
struct hgei_vsfile_state;
void hgei_swfile_save(const struct hgei_swfile *f, struct hgei_vsfile_state *s);
void hgei_swfile_load(struct hgei_swfile *f, const struct hgei_vsfile_state *s);
void hgei_swfile_take(struct hgei_swfile *f, struct hgei_vsfile_state *s);
void hgei_swfile_forward(struct hgei_swfile *f, const struct hgei_vsfile_state *s);

/* Test-only stall points (tests/host/test_interleave.c); nothing in other builds. */
#ifdef HGEI_TEST_HOOKS
enum hgei_stall {
	HGEI_STALL_REMOTE_BUILT,	/* a remote call has built its request, not posted it */
	HGEI_STALL_REMOTE_POSTED,	/* posted and kicked, not yet waiting */
	HGEI_STALL_SERVE_TAKEN,		/* the server has taken the list, served nothing */
	HGEI_STALL_SGEI_MASKED,		/* the SGEI handler has masked, woken nobody */
	HGEI_STALL_OFFLINE_CLOSED,	/* offline has closed the list, revoked nothing */
	HGEI_STALL_MOVE_ENTERED,	/* hgei_move(): the new line is set up, not redirected */
	HGEI_STALL_ALLOC_BEGIN,		/* a local alloc has begun, nothing masked yet */
	HGEI_STALL_SYNC_CHECKED,	/* review: hgei_sync saw requests, not yet masked */
	HGEI_STALL_PROMOTE_STEP,	/* promote/demote: between two of their steps */
};
void hgei_test_stall(enum hgei_stall at, struct hgei_hart *h);
#define HGEI_STALL(at, h)	hgei_test_stall(at, h)
#else
#define HGEI_STALL(at, h)	do { } while (0)
#endif

#endif
