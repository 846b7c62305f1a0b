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
static void selftest_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct fw_line_owner *o = owner;
	struct fw_hart *self = fw_self;
	uint64_t hstatus;
	unsigned id;

	if (o->wake) {
		o->wake(o, hartid, line);
		return;
	}
	if (o->hart != self || o->line != line || hartid != self->hartid) {
		self->st.misrouted++;
		return;
	}
	hstatus = hgei_vsfile_select(line);
	id = hgei_vsfile_claim();
	csr_write(CSR_HSTATUS, hstatus);
	fw_progress();
	if (id == msi_id(line))
		self->st.delivered++;
	else
		self->st.bad_id++;
}

/* The self-test's own owners never see a revoke (no hart goes offline under it);
 * the hotplug stage's owners take theirs. */
static void selftest_revoke(void *owner, uint32_t hartid, unsigned line)
{
	struct fw_line_owner *o = owner;

	if (o->revoke)
		o->revoke(o, hartid, line);
}

const struct hgei_ops fw_selftest_ops = {
	.wake = selftest_wake,
	.revoke = selftest_revoke,
};

static void guest_file_enable(unsigned line, bool on)
{
	hgei_vsfile_setup_one(line, on ? msi_id(line) : 0);
}

static void take_every_line(struct fw_hart *self)
{
	struct fw_selftest *st = &self->st;
	struct hgei_line l;
	int n = self->lines > 0 ? self->lines : 0, err, k;

	for (k = 0; k < n; k++) {
		struct fw_line_owner *o = &st->owners[k];

		o->hart = self;
		err = hgei_alloc(&self->hgei, o, &l);
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
	err = hgei_alloc(&self->hgei, &st->owners[0], &l);
	check(st, err == (n ? -HGEI_ENOSPC : -HGEI_ENODEV) && !l.line && !l.file_pa,
	      "alloc past %d lines gave %s\n", n, hgei_strerror(err));
	for (k = 0; k < n; k++) {
		err = hgei_arm(&self->hgei, st->owners[k].line, &st->owners[k]);
		check(st, !err, "arm line %u: %s\n", st->owners[k].line, hgei_strerror(err));
	}
}

static void fire_at(struct fw_hart *self, const struct fw_hart *target)
{
	uint64_t mask = target->st.alloc_mask;

	while (mask) {
		unsigned line = (unsigned)__builtin_ctzll(mask);

		mask &= mask - 1;
		hgei_msi_send(target->dt->slot_pa + line * HGEI_GUEST_FILE_SIZE, msi_id(line));
		self->st.sent++;
	}
}

static bool all_answered(void *arg)
{
	const struct fw_hart *self = arg;
	const struct fw_selftest *st = &self->st;

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
	struct fw_selftest *st = &self->st;
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
	struct fw_selftest *st = &self->st;
	struct hgei_counters c;
	unsigned n = self->lines > 0 ? (unsigned)self->lines : 0;
	int err;

	for (unsigned k = 0; k < n; k++) {
		struct fw_line_owner *o = &st->owners[k];

		guest_file_enable(o->line, false);
		err = hgei_free(&self->hgei, o->line, o);
		check(st, !err, "free line %u: %s\n", o->line, hgei_strerror(err));
	}
	if (n) {
		err = hgei_free(&self->hgei, st->owners[0].line, &st->owners[0]);
		check(st, err == -HGEI_EINVAL, "double free gave %s\n", hgei_strerror(err));
	}
	hgei_hart_counters(&self->hgei, &c);
	check(st, c.allocs == n && c.frees == n && c.dispatches == n && c.spurious == 0,
	      "counters allocs %lu frees %lu dispatches %lu spurious %lu, want %u\n",
	      (unsigned long)c.allocs, (unsigned long)c.frees,
	      (unsigned long)c.dispatches, (unsigned long)c.spurious, n);
}

void fw_selftest_run(struct fw_hart *self, struct fw_hart *target, uint32_t nr_up)
{
	struct fw_selftest *st = &self->st;

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
