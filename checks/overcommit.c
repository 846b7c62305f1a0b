/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * More vCPUs than guest files (issue 17), on QEMU, with real VS-mode guests. The host
 * is the up hart with the fewest lines (biglittle's little harts have 1, zeroline's
 * last hart 0). Four vCPUs (vcpu/, each with its own G-stage tables and data page)
 * take OC_TURNS turns on it, each running checks/guest.S: the guest enables its file
 * through siselect/sireg (identities 1..OC_IDS), says it waits, sleeps in wfi, claims
 * in its vector with stopei and reports each claim by ecall.
 *
 * The running vCPU gets a hardware line if the hart has one: when the lines are all
 * taken, the vCPU that ran least recently and holds one is demoted (hgei_demote(),
 * its guest's IMSIC page unmapped) and the one about to run promoted (hgei_promote(),
 * the page mapped onto the new guest file, hstatus.VGEIN = its line). A vCPU without a
 * line runs with VGEIN = 0 on its software file (hgei_swfile.h): its sireg and stopei
 * accesses trap as virtual-instruction exceptions, emulated here, and its interrupt is
 * injected through hvip.VSEIP. A hart with no lines runs every vCPU so.
 *
 * The guests' wfi traps (hstatus.VTW = 1) so the host sees a vCPU block: on a line it
 * blocks with the line armed (fw_vcpu_block/wait, lib/hgei's SGEI wake); on a software
 * file it waits until the sender's emulated doorbell (hgei_swfile_msi() returning true)
 * marks it runnable and kicks the host.
 *
 * The sender (another hart) keeps every vCPU under fire: bursts of OC_IDS MSIs
 * (identities 1..OC_IDS) once the last burst was claimed, so the guests also run dry
 * and block, and one more whenever a redirect asks for it (an MSI that reaches the old
 * file just before the redirect); an identity is sent again only once its claim
 * was reported, to wherever the vCPU's file is at that moment as published by the
 * redirect hook (a hardware file: an MSI store; the software file: hgei_swfile_msi(),
 * what a trapped guest store to the IMSIC page would call). So MSIs land in the middle
 * of promotes and demotes. A reported claim of an identity not outstanding (doubled or
 * stray) counts as misclaimed; at the end every vCPU's sent and claimed counts must
 * match and nothing be outstanding (none lost).
 */
#include "csr.h"
#include "fw.h"
#include "guest_abi.h"
#include "hgei_swfile.h"
#include "imsic.h"
#include "sbi.h"
#include "stage.h"
#include "vcpu.h"

#define OC_VCPUS	4
#define OC_TURNS	48		/* 12 per vCPU */
#define OC_IDS		7		/* identities 1..7, sent in turn */
/* Claims that end a turn: more than the two MSIs a turn's redirects ask for (see
 * redirect()), so a vCPU runs dry now and then and blocks. */
#define OC_TURN_CLAIMS	3
#define OC_EIE		(((1ULL << OC_IDS) - 1) << 1)
#define OC_SLICES_PER_S	100
#define VCPU_REG_A7	17

/* The CSR instructions (SYSTEM opcode, funct3 1..3 and 5..7) the guest's trapped
 * accesses are made of. */
#define INSN_SYSTEM	0x73
#define INSN_WFI	0x10500073u

struct oc_vcpu {
	struct fw_vcpu vcpu;		/* its owner is lib/hgei's owner pointer */
	struct hgei_swfile sw;		/* its software file, the truth while off a line */
	/* Published by the redirect hook: the file MSIs go to, 0 for sw (relaxed; the
	 * gen increment after it releases it). */
	_Atomic uint64_t target;
	_Atomic uint64_t outstanding;	/* identities sent and not yet claimed */
	_Atomic uint32_t sent, claimed;
	/* The host's redirect asks for one more MSI now (release/acquire). */
	_Atomic uint32_t want_one;
	/* 1 while its guest runs (not while blocked): a burst waits for it to sleep.
	 * Only pacing, not correctness: 0 is stored with release (the sender's acquire
	 * then sees the vCPU armed or flagged blocked), 1 relaxed (a stale 0 only sends
	 * a burst early). */
	_Atomic uint32_t running;
	/* 1 while blocked on its software file: the sender's doorbell clears it and
	 * kicks the host (seq_cst on both sides, see sw_block()). */
	_Atomic uint32_t sw_blocked;
	uint32_t last_run;		/* turn + 1 of its last run: least recently run */
	bool ready;			/* the guest reported its file set up */
};

static struct {
	struct oc_vcpu v[OC_VCPUS];
	struct fw_hart *host, *sender;
	/* The redirect protocol of migrate.c: see no_msi_in_flight(). */
	_Atomic uint32_t gen, sender_gen, sender_idle;
	_Atomic uint32_t stop_sending, sender_done;
	_Atomic uint32_t misclaimed, forwarded, passed, failed, sw_wakes;
	uint32_t turns, hw_runs, sw_runs, promotes, demotes, emulated, hw_wakes, spurious;
	uint32_t stval_insns;		/* emulated accesses whose stval held the insn */
	uint64_t timer_at;		/* the slice timer this stage armed last */
	struct hgei_vsfile_state file;	/* promote/demote's scratch */
	bool ran;
} oc;

extern char fw_guest_start[], fw_guest_end[], fw_guest_entry_eie[];

static struct fw_vcpu_image oc_image = {
	.ram_gpa = GUEST_RAM_GPA,
	.imsic_gpa = GUEST_IMSIC_GPA,
};

static void oc_check(bool ok, const char *what, unsigned long v)
{
	if (ok) {
		atomic_fetch_add_explicit(&oc.passed, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&oc.failed, 1, memory_order_relaxed);
	fw_printf("overcommit: hart %u: %s (%#lx)\n", fw_self->hartid, what, v);
}

static bool oc_wait(bool (*cond)(void *), void *arg)
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	return fw_wait_progress(cond, arg, &wd);
}

static void kick(const struct fw_hart *h)
{
	sbi_send_ipi(1, h->hartid);
}

static struct oc_vcpu *oc_of(void *owner)
{
	return fw_container_of(fw_container_of(owner, struct fw_vcpu, owner), struct oc_vcpu,
			       vcpu);
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
struct one_more {
	struct oc_vcpu *v;
	uint32_t sent_before;
};

static bool one_more_sent(void *arg)
{
	const struct one_more *m = arg;

	return atomic_load_explicit(&m->v->sent, memory_order_acquire) != m->sent_before ||
	       atomic_load_explicit(&m->v->outstanding, memory_order_acquire) == OC_EIE ||
	       atomic_load_explicit(&oc.sender_done, memory_order_acquire);
}

static void redirect(void *owner, uint64_t file_pa)
{
	struct oc_vcpu *v = oc_of(owner);
	struct one_more m = { v, atomic_load_explicit(&v->sent, memory_order_acquire) };

	atomic_store_explicit(&v->want_one, 1, memory_order_release);
	kick(oc.sender);
	oc_check(oc_wait(one_more_sent, &m), "no MSI to the old file before the redirect",
		 (unsigned long)(v - oc.v));
	atomic_store_explicit(&v->want_one, 0, memory_order_relaxed);
	atomic_store_explicit(&v->target, file_pa, memory_order_relaxed);
	/* seq_cst (a release for target): see no_msi_in_flight. */
	atomic_fetch_add_explicit(&oc.gen, 1, memory_order_seq_cst);
	kick(oc.sender);
	oc_check(oc_wait(no_msi_in_flight, NULL), "an MSI stayed on its way to the old file",
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

/* ---- lines: promote, demote --------------------------------------------------- */

static void demote(struct fw_hart *self, struct oc_vcpu *v)
{
	int err = hgei_demote(&self->hgei, v->vcpu.line.line, &v->vcpu.owner, &v->sw, &oc_ops,
			      &oc.file);

	oc_check(!err, "demote", (unsigned long)-err);
	if (err)
		return;
	oc.demotes++;
	/* The line is gone: VGEIN 0 and no IMSIC page, so a guest access to it traps
	 * to HS instead of reaching a file that may be another vCPU's. */
	err = fw_vcpu_set_line(&v->vcpu, NULL);
	oc_check(!err, "unmap the guest's IMSIC page", (unsigned long)-err);
}

/* The least recently run vCPU holding a line, or NULL. */
static struct oc_vcpu *lru_holder(void)
{
	struct oc_vcpu *lru = NULL;

	for (unsigned i = 0; i < OC_VCPUS; i++)
		if (oc.v[i].vcpu.line.line && (!lru || oc.v[i].last_run < lru->last_run))
			lru = &oc.v[i];
	return lru;
}

/* @v is about to run: give it a line if the hart has any, demoting the least
 * recently run holder when they are all taken. */
static void switch_in(struct fw_hart *self, struct oc_vcpu *v)
{
	struct hgei_line l;
	int err;

	if (v->vcpu.line.line || self->lines <= 0)
		return;
	for (;;) {
		err = hgei_promote(&v->sw, &self->hgei, &v->vcpu.owner, false, &oc_ops,
				   &oc.file, &l);
		if (err != -HGEI_ENOSPC || !lru_holder())
			break;
		demote(self, lru_holder());
	}
	oc_check(!err, "promote", (unsigned long)-err);
	if (err)
		return;
	oc.promotes++;
	if (v->ready)
		oc_check(oc.file.eie[0] == OC_EIE && oc.file.eidelivery == 1,
			 "configuration carried", oc.file.eie[0]);
	err = fw_vcpu_set_line(&v->vcpu, &l);
	oc_check(!err, "map the guest's IMSIC page", (unsigned long)-err);
}

/* ---- the software file's emulation --------------------------------------------- */

/*
 * A virtual-instruction exception (scause 22) of @v's guest: its sireg or stopei
 * access with VGEIN = 0. AIA §2.3 (Hypervisor and VS CSRs): the registers 0x70..0xFF
 * are accessible only when VGEIN is an implemented guest external interrupt, else
 * inaccessible, and a VS-mode access to sireg (really vsireg) selecting an
 * inaccessible register, or to stopei (really vstopei), raises a virtual instruction
 * exception. Emulated on its software file: the old value into rd, the write (if
 * any) applied, sepc past the instruction. Returns false for anything else.
 */
static bool emulate_csr(struct oc_vcpu *v, uint32_t insn)
{
	uint64_t *gpr = v->vcpu.regs.gpr;
	unsigned funct3 = (insn >> 12) & 7, rd = (insn >> 7) & 31, rs1 = (insn >> 15) & 31;
	unsigned csr = insn >> 20;
	uint64_t src, wval, wmask, old = 0;
	bool write;

	if ((insn & 0x7f) != INSN_SYSTEM || !(funct3 & 3))
		return false;
	/* csrrwi/csrrsi/csrrci take rs1 as a 5-bit immediate. */
	src = funct3 & 4 ? rs1 : rs1 ? gpr[rs1] : 0;
	/* Zicsr: csrrs/csrrc with rs1 = x0 (or uimm 0) do not write. */
	write = (funct3 & 3) == 1 || rs1 != 0;
	wval = (funct3 & 3) == 3 ? 0 : src;
	wmask = (funct3 & 3) == 1 ? ~0ULL : src;
	if (csr == CSR_SIREG) {
		/* vsiselect is a real CSR whatever VGEIN is: the guest's write reached it. */
		if (hgei_swfile_rmw(&v->sw, csr_read(CSR_VSISELECT), &old, wval,
				    write ? wmask : 0))
			return false;
	} else if (csr == CSR_STOPEI) {
		/* AIA 3.9: any write to stopei claims the top interrupt it reads; a read
		 * alone (csrr = csrrs x0) leaves it pending. */
#ifdef FW_TEST_OC_NO_CLAIM
		old = hgei_swfile_topei(&v->sw, false);
#else
		old = hgei_swfile_topei(&v->sw, write);
#endif
	} else {
		return false;
	}
	if (rd)
		gpr[rd] = old;
	v->vcpu.pc += 4;
	oc.emulated++;
	return true;
}

/* hvip.VSEIP for a vCPU on its software file: what its guest file would signal (AIA
 * §3.10: eidelivery on and an enabled identity pending under the threshold). The H
 * extension makes VSEIP the OR of hvip.VSEIP and hgeip[VGEIN], and VGEIN = 0 selects
 * no file, so hvip is the whole of it; 0 on a line, where the guest file drives VSEIP
 * itself. Before every entry, so also after each emulated access (a claim or an eie
 * write changes it) and after the sender's kick. */
static void set_vseip(struct oc_vcpu *v)
{
	bool on = !v->vcpu.line.line && hgei_swfile_vseip(&v->sw);

#ifdef FW_TEST_OC_NO_VSEIP
	on = false;
#endif
	if (on)
		csr_set(CSR_HVIP, HVIP_VSEIP);
	else
		csr_clear(CSR_HVIP, HVIP_VSEIP);
}

/* ---- blocking ------------------------------------------------------------------- */

static bool sw_unblocked(void *arg)
{
	const struct oc_vcpu *v = arg;

	return !atomic_load_explicit(&v->sw_blocked, memory_order_acquire);
}

/*
 * @v's guest executed wfi with nothing to do: it blocks until its file signals. On a
 * line: the line armed, lib/hgei's SGEI wake. On the software file: sw_blocked set,
 * then the file looked at once more; the sender sets a pending bit, then swaps
 * sw_blocked to 0 if hgei_swfile_msi() said the file signals. Both sides are seq_cst
 * read-modify-writes after their first access (Dekker): either the host sees the
 * pending bit or the sender sees sw_blocked.
 */
static bool block(struct fw_hart *self, struct oc_vcpu *v)
{
	struct fw_watchdog wd;
	bool woken;

	fw_watchdog_start(&wd, FW_STALL_S);
	if (v->vcpu.line.line) {
		int err = fw_vcpu_block(&v->vcpu, self);

		oc_check(!err, "arm the blocked vCPU's line", (unsigned long)-err);
		if (err)
			return false;
		atomic_store_explicit(&v->running, 0, memory_order_release);
		kick(oc.sender);
		woken = fw_vcpu_wait(&v->vcpu, self, &wd);
		atomic_store_explicit(&v->running, 1, memory_order_relaxed);
		/* fw_vcpu_wait() left the HS timer armed: the next slice. */
		oc.timer_at = v->vcpu.timer_at;
		oc.hw_wakes += woken;
		oc_check(woken, "blocked vCPU on a line not woken", v->vcpu.line.line);
		return woken;
	}
	atomic_exchange_explicit(&v->sw_blocked, 1, memory_order_seq_cst);
	if (hgei_swfile_vseip(&v->sw)) {
		atomic_store_explicit(&v->sw_blocked, 0, memory_order_relaxed);
		return true;
	}
	atomic_store_explicit(&v->running, 0, memory_order_release);
	kick(oc.sender);
	woken = fw_wait_progress(sw_unblocked, v, &wd);
	atomic_store_explicit(&v->running, 1, memory_order_relaxed);
	oc_check(woken, "blocked vCPU on its software file not woken",
		 (unsigned long)(v - oc.v));
	oc.timer_at = 0;		/* the wait's slices moved the timer */
	return woken;
}

/* ---- running a vCPU -------------------------------------------------------------- */

/* The guest's ecall: READY once, then a CLAIMED per interrupt it took. */
static bool guest_call(struct oc_vcpu *v)
{
	const uint64_t *a = &v->vcpu.regs.gpr[VCPU_REG_A0];
	uint64_t call = v->vcpu.regs.gpr[VCPU_REG_A7], bit;
	uint32_t n;

	v->vcpu.pc += 4;
	fw_progress();
	if (call == GUEST_CALL_READY) {
		oc_check(!v->ready && a[0] == 1 && a[1] == OC_EIE, "guest's file set-up", a[1]);
		v->ready = true;
		return true;
	}
	if (call != GUEST_CALL_CLAIMED) {
		oc_check(false, "unknown guest call", call);
		return false;
	}
	oc_check(a[2] == (SCAUSE_IRQ | IRQ_S_EXT), "guest interrupt not scause 9", a[2]);
	if (!a[0]) {
		/* VSEI with nothing to claim (stopei read 0): no MSI's claim. */
		oc.spurious++;
		return true;
	}
	/* The sender set the bit before its MSI (see send_one()); release: its acquire
	 * orders its next MSI of this identity after this claim. */
	bit = a[0] <= OC_IDS ? 1ULL << a[0] : 0;
	n = atomic_load_explicit(&v->claimed, memory_order_relaxed);
	if (bit && (atomic_fetch_and_explicit(&v->outstanding, ~bit, memory_order_acq_rel) & bit)) {
		atomic_store_explicit(&v->claimed, n + 1, memory_order_relaxed);
		kick(oc.sender);
		return true;
	}
	/* Doubled or stray: the stage has failed; stop here (an identity that stays
	 * pending would be claimed over and over, each claim looking like progress). */
	atomic_fetch_add_explicit(&oc.misclaimed, 1, memory_order_relaxed);
	oc_check(false, "claim of an identity not outstanding", a[0]);
	return false;
}

/*
 * Runs @v (loaded) until @done(@v), slicing it with the HS timer as the guest stage
 * does; false on a failure (watchdog: no claim of @v and no progress anywhere for
 * FW_STALL_S of this hart's running time).
 */
static bool run(struct fw_hart *self, struct oc_vcpu *v, bool (*done)(struct oc_vcpu *))
{
	const uint64_t slice = fw_timebase_hz / OC_SLICES_PER_S;
	struct fw_vcpu *c = &v->vcpu;
	struct fw_watchdog wd;
	bool ok = true;

	fw_watchdog_start(&wd, FW_STALL_S);
	while (ok && !done(v)) {
		uint64_t now = fw_time(), cause;

		if (now >= oc.timer_at) {
			oc.timer_at = now + slice;
			sbi_set_timer(oc.timer_at);
		}
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		set_vseip(v);
		cause = fw_vcpu_run(c);
		if (cause == SCAUSE_VS_ECALL) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			ok = guest_call(v);
		} else if (cause == SCAUSE_VIRT_INSN) {
			/* QEMU puts the instruction in stval; where it does not, it is at
			 * sepc: the guest's code is mapped at its own host address. */
			uint32_t insn = (uint32_t)c->exit_stval;

			if (insn)
				oc.stval_insns++;
			else
				insn = *(const volatile uint32_t *)(uintptr_t)c->pc;
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			if (insn == INSN_WFI) {
				c->pc += 4;
				ok = block(self, v);
				/* A guest that sleeps again at once (its interrupt never
				 * reaches it) traps here, not at a slice end. */
				if (ok && fw_watchdog_expired(&wd, atomic_load_explicit(
							      &v->claimed, memory_order_relaxed))) {
					oc_check(false, "vCPU made no progress",
						 (unsigned long)c->pc);
					ok = false;
				}
			} else if (!emulate_csr(v, insn)) {
				oc_check(false, "guest instruction not emulated", insn);
				ok = false;
			}
		} else if (!(cause & SCAUSE_IRQ)) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			fw_printf("overcommit: vCPU %u trap scause %#lx sepc %#lx stval %#lx "
				  "htval %#lx\n", (unsigned)(v - oc.v), (unsigned long)cause,
				  (unsigned long)c->pc, (unsigned long)c->exit_stval,
				  (unsigned long)c->exit_htval);
			oc_check(false, "guest trap", cause);
			ok = false;
		} else {
			if ((cause & ~SCAUSE_IRQ) == IRQ_S_TIMER) {
				/* The slice ended: re-armed on the next entry. */
				oc.timer_at = 0;
				/* Claims, not the pc: a guest that wakes from wfi for an
				 * interrupt it never gets moves its pc forever. */
				if (fw_watchdog_expired(&wd, atomic_load_explicit(
								     &v->claimed, memory_order_relaxed))) {
					oc_check(false, "vCPU made no progress", (unsigned long)c->pc);
					ok = false;
				}
			} else {
				/* IPIs (the sender's kicks, barriers), SGEIs of other lines. */
				fw_trap(cause);
			}
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
		}
	}
	return ok;
}

static uint32_t turn_start;

/* The turn's end: OC_TURN_CLAIMS MSIs claimed in it, and more outstanding. A vCPU
 * that claimed the last of a burst runs on into its wfi and blocks (the sender's next
 * burst waits for that), so the wake paths are taken on every topology. */
static bool turn_done(struct oc_vcpu *v)
{
	return atomic_load_explicit(&v->claimed, memory_order_relaxed) - turn_start >=
		       OC_TURN_CLAIMS &&
	       atomic_load_explicit(&v->outstanding, memory_order_acquire);
}

static bool none_outstanding(struct oc_vcpu *v)
{
	return !atomic_load_explicit(&v->outstanding, memory_order_acquire);
}

/* One turn of @v: a line if there is one, then it runs until turn_done(). */
static bool turn(struct fw_hart *self, struct oc_vcpu *v, unsigned t)
{
	bool ok;

	switch_in(self, v);
	if (v->vcpu.line.line)
		oc.hw_runs++;
	else
		oc.sw_runs++;
	fw_vcpu_load(&v->vcpu);
	turn_start = atomic_load_explicit(&v->claimed, memory_order_relaxed);
	atomic_store_explicit(&v->running, 1, memory_order_relaxed);
	ok = run(self, v, turn_done);
	atomic_store_explicit(&v->running, 0, memory_order_release);
	fw_vcpu_put(&v->vcpu);
	v->last_run = t + 1;
	oc.turns++;
	fw_progress();
	return ok;
}

static bool sender_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&oc.sender_done, memory_order_acquire);
}

static void host(struct fw_hart *self)
{
	/* Identities 1..7, one interrupt at a time (several are pending at once). */
	const uint64_t args[3] = { OC_EIE, 1, GUEST_RAM_GPA };
	bool ok = true;

	for (unsigned i = 0; i < OC_VCPUS && ok; i++) {
		struct fw_vcpu *c = &oc.v[i].vcpu;
		int err = fw_vcpu_setup(c, self, (uintptr_t)fw_guest_entry_eie, args);

		oc_check(!err, "vCPU set-up", (unsigned long)-err);
		c->trap_wfi = true;
		ok = !err;
	}
	for (unsigned t = 0; ok && t < OC_TURNS; t++)
		ok = turn(self, &oc.v[t % OC_VCPUS], t);
	/* Every vCPU back on its software file. */
	for (struct oc_vcpu *v; (v = lru_holder());)
		demote(self, v);
	atomic_store_explicit(&oc.stop_sending, 1, memory_order_release);
	kick(oc.sender);
	oc_check(oc_wait(sender_finished, NULL), "sender did not stop", 0);
	/* What is still outstanding is claimed by its guest (on its software file). */
	for (unsigned i = 0; ok && i < OC_VCPUS; i++) {
		fw_vcpu_load(&oc.v[i].vcpu);
		ok = run(self, &oc.v[i], none_outstanding);
		fw_vcpu_put(&oc.v[i].vcpu);
	}
	/* The hart as the vCPUs found it: no guest state, no VS interrupt, VGEIN 0 (the
	 * last line run on is freed). */
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HGATP, 0);
	fw_gstage_fence();
	csr_clear(CSR_HIDELEG, HIDELEG_VSEI);
	csr_clear(CSR_HIE, HIE_VSEIE);
	csr_write(CSR_HSTATUS, csr_read(CSR_HSTATUS) & ~HGEI_HSTATUS_VGEIN_MASK);
	sbi_set_timer(UINT64_MAX);
	if (!ok) {
		atomic_store_explicit(&oc.stop_sending, 1, memory_order_release);
		kick(oc.sender);
	}
}

/* ---- the sender ---------------------------------------------------------------- */

/* What the sender owes @v now: a burst of OC_IDS once all its MSIs were claimed and
 * it does not run (out of its turn, or blocked in its wfi: so a vCPU that runs dry
 * blocks every time, and the armed line's SGEI or the doorbell wakes it), one when a
 * redirect asks for it, else none. */
static unsigned owed(struct oc_vcpu *v)
{
	uint64_t out = atomic_load_explicit(&v->outstanding, memory_order_acquire);

	if (!out && !atomic_load_explicit(&v->running, memory_order_acquire))
		return OC_IDS;
	return out != OC_EIE && atomic_load_explicit(&v->want_one, memory_order_acquire);
}

static bool sendable(void *arg)
{
	(void)arg;
	if (atomic_load_explicit(&oc.stop_sending, memory_order_acquire))
		return true;
	for (unsigned i = 0; i < OC_VCPUS; i++)
		if (owed(&oc.v[i]))
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
	if (pa) {
		hgei_msi_send(pa, id);
	} else if (hgei_swfile_msi(&v->sw, id) &&
		   atomic_exchange_explicit(&v->sw_blocked, 0, memory_order_seq_cst)) {
		/* The hypervisor's doorbell: the file signals and its vCPU was blocked on
		 * it: runnable now (the kick below wakes the host). */
		atomic_fetch_add_explicit(&oc.sw_wakes, 1, memory_order_relaxed);
	}
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
		if (!oc_wait(sendable, NULL)) {
			oc_check(false, "no vCPU ready for an MSI", 0);
			break;
		}
		for (unsigned i = 0; i < OC_VCPUS; i++) {
			struct oc_vcpu *v = &oc.v[i];

			for (unsigned n = owed(v); n; n--) {
				uint64_t out = atomic_load_explicit(&v->outstanding,
								    memory_order_acquire);

				if (atomic_load_explicit(&oc.stop_sending, memory_order_acquire) ||
				    out == OC_EIE)
					break;
				atomic_store_explicit(&v->want_one, 0, memory_order_relaxed);
				/* The lowest identity not outstanding. */
				send_one(v, (unsigned)__builtin_ctzll(~out & OC_EIE));
			}
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

/* Boot hart, at boot: the vCPUs' G-stage tables and data pages. */
static void overcommit_alloc(void)
{
	oc_image.code_start = (uintptr_t)fw_guest_start;
	oc_image.code_end = (uintptr_t)fw_guest_end;
	for (unsigned i = 0; i < OC_VCPUS; i++)
		fw_vcpu_prepare(&oc.v[i].vcpu, &oc_image,
				fw_heap_alloc(GSTAGE_MEM_SIZE, GSTAGE_MEM_ALIGN),
				fw_heap_alloc(GUEST_PAGE_SIZE, GUEST_PAGE_SIZE));
}

/* Every up hart, after the migration stage: picks the host and the sender, runs the
 * stage, and calls fw_barrier(@nr_up) twice. */
static void overcommit_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
			   uint32_t pos)
{
	(void)pos;
	if (self->hartid == fw_boot_hartid) {
		pick_roles(up, nr_up);
		/* The guests enable their files themselves (emulated sireg writes). */
		for (unsigned i = 0; i < OC_VCPUS; i++)
			hgei_swfile_init(&oc.v[i].sw, 63);
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
	uint32_t want_promotes = hw && oc.host->lines >= OC_VCPUS ? OC_VCPUS : OC_TURNS;

	if (!oc.ran) {
		fw_printf("overcommit: skip (needs two harts)\n");
		return;
	}
	for (unsigned i = 0; i < OC_VCPUS; i++) {
		uint32_t s = atomic_load(&oc.v[i].sent), c = atomic_load(&oc.v[i].claimed);

		/* A wake naming another hart or line is lib/hgei's dispatch gone wrong. */
		failed += s != c || atomic_load(&oc.v[i].outstanding) || !oc.v[i].ready ||
			  oc.v[i].vcpu.wake_misrouted;
		sent += s;
		claimed += c;
	}
	/* With lines: every run on one, a promote per switch onto a taken hart (one per
	 * vCPU when it has a line each) and as many demotes; without: every run on a
	 * software file, its accesses emulated. Either way a vCPU that ran dry blocked
	 * and was woken (the sender's bursts wait for that: see owed()). */
	failed += misclaimed || oc.turns != OC_TURNS || sent < OC_TURNS ||
		  (hw ? oc.hw_runs != OC_TURNS || oc.sw_runs || oc.promotes != want_promotes ||
				oc.demotes != oc.promotes || !oc.hw_wakes
		      : oc.sw_runs != OC_TURNS || oc.hw_runs || oc.promotes || oc.demotes ||
				!oc.emulated || !atomic_load(&oc.sw_wakes));
	fw_printf("overcommit: hart=%u lines=%d sender=%u vcpus=%u turns=%u hw_runs=%u "
		  "sw_runs=%u promotes=%u demotes=%u msis_sent=%u claimed=%u forwarded=%u "
		  "misclaimed=%u spurious=%u emulated=%u stval_insns=%u hw_wakes=%u "
		  "sw_wakes=%u checks=%u %s\n", oc.host->hartid, oc.host->lines,
		  oc.sender->hartid, OC_VCPUS, oc.turns, oc.hw_runs, oc.sw_runs, oc.promotes,
		  oc.demotes, sent, claimed, atomic_load(&oc.forwarded), misclaimed, oc.spurious,
		  oc.emulated, oc.stval_insns, oc.hw_wakes, atomic_load(&oc.sw_wakes),
		  atomic_load(&oc.passed), failed ? "fail" : "pass");
	t->failed += failed;
}

static const struct fw_stage overcommit_stage = {
	.name = "overcommit",
	.alloc = overcommit_alloc,
	.run = overcommit_run,
	.report = overcommit_report,
};
FW_STAGE(35, overcommit_stage);
