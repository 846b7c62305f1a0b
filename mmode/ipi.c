/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SBI IPI through the ACLINT MSWI: a sender marks the target's S-level IPI as owed and
 * raises its msip; the target's M soft interrupt clears msip and, if an IPI is owed,
 * sets mip.SSIP for HS-mode. Lock-free: the owed flag is an exchange, and the target
 * clears msip before taking the flag, so a send that races with the take re-raises
 * msip and is taken on the next trap.
 */
#include "mmode.h"

void mm_msip_write(struct mm_hart *h, uint32_t v)
{
	/* Orders this hart's earlier memory writes (the owed flag, an HSM mailbox, the S
	 * caller's data) before the device write that wakes the target. */
	__asm__ volatile("fence w, o" ::: "memory");
	*h->msip = v;
}

static void post(struct mm_hart *self, struct mm_hart *h)
{
	if (h == self) {
		mm_csr_set(CSR_MIP, MIP_SSIP);
		return;
	}
	/* Release: what the sender wrote before send_ipi is visible to the taker. */
	atomic_store_explicit(&h->ipi, 1, memory_order_release);
	mm_msip_write(h, 1);
}

static int started(const struct mm_hart *h)
{
	return h->msip && atomic_load_explicit(&h->hsm, memory_order_relaxed) == MM_HSM_STARTED;
}

long mm_ipi_send(unsigned long mask, unsigned long base)
{
	struct mm_hart *self = mm_self();

	if (base == -1UL) {
		for (unsigned long i = 0; i < MM_MAX_HARTS; i++)
			if (started(&mm_harts[i]))
				post(self, &mm_harts[i]);
		return SBI_SUCCESS;
	}
	/* Check every target before sending to any. The loops end at the mask's
	 * highest bit: a kick is (mask 1, base hartid), one pass each, where
	 * scanning all 64 bits twice cost it about 800 instructions. */
	for (unsigned long i = 0, m = mask; m; i++, m >>= 1) {
		const struct mm_hart *h = mm_hart(base + i);

		if ((m & 1) && (base + i < base || !h || !h->msip))
			return SBI_ERR_INVALID_PARAM;
	}
	for (unsigned long i = 0, m = mask; m; i++, m >>= 1)
		if (m & 1)
			post(self, &mm_harts[base + i]);
	return SBI_SUCCESS;
}

void mm_ipi_take(struct mm_hart *self)
{
	mm_msip_write(self, 0);
	__asm__ volatile("fence iorw, iorw" ::: "memory");
	if (atomic_exchange_explicit(&self->ipi, 0, memory_order_acquire))
		mm_csr_set(CSR_MIP, MIP_SSIP);
}
