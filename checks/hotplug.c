/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hotplug stage (built with -DFW_HOTPLUG_CYCLES=N, tests/qemu/hotplug.sh): harts
 * leave through SBI HSM hart_stop and come back through hart_start while vCPUs hold
 * their lines and MSIs keep arriving.
 *
 * Roles: the boot hart is the controller, the first other hart sends MSIs, every
 * other hart with a line hosts vCPUs (HP_VCPUS_PER_HOST each at first). A vCPU is
 * blocked (its line armed, claimed in the wake) or, one in three, running: its line
 * is never armed and its host claims from the file as its guest would. A cycle, all
 * of it driven by the controller:
 *  1. moves most of the victim's vCPUs to other hosts with hgei_move() (pending
 *     identities carried) and leaves the others where they are;
 *  2. asks the victim to stop. The victim calls hgei_hart_offline(); the revoke hook
 *     drains each left vCPU's file into the vCPU. Then, interrupts back on, the victim
 *     points those vCPUs' MSIs nowhere, waits until none can still be on its way, takes
 *     what arrived meanwhile, and stops (hart_stop);
 *  3. gives each revoked vCPU a line on another host, loads its file and forwards the
 *     identities drained from the old one;
 *  4. starts the victim again (hart_start): it re-enters on a fresh stack and TLS,
 *     re-probes GEILEN in hgei_hart_init() and serves again; its vCPUs move back.
 * Meanwhile the sender writes MSIs to every vCPU's published file, one outstanding per
 * vCPU (migrate.c's ticket), and each must be claimed once, by its vCPU, with the
 * identity sent. Every tenth cycle, three cycles force the races of a stop (hp_kind).
 */
#include <stddef.h>
#include "csr.h"
#include "fw.h"
#include "stage.h"
#include "imsic.h"
#include "sbi.h"

#ifdef FW_HOTPLUG_CYCLES

/* hotplug_entry.S: where a restarted hart enters (fresh stack and TLS), then here. */
void fw_restart_entry(void);
void fw_hotplug_rejoin(unsigned long hartid, struct fw_hart *self) __attribute__((noreturn));

/* make hotplug: at least FW_HOTPLUG_CYCLES cycles and at least this long. */
#ifndef FW_HOTPLUG_SECONDS
#define FW_HOTPLUG_SECONDS	0
#endif
#define HP_VCPUS_PER_HOST	3
#define HP_MAX_VCPUS		31	/* two identities each, 1..62: all in eip0 */
#define HP_REEVAL_TICKS		(fw_timebase_hz / 10)
#define HP_SEND_TICKS		(fw_timebase_hz / 500)

/* What a cycle forces beside the plain stop (the controller's choice, by cycle). */
enum hp_kind {
	HP_PLAIN,
	HP_IN_SGEI,	/* the stop request posted while the victim is in its SGEI handler */
	HP_FREE,	/* a remote free posted to the victim after it announced its stop */
	HP_MOVE,	/* a move into the victim after it announced its stop */
};

enum hp_phase { HP_ONLINE, HP_ANNOUNCED, HP_STOPPING, HP_STARTING };

struct hp_vcpu {
	struct fw_owner owner;		/* lib/hgei's owner pointer */
	/* hgei_move()'s state, and the drained file of a revoked vCPU. The move hooks
	 * find the vCPU from it (hp_of_file). */
	struct hgei_vsfile_state file;
	unsigned base_id;		/* identities base_id, base_id + 1, in turn */
	bool running;
	struct fw_hart *home;		/* its first host: it moves back after a restart */
	/* Where it is. Written by the controller, and set to NULL by the victim when it
	 * revoked the line (the controller reads that after the victim's STOPPING, an
	 * acquire); the revoke hook reads it while the controller waits. */
	struct fw_hart *_Atomic host;
	_Atomic unsigned line;
	/* For the sender: file_pa (relaxed), then gen (seq_cst); file_pa 0 = nowhere. */
	_Atomic uint64_t file_pa;
	_Atomic uint32_t gen;
	/* The sender: the gen its last MSI went to, and whether it is between reading
	 * gen and having stored its MSI (seq_cst, see no_msi_in_flight). */
	_Atomic uint32_t sender_gen, sender_idle;
	_Atomic uint32_t sent;		/* only the sender writes it */
	_Atomic uint32_t claimed, misclaimed;	/* whichever host holds the vCPU */
};

/* One per fw_harts[] entry. */
struct hp_hart {
	struct fw_hart *hart;
	/* The controller's mailbox for hgei_move()'s run_on: arg, then fn (release). */
	void (*_Atomic call_fn)(void *);
	void *call_arg;
	_Atomic uint32_t call_done;
	_Atomic uint32_t stop_req;	/* 0, or 1 + enum hp_kind: stop, and how */
	_Atomic uint32_t phase;		/* enum hp_phase, written by the hart (release) */
	/* The hart's own, touched only on it, masked: the running vCPUs on its lines. */
	struct hp_vcpu *running[HGEI_MAX_LINES + 1];
	uint64_t running_mask;
	uint64_t last_reeval;
	/* The vCPUs this offline revoked, for the sweep after it. */
	struct hp_vcpu *revoked[HP_MAX_VCPUS];
	unsigned nr_revoked;
	/* Written on the hart, read by the controller after a phase change (acquire) or
	 * by the boot hart after DONE. */
	uint32_t offlines, restarts, in_sgei_stops, reinit_bad;
	/* How far a restart got (fw_hotplug_rejoin), for the report of one that hangs:
	 * relaxed, read only to be printed. */
	_Atomic uint32_t rejoin_step;
	uint64_t owned, revoked_lines, revoke_calls, lib_revokes, lib_revokes0;
	uint32_t move_revokes, probe_revokes, late, leaked;
	/* The controller's own. */
	uint32_t load;			/* vCPUs on the hart */
	bool host;
};

static struct {
	struct hp_hart *harts;		/* one per fw_harts[] entry */
	struct hp_hart *hosts[64];
	uint32_t nr_hosts, nr_up;
	struct fw_hart *ctl, *sender;
	struct hp_vcpu vcpus[HP_MAX_VCPUS];
	unsigned nr_vcpus;
	struct fw_owner probe;		/* a line the controller frees at a stopping hart */
	_Atomic uint32_t stop_sending, sender_done, stage_over;
	/* HP_IN_SGEI: the hart whose next wake stalls, and the two flags of the stall. */
	struct hp_hart *_Atomic stall_wake;
	_Atomic uint32_t in_wake, stop_posted;
	/* HP_FREE: the victim waits, masked, until the free is posted. */
	_Atomic uint32_t free_posted;
	/* The controller's figures. */
	uint32_t cycles, moved, moved_back, revoked, rehomed, forced[4], hsm_bad;
	_Atomic uint32_t forwarded;
	_Atomic uint32_t passed, failed;
	uint64_t ticks;
	bool ran;
} hp;

static struct hp_hart *of(const struct fw_hart *h)
{
	return &hp.harts[h->index];
}

static struct hp_vcpu *hp_of_file(const void *state)
{
	return (struct hp_vcpu *)((char *)state - offsetof(struct hp_vcpu, file));
}

static void hp_check(bool ok, const char *what, unsigned long v)
{
	if (ok) {
		atomic_fetch_add_explicit(&hp.passed, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&hp.failed, 1, memory_order_relaxed);
	fw_printf("hotplug: hart %u: %s (%#lx)\n", fw_self->hartid, what, v);
}

static void kick(const struct fw_hart *h)
{
	sbi_send_ipi(1, h->hartid);
}

/* Every wait gives up after FW_STALL_S of this hart's running time with no progress
 * anywhere (wait.c), never after a fixed total. */
static bool hp_wait(bool (*cond)(void *), void *arg)
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	return fw_wait_progress(cond, arg, &wd);
}

/* The same with this hart's interrupts kept masked (a stopping hart that must not
 * serve its requests yet). It spins: the controller acts on the announcement at once,
 * and a pending kick would end every wfi anyway. */
static bool hp_wait_masked(bool (*cond)(void *), void *arg)
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	while (!cond(arg))
		if (fw_watchdog_expired(&wd, 0))
			return false;
	return true;
}

static struct fw_hart *host_of(struct hp_vcpu *v)
{
	return atomic_load_explicit(&v->host, memory_order_acquire);
}

/* ---- the vCPUs' side: claims ----------------------------------------------------- */

/* One claim of @v's, on whichever hart holds it. The AMO puts the claims of one vCPU,
 * made on different harts as it moves, in one order, so n says which MSI this was;
 * release: the sender's acquire of claimed orders its next MSI after this claim. */
static void account(struct hp_vcpu *v, unsigned id)
{
	uint32_t n = atomic_fetch_add_explicit(&v->claimed, 1, memory_order_acq_rel);

	if (id != v->base_id + (n & 1))
		atomic_fetch_add_explicit(&v->misclaimed, 1, memory_order_relaxed);
}

static unsigned claim(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);
	unsigned id = hgei_vsfile_claim();

	hgei_vsfile_deselect(hstatus);
	return id;
}

static bool stop_posted(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&hp.stop_posted, memory_order_acquire);
}

/* HP_IN_SGEI: the first wake on the chosen hart spins, in the SGEI trap, until the
 * controller has posted this hart's stop request. */
static void sgei_stall(struct hp_hart *me)
{
	struct hp_hart *want = me;

	if (atomic_load_explicit(&hp.stall_wake, memory_order_relaxed) != me ||
	    !atomic_compare_exchange_strong(&hp.stall_wake, &want, NULL))
		return;
	/* Release/acquire with the controller: it posts the stop after seeing this. */
	atomic_store_explicit(&hp.in_wake, 1, memory_order_release);
	kick(hp.ctl);
	hp_check(hp_wait_masked(stop_posted, NULL), "stalled wake never released", 0);
	/* Still in the trap: the request was posted while the handler ran. */
	if (csr_read(CSR_SCAUSE) == (SCAUSE_IRQ | IRQ_SGEI) &&
	    atomic_load_explicit(&me->stop_req, memory_order_acquire))
		me->in_sgei_stops++;
}

/* lib/hgei's wake of a blocked vCPU, in the SGEI trap: claim and stay blocked. */
static void hp_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	struct hp_vcpu *v = fw_container_of(o, struct hp_vcpu, owner);
	struct fw_hart *self = fw_self;
	unsigned id;

	(void)hartid;
	sgei_stall(of(self));
	id = claim(line);
	/* 0: woken with nothing to claim, a QEMU stale hgeip bit (imsic.h); no MSI. */
	if (id)
		account(v, id);
	hgei_arm(&self->hgei, line, o);
}

/* A running vCPU's claims, as its guest makes them: masked, on its host. */
static void poll_running(struct hp_hart *me)
{
	uint64_t fired = csr_read(CSR_HGEIP) & me->running_mask;

	for (; fired; fired &= fired - 1) {
		unsigned line = (unsigned)__builtin_ctzll(fired), id = claim(line);

		if (id)
			account(me->running[line], id);
	}
}

/* The vCPU's file on @line of this hart, set up from its state, watched. Masked. */
static void attach(struct hp_vcpu *v, unsigned line)
{
	struct hp_hart *me = of(fw_self);

#ifdef FW_QUIRK_HGEIP_RELEVEL
	/* A reused file may carry a stale hgeip bit on QEMU (imsic.h). */
	imsic_guest_relevel(line);
#endif
	hgei_vsfile_load(line, &v->file);
	if (v->running) {
		me->running[line] = v;
		me->running_mask |= 1ULL << line;
	}
}

static void detach(unsigned line)
{
	struct hp_hart *me = of(fw_self);

	me->running[line] = NULL;
	me->running_mask &= ~(1ULL << line);
}

/*
 * lib/hgei's revoke, on the hart going offline, masked. The vCPU's file is drained
 * first, into the vCPU: what is pending is forwarded to its next file, not dropped.
 * The line may also be one a move into this hart had just allocated (HP_MOVE): the
 * vCPU is still where it was, hgei_move() fails, and nothing was sent here yet.
 */
static void hp_revoke(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	struct hp_hart *me = of(fw_self);
	struct hp_vcpu *v = fw_container_of(o, struct hp_vcpu, owner);
	struct hgei_vsfile_state stray = { .words = 1 };

	(void)hartid;
	me->revoke_calls++;
	if (o == &hp.probe) {
		me->probe_revokes++;
		return;
	}
	detach(line);
	if (host_of(v) != fw_self ||
	    atomic_load_explicit(&v->line, memory_order_relaxed) != line) {
		hgei_vsfile_take(line, &stray);
		hp_check(!stray.eip[0], "a move caught by offline had MSIs", stray.eip[0]);
		me->move_revokes++;
		return;
	}
	hgei_vsfile_take(line, &v->file);
	me->revoked[me->nr_revoked++] = v;
}

/* ---- where MSIs go ----------------------------------------------------------------- */

static void publish(struct hp_vcpu *v, uint64_t file_pa)
{
	atomic_store_explicit(&v->file_pa, file_pa, memory_order_relaxed);
	/* seq_cst (a release for file_pa): see no_msi_in_flight. */
	atomic_fetch_add_explicit(&v->gen, 1, memory_order_seq_cst);
	kick(hp.sender);
}

/*
 * No MSI of @v's is on its way to a file published before: the sender's last store
 * went to the current gen, or it is not between reading gen and storing. seq_cst
 * against the sender's clearing of sender_idle before it reads gen: if this sees it
 * idle after the new gen was published, its next read of gen comes later in the
 * single total order and sees the new one.
 */
static bool no_msi_in_flight(void *arg)
{
	struct hp_vcpu *v = arg;

	return atomic_load_explicit(&v->sender_idle, memory_order_seq_cst) ||
	       atomic_load_explicit(&v->sender_gen, memory_order_seq_cst) ==
		       atomic_load_explicit(&v->gen, memory_order_seq_cst) ||
	       atomic_load_explicit(&hp.sender_done, memory_order_acquire);
}

/* ---- the hooks of hgei_move() -------------------------------------------------- */

static bool call_finished(void *arg)
{
	struct hp_hart *t = arg;

	return atomic_load_explicit(&t->call_done, memory_order_acquire);
}

/* Only the controller posts calls, one at a time, so each mailbox has one writer. */
static void run_on(uint32_t hartid, void (*fn)(void *), void *arg)
{
	struct hp_hart *t;

	if (hartid == fw_self->hartid) {
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		fn(arg);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		return;
	}
	t = of(fw_hart_by_id(hartid));
	atomic_store_explicit(&t->call_done, 0, memory_order_relaxed);
	t->call_arg = arg;
	/* Release: call_arg, and what the caller prepared, reach the hart with fn. */
	atomic_store_explicit(&t->call_fn, fn, memory_order_release);
	kick(t->hart);
	hp_check(hp_wait(call_finished, t), "step on another hart timed out", hartid);
}

static void file_load(unsigned line, const void *state)
{
	attach(hp_of_file(state), line);
}

static void file_drain(unsigned line, void *state)
{
	detach(line);
	hgei_vsfile_take(line, state);
}

static void file_forward(uint64_t file_pa, const void *state)
{
	atomic_fetch_add_explicit(&hp.forwarded, hgei_vsfile_forward(file_pa, state),
				  memory_order_relaxed);
}

static void redirect(void *owner, uint64_t file_pa)
{
	struct hp_vcpu *v = owner;

	publish(v, file_pa);
	hp_check(hp_wait(no_msi_in_flight, v), "an MSI stayed on its way to the old file",
		 v->base_id);
}

static const struct hgei_move_ops hp_move_ops = {
	.run_on = run_on,
	.file_save = hgei_vsfile_op_save,
	.file_load = file_load,
	.file_drain = file_drain,
	.file_forward = file_forward,
	.redirect = redirect,
};

/* ---- steps run on a host (its own, or the controller's run_on) ------------------ */

struct hp_place {
	struct hp_vcpu *v;
	struct hgei_line l;
	int err;
};

/* A line of this hart for the vCPU, its file loaded, armed if it blocks. Masked. */
static void place_step(void *arg)
{
	struct hp_place *p = arg;
	struct fw_hart *self = fw_self;

	p->err = hgei_alloc(&self->hgei, &p->v->owner, &p->l);
	if (p->err)
		return;
	attach(p->v, p->l.line);
	if (!p->v->running)
		p->err = hgei_arm(&self->hgei, p->l.line, &p->v->owner);
}

/* The end: the vCPU's file must be empty (every MSI claimed), its line freed. */
static void release_step(void *arg)
{
	struct hp_vcpu *v = arg;
	struct fw_hart *self = fw_self;
	unsigned line = atomic_load_explicit(&v->line, memory_order_relaxed);
	struct hgei_vsfile_state last = { .words = 1 };

	detach(line);
	hgei_vsfile_take(line, &last);
	hp_check(!last.eip[0], "last file not empty", last.eip[0]);
	hp_check(!hgei_free(&self->hgei, line, &v->owner), "free at the end", line);
}

static void reevaluate(struct hp_hart *me)
{
	struct fw_hart *self = me->hart;

	me->last_reeval = fw_time();
	for (int g = 1; g <= self->lines; g++)
		if (hgei_owner(&self->hgei, (unsigned)g))
			imsic_guest_reevaluate((unsigned)g);
	hgei_sync(&self->hgei);
}

/* ---- the victim ------------------------------------------------------------------ */

static bool call_posted(void *arg)
{
	struct hp_hart *me = arg;

	return atomic_load_explicit(&me->call_fn, memory_order_acquire) != NULL;
}

static bool free_posted(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&hp.free_posted, memory_order_acquire);
}

/* hgei_hart_offline() with its books: lines owned before = lines revoked = revoke
 * calls = the library's revoke count, for every offline. Masked. */
static void offline(struct hp_hart *me)
{
	/* This hart's own words, and it is masked: nothing changes them meanwhile. */
	struct hgei_hart *h = &me->hart->hgei;
	uint64_t owned = (uint64_t)__builtin_popcountll(atomic_load(&h->lines_mask) &
						       ~atomic_load(&h->free));
	uint64_t calls = me->revoke_calls;
	struct hgei_counters c0, c1;
	int revoked;

	me->nr_revoked = 0;
	hgei_hart_counters(h, &c0);
	revoked = hgei_hart_offline(h);
	hgei_hart_counters(h, &c1);
	hp_check(revoked >= 0 && (uint64_t)revoked == owned && me->revoke_calls - calls == owned &&
		 c1.revokes - c0.revokes == owned, "revokes differ from the lines owned", owned);
	me->owned += owned;
	me->revoked_lines += revoked > 0 ? (unsigned)revoked : 0;
	me->offlines++;
}

/*
 * The stop the controller asked for (@kind), on the victim: announce, go offline,
 * sweep the revoked vCPUs' old files, stop. Never returns: the hart comes back at
 * fw_restart_entry.
 */
static void __attribute__((noreturn)) go_offline(struct hp_hart *me, enum hp_kind kind)
{
	void (*fn)(void *) = NULL;

	/* Masked from before the announcement: a request posted after it must meet
	 * offline, not this hart's request server in an IPI. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	/* Release: the controller acts on the announcement (HP_FREE, HP_MOVE). */
	atomic_store_explicit(&me->phase, HP_ANNOUNCED, memory_order_release);
	fw_progress();
	kick(hp.ctl);
	if (kind == HP_MOVE)
		hp_check(hp_wait_masked(call_posted, me), "no move came to the stopping hart", 0);
	if (kind == HP_FREE)
		hp_check(hp_wait_masked(free_posted, NULL), "no free came to the stopping hart",
			 0);
	if (kind == HP_MOVE) {
		/* The move's step on this hart (its allocation here), then offline before
		 * the controller hears back: hgei_move() finds its new line revoked. */
		fn = atomic_exchange_explicit(&me->call_fn, NULL, memory_order_acquire);
		if (fn)
			fn(me->call_arg);
	}
	offline(me);
	if (fn) {
		atomic_store_explicit(&me->call_done, 1, memory_order_release);
		kick(hp.ctl);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);

	/* MSIs sent to a revoked vCPU's file after its drain: none once the vCPU points
	 * nowhere and the sender has nothing in flight; what came meanwhile is taken
	 * now and forwarded with the rest. The file is this hart's, line or no line. */
	for (unsigned i = 0; i < me->nr_revoked; i++) {
		struct hp_vcpu *v = me->revoked[i];
		struct hgei_vsfile_state late = { .words = 1 };

		publish(v, 0);
		hp_check(hp_wait(no_msi_in_flight, v), "an MSI stayed on its way to a revoked file",
			 v->base_id);
		hgei_vsfile_take(atomic_load_explicit(&v->line, memory_order_relaxed), &late);
		v->file.eip[0] |= late.eip[0];
		me->late += (uint32_t)__builtin_popcountll(late.eip[0]);
		atomic_store_explicit(&v->line, 0, memory_order_relaxed);
		/* Release: the drained state reaches the controller that rehomes it. */
		atomic_store_explicit(&v->host, NULL, memory_order_release);
	}

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	csr_write(CSR_SIE, 0);
	/* Release: the counters above reach the controller with the phase. */
	atomic_store_explicit(&me->phase, HP_STOPPING, memory_order_release);
	fw_progress();
	kick(hp.ctl);
	fw_fatal("hart %u: hart_stop failed (%ld)\n", me->hart->hartid, sbi_hart_stop());
}

/* ---- a host's loop ----------------------------------------------------------------- */

static bool host_has_work(void *arg)
{
	struct hp_hart *me = arg;

	return atomic_load_explicit(&me->call_fn, memory_order_acquire) ||
	       atomic_load_explicit(&me->stop_req, memory_order_acquire) ||
	       atomic_load_explicit(&hp.stage_over, memory_order_acquire) ||
	       (csr_read(CSR_HGEIP) & me->running_mask);
}

/* Serves the controller's steps and the running vCPUs' claims until the stage is
 * over; a stop request leaves through go_offline(). */
static void host_loop(struct hp_hart *me)
{
	for (;;) {
		void (*fn)(void *);
		uint32_t stop;

		fw_wait_until(host_has_work, me, fw_time() + HP_REEVAL_TICKS);
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		poll_running(me);
		fn = atomic_exchange_explicit(&me->call_fn, NULL, memory_order_acquire);
		if (fn) {
			fn(me->call_arg);
			/* Release: what the step did reaches the controller. */
			atomic_store_explicit(&me->call_done, 1, memory_order_release);
			kick(hp.ctl);
		}
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		/* QEMU can lose an SGEI (imsic.h): look at the files again now and then. */
		if (fw_time() - me->last_reeval > HP_REEVAL_TICKS)
			reevaluate(me);
		stop = atomic_load_explicit(&me->stop_req, memory_order_acquire);
		if (stop)
			go_offline(me, (enum hp_kind)(stop - 1));
		if (!fn && atomic_load_explicit(&hp.stage_over, memory_order_acquire))
			return;
	}
}

/* ---- the sender --------------------------------------------------------------------- */

/* One MSI to @v if its last one was claimed and it points somewhere. */
static unsigned try_send(struct hp_vcpu *v)
{
	uint32_t n = atomic_load_explicit(&v->sent, memory_order_relaxed), gen;
	uint64_t pa;

	/* Acquire: the claim, and the claimer's state, come before the next MSI. */
	if (atomic_load_explicit(&v->claimed, memory_order_acquire) != n)
		return 0;
	/* seq_cst: busy before reading gen, see no_msi_in_flight. */
	atomic_store_explicit(&v->sender_idle, 0, memory_order_seq_cst);
	gen = atomic_load_explicit(&v->gen, memory_order_seq_cst);
	pa = atomic_load_explicit(&v->file_pa, memory_order_relaxed);
	if (pa) {
		hgei_msi_send(pa, v->base_id + (n & 1));
		/* The MSI store is issued before sender_gen/sender_idle say it is done. */
		__asm__ volatile("fence ow, w" ::: "memory");
		atomic_store_explicit(&v->sent, n + 1, memory_order_relaxed);
		atomic_store_explicit(&v->sender_gen, gen, memory_order_seq_cst);
	}
	atomic_store_explicit(&v->sender_idle, 1, memory_order_seq_cst);
	return pa != 0;
}

/* Only a wake-up condition: try_send() reads claimed again, with acquire. */
static bool sendable(void *arg)
{
	(void)arg;
	if (atomic_load_explicit(&hp.stop_sending, memory_order_acquire))
		return true;
	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct hp_vcpu *v = &hp.vcpus[i];

		if (atomic_load_explicit(&v->claimed, memory_order_relaxed) ==
			    atomic_load_explicit(&v->sent, memory_order_relaxed) &&
		    atomic_load_explicit(&v->file_pa, memory_order_relaxed))
			return true;
	}
	return false;
}

static bool all_answered(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < hp.nr_vcpus; i++)
		if (atomic_load_explicit(&hp.vcpus[i].claimed, memory_order_acquire) !=
		    atomic_load_explicit(&hp.vcpus[i].sent, memory_order_relaxed))
			return false;
	return true;
}

static void send_loop(void)
{
	while (!atomic_load_explicit(&hp.stop_sending, memory_order_acquire)) {
		unsigned n = 0;

		for (unsigned i = 0; i < hp.nr_vcpus; i++)
			n += try_send(&hp.vcpus[i]);
		/* A short sleep, no kick per claim: every kick is an SBI IPI, and OpenSBI
		 * takes one lock for all harts in each (README, hotplug stage). */
		if (!n)
			fw_wait_until(sendable, NULL, fw_time() + HP_SEND_TICKS);
	}
	hp_check(hp_wait(all_answered, NULL), "MSIs never claimed", 0);
	atomic_store_explicit(&hp.sender_done, 1, memory_order_release);
	kick(hp.ctl);
}

/* ---- the controller ------------------------------------------------------------------ */

/* The online host with the fewest vCPUs and a line to spare, other than @not. */
static struct hp_hart *pick_host(const struct hp_hart *not)
{
	struct hp_hart *best = NULL;

	for (uint32_t i = 0; i < hp.nr_hosts; i++) {
		struct hp_hart *t = hp.hosts[i];

		if (t == not || (int)t->load + 1 >= t->hart->lines)
			continue;
		if (!best || t->load < best->load)
			best = t;
	}
	return best;
}

static int move_vcpu(struct hp_vcpu *v, struct hp_hart *to)
{
	struct hp_hart *from = of(host_of(v));
	struct hgei_line out;
	int err = hgei_move(&from->hart->hgei, atomic_load(&v->line), &to->hart->hgei,
			    &v->owner, !v->running, &hp_move_ops, &v->file, &out);

	if (err)
		return err;
	v->file.eip[0] = 0;		/* forwarded */
	atomic_store_explicit(&v->line, out.line, memory_order_relaxed);
	atomic_store_explicit(&v->host, to->hart, memory_order_release);
	from->load--;
	to->load++;
	fw_progress();
	return 0;
}

/* A revoked vCPU on a new line: its file as drained, then what was pending in it. */
static void rehome(struct hp_vcpu *v, const struct hp_hart *victim)
{
	struct hp_hart *to = pick_host(victim);
	struct hp_place p = { .v = v };

	hp_check(to != NULL, "no host for a revoked vCPU", v->base_id);
	if (!to)
		return;
	run_on(to->hart->hartid, place_step, &p);
	hp_check(!p.err, "line for a revoked vCPU", (unsigned long)-p.err);
	if (p.err)
		return;
	atomic_store_explicit(&v->line, p.l.line, memory_order_relaxed);
	atomic_store_explicit(&v->host, to->hart, memory_order_release);
	to->load++;
	publish(v, p.l.file_pa);
	file_forward(p.l.file_pa, &v->file);
	v->file.eip[0] = 0;
	hp.rehomed++;
}

static bool phase_is(struct hp_hart *t, uint32_t phase)
{
	return atomic_load_explicit(&t->phase, memory_order_acquire) == phase;
}

static bool announced(void *arg)
{
	return phase_is(arg, HP_ANNOUNCED);
}

static bool stopping(void *arg)
{
	return phase_is(arg, HP_STOPPING);
}

static bool online(void *arg)
{
	return phase_is(arg, HP_ONLINE);
}

static bool in_wake(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&hp.in_wake, memory_order_acquire);
}

/* SBI HSM says STOPPED; on the way only STARTED or STOP_PENDING are true answers. */
static bool hsm_stopped(void *arg)
{
	struct hp_hart *t = arg;
	long s = sbi_hart_status(t->hart->hartid);

	if (s != SBI_HSM_STOPPED && s != SBI_HSM_STARTED && s != SBI_HSM_STOP_PENDING)
		hp.hsm_bad++;
	return s == SBI_HSM_STOPPED;
}

static void post_stop(struct hp_hart *t, enum hp_kind kind)
{
	/* Release: the controller's bookkeeping (vCPU hosts) reaches the victim. */
	atomic_store_explicit(&t->stop_req, 1 + kind, memory_order_release);
	kick(t->hart);
}

/* The vCPUs on @t that stay there to be revoked: one in four, and for HP_IN_SGEI the
 * first blocked one, whose wake will stall. */
static bool stays(const struct hp_vcpu *v, unsigned cycle, enum hp_kind kind,
		  bool *blocked_left)
{
	if (kind == HP_IN_SGEI && !v->running && !*blocked_left) {
		*blocked_left = true;
		return true;
	}
	return (cycle + v->base_id) % 4 == 1;
}

static void cycle_once(unsigned cycle)
{
	struct hp_hart *t = hp.hosts[cycle % hp.nr_hosts];
	enum hp_kind kind = cycle % 10 < 4 ? (enum hp_kind)(cycle % 10) : HP_PLAIN;
	uint32_t calls0 = t->probe_revokes, moves0 = t->move_revokes, sgei0 = t->in_sgei_stops;
	struct hgei_line pl = { 0 };
	struct hgei_req req;
	bool blocked_left = false;
	long hsm;
	int err;

	hp_check(sbi_hart_status(t->hart->hartid) == SBI_HSM_STARTED,
		 "victim not STARTED before its stop", t->hart->hartid);
	if (kind == HP_FREE) {
		err = hgei_remote_alloc(&t->hart->hgei, &hp.probe, &pl);
		hp_check(!err, "probe line on the victim", (unsigned long)-err);
	}
	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct hp_vcpu *v = &hp.vcpus[i];
		struct hp_hart *to;

		if (host_of(v) != t->hart || stays(v, cycle, kind, &blocked_left))
			continue;
		to = pick_host(t);
		hp_check(to && !move_vcpu(v, to), "move off the victim", v->base_id);
		hp.moved++;
	}

	switch (kind) {
	case HP_IN_SGEI:
		atomic_store_explicit(&hp.in_wake, 0, memory_order_relaxed);
		atomic_store_explicit(&hp.stop_posted, 0, memory_order_relaxed);
		atomic_store_explicit(&hp.stall_wake, blocked_left ? t : NULL,
				      memory_order_release);
		if (blocked_left)
			hp_check(hp_wait(in_wake, NULL), "no wake stalled on the victim", 0);
		post_stop(t, kind);
		atomic_store_explicit(&hp.stop_posted, 1, memory_order_release);
		break;
	case HP_FREE:
		atomic_store_explicit(&hp.free_posted, 0, memory_order_relaxed);
		post_stop(t, kind);
		hp_check(hp_wait(announced, t), "victim never announced its stop", 0);
		/* Posted before the close: offline answers it, on an emptied hart. */
		err = hgei_remote_free_async(&t->hart->hgei, pl.line, &hp.probe, &req);
		hp_check(!err, "free posted to the stopping hart", (unsigned long)-err);
		atomic_store_explicit(&hp.free_posted, 1, memory_order_release);
		break;
	case HP_MOVE:
		post_stop(t, kind);
		hp_check(hp_wait(announced, t), "victim never announced its stop", 0);
		for (unsigned i = 0; i < hp.nr_vcpus; i++) {
			struct hp_vcpu *v = &hp.vcpus[i];
			struct fw_hart *was = host_of(v);
			unsigned line = atomic_load_explicit(&v->line, memory_order_relaxed);

			if (was == t->hart)
				continue;
			/* G5: the new line revoked before the redirect, the move fails and
			 * the vCPU keeps its line, armed again if it was. */
			err = move_vcpu(v, t);
			hp_check(err == -HGEI_ENODEV && hgei_owner(&was->hgei, line) == &v->owner,
				 "move into the stopping hart", (unsigned long)-err);
			break;
		}
		break;
	default:
		post_stop(t, kind);
		break;
	}

	hp_check(hp_wait(stopping, t), "victim never got to hart_stop", t->hart->hartid);
	hp_check(hp_wait(hsm_stopped, t), "HSM never said STOPPED", t->hart->hartid);
	if (kind == HP_FREE) {
		err = hgei_req_result(&req);
		hp_check(err == -HGEI_EINVAL, "free served by offline", (unsigned long)-err);
		/* Posted after the close: refused at once, complete already (G1). */
		err = hgei_remote_free_async(&t->hart->hgei, pl.line, &hp.probe, &req);
		hp_check(err == -HGEI_ENODEV && hgei_req_result(&req) == -HGEI_ENODEV,
			 "free posted to the stopped hart", (unsigned long)-err);
		hp_check(t->probe_revokes - calls0 == 1, "probe line revoked once",
			 t->probe_revokes - calls0);
		hp.forced[HP_FREE] += t->probe_revokes - calls0 == 1 && pl.line;
	}
	if (kind == HP_MOVE) {
		hp_check(t->move_revokes - moves0 == 1, "moved-in line revoked once",
			 t->move_revokes - moves0);
		hp.forced[HP_MOVE] += t->move_revokes - moves0 == 1;
	}
	if (kind == HP_IN_SGEI)
		hp.forced[HP_IN_SGEI] += t->in_sgei_stops - sgei0;

	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct hp_vcpu *v = &hp.vcpus[i];

		if (host_of(v))
			continue;
		t->load--;
		hp.revoked++;
		rehome(v, t);
	}

	atomic_store_explicit(&t->stop_req, 0, memory_order_relaxed);
	/* Release, and hart_start too: the mailbox and phase reset reach the hart. */
	atomic_store_explicit(&t->phase, HP_STARTING, memory_order_release);
	err = (int)sbi_hart_start(t->hart->hartid, (uintptr_t)fw_restart_entry,
				  (uintptr_t)t->hart);
	hp_check(!err, "hart_start of the stopped hart", (unsigned long)-err);
	hsm = sbi_hart_status(t->hart->hartid);
	if (hsm != SBI_HSM_START_PENDING && hsm != SBI_HSM_STARTED)
		hp.hsm_bad++;
	if (!hp_wait(online, t))
		fw_printf("hotplug: hart %u did not come back: HSM %ld, restart step %u\n",
			  t->hart->hartid, sbi_hart_status(t->hart->hartid),
			  atomic_load_explicit(&t->rejoin_step, memory_order_relaxed));
	hp_check(phase_is(t, HP_ONLINE), "restarted hart never came back", t->hart->hartid);
	hp_check(sbi_hart_status(t->hart->hartid) == SBI_HSM_STARTED,
		 "restarted hart not STARTED", t->hart->hartid);

	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct hp_vcpu *v = &hp.vcpus[i];

		if (v->home != t->hart || host_of(v) == t->hart)
			continue;
		hp_check(!move_vcpu(v, t), "move back to the restarted hart", v->base_id);
		hp.moved_back++;
	}
	hp.cycles++;
	fw_progress();
}

static bool sender_finished(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&hp.sender_done, memory_order_acquire);
}

static void control(void)
{
	uint64_t t0 = fw_time(), end = t0 + FW_HOTPLUG_SECONDS * fw_timebase_hz;

	for (unsigned c = 0; c < FW_HOTPLUG_CYCLES || fw_time() < end; c++) {
		uint32_t failed = atomic_load_explicit(&hp.failed, memory_order_relaxed);

		cycle_once(c);
		if (atomic_load_explicit(&hp.failed, memory_order_relaxed) != failed)
			break;		/* the first failure says it; later ones follow from it */
	}
	atomic_store_explicit(&hp.stop_sending, 1, memory_order_release);
	kick(hp.sender);
	hp_check(hp_wait(sender_finished, NULL), "sender did not stop", 0);
	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct fw_hart *h = host_of(&hp.vcpus[i]);

		if (h)
			run_on(h->hartid, release_step, &hp.vcpus[i]);
	}
	hp.ticks = fw_time() - t0;
	atomic_store_explicit(&hp.stage_over, 1, memory_order_release);
	fw_kick_all();
}

/* ---- roles, start and end ----------------------------------------------------------- */

/* The probe line is never armed: a wake of it is a stray one. */
static void hp_probe_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	(void)o;
	hp_check(false, "wake of the never-armed probe line", (unsigned long)hartid << 8 | line);
}

/* Boot hart, before the go: picks the roles among @up and sets up the vCPUs. */
static void hotplug_prepare(struct fw_hart **up, uint32_t nr_up)
{
	hp.harts = fw_heap_alloc(fw_nr_harts * sizeof(*hp.harts), 64);
	for (uint32_t i = 0; i < fw_nr_harts; i++)
		hp.harts[i] = (struct hp_hart){ .hart = &fw_harts[i] };
	hp.nr_up = nr_up;
	hp.ctl = fw_hart_by_id(fw_boot_hartid);
	for (uint32_t i = 0; i < nr_up; i++) {
		struct fw_hart *h = up[i];

		if (h == hp.ctl)
			continue;
		if (!hp.sender)
			hp.sender = h;
		else if (h->lines > HP_VCPUS_PER_HOST &&
			 hp.nr_hosts < sizeof(hp.hosts) / sizeof(hp.hosts[0]) &&
			 (hp.nr_hosts + 1) * HP_VCPUS_PER_HOST <= HP_MAX_VCPUS)
			hp.hosts[hp.nr_hosts++] = of(h);
	}
	/* Two hosts at least: a victim's vCPUs need somewhere to go. */
	hp.ran = hp.sender && hp.nr_hosts >= 2;
	if (!hp.ran)
		return;
	hp.probe = (struct fw_owner){ .wake = hp_probe_wake, .revoke = hp_revoke };
	for (uint32_t i = 0; i < hp.nr_hosts; i++) {
		hp.hosts[i]->host = true;
		for (unsigned k = 0; k < HP_VCPUS_PER_HOST; k++) {
			struct hp_vcpu *v = &hp.vcpus[hp.nr_vcpus];

			v->owner = (struct fw_owner){ .wake = hp_wake, .revoke = hp_revoke };
			v->base_id = 1 + 2 * hp.nr_vcpus;
			v->running = hp.nr_vcpus % 3 == 0;
			v->home = hp.hosts[i]->hart;
			v->file = (struct hgei_vsfile_state){ .eidelivery = 1, .words = 1,
							      .eie[0] = 3ULL << v->base_id };
			atomic_init(&v->host, v->home);
			atomic_init(&v->sender_idle, 1);
			hp.nr_vcpus++;
		}
	}
}

/* A host's own vCPUs on its own lines, before anything is sent. */
static void place_own(struct hp_hart *me)
{
	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		struct hp_vcpu *v = &hp.vcpus[i];
		struct hp_place p = { .v = v };

		if (v->home != me->hart)
			continue;
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		place_step(&p);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
		hp_check(!p.err, "first line of a vCPU", (unsigned long)-p.err);
		atomic_store_explicit(&v->line, p.l.line, memory_order_relaxed);
		publish(v, p.l.file_pa);
		me->load++;
	}
}

/* After the stage, on every host: every line free again, no owner left. */
static void host_end(struct hp_hart *me)
{
	struct hgei_hart *h = &me->hart->hgei;
	struct hgei_counters c;

	me->leaked = (uint32_t)__builtin_popcountll(atomic_load(&h->lines_mask) &
						    ~atomic_load(&h->free));
	for (unsigned g = 1; g <= HGEI_MAX_LINES; g++)
		me->leaked += hgei_owner(h, g) != NULL;
	hgei_hart_counters(h, &c);
	me->lib_revokes = c.revokes - me->lib_revokes0;
	fw_barrier(hp.nr_up);
}

/* Every up hart, after the other stages; calls fw_barrier() at its start and end. */
static void hotplug_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
			uint32_t pos)
{
	struct hp_hart *me = of(self);
	struct hgei_counters c;

	(void)up;
	(void)nr_up;
	(void)pos;
	hgei_hart_counters(&self->hgei, &c);
	me->lib_revokes0 = c.revokes;
	fw_barrier(hp.nr_up);
	if (hp.ran && me->host)
		place_own(me);
	fw_barrier(hp.nr_up);		/* every vCPU placed and published */
	if (hp.ran && self == hp.ctl)
		control();
	else if (hp.ran && self == hp.sender)
		send_loop();
	else if (hp.ran && me->host)
		host_loop(me);
	if (me->host)
		host_end(me);
	else
		fw_barrier(hp.nr_up);
}

/* A stopped hart started again (hotplug_entry.S, fw_restart_entry): back online,
 * serves the stage until it ends, then fw_hart_finish(). */
void fw_hotplug_rejoin(unsigned long hartid, struct fw_hart *self)
{
	const struct hgei_dt_hart *dt = self->dt;
	struct hp_hart *me;
	struct hgei_hart *h = &self->hgei;
	unsigned geilen = self->geilen;
	int lines;

	fw_self = self;
	me = of(self);
	atomic_store_explicit(&me->rejoin_step, 1, memory_order_relaxed);
	fw_trap_init();
	atomic_store_explicit(&me->rejoin_step, 2, memory_order_relaxed);
	/* Masked: the GEILEN probe writes hgeie and reads it back (hart.c). */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	lines = hgei_hart_init(h, (uint32_t)hartid, dt && !dt->err ? dt->dt_guest_files : 0,
			       dt ? dt->slot_pa : 0, &fw_hgei_ops);
	atomic_store_explicit(&me->rejoin_step, 3, memory_order_relaxed);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	atomic_store_explicit(&me->rejoin_step, 4, memory_order_relaxed);
	/* The same lines as at boot, every one of them free: none lost or leaked. */
	if (lines != self->lines || h->geilen != geilen ||
	    atomic_load(&h->free) != atomic_load(&h->lines_mask))
		me->reinit_bad++;
	for (unsigned g = 1; g <= HGEI_MAX_LINES; g++)
		me->reinit_bad += hgei_owner(h, g) != NULL;
	me->restarts++;
	me->running_mask = 0;
	/* Release: the counters reach the controller with the phase. */
	atomic_store_explicit(&me->phase, HP_ONLINE, memory_order_release);
	fw_progress();
	kick(hp.ctl);
	host_loop(me);
	host_end(me);
	fw_hart_finish(self);
}

/* Boot hart, for the report: the per-hart and total lines, and the failed checks. */
static void hotplug_report(struct fw_stage_tally *tally)
{
	uint64_t sent = 0, claimed = 0, misclaimed = 0, late = 0;
	uint32_t failed = atomic_load_explicit(&hp.failed, memory_order_relaxed);

	if (!hp.ran) {
		fw_printf("hotplug: skip (needs a sender and two harts with more than %u lines "
			  "beside the boot hart)\n", HP_VCPUS_PER_HOST);
		return;
	}
	for (uint32_t i = 0; i < hp.nr_hosts; i++) {
		const struct hp_hart *t = hp.hosts[i];

		fw_printf("hotplug: hart=%u offlines=%u restarts=%u owned=%lu revoked=%lu "
			  "revoke_calls=%lu lib_revokes=%lu vcpu_revokes=%lu probe_revokes=%u "
			  "move_revokes=%u late=%u in_sgei_stops=%u reinit_bad=%u leaked=%u\n",
			  t->hart->hartid, t->offlines, t->restarts, (unsigned long)t->owned,
			  (unsigned long)t->revoked_lines, (unsigned long)t->revoke_calls,
			  (unsigned long)t->lib_revokes,
			  (unsigned long)(t->revoke_calls - t->probe_revokes - t->move_revokes),
			  t->probe_revokes, t->move_revokes, t->late, t->in_sgei_stops,
			  t->reinit_bad, t->leaked);
		late += t->late;
		failed += t->owned != t->revoked_lines || t->owned != t->revoke_calls ||
			  t->owned != t->lib_revokes || t->offlines != t->restarts ||
			  t->reinit_bad || t->leaked;
	}
	for (unsigned i = 0; i < hp.nr_vcpus; i++) {
		sent += atomic_load_explicit(&hp.vcpus[i].sent, memory_order_relaxed);
		claimed += atomic_load_explicit(&hp.vcpus[i].claimed, memory_order_relaxed);
		misclaimed += atomic_load_explicit(&hp.vcpus[i].misclaimed, memory_order_relaxed);
	}
	failed += sent != claimed || misclaimed || !sent || hp.hsm_bad ||
		  hp.cycles < FW_HOTPLUG_CYCLES || hp.revoked != hp.rehomed;
	/* Each forced case at least once when the run had the cycles for it. */
	for (unsigned k = HP_IN_SGEI; k <= HP_MOVE; k++)
		failed += hp.cycles > k && !hp.forced[k];
	/* Two lines: the console takes at most 255 characters a line. */
	fw_printf("hotplug: cycles=%u harts=%u vcpus=%u moved=%u moved_back=%u revoked=%u "
		  "msis_sent=%lu claimed=%lu forwarded=%u ms=%lu %s\n", hp.cycles, hp.nr_up,
		  hp.nr_vcpus, hp.moved, hp.moved_back, hp.revoked, (unsigned long)sent,
		  (unsigned long)claimed, atomic_load_explicit(&hp.forwarded, memory_order_relaxed),
		  (unsigned long)(hp.ticks * 1000 / fw_timebase_hz), failed ? "fail" : "pass");
	fw_printf("hotplug: controller=%u sender=%u hosts=%u rehomed=%u misclaimed=%lu late=%lu "
		  "forced_in_sgei=%u forced_free=%u forced_move=%u hsm_bad=%u checks=%u\n",
		  hp.ctl->hartid, hp.sender->hartid, hp.nr_hosts, hp.rehomed,
		  (unsigned long)misclaimed, (unsigned long)late, hp.forced[HP_IN_SGEI],
		  hp.forced[HP_FREE], hp.forced[HP_MOVE], hp.hsm_bad,
		  atomic_load_explicit(&hp.passed, memory_order_relaxed));
	tally->failed += failed;
}

/* Last: a victim hart it stops never comes back to the stages after it. */
static const struct fw_stage hotplug_stage = {
	.name = "hotplug",
	.prepare = hotplug_prepare,
	.run = hotplug_run,
	.report = hotplug_report,
};
FW_STAGE(50, hotplug_stage);

#endif
