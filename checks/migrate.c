/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU migration under fire, through hgei_move(). One vCPU, blocked, holds a line on
 * hart a; a third hart (the sender) keeps writing MSIs to wherever the vCPU's
 * interrupt file is published, each after the previous one was claimed. Hart a moves
 * the vCPU a -> b -> a ... MIG_ROUNDS times; hart b serves the steps hgei_move() must
 * run on it. The redirect hook publishes the new file and waits until no MSI can still
 * be on its way to the old one; MSIs that landed in the old file meanwhile are
 * drained and forwarded by hgei_move(). Every MSI sent must be claimed exactly once.
 */
#include "csr.h"
#include "fw.h"
#include "imsic.h"
#include "sbi.h"
#include "stage.h"

#define MIG_ROUNDS	40		/* migrations, alternating direction */
#define MIG_IDS		7		/* identities 1..7, sent in turn */
#define MIG_EIE		(((1ULL << MIG_IDS) - 1) << 1)

/* Every wait of the stage gives up after FW_STALL_S of this hart's running time with
 * no progress anywhere (wait.c), not after a fixed total: the three harts' threads
 * may wait long for a host core beside hundreds of others. */
static bool mig_wait(bool (*cond)(void *))
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	return fw_wait_progress(cond, NULL, &wd);
}

struct mig_vcpu {
	struct fw_owner owner;		/* what lib/hgei knows; its wake hook is mig_wake */
	struct fw_hart *a, *b, *sender;
	/* Published by the redirect hook: file_pa (relaxed), then gen (seq_cst). */
	_Atomic uint64_t file_pa;
	_Atomic uint32_t gen;
	/* The sender: the gen its last MSI went to, and whether that MSI's store is
	 * complete and it waits for the claim (seq_cst, see no_msi_in_flight). */
	_Atomic uint32_t sender_gen, sender_idle;
	/* b's mailbox for hgei_move()'s run_on: a writes arg then fn (release). */
	void (*_Atomic call_fn)(void *);
	void *call_arg;
	_Atomic uint32_t call_done, stop_sending, sender_done, stage_over;
	struct hgei_vsfile_state file;	/* hgei_move()'s state: the vCPU's file */
	_Atomic uint32_t sent, claimed, misclaimed, forwarded, rounds;
	_Atomic uint32_t passed, failed;
	bool ran;
};

static struct mig_vcpu mig;

static void mig_check(bool ok, const char *what, unsigned long v)
{
	if (ok) {
		atomic_fetch_add_explicit(&mig.passed, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&mig.failed, 1, memory_order_relaxed);
	fw_printf("migrate: hart %u: %s (%#lx)\n", fw_self->hartid, what, v);
}

static void kick(const struct fw_hart *h)
{
	sbi_send_ipi(1, h->hartid);
}

/* lib/hgei's wake, on the hart holding @line: claim, count, stay blocked (re-arm). */
static void mig_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	struct fw_hart *self = fw_self;
	uint64_t hstatus = hgei_vsfile_select(line);
	unsigned id = hgei_vsfile_claim();

	hgei_vsfile_deselect(hstatus);
	(void)hartid;
	fw_progress();
	/* Release: the sender's acquire of claimed orders its next MSI after this claim. */
	if (id >= 1 && id <= MIG_IDS)
		atomic_fetch_add_explicit(&mig.claimed, 1, memory_order_release);
	else
		atomic_fetch_add_explicit(&mig.misclaimed, 1, memory_order_release);
	hgei_arm(&self->hgei, line, o);
	kick(mig.sender);
}

/* ---- the hooks of hgei_move() -------------------------------------------------- */

static bool call_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.call_done, memory_order_acquire);
}

/* Only hart a calls hgei_move(), so b's mailbox has one writer at a time. */
static void run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	if (hartid == fw_self->hartid) {
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		fn(arg);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		return;
	}
	atomic_store_explicit(&mig.call_done, 0, memory_order_relaxed);
	mig.call_arg = arg;
	/* Release: call_arg and what hgei_move() prepared reach b with fn. */
	atomic_store_explicit(&mig.call_fn, fn, memory_order_release);
	kick(mig.b);
	mig_check(mig_wait(call_finished),
		  "step on the other hart timed out", hartid);
}

/*
 * No MSI is on its way to an older file: the sender's last store went to the current
 * gen, or it is idle. seq_cst against the sender's clearing of sender_idle before it
 * reads gen: if we see it idle after publishing the new gen, its next read of gen
 * comes later in the single total order and sees the new one.
 */
static bool no_msi_in_flight(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.sender_idle, memory_order_seq_cst) ||
	       atomic_load_explicit(&mig.sender_gen, memory_order_seq_cst) ==
		       atomic_load_explicit(&mig.gen, memory_order_seq_cst) ||
	       atomic_load_explicit(&mig.sender_done, memory_order_acquire);
}

static void publish(uint64_t file_pa)
{
	atomic_store_explicit(&mig.file_pa, file_pa, memory_order_relaxed);
	/* seq_cst (a release for file_pa): see no_msi_in_flight. */
	atomic_fetch_add_explicit(&mig.gen, 1, memory_order_seq_cst);
	kick(mig.sender);
}

static void redirect(void *owner, uint64_t file_pa)
{
	(void)owner;
	publish(file_pa);
	mig_check(mig_wait(no_msi_in_flight),
		  "an MSI stayed on its way to the old file",
		  atomic_load_explicit(&mig.gen, memory_order_relaxed));
}

/* Every file the vCPU holds gets at least one MSI: the next move waits for it. */
static bool sender_caught_up(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.sender_gen, memory_order_acquire) ==
		       atomic_load_explicit(&mig.gen, memory_order_relaxed) ||
	       atomic_load_explicit(&mig.sender_done, memory_order_acquire);
}

static void forward(uint64_t file_pa, const void *state)
{
	atomic_fetch_add_explicit(&mig.forwarded, hgei_vsfile_forward(file_pa, state),
				  memory_order_relaxed);
}

/* The new line was someone else's: on QEMU it may carry a stale hgeip bit that would
 * wake the vCPU with nothing to claim (imsic.h). Runs before the line is armed. */
static void file_load(unsigned line, const void *state)
{
#ifdef FW_QUIRK_HGEIP_RELEVEL
	imsic_guest_relevel(line);
#endif
	hgei_vsfile_op_load(line, state);
}

static const struct hgei_move_ops mig_move_ops = {
	.run_on = run_on,
	.file_save = hgei_vsfile_op_save,
	.file_load = file_load,
	.file_drain = hgei_vsfile_op_drain,
	.file_forward = forward,
	.redirect = redirect,
};

/* ---- the three roles ----------------------------------------------------------- */

static bool call_or_over(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.call_fn, memory_order_acquire) ||
	       atomic_load_explicit(&mig.stage_over, memory_order_acquire);
}

/* Hart b: runs what hgei_move() asks of it, masked as an IPI handler would be. */
static void serve(void)
{
	for (;;) {
		void (*fn)(void *);

		if (!mig_wait(call_or_over)) {
			mig_check(false, "no step asked of this hart", 0);
			return;
		}
		fn = atomic_exchange_explicit(&mig.call_fn, NULL, memory_order_acquire);
		if (!fn)
			return;		/* stage over */
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		fn(mig.call_arg);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		/* Release: what fn wrote (the state, the line's arm) reaches a. */
		atomic_store_explicit(&mig.call_done, 1, memory_order_release);
		kick(mig.a);
	}
}

static bool sender_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.sender_done, memory_order_acquire);
}

/* The last host destroys the vCPU once the sender stopped. */
static void release_vcpu(void *arg)
{
	struct fw_hart *host = fw_self;
	unsigned line = *(unsigned *)arg;
	struct hgei_vsfile_state last = { .words = 1 };
	int err = hgei_disarm(&host->hgei, line, &mig.owner);

	hgei_vsfile_take(line, &last);
	mig_check(!err && !last.eip[0], "last file not empty", last.eip[0]);
	err = hgei_free(&host->hgei, line, &mig.owner);
	mig_check(!err, "free on the last host", (unsigned long)-err);
}

/* Hart a: the vCPU's first home, and the hart that moves it. */
static void drive(struct fw_hart *self)
{
	struct hgei_line l;
	struct fw_hart *host = self;
	int err = hgei_alloc(&self->hgei, &mig.owner, &l);

	mig_check(!err, "alloc of the vCPU's first line", (unsigned long)-err);
	if (err)
		goto over;
	hgei_vsfile_load(l.line, &mig.file);
	mig_check(!hgei_arm(&self->hgei, l.line, &mig.owner), "arm of the first line", l.line);
	publish(l.file_pa);

	for (unsigned r = 0; r < MIG_ROUNDS; r++) {
		struct fw_hart *to = host == mig.a ? mig.b : mig.a;
		struct hgei_line moved;

		err = hgei_move(&host->hgei, l.line, &to->hgei, &mig.owner, true, &mig_move_ops,
				&mig.file, &moved);
		mig_check(!err, "hgei_move", (unsigned long)-err);
		if (err)
			break;
		mig_check(mig.file.eie[0] == MIG_EIE && mig.file.eidelivery == 1,
			  "enabled identities carried", mig.file.eie[0]);
		mig_check(!hgei_owner(&host->hgei, l.line) &&
			  hgei_owner(&to->hgei, moved.line) == &mig.owner,
			  "old line free, new line the vCPU's", moved.line);
		atomic_fetch_add_explicit(&mig.rounds, 1, memory_order_relaxed);
		fw_progress();
		host = to;
		l = moved;
		mig_check(mig_wait(sender_caught_up),
			  "no MSI reached the new file", l.line);
	}
over:
	atomic_store_explicit(&mig.stop_sending, 1, memory_order_release);
	kick(mig.sender);
	mig_check(mig_wait(sender_finished),
		  "sender did not stop", 0);
	if (!err)
		run_on(host->hartid, release_vcpu, &l.line);
	atomic_store_explicit(&mig.stage_over, 1, memory_order_release);
	kick(mig.b);
}

static bool answered(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.claimed, memory_order_acquire) +
		       atomic_load_explicit(&mig.misclaimed, memory_order_acquire) >=
	       atomic_load_explicit(&mig.sent, memory_order_relaxed);
}

static bool vcpu_published(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.gen, memory_order_acquire) != 0 ||
	       atomic_load_explicit(&mig.stop_sending, memory_order_acquire);
}

/* The vCPU's device: one MSI at a time, each to the file published last. */
static void send_loop(void)
{
	mig_wait(vcpu_published);
	while (atomic_load_explicit(&mig.gen, memory_order_acquire) &&
	       !atomic_load_explicit(&mig.stop_sending, memory_order_acquire)) {
		uint32_t gen, n = atomic_load_explicit(&mig.sent, memory_order_relaxed);
		uint64_t pa;

		/* seq_cst: busy before reading gen, see no_msi_in_flight. */
		atomic_store_explicit(&mig.sender_idle, 0, memory_order_seq_cst);
		gen = atomic_load_explicit(&mig.gen, memory_order_seq_cst);
		pa = atomic_load_explicit(&mig.file_pa, memory_order_relaxed);
		hgei_msi_send(pa, 1 + n % MIG_IDS);
		/* The MSI store is issued before sender_gen/sender_idle say it is done. */
		__asm__ volatile("fence ow, w" ::: "memory");
		atomic_store_explicit(&mig.sent, n + 1, memory_order_relaxed);
		fw_progress();
		atomic_store_explicit(&mig.sender_gen, gen, memory_order_seq_cst);
		atomic_store_explicit(&mig.sender_idle, 1, memory_order_seq_cst);
		kick(mig.a);
		if (!mig_wait(answered)) {
			mig_check(false, "MSI never claimed", n + 1);
			break;
		}
	}
	atomic_store_explicit(&mig.sender_done, 1, memory_order_release);
	kick(mig.a);
}

/* The same choice on every hart: the first two harts with a line host, the first
 * other hart sends. */
static void pick_roles(struct fw_hart **up, uint32_t nr_up)
{
	for (uint32_t i = 0; i < nr_up; i++) {
		struct fw_hart *h = up[i];

		if (h->lines > 0 && !mig.a)
			mig.a = h;
		else if (h->lines > 0 && !mig.b)
			mig.b = h;
		else if (!mig.sender)
			mig.sender = h;
	}
	mig.ran = mig.a && mig.b && mig.sender;
}

/* Every up hart, after the guest stage: picks the two hosts and the sender, runs the
 * stage, and calls fw_barrier(@nr_up) twice. */
static void migrate_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
			uint32_t pos)
{
	(void)pos;
	if (self->hartid == fw_boot_hartid) {
		pick_roles(up, nr_up);
		mig.owner.wake = mig_wake;
		mig.file = (struct hgei_vsfile_state){ .eidelivery = 1, .words = 1,
						       .eie[0] = MIG_EIE };
	}
	fw_barrier(nr_up);		/* roles and the vCPU seen by every hart */
	if (mig.ran && self == mig.a)
		drive(self);
	else if (mig.ran && self == mig.b)
		serve();
	else if (mig.ran && self == mig.sender)
		send_loop();
	fw_barrier(nr_up);
}

static void migrate_report(struct fw_stage_tally *t)
{
	uint32_t sent = atomic_load_explicit(&mig.sent, memory_order_relaxed);
	uint32_t claimed = atomic_load_explicit(&mig.claimed, memory_order_relaxed);
	uint32_t misclaimed = atomic_load_explicit(&mig.misclaimed, memory_order_relaxed);
	uint32_t rounds = atomic_load_explicit(&mig.rounds, memory_order_relaxed);
	uint32_t failed = atomic_load_explicit(&mig.failed, memory_order_relaxed);

	if (!mig.ran) {
		fw_printf("migrate: skip (needs two harts with a line and a third hart)\n");
		return;
	}
	failed += sent != claimed || misclaimed || rounds != MIG_ROUNDS || sent < MIG_ROUNDS;
	fw_printf("migrate: harts=%u,%u sender=%u migrations=%u msis_sent=%u claimed=%u "
		  "misclaimed=%u forwarded=%u checks=%u %s\n", mig.a->hartid, mig.b->hartid,
		  mig.sender->hartid, rounds, sent, claimed, misclaimed,
		  atomic_load_explicit(&mig.forwarded, memory_order_relaxed),
		  atomic_load_explicit(&mig.passed, memory_order_relaxed), failed ? "fail" : "pass");
	t->failed += failed;
}

static const struct fw_stage migrate_stage = {
	.name = "migrate",
	.run = migrate_run,
	.report = migrate_report,
};
FW_STAGE(30, migrate_stage);
