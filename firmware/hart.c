/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every hart runs once it is in C: bring up its HGEI lines, wait for the boot
 * hart's go, run the self-test with the others, and park in wfi. The boot hart then
 * prints the report and ends the run.
 */
#include <stdbool.h>
#include "csr.h"
#include "fw.h"
#include "guest_stage.h"
#include "hotplug.h"
#include "migrate.h"
#include "sbi.h"
#include "stress.h"

/* The boot hart's waits give up after this long with no progress anywhere (wait.c):
 * no hart came up, or no hart got on with its self-test. The stages' own waits give
 * up after FW_STALL_S, so the self-test's must be longer. */
#ifndef FW_START_TIMEOUT_S
#define FW_START_TIMEOUT_S	60
#endif
#define FW_SELFTEST_TIMEOUT_S	(5 * FW_STALL_S)

/* The harts that came up, in hartid order: the boot hart writes them before it
 * publishes fw_go (release); the others read them after seeing it (acquire). */
static struct fw_hart **up_harts;
static uint32_t nr_up;
static _Atomic uint32_t fw_go;

static void hart_bring_up(struct fw_hart *self)
{
	const struct hgei_dt_hart *dt = self->dt;
	unsigned dt_limit = dt && !dt->err ? dt->dt_guest_files : 0;

	/*
	 * Masked: the GEILEN probe writes hgeie and reads it back, and the IPI handler
	 * (hgei_sync) also writes hgeie. An IPI from a hart coming up landed between
	 * the two once and made the boot hart read GEILEN 0.
	 */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	self->lines = hgei_hart_init(&self->hgei, self->hartid, dt_limit,
				     dt ? dt->slot_pa : 0, &fw_selftest_ops);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	self->geilen = self->hgei.geilen;
	if (self->lines < 0)
		fw_printf("hart %u: hgei_hart_init failed: %s\n", self->hartid,
			  hgei_strerror(self->lines));
}

static bool none_in_state(void *arg)
{
	uint32_t state = (uint32_t)(uintptr_t)arg;

	for (uint32_t i = 0; i < fw_nr_harts; i++)
		if (atomic_load_explicit(&fw_harts[i].state, memory_order_acquire) == state)
			return false;
	return true;
}

static bool go_given(void *arg)
{
	(void)arg;
	return atomic_load_explicit(&fw_go, memory_order_acquire) != 0;
}

/* Runs the self-test on this hart against the next hart that came up (itself when
 * it is alone), and the stages after it. */
static void hart_selftest(struct fw_hart *self)
{
#ifdef FW_BENCH
	/* The bench firmware (make bench): instruction counts instead of the self-test. */
	fw_bench_run(self, up_harts, nr_up);
#elif defined(FW_HGEIP_RACE)
	/* The QEMU stale-hgeip reproduction (tests/qemu/quirks.sh). */
	fw_hgeip_race_run(self, up_harts, nr_up);
#else
	uint32_t pos = 0;

	while (pos < nr_up && up_harts[pos] != self)
		pos++;
	fw_selftest_run(self, up_harts[(pos + 1) % nr_up], nr_up);
	fw_guest_stage_run(self, up_harts[(pos + 1) % nr_up], nr_up);
	fw_migrate_stage_run(self, up_harts, nr_up);
#ifdef FW_STRESS_SECONDS
	fw_stress_run(self, nr_up);
#endif
#ifdef FW_HOTPLUG_CYCLES
	fw_hotplug_run(self);
#endif
#endif
}

static void hart_done(struct fw_hart *self)
{
	/* Release: the boot hart reads this hart's results after seeing DONE. */
	atomic_store_explicit(&self->state, FW_HART_DONE, memory_order_release);
	fw_progress();
}

void fw_hart_finish(struct fw_hart *self)
{
	hart_done(self);
	sbi_send_ipi(1, fw_boot_hartid);
	for (;;)
		__asm__ volatile("wfi");
}

static void __attribute__((noreturn)) report(void)
{
	struct hgei_figures fig;
	struct fw_guest_totals guests = { 0 };
	char gfields[112];
	uint32_t done = 0, down = 0, pending = 0, passed = 0, failed = 0;
	uint64_t sent = 0, delivered = 0, spurious = 0;

	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		const struct fw_hart *h = &fw_harts[i];
		uint32_t state = atomic_load_explicit(&h->state, memory_order_acquire);
		struct hgei_counters c;

		if (state != FW_HART_DONE) {
			long hsm = sbi_hart_status(h->hartid);

			down++;
			failed++;
			pending += hsm == SBI_HSM_START_PENDING;
			fw_printf("hart=%u state=down hsm=%ld\n", h->hartid, hsm);
			continue;
		}
		done++;
		hgei_hart_counters(&h->hgei, &c);
		fw_guest_stage_format(h, gfields, sizeof(gfields), &guests);
		fw_printf("hart=%u index=%u group=%u slot=%#lx geilen=%u dt=%u lines=%d "
			  "sent=%u delivered=%u spurious=%lu%s\n",
			  h->hartid, h->index, h->dt ? h->dt->group : 0,
			  (unsigned long)(h->dt ? h->dt->slot_pa : 0), h->geilen,
			  h->dt ? h->dt->dt_guest_files : 0, h->lines, h->st.sent,
			  h->st.delivered, (unsigned long)c.spurious, gfields);
		sent += h->st.sent;
		delivered += h->st.delivered;
		spurious += c.spurious;
		passed += h->st.passed;
		failed += h->st.failed;
	}
	if (pending)
		fw_printf("boot: %u harts never left SBI HSM START_PENDING: the SBI firmware "
			  "died starting them (OpenSBI 1.5.1 runs out of heap from the 34th "
			  "hart on; boot with BOOT=bare)\n", pending);
	hgei_get_figures(&fig);
	fw_printf("summary: harts=%u up=%u failed=%u lines_min=%u lines_max=%u "
		  "lines_total=%lu msis_sent=%lu delivered=%lu spurious=%lu "
		  "guest_msis=%lu guest_claimed=%lu\n",
		  fw_nr_harts, done, down, fig.min_lines, fig.max_lines,
		  (unsigned long)fig.total_lines, (unsigned long)sent,
		  (unsigned long)delivered, (unsigned long)spurious,
		  (unsigned long)guests.sent, (unsigned long)guests.claimed);
	if (sent != delivered) {
		failed++;
		fw_printf("selftest: %lu MSIs sent but %lu delivered\n", (unsigned long)sent,
			  (unsigned long)delivered);
	}
	if (guests.sent != guests.claimed) {
		failed++;
		fw_printf("selftest: %lu MSIs sent to guests but %lu claimed\n",
			  (unsigned long)guests.sent, (unsigned long)guests.claimed);
	}
#ifdef FW_HGEIP_RACE
	failed += fw_hgeip_race_report();
#else
	failed += fw_migrate_report();
#endif
#ifdef FW_STRESS_SECONDS
	failed += fw_stress_report();
#endif
#ifdef FW_HOTPLUG_CYCLES
	failed += fw_hotplug_report();
#endif
	fw_printf("selftest: %u passed, %u failed\n", passed, failed);
	fw_printf("status: %s\n", failed ? "FAIL" : "PASS");
	fw_exit(failed ? 2 : 0);
}

static void __attribute__((noreturn)) boot_hart_coordinate(struct fw_hart *self)
{
	struct fw_watchdog wd;

	fw_watchdog_start(&wd, FW_START_TIMEOUT_S);
	if (!fw_wait_progress(none_in_state, (void *)FW_HART_STARTING, &wd))
		fw_printf("boot: harts did not come up: none for %u s\n", FW_START_TIMEOUT_S);
	up_harts = fw_heap_alloc(fw_nr_harts * sizeof(*up_harts), 8);
	for (uint32_t i = 0; i < fw_nr_harts; i++)
		if (atomic_load_explicit(&fw_harts[i].state, memory_order_acquire) == FW_HART_UP)
			up_harts[nr_up++] = &fw_harts[i];
#ifdef FW_STRESS_SECONDS
	fw_stress_prepare(up_harts, nr_up);
#endif
#ifdef FW_HOTPLUG_CYCLES
	fw_hotplug_prepare(up_harts, nr_up);
#endif
	atomic_store_explicit(&fw_go, 1, memory_order_release);
	fw_kick_all();
	hart_selftest(self);
	hart_done(self);
	fw_watchdog_start(&wd, FW_SELFTEST_TIMEOUT_S);
	if (!fw_wait_progress(none_in_state, (void *)FW_HART_UP, &wd))
		fw_printf("boot: self-test did not finish: no progress for %u s\n",
			  FW_SELFTEST_TIMEOUT_S);
	report();
}

void fw_hart_main(unsigned long hartid, struct fw_hart *self)
{
	fw_self = self;
	fw_trap_init();
	hart_bring_up(self);
#ifdef FW_TEST_ILLEGAL_INSN
	/* The crash test: an unexpected exception must end the run with a failure code. */
	if (hartid != fw_boot_hartid || fw_nr_harts == 1)
		__asm__ volatile(".word 0");
#endif
#ifdef FW_TEST_MMODE_PROBE
	/* The M-mode protection test: a load from M-mode memory (the address given by
	 * the define) must fault, scause 5, and end the run as FATAL. */
	(void)*(volatile uint32_t *)(uintptr_t)(FW_TEST_MMODE_PROBE);
#endif
#ifdef FW_TEST_HS_STORE
	/* The M-only device test: a store to a device the M-mode layer closed to HS (the
	 * address given by the define) must fault, scause 7, and end the run as FATAL. */
	*(volatile uint32_t *)(uintptr_t)(FW_TEST_HS_STORE) = 0;
#endif
	/* Release: the boot hart reads this hart's bring-up results after seeing UP. */
	atomic_store_explicit(&self->state, FW_HART_UP, memory_order_release);
	fw_progress();
	if (hartid == fw_boot_hartid)
		boot_hart_coordinate(self);
	sbi_send_ipi(1, fw_boot_hartid);
	fw_wait_until(go_given, NULL, UINT64_MAX);
	hart_selftest(self);
	fw_hart_finish(self);
}
