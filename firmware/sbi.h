/* SPDX-License-Identifier: BSD-2-Clause */
/* The SBI calls the HS-mode runtime makes; served by OpenSBI or by mmode/. */
#ifndef FW_SBI_H
#define FW_SBI_H

#include <stdint.h>
/* Extension and function IDs, HSM states, errors: include/hgei_riscv_enc.h. */
#define HGEI_ENC_SHORT_NAMES
#include "hgei_riscv_enc.h"

struct sbiret {
	long error;
	long value;
};

struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2);

long sbi_probe(unsigned long eid);
/* The SBI implementation ID (base extension, function 1). */
long sbi_impl_id(void);
void sbi_putchar(int c);
long sbi_dbcn_write(const char *buf, unsigned long len);
long sbi_hart_start(unsigned long hartid, unsigned long addr, unsigned long opaque);
long sbi_hart_status(unsigned long hartid);
/* Returns only on failure: the hart stops and may be started again (hart_start). */
long sbi_hart_stop(void);
long sbi_send_ipi(unsigned long mask, unsigned long base);
long sbi_set_timer(uint64_t when);
void sbi_shutdown(int failure) __attribute__((noreturn));

#endif
