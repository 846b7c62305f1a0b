/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The smallest hypervisor-shaped user of an installed lib/hgei: on the boot hart,
 * discover this hart's IMSIC from the devicetree, bring the hart online, give one
 * guest interrupt file to a "vCPU", arm its line as if the vCPU were blocked, send
 * that file an MSI and let the SGEI wake the vCPU, which claims the interrupt.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <libfdt.h>
#include "hgei.h"
#include "hgei_dt.h"
#include "hgei_port.h"
#include "hgei_vsfile.h"
/* The installed encodings under their usual names (CSR_SCAUSE, IRQ_SGEI, ...). */
#define HGEI_ENC_SHORT_NAMES
#include "hgei_riscv_enc.h"

#define MAX_CPUS	512
#define MSI_ID		5		/* the identity the vCPU's device sends */
#define SCAUSE_SGEI	(SCAUSE_IRQ | IRQ_SGEI)
#define TEST_DEVICE	0x100000UL	/* QEMU virt's sifive_test: exit codes */

#define csr_read(c)	hgei_csr_read(c)

struct vcpu {
	unsigned line;
	volatile bool woken;
	volatile unsigned claimed;
};

static uint32_t my_hartid;
static struct hgei_hart hart;
static struct hgei_dt_hart dt_harts[MAX_CPUS];
static struct hgei_dt_cpu dt_cpus[MAX_CPUS];
static struct hgei_dt_error dt_errors[8];

static long sbi_call(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1)
{
	register unsigned long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1;
	register unsigned long r6 __asm__("a6") = fid, r7 __asm__("a7") = eid;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r6), "r"(r7) : "memory");
	return (long)r0;
}

static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++)
		sbi_call(0x01, 0, (unsigned char)*p, 0);	/* legacy putchar */
}

static void __attribute__((noreturn)) finish(bool ok)
{
	say("example: %s\n", ok ? "PASS" : "FAIL");
	if (!ok)
		*(volatile uint32_t *)TEST_DEVICE = 1 << 16 | 0x3333;
	sbi_call(0x53525354, 0, 0, 0);			/* SRST shutdown */
	for (;;)
		__asm__ volatile("wfi");
}

/* The port layer (include/hgei_port.h): one hart, so no kick is ever needed. */
uint32_t hgei_port_hartid(void) { return my_hartid; }
void hgei_port_kick(uint32_t hartid) { (void)hartid; }

void hgei_port_log(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("%s\n", buf);
}

/* The SGEI found our line pending: the vCPU would be made runnable; here it claims. */
static void vcpu_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct vcpu *v = owner;
	uint64_t hstatus = hgei_vsfile_select(line);

	v->claimed = hgei_vsfile_claim();
	hgei_vsfile_deselect(hstatus);
	v->woken = hartid == my_hartid && line == v->line;
}

static const struct hgei_ops ops = { .wake = vcpu_wake };

void __attribute__((interrupt("supervisor"), aligned(4))) trap_entry(void)
{
	unsigned long scause = csr_read(CSR_SCAUSE);

	if (scause == SCAUSE_SGEI) {
		hgei_handle_sgei(&hart);
		return;
	}
	say("example: unexpected trap scause %#lx sepc %#lx\n", scause, csr_read(CSR_SEPC));
	finish(false);
}

void example_main(unsigned long hartid, const void *dtb)
{
	struct hgei_dt_table t = {
		.harts = dt_harts, .max_harts = MAX_CPUS, .cpus = dt_cpus, .max_cpus = MAX_CPUS,
		.errors = dt_errors, .max_errors = 8,
	};
	const struct hgei_dt_hart *me;
	struct vcpu vcpu = { 0 };
	struct hgei_line l;
	unsigned long deadline;
	int n, err;

	my_hartid = (uint32_t)hartid;
	err = hgei_dt_discover(dtb, fdt_totalsize(dtb), &t);
	me = hgei_dt_find(&t, my_hartid);
	say("example: hart %lu, %u harts in the devicetree (%s)\n", hartid, t.nr_harts,
	    hgei_strerror(err));
	if (!me)
		finish(false);

	n = hgei_hart_init(&hart, my_hartid, me->dt_guest_files, me->slot_pa, &ops);
	if (n <= 0) {
		say("example: no usable line (%d)\n", n);
		finish(false);
	}
	err = hgei_alloc(&hart, &vcpu, &l);
	if (err)
		finish(false);
	vcpu.line = l.line;
	say("example: vCPU got line %u, guest file %#lx\n", l.line, (unsigned long)l.file_pa);

	/* What a hypervisor does when it loads the vCPU's interrupt file: deliver, no
	 * threshold, the device's identity enabled. */
	struct hgei_vsfile_state file = { .eidelivery = 1, .eie[0] = 1UL << MSI_ID, .words = 1 };

	hgei_vsfile_load(l.line, &file);

	/* The vCPU blocks: arm its line, then its device sends an MSI. */
	if (hgei_arm(&hart, l.line, &vcpu))
		finish(false);
	__asm__ volatile("csrs sstatus, %0" :: "r"(1UL << 1));	/* SIE */
	hgei_msi_send(l.file_pa, MSI_ID);

	deadline = csr_read(CSR_TIME) + 10000000;			/* about 1 s of time */
	while (!vcpu.woken && csr_read(CSR_TIME) < deadline)
		__asm__ volatile("wfi");
	say("example: woken=%d claimed identity %u\n", vcpu.woken, vcpu.claimed);

	err = hgei_free(&hart, l.line, &vcpu);
	finish(vcpu.woken && vcpu.claimed == MSI_ID && !err &&
	       hgei_free(&hart, l.line, &vcpu) == -HGEI_EINVAL);
}
