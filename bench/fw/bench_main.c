/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every hart of the bench firmware runs instead of the self-test. The boot hart
 * measures alone (the others sleep in bench_contention_serve()), then leads the
 * contention runs, in which the first n harts of the order below take part.
 */
#include "../../firmware/csr.h"
#include "../../firmware/stage.h"
#include "bench_fw.h"

#define BENCH_ORDER_MAX	512

/* The boot hart first, then the other harts that came up, in hartid order. Every
 * hart computes the same order from the same up[] list. */
static uint32_t bench_order(struct fw_hart **up, uint32_t nr_up, struct fw_hart **order,
			    struct fw_hart *self)
{
	uint32_t n = 0, pos = 0;

	for (uint32_t i = 0; i < nr_up && n < BENCH_ORDER_MAX; i++)
		if (up[i]->hartid == fw_boot_hartid)
			order[n++] = up[i];
	for (uint32_t i = 0; i < nr_up && n < BENCH_ORDER_MAX; i++)
		if (up[i]->hartid != fw_boot_hartid)
			order[n++] = up[i];
	while (pos < n && order[pos] != self)
		pos++;
	return pos;
}

void bench_footprint(void)
{
	/* struct hgei_hart is the same size whatever the line count: owners[] always
	 * has room for 63 lines. */
	bench_print("per_hart_bytes_7", sizeof(struct hgei_hart), "bytes");
	bench_print("per_hart_bytes_63", sizeof(struct hgei_hart), "bytes");
}

static void bench_run(struct fw_hart *self, struct fw_hart **up, uint32_t nr_up,
		      uint32_t up_pos)
{
	static struct fw_hart *order[BENCH_ORDER_MAX];
	uint32_t pos = bench_order(up, nr_up, order, self);
	uint32_t nr = nr_up < BENCH_ORDER_MAX ? nr_up : BENCH_ORDER_MAX;

	(void)up_pos;	/* the bench's own order puts the boot hart first */

	/* bench_cpu_relax() moves a timer deadline only while sscratch is set. */
	csr_write(CSR_SSCRATCH, 0);

	/* One boot may run a part only: bench/run.sh times the single operations on 2
	 * harts, contention and the vCPU cycles on more, each in a boot of its own (see
	 * there why). A phase given no harts only releases the others. */
#if defined(FW_BENCH_OPS_ONLY) || defined(FW_BENCH_VCPU_ONLY)
	uint32_t ncont = 0;
#else
	uint32_t ncont = nr;
#endif
#if defined(FW_BENCH_OPS_ONLY) || defined(FW_BENCH_CONTENTION_ONLY)
	uint32_t nvcpu = 0;
#else
	uint32_t nvcpu = nr;
#endif

	if (self->hartid != fw_boot_hartid) {
		bench_contention_serve(order, ncont, pos);
		bench_vcpu_serve(order, nvcpu, pos);
		return;
	}
	fw_printf("bench: harts=%u boot=%u\n", nr_up, self->hartid);
	bench_footprint();
	if (self->lines <= 0 || (nr > 1 && order[1]->lines <= 0)) {
		fw_printf("bench: needs lines on every hart\n");
		bench_contention_coordinate(order, 0);
		bench_vcpu_coordinate(order, 0);
		return;
	}
#if !defined(FW_BENCH_CONTENTION_ONLY) && !defined(FW_BENCH_VCPU_ONLY)
	bench_ops(self, nr > 1 ? order[1] : NULL);
	bench_sgei(self);
	bench_swfile(self);
	bench_discovery();
#endif
	bench_contention_coordinate(order, ncont);
	bench_vcpu_coordinate(order, nvcpu);
	fw_printf("bench: done\n");
}

/* The bench build links no other stage: it replaces the self-test. */
static const struct fw_stage bench_stage = {
	.name = "bench",
	.run = bench_run,
};
FW_STAGE(90, bench_stage);
