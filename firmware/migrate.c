/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU migration under fire. One vCPU, blocked, holds a line on hart a; a third hart
 * (the sender) keeps writing MSIs to wherever the vCPU's interrupt file is published,
 * each after the previous one was claimed. The vCPU moves a -> b -> a ... in the order
 * that loses nothing:
 *
 *   old host: the vCPU leaves: disarm its line (MSIs now wait in the old file);
 *   new host: allocate a line on itself, set its guest file up with the enabled
 *             identities saved when the vCPU blocked, arm the line, publish the new
 *             file address, wait until no MSI can still be on its way to the old file
 *             (the stand-in for a device's flushed MSI address update), then tell the
 *             old host to drain;
 *   old host: take the old file's pending identities with one csrrw of eip (an MSI
 *             landing meanwhile is in the value or still in the file, never neither),
 *             switch the file off, re-send every pending identity to the new file,
 *             free the old line.
 *
 * Every MSI sent must be claimed exactly once, on the hart that holds the vCPU's line
 * when it is claimed; "forwarded" counts those that waited in an old file.
 */
#include "csr.h"
#include "fw.h"
#include "imsic.h"
#include "migrate.h"
#include "sbi.h"

#define MIG_ROUNDS	40		/* migrations, alternating direction */
#define MIG_IDS		7		/* identities 1..7, sent in turn */
#define MIG_EIE		(((1ULL << MIG_IDS) - 1) << 1)
#define MIG_TIMEOUT_S	10

enum mig_step { MIG_IDLE, MIG_PREPARE, MIG_DRAIN, MIG_MOVED, MIG_FINISHED };

struct mig_vcpu {
	struct fw_line_owner owner;	/* what lib/hgei knows; its wake hook is mig_wake */
	struct fw_hart *a, *b, *sender;
	/* Published by the new host: file_pa (relaxed), then gen (release). */
	_Atomic uint64_t file_pa;
	_Atomic uint32_t gen;
	/* The sender: the gen its last MSI went to, and whether that MSI's store is
	 * complete and it waits for the claim (seq_cst, see no_msi_in_flight). */
	_Atomic uint32_t sender_gen, sender_idle;
	/* The hosts' handshake: enum mig_step | the hartid of the hart whose turn it is
	 * << 32, in one word, so no hart can pair a new step with an old actor. */
	_Atomic uint64_t step;
	struct fw_hart *host;		/* written by the new host before its next PREPARE */
	unsigned line, new_line;
	struct hgei_vsfile_state file;	/* saved when the vCPU blocked; eip unused */
	_Atomic uint32_t sent, claimed, misclaimed, forwarded, rounds;
	_Atomic uint32_t passed, failed, sender_done;
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
static void mig_wake(struct fw_line_owner *o, uint32_t hartid, unsigned line)
{
	struct fw_hart *self = fw_self;
	uint64_t hstatus = hgei_vsfile_select(line);
	unsigned id = hgei_vsfile_claim();

	csr_write(CSR_HSTATUS, hstatus);
	(void)hartid;
	/* Release: the sender's acquire of claimed orders its next MSI after this claim. */
	if (id >= 1 && id <= MIG_IDS)
		atomic_fetch_add_explicit(&mig.claimed, 1, memory_order_release);
	else
		atomic_fetch_add_explicit(&mig.misclaimed, 1, memory_order_release);
	hgei_arm(&self->hgei, line, o);
	kick(mig.sender);
}

/* The new host's half: a line and a live file here, published; returns once the
 * sender writes to it. */
static bool take_vcpu(struct fw_hart *self)
{
	struct hgei_line l;
	uint32_t gen;
	int err = hgei_alloc(&self->hgei, &mig.owner, &l);

	mig_check(!err, "alloc on the new host", (unsigned long)-err);
	if (err)
		return false;
	hgei_vsfile_load(l.line, &mig.file);
	err = hgei_arm(&self->hgei, l.line, &mig.owner);
	mig_check(!err, "arm on the new host", (unsigned long)-err);
	mig.new_line = l.line;
	atomic_store_explicit(&mig.file_pa, l.file_pa, memory_order_relaxed);
	gen = atomic_load_explicit(&mig.gen, memory_order_relaxed) + 1;
	/* seq_cst (a release for file_pa): see no_msi_in_flight. */
	atomic_store_explicit(&mig.gen, gen, memory_order_seq_cst);
	kick(mig.sender);
	return true;
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

/* The old host's half: drain the old file into the new one, free the old line. */
static void give_vcpu(struct fw_hart *self, unsigned old)
{
	struct hgei_vsfile_state was = { .words = mig.file.words };
	int err;

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	hgei_vsfile_take(old, &was);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	mig_check(was.eie[0] == mig.file.eie[0] && was.eidelivery == 1,
		  "old file's enabled identities", was.eie[0]);
	atomic_fetch_add_explicit(&mig.forwarded,
				  hgei_vsfile_forward(atomic_load_explicit(&mig.file_pa,
									   memory_order_relaxed),
						      &was),
				  memory_order_relaxed);
	err = hgei_free(&self->hgei, old, &mig.owner);
	mig_check(!err, "free on the old host", (unsigned long)-err);
}

static uint32_t step_kind(uint64_t step)
{
	return (uint32_t)step;
}

/* Whose turn it is: the actor named in the step, or everybody's once FINISHED. */
static bool my_turn(void *arg)
{
	struct fw_hart *self = arg;
	uint64_t step = atomic_load_explicit(&mig.step, memory_order_acquire);

	return step_kind(step) == MIG_FINISHED || (step >> 32) == self->hartid;
}

static void set_step(uint32_t kind, const struct fw_hart *actor)
{
	/* Release: what this hart wrote for the step (host, line, new_line, the files)
	 * is seen by the actor (acquire in my_turn). */
	atomic_store_explicit(&mig.step, (uint64_t)actor->hartid << 32 | kind,
			      memory_order_release);
	kick(mig.a);
	kick(mig.b);
	kick(mig.sender);
}

static bool sender_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&mig.sender_done, memory_order_acquire);
}

/* After the last move: once the sender stopped, the vCPU is destroyed on its host. */
static void release_vcpu(struct fw_hart *self)
{
	struct hgei_vsfile_state last = { .words = mig.file.words };
	int err;

	mig_check(fw_wait_until(sender_finished, NULL,
				fw_time() + MIG_TIMEOUT_S * fw_timebase_hz), "sender did not stop", 0);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	err = hgei_disarm(&self->hgei, mig.line, &mig.owner);
	hgei_vsfile_take(mig.line, &last);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	mig_check(!err && !last.eip[0], "last file not empty", last.eip[0]);
	err = hgei_free(&self->hgei, mig.line, &mig.owner);
	mig_check(!err, "free on the last host", (unsigned long)-err);
}

/* The vCPU starts moving away from its host: nobody watches the old file any more. */
static void leave(struct fw_hart *self)
{
	int err;

	/* Masked: mig_wake must not re-arm the line after the disarm. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	err = hgei_disarm(&self->hgei, mig.line, &mig.owner);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	mig_check(!err, "disarm on the old host", (unsigned long)-err);
}

static void host_loop(struct fw_hart *self)
{
	struct fw_hart *other = self == mig.a ? mig.b : mig.a;

	for (;;) {
		uint64_t deadline = fw_time() + MIG_TIMEOUT_S * fw_timebase_hz;

		if (!fw_wait_until(my_turn, self, deadline)) {
			mig_check(false, "migration step timed out",
				  atomic_load_explicit(&mig.step, memory_order_relaxed));
			set_step(MIG_FINISHED, other);
		}
		switch (step_kind(atomic_load_explicit(&mig.step, memory_order_acquire))) {
		case MIG_FINISHED:
			if (mig.host == self)
				release_vcpu(self);
			return;
		case MIG_PREPARE:
			if (!take_vcpu(self)) {
				set_step(MIG_FINISHED, other);
				break;
			}
			mig_check(fw_wait_until(no_msi_in_flight, NULL, deadline),
				  "an MSI stayed on its way to the old file",
				  atomic_load_explicit(&mig.gen, memory_order_relaxed));
			set_step(MIG_DRAIN, mig.host);
			break;
		case MIG_DRAIN:
			give_vcpu(self, mig.line);
			set_step(MIG_MOVED, other);
			break;
		case MIG_MOVED:
			mig.host = self;
			mig.line = mig.new_line;
			if (atomic_fetch_add_explicit(&mig.rounds, 1, memory_order_relaxed) + 1 ==
			    MIG_ROUNDS) {
				set_step(MIG_FINISHED, other);
				break;
			}
			leave(self);
			set_step(MIG_PREPARE, other);
			break;
		}
	}
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
	return atomic_load_explicit(&mig.gen, memory_order_acquire) != 0;
}

/* The vCPU's device: one MSI at a time, each to the file published last. */
static void sender_loop(void)
{
	if (!fw_wait_until(vcpu_published, NULL, fw_time() + MIG_TIMEOUT_S * fw_timebase_hz))
		mig_check(false, "vCPU never got a file", 0);
	while (atomic_load_explicit(&mig.gen, memory_order_acquire) &&
	       step_kind(atomic_load_explicit(&mig.step, memory_order_acquire)) != MIG_FINISHED) {
		uint32_t gen;

		/* seq_cst: busy before reading gen, see no_msi_in_flight. */
		atomic_store_explicit(&mig.sender_idle, 0, memory_order_seq_cst);
		gen = atomic_load_explicit(&mig.gen, memory_order_seq_cst);
		uint64_t pa = atomic_load_explicit(&mig.file_pa, memory_order_relaxed);
		uint32_t n = atomic_load_explicit(&mig.sent, memory_order_relaxed);

		hgei_msi_send(pa, 1 + n % MIG_IDS);
		/* The MSI store is issued before sender_gen/sender_idle say it is done. */
		__asm__ volatile("fence ow, w" ::: "memory");
		atomic_store_explicit(&mig.sent, n + 1, memory_order_relaxed);
		atomic_store_explicit(&mig.sender_gen, gen, memory_order_seq_cst);
		atomic_store_explicit(&mig.sender_idle, 1, memory_order_seq_cst);
		kick(mig.a);
		kick(mig.b);
		if (!fw_wait_until(answered, NULL, fw_time() + MIG_TIMEOUT_S * fw_timebase_hz)) {
			mig_check(false, "MSI never claimed", n + 1);
			break;
		}
	}
	atomic_store_explicit(&mig.sender_done, 1, memory_order_release);
	kick(mig.a);
	kick(mig.b);
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
	if (!mig.sender && mig.b) {
		/* Two harts only have lines: a third is still needed to send. */
		mig.a = mig.b = NULL;
	}
}

void fw_migrate_stage_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up)
{
	if (self->hartid == fw_boot_hartid) {
		pick_roles(up, nr_up);
		mig.ran = mig.a && mig.b && mig.sender;
		mig.owner.wake = mig_wake;
		mig.file = (struct hgei_vsfile_state){ .eidelivery = 1, .words = 1,
						       .eie[0] = MIG_EIE };
		if (mig.ran) {
			mig.host = mig.a;
			/* Nobody's turn: no hartid is UINT32_MAX. */
			atomic_store_explicit(&mig.step, (uint64_t)UINT32_MAX << 32 | MIG_IDLE,
					      memory_order_relaxed);
		}
	}
	fw_barrier(nr_up);		/* roles and the vCPU seen by every hart */
	if (mig.ran && self == mig.a) {
		take_vcpu(self);
		mig.line = mig.new_line;
		leave(self);
		set_step(MIG_PREPARE, mig.b);
	}
	if (mig.ran && (self == mig.a || self == mig.b))
		host_loop(self);
	else if (mig.ran && self == mig.sender)
		sender_loop();
	fw_barrier(nr_up);
}

uint32_t fw_migrate_report(void)
{
	uint32_t sent = atomic_load_explicit(&mig.sent, memory_order_relaxed);
	uint32_t claimed = atomic_load_explicit(&mig.claimed, memory_order_relaxed);
	uint32_t failed = atomic_load_explicit(&mig.failed, memory_order_relaxed);

	if (!mig.ran) {
		fw_printf("migrate: skip (needs two harts with a line and a third hart)\n");
		return 0;
	}
	failed += sent != claimed || atomic_load_explicit(&mig.misclaimed, memory_order_relaxed) ||
		  atomic_load_explicit(&mig.rounds, memory_order_relaxed) != MIG_ROUNDS;
	fw_printf("migrate: harts=%u,%u sender=%u migrations=%u msis_sent=%u claimed=%u "
		  "misclaimed=%u forwarded=%u checks=%u %s\n", mig.a->hartid, mig.b->hartid,
		  mig.sender->hartid, atomic_load_explicit(&mig.rounds, memory_order_relaxed),
		  sent, claimed, atomic_load_explicit(&mig.misclaimed, memory_order_relaxed),
		  atomic_load_explicit(&mig.forwarded, memory_order_relaxed),
		  atomic_load_explicit(&mig.passed, memory_order_relaxed), failed ? "fail" : "pass");
	return failed;
}
