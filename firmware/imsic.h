/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A guest interrupt file as HS-mode reaches it: through hstatus.VGEIN and the
 * vsiselect/vsireg window (AIA spec, "Smaia/Ssaia"), and by MSI writes to its page.
 */
#ifndef FW_IMSIC_H
#define FW_IMSIC_H

#include <stdint.h>
#include "csr.h"

#define CSR_VSISELECT		0x250
#define CSR_VSIREG		0x251
#define CSR_VSTOPEI		0x25c
#define HSTATUS_VGEIN_MASK	(0x3fUL << 12)

#define IMSIC_EIDELIVERY	0x70
#define IMSIC_EITHRESHOLD	0x72
#define IMSIC_EIP0		0x80
#define IMSIC_EIE0		0xc0

/* Selects guest file @line for the vs* CSRs; returns the previous hstatus. */
static inline uint64_t imsic_select_guest(unsigned line)
{
	uint64_t old = csr_read(CSR_HSTATUS);

	csr_write(CSR_HSTATUS, (old & ~HSTATUS_VGEIN_MASK) | ((uint64_t)line << 12));
	return old;
}

static inline void imsic_guest_write(unsigned reg, uint64_t v)
{
	csr_write(CSR_VSISELECT, reg);
	csr_write(CSR_VSIREG, v);
}

static inline uint64_t imsic_guest_read(unsigned reg)
{
	csr_write(CSR_VSISELECT, reg);
	return csr_read(CSR_VSIREG);
}

/* Claims the selected guest file's top pending-and-enabled identity (0 if none). */
static inline unsigned imsic_guest_claim(void)
{
	uint64_t v;

	__asm__ volatile("csrrw %0, %1, zero" : "=r"(v) : "i"(CSR_VSTOPEI) : "memory");
	return (unsigned)(v >> 16);
}

/*
 * Makes QEMU re-derive hgeip[@line] from guest file @line. QEMU 10 updates hgeip with
 * an unlocked read-modify-write from whichever host thread raises or lowers a guest
 * file's line, so a claim on this hart racing an MSI from another hart into a second
 * file can drop that file's hgeip bit. Any vsireg access re-evaluates the file; on
 * hardware this is a harmless read of eidelivery.
 */
static inline void imsic_guest_reevaluate(unsigned line)
{
	uint64_t hstatus = imsic_select_guest(line);

	(void)imsic_guest_read(IMSIC_EIDELIVERY);
	csr_write(CSR_HSTATUS, hstatus);
}

/* An MSI: @id written to the file's seteipnum_le register (offset 0 of its page). */
static inline void imsic_send(uint64_t file_pa, unsigned id)
{
	*(volatile uint32_t *)(uintptr_t)file_pa = id;
}

#endif
