/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the real hart. Included through hgei_port.h only. */
#ifndef HGEI_ARCH_RISCV_H
#define HGEI_ARCH_RISCV_H

#include <stdint.h>

/* CSR numbers, so GCC 12 (which rejects 'h' in -march) needs no H-extension names. */
#define HGEI_CSR_HIE	0x604
#define HGEI_CSR_HGEIE	0x607
#define HGEI_CSR_HGEIP	0xe12

#define hgei_csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, %1" : "=r"(__v) : "i"(csr) : "memory"); __v; })
#define hgei_csr_write(csr, v) \
	__asm__ volatile("csrw %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define hgei_csr_set(csr, v) \
	__asm__ volatile("csrs %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define hgei_csr_clear(csr, v) \
	__asm__ volatile("csrc %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")

static inline uint64_t hgei_arch_hgeie_read(void) { return hgei_csr_read(HGEI_CSR_HGEIE); }
static inline void hgei_arch_hgeie_write(uint64_t v) { hgei_csr_write(HGEI_CSR_HGEIE, v); }
static inline void hgei_arch_hgeie_set(uint64_t b) { hgei_csr_set(HGEI_CSR_HGEIE, b); }
static inline void hgei_arch_hgeie_clear(uint64_t b) { hgei_csr_clear(HGEI_CSR_HGEIE, b); }
static inline uint64_t hgei_arch_hgeip_read(void) { return hgei_csr_read(HGEI_CSR_HGEIP); }
static inline void hgei_arch_hie_set(uint64_t b) { hgei_csr_set(HGEI_CSR_HIE, b); }

#endif
