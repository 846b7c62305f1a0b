/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Software interrupt files (issue 17) on the boot hart, median of BENCH_RUNS, call
 * and return included, the instret overhead subtracted:
 *   swfile_delivery: from the emulated store (the hypervisor holds the value the
 *     guest or a device stored to seteipnum_le) to VSEIP visible at the guest's level:
 *     hgei_swfile_msi(), hgei_swfile_vseip(), the hvip.VSEIP write, and hip read back
 *     with VSEIP set (what the guest takes on its next instruction in VS-mode). The
 *     trap that brings the store to the hypervisor and the sret back are not in it:
 *     they are the runtime's trap round trip (trap_roundtrip, bench_sgei.c).
 *   swfile_claim: the guest's trapped csrrw stopei emulated: hgei_swfile_topei()
 *     with claim, hgei_swfile_vseip() and the hvip.VSEIP write.
 *   promote: hgei_promote() of a software file with one identity pending into a line
 *     of the same hart, for a vCPU that is not blocked (run_on a direct call, redirect
 *     empty: a hypervisor's G-stage PTE write and fence come on top), the real vsfile
 *     hooks; demote: hgei_demote() of that line back. 63 identities (one word).
 *     promote_armed: the same for a blocked vCPU, the SGEI its forwarded identity
 *     raises included. The steps of the last run (promote_step_*, demote_step_*)
 *     show where the cost goes.
 */
#include "../../firmware/csr.h"
#include "hgei_swfile.h"
#include "hgei_vsfile.h"
#include "bench_fw.h"

#define SW_ID		5

static void sw_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	(void)hartid;
	(void)line;
}

static const struct hgei_ops sw_ops = { .wake = sw_wake };

/* Where the cost goes: an instret stamp as each hook begins and ends (2 instructions
 * each, left in the figures); the last run's stamps are printed as steps. */
static uint64_t stamp[8];
static unsigned nstamp;

static inline void mark(void)
{
	if (nstamp < 8)
		stamp[nstamp++] = bench_instret();
}

static void run_here(uint32_t hartid, void (*fn)(void *), void *arg)
{
	unsigned long flags;

	mark();
	flags = hgei_arch_irq_save();
	(void)hartid;
	fn(arg);
	hgei_arch_irq_restore(flags);
	mark();
}

static void no_redirect(void *owner, uint64_t file_pa)
{
	(void)owner;
	(void)file_pa;
	mark();
}

static void forward(uint64_t file_pa, const void *state)
{
	mark();
	hgei_vsfile_op_forward(file_pa, state);
	mark();
}

static const struct hgei_move_ops sw_mops = {
	.run_on = run_here,
	.file_save = hgei_vsfile_op_save, .file_load = hgei_vsfile_op_load,
	.file_drain = hgei_vsfile_op_drain, .file_forward = forward,
	.redirect = no_redirect,
};

static struct hgei_swfile sw;
static struct hgei_vsfile_state st;

/* The emulation's side of delivery, as a hypervisor's store handler ends. */
static __attribute__((noinline)) uint64_t deliver(uint32_t value)
{
	if (hgei_swfile_msi(&sw, value) || hgei_swfile_vseip(&sw))
		csr_set(CSR_HVIP, HVIP_VSEIP);
	return csr_read(CSR_HIP) & HVIP_VSEIP;
}

static __attribute__((noinline)) uint32_t claim(void)
{
	uint32_t v = hgei_swfile_topei(&sw, true);

	if (hgei_swfile_vseip(&sw))
		csr_set(CSR_HVIP, HVIP_VSEIP);
	else
		csr_clear(CSR_HVIP, HVIP_VSEIP);
	return v;
}

void bench_swfile(struct fw_hart *self)
{
	uint64_t dl[BENCH_RUNS], cl[BENCH_RUNS], pr[BENCH_RUNS], de[BENCH_RUNS], pa[BENCH_RUNS];
	uint64_t psteps[6] = { 0 }, dsteps[6] = { 0 };
	struct hgei_line l;
	int err;
	uint64_t o = bench_overhead();
	struct hgei_hart *h = &self->hgei;
	static int owner;
	unsigned bad = 0;
	int lines;

	hgei_hart_offline(h);
	lines = hgei_hart_init(h, self->hartid, self->dt->dt_guest_files, self->dt->slot_pa,
			       &sw_ops);
	if (lines <= 0 || hgei_swfile_init(&sw, 63)) {
		fw_printf("bench: swfile: no line on hart %u\n", self->hartid);
		return;
	}
	/* The guest's set-up of its (software) file: on, identity SW_ID enabled. */
	bad += hgei_swfile_rmw(&sw, 0x70, NULL, 1, ~0ULL) != 0;
	bad += hgei_swfile_rmw(&sw, 0xc0, NULL, 1ULL << SW_ID, ~0ULL) != 0;
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		uint64_t t0, seen;
		uint32_t got;

		t0 = bench_instret();
		seen = deliver(SW_ID);
		dl[r] = bench_instret() - t0;
		t0 = bench_instret();
		got = claim();
		cl[r] = bench_instret() - t0;
		bad += !seen || got != (SW_ID << 16 | SW_ID) || (csr_read(CSR_HIP) & HVIP_VSEIP);
	}
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		uint64_t t0;

		/* A descheduled vCPU (not armed), one identity pending while it moves. */
		hgei_swfile_msi(&sw, SW_ID);
		nstamp = 0;
		t0 = bench_instret();
		err = hgei_promote(&sw, h, &owner, false, &sw_mops, &st, &l);
		pr[r] = bench_instret() - t0;
		/* stamps: run_on in, out; redirect; forward in, out */
		if (nstamp == 5)
			for (unsigned i = 0; i < 6; i++)
				psteps[i] = (i < 5 ? stamp[i] : t0 + pr[r]) - (i ? stamp[i - 1] : t0);
		bad += err != 0 || nstamp != 5;
		if (err)
			break;
		nstamp = 0;
		t0 = bench_instret();
		err = hgei_demote(h, l.line, &owner, &sw, &sw_mops, &st);
		de[r] = bench_instret() - t0;
		/* stamps: run_on in, out; redirect; run_on in, out */
		if (nstamp == 5)
			for (unsigned i = 0; i < 6; i++)
				dsteps[i] = (i < 5 ? stamp[i] : t0 + de[r]) - (i ? stamp[i - 1] : t0);
		/* The identity went to the line's file and came back, pending once. */
		bad += err != 0 || nstamp != 5 ||
		       hgei_swfile_topei(&sw, true) != (SW_ID << 16 | SW_ID) ||
		       hgei_swfile_topei(&sw, true) != 0;
	}
	/* The same promote for a blocked vCPU: armed, so the forwarded identity raises
	 * the SGEI at once, on this hart: its trap and wake() are in the figure. */
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		uint64_t t0;

		hgei_swfile_msi(&sw, SW_ID);
		t0 = bench_instret();
		err = hgei_promote(&sw, h, &owner, true, &sw_mops, &st, &l);
		pa[r] = bench_instret() - t0;
		bad += err != 0 || hgei_demote(h, l.line, &owner, &sw, &sw_mops, &st) != 0 ||
		       hgei_swfile_topei(&sw, true) != (SW_ID << 16 | SW_ID);
		if (err)
			break;
	}
	bench_print("swfile_delivery_instr", bench_median(dl, BENCH_RUNS) - o, "instructions");
	bench_print("swfile_claim_instr", bench_median(cl, BENCH_RUNS) - o, "instructions");
	bench_print("promote_instr", bench_median(pr, BENCH_RUNS) - o, "instructions");
	bench_print("demote_instr", bench_median(de, BENCH_RUNS) - o, "instructions");
	bench_print("promote_armed_instr", bench_median(pa, BENCH_RUNS) - o, "instructions");
	/* The last run's steps, stamps included (docs/performance.md). */
	bench_print("promote_step_save_instr", psteps[0], "instructions");
	bench_print("promote_step_enter_instr", psteps[1], "instructions");
	bench_print("promote_step_check_instr", psteps[2], "instructions");
	bench_print("promote_step_take_instr", psteps[3], "instructions");
	bench_print("promote_step_forward_instr", psteps[4], "instructions");
	bench_print("promote_step_return_instr", psteps[5], "instructions");
	bench_print("demote_step_check_instr", dsteps[0], "instructions");
	bench_print("demote_step_leave_instr", dsteps[1], "instructions");
	bench_print("demote_step_load_instr", dsteps[2], "instructions");
	bench_print("demote_step_redirect_instr", dsteps[3], "instructions");
	bench_print("demote_step_drain_instr", dsteps[4], "instructions");
	bench_print("demote_step_forward_instr", dsteps[5], "instructions");
	if (bad)
		fw_printf("bench: swfile: %u errors\n", bad);
}
