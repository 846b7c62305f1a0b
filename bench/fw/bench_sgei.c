/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SGEI cost on the boot hart, with a real MSI: the hart writes an identity into one
 * of its own guest files, whose line it armed, and takes the SGEI right after the
 * store (the runtime's 16-register vector, fw_trap, hgei_handle_sgei).
 *   sgei_store_to_callback: from the store to the first instruction of the owner's
 *     wake callback (bench_wake.S stamps instret there);
 *   trap_roundtrip: from the store to the instruction after it, i.e. the whole trap
 *     with one pending line, sret included.
 */
#include "../../firmware/csr.h"
#include "../../firmware/imsic.h"
#include "bench_fw.h"

#define BENCH_MSI_ID	5

struct stamp_owner {
	uint64_t stamp;		/* written by bench_wake_stamp */
};

void bench_wake_stamp(void *owner, uint32_t hartid, unsigned line);

static const struct hgei_ops bench_sgei_ops = {
	.wake = bench_wake_stamp,
};

static void guest_file_enable(unsigned line, bool on)
{
	hgei_vsfile_setup_one(line, on ? BENCH_MSI_ID : 0);
}

static unsigned guest_file_claim(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);
	unsigned id = hgei_vsfile_claim();

	csr_write(CSR_HSTATUS, hstatus);
	return id;
}

void bench_sgei(struct fw_hart *self)
{
	uint64_t cb[BENCH_RUNS], rt[BENCH_RUNS], o = bench_overhead();
	struct hgei_hart *h = &self->hgei;
	struct stamp_owner own = { 0 };
	struct hgei_line l;
	unsigned bad = 0;
	int lines;

	/* Re-register the hart with the stamping callback as its wake hook. */
	hgei_hart_offline(h);
	lines = hgei_hart_init(h, self->hartid, self->dt->dt_guest_files, self->dt->slot_pa,
			       &bench_sgei_ops);
	if (lines <= 0 || hgei_alloc(h, &own, &l)) {
		fw_printf("bench: sgei: no line on hart %u\n", self->hartid);
		return;
	}
	guest_file_enable(l.line, true);
	for (unsigned r = 0; r < BENCH_RUNS; r++) {
		volatile uint32_t *file = (volatile uint32_t *)(uintptr_t)l.file_pa;
		uint64_t t0, t1;

		own.stamp = 0;
		bad += hgei_arm(h, l.line, &own) != 0;
		/* One asm block, so nothing lands between the reads and the store. */
		__asm__ volatile("csrr %0, instret\n\t"
				 "sw %3, 0(%2)\n\t"
				 "csrr %1, instret"
				 : "=&r"(t0), "=&r"(t1)
				 : "r"(file), "r"(BENCH_MSI_ID)
				 : "memory");
		bad += !own.stamp || guest_file_claim(l.line) != BENCH_MSI_ID;
		cb[r] = own.stamp - t0;
		rt[r] = t1 - t0;
	}
	guest_file_enable(l.line, false);
	bad += hgei_free(h, l.line, &own) != 0;
	bench_print("sgei_store_to_callback_instr", bench_median(cb, BENCH_RUNS) - o,
		    "instructions");
	bench_print("trap_roundtrip_instr", bench_median(rt, BENCH_RUNS) - o, "instructions");
	bench_print("sgei_errors", bad, "runs");
}
