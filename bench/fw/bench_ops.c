/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Single operations on the boot hart, every other hart asleep: alloc and free on the
 * boot hart's own lines (local) and on another hart's (remote), arm and disarm. Each
 * is the median of BENCH_RUNS calls, call and return included, the instret overhead
 * subtracted. lib/hgei is timed through direct calls (the headline figures) and, like
 * the baselines, through the bench table (one more instruction: the tail call).
 */
#include <stdio.h>
#include "../../firmware/csr.h"
#include "../../firmware/sbi.h"
#include "bench_fw.h"
#include "bench_relax.h"

struct op_costs {
	uint64_t alloc_local, free_local, alloc_remote, free_remote, arm, disarm;
};

static unsigned errors;

#define TIMED(dst, call) do {						\
	uint64_t __t0 = bench_instret();				\
	int __err = (call);						\
	(dst) = bench_instret() - __t0;					\
	errors += __err != 0;						\
} while (0)

/* The owner used for every line; its address is all the allocators see. */
static struct { uint64_t pad; } owner;

/*
 * A remote call of lib/hgei spins until the other hart has taken its kick and served
 * the request, and under QEMU -icount the other hart runs only once the caller's
 * slice is over: the spin is the rest of that slice. Before each remote call the
 * caller's timer deadline is put BENCH_SLICE_TICKS ahead (bench_relax.h), which bounds
 * the slice to about 2,500 / 2 vCPUs = 1,250 instructions; without it the slice ran to
 * the sleeping hart's 50 ms wait timer and a call counted 200,000 to 600,000.
 */
static void pace(void)
{
	*bench_mtimecmp(fw_self->hartid) = csr_read(CSR_TIME) + BENCH_SLICE_TICKS;
}

static void table_pair(const struct bench_impl *impl, void *h, bool remote, uint64_t *a,
		       uint64_t *f)
{
	uint64_t da[BENCH_RUNS], df[BENCH_RUNS];
	struct hgei_line l;

	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		if (remote) {
			pace();
			TIMED(da[r], impl->alloc_remote(h, &owner, &l));
			pace();
			TIMED(df[r], impl->free_remote(h, l.line, &owner));
		} else {
			TIMED(da[r], impl->alloc(h, &owner, &l));
			TIMED(df[r], impl->free(h, l.line, &owner));
		}
	}
	*a = bench_median(da, BENCH_RUNS);
	*f = bench_median(df, BENCH_RUNS);
}

static void table_arm(const struct bench_impl *impl, void *h, struct op_costs *c)
{
	uint64_t da[BENCH_RUNS], dd[BENCH_RUNS];
	struct hgei_line l;

	errors += impl->alloc(h, &owner, &l) != 0;
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		TIMED(da[r], impl->arm(h, l.line, &owner));
		TIMED(dd[r], impl->disarm(h, l.line, &owner));
	}
	errors += impl->free(h, l.line, &owner) != 0;
	c->arm = bench_median(da, BENCH_RUNS);
	c->disarm = bench_median(dd, BENCH_RUNS);
}

/* Local calls on the boot hart; remote ones wait for the other hart to serve them,
 * so their count includes its wake-up from wfi, its trap and the caller's spin
 * (one global instret; see pace()). */
static void direct_pair(struct hgei_hart *h, bool remote, uint64_t *a, uint64_t *f)
{
	uint64_t da[BENCH_RUNS], df[BENCH_RUNS];
	struct hgei_line l;

	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		if (remote) {
			pace();
			TIMED(da[r], hgei_remote_alloc(h, &owner, &l));
			pace();
			TIMED(df[r], hgei_remote_free(h, l.line, &owner));
		} else {
			TIMED(da[r], hgei_alloc(h, &owner, &l));
			TIMED(df[r], hgei_free(h, l.line, &owner));
		}
	}
	*a = bench_median(da, BENCH_RUNS);
	*f = bench_median(df, BENCH_RUNS);
}

static void direct_arm(struct hgei_hart *h, struct op_costs *c)
{
	uint64_t da[BENCH_RUNS], dd[BENCH_RUNS];
	struct hgei_line l;

	errors += hgei_alloc(h, &owner, &l) != 0;
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		TIMED(da[r], hgei_arm(h, l.line, &owner));
		TIMED(dd[r], hgei_disarm(h, l.line, &owner));
	}
	errors += hgei_free(h, l.line, &owner) != 0;
	c->arm = bench_median(da, BENCH_RUNS);
	c->disarm = bench_median(dd, BENCH_RUNS);
}

static void print_costs(const char *prefix, const struct op_costs *c, uint64_t o, bool remote)
{
	static const char *const names[] = {
		"alloc_local", "free_local", "alloc_remote", "free_remote", "arm", "disarm",
	};
	const uint64_t *v = &c->alloc_local;
	char metric[64];

	for (unsigned i = 0; i < 6; i++) {
		if (!remote && (i == 2 || i == 3))
			continue;
		snprintf(metric, sizeof(metric), "%s%s%s_instr", prefix, *prefix ? "_" : "",
			 names[i]);
		bench_print(metric, v[i] - o, "instructions");
	}
}

void bench_ops(struct fw_hart *self, struct fw_hart *remote)
{
	static const struct bench_impl *const impls[] = {
		&bench_hgei, &bench_spinlock, &bench_global,
	};
	uint64_t o = bench_overhead();
	struct op_costs c;

	bench_print("instret_overhead", o, "instructions");
	direct_pair(&self->hgei, false, &c.alloc_local, &c.free_local);
	if (remote)
		direct_pair(&remote->hgei, true, &c.alloc_remote, &c.free_remote);
	direct_arm(&self->hgei, &c);
	print_costs("", &c, o, remote);

	for (unsigned i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
		const struct bench_impl *impl = impls[i];

		impl->init(0, self->hartid, (unsigned)self->lines, self->dt->slot_pa,
			   &self->hgei);
		if (remote)
			impl->init(1, remote->hartid, (unsigned)remote->lines,
				   remote->dt->slot_pa, &remote->hgei);
		table_pair(impl, impl->hart(0), false, &c.alloc_local, &c.free_local);
		if (remote)
			table_pair(impl, impl->hart(1), true, &c.alloc_remote, &c.free_remote);
		table_arm(impl, impl->hart(0), &c);
		print_costs(impl->name, &c, o, remote);
	}
	/* The kick alone: the SBI IPI to the sleeping hart, the sender's side (the
	 * M-mode layer's ecall); the target's trap comes after the sender's slice. */
	if (remote) {
		uint64_t dk[BENCH_RUNS];

		for (unsigned r = 0; r < BENCH_RUNS; r++) {
			pace();
			uint64_t t0 = bench_instret();
			sbi_send_ipi(1, remote->hartid);
			dk[r] = bench_instret() - t0;
		}
		bench_print("kick_send_instr", bench_median(dk, BENCH_RUNS) - o, "instructions");
	}
	/* The asynchronous remote free as its caller pays for it: the post (one LR/SC)
	 * and the kick; its completion is awaited outside the count. */
	if (remote) {
		uint64_t dp[BENCH_RUNS];
		struct hgei_req req;
		struct hgei_line l;

		for (unsigned r = 0; r < BENCH_RUNS; r++) {
			pace();
			errors += hgei_remote_alloc(&remote->hgei, &owner, &l) != 0;
			pace();
			TIMED(dp[r], hgei_remote_free_async(&remote->hgei, l.line, &owner, &req));
			errors += hgei_req_wait(&req) != 0;
		}
		bench_print("free_remote_async_instr", bench_median(dp, BENCH_RUNS) - o,
			    "instructions");
	}
	bench_print("ops_errors", errors, "calls");
}
