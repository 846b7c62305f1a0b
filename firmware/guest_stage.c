/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest stage of the self-test (issue #5). Each hart with a line creates a vCPU
 * (firmware/vcpu.c) running firmware/guest.S in VS-mode on one guest interrupt file,
 * behind its own G-stage tables. The previous up hart (the one whose self-test target
 * this hart is) sends the MSIs:
 *
 *  1. running: the guest has enabled its file and sleeps in wfi; the sender waits
 *     until the guest says so in its data page, then writes the first identity to the
 *     guest file. The guest takes VSEI with no HS involvement, claims with stopei and
 *     reports by ecall. The HS timer slices the run: it is the watchdog, and it gives
 *     the hart the chance to do its own sending while its guest waits.
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
#include "guest_stage.h"
#include "imsic.h"
#include "sbi.h"
#include "vcpu.h"

#ifndef GUEST_TIMEOUT_S
#define GUEST_TIMEOUT_S		30	/* per phase; tests/qemu/guest.sh shortens it */
#endif
#define GUEST_SLICES_PER_S	100
#define SCAUSE_VS_ECALL		10
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
};

extern char fw_guest_entry[], fw_guest_wait[], fw_guest_wait_end[], fw_guest_resume[];

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
		self->st.passed++;
		return;
	}
	self->st.failed++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fw_printf("guest: hart %u: %s", self->hartid, buf);
}

void fw_guest_stage_alloc(void)
{
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		struct fw_hart *h = &fw_harts[i];

		h->guest = fw_heap_alloc(sizeof(*h->guest), 64);
		if (h->dt && !h->dt->err && h->dt->dt_guest_files)
			fw_vcpu_prepare(&h->guest->vcpu,
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

	return guest_word(d->target->guest, GUEST_WAITING) != 0;
}

static void send_msi(struct fw_hart *self, struct send_duty *d)
{
	hgei_msi_send(d->target->guest->vcpu.line.file_pa, d->id);
	self->guest->sent++;
	d->due = false;
}

/*
 * Runs the guest until it makes an ecall; returns the call number (a7), or -1 after a
 * timeout or an exception the guest should not cause. Between slices it does @duty
 * once the target guest waits.
 */
static long run_until_call(struct fw_hart *self, struct send_duty *duty, uint64_t deadline)
{
	struct fw_vcpu *v = &self->guest->vcpu;
	const uint64_t base = fw_timebase_hz / GUEST_SLICES_PER_S;
	uint64_t slice = base, pc;

	for (;;) {
		uint64_t now = fw_time(), cause;

		if (duty && duty->due && target_waiting(duty))
			send_msi(self, duty);
		if (now >= deadline) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			check(self, false, "guest made no call within %u s (pc %#lx)\n",
			      GUEST_TIMEOUT_S, (unsigned long)v->pc);
			return -1;
		}
		/* A timer still ahead ends the slice: only the wait before a blocked
		 * vCPU's re-entry leaves one, and it keeps the SBI call off that path. */
		if (now >= self->guest->timer_at) {
			self->guest->timer_at = now + slice < deadline ? now + slice : deadline;
			sbi_set_timer(self->guest->timer_at);
		}
		pc = v->pc;
		cause = fw_vcpu_run(v);
		if (cause == SCAUSE_VS_ECALL) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			v->pc += 4;
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
			 * On a loaded host (512 harts on two busy cores) a slice can run out
			 * between set_timer and the entry, and the guest never gets to run:
			 * seen as every guest of a 512-hart boot stuck at its first
			 * instruction. No progress doubles the slice, up to a quarter second
			 * (a guest waiting in wfi makes none either, and the slice also paces
			 * this hart's send duty).
			 */
			slice = v->pc != pc ? base : slice * 2 < fw_timebase_hz / 4 ?
							    slice * 2 : fw_timebase_hz / 4;
			self->guest->timer_at = 0;
		} else
			fw_trap(cause);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
}

static const uint64_t *guest_args(struct fw_hart *self)
{
	return &self->guest->vcpu.regs.gpr[VCPU_REG_A0];
}

/* Phase 0: create the vCPU and run the guest until it has enabled its file. */
static bool guest_start(struct fw_hart *self, uint64_t deadline)
{
	struct fw_guest_stage *g = self->guest;
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
	call = run_until_call(self, NULL, deadline);
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
	struct fw_guest_stage *g = self->guest;
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
static void phase_running(struct fw_hart *self, bool have, struct fw_hart *target,
			  uint64_t deadline)
{
	struct fw_guest_stage *g = self->guest;
	struct send_duty duty = {
		.target = target,
		.id = id_running(target->hartid),
		.due = atomic_load_explicit(&target->guest->ready, memory_order_acquire),
	};

	/* The barrier's waits re-armed the timer: arm ours on the first entry. */
	g->timer_at = 0;
	if (have && guest_called(self, run_until_call(self, &duty, deadline)) &&
	    check_claim(self, "running", id_running(self->hartid), (uintptr_t)fw_guest_wait,
			(uintptr_t)fw_guest_wait_end, 1))
		g->run = GUEST_PASS;
	if (duty.due) {
		if (fw_wait_until(target_waiting, &duty, deadline))
			send_msi(self, &duty);
		else
			check(self, false, "hart %u's guest never waited for its MSI\n",
			      target->hartid);
	}
}

/* Phase 2, after the arm and a barrier: send the target's MSI, then wait for ours. */
static void phase_blocked(struct fw_hart *self, struct fw_hart *target, uint64_t deadline)
{
	struct fw_guest_stage *g = self->guest;
	struct fw_vcpu *v = &g->vcpu;
	struct send_duty duty = { .target = target, .id = id_blocked(target->hartid) };
	uint64_t hgeie;
	bool woken;
	long call;

	if (atomic_load_explicit(&target->guest->armed, memory_order_acquire))
		send_msi(self, &duty);
	if (!atomic_load_explicit(&g->armed, memory_order_relaxed))
		return;
	woken = fw_vcpu_wait(v, self, deadline);
	g->timer_at = deadline;
	if (!woken) {
		check(self, false, "blocked vCPU: no wake within %u s, hgeip %#lx\n",
		      GUEST_TIMEOUT_S, (unsigned long)csr_read(CSR_HGEIP));
		return;
	}
	/* Entering with the line still in hgeie would take the SGEI again from V = 1.
	 * Read now, checked after the run: the checks stay off the measured path. */
	hgeie = csr_read(CSR_HGEIE);
	call = run_until_call(self, NULL, deadline);
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

void fw_guest_stage_run(struct fw_hart *self, struct fw_hart *target, uint32_t nr_up)
{
	struct fw_guest_stage *g = self->guest;
	bool have = self->lines > 0 && g->vcpu.ram;
	uint64_t deadline = fw_time() + GUEST_TIMEOUT_S * fw_timebase_hz;
	int err;

	g->run = g->blocked = have ? GUEST_FAIL : GUEST_SKIP;
	if (have && guest_start(self, deadline))
		atomic_store_explicit(&g->ready, 1, memory_order_release);
	else
		have = false;
	fw_barrier(nr_up);
	phase_running(self, have, target, deadline);
	fw_barrier(nr_up);
	if (have && g->vcpu.pc == (uintptr_t)fw_guest_resume) {
		err = fw_vcpu_block(&g->vcpu, self);
		check(self, !err, "arm line %u: %s\n", g->vcpu.line.line, hgei_strerror(err));
		if (!err)
			atomic_store_explicit(&g->armed, 1, memory_order_release);
	}
	fw_barrier(nr_up);
	phase_blocked(self, target, fw_time() + GUEST_TIMEOUT_S * fw_timebase_hz);
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

void fw_guest_stage_format(const struct fw_hart *h, char *buf, size_t len,
			   struct fw_guest_totals *t)
{
	const struct fw_guest_stage *g = h->guest;

	snprintf(buf, len, " guest=%s blocked=%s guest_sent=%u guest_claimed=%u "
		 "sgei_to_guest=%lu", result_name(g->run), result_name(g->blocked), g->sent,
		 g->claimed, (unsigned long)g->sgei_to_guest);
	t->sent += g->sent;
	t->claimed += g->claimed;
}
