/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What an interrupt file holds, as carried between files: by hgei_move() between two
 * harts' guest files (hgei_vsfile.h), by hgei_promote()/hgei_demote() between a
 * software file (hgei_swfile.h) and a guest file. No CSR access, so the host build
 * includes it too.
 */
#ifndef HGEI_FILE_STATE_H
#define HGEI_FILE_STATE_H

#include <stdint.h>

#define HGEI_VSFILE_MAX_WORDS	32	/* 2048 identities, the AIA maximum */

/* What a guest file holds, for a vCPU that moves to another file. */
struct hgei_vsfile_state {
	uint64_t eidelivery, eithreshold;
	uint64_t eip[HGEI_VSFILE_MAX_WORDS], eie[HGEI_VSFILE_MAX_WORDS];
	unsigned words;			/* 64-identity words in use: ceil(num-ids / 64) */
};

#endif
