/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * M-mode trap dispatch. What reaches M-mode once a hart runs below it: ecalls from HS
 * (SBI), the M software interrupt (IPIs, hart_start of a parked hart is handled in
 * mm_park() without a trap) and the M timer. Everything else is delegated to HS-mode
 * (setup.c), so anything else here is a bug and stops the machine.
 */
#include "mmode.h"

void mm_trap(struct mm_frame *f);

void mm_trap(struct mm_frame *f)
{
	uint64_t mcause = mm_csr_read(CSR_MCAUSE);

	if ((mm_csr_read(CSR_MSTATUS) & MSTATUS_MPP) == MSTATUS_MPP)
		mm_die_trap(f, mcause);	/* from M-mode itself: the frame is not trustworthy */
	switch (mcause) {
	case MCAUSE_IRQ | IRQ_M_SOFT:
		mm_ipi_take(mm_self());
		return;
	case MCAUSE_IRQ | IRQ_M_TIMER:
		mm_timer_fire();
		return;
	case EXC_ECALL_S:
		mm_csr_write(CSR_MEPC, mm_csr_read(CSR_MEPC) + 4);
		mm_sbi_dispatch(f);
		return;
	}
	mm_die_trap(f, mcause);
}
