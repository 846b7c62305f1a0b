/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI HSM: harts below M-mode are started from a per-hart mailbox. Any hart may start
 * any other, so the mailbox is claimed with a CAS (STOPPED -> CLAIMED), filled, then
 * published with a release store of START_PENDING; the target, sleeping in mm_park(),
 * reads it after an acquire load. No lock: two starters of one hart race only on the
 * CAS, and the loser gets ALREADY_AVAILABLE.
 */
#include "mmode.h"

long mm_hsm_start(unsigned long hartid, uintptr_t addr, uintptr_t opaque)
{
	struct mm_hart *h = mm_hart(hartid);
	uint32_t expect = MM_HSM_STOPPED;

	if (!h || !h->msip)
		return SBI_ERR_INVALID_PARAM;
	if (!mm_s_range_ok(addr, 4))
		return SBI_ERR_INVALID_ADDRESS;
	if (!atomic_compare_exchange_strong_explicit(&h->hsm, &expect, MM_HSM_CLAIMED,
						     memory_order_acquire, memory_order_relaxed))
		return SBI_ERR_ALREADY_AVAILABLE;
	h->start_addr = addr;
	h->opaque = opaque;
	/* Release: the mailbox, and everything the caller wrote before hart_start. */
	atomic_store_explicit(&h->hsm, MM_HSM_START_PENDING, memory_order_release);
	mm_msip_write(h, 1);
	return SBI_SUCCESS;
}

long mm_hsm_status(unsigned long hartid, long *state)
{
	struct mm_hart *h = mm_hart(hartid);

	if (!h || !h->msip)
		return SBI_ERR_INVALID_PARAM;
	switch (atomic_load_explicit(&h->hsm, memory_order_relaxed)) {
	case MM_HSM_STARTED:
		*state = SBI_HSM_STARTED;
		break;
	case MM_HSM_STOPPED:
		*state = SBI_HSM_STOPPED;
		break;
	default:
		*state = SBI_HSM_START_PENDING;
		break;
	}
	return SBI_SUCCESS;
}

void mm_hsm_stop(void)
{
	struct mm_hart *self = mm_self();

	mm_csr_write(CSR_MIE, MIP_MSIP);
	mm_csr_clear(CSR_MIP, MIP_SSIP | MIP_STIP);
	atomic_store_explicit(&self->hsm, MM_HSM_STOPPED, memory_order_release);
	/* From inside a trap: drop the trap frame and park on the clean top of this hart's
	 * trap stack (mscratch). Here, not in a .S of its own: that would call mm_park()
	 * back in this file. */
	__asm__ volatile("csrr sp, mscratch\n\tj mm_park" ::: "memory");
	__builtin_unreachable();
}

/*
 * Sleeps in wfi (mie = MSIE, mstatus.MIE = 0: msip wakes the hart without a trap)
 * until a hart_start for this hart is published, then enters HS-mode there.
 */
void mm_park(void)
{
	unsigned long hartid = mm_csr_read(CSR_MHARTID);
	struct mm_hart *self = mm_self();
	uintptr_t addr, opaque;

	mm_csr_write(CSR_MIE, MIP_MSIP);
	for (;;) {
		/* Clear msip before looking: a start published after the look re-raises it. */
		if (self->msip)
			mm_msip_write(self, 0);
		__asm__ volatile("fence iorw, iorw" ::: "memory");
		if (atomic_load_explicit(&self->hsm, memory_order_acquire) == MM_HSM_START_PENDING)
			break;
		__asm__ volatile("wfi");
	}
	addr = self->start_addr;
	opaque = self->opaque;
	/* IPIs sent while the hart was stopped are void. */
	atomic_store_explicit(&self->ipi, 0, memory_order_relaxed);
	atomic_store_explicit(&self->hsm, MM_HSM_STARTED, memory_order_relaxed);
	mm_enter_s(addr, hartid, opaque);
}
