/* SPDX-License-Identifier: BSD-2-Clause */
/* Trap dispatch for the runtime (V = 0): SGEI to lib/hgei, IPIs, the wait timer. */
#include "csr.h"
#include "fw.h"
#include "sbi.h"

void fw_trap(uint64_t scause)
{
	struct fw_hart *self = fw_self;

	/* The SGEI first, in one compare: it is the path a guest's wake-up waits on. */
	if (scause == (SCAUSE_IRQ | IRQ_SGEI)) {
		hgei_handle_sgei(&self->hgei);
		return;
	}
	if (scause & SCAUSE_IRQ) {
		switch (scause & ~SCAUSE_IRQ) {
		case IRQ_S_SOFT:
			/* An IPI: a remote arm/disarm or a wake-up from a wfi loop. */
			csr_clear(CSR_SIP, SIP_SSIP);
			if (self->lines > 0)
				hgei_sync(&self->hgei);
			return;
		case IRQ_S_TIMER:
			/* Only wakes a wfi loop, which re-arms the timer if it still waits. */
			sbi_set_timer(UINT64_MAX);
			return;
		}
	}
	fw_fatal("hart %u: unexpected trap scause %#lx sepc %#lx stval %#lx\n",
		 self ? self->hartid : ~0U, (unsigned long)scause,
		 (unsigned long)csr_read(CSR_SEPC), (unsigned long)csr_read(CSR_STVAL));
}
