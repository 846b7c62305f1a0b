/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More vCPUs than guest files (issue 17), on QEMU. The host is the up hart with the
 * fewest lines (biglittle's little harts have 1, zeroline's last hart 0). Four vCPUs
 * take OC_TURNS turns on it, each with a software interrupt file (hgei_swfile.h);
 * at each turn the host demotes the vCPU whose turn ended, if it held a line, and
 * promotes the one whose turn begins (on a hart without lines the promote fails with
 * -HGEI_ENODEV and the vCPU runs on its software file), then runs it: claims what its
 * current file holds until at least one MSI was claimed in this turn. Promoting at
 * every switch is what docs/integration.md's policy advises against; here it is the
 * point: every turn is a promote and a demote under fire.
 *
 * The sender (another hart) keeps every vCPU under fire: up to OC_IDS MSIs
 * outstanding each, identities 1..OC_IDS, an identity sent again only once claimed,
 * to the vCPU's file as published by the redirect hook (a hardware file: an MSI
 * store; the software file: hgei_swfile_msi(), the hypervisor's emulation of a
 * guest's store). So MSIs land in the middle of promotes and demotes. A claim of an
 * identity that is not outstanding (a doubled or stray one) counts as misclaimed; at
 * the end every vCPU's sent and claimed counts must match and nothing be
 * outstanding (none lost).
 */
#include "csr.h"
#include "fw.h"
#include "hgei_swfile.h"
#include "imsic.h"
#include "sbi.h"
#include "stage.h"

#define OC_VCPUS	4
#define OC_TURNS	48		/* 12 per vCPU */
#define OC_IDS		7		/* identities 1..7, sent in turn */
#define OC_EIE		(((1ULL << OC_IDS) - 1) << 1)

struct oc_vcpu {
	struct fw_owner owner;		/* lib/hgei's owner pointer while on a line */
	struct hgei_swfile sw;		/* its software file, the truth while off a line */
	struct hgei_line line;		/* line.line != 0: on a hardware file (host only) */
	/* Published by the redirect hook: the file MSIs go to, 0 for sw (relaxed; the
	 * gen increment after it releases it). */
	_Atomic uint64_t target;
	_Atomic uint64_t outstanding;	/* identities sent and not yet claimed */
	_Atomic uint32_t sent, claimed;
};

static struct {
	struct oc_vcpu v[OC_VCPUS];
	struct fw_hart *host, *sender;
	/* The redirect protocol of migrate.c: see no_msi_in_flight(). */
	_Atomic uint32_t gen, sender_gen, sender_idle;
	_Atomic uint32_t stop_sending, sender_done;
	_Atomic uint32_t misclaimed, forwarded, passed, failed;
	uint32_t turns, promotes, promote_nodev, demotes, hw_claims, sw_claims;
	struct hgei_vsfile_state file;	/* promote/demote's scratch */
	bool ran;
} oc;

static void oc_check(bool ok, const char *what, unsigned long v)
{
	if (ok) {
		atomic_fetch_add_explicit(&oc.passed, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&oc.failed, 1, memory_order_relaxed);
	fw_printf("overcommit: hart %u: %s (%#lx)\n", fw_self->hartid, what, v);
}

static bool oc_wait(bool (*cond)(void *))
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	return fw_wait_progress(cond, NULL, &wd);
}

static void kick(const struct fw_hart *h)
{
	sbi_send_ipi(1, h->hartid);
}

/* ---- promote/demote's hooks: every step is on the host, which calls them ---------- */

static void run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	(void)hartid;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	fn(arg);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/* No MSI is on its way to an older target: as in migrate.c (seq_cst against the
 * sender's clearing of sender_idle before it reads gen). */
static bool no_msi_in_flight(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&oc.sender_idle, memory_order_seq_cst) ||
	       atomic_load_explicit(&oc.sender_gen, memory_order_seq_cst) ==
		       atomic_load_explicit(&oc.gen, memory_order_seq_cst) ||
	       atomic_load_explicit(&oc.sender_done, memory_order_acquire);
}

/* The worst case for the step order: an MSI reaches the old file just before the
 * redirect. Wait for the sender's next MSI to the vCPU (unless its identities are
 * all outstanding already). */
static struct oc_vcpu *redirecting;
static uint32_t sent_before;

static bool one_more_sent(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&redirecting->sent, memory_order_acquire) != sent_before ||
	       atomic_load_explicit(&redirecting->outstanding, memory_order_acquire) == OC_EIE ||
	       atomic_load_explicit(&oc.sender_done, memory_order_acquire);
}

static void redirect(void *owner, uint64_t file_pa)
{
	struct oc_vcpu *v = fw_container_of(owner, struct oc_vcpu, owner);

	redirecting = v;
	sent_before = atomic_load_explicit(&v->sent, memory_order_acquire);
	kick(oc.sender);
	oc_check(oc_wait(one_more_sent), "no MSI to the old file before the redirect",
		 (unsigned long)(v - oc.v));
	atomic_store_explicit(&v->target, file_pa, memory_order_relaxed);
	/* seq_cst (a release for target): see no_msi_in_flight. */
	atomic_fetch_add_explicit(&oc.gen, 1, memory_order_seq_cst);
	kick(oc.sender);
	oc_check(oc_wait(no_msi_in_flight), "an MSI stayed on its way to the old file",
		 atomic_load_explicit(&oc.gen, memory_order_relaxed));
}

static void forward(uint64_t file_pa, const void *state)
{
	atomic_fetch_add_explicit(&oc.forwarded, hgei_vsfile_forward(file_pa, state),
				  memory_order_relaxed);
}

static const struct hgei_move_ops oc_ops = {
	.run_on = run_on,
	.file_save = hgei_vsfile_op_save,
	.file_load = hgei_vsfile_op_load,
	.file_drain = hgei_vsfile_op_drain,
	.file_forward = forward,
	.redirect = redirect,
};

/* ---- the host ------------------------------------------------------------------ */

/* The vCPU runs: its guest claims what its file holds (vstopei through VGEIN on a
 * line; the emulated stopei on its software file). */
static void run_vcpu(struct oc_vcpu *v)
{
	for (;;) {
		uint32_t n = atomic_load_explicit(&v->claimed, memory_order_relaxed);
		unsigned id;
		uint64_t bit;

		if (v->line.line) {
			uint64_t hstatus = hgei_vsfile_select(v->line.line);

			id = hgei_vsfile_claim();
			hgei_vsfile_deselect(hstatus);
			oc.hw_claims += id != 0;
		} else {
			id = hgei_swfile_topei(&v->sw, true) >> 16;
			oc.sw_claims += id != 0;
		}
		if (!id)
			return;
		bit = 1ULL << id;
		/* The sender set the bit before its MSI (see send_one()); release: its
		 * acquire orders its next MSI of this identity after this claim. */
		if (id <= OC_IDS && (atomic_fetch_and_explicit(&v->outstanding, ~bit,
							       memory_order_acq_rel) & bit))
			atomic_store_explicit(&v->claimed, n + 1, memory_order_relaxed);
		else
			atomic_fetch_add_explicit(&oc.misclaimed, 1, memory_order_relaxed);
		fw_progress();
		kick(oc.sender);
	}
}

static void turn(struct fw_hart *self, struct oc_vcpu *v, struct oc_vcpu *prev)
{
	uint32_t start = atomic_load_explicit(&v->claimed, memory_order_relaxed);
	struct fw_watchdog wd;
	struct hgei_line l;
	int err;

	if (prev && prev->line.line) {
		err = hgei_demote(&self->hgei, prev->line.line, &prev->owner, &prev->sw, &oc_ops,
				  &oc.file);
		oc_check(!err, "demote", (unsigned long)-err);
		prev->line = (struct hgei_line){ 0 };
		oc.demotes += !err;
	}
	err = hgei_promote(&v->sw, &self->hgei, &v->owner, false, &oc_ops, &oc.file, &l);
	if (!err) {
		v->line = l;
		oc.promotes++;
		oc_check(oc.file.eie[0] == OC_EIE && oc.file.eidelivery == 1,
			 "configuration carried", oc.file.eie[0]);
	} else {
		oc_check(err == -HGEI_ENODEV && self->lines <= 0, "promote", (unsigned long)-err);
		oc.promote_nodev++;
	}
	/* Its turn lasts until it claimed an MSI sent during it (or left from before). */
	fw_watchdog_start(&wd, FW_STALL_S);
	while (atomic_load_explicit(&v->claimed, memory_order_relaxed) == start) {
		run_vcpu(v);
		if (fw_watchdog_expired(&wd, atomic_load_explicit(&v->sent,
								  memory_order_relaxed))) {
			oc_check(false, "no MSI claimed in a turn", (unsigned long)(v - oc.v));
			break;
		}
	}
	oc.turns++;
	fw_progress();
}

static bool sender_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&oc.sender_done, memory_order_acquire);
}

static void host(struct fw_hart *self)
{
	struct oc_vcpu *last = NULL;

	for (unsigned t = 0; t < OC_TURNS && !atomic_load(&oc.failed); t++) {
		struct oc_vcpu *v = &oc.v[t % OC_VCPUS];

		turn(self, v, last);
		last = v;
	}
	if (last && last->line.line) {
		int err = hgei_demote(&self->hgei, last->line.line, &last->owner, &last->sw, &oc_ops,
				      &oc.file);

		oc_check(!err, "last demote", (unsigned long)-err);
		last->line = (struct hgei_line){ 0 };
		oc.demotes += !err;
	}
	atomic_store_explicit(&oc.stop_sending, 1, memory_order_release);
	kick(oc.sender);
	oc_check(oc_wait(sender_finished), "sender did not stop", 0);
	/* Every vCPU back on its software file: what is still pending is claimed. */
	for (unsigned i = 0; i < OC_VCPUS; i++)
		run_vcpu(&oc.v[i]);
}

/* ---- the sender ---------------------------------------------------------------- */

static bool sendable(void *arg)
{
	(void)arg;
	if (atomic_load_explicit(&oc.stop_sending, memory_order_acquire))
		return true;
	for (unsigned i = 0; i < OC_VCPUS; i++)
		if (atomic_load_explicit(&oc.v[i].outstanding, memory_order_acquire) != OC_EIE)
			return true;
	return false;
}

/* One more MSI to @v, identity @id, to the file published last. */
static void send_one(struct oc_vcpu *v, unsigned id)
{
	uint32_t gen, n = atomic_load_explicit(&v->sent, memory_order_relaxed);
	uint64_t pa;

	/* Outstanding before the MSI can be claimed: the fence orders this store before
	 * the MSI's device store (an AMO on the software file is ordered by itself). */
	atomic_fetch_or_explicit(&v->outstanding, 1ULL << id, memory_order_relaxed);
	__asm__ volatile("fence w, o" ::: "memory");

	/* seq_cst: busy before reading gen, see no_msi_in_flight. */
	atomic_store_explicit(&oc.sender_idle, 0, memory_order_seq_cst);
	gen = atomic_load_explicit(&oc.gen, memory_order_seq_cst);
	pa = atomic_load_explicit(&v->target, memory_order_relaxed);
	if (pa)
		hgei_msi_send(pa, id);
	else
		hgei_swfile_msi(&v->sw, id);
	/* The MSI store is issued before sender_gen/sender_idle say it is done. */
	__asm__ volatile("fence ow, w" ::: "memory");
	atomic_store_explicit(&v->sent, n + 1, memory_order_relaxed);
	atomic_store_explicit(&oc.sender_gen, gen, memory_order_seq_cst);
	atomic_store_explicit(&oc.sender_idle, 1, memory_order_seq_cst);
	fw_progress();
	kick(oc.host);
}

static void send_loop(void)
{
	while (!atomic_load_explicit(&oc.stop_sending, memory_order_acquire)) {
		if (!oc_wait(sendable)) {
			oc_check(false, "no vCPU ready for an MSI", 0);
			break;
		}
		for (unsigned i = 0; i < OC_VCPUS; i++) {
			struct oc_vcpu *v = &oc.v[i];
			uint64_t out = atomic_load_explicit(&v->outstanding,
							    memory_order_acquire);

			if (atomic_load_explicit(&oc.stop_sending, memory_order_acquire))
				break;
			/* The lowest identity not outstanding, if any. */
			if (out != OC_EIE)
				send_one(v, (unsigned)__builtin_ctzll(~out & OC_EIE));
		}
	}
	atomic_store_explicit(&oc.sender_done, 1, memory_order_release);
	kick(oc.host);
}

/* The same choice on every hart: the up hart with the fewest lines hosts, the first
 * other hart sends. */
static void pick_roles(struct fw_hart **up, uint32_t nr_up)
{
	for (uint32_t i = 0; i < nr_up; i++)
		if (!oc.host || up[i]->lines < oc.host->lines)
			oc.host = up[i];
	for (uint32_t i = 0; i < nr_up && !oc.sender; i++)
		if (up[i] != oc.host)
			oc.sender = up[i];
	oc.ran = oc.host && oc.sender;
}

/* The vCPUs' lines are never armed: a wake is a stray one, counted as a failure. */
static void oc_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	(void)o;
	oc_check(false, "wake of a line never armed", (unsigned long)hartid << 8 | line);
}

/* Every up hart, after the migration stage: picks the host and the sender, runs the
 * stage, and calls fw_barrier(@nr_up) twice. */
static void overcommit_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
			   uint32_t pos)
{
	(void)pos;
	if (self->hartid == fw_boot_hartid) {
		pick_roles(up, nr_up);
		for (unsigned i = 0; i < OC_VCPUS; i++) {
			struct hgei_swfile *sw = &oc.v[i].sw;

			oc.v[i].owner.wake = oc_wake;
			/* The guest's set-up of its file: delivery on, identities 1..7. */
			hgei_swfile_init(sw, 63);
			hgei_swfile_rmw(sw, 0x70, NULL, 1, ~0ULL);
			hgei_swfile_rmw(sw, 0xc0, NULL, OC_EIE, ~0ULL);
		}
	}
	fw_barrier(nr_up);		/* roles and vCPUs seen by every hart */
	if (oc.ran && self == oc.host)
		host(self);
	else if (oc.ran && self == oc.sender)
		send_loop();
	fw_barrier(nr_up);
}

static void overcommit_report(struct fw_stage_tally *t)
{
	uint32_t sent = 0, claimed = 0, failed = atomic_load(&oc.failed);
	uint32_t misclaimed = atomic_load(&oc.misclaimed);
	bool hw = oc.host && oc.host->lines > 0;

	if (!oc.ran) {
		fw_printf("overcommit: skip (needs two harts)\n");
		return;
	}
	for (unsigned i = 0; i < OC_VCPUS; i++) {
		uint32_t s = atomic_load(&oc.v[i].sent), c = atomic_load(&oc.v[i].claimed);

		failed += s != c || atomic_load(&oc.v[i].outstanding);
		sent += s;
		claimed += c;
	}
	/* With lines: a promote each turn and a demote each (the last one's at the end);
	 * without: every promote refused, every vCPU on its software file throughout. */
	failed += misclaimed || oc.turns != OC_TURNS || sent < OC_TURNS ||
		  (hw ? oc.promotes != OC_TURNS || oc.demotes != OC_TURNS || !oc.hw_claims
		      : oc.promote_nodev != OC_TURNS || oc.promotes || oc.hw_claims);
	fw_printf("overcommit: hart=%u lines=%d sender=%u vcpus=%u turns=%u promotes=%u "
		  "demotes=%u refused=%u msis_sent=%u claimed=%u misclaimed=%u hw_claims=%u "
		  "sw_claims=%u forwarded=%u checks=%u %s\n", oc.host->hartid, oc.host->lines,
		  oc.sender->hartid, OC_VCPUS, oc.turns, oc.promotes, oc.demotes,
		  oc.promote_nodev, sent, claimed, misclaimed, oc.hw_claims, oc.sw_claims,
		  atomic_load(&oc.forwarded), atomic_load(&oc.passed), failed ? "fail" : "pass");
	t->failed += failed;
}

static const struct fw_stage overcommit_stage = {
	.name = "overcommit",
	.run = overcommit_run,
	.report = overcommit_report,
};
FW_STAGE(35, overcommit_stage);
