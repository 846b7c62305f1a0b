/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the runtime. H-extension CSRs by number: GCC 12 rejects 'h' in -march. */
#ifndef FW_CSR_H
#define FW_CSR_H

#include <stdint.h>
#include "hgei_arch_riscv.h"

#define CSR_SSTATUS	0x100
#define CSR_SIE		0x104
#define CSR_STVEC	0x105
#define CSR_SCAUSE	0x142
#define CSR_SEPC	0x141
#define CSR_STVAL	0x143
#define CSR_SIP		0x144
#define CSR_HSTATUS	0x600
#define CSR_HIE		0x604
#define CSR_HGEIE	0x607
#define CSR_HGEIP	0xe12
#define CSR_TIME	0xc01
#define CSR_INSTRET	0xc02

#define SSTATUS_SIE	(1UL << 1)
#define SIP_SSIP	(1UL << 1)
#define SIE_SSIE	(1UL << 1)
#define SIE_STIE	(1UL << 5)
#define SCAUSE_IRQ	(1UL << 63)
#define IRQ_S_SOFT	1
#define IRQ_S_TIMER	5
#define IRQ_S_EXT	9
#define IRQ_SGEI	12

/* The same inline CSR access lib/hgei uses. */
#define csr_read(csr)		hgei_csr_read(csr)
#define csr_write(csr, v)	hgei_csr_write(csr, v)
#define csr_set(csr, v)		hgei_csr_set(csr, v)
#define csr_clear(csr, v)	hgei_csr_clear(csr, v)

#endif
