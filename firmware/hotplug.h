/* SPDX-License-Identifier: BSD-2-Clause */
/* The hotplug stage (hotplug.c): only in a build with -DFW_HOTPLUG_CYCLES=N. */
#ifndef FW_HOTPLUG_H
#define FW_HOTPLUG_H

#include <stdint.h>
#include "fw.h"

/** Boot hart, before the go: picks the roles among @up and sets up the vCPUs. */
void fw_hotplug_prepare(struct fw_hart **up, uint32_t nr_up);
/** Every up hart, after the other stages; calls fw_barrier() at its start and end. */
void fw_hotplug_run(struct fw_hart *self);
/** A stopped hart started again (entry.S fw_restart_entry): back online, serves the
 * stage until it ends, then fw_hart_finish(). */
void fw_hotplug_rejoin(unsigned long hartid, struct fw_hart *self) __attribute__((noreturn));
/** Boot hart, for the report: prints the per-hart and total lines; returns the
 * failed checks. */
uint32_t fw_hotplug_report(void);

#endif
