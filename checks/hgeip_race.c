/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal reproduction of QEMU 10.0's stale hgeip bit (issue #13), built with
 * -DFW_HGEIP_RACE=SECONDS in place of the self-test (tests/qemu/quirks.sh).
 *
 * QEMU keeps hgeip in the hart's CPU state and updates it with a plain
 * read-modify-write (target/riscv/cpu.c, riscv_cpu_set_irq: `env->hgeip &= ~bit;
 * if (level) env->hgeip |= bit;`) from whichever host thread raises or lowers a
 * guest file's line: the hart's own thread when it claims (vstopei), the sender's
 * thread when an MSI lands. A lower of bit A on the hart racing a raise of bit B from
 * another hart can write bit A back: hgeip[A] stays set with nothing pending in file
 * A. The guest on that file then takes VS external interrupts it cannot claim.
 *
 * Pairs of harts: the victim makes identity 1 pending in file A (eip0) and claims it,
 * over and over, while its partner fires identity 1 at the victim's file B. Nobody else writes
 * file A, so after the victim's claim hgeip[A] must be clear; when it is not, the bit
 * is stale. Each stale bit is then put through what a hypervisor does to a guest file
 * it hands to a new vCPU (fw_vcpu_create's reset: eidelivery, eithreshold, eie, eip
 * written to 0), and with FW_QUIRK_HGEIP_RELEVEL also imsic_guest_relevel(); the run
 * counts how many survive. Without the stale bit's file being reset (second sample),
 * it tries the cheaper remedies one at a time to show which of QEMU's file accesses
 * re-derive the line: a claim with nothing pending, an eithreshold write, a pulse.
 */
#include "csr.h"
#include "fw.h"
#include "imsic.h"
#include "stage.h"

#ifdef FW_HGEIP_RACE

#define LINE_A	1
#define LINE_B	2
#define ID	1
#define RACE_ENOUGH	16	/* stale bits after which the run may end early */

struct race_pair {
	struct fw_hart *victim, *sender;
	_Atomic uint32_t stop;
	uint64_t iterations, sent;
	/* Stale bits seen, and what became of them. */
	uint32_t stale, survived_reset, survived_relevel;
	uint32_t by_claim, by_eithreshold, by_pulse, by_none;
	uint32_t pulses;		/* relevel pulses in all */
};

#define MAX_PAIRS	8

static struct race_pair pairs[MAX_PAIRS];
static uint32_t nr_pairs;
/* The lines are never armed: no wake is expected, one would be counted. */
static _Atomic uint32_t unexpected_wakes;

static void race_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	(void)o;
	(void)hartid;
	(void)line;
	atomic_fetch_add_explicit(&unexpected_wakes, 1, memory_order_relaxed);
}

static struct fw_owner owners[2] = { { .wake = race_wake }, { .wake = race_wake } };

static bool stale(unsigned line)
{
	return csr_read(CSR_HGEIP) & 1ULL << line;
}

/* Which single access to the (empty) file clears its stale bit: a claim with nothing
 * pending, then an eithreshold write of its own value, then a pulse. */
static void classify(struct race_pair *p, unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	(void)hgei_vsfile_claim();
	if (!stale(line)) {
		p->by_claim++;
		goto out;
	}
	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, 0);
	if (!stale(line)) {
		p->by_eithreshold++;
		goto out;
	}
	hgei_vsfile_deselect(hstatus);
	p->pulses += imsic_guest_relevel(line);
	hstatus = hgei_vsfile_select(line);
	if (!stale(line))
		p->by_pulse++;
	else
		p->by_none++;
out:
	hgei_vsfile_setup_one(line, ID);
	hgei_vsfile_deselect(hstatus);
}

/* What a new vCPU's file gets: reset to off and empty, then (quirk) re-levelled. */
static void reuse(struct race_pair *p, unsigned line)
{
	hgei_vsfile_setup_one(line, 0);
	if (stale(line))
		p->survived_reset++;
#ifdef FW_QUIRK_HGEIP_RELEVEL
	p->pulses += imsic_guest_relevel(line);
	if (stale(line))
		p->survived_relevel++;
#endif
	hgei_vsfile_setup_one(line, ID);
}

static void victim(struct race_pair *p, struct fw_hart *self)
{
	uint64_t end = fw_time() + FW_HGEIP_RACE * fw_timebase_hz, hstatus;
	struct hgei_line l;

	for (int k = 0; k < 2; k++) {
		if (hgei_alloc(&self->hgei, &owners[k], &l) || l.line != (unsigned)(LINE_A + k))
			fw_fatal("hgeip-race: hart %u: lines 1 and 2 not free\n", self->hartid);
		hgei_vsfile_setup_one(l.line, ID);
	}
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	while (fw_time() < end && p->stale < RACE_ENOUGH) {
		/* Raise and lower A from this hart's thread: eip0, then a claim. */
		hstatus = hgei_vsfile_select(LINE_A);
		hgei_vsfile_write(HGEI_VS_EIP0, 1ULL << ID);
		(void)hgei_vsfile_claim();
		hgei_vsfile_deselect(hstatus);
		p->iterations++;
		if (!stale(LINE_A))
			continue;
		/* Alternate the two samples: reuse as a vCPU would, or classify. */
		if (p->stale++ & 1)
			classify(p, LINE_A);
		else
			reuse(p, LINE_A);
	}
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	atomic_store_explicit(&p->stop, 1, memory_order_release);
	for (int k = 0; k < 2; k++) {
		hgei_vsfile_setup_one(LINE_A + k, 0);
		hgei_free(&self->hgei, LINE_A + k, &owners[k]);
	}
}

static void sender(struct race_pair *p)
{
	uint64_t file_b = p->victim->dt->slot_pa + LINE_B * HGEI_GUEST_FILE_SIZE;

	while (!atomic_load_explicit(&p->stop, memory_order_acquire)) {
		hgei_msi_send(file_b, ID);
		p->sent++;
	}
}

/* In place of the self-test: pairs of up harts, a victim and its sender. */
static void race_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
		     uint32_t pos)
{
	if (self->hartid == fw_boot_hartid) {
		nr_pairs = nr_up / 2 < MAX_PAIRS ? nr_up / 2 : MAX_PAIRS;
		for (uint32_t i = 0; i < nr_pairs; i++)
			pairs[i] = (struct race_pair){ .victim = up[2 * i], .sender = up[2 * i + 1] };
	}
	fw_barrier(nr_up);
	if (pos / 2 >= nr_pairs || self->lines < LINE_B)
		return;
	if (pos % 2 == 0)
		victim(&pairs[pos / 2], self);
	else
		sender(&pairs[pos / 2]);
}

static void race_report(struct fw_stage_tally *t)
{
	unsigned failed = atomic_load_explicit(&unexpected_wakes, memory_order_relaxed);

	for (uint32_t i = 0; i < nr_pairs; i++) {
		const struct race_pair *p = &pairs[i];

		fw_printf("hgeip-race: victim=%u sender=%u seconds=%u iterations=%lu msis=%lu "
			  "stale=%u survived_reset=%u relevel=%s survived_relevel=%u "
			  "cleared_by_claim=%u cleared_by_eithreshold=%u cleared_by_pulse=%u "
			  "not_cleared=%u pulses=%u\n", p->victim->hartid, p->sender->hartid,
			  FW_HGEIP_RACE, (unsigned long)p->iterations, (unsigned long)p->sent,
			  p->stale, p->survived_reset,
#ifdef FW_QUIRK_HGEIP_RELEVEL
			  "on",
#else
			  "off",
#endif
			  p->survived_relevel, p->by_claim, p->by_eithreshold, p->by_pulse,
			  p->by_none, p->pulses);
		failed += p->survived_relevel + p->by_none;
	}
	t->failed += failed;
}

static const struct fw_stage race_stage = {
	.name = "hgeip_race",
	.run = race_run,
	.report = race_report,
};
FW_STAGE(90, race_stage);

#endif
