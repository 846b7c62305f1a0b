/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One table per line-allocator design, so the same benchmark drives hartgei and the
 * two designs it replaces (bench/baseline_*.c). Every entry has hgei.h's contract:
 * same arguments, same error codes, same struct hgei_line on success.
 */
#ifndef BENCH_IMPL_H
#define BENCH_IMPL_H

#include <stdint.h>
#include "hgei.h"

#define BENCH_MAX_HARTS	64	/* harts a baseline keeps state for */

struct bench_impl {
	const char *name;	/* metric prefix: "hgei", "spinlock", "global" */
	/* Sets up hart @index (any order, before any other call on it). hgei: the
	 * runtime already ran hgei_hart_init(); this only records the struct. */
	void (*init)(unsigned index, uint32_t hartid, unsigned lines, uint64_t slot_pa,
		     struct hgei_hart *h);
	void *(*hart)(unsigned index);
	/* On the hart of @hart (lib/hgei's local calls). */
	int (*alloc)(void *hart, void *owner, struct hgei_line *out);
	int (*free)(void *hart, unsigned line, void *owner);
	int (*arm)(void *hart, unsigned line, void *owner);
	int (*disarm)(void *hart, unsigned line, void *owner);
	/* From any hart, @hart's own included: lib/hgei's remote calls (which wait
	 * until the hart of @hart has served them); the baselines' alloc and free,
	 * which take that hart's lock (the global lock) from wherever they run. */
	int (*alloc_remote)(void *hart, void *owner, struct hgei_line *out);
	int (*free_remote)(void *hart, unsigned line, void *owner);
	/* free_remote without the wait, for a migrated vCPU's old line: lib/hgei's
	 * hgei_remote_free_async() into @req, complete once hgei_req_result(@req) is
	 * no longer HGEI_PENDING; returns < 0 when refused at once. NULL for the
	 * baselines: their free_remote waits for nobody. */
	int (*free_remote_post)(void *hart, unsigned line, void *owner, struct hgei_req *req);
	/* The SGEI handler of the calling hart, @hart being its own: masks every pending
	 * armed line and calls @ops->wake for its owner. hgei: hgei_handle_sgei(), with
	 * the ops its hgei_hart_init() registered (@ops is not used); the baselines:
	 * Linux KVM's handler, the owners looked up under their lock. */
	unsigned (*sgei)(void *hart, const struct hgei_ops *ops);
};

extern const struct bench_impl bench_hgei;	/* lib/hgei, per hart, no lock */
extern const struct bench_impl bench_spinlock;	/* per-hart spinlock, IRQs off (KVM) */
extern const struct bench_impl bench_global;	/* one lock, one line count */

#endif
