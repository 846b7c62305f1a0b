/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot self-test, run on every hart at once: take every usable line, let another
 * hart fire a real MSI at each guest file, and check that each SGEI reaches the right
 * owner on the right hart exactly once and that the owner can claim the identity
 * through VGEIN/vstopei. Then give every line back and check the hart's counters.
 */
#include <stdarg.h>
#include <stdio.h>
#include "fw.h"
#include "imsic.h"
#include "stage.h"

/* The owner of one line: what the wake checks it was called for. */
struct st_owner {
	struct fw_owner owner;		/* lib/hgei's owner pointer */
	struct fw_hart *hart;
	unsigned line;
};

/* One hart's self-test; written on that hart, read by the boot hart after the hart's
 * DONE (release/acquire on its state) and by its sender after a barrier. */
struct fw_selftest {
	struct st_owner owners[HGEI_MAX_LINES];
	uint64_t alloc_mask;		/* lines held; read by the sender after a barrier */
	uint32_t sent, delivered, misrouted, bad_id;
	uint32_t resyncs;		/* see wait_for_deliveries() */
	uint32_t passed, failed;
};

static struct fw_selftest *selftests;	/* one per fw_harts[] entry */

static struct fw_selftest *st_of(const struct fw_hart *h)
{
	return &selftests[h->index];
}

/* The identity each line's MSI carries; distinct per line so a claim proves which
 * guest file raised the SGEI. Lines are 1..63, all inside eie0/eip0 on RV64. */
static unsigned msi_id(unsigned line)
{
	return line;
}

/* Counts one check of this hart's self-test; a failing one says what and where. */
static void __attribute__((format(printf, 3, 4)))
check(struct fw_selftest *st, bool ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	if (ok) {
		st->passed++;
		return;
	}
	st->failed++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fw_printf("selftest: hart %u: %s", fw_self->hartid, buf);
}

/* The wake callback: runs on the owning hart, in its SGEI trap. */
static void selftest_wake(struct fw_owner *owner, uint32_t hartid, unsigned line)
{
	struct st_owner *o = fw_container_of(owner, struct st_owner, owner);
	struct fw_hart *self = fw_self;
	struct fw_selftest *st = st_of(self);
	uint64_t hstatus;
	unsigned id;

	if (o->hart != self || o->line != line || hartid != self->hartid) {
		st->misrouted++;
		return;
	}
	hstatus = hgei_vsfile_select(line);
	id = hgei_vsfile_claim();
	csr_write(CSR_HSTATUS, hstatus);
	fw_progress();
	if (id == msi_id(line))
		st->delivered++;
	else
		st->bad_id++;
}

static void guest_file_enable(unsigned line, bool on)
{
	hgei_vsfile_setup_one(line, on ? msi_id(line) : 0);
}

static void take_every_line(struct fw_hart *self)
{
	struct fw_selftest *st = st_of(self);
	struct hgei_line l;
	int n = self->lines > 0 ? self->lines : 0, err, k;

	for (k = 0; k < n; k++) {
		struct st_owner *o = &st->owners[k];

		o->owner.wake = selftest_wake;
		o->hart = self;
		err = hgei_alloc(&self->hgei, &o->owner, &l);
		check(st, !err, "alloc %d of %d: %s\n", k + 1, n, hgei_strerror(err));
		if (err)
			break;
		o->line = l.line;
		check(st, l.file_pa == self->dt->slot_pa + l.line * HGEI_GUEST_FILE_SIZE &&
			  l.hstatus_vgein == (uint64_t)l.line << HGEI_HSTATUS_VGEIN_SHIFT,
		      "line %u: file %#lx\n", l.line, (unsigned long)l.file_pa);
		check(st, !(st->alloc_mask & (1ULL << l.line)), "line %u twice\n", l.line);
		st->alloc_mask |= 1ULL << l.line;
		guest_file_enable(l.line, true);
	}
	/* One more must fail cleanly: exhausted, or no lines at all. */
	err = hgei_alloc(&self->hgei, &st->owners[0].owner, &l);
	check(st, err == (n ? -HGEI_ENOSPC : -HGEI_ENODEV) && !l.line && !l.file_pa,
	      "alloc past %d lines gave %s\n", n, hgei_strerror(err));
	for (k = 0; k < n; k++) {
		err = hgei_arm(&self->hgei, st->owners[k].line, &st->owners[k].owner);
		check(st, !err, "arm line %u: %s\n", st->owners[k].line, hgei_strerror(err));
	}
}

static void fire_at(struct fw_hart *self, const struct fw_hart *target)
{
	uint64_t mask = st_of(target)->alloc_mask;

	while (mask) {
		unsigned line = (unsigned)__builtin_ctzll(mask);

		mask &= mask - 1;
		hgei_msi_send(target->dt->slot_pa + line * HGEI_GUEST_FILE_SIZE, msi_id(line));
		st_of(self)->sent++;
	}
}

static bool all_answered(void *arg)
{
	const struct fw_hart *self = arg;
	const struct fw_selftest *st = st_of(self);

	return st->delivered + st->bad_id + st->misrouted >= (uint32_t)self->lines;
}

/*
 * Waits for every line's MSI. QEMU 10 (multi-threaded TCG) can lose an SGEI in two
 * ways (include/hgei_arch_riscv.h, imsic.h): mip.SGEIP left clear by an hgeie write that
 * raced an MSI, which the quirk build re-checks after every hgeie write, and an hgeip
 * bit dropped by a claim that raced an MSI into another file. For the second, after a
 * second without progress, re-evaluate every allocated guest file and rewrite hgeie
 * from the armed set, and say so: the count shows in the log and the report. Gives
 * up after FW_STALL_S with no delivery here and no progress anywhere (wait.c).
 */
static void wait_for_deliveries(struct fw_hart *self)
{
	struct fw_selftest *st = st_of(self);
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_STALL_S);
	while (!fw_wait_until(all_answered, self, fw_time() + fw_timebase_hz)) {
		uint64_t mask = st->alloc_mask;

		if (fw_watchdog_expired(&wd, st->delivered)) {
			fw_printf("selftest: hart %u: %u of %d MSIs arrived, no progress for "
				  "%u s\n", self->hartid, st->delivered, self->lines,
				  fw_watchdog_seconds(&wd));
			return;
		}
		st->resyncs++;
		fw_printf("selftest: hart %u: no SGEI for 1 s with %u of %d delivered, "
			  "hgeip %#lx; re-evaluating guest files\n", self->hartid, st->delivered,
			  self->lines, (unsigned long)csr_read(CSR_HGEIP));
		for (; mask; mask &= mask - 1)
			imsic_guest_reevaluate((unsigned)__builtin_ctzll(mask));
		hgei_sync(&self->hgei);
	}
}

static void give_back_every_line(struct fw_hart *self)
{
	struct fw_selftest *st = st_of(self);
	struct hgei_counters c;
	unsigned n = self->lines > 0 ? (unsigned)self->lines : 0;
	int err;

	for (unsigned k = 0; k < n; k++) {
		struct st_owner *o = &st->owners[k];

		guest_file_enable(o->line, false);
		err = hgei_free(&self->hgei, o->line, &o->owner);
		check(st, !err, "free line %u: %s\n", o->line, hgei_strerror(err));
	}
	if (n) {
		err = hgei_free(&self->hgei, st->owners[0].line, &st->owners[0].owner);
		check(st, err == -HGEI_EINVAL, "double free gave %s\n", hgei_strerror(err));
	}
	hgei_hart_counters(&self->hgei, &c);
	check(st, c.allocs == n && c.frees == n && c.dispatches == n && c.spurious == 0,
	      "counters allocs %lu frees %lu dispatches %lu spurious %lu, want %u\n",
	      (unsigned long)c.allocs, (unsigned long)c.frees,
	      (unsigned long)c.dispatches, (unsigned long)c.spurious, n);
}

static void selftest_alloc(void)
{
	selftests = fw_heap_alloc(fw_nr_harts * sizeof(*selftests), 64);
	for (uint32_t i = 0; i < fw_nr_harts; i++)
		selftests[i] = (struct fw_selftest){ 0 };
}

/* Every up hart: its lines against the next up hart's MSIs (itself when alone). */
static void selftest_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
			 uint32_t pos)
{
	struct fw_selftest *st = st_of(self);
	struct fw_hart *target = up[(pos + 1) % nr_up];

	take_every_line(self);
	fw_barrier(nr_up);
	fire_at(self, target);
	wait_for_deliveries(self);
	check(st, st->delivered == (uint32_t)(self->lines > 0 ? self->lines : 0) &&
		  !st->misrouted && !st->bad_id,
	      "delivered %u misrouted %u bad id %u of %d lines\n", st->delivered,
	      st->misrouted, st->bad_id, self->lines);
	fw_barrier(nr_up);
	give_back_every_line(self);
}

static void selftest_hart_fields(const struct fw_hart *h, char *buf, size_t len)
{
	const struct fw_selftest *st = st_of(h);

	fw_append(buf, len, " sent=%u delivered=%u", st->sent, st->delivered);
}

/* Sums over the harts that finished (the report's DONE harts). */
static void selftest_sums(uint64_t *sent, uint64_t *delivered, struct fw_stage_tally *t)
{
	*sent = *delivered = 0;
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		const struct fw_selftest *st = &selftests[i];

		if (atomic_load_explicit(&fw_harts[i].state, memory_order_acquire) !=
		    FW_HART_DONE)
			continue;
		*sent += st->sent;
		*delivered += st->delivered;
		if (t) {
			t->passed += st->passed;
			t->failed += st->failed;
		}
	}
}

static void selftest_summary_fields(char *buf, size_t len)
{
	uint64_t sent, delivered;

	selftest_sums(&sent, &delivered, NULL);
	fw_append(buf, len, " msis_sent=%lu delivered=%lu", (unsigned long)sent,
		  (unsigned long)delivered);
}

static void selftest_report(struct fw_stage_tally *t)
{
	uint64_t sent, delivered;

	selftest_sums(&sent, &delivered, t);
	if (sent != delivered) {
		t->failed++;
		fw_printf("selftest: %lu MSIs sent but %lu delivered\n", (unsigned long)sent,
			  (unsigned long)delivered);
	}
}

static const struct fw_stage selftest_stage = {
	.name = "selftest",
	.alloc = selftest_alloc,
	.run = selftest_run,
	.hart_fields = selftest_hart_fields,
	.summary_fields = selftest_summary_fields,
	.report = selftest_report,
};
FW_STAGE(10, selftest_stage);
