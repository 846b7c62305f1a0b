/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running a VS-mode guest on one HGEI line: the recipe of the H extension and the AIA
 * (hstatus.VGEIN selects the guest file the guest's siselect/sireg/stopei reach and
 * whose pending identities raise its VSEI; hideleg bit 10 hands that interrupt to it).
 */
#include <string.h>
#include "imsic.h"
#include "sbi.h"
#include "vcpu.h"

#define HCOUNTEREN_CY_TM_IR 0x7UL
#define VCPU_VMID	1
/* FW_TEST_GUEST_NO_VSEI (tests/qemu/guest.sh) leaves VSEI undelegated: the guest's
 * sie.SEIE write is dropped, it never sees its MSI, and the watchdog must end the
 * stage with a failure. FW_TEST_GUEST_TRAP_LOOP asserts VSEIP through hvip, which
 * no stopei claim can lower: once the guest unmasks, it traps at its vector over and
 * over (what a stale hgeip bit does, see imsic_guest_relevel()), and the stage must
 * report a trap loop. */

uint64_t fw_vcpu_enter(struct fw_vcpu_regs *regs);
void fw_vcpu_stamp_vector(void);

void fw_vcpu_prepare(struct fw_vcpu *v, const struct fw_vcpu_image *image,
		     void *gstage_mem, void *ram)
{
	fw_gstage_init(&v->gs, gstage_mem);
	v->image = image;
	v->ram = ram;
}

/* lib/hgei's wake, through the runtime's ops: runs in this hart's SGEI trap with
 * the line already masked in hgeie, so the guest can be entered without the SGEI
 * being taken again from V = 1. */
static void vcpu_wake(struct fw_owner *o, uint32_t hartid, unsigned line)
{
	struct fw_vcpu *v = fw_container_of(o, struct fw_vcpu, owner);

	if (v->host != fw_self || hartid != fw_self->hartid || line != v->line.line) {
		v->wake_misrouted++;
		return;
	}
	v->wake_instret = v->stamp[0];
	v->wakes++;
	atomic_store_explicit(&v->runnable, 1, memory_order_relaxed);
}

static void guest_file_reset(unsigned line)
{
	uint64_t hstatus = hgei_vsfile_select(line);

	hgei_vsfile_write(HGEI_VS_EIDELIVERY, 0);
	hgei_vsfile_write(HGEI_VS_EITHRESHOLD, 0);
	hgei_vsfile_write(HGEI_VS_EIE0, 0);
	hgei_vsfile_write(HGEI_VS_EIP0, 0);
	csr_write(CSR_HSTATUS, hstatus);
}

/* The image's code pages at their own address, its data page and the guest file
 * where the image says (read/write, never X). */
static int map_guest(struct fw_vcpu *v)
{
	const struct fw_vcpu_image *img = v->image;
	uintptr_t pa = img->code_start & ~(uintptr_t)(VCPU_PAGE_SIZE - 1);
	int err = 0;

	fw_gstage_init(&v->gs, v->gs.root);
	for (; !err && pa < img->code_end; pa += VCPU_PAGE_SIZE)
		err = fw_gstage_map(&v->gs, pa, pa, GSTAGE_R | GSTAGE_X);
	if (!err)
		err = fw_gstage_map(&v->gs, img->ram_gpa, (uintptr_t)v->ram,
				    GSTAGE_R | GSTAGE_W);
	/* No line (fw_vcpu_setup()): no IMSIC page until fw_vcpu_set_line(). */
	if (!err && v->line.line)
		err = fw_gstage_map(&v->gs, img->imsic_gpa, v->line.file_pa,
				    GSTAGE_R | GSTAGE_W);
	return err;
}

/* The H-extension state the guest runs under: nothing of its own trapped or
 * delegated except its external interrupt, counters readable, no VS translation. */
static int enter_hypervisor_state(struct fw_vcpu *v)
{
	csr_write(CSR_HGATP, fw_gstage_hgatp(&v->gs, VCPU_VMID));
	if (csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT != HGATP_SV39X4) {
		csr_write(CSR_HGATP, 0);
		return -HGEI_ENODEV;
	}
	fw_gstage_fence();
	csr_write(CSR_HEDELEG, 0);
#ifndef FW_TEST_GUEST_NO_VSEI
	csr_set(CSR_HIDELEG, HIDELEG_VSEI);
#endif
#ifdef FW_TEST_GUEST_TRAP_LOOP
	csr_write(CSR_HVIP, HVIP_VSEIP);
#else
	csr_write(CSR_HVIP, 0);
#endif
	csr_write(CSR_HCOUNTEREN, HCOUNTEREN_CY_TM_IR);
	csr_write(CSR_VSSTATUS, 0);
	csr_write(CSR_VSIE, 0);
	csr_write(CSR_VSATP, 0);
	return 0;
}

/* What fw_vcpu_create() and fw_vcpu_setup() start with: prepared, owned by @self. */
static int vcpu_begin(struct fw_vcpu *v, struct fw_hart *self)
{
	if (!v->ram || !v->gs.root || !v->image)
		return -HGEI_ENODEV;
	v->owner = (struct fw_owner){ .wake = vcpu_wake };
	v->host = self;
	return 0;
}

/* A fresh guest at @entry with a0..a2 = @args: data page, registers and VS state zeroed. */
static void vcpu_start_at(struct fw_vcpu *v, uint64_t entry, const uint64_t args[3])
{
	memset(v->ram, 0, VCPU_PAGE_SIZE);
	memset(&v->regs, 0, sizeof(v->regs));
	memset(&v->vs, 0, sizeof(v->vs));
	for (int i = 0; i < 3; i++)
		v->regs.gpr[VCPU_REG_A0 + i] = args[i];
	v->pc = entry;
	v->wakes = v->wake_misrouted = 0;
}

int fw_vcpu_create(struct fw_vcpu *v, struct fw_hart *self, uint64_t entry,
		   const uint64_t args[3])
{
	int err = vcpu_begin(v, self);

	if (err)
		return err;
	err = hgei_alloc(&self->hgei, &v->owner, &v->line);
	if (err) {
		fw_printf("vcpu: hart %u: no line: %s\n", self->hartid, hgei_strerror(err));
		return err;
	}
	guest_file_reset(v->line.line);
#ifdef FW_QUIRK_HGEIP_RELEVEL
	/* The file may have been another owner's, whose last claim QEMU can leave as a
	 * stale hgeip bit the guest would loop on (imsic.h). */
	if (!imsic_guest_relevel(v->line.line))
		fw_printf("vcpu: hart %u: line %u: hgeip bit still set after re-levelling\n",
			  self->hartid, v->line.line);
#endif
	err = map_guest(v);
	if (err)
		fw_printf("vcpu: hart %u: G-stage map failed: %s\n", self->hartid,
			  hgei_strerror(err));
	if (!err) {
		err = enter_hypervisor_state(v);
		if (err)
			fw_printf("vcpu: hart %u: hgatp does not take Sv39x4\n", self->hartid);
	}
	if (err) {
		hgei_free(&self->hgei, v->line.line, &v->owner);
		memset(&v->line, 0, sizeof(v->line));
		return err;
	}
	vcpu_start_at(v, entry, args);
	return 0;
}

int fw_vcpu_setup(struct fw_vcpu *v, struct fw_hart *self, uint64_t entry,
		  const uint64_t args[3])
{
	int err = vcpu_begin(v, self);

	if (err)
		return err;
	memset(&v->line, 0, sizeof(v->line));
	err = map_guest(v);
	if (err) {
		fw_printf("vcpu: hart %u: G-stage map failed: %s\n", self->hartid,
			  hgei_strerror(err));
		return err;
	}
	vcpu_start_at(v, entry, args);
	return 0;
}

int fw_vcpu_set_line(struct fw_vcpu *v, const struct hgei_line *line)
{
	uint64_t gpa = v->image->imsic_gpa;
	int err;

	err = fw_gstage_unmap(&v->gs, gpa);
	if (err == -HGEI_ENOENT)
		err = 0;
	if (line && line->line) {
		if (!err)
			err = fw_gstage_map(&v->gs, gpa, line->file_pa, GSTAGE_R | GSTAGE_W);
		v->line = *line;
	} else {
		memset(&v->line, 0, sizeof(v->line));
	}
	/* The old translation must not outlive the change (QEMU flushes on every V
	 * change anyway, see platform facts; hardware needs the fence). */
	fw_gstage_fence();
	return err;
}

void fw_vcpu_load(struct fw_vcpu *v)
{
	/* All vCPUs share VCPU_VMID: the fence drops the previous one's translations. */
	csr_write(CSR_HGATP, fw_gstage_hgatp(&v->gs, VCPU_VMID));
	fw_gstage_fence();
	csr_write(CSR_HEDELEG, 0);
	csr_set(CSR_HIDELEG, HIDELEG_VSEI);	/* before vsie: its SEIE is hie.VSEIE */
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HCOUNTEREN, HCOUNTEREN_CY_TM_IR);
	csr_write(CSR_VSSTATUS, v->vs.vsstatus);
	csr_write(CSR_VSIE, v->vs.vsie);
	csr_write(CSR_VSTVEC, v->vs.vstvec);
	csr_write(CSR_VSSCRATCH, v->vs.vsscratch);
	csr_write(CSR_VSEPC, v->vs.vsepc);
	csr_write(CSR_VSCAUSE, v->vs.vscause);
	csr_write(CSR_VSTVAL, v->vs.vstval);
	csr_write(CSR_VSATP, v->vs.vsatp);
	csr_write(CSR_VSISELECT, v->vs.vsiselect);
}

void fw_vcpu_put(struct fw_vcpu *v)
{
	v->vs.vsstatus = csr_read(CSR_VSSTATUS);
	v->vs.vsie = csr_read(CSR_VSIE);
	v->vs.vstvec = csr_read(CSR_VSTVEC);
	v->vs.vsscratch = csr_read(CSR_VSSCRATCH);
	v->vs.vsepc = csr_read(CSR_VSEPC);
	v->vs.vscause = csr_read(CSR_VSCAUSE);
	v->vs.vstval = csr_read(CSR_VSTVAL);
	v->vs.vsatp = csr_read(CSR_VSATP);
	v->vs.vsiselect = csr_read(CSR_VSISELECT);
}

uint64_t fw_vcpu_run(struct fw_vcpu *v)
{
	uint64_t hstatus, cause;

	/* Masked from here: stvec points at the exit vector until the guest's trap. */
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	hstatus = csr_read(CSR_HSTATUS) &
		  ~(HGEI_HSTATUS_VGEIN_MASK | HSTATUS_VTW | HSTATUS_VTSR | HSTATUS_VTVM);
	/* line 0: VGEIN = 0, the guest's sireg 0x70..0xFF and stopei accesses trap
	 * (virtual instruction, AIA 2.3) for the hypervisor to emulate. */
	csr_write(CSR_HSTATUS, hstatus | HSTATUS_SPV | v->line.hstatus_vgein |
				       (v->trap_wfi ? HSTATUS_VTW : 0));
	/* SPP = 1 enters VS; SPP = 0 would enter VU, where the guest's CSR writes trap. */
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	csr_write(CSR_SEPC, v->pc);
	cause = fw_vcpu_enter(&v->regs);
	v->pc = csr_read(CSR_SEPC);
	v->exit_stval = csr_read(CSR_STVAL);
	v->exit_htval = csr_read(CSR_HTVAL);
	return cause;
}

int fw_vcpu_block(struct fw_vcpu *v, struct fw_hart *self)
{
	int err;

	atomic_store_explicit(&v->runnable, 0, memory_order_relaxed);
	v->stamp[0] = v->wake_instret = 0;
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	v->blocked_stvec = csr_read(CSR_STVEC);
	csr_write(CSR_SSCRATCH, (uintptr_t)v->stamp);
	csr_write(CSR_STVEC, (uintptr_t)fw_vcpu_stamp_vector);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	err = hgei_arm(&self->hgei, v->line.line, &v->owner);
	if (err)
		csr_write(CSR_STVEC, v->blocked_stvec);
	return err;
}

/*
 * Not fw_wait_until(): its timer slices would leave the hart with no timer armed
 * once one fired after the wake, and re-arming on the way into the guest would put an
 * SBI call on the measured path. A timer a second ahead bounds each sleep, so the
 * watchdog is checked about once a second; the one still ahead after the wake is
 * the guest's first slice (had it fired already, the first entry ends at once and
 * the run re-arms it). The check runs masked and wfi still wakes on a pending
 * interrupt, so an SGEI between the check and the wfi is not lost.
 */
bool fw_vcpu_wait(struct fw_vcpu *v, struct fw_hart *self, struct fw_watchdog *wd)
{
	bool woken;

	v->timer_at = fw_time() + fw_timebase_hz;
	sbi_set_timer(v->timer_at);
	for (;;) {
		csr_clear(CSR_SSTATUS, SSTATUS_SIE);
		woken = atomic_load_explicit(&v->runnable, memory_order_relaxed) != 0;
		/* The watchdog only when not woken: the wake's path stays short. */
		if (woken || fw_watchdog_expired(wd, 0))
			break;
		if (fw_time() >= v->timer_at) {
			v->timer_at = fw_time() + fw_timebase_hz;
			sbi_set_timer(v->timer_at);
		}
		__asm__ volatile("wfi");
		csr_set(CSR_SSTATUS, SSTATUS_SIE);
	}
	csr_write(CSR_STVEC, v->blocked_stvec);
	csr_set(CSR_SSTATUS, SSTATUS_SIE);
	if (!woken)
		hgei_disarm(&self->hgei, v->line.line, &v->owner);
	return woken;
}

int fw_vcpu_destroy(struct fw_vcpu *v, struct fw_hart *self)
{
	unsigned line = v->line.line;
	int err;

	if (!line)
		return 0;
	guest_file_reset(line);
	hgei_disarm(&self->hgei, line, &v->owner);
	err = hgei_free(&self->hgei, line, &v->owner);
	csr_write(CSR_HGATP, 0);
	fw_gstage_fence();
	csr_write(CSR_HVIP, 0);
	csr_clear(CSR_HIDELEG, HIDELEG_VSEI);
	csr_clear(CSR_HIE, HIE_VSEIE);
	csr_write(CSR_HSTATUS, csr_read(CSR_HSTATUS) & ~HGEI_HSTATUS_VGEIN_MASK);
	memset(&v->line, 0, sizeof(v->line));
	return err;
}
