/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the real hart, inline. Included through hgei_port.h and hgei_vsfile.h. */
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

#define HGEI_CSR_HIP	0x644
#define HGEI_HIP_SGEIP	(1UL << 12)

/*
 * HGEI_QUIRK_SGEIP_RECHECK, for QEMU (seen on 10.0 with multi-threaded TCG): QEMU
 * recomputes mip.SGEIP = (hgeie & hgeip) != 0 both when this hart writes hgeie and
 * when an MSI from another hart's thread sets hgeip, and neither side reads the other
 * under a lock; a claim (vstopei) that lowers another file's line recomputes it the
 * same way. An hgeie write or a claim racing an MSI can thus leave SGEIP clear with an
 * enabled line pending: the SGEI is lost until the next hgeie write. QEMU's mip update itself
 * is locked, so once our hgeie write has returned, any such MSI's hgeip bit is
 * visible to the check below, and rewriting hgeie makes QEMU recompute SGEIP. Called
 * after every hgeie write and at the end of the SGEI handler (after the owners'
 * claims). Costs three CSR reads; real harts compute SGEIP in hardware and need none.
 */
static inline void hgei_arch_sgeip_settle(void)
{
#ifdef HGEI_QUIRK_SGEIP_RECHECK
	uint64_t e = hgei_csr_read(HGEI_CSR_HGEIE);

	if ((hgei_csr_read(HGEI_CSR_HGEIP) & e) && !(hgei_csr_read(HGEI_CSR_HIP) & HGEI_HIP_SGEIP))
		hgei_csr_write(HGEI_CSR_HGEIE, e);
#endif
}

static inline uint64_t hgei_arch_hgeie_read(void) { return hgei_csr_read(HGEI_CSR_HGEIE); }
static inline uint64_t hgei_arch_hgeip_read(void) { return hgei_csr_read(HGEI_CSR_HGEIP); }
static inline void hgei_arch_hie_set(uint64_t b) { hgei_csr_set(HGEI_CSR_HIE, b); }

static inline void hgei_arch_hgeie_write(uint64_t v)
{
	hgei_csr_write(HGEI_CSR_HGEIE, v);
	hgei_arch_sgeip_settle();
}

static inline void hgei_arch_hgeie_set(uint64_t b)
{
	hgei_csr_set(HGEI_CSR_HGEIE, b);
	hgei_arch_sgeip_settle();
}

static inline void hgei_arch_hgeie_clear(uint64_t b)
{
	hgei_csr_clear(HGEI_CSR_HGEIE, b);
	hgei_arch_sgeip_settle();
}

#endif
