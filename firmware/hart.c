/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every hart runs once it is in C: bring up its HGEI lines, wait for the boot
 * hart's go, run the linked stages (stage.h) with the others, and park in wfi. The
 * boot hart then prints the report (report.c) and ends the run.
 */
#include <stdbool.h>
#include "csr.h"
#include "fw.h"
#include "sbi.h"
#include "stage.h"

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
				     dt ? dt->slot_pa : 0, &fw_hgei_ops);
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

/* Runs every linked stage on this hart. A stage may stop the hart (hotplug): a
 * restarted hart does not come back here but ends in fw_hart_finish(). */
static void hart_run_stages(struct fw_hart *self)
{
	uint32_t pos = 0;

	while (pos < nr_up && up_harts[pos] != self)
		pos++;
	fw_for_each_stage(st)
		if ((*st)->run)
			(*st)->run(self, up_harts, nr_up, pos);
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
	fw_for_each_stage(st)
		if ((*st)->prepare)
			(*st)->prepare(up_harts, nr_up);
	atomic_store_explicit(&fw_go, 1, memory_order_release);
	fw_kick_all();
	hart_run_stages(self);
	hart_done(self);
	fw_watchdog_start(&wd, FW_SELFTEST_TIMEOUT_S);
	if (!fw_wait_progress(none_in_state, (void *)FW_HART_UP, &wd))
		fw_printf("boot: self-test did not finish: no progress for %u s\n",
			  FW_SELFTEST_TIMEOUT_S);
	fw_report();
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
	hart_run_stages(self);
	fw_hart_finish(self);
}
