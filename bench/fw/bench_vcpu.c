/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU cycles, the way a hypervisor uses its lines (Linux KVM, arch/riscv/kvm/aia*.c):
 * n harts at once each run VCPU_CYCLES cycles of
 *
 *   alloc a line on the own hart (vCPU load), arm it, an MSI into the line's guest
 *   file (the SGEI trap: the design's handler masks the line and calls wake()), the
 *   guest's claim, disarm, free (vCPU put);
 *
 * and one cycle in eight is a migration: the hart does not free that line itself
 * but hands it to the next participant, which frees it from there: lib/hgei through
 * hgei_remote_free_async() (bench/impl_hgei.c: the request is posted and the old
 * hart serves it when it takes the kick; the taker checks its completion before it
 * posts its next one and before its end), the baselines with their free on the other
 * hart's state under that hart's lock (the global lock), as KVM frees a migrated
 * vCPU's old line from its new hart.
 *
 * Cost per cycle = instructions retired by all harts from the first start to the
 * last end (a hart's end comes after it has freed every line handed to it), divided
 * by n * VCPU_CYCLES; median of BENCH_REPS runs. QEMU keeps one instret for all
 * harts, so this counts everything that runs meanwhile: the other harts' cycles,
 * waits (a remote call spinning until its target has served it, a lock waiter), the
 * kicks' SBI calls and traps. The same loop with a design that keeps no state
 * ("null": one fixed line, arm and disarm straight to hgeie) is the harness's share:
 * loop, MSI store, trap vector, claim, hand-over and the slice pacing below.
 *
 * QEMU -icount runs the harts round-robin: as in bench_contention.c each participant
 * keeps its ACLINT mtimecmp BENCH_SLICE_TICKS ahead (twice a cycle) so that QEMU
 * switches harts about once per few dozen instructions and the harts run side by side.
 */
#include <stdio.h>
#include "../../firmware/csr.h"
#include "bench_fw.h"
#include "hgei_port.h"
#include "hgei_vsfile.h"
#include "bench_relax.h"
#include "../baseline_null.h"

#define VCPU_CYCLES		256	/* per hart and run */
#define VCPU_MIGRATE_EVERY	8	/* cycle k is a migration when k % 8 == 7 */
#define VCPU_MSI_ID		5	/* the identity each MSI carries */
#define BENCH_REPS		3

static const uint32_t sizes[] = { 1, 2, 4, 8 };

static const struct bench_impl *const impls[] = {
	&bench_null, &bench_hgei, &bench_spinlock, &bench_global,
};
#define NR_IMPLS	(sizeof(impls) / sizeof(impls[0]))

/* ---- the vCPUs --------------------------------------------------------------------- */
/* Each participant's two vCPUs: one that stays, one that migrates (never more than
 * one line of it is out at a time: a hart hands over its next one only when the
 * last was taken). woken is written by wake(), in the SGEI trap on the same hart. */
struct vcpu {
	volatile uint64_t woken;
};

static struct vcpu vcpus[BENCH_MAX_HARTS][2];

static void vcpu_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct vcpu *v = owner;

	(void)hartid;
	(void)line;
	v->woken++;
}

static const struct hgei_ops vcpu_ops = { .wake = vcpu_wake };

/* The line participant p has handed over (0: none); taken by participant p + 1. */
static _Atomic uint32_t handoff[BENCH_MAX_HARTS];
/* Participant p has run all its cycles (its last hand-over is published). */
static _Atomic uint32_t cycles_done[BENCH_MAX_HARTS];

static void run_body(struct fw_hart **order, uint32_t pos, uint32_t word);
static struct bench_phase phase = { .body = run_body };

/* Set up once per hart, on the hart, before its first run: lib/hgei's hart with the
 * vCPU wake hook, every line's guest file on with VCPU_MSI_ID, the bench vector. */
static _Thread_local bool vcpu_set_up;

static int vcpu_setup(struct fw_hart *self)
{
	struct hgei_hart *h = &self->hgei;
	int lines;

	hgei_hart_offline(h);
	lines = hgei_hart_init(h, self->hartid, self->dt->dt_guest_files, self->dt->slot_pa,
			       &vcpu_ops);
	for (int g = 1; g <= lines; g++)
		hgei_vsfile_setup_one((unsigned)g, VCPU_MSI_ID);
	bench_trap_install();
	vcpu_set_up = true;
	return lines == self->lines ? 0 : 1;
}

static inline void pace(volatile uint64_t *mtimecmp)
{
	*mtimecmp = csr_read(CSR_TIME) + BENCH_SLICE_TICKS;
}

/* lib/hgei's asynchronous free of the last line taken from participant p: one at a
 * time, the taker's (p's successor) to complete. */
static struct hgei_req free_req[BENCH_MAX_HARTS];
static bool free_req_out[BENCH_MAX_HARTS];

/* Completes the taker's outstanding free from @p, if any; returns errors. Its own
 * kicks are served meanwhile (interrupts are on). */
static uint32_t reap(uint32_t p, volatile uint64_t *mtimecmp)
{
	int err;

	if (!free_req_out[p])
		return 0;
	while ((err = hgei_req_result(&free_req[p])) == HGEI_PENDING)
		pace(mtimecmp);
	free_req_out[p] = false;
	return err != 0;
}

/* Frees the line participant @p handed over, if there is one; returns errors. */
static uint32_t take(const struct bench_impl *impl, uint32_t p, volatile uint64_t *mtimecmp)
{
	/* Acquire: pairs with the hand-over's release (the line's alloc before it). */
	uint32_t line = atomic_load_explicit(&handoff[p], memory_order_acquire);
	uint32_t err;

	if (!line)
		return 0;
	if (impl->free_remote_post) {
		err = reap(p, mtimecmp);
		free_req_out[p] = !impl->free_remote_post(impl->hart(p), line,
							  (void *)&vcpus[p][1], &free_req[p]);
		err += !free_req_out[p];
	} else {
		err = impl->free_remote(impl->hart(p), line, (void *)&vcpus[p][1]) != 0;
	}
	/* Release: p may hand over its next line (a free still pending on p's hart
	 * names the old line; p's next allocation gets another). */
	atomic_store_explicit(&handoff[p], 0, memory_order_release);
	return err;
}

/* The guest claims its identity: hgeip falls. */
static unsigned guest_claim(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);
	unsigned id = hgei_vsfile_claim();

	hgei_vsfile_deselect(hstatus);
	return id;
}

/* The measured cycles of participant @pos. */
static void run_body(struct fw_hart **order, uint32_t pos, uint32_t word)
{
	const struct bench_impl *impl = impls[BENCH_RUN_IMPL(word)];
	uint32_t n = BENCH_RUN_N(word), pred = (pos + n - 1) % n, err = 0;
	struct fw_hart *self = order[pos];
	void *local = impl->hart(pos);
	volatile uint64_t *mtimecmp = bench_mtimecmp(self->hartid);
	uint64_t t0, t1;

	if (!vcpu_set_up)
		err += vcpu_setup(self);
	bench_phase_start(&phase, order, n, pos);

	/* Interrupts on, as in bench_contention.c (the SGEIs and hgei's kicks must be
	 * taken), the timer off. */
	bench_trap_ops = &vcpu_ops;
	bench_trap_hart = local;
	bench_trap_impl = impl;
	csr_clear(CSR_SIE, SIE_STIE);
	csr_write(CSR_SSCRATCH, (uintptr_t)mtimecmp);
	t0 = bench_instret();
	for (uint32_t k = 0; k < VCPU_CYCLES; k++) {
		bool migrate = (k + pos) % VCPU_MIGRATE_EVERY == VCPU_MIGRATE_EVERY - 1;
		struct vcpu *v = &vcpus[pos][migrate];
		uint64_t woken = v->woken;
		struct hgei_line l;

		pace(mtimecmp);
		err += take(impl, pred, mtimecmp);
		/* vCPU load: a line on this hart, armed as the vCPU blocks. */
		if (impl->alloc(local, v, &l)) {
			err++;
			continue;
		}
		err += impl->arm(local, l.line, v) != 0;
		/* The device's MSI: the SGEI is taken right after the store. */
		hgei_msi_send(l.file_pa, VCPU_MSI_ID);
		err += v->woken != woken + 1;
		pace(mtimecmp);
		err += guest_claim(l.line) != VCPU_MSI_ID;
		/* vCPU put. */
		err += impl->disarm(local, l.line, v) != 0;
		if (!migrate) {
			err += impl->free(local, l.line, v) != 0;
			continue;
		}
		/* Migration: the next participant frees it, once it took the last one. */
		while (atomic_load_explicit(&handoff[pos], memory_order_acquire)) {
			err += take(impl, pred, mtimecmp);
			pace(mtimecmp);
		}
		atomic_store_explicit(&handoff[pos], l.line, memory_order_release);
	}
	/* Release: the last hand-over before the flag. Then free what the previous
	 * participant still hands over, up to its last. */
	atomic_store_explicit(&cycles_done[pos], 1, memory_order_release);
	while (!atomic_load_explicit(&cycles_done[pred], memory_order_acquire) ||
	       atomic_load_explicit(&handoff[pred], memory_order_acquire)) {
		err += take(impl, pred, mtimecmp);
		pace(mtimecmp);
	}
	/* The last free handed over has completed: this participant's end. */
	err += reap(pred, mtimecmp);
	t1 = bench_instret();
	csr_write(CSR_SSCRATCH, 0);
	csr_set(CSR_SIE, SIE_STIE);
	bench_trap_impl = NULL;

	bench_phase_finish(&phase, order, n, pos, t0, t1, err);
}

static uint64_t run_once(struct fw_hart **order, unsigned impl_index, uint32_t n,
			 uint32_t *err)
{
	const struct bench_impl *impl = impls[impl_index];

	for (uint32_t i = 0; i < n; i++) {
		impl->init(i, order[i]->hartid, (unsigned)order[i]->lines,
			   order[i]->dt->slot_pa, &order[i]->hgei);
		atomic_store_explicit(&handoff[i], 0, memory_order_relaxed);
		atomic_store_explicit(&cycles_done[i], 0, memory_order_relaxed);
	}
	return bench_phase_run(&phase, order, impl_index, n, err);
}

void bench_vcpu_coordinate(struct fw_hart **order, uint32_t nr)
{
	uint32_t total_err = 0;

	for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint32_t n = sizes[s], err;
		uint64_t win[NR_IMPLS][BENCH_REPS], cycles = (uint64_t)n * VCPU_CYCLES;

		/* The last hart of the order paces (bench_pacer()) and takes no part. */
		if (n > (nr > 1 ? nr - 1 : nr) || n > BENCH_MAX_HARTS)
			break;
		/* Interleaved: null, hgei, spinlock, global, null, ... */
		for (unsigned r = 0; r < BENCH_REPS; r++)
			for (unsigned i = 0; i < NR_IMPLS; i++) {
				win[i][r] = run_once(order, i, n, &err);
				total_err += err;
			}
		for (unsigned i = 0; i < NR_IMPLS; i++) {
			uint64_t med = bench_median(win[i], BENCH_REPS);
			uint64_t tenths = (med * 10 + cycles / 2) / cycles;
			char metric[64];

			snprintf(metric, sizeof(metric), "%s%svcpu_%uh_instr_per_cycle",
				 impls[i] == &bench_hgei ? "" : impls[i]->name,
				 impls[i] == &bench_hgei ? "" : "_", n);
			fw_printf("bench: %s=%lu.%lu instructions\n", metric,
				  (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
		}
	}
	if (nr)
		bench_print("vcpu_errors", total_err, "calls");
	bench_phase_end(&phase);
}

void bench_vcpu_serve(struct fw_hart **order, uint32_t nr, uint32_t pos)
{
	bench_phase_serve(&phase, order, nr, pos);
}
