/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot report, printed by the boot hart once every hart is DONE (or given up on):
 * one line per hart (its lines, GEILEN, lib/hgei's counters, each stage's fields), the
 * summary, each stage's own lines, the checks' total and the status. Then the run
 * ends with the status as exit code.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fw.h"
#include "sbi.h"
#include "stage.h"

#define FW_LINE_LEN	256

void fw_append(char *buf, size_t len, const char *fmt, ...)
{
	const char *end = memchr(buf, 0, len);
	size_t used = end ? (size_t)(end - buf) : len;
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

void __attribute__((noreturn)) fw_report(void)
{
	struct fw_stage_tally tally = { 0 };
	struct hgei_figures fig;
	char line[FW_LINE_LEN];
	uint32_t done = 0, down = 0, pending = 0;
	uint64_t spurious = 0;

	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		const struct fw_hart *h = &fw_harts[i];
		uint32_t state = atomic_load_explicit(&h->state, memory_order_acquire);
		struct hgei_counters c;

		if (state != FW_HART_DONE) {
			long hsm = sbi_hart_status(h->hartid);

			down++;
			tally.failed++;
			pending += hsm == SBI_HSM_START_PENDING;
			fw_printf("hart=%u state=down hsm=%ld\n", h->hartid, hsm);
			continue;
		}
		done++;
		hgei_hart_counters(&h->hgei, &c);
		line[0] = 0;
		fw_append(line, sizeof(line), "hart=%u index=%u group=%u slot=%#lx geilen=%u "
			  "dt=%u lines=%d spurious=%lu", h->hartid, h->index,
			  h->dt ? h->dt->group : 0,
			  (unsigned long)(h->dt ? h->dt->slot_pa : 0), h->geilen,
			  h->dt ? h->dt->dt_guest_files : 0, h->lines,
			  (unsigned long)c.spurious);
		fw_for_each_stage(st)
			if ((*st)->hart_fields)
				(*st)->hart_fields(h, line, sizeof(line));
		fw_printf("%s\n", line);
		spurious += c.spurious;
	}
	if (pending)
		fw_printf("boot: %u harts never left SBI HSM START_PENDING: the SBI firmware "
			  "died starting them (OpenSBI 1.5.1 runs out of heap from the 34th "
			  "hart on; boot with BOOT=bare)\n", pending);
	hgei_get_figures(&fig);
	line[0] = 0;
	fw_append(line, sizeof(line), "summary: harts=%u up=%u failed=%u lines_min=%u "
		  "lines_max=%u lines_total=%lu spurious=%lu", fw_nr_harts, done, down,
		  fig.min_lines, fig.max_lines, (unsigned long)fig.total_lines,
		  (unsigned long)spurious);
	fw_for_each_stage(st)
		if ((*st)->summary_fields)
			(*st)->summary_fields(line, sizeof(line));
	fw_printf("%s\n", line);
	fw_for_each_stage(st)
		if ((*st)->report)
			(*st)->report(&tally);
	fw_printf("selftest: %u passed, %u failed\n", tally.passed, tally.failed);
	fw_printf("status: %s\n", tally.failed ? "FAIL" : "PASS");
	fw_exit(tally.failed ? 2 : 0);
}
