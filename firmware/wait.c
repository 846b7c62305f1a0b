/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sleeping until something another hart does becomes visible. Idle harts must sit in
 * wfi: QEMU runs every emulated hart on two host cores, and a spinning hart starves
 * the ones doing work.
 */
#include <stdbool.h>
#include "csr.h"
#include "fw.h"
#include "sbi.h"

/* Ticks of the time CSR per second; the boot hart reads it from /cpus. */
uint64_t fw_timebase_hz = 10000000;

uint64_t fw_time(void)
{
	return csr_read(CSR_TIME);
}

/*
 * Waits until cond(arg) holds or the time CSR passes @deadline. The condition is
 * checked with interrupts masked and wfi still wakes on a pending interrupt, so an
 * IPI sent between the check and the wfi is not lost; unmasking then takes it.
 * A timer bounds each sleep in case the waker's IPI never comes.
 */
bool fw_wait_until(bool (*cond)(void *), void *arg, uint64_t deadline)
{
	const uint64_t slice = fw_timebase_hz / 20;

	for (;;) {
		uint64_t now;

		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		if (cond(arg)) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			return true;
		}
		now = fw_time();
		if (now >= deadline) {
			csr_set(CSR_SSTATUS, SSTATUS_SIE);
			return false;
		}
		sbi_set_timer(now + slice < deadline ? now + slice : deadline);
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
}

/* Wakes every hart from its wait loop (SBI: hart_mask_base -1 means all harts). */
void fw_kick_all(void)
{
	sbi_send_ipi(0, -1UL);
}
