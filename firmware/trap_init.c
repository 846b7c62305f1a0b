/* SPDX-License-Identifier: BSD-2-Clause */
/* Points this hart's traps at the runtime's vector (trap_vector.S, which calls
 * fw_trap()) and takes IPIs and the wait timer; SGEI is lib/hgei's to enable. */
#include "csr.h"
#include "fw.h"

void fw_trap_init(void)
{
	csr_write(CSR_STVEC, (uintptr_t)fw_trap_vector);
	csr_set(CSR_SIE, SIE_SSIE | SIE_STIE);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}
