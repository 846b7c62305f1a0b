/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest stage of the self-test (issue #5). Each hart with a line creates a vCPU
 * (vcpu/vcpu.c) running checks/guest.S in VS-mode on one guest interrupt file,
 * behind its own G-stage tables. The previous up hart (the one whose self-test target
 * this hart is) sends the MSIs:
 *
 *  1. running: the guest has enabled its file and sleeps in wfi; the sender waits
 *     until the guest says so in its data page, then writes the first identity to the
 *     guest file. The guest takes VSEI with no HS involvement, claims with stopei and
 *     reports by ecall. The HS timer slices the run: it feeds the watchdog, and it
 *     gives the hart the chance to do its own sending while its guest waits.
 *  2. blocked: with the vCPU out, its line is armed; the sender writes the second
 *     identity; the SGEI reaches lib/hgei, which calls the vCPU's wake hook; the wait
 *     ends, the vCPU is entered where it left off and must take the waiting interrupt
 *     before its next instruction.
 *
 * Phases are separated by fw_barrier(); every up hart calls it, lines or not.
 */
#include <stdarg.h>
#include <stdio.h>
#include "csr.h"
#include "guest_abi.h"
#include "imsic.h"
#include "sbi.h"
#include "stage.h"
#include "vcpu.h"

/* Seconds of this hart's running time with no progress anywhere (fw_watchdog) before
 * a phase fails; tests/qemu/guest.sh shortens it. */
#ifndef GUEST_TIMEOUT_S
#define GUEST_TIMEOUT_S		FW_STALL_S
#endif
#define GUEST_SLICES_PER_S	100
#define GUEST_SLICE_MAX_S	4	/* see run_until_call() */
/* Slice ends in a row at which the guest had trapped again at the same vsepc with
 * the same vscause and made no call: it is stuck in a loop of traps. A working guest
 * takes one interrupt per phase and then calls. */
#define GUEST_TRAP_LOOP_SLICES	10
#define VCPU_REG_A7		17

enum guest_result { GUEST_FAIL = 0, GUEST_PASS, GUEST_SKIP };

struct fw_guest_stage {
	struct fw_vcpu vcpu;
	/* Read by the sending hart after a barrier; written before it. Atomic because
	 * they are another hart's; release/acquire for the guest page they point to. */
	_Atomic uint32_t ready;		/* the guest has enabled its file (phase 1) */
	_Atomic uint32_t armed;		/* the blocked vCPU's line is armed (phase 2) */
	uint8_t run, blocked;		/* enum guest_result */
	uint32_t sent;			/* MSIs this hart wrote into another hart's guest */
	uint32_t claimed;		/* right identities this hart's guest claimed */
	uint64_t sgei_to_guest;		/* instret, HS trap vector to guest vector */
	uint64_t timer_at;		/* the HS timer this stage last armed */
	uint32_t passed, failed;	/* this hart's checks */
};

extern char fw_guest_start[], fw_guest_end[];
extern char fw_guest_entry[], fw_guest_wait[], fw_guest_wait_end[], fw_guest_resume[];

/* guest.S and its guest-physical map (guest_abi.h), for the vCPU layer. */
static struct fw_vcpu_image guest_image = {
	.ram_gpa = GUEST_RAM_GPA,
	.imsic_gpa = GUEST_IMSIC_GPA,
};

static struct fw_guest_stage *guests;	/* one per fw_harts[] entry */

static struct fw_guest_stage *g_of(const struct fw_hart *h)
{
	return &guests[h->index];
}

/* Identities depend on the hartid so a guest that claims a neighbour's MSI is caught;
 * both fit eie0 (1..63). */
static unsigned id_running(uint32_t hartid)
{
	return 1 + 2 * (hartid % 31);
}

static unsigned id_blocked(uint32_t hartid)
{
	return id_running(hartid) + 1;
}

static void __attribute__((format(printf, 3, 4)))
check(struct fw_hart *self, bool ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	if (ok) {
		g_of(self)->passed++;
		return;
	}
	g_of(self)->failed++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fw_printf("guest: hart %u: %s", self->hartid, buf);
}

/* Boot hart, before the other harts start: the stage's state, and for every hart the
 * devicetree grants guest files its G-stage tables and guest page (fw_heap). */
static void guest_alloc(void)
{
	_Static_assert(GUEST_PAGE_SIZE == VCPU_PAGE_SIZE, "one page of guest data");
	guest_image.code_start = (uintptr_t)fw_guest_start;
	guest_image.code_end = (uintptr_t)fw_guest_end;
	guests = fw_heap_alloc(fw_nr_harts * sizeof(*guests), 64);
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		struct fw_hart *h = &fw_harts[i];

		guests[i] = (struct fw_guest_stage){ 0 };
		if (h->dt && !h->dt->err && h->dt->dt_guest_files)
			fw_vcpu_prepare(&guests[i].vcpu, &guest_image,
					fw_heap_alloc(GSTAGE_MEM_SIZE, GSTAGE_MEM_ALIGN),
					fw_heap_alloc(GUEST_PAGE_SIZE, GUEST_PAGE_SIZE));
	}
}

/* A word of a guest's data page, as another hart or HS reads it. Acquire pairs with
 * the guest's program order: it sets GUEST_WAITING after its file set-up (CSR writes,
 * in effect once retired), so an MSI sent after seeing the flag finds the file on. */
static uint64_t guest_word(const struct fw_guest_stage *g, unsigned off)
{
	return __atomic_load_n((uint64_t *)((char *)g->vcpu.ram + off), __ATOMIC_ACQUIRE);
}

/* What a hart still owes its target's guest: one MSI with @id once @target is ready. */
struct send_duty {
	struct fw_hart *target;
	unsigned id;
	bool due;
};

static bool target_waiting(void *arg)
{
	const struct send_duty *d = arg;

	return guest_word(g_of(d->target), GUEST_WAITING) != 0;
}

static void send_msi(struct fw_hart *self, struct send_duty *d)
{
	hgei_msi_send(g_of(d->target)->vcpu.line.file_pa, d->id);
	g_of(self)->sent++;
	d->due = false;
	fw_progress();
}

/* What the last slice ends saw of a guest that keeps trapping without calling. */
struct trap_watch {
	uint64_t claims, vsepc, vscause;
	unsigned slices;		/* slice ends in a row that saw a new trap, same place */
	uint64_t first_claims;		/* the guest's trap count when that row began */
};

/*
 * At a slice end: true once the guest has trapped again (its vector counts every
 * entry in GUEST_CLAIMS) at the same vsepc with the same vscause for
 * GUEST_TRAP_LOOP_SLICES slice ends in a row. Then reports the loop: what the guest
 * traps with, where from, how often, and hgeip (a bit set for the guest's line with
 * nothing to claim is QEMU's stale level, see imsic_guest_relevel()).
 */
static bool trap_loop(struct fw_hart *self, struct trap_watch *t)
{
	struct fw_guest_stage *g = g_of(self);
	uint64_t claims = guest_word(g, GUEST_CLAIMS);
	uint64_t vsepc = csr_read(CSR_VSEPC), vscause = csr_read(CSR_VSCAUSE);

	if (claims != t->claims && vsepc == t->vsepc && vscause == t->vscause) {
		if (!t->slices++)
			t->first_claims = t->claims;
	} else {
		t->slices = 0;
	}
	t->claims = claims;
	t->vsepc = vsepc;
	t->vscause = vscause;
	if (t->slices < GUEST_TRAP_LOOP_SLICES)
		return false;
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	check(self, false, "guest trap loop: vscause %#lx vsepc %#lx pc %#lx vstvec %#lx, "
	      "%lu traps in %u slices, last claim id %lu, line %u hgeip %#lx\n",
	      (unsigned long)vscause, (unsigned long)vsepc, (unsigned long)g->vcpu.pc,
	      (unsigned long)csr_read(CSR_VSTVEC), (unsigned long)(claims - t->first_claims),
	      t->slices, (unsigned long)guest_word(g, GUEST_ID), g->vcpu.line.line,
	      (unsigned long)csr_read(CSR_HGEIP));
	return true;
}

/*
 * Runs the guest until it makes an ecall; returns the call number (a7), or -1 when
 * the watchdog @wd expired (no progress: neither the guest's pc nor anything
 * anywhere moved), the guest is stuck in a loop of traps, or it caused an exception
 * it should not. Between slices it does @duty once the target guest waits.
 */
static long run_until_call(struct fw_hart *self, struct send_duty *duty,
			   struct fw_watchdog *wd)
{
	struct fw_vcpu *v = &g_of(self)->vcpu;
	const uint64_t base = fw_timebase_hz / GUEST_SLICES_PER_S;
	uint64_t slice = base, pc;
	/* Zero: the first slice end only sets the baseline (claims start at 0 and a
	 * trap loop needs GUEST_TRAP_LOOP_SLICES more). */
	struct trap_watch tw = { 0 };

	for (;;) {
		uint64_t now = fw_time(), cause;

		if (duty && duty->due && target_waiting(duty))
			send_msi(self, duty);
		/* A timer still ahead ends the slice: only the wait before a blocked
		 * vCPU's re-entry leaves one, and it keeps the SBI call off that path. */
		if (now >= g_of(self)->timer_at) {
			g_of(self)->timer_at = now + slice;
			sbi_set_timer(g_of(self)->timer_at);
		}
		pc = v->pc;
		cause = fw_vcpu_run(v);
		if (cause == SCAUSE_VS_ECALL) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			v->pc += 4;
			fw_progress();
			return (long)v->regs.gpr[VCPU_REG_A7];
		}
		if (!(cause & SCAUSE_IRQ)) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			check(self, false, "guest trap scause %#lx sepc %#lx stval %#lx "
			      "htval %#lx\n", (unsigned long)cause, (unsigned long)v->pc,
			      (unsigned long)v->exit_stval, (unsigned long)v->exit_htval);
			return -1;
		}
		/* A timer ends the slice and is re-armed next time round; the runtime's
		 * handler takes the rest (IPIs from barriers and remote arms, SGEIs of
		 * other lines). */
		if ((cause & ~SCAUSE_IRQ) == IRQ_S_TIMER) {
			/*
			 * The slice starts when this hart reads the time, before set_timer,
			 * and set_timer is an MMIO write to the ACLINT under QEMU's big lock.
			 * With hundreds of harts contending for that lock on two busy host
			 * cores, a lock holder that the host preempts makes every waiter's
			 * slice run out before its guest is entered: seen as every guest of
			 * a 256-hart boot beside a CPU hog still at its first instruction
			 * after 30 s, with slices capped at a quarter second. So a slice with
			 * no progress doubles up to GUEST_SLICE_MAX_S, far above such a wait
			 * (a guest waiting in wfi makes none either; its MSI ends the slice
			 * at once, and this hart's send duty waits at most one slice).
			 */
			slice = v->pc != pc ? base : slice * 2 < GUEST_SLICE_MAX_S * fw_timebase_hz ?
						    slice * 2 : GUEST_SLICE_MAX_S * fw_timebase_hz;
			g_of(self)->timer_at = 0;
			if (trap_loop(self, &tw))
				return -1;
			/* Fed at slice ends only: the blocked path's re-entry stays short. */
			if (fw_watchdog_expired(wd, v->pc)) {
				csr_set(CSR_SSTATUS, SSTATUS_SIE);
				check(self, false, "guest made no progress for %u s (pc %#lx, "
				      "no call, %lu traps in all)\n", fw_watchdog_seconds(wd),
				      (unsigned long)v->pc,
				      (unsigned long)guest_word(g_of(self), GUEST_CLAIMS));
				return -1;
			}
		} else
			fw_trap(cause);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
}

static const uint64_t *guest_args(struct fw_hart *self)
{
	return &g_of(self)->vcpu.regs.gpr[VCPU_REG_A0];
}

/* Phase 0: create the vCPU and run the guest until it has enabled its file. */
static bool guest_start(struct fw_hart *self, struct fw_watchdog *wd)
{
	struct fw_guest_stage *g = g_of(self);
	struct fw_vcpu *v = &g->vcpu;
	const uint64_t args[3] = { id_running(self->hartid), id_blocked(self->hartid),
				   GUEST_RAM_GPA };
	const uint64_t eie = 1ULL << args[0] | 1ULL << args[1];
	uint64_t hstatus, eidelivery, eie0;
	long call;
	int err;

	err = fw_vcpu_create(v, self, (uintptr_t)fw_guest_entry, args);
	check(self, !err, "vCPU not created: %s\n", hgei_strerror(err));
	if (err)
		return false;
	check(self, v->line.file_pa == self->dt->slot_pa + v->line.line * HGEI_GUEST_FILE_SIZE,
	      "line %u: guest file %#lx\n", v->line.line, (unsigned long)v->line.file_pa);
	call = run_until_call(self, NULL, wd);
	if (call != GUEST_CALL_READY) {
		if (call >= 0)
			check(self, false, "guest made call %ld, want ready\n", call);
		return false;
	}
	/* What the guest wrote through siselect/sireg must be in host guest file line. */
	hstatus = hgei_vsfile_select(v->line.line);
	eidelivery = hgei_vsfile_read(HGEI_VS_EIDELIVERY);
	eie0 = hgei_vsfile_read(HGEI_VS_EIE0);
	csr_write(CSR_HSTATUS, hstatus);
	check(self, guest_args(self)[0] == 1 && guest_args(self)[1] == eie &&
		    eidelivery == 1 && eie0 == eie,
	      "file %u: guest reads eidelivery %lu eie0 %#lx, HS reads %lu %#lx, want 1 %#lx\n",
	      v->line.line, (unsigned long)guest_args(self)[0],
	      (unsigned long)guest_args(self)[1], (unsigned long)eidelivery,
	      (unsigned long)eie0, (unsigned long)eie);
	return true;
}

/* True when the guest's call was CLAIMED; any other call is a failed check (a failed
 * run, -1, has been counted already). */
static bool guest_called(struct fw_hart *self, long call)
{
	if (call == GUEST_CALL_CLAIMED)
		return true;
	if (call >= 0)
		check(self, false, "guest made call %ld, want a claim\n", call);
	return false;
}

/* Checks a CLAIMED report: @id claimed, taken at a pc in [@lo, @hi), claims so far. */
static bool check_claim(struct fw_hart *self, const char *path, unsigned id, uintptr_t lo,
			uintptr_t hi, uint64_t claims)
{
	const uint64_t *a = guest_args(self);
	struct fw_guest_stage *g = g_of(self);
	bool ok = a[0] == id && a[1] >= lo && a[1] < hi &&
		  a[2] == (SCAUSE_IRQ | IRQ_S_EXT) && guest_word(g, GUEST_CLAIMS) == claims;

	check(self, ok, "%s: claimed %lu at %#lx scause %#lx (claims %lu), want %u in "
	      "[%#lx, %#lx) scause 9 (claims %lu)\n", path, (unsigned long)a[0],
	      (unsigned long)a[1], (unsigned long)a[2],
	      (unsigned long)guest_word(g, GUEST_CLAIMS), id, (unsigned long)lo,
	      (unsigned long)hi, (unsigned long)claims);
	if (a[0] == id)
		g->claimed++;
	return ok;
}

/* Phase 1: the running guest takes its MSI; meanwhile this hart sends its target's. */
static void phase_running(struct fw_hart *self, bool have, struct fw_hart *target)
{
	struct fw_guest_stage *g = g_of(self);
	struct send_duty duty = {
		.target = target,
		.id = id_running(target->hartid),
		.due = atomic_load_explicit(&g_of(target)->ready, memory_order_acquire),
	};
	struct fw_watchdog wd;

	/* The barrier's waits re-armed the timer: arm ours on the first entry. */
	g->timer_at = 0;
	fw_watchdog_start(&wd, GUEST_TIMEOUT_S);
	if (have && guest_called(self, run_until_call(self, &duty, &wd)) &&
	    check_claim(self, "running", id_running(self->hartid), (uintptr_t)fw_guest_wait,
			(uintptr_t)fw_guest_wait_end, 1))
		g->run = GUEST_PASS;
	if (duty.due) {
		fw_watchdog_start(&wd, GUEST_TIMEOUT_S);
		if (fw_wait_progress(target_waiting, &duty, &wd))
			send_msi(self, &duty);
		else
			check(self, false, "hart %u's guest never waited for its MSI\n",
			      target->hartid);
	}
}

/* Phase 2, after the arm and a barrier: send the target's MSI, then wait for ours. */
static void phase_blocked(struct fw_hart *self, struct fw_hart *target)
{
	struct fw_guest_stage *g = g_of(self);
	struct fw_vcpu *v = &g->vcpu;
	struct send_duty duty = { .target = target, .id = id_blocked(target->hartid) };
	struct fw_watchdog wd;
	uint64_t hgeie;
	bool woken;
	long call;

	if (atomic_load_explicit(&g_of(target)->armed, memory_order_acquire))
		send_msi(self, &duty);
	if (!atomic_load_explicit(&g->armed, memory_order_relaxed))
		return;
	fw_watchdog_start(&wd, GUEST_TIMEOUT_S);
	woken = fw_vcpu_wait(v, self, &wd);
	g->timer_at = v->timer_at;
	if (!woken) {
		check(self, false, "blocked vCPU: no wake and no progress for %u s, "
		      "hgeip %#lx\n", fw_watchdog_seconds(&wd),
		      (unsigned long)csr_read(CSR_HGEIP));
		return;
	}
	/* Entering with the line still in hgeie would take the SGEI again from V = 1.
	 * Read now, checked after the run: the checks stay off the measured path. */
	hgeie = csr_read(CSR_HGEIE);
	call = run_until_call(self, NULL, &wd);
	check(self, v->wakes == 1 && !v->wake_misrouted && !(hgeie & 1ULL << v->line.line),
	      "blocked vCPU: %u wakes, %u misrouted, hgeie %#lx at re-entry (line %u)\n",
	      v->wakes, v->wake_misrouted, (unsigned long)hgeie, v->line.line);
	if (guest_called(self, call) &&
	    check_claim(self, "blocked", id_blocked(self->hartid), (uintptr_t)fw_guest_resume,
			(uintptr_t)fw_guest_resume + 1, 2)) {
		g->blocked = GUEST_PASS;
		g->sgei_to_guest = guest_args(self)[3] - v->wake_instret;
	}
}

/* Every up hart, after the MSI self-test: runs this hart's guest and sends the MSIs
 * for the next up hart's guest. Calls fw_barrier(@nr_up) three times, lines or not. */
static void guest_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
		      uint32_t pos)
{
	struct fw_hart *target = up[(pos + 1) % nr_up];
	struct fw_guest_stage *g = g_of(self);
	bool have = self->lines > 0 && g->vcpu.ram;
	struct fw_watchdog wd;
	int err;

	g->run = g->blocked = have ? GUEST_FAIL : GUEST_SKIP;
	fw_watchdog_start(&wd, GUEST_TIMEOUT_S);
	if (have && guest_start(self, &wd))
		atomic_store_explicit(&g->ready, 1, memory_order_release);
	else
		have = false;
	fw_barrier(nr_up);
	phase_running(self, have, target);
	fw_barrier(nr_up);
	if (have && g->vcpu.pc == (uintptr_t)fw_guest_resume) {
		err = fw_vcpu_block(&g->vcpu, self);
		check(self, !err, "arm line %u: %s\n", g->vcpu.line.line, hgei_strerror(err));
		if (!err)
			atomic_store_explicit(&g->armed, 1, memory_order_release);
	}
	fw_barrier(nr_up);
	phase_blocked(self, target);
	if (g->vcpu.line.line) {
		err = fw_vcpu_destroy(&g->vcpu, self);
		check(self, !err, "free line: %s\n", hgei_strerror(err));
	}
	/* The slices may have left the timer armed; the wait loops re-arm it as needed. */
	sbi_set_timer(UINT64_MAX);
}

static const char *result_name(uint8_t r)
{
	return r == GUEST_PASS ? "pass" : r == GUEST_SKIP ? "skip" : "fail";
}

static void guest_hart_fields(const struct fw_hart *h, char *buf, size_t len)
{
	const struct fw_guest_stage *g = g_of(h);

	fw_append(buf, len, " guest=%s blocked=%s guest_sent=%u guest_claimed=%u "
		  "sgei_to_guest=%lu", result_name(g->run), result_name(g->blocked), g->sent,
		  g->claimed, (unsigned long)g->sgei_to_guest);
}

/* Sums over the harts that finished (the report's DONE harts). */
static void guest_sums(uint64_t *sent, uint64_t *claimed, struct fw_stage_tally *t)
{
	*sent = *claimed = 0;
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		if (atomic_load_explicit(&fw_harts[i].state, memory_order_acquire) !=
		    FW_HART_DONE)
			continue;
		*sent += guests[i].sent;
		*claimed += guests[i].claimed;
		if (t) {
			t->passed += guests[i].passed;
			t->failed += guests[i].failed;
		}
	}
}

static void guest_summary_fields(char *buf, size_t len)
{
	uint64_t sent, claimed;

	guest_sums(&sent, &claimed, NULL);
	fw_append(buf, len, " guest_msis=%lu guest_claimed=%lu", (unsigned long)sent,
		  (unsigned long)claimed);
}

static void guest_report(struct fw_stage_tally *t)
{
	uint64_t sent, claimed;

	guest_sums(&sent, &claimed, t);
	if (sent != claimed) {
		t->failed++;
		fw_printf("selftest: %lu MSIs sent to guests but %lu claimed\n",
			  (unsigned long)sent, (unsigned long)claimed);
	}
}

static const struct fw_stage guest_stage = {
	.name = "guest",
	.alloc = guest_alloc,
	.run = guest_run,
	.hart_fields = guest_hart_fields,
	.summary_fields = guest_summary_fields,
	.report = guest_report,
};
FW_STAGE(20, guest_stage);
