/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart: checks the devicetree, finds every cpu and every hart's IMSIC slot
 * (one discovery pass), prepares each hart's stack, TLS and state, and starts the
 * others through SBI HSM.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "fw.h"
#include "stage.h"
#include "sbi.h"

struct hgei_dt_table fw_dt;

#define FW_DT_MAX_ERRORS	64

static int cmp_hartid(const void *a, const void *b)
{
	const struct fw_hart *x = a, *y = b;

	return x->hartid < y->hartid ? -1 : x->hartid > y->hartid;
}

/*
 * The devicetree, read once: discovery (lib/hgei/dt) fills fw_dt with every hart's
 * IMSIC slot and lists the cpu nodes of /cpus it walked on the way (fw_dt.cpus), so
 * the runtime does not walk /cpus again. Every dt error is printed with its node path.
 */
static void discover(const void *dtb)
{
	char path[128];
	int err;

	int nr_cpus = hgei_dt_count_cpus(dtb, fdt_totalsize(dtb));

	if (nr_cpus < 0)
		fw_fatal("devicetree: cannot count cpus: %s\n", hgei_strerror(nr_cpus));
	fw_dt.max_harts = fw_dt.max_cpus = (uint32_t)nr_cpus;
	fw_dt.harts = fw_heap_alloc(fw_dt.max_harts * sizeof(*fw_dt.harts), 16);
	fw_dt.cpus = fw_heap_alloc(fw_dt.max_cpus * sizeof(*fw_dt.cpus), 16);
	fw_dt.max_errors = FW_DT_MAX_ERRORS;
	fw_dt.errors = fw_heap_alloc(fw_dt.max_errors * sizeof(*fw_dt.errors), 16);
	err = hgei_dt_discover(dtb, fdt_totalsize(dtb), &fw_dt);
	for (uint32_t i = 0; i < fw_dt.nr_errors; i++) {
		const struct hgei_dt_error *e = &fw_dt.errors[i];

		if (e->node < 0 || fdt_get_path(dtb, e->node, path, sizeof(path)))
			strcpy(path, "(devicetree)");
		if (e->hartid == HGEI_DT_NO_HART)
			fw_printf("dt error: %s: %s (%s)\n", path, e->message,
				  hgei_strerror(e->code));
		else
			fw_printf("dt error: %s: hart %u: %s (%s)\n", path, e->hartid,
				  e->message, hgei_strerror(e->code));
	}
	if (fw_dt.nr_errors_dropped)
		fw_printf("dt error: %u more errors not shown\n", fw_dt.nr_errors_dropped);
	if (err == -HGEI_EBADF)
		fw_fatal("devicetree rejected by discovery\n");
}

/*
 * The runtime's harts: every enabled cpu discovery found in /cpus (a usable reg,
 * status okay; a cpu without a usable reg was reported as a dt error), sorted by
 * hartid, each with its discovered IMSIC slot if it has one.
 */
static void collect_cpus(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < fw_dt.nr_cpus; i++)
		n += fw_dt.cpus[i].enabled;
	if (!n)
		fw_fatal("devicetree: no enabled cpu with a usable reg in /cpus\n");
	fw_harts = fw_heap_alloc((size_t)n * sizeof(*fw_harts), 64);
	for (uint32_t i = 0; i < fw_dt.nr_cpus; i++)
		if (fw_dt.cpus[i].enabled)
			fw_harts[fw_nr_harts++].hartid = fw_dt.cpus[i].hartid;
	qsort(fw_harts, fw_nr_harts, sizeof(*fw_harts), cmp_hartid);
	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		fw_harts[i].index = i;
		if (i && fw_harts[i].hartid == fw_harts[i - 1].hartid)
			fw_fatal("/cpus: hartid %u appears twice\n", fw_harts[i].hartid);
		fw_harts[i].dt = hgei_dt_find(&fw_dt, fw_harts[i].hartid);
	}
}

static void start_harts(void)
{
	size_t tls_size = fw_tls_size(), tls_align = fw_tls_align();

	for (uint32_t i = 0; i < fw_nr_harts; i++) {
		struct fw_hart *h = &fw_harts[i];
		void *tls;

		if (h->hartid == fw_boot_hartid)
			continue;
		h->stack_top = (uintptr_t)fw_heap_alloc(FW_STACK_SIZE, 16) + FW_STACK_SIZE;
		tls = fw_heap_alloc(tls_size ? tls_size : 1, tls_align);
		fw_tls_init(tls);
		h->tls = (uintptr_t)tls;
		h->state = FW_HART_STARTING;
		/* hart_start is the release point: everything written above, and the boot
		 * hart's earlier writes (fw_harts, fw_dt), are visible to the started hart. */
		h->start_err = sbi_hart_start(h->hartid, (uintptr_t)fw_secondary_entry,
					      (uintptr_t)h);
		if (h->start_err) {
			h->state = FW_HART_FAILED;
			fw_printf("boot: hart %u: SBI hart_start failed (%ld)\n", h->hartid,
				  h->start_err);
		}
	}
}

void fw_boot_main(unsigned long hartid, const void *dtb)
{
	extern char fw_boot_tls[];
	struct fw_hart *self;
	int err;

	fw_console_init();
	fw_printf("hartgei: boot hart %lu, devicetree at %p\n", hartid, dtb);
	err = fdt_check_header(dtb);
	if (err)
		fw_fatal("devicetree at %p: %s\n", dtb, fdt_strerror(err));
	fw_boot_hartid = hartid;
	fw_heap_init(dtb);
	discover(dtb);
	collect_cpus();
	self = fw_hart_by_id(hartid);
	if (!self)
		fw_fatal("boot hart %lu is not an enabled cpu in /cpus\n", hartid);
	self->tls = (uintptr_t)fw_boot_tls;
	fw_self = self;
	fw_trap_init();
	fw_printf("hartgei: %u harts in /cpus, %u with an S-level IMSIC\n", fw_nr_harts,
		  fw_dt.nr_harts);
	fw_for_each_stage(st)
		if ((*st)->alloc)
			(*st)->alloc();
	start_harts();
	fw_hart_main(hartid, self);
}
