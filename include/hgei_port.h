/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The port layer: what lib/hgei needs from the machine. On RISC-V the CSR functions
 * are inline (hgei_arch_riscv.h); a host build (HGEI_HOST) gets them from the
 * test harness, which emulates a hart per thread. The hartid, kick and log hooks are
 * always provided by the hypervisor/firmware (or the harness).
 */
#ifndef HGEI_PORT_H
#define HGEI_PORT_H

#include <stdint.h>
#include "hgei_riscv_enc.h"	/* HGEI_CSR_HIE_SGEIE */

#if defined(__riscv) && !defined(HGEI_HOST)
#include "hgei_arch_riscv.h"
#else
/* Host build: an emulated hart per calling thread, provided by the harness. */
uint64_t hgei_arch_hgeie_read(void);
void hgei_arch_hgeie_write(uint64_t v);
void hgei_arch_hgeie_set(uint64_t bits);
void hgei_arch_hgeie_clear(uint64_t bits);
uint64_t hgei_arch_hgeip_read(void);
void hgei_arch_hie_set(uint64_t bits);
/* The calling hart's interrupts masked / restored (a no-op where traps are explicit). */
unsigned long hgei_arch_irq_save(void);
void hgei_arch_irq_restore(unsigned long flags);
void hgei_arch_relax(void);
/* The emulated hart derives SGEIP from hgeie & hgeip on every look: nothing to settle. */
static inline void hgei_arch_sgeip_settle(void) {}
static inline void hgei_arch_hgeie_clear_unsettled(uint64_t bits)
{
	hgei_arch_hgeie_clear(bits);
}
#endif

/**
 * The id of the hart running the caller (e.g. kept in tp or sscratch). hgei_arm() and
 * hgei_disarm() compare it with the line's hart to touch hgeie directly when local.
 */
uint32_t hgei_port_hartid(void);

/**
 * Ask @hartid to call hgei_sync() on itself soon (e.g. send it an IPI). The caller's
 * earlier memory writes must be visible to that hgei_sync() (on RISC-V: a fence w,o
 * before the IPI's MMIO write, or an SBI call, which orders it).
 */
void hgei_port_kick(uint32_t hartid);

/** One log line, printf-style, no trailing newline needed. Any hart, any context. */
void hgei_port_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
