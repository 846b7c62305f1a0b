/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How a stage joins the runtime. A stage (the MSI self-test, the guest stage, the
 * migration, stress and hotplug runs, the bench: checks/, bench/fw/) is a set of
 * hooks the runtime calls at fixed points of the boot; it registers itself with
 * FW_STAGE() and is in a build when its object is linked (mk/firmware.mk, FW_STAGES). The
 * runtime knows no stage by name: a build that links none boots, brings every hart's
 * lines up and reports them.
 *
 * Order: at boot, every stage's alloc (boot hart, heap still open); once the harts are
 * up, every prepare (boot hart); then on every up hart, each stage's run in turn; the
 * boot hart waits for all harts, then prints each hart's line (runtime fields and each
 * stage's hart_fields), the summary (runtime fields and each summary_fields), and
 * each stage's report lines. Every hook may be NULL.
 */
#ifndef FW_STAGE_H
#define FW_STAGE_H

#include <stddef.h>
#include <stdint.h>
#include "fw.h"

/* What a report hook adds to the final "selftest: P passed, F failed" line. */
struct fw_stage_tally {
	uint32_t passed, failed;
};

struct fw_stage {
	const char *name;
	void (*alloc)(void);
	void (*prepare)(struct fw_hart **up, uint32_t nr_up);
	/* On every up hart, @pos its place in @up (sorted by hartid). A stage that
	 * separates phases with fw_barrier(@nr_up) must call it on every up hart. */
	void (*run)(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up, uint32_t pos);
	/* Append " key=value" fields to a hart's report line (@h is DONE) / the summary. */
	void (*hart_fields)(const struct fw_hart *h, char *buf, size_t len);
	void (*summary_fields)(char *buf, size_t len);
	/* Prints the stage's own lines and adds its checks to @t. */
	void (*report)(struct fw_stage_tally *t);
};

/* The linker gathers the pointers in .fw_stages.* sorted by name (linker.ld): the
 * two-digit @order fixes the run order (10 the MSI self-test, 20 the guest stage, 30
 * migration, 40 stress, 50 hotplug, 90 replacements of the self-test). */
#define FW_STAGE(order, stage)							\
	static const struct fw_stage *const fw_stage_ptr_##stage		\
		__attribute__((used, section(".fw_stages." #order))) = &(stage)

extern const struct fw_stage *const __fw_stages_start[], *const __fw_stages_end[];
#define fw_for_each_stage(s)							\
	for (const struct fw_stage *const *s = __fw_stages_start; s < __fw_stages_end; s++)

/* Appends printf-style text at the end of the string in @buf (size @len). */
void fw_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
