/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The self-test's overcommit stage (issue 17): four vCPUs take turns on the hart with
 * the fewest guest files, each with a software interrupt file; the running one is
 * promoted to a hardware line when the hart has one and demoted when its turn ends,
 * while another hart keeps sending all four MSIs. None may be lost or doubled.
 */
#ifndef FW_OVERCOMMIT_H
#define FW_OVERCOMMIT_H

#include <stdint.h>
#include "fw.h"

/** Every up hart, after the migration stage. Picks the host and the sender, runs the
 * stage, and calls fw_barrier(@nr_up) twice. */
void fw_overcommit_stage_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up);

/** Boot hart, for the report: prints the stage's line; returns its failed checks. */
uint32_t fw_overcommit_report(void);

#endif
