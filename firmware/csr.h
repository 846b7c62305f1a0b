/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the runtime. H-extension CSRs by number: GCC 12 rejects 'h' in -march. */
#ifndef FW_CSR_H
#define FW_CSR_H

#include <stdint.h>

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

#define csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, %1" : "=r"(__v) : "i"(csr) : "memory"); __v; })
#define csr_write(csr, v) \
	__asm__ volatile("csrw %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) \
	__asm__ volatile("csrs %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) \
	__asm__ volatile("csrc %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")

#endif
