/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-hart machine-mode set-up, run by every hart before it first leaves M-mode:
 * PMP, trap delegation, counter access and the extension enables HS-mode needs.
 * mtvec is still mm_probe_vector here, so CSRs a hart may lack are written with
 * mm_csr_try_write() and simply stay absent; the last step installs the trap vector
 * the hart keeps once it runs below M (here rather than in mm_enter_s(): the vector
 * reaches SBI and HSM, which call mm_enter_s()).
 */
#include "mmode.h"

/* Exceptions HS-mode handles itself: misaligned and access faults (0-7, so an S access
 * to M memory reports as the runtime's FATAL, scause 5), breakpoint, ecall from U/VU
 * (8) and VS (10), page faults (12, 13, 15), guest page faults (20, 21, 23) and
 * virtual instruction (22). Ecall from HS (9) stays here: that is SBI. */
#define MEDELEG_HS	(0xffUL | 1UL << 8 | 1UL << 10 | 1UL << 12 | 1UL << 13 | 1UL << 15 | \
			 1UL << 20 | 1UL << 21 | 1UL << 22 | 1UL << 23)
/* SSI, STI, SEI; VSSI, VSTI, VSEI and SGEI are read-only one with the H extension but
 * are written anyway for clarity. STI arrives as mip.STIP, set by timer.c. */
#define MIDELEG_HS	(1UL << 1 | 1UL << 5 | 1UL << 9 | 1UL << 2 | 1UL << 6 | 1UL << 10 | \
			 1UL << 12)
/* Smstateen: SE0 (hstateen0/sstateen0), ENVCFG (henvcfg/senvcfg), CSRIND (siselect/
 * sireg and vsiselect/vsireg), AIA (the other AIA state), IMSIC (stopei/vstopei). */
#define MSTATEEN0_HS	(1UL << 63 | 1UL << 62 | 1UL << 60 | 1UL << 59 | 1UL << 58)

void mm_hart_setup(void)
{
	mm_pmp_apply();
	mm_csr_write(CSR_MEDELEG, MEDELEG_HS);
	mm_csr_write(CSR_MIDELEG, MIDELEG_HS);
	/* time, cycle, instret and the hpmcounters readable from HS-mode. */
	mm_csr_try_write(CSR_MCOUNTEREN, ~0UL);
	mm_csr_try_write(CSR_MSTATEEN0, MSTATEEN0_HS);
	/* menvcfg.STCE stays 0: the S timer is SBI set_timer (timer.c), so mip.STIP stays
	 * ours to write. mstatus: MPRV, TVM, TW, TSR all 0 from reset. */
	mm_csr_write(CSR_MIP, 0);
	mm_csr_write(CSR_MIE, MIP_MSIP);
	/* Until mm_enter_s() no trap is expected (mstatus.MIE = 0, wfi wakes without
	 * one); a fault now stops the machine with a report instead of being skipped. */
	mm_csr_write(CSR_MTVEC, (uintptr_t)mm_trap_vector);
}
