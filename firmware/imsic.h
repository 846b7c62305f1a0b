/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest interrupt files for the runtime: the public helpers of include/hgei_vsfile.h
 * plus what only QEMU needs.
 */
#ifndef FW_IMSIC_H
#define FW_IMSIC_H

#include <stdint.h>
#include "csr.h"
#include "hgei_vsfile.h"

/*
 * Makes QEMU re-derive hgeip[@line] from guest file @line. QEMU 10 updates hgeip with
 * an unlocked read-modify-write from whichever host thread raises or lowers a guest
 * file's line, so a claim on this hart racing an MSI from another hart into a second
 * file can drop that file's hgeip bit. Any vsireg access re-evaluates the file; on
 * hardware this is a harmless read of eidelivery.
 */
static inline void imsic_guest_reevaluate(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	(void)hgei_vsfile_read(HGEI_VS_EIDELIVERY);
	hgei_vsfile_deselect(hstatus);
}

/*
 * Makes QEMU drop a stale hgeip[@line]. QEMU 10.0 updates hgeip with a plain
 * read-modify-write from whichever host thread raises or lowers a guest file's line
 * (target/riscv/cpu.c, riscv_cpu_set_irq), so a lower of one bit on this hart racing
 * an MSI into another of its files from another hart can write the lowered bit back:
 * hgeip[@line] set with nothing pending in the file. QEMU derives the line again only
 * when the file's state changes it (hw/intc/riscv_imsic.c, riscv_imsic_update), and a
 * claim with nothing pending changes nothing, so the bit can outlive the file's use
 * and reach the next vCPU that gets it: that guest takes VS external interrupts it
 * cannot claim (stopei reads 0), in a loop at its vector (issue #13).
 *
 * The remedy pulses the line through a real raise and lower: identity 1 enabled and
 * made pending through eip0, then cleared, with delivery on and no threshold, then
 * the file's configuration put back; again while hgeip[@line] still reads set (the
 * lower can race a raise of another file just as the claim did). Call it on this hart
 * for a file that is off and empty and that no MSI can reach yet (a new vCPU's,
 * before the guest runs), with its line not armed in hgeie (the raise would be taken
 * as an SGEI). Returns the pulses it took (0: the bit was stale after all of them).
 * On hardware it is a handful of harmless CSR writes; firmware built for QEMU calls
 * it when a vCPU gets a file (FW_QUIRK_HGEIP_RELEVEL, platform/qemu-virt/platform.mk).
 * Measured by checks/hgeip_race.c (tests/qemu/quirks.sh): neither a claim with
 * nothing pending, nor an eithreshold write, nor the vCPU's reset of the file clears
 * a stale bit on QEMU 10.0.2; one pulse nearly always does.
 */
#define IMSIC_RELEVEL_TRIES	16

static inline unsigned imsic_guest_relevel(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);
	uint64_t delivery = hgei_vsfile_read(HGEI_VS_EIDELIVERY);
	uint64_t threshold = hgei_vsfile_read(HGEI_VS_EITHRESHOLD);
	uint64_t eie = hgei_vsfile_read(HGEI_VS_EIE0);
	uint64_t eip = hgei_vsfile_read(HGEI_VS_EIP0);
	unsigned tries = 0;

	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, 0);
	hgei_vsfile_write(HGEI_VS_EIE0, eie | 1ULL << 1);
	hgei_vsfile_write(HGEI_VS_EIDELIVERY, 1);
	do {
		hgei_vsfile_write(HGEI_VS_EIP0, eip | 1ULL << 1);	/* raise */
		hgei_vsfile_write(HGEI_VS_EIP0, eip);			/* lower */
	} while ((csr_read(CSR_HGEIP) & 1ULL << line) && ++tries < IMSIC_RELEVEL_TRIES);
	hgei_vsfile_write(HGEI_VS_EIE0, eie);
	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, threshold);
	hgei_vsfile_write(HGEI_VS_EIDELIVERY, delivery);
	hgei_vsfile_deselect(hstatus);
	return tries < IMSIC_RELEVEL_TRIES ? tries + 1 : 0;
}

#endif
