/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stress run (built with -DFW_STRESS_SECONDS=N, after the self-test): for N
 * seconds every hart allocates and frees its own lines, frees other harts' lines
 * remotely, and fires MSIs at whatever line of any hart is armed at that moment.
 * Then every MSI must be accounted for exactly once: claimed by its owner (delivered)
 * or found still pending in the guest file when its line was freed (dropped).
 *
 * Each line of each hart is a slot with a ticket (state), so no two MSIs are ever
 * outstanding on one guest file and a pending bit means exactly one MSI:
 *
 *   EMPTY --alloc, enable file, arm (owner)--> ARMED
 *   ARMED --CAS (any sender)--> SENDING --MSI store, then--> SENT
 *   SENT  --SGEI, wake, claim (owner)--> ARMED (re-armed)
 *   ARMED/SENT --CAS, disable file, pending? dropped, free (owner)--> EMPTY
 *   ARMED/SENT --CAS, hgei_free from another hart (remote: blocking, or asynchronous
 *                and completed)--> ZOMBIE/ZOMBIE_SENT
 *   ZOMBIE*    --disable file, pending? dropped (owner)--> EMPTY
 *
 * The ticket belongs to the line, not to an owner: the allocator hands out the lowest
 * free line, which may be one a remote free has released but whose owner has not yet
 * turned its file off; the new owner then finishes that cleanup first.
 *
 * Only the owning hart can reach its guest files' registers, hence the zombies: a
 * remote free releases the line at once, its owner turns the file off afterwards.
 */
#include "fw.h"
#include "imsic.h"
#include "sbi.h"
#include "stage.h"

#ifdef FW_STRESS_SECONDS

#define RESYNC_TICKS		(fw_timebase_hz / 10)

/* One hart's share of the totals; written on that hart, read after its DONE. */
struct fw_stress_counts {
	uint64_t sent;		/* MSIs this hart wrote, to any hart's line */
	uint64_t delivered;	/* MSIs this hart's lines received and claimed */
	uint64_t dropped;	/* MSIs found unclaimed in a file whose line was freed */
	uint64_t allocs, frees;	/* of this hart's lines, by this hart */
	uint64_t remote_frees;	/* of other harts' lines, by this hart */
	uint64_t alloc_failures;	/* every line of the hart in use: expected */
	uint64_t lib_allocs, lib_frees;	/* lib/hgei's counters of this hart at the end */
	uint32_t bad_id, stray, stuck, errors, leaked, resyncs, done;
};

enum { EMPTY, ARMED, SENDING, SENT, FREEING, ZOMBIE, ZOMBIE_SENT };

struct stress_slot {
	_Atomic uint32_t state;
	unsigned line;
	uint32_t id;			/* identity of the MSI this ticket carries */
};

/* slots[g] is line g's ticket, whoever holds the line. */
struct stress_hart {
	struct fw_owner owner;		/* of every line: the wake finds the slot by line */
	struct stress_slot slots[HGEI_MAX_LINES + 1];
	uint64_t rng;
	struct fw_stress_counts n;
};

static struct stress_hart *stress;	/* one per fw_harts[] entry */
static struct fw_hart **peers;
static uint32_t nr_peers;

static uint32_t rnd(struct stress_hart *s, uint32_t n)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (uint32_t)(s->rng % n);
}

static struct stress_hart *of(const struct fw_hart *h)
{
	return &stress[h->index];
}

static void file_enable(unsigned line, uint32_t id, bool on)
{
	hgei_vsfile_setup_one(line, on ? id : 0);
}

/* Turns the file off and takes its pending bit: 1 when an MSI never got claimed. */
static unsigned file_disable_take(unsigned line, uint32_t id)
{
	uint64_t hstatus = hgei_vsfile_select(line), eip;

	hgei_vsfile_write(HGEI_VS_EIDELIVERY, 0);
	hgei_vsfile_write(HGEI_VS_EIE0, 0);
	eip = hgei_vsfile_read(HGEI_VS_EIP0);
	hgei_vsfile_write(HGEI_VS_EIP0, 0);
	csr_write(CSR_HSTATUS, hstatus);
	return (unsigned)(eip >> id & 1);
}

/* The SGEI woke the owner of a SENT slot: claim, count, re-arm. Runs in the trap. */
static void stress_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	(void)o;
	struct stress_hart *s = of(fw_self);
	struct stress_slot *slot = &s->slots[line];
	uint64_t hstatus = hgei_vsfile_select(line);
	uint32_t st, id = hgei_vsfile_claim();

	csr_write(CSR_HSTATUS, hstatus);
	(void)hartid;
	if (!id)
		return;		/* woken with nothing pending: a race the dispatcher allows */
	if (id == slot->id)
		s->n.delivered++;
	else
		s->n.bad_id++;
	/* The sender sets SENT right after its store: wait out that window. */
	while ((st = atomic_load_explicit(&slot->state, memory_order_acquire)) == SENDING)
		;
	if (st == SENT && atomic_compare_exchange_strong(&slot->state, &st, ARMED))
		hgei_arm(&fw_self->hgei, line, &s->owner);
}

static void local_free(struct fw_hart *self, struct stress_slot *slot)
{
	struct stress_hart *s = of(self);
	uint32_t st = atomic_load_explicit(&slot->state, memory_order_acquire);

	if ((st != ARMED && st != SENT) ||
	    !atomic_compare_exchange_strong(&slot->state, &st, FREEING))
		return;
	s->n.dropped += file_disable_take(slot->line, slot->id);
	if (hgei_free(&self->hgei, slot->line, &s->owner))
		s->n.errors++;
	else
		s->n.frees++;
	atomic_store_explicit(&slot->state, EMPTY, memory_order_release);
}

/* A remote free left the file on: turn it off, count an MSI that never got claimed. */
static void local_cleanup(struct fw_hart *self, struct stress_slot *slot)
{
	struct stress_hart *s = of(self);
	uint32_t st = atomic_load_explicit(&slot->state, memory_order_acquire);
	unsigned pending;

	if (st != ZOMBIE && st != ZOMBIE_SENT)
		return;
	pending = file_disable_take(slot->line, slot->id);
	if (st == ZOMBIE_SENT)
		s->n.dropped += pending;
	else
		s->n.stray += pending;	/* nobody sent to it: must never happen */
	atomic_store_explicit(&slot->state, EMPTY, memory_order_release);
}

/* Takes the lowest free line; finishes a remote free's cleanup of it first. */
static void local_alloc(struct fw_hart *self)
{
	struct stress_hart *s = of(self);
	struct stress_slot *slot;
	struct hgei_line l;
	uint32_t st;

	if (hgei_alloc(&self->hgei, &s->owner, &l)) {
		s->n.alloc_failures++;
		return;
	}
	slot = &s->slots[l.line];
	/* The remote freer stores ZOMBIE* right after its hgei_free(). */
	while ((st = atomic_load_explicit(&slot->state, memory_order_acquire)) == FREEING)
		;
	if (st == ZOMBIE || st == ZOMBIE_SENT)
		local_cleanup(self, slot);
	s->n.allocs++;
	file_enable(l.line, slot->id, true);
	atomic_store_explicit(&slot->state, ARMED, memory_order_release);
	hgei_arm(&self->hgei, l.line, &s->owner);
}

/* One local step on line @g of this hart; interrupts masked so the wake cannot run
 * in the middle of a free of the same line. */
static void local_step(struct fw_hart *self, unsigned g)
{
	struct stress_slot *slot = &of(self)->slots[g];
	uint32_t st = atomic_load_explicit(&slot->state, memory_order_acquire);

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	if (st == EMPTY)
		local_alloc(self);
	else if (st == ZOMBIE || st == ZOMBIE_SENT)
		local_cleanup(self, slot);
	else
		local_free(self, slot);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/* Masked: an MSI to one of this hart's own lines traps at once, and the wake would
 * wait for a SENT that this hart has not stored yet. */
static void send(struct fw_hart *self, struct fw_hart *to, struct stress_slot *slot)
{
	uint32_t st = ARMED;

	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	if (atomic_compare_exchange_strong(&slot->state, &st, SENDING)) {
		hgei_msi_send(to->dt->slot_pa + slot->line * HGEI_GUEST_FILE_SIZE, slot->id);
		/* The store has reached the IMSIC before the ticket says so. */
		__asm__ volatile("fence o, w" ::: "memory");
		of(self)->n.sent++;
		atomic_store_explicit(&slot->state, SENT, memory_order_release);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

/*
 * Half of the remote frees are asynchronous: posted, then one MSI step elsewhere while
 * the owner may be serving it, then its completion awaited. Only completion (G1) makes
 * the line the owner's to clean up: the owner's allocation of it spins, masked, while
 * it is FREEING, so the ticket moves on right after completion, never later (a freer
 * that went on to a blocking call to that owner would wait for it for ever).
 */
static void remote_free(struct fw_hart *self, struct fw_hart *to, struct stress_slot *slot)
{
	struct stress_hart *s = of(self);
	uint32_t st = atomic_load_explicit(&slot->state, memory_order_acquire);
	uint32_t next = st == SENT ? ZOMBIE_SENT : ZOMBIE;
	struct fw_hart *other;
	struct hgei_req req;
	int err;

	if ((st != ARMED && st != SENT) ||
	    !atomic_compare_exchange_strong(&slot->state, &st, FREEING))
		return;
	if (rnd(s, 2)) {
		err = hgei_remote_free_async(&to->hgei, slot->line, &of(to)->owner, &req);
		other = peers[rnd(s, nr_peers)];
		if (other->lines > 0)
			send(self, other, &of(other)->slots[1 + rnd(s, (uint32_t)other->lines)]);
		if (!err)
			err = hgei_req_wait(&req);
	} else {
		err = hgei_remote_free(&to->hgei, slot->line, &of(to)->owner);
	}
	if (err)
		of(self)->n.errors++;
	else
		of(self)->n.remote_frees++;
	atomic_store_explicit(&slot->state, next, memory_order_release);
}

static void step(struct fw_hart *self)
{
	struct stress_hart *s = of(self);
	struct fw_hart *to = peers[rnd(s, nr_peers)];
	struct stress_slot *slot;

	switch (rnd(s, 8)) {
	case 0: case 1:
		if (self->lines > 0)
			local_step(self, 1 + rnd(s, (uint32_t)self->lines));
		return;
	case 2:
		if (to == self || to->lines <= 0)
			return;
		remote_free(self, to, &of(to)->slots[1 + rnd(s, (uint32_t)to->lines)]);
		return;
	default:
		if (to->lines <= 0)
			return;
		slot = &of(to)->slots[1 + rnd(s, (uint32_t)to->lines)];
		send(self, to, slot);
		return;
	}
}

static bool none_in_flight(void *arg)
{
	struct fw_hart *self = arg;

	for (int g = 1; g <= self->lines; g++) {
		uint32_t st = atomic_load_explicit(&of(self)->slots[g].state,
						   memory_order_acquire);

		if (st == SENDING || st == SENT)
			return false;
	}
	return true;
}

/*
 * After the senders stopped: every SENT ticket must be claimed. QEMU's SGEI races
 * (imsic.h) can hold one back; re-evaluating the files and hgeie brings it in, as the
 * self-test's watchdog does. What is still SENT once FW_STALL_S passed with no
 * claim here and no progress anywhere (wait.c) was lost.
 */
static void drain(struct fw_hart *self)
{
	struct stress_hart *s = of(self);
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	while (!fw_wait_until(none_in_flight, self, fw_time() + RESYNC_TICKS) &&
	       !fw_watchdog_expired(&wd, s->n.delivered)) {
		s->n.resyncs++;
		for (int g = 1; g <= self->lines; g++)
			if (atomic_load(&s->slots[g].state) != EMPTY)
				imsic_guest_reevaluate((unsigned)g);
		hgei_sync(&self->hgei);
	}
	for (int g = 1; g <= self->lines; g++) {
		struct stress_slot *slot = &s->slots[g];

		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		if (atomic_load(&slot->state) == SENT)
			s->n.stuck++;
		local_cleanup(self, slot);
		local_free(self, slot);
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
}

static void stress_prepare(struct fw_hart **up, uint32_t nr_up)
{
	stress = fw_heap_alloc(fw_nr_harts * sizeof(*stress), 64);
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		stress[i] = (struct stress_hart){
			.rng = 0x9e3779b97f4a7c15ULL * (i + 1),
			.owner = { .wake = stress_wake },
		};
		/* One MSI identity per line, distinct within the file's eie0. */
		for (unsigned g = 1; g <= HGEI_MAX_LINES; g++)
			stress[i].slots[g].line = stress[i].slots[g].id = g;
	}
	peers = up;
	nr_peers = nr_up;
}

static void stress_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
		       uint32_t pos)
{
	struct stress_hart *s = of(self);
	uint64_t end;
	struct hgei_counters c;

	(void)up;
	(void)pos;
	fw_barrier(nr_up);
	end = fw_time() + FW_STRESS_SECONDS * fw_timebase_hz;
	while (fw_time() < end)
		step(self);
	fw_barrier(nr_up);	/* nobody sends or frees remotely any more */
	drain(self);
	fw_barrier(nr_up);	/* every hart emptied its own lines */
	/* No line leaked: every line of this hart free again, no owner left. */
	s->n.leaked = (uint32_t)__builtin_popcountll(
		atomic_load(&self->hgei.lines_mask) & ~atomic_load(&self->hgei.free));
	for (unsigned g = 1; g <= HGEI_MAX_LINES; g++)
		s->n.leaked += hgei_owner(&self->hgei, g) != NULL;
	hgei_hart_counters(&self->hgei, &c);
	s->n.lib_allocs = c.allocs;
	s->n.lib_frees = c.frees;
	s->n.done = 1;
}

static void stress_report(struct fw_stage_tally *tally)
{
	struct fw_stress_counts t = { 0 };
	uint32_t failed = 0, harts = 0;

	for (uint32_t i = 0; stress && i < nr_peers; i++) {
		const struct fw_hart *h = peers[i];
		const struct fw_stress_counts *n = &of(h)->n;

		fw_printf("stress: hart=%u sent=%lu delivered=%lu dropped=%lu allocs=%lu "
			  "frees=%lu remote_frees=%lu resyncs=%u%s\n", h->hartid,
			  (unsigned long)n->sent, (unsigned long)n->delivered,
			  (unsigned long)n->dropped, (unsigned long)n->allocs,
			  (unsigned long)n->frees, (unsigned long)n->remote_frees, n->resyncs,
			  n->done ? "" : " hung");
		/* Every line the library handed out on this hart came back. */
		if (n->done && n->lib_allocs != n->lib_frees) {
			failed++;
			fw_printf("stress: hart %u: library counts %lu allocs, %lu frees\n",
				  h->hartid, (unsigned long)n->lib_allocs,
				  (unsigned long)n->lib_frees);
		}
		harts += n->done;
		t.sent += n->sent;
		t.delivered += n->delivered;
		t.dropped += n->dropped;
		t.allocs += n->allocs;
		t.frees += n->frees;
		t.remote_frees += n->remote_frees;
		t.bad_id += n->bad_id;
		t.stray += n->stray;
		t.stuck += n->stuck;
		t.errors += n->errors;
		t.leaked += n->leaked;
	}
	fw_printf("stress: seconds=%u harts=%u done=%u sent=%lu delivered=%lu dropped=%lu "
		  "allocs=%lu frees=%lu remote_frees=%lu leaked=%u stuck=%u bad_id=%u "
		  "stray=%u errors=%u\n", FW_STRESS_SECONDS, nr_peers, harts,
		  (unsigned long)t.sent, (unsigned long)t.delivered, (unsigned long)t.dropped,
		  (unsigned long)t.allocs, (unsigned long)t.frees,
		  (unsigned long)t.remote_frees, t.leaked, t.stuck, t.bad_id, t.stray,
		  t.errors);
	/* Each MSI counted once, each allocation freed once, every hart finished. */
	failed += t.sent != t.delivered + t.dropped;
	failed += t.allocs != t.frees + t.remote_frees;
	failed += harts != nr_peers || !t.sent || !t.remote_frees || !t.dropped;
	failed += t.leaked + t.stuck + t.bad_id + t.stray + t.errors;
	fw_printf("stress: %s\n", failed ? "FAIL" : "reconciled");
	tally->failed += failed;
}

/* After the MSI self-test, the guest stage and migration. */
static const struct fw_stage stress_stage = {
	.name = "stress",
	.prepare = stress_prepare,
	.run = stress_run,
	.report = stress_report,
};
FW_STAGE(40, stress_stage);

#endif
