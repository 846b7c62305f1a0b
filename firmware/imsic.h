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

#endif
