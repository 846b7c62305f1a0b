/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The self-test's migration stage: one vCPU's guest interrupt file moves between two
 * harts back and forth while a third hart keeps sending it MSIs; none may be lost.
 */
#ifndef FW_MIGRATE_H
#define FW_MIGRATE_H

#include <stdint.h>
#include "fw.h"

/** Every up hart, after the guest stage (@up: the up harts in hartid order). Picks the
 * two hosts and the sender, runs the stage, and calls fw_barrier(@nr_up) twice. */
void fw_migrate_stage_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up);

/** Boot hart, for the report: prints the stage's line; returns its failed checks. */
uint32_t fw_migrate_report(void);

#endif
