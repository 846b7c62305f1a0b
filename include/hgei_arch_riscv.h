/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the real hart, inline. Included through hgei_port.h and hgei_vsfile.h. */
#ifndef HGEI_ARCH_RISCV_H
#define HGEI_ARCH_RISCV_H

#include <stdbool.h>
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
 * claims), which also covers the handler's own mask at its start: that write uses
 * hgei_arch_hgeie_clear_unsettled(), keeping three CSR reads off the way to wake().
 * Costs three CSR reads; real harts compute SGEIP in hardware and need none.
 */
static inline void hgei_arch_sgeip_settle(void)
{
#ifdef HGEI_QUIRK_SGEIP_RECHECK
	uint64_t e = hgei_csr_read(HGEI_CSR_HGEIE);

	if ((hgei_csr_read(HGEI_CSR_HGEIP) & e) && !(hgei_csr_read(HGEI_CSR_HIP) & HGEI_HIP_SGEIP))
		hgei_csr_write(HGEI_CSR_HGEIE, e);
#endif
}

/*
 * Claims the lowest set bit of *@free: returns it (cleared in *@free), or 0 when
 * *@free is 0. This is C11's seq_cst read-modify-write in its LR/SC mapping (lr.aqrl,
 * sc.rl: the RISC-V ISA manual's table of C/C++ mappings), written out because GCC
 * 12's compare-exchange loop reloads and compares what the LR already holds: five
 * more instructions on hgei_alloc()'s path. A constrained LR/SC loop (base integer
 * instructions only, no backward branch but the retry), so it always makes progress.
 */
#define HGEI_ARCH_CLAIM_LOWEST
static inline uint64_t hgei_arch_claim_lowest(_Atomic uint64_t *free)
{
	uint64_t old, bit, tmp;

	/* bit is derived from each LR's value before the empty test, so a retry that
	 * finds the map emptied returns 0, not the bit of the failed attempt. */
	__asm__ volatile("1:	lr.d.aqrl %0, (%3)\n"
			 "	neg %1, %0\n"
			 "	and %1, %1, %0\n"
			 "	beqz %0, 2f\n"
			 "	xor %2, %0, %1\n"
			 "	sc.d.rl %2, %2, (%3)\n"
			 "	bnez %2, 1b\n"
			 "2:"
			 : "=&r"(old), "=&r"(bit), "=&r"(tmp)
			 : "r"(free)
			 : "memory");
	return bit;
}

/*
 * Replaces an owner pointer if it is still @expected: seq_cst on success, relaxed on
 * failure, as lr.d.aqrl / sc.d.rl (the ISA manual's seq_cst mapping). Written out
 * because GCC 12 compiles a C11 compare-exchange whose failure order is relaxed to a
 * bare lr.d / sc.d.aq: acquire only, whatever the success order, so the release that
 * publishes a new owner (and orders a freeing owner's last uses of its line) would rest
 * on whatever fence happened to come before it. GCC 13 fixed the mapping. Returns
 * whether it replaced; on failure *@expected is the value found.
 */
#define HGEI_ARCH_CAS_OWNER
static inline bool hgei_arch_cas_owner(void *_Atomic *p, void **expected, void *desired)
{
	void *old;
	long fail;

	__asm__ volatile("1:	lr.d.aqrl %0, (%2)\n"
			 "	bne %0, %z3, 2f\n"
			 "	sc.d.rl %1, %z4, (%2)\n"
			 "	bnez %1, 1b\n"
			 "2:"
			 : "=&r"(old), "=&r"(fail)
			 /* rJ and %z: a NULL operand is the zero register. */
			 : "r"(p), "rJ"(*expected), "rJ"(desired)
			 : "memory");
	if (old == *expected)
		return true;
	*expected = old;
	return false;
}

/*
 * The library's seq_cst and release read-modify-writes whose old value is not used,
 * each as one AMO with the ISA manual's mapping (amo.aqrl, amo.rl). GCC 12 puts a
 * "fence iorw,ow" before every such AMO instead: one more instruction each, three on
 * hgei_free()'s path and two on hgei_alloc()'s.
 */
#define HGEI_ARCH_AMO
static inline void hgei_arch_add_seqcst(_Atomic uint64_t *p, uint64_t n)
{
	__asm__ volatile("amoadd.d.aqrl zero, %1, (%0)" : : "r"(p), "r"(n) : "memory");
}

static inline void hgei_arch_add_release(_Atomic uint64_t *p, uint64_t n)
{
	__asm__ volatile("amoadd.d.rl zero, %1, (%0)" : : "r"(p), "r"(n) : "memory");
}

static inline void hgei_arch_or_release(_Atomic uint64_t *p, uint64_t v)
{
	__asm__ volatile("amoor.d.rl zero, %1, (%0)" : : "r"(p), "r"(v) : "memory");
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

/* Only for a caller that settles later itself (the SGEI handler). */
static inline void hgei_arch_hgeie_clear_unsettled(uint64_t b)
{
	hgei_csr_clear(HGEI_CSR_HGEIE, b);
}

static inline void hgei_arch_hgeie_clear(uint64_t b)
{
	hgei_csr_clear(HGEI_CSR_HGEIE, b);
	hgei_arch_sgeip_settle();
}

#endif
