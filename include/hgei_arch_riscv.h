/* SPDX-License-Identifier: BSD-2-Clause */
/* CSR access for the real hart, inline. Included through hgei_port.h and hgei_vsfile.h. */
#ifndef HGEI_ARCH_RISCV_H
#define HGEI_ARCH_RISCV_H

#include <stdbool.h>
#include <stdint.h>
#include "hgei_riscv_enc.h"

#define hgei_csr_read(csr) ({ uint64_t __v; \
	__asm__ volatile("csrr %0, %1" : "=r"(__v) : "i"(csr) : "memory"); __v; })
#define hgei_csr_write(csr, v) \
	__asm__ volatile("csrw %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define hgei_csr_set(csr, v) \
	__asm__ volatile("csrs %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")
#define hgei_csr_clear(csr, v) \
	__asm__ volatile("csrc %0, %1" :: "i"(csr), "rK"((uint64_t)(v)) : "memory")

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
 * hgei_arch_hgeie_clear_unsettled(), keeping the re-check off the way to wake().
 * Costs one CSR read when no guest file of the hart is pending, three when one is;
 * real harts compute SGEIP in hardware and need none. Reading hgeip before hgeie is
 * as good as after: an MSI whose hgeip bit this read misses set SGEIP itself after
 * our hgeie write had returned (QEMU's mip update is locked, see above).
 */
static inline void hgei_arch_sgeip_settle(void)
{
#ifdef HGEI_QUIRK_SGEIP_RECHECK
	/* hgeip first: with no guest file pending at all (the usual case) that is one
	 * read and a branch. */
	uint64_t p = hgei_csr_read(HGEI_CSR_HGEIP), e;

	if (!p)
		return;
	e = hgei_csr_read(HGEI_CSR_HGEIE);
	if ((p & e) && !(hgei_csr_read(HGEI_CSR_HIP) & HGEI_HIP_SGEIP))
		hgei_csr_write(HGEI_CSR_HGEIE, e);
#endif
}

/*
 * Replaces a pointer if it is still *@expected: seq_cst on success, relaxed on
 * failure, as lr.d.aqrl / sc.d.rl (the ISA manual's seq_cst mapping). Written out
 * because GCC 12 compiles a C11 compare-exchange whose failure order is relaxed to a
 * bare lr.d / sc.d.aq: acquire only, whatever the success order (GCC 13 fixed the
 * mapping). A constrained LR/SC loop (base integer instructions only, no backward
 * branch but the retry), so it always makes progress. Returns whether it replaced;
 * on failure *@expected is the value found.
 */
#define HGEI_ARCH_CAS_PTR
static inline bool hgei_arch_cas_ptr(void *_Atomic *p, void **expected, void *desired)
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
 * Whole-word stores of words only their hart writes: a plain sd is single-copy
 * atomic for an aligned doubleword. GCC 12 compiles C11's relaxed atomic store to
 * amoswap.d, an AMO for nothing.
 */
#define HGEI_ARCH_STORE
static inline void hgei_arch_store(_Atomic uint64_t *p, uint64_t v)
{
	__asm__ volatile("sd %z1, %0" : "=m"(*(uint64_t *)p) : "rJ"(v));
}

static inline void hgei_arch_store_ptr(void *_Atomic *p, void *v)
{
	__asm__ volatile("sd %z1, %0" : "=m"(*(void **)p) : "rJ"(v));
}

static inline void hgei_arch_store_int(_Atomic int *p, int v)
{
	__asm__ volatile("sw %z1, %0" : "=m"(*(int *)p) : "rJ"(v));
}

/* C11's acquire load in the ISA manual's mapping, lw; fence r,rw (GCC 12 follows the
 * load with a full fence iorw,iorw). */
static inline int hgei_arch_load_acquire_int(const _Atomic int *p)
{
	int v;

	__asm__ volatile("lw %0, %1\n\tfence r, rw" : "=r"(v) : "m"(*(const int *)p) : "memory");
	return v;
}

/* C11's release store in the ISA manual's mapping, fence rw,w; sw (GCC 12 adds an
 * amoswap.w to its fence). */
static inline void hgei_arch_store_release_int(_Atomic int *p, int v)
{
	__asm__ volatile("fence rw, w\n\tsw %z1, %0" : "=m"(*(int *)p) : "rJ"(v) : "memory");
}

/*
 * The hart's interrupts masked (sstatus.SIE clear) around a local call: the request
 * server and the SGEI handler run in traps on the same hart and change the same
 * state. The "memory" clobbers keep the compiler's accesses inside.
 * The flags are the whole old sstatus, and the restore sets again every bit that
 * was set in it: SIE if it was, and the others, which nothing between the two
 * clears (no trap is taken in between; a callback run there, such as revoke(),
 * runs with interrupts masked and leaves sstatus as it found it). That spares the
 * `andi` of Linux's `flags & SR_IE` on every local call.
 */
static inline unsigned long hgei_arch_irq_save(void)
{
	unsigned long old;

	__asm__ volatile("csrrci %0, sstatus, %1" : "=r"(old) : "i"(HGEI_SSTATUS_SIE) : "memory");
	return old;
}

static inline void hgei_arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("csrs sstatus, %0" : : "r"(flags) : "memory");
}

static inline void hgei_arch_relax(void)
{
	/* pause (Zihintpause) is a fence hint: plain harts execute it as a no-op. */
	__asm__ volatile(".4byte 0x0100000f" : : : "memory");
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
