/* SPDX-License-Identifier: BSD-2-Clause */
/* What every hart runs once it is in C: its HGEI lines, then the boot hart's report. */
#include <stdbool.h>
#include "csr.h"
#include "fw.h"
#include "sbi.h"

#ifndef FW_START_TIMEOUT_S
#define FW_START_TIMEOUT_S	60
#endif

static void fw_line_wake(void *owner, uint32_t hartid, unsigned line)
{
	(void)owner;
	fw_printf("hart %u: unexpected wake of line %u\n", hartid, line);
}

static const struct hgei_ops fw_hgei_ops = {
	.wake = fw_line_wake,
};

static void hart_bring_up(struct fw_hart *self)
{
	const struct hgei_dt_hart *dt = self->dt;
	unsigned dt_limit = dt && !dt->err ? dt->dt_guest_files : 0;

	self->lines = hgei_hart_init(&self->hgei, self->hartid, dt_limit,
				     dt ? dt->slot_pa : 0, &fw_hgei_ops);
	self->geilen = self->hgei.geilen;
	if (self->lines < 0)
		fw_printf("hart %u: hgei_hart_init failed: %s\n", self->hartid,
			  hgei_strerror(self->lines));
}

static bool all_started(void *arg)
{
	(void)arg;
	for (uint32_t i = 0; i < fw_nr_harts; i++)
		if (atomic_load_explicit(&fw_harts[i].state, memory_order_acquire) ==
		    FW_HART_STARTING)
			return false;
	return true;
}

static void __attribute__((noreturn)) report(void)
{
	struct hgei_figures fig;
	uint32_t up = 0, failed = 0;

	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		const struct fw_hart *h = &fw_harts[i];
		uint32_t state = atomic_load_explicit(&h->state, memory_order_acquire);

		if (state != FW_HART_UP) {
			failed++;
			fw_printf("hart=%u state=down hsm=%ld\n", h->hartid,
				  sbi_hart_status(h->hartid));
			continue;
		}
		up++;
		fw_printf("hart=%u index=%u group=%u slot=%#lx geilen=%u dt=%u lines=%d\n",
			  h->hartid, h->index, h->dt ? h->dt->group : 0,
			  (unsigned long)(h->dt ? h->dt->slot_pa : 0), h->geilen,
			  h->dt ? h->dt->dt_guest_files : 0, h->lines);
	}
	hgei_get_figures(&fig);
	fw_printf("summary: harts=%u up=%u failed=%u lines_min=%u lines_max=%u lines_total=%lu\n",
		  fw_nr_harts, up, failed, fig.min_lines, fig.max_lines,
		  (unsigned long)fig.total_lines);
	fw_printf("status: %s\n", failed ? "FAIL" : "PASS");
	fw_exit(failed ? 2 : 0);
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
	/* Release: the boot hart reads this hart's report fields after seeing UP. */
	atomic_store_explicit(&self->state, FW_HART_UP, memory_order_release);
	if (hartid != fw_boot_hartid) {
		sbi_send_ipi(1, fw_boot_hartid);
		for (;;)
			__asm__ volatile("wfi");
	}
	if (!fw_wait_until(all_started, NULL, fw_time() + FW_START_TIMEOUT_S * fw_timebase_hz))
		fw_printf("boot: harts did not come up within %u s\n", FW_START_TIMEOUT_S);
	report();
}
