/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Traps during the contention and vCPU runs (bench_vector.S). An SGEI goes to the
 * SGEI handler of the design under test, so each design's own lines are looked up
 * (the runtime's fw_trap() knows lib/hgei only); everything else goes to fw_trap()
 * (a kick: hgei_sync()). Every design pays the same for this detour: hgei too is
 * reached through its table entry.
 */
#include "../../firmware/csr.h"
#include "../../firmware/sbi.h"
#include "bench_fw.h"
#include "bench_relax.h"

_Thread_local const struct bench_impl *bench_trap_impl;
_Thread_local void *bench_trap_hart;
_Thread_local const struct hgei_ops *bench_trap_ops;
static _Thread_local bool pacing;

void bench_trap(uint64_t scause)
{
	/* A hart that takes a kick while its remote calls wait moves its -icount slice
	 * deadline on too (bench_relax.h): a waiter inside lib/hgei cannot. */
	bench_cpu_relax();
	if (scause == (SCAUSE_IRQ | IRQ_SGEI) && bench_trap_impl) {
		bench_trap_impl->sgei(bench_trap_hart, bench_trap_ops);
		return;
	}
	if (scause == (SCAUSE_IRQ | IRQ_S_TIMER) && pacing) {
		sbi_set_timer(csr_read(CSR_TIME) + BENCH_PACER_TICKS);
		return;
	}
	fw_trap(scause);
}

/*
 * The pacer: a hart that takes part in no run and keeps a timer deadline at most
 * BENCH_PACER_TICKS ahead for the whole phase, waking for it in a trap that sets the
 * next (about 300 instructions, every 20,000: 1.5% of every window, for every design
 * alike). The participants' own deadlines (bench_relax.h) keep QEMU's slices short
 * while they run; but a hart spinning inside lib/hgei's remote call, or in the
 * M-mode layer's SBI IPI (about 700 instructions), moves none, and once every
 * participant's deadline has passed QEMU's next deadline was an idle hart's 50 ms
 * wait timer: one hart then ran a slice of up to a million instructions, spinning,
 * before the hart it waited for got its turn. The pacer's deadline caps a slice at
 * BENCH_PACER_TICKS * 100 / vCPUs instructions (312 with 64 vCPUs).
 */
static bool over_set(void *arg)
{
	return atomic_load_explicit((_Atomic uint32_t *)arg, memory_order_acquire);
}

void bench_pacer(_Atomic uint32_t *over)
{
	bench_trap_install();
	pacing = true;
	sbi_set_timer(csr_read(CSR_TIME) + BENCH_PACER_TICKS);
	for (;;) {
		/* Masked check, then wfi, as fw_wait_until(): a kick is not lost. */
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		if (over_set(over))
			break;
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
	pacing = false;
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
}

void bench_trap_install(void)
{
	csr_write(CSR_STVEC, (uintptr_t)bench_trap_vector);
}
