/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI set_timer on the ACLINT mtimer: this hart's mtimecmp raises MTIP, which is
 * handed down as STIP. Only the hart itself touches its mtimecmp and mie/mip bits.
 */
#include "mmode.h"

void mm_timer_set(struct mm_hart *self, uint64_t when)
{
	mm_csr_clear(CSR_MIP, MIP_STIP);
	*self->mtimecmp = when;
	/* A deadline already past raises MTIP at once: the trap comes right after mret. */
	mm_csr_set(CSR_MIE, MIP_MTIP);
}

void mm_timer_fire(void)
{
	/* MTIP stays high until the next set_timer moves mtimecmp: mask it meanwhile. */
	mm_csr_clear(CSR_MIE, MIP_MTIP);
	mm_csr_set(CSR_MIP, MIP_STIP);
}
