/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A minimal vCPU as a hypervisor would run one: a VS-mode guest on one HGEI line of
 * its hart (hstatus.VGEIN), its own G-stage tables, and the blocked path (line armed
 * while the vCPU is out, woken by lib/hgei's SGEI dispatch). fw_vcpu_create() gives a
 * vCPU a line for good, one vCPU per hart. For more vCPUs than lines (issue 17) a
 * vCPU is set up without one (fw_vcpu_setup()), gets and loses lines as it is
 * promoted and demoted (fw_vcpu_set_line()), and shares the hart with others in turn
 * (fw_vcpu_load() / fw_vcpu_put() around its runs). Every function runs on the
 * vCPU's hart.
 */
#ifndef FW_VCPU_H
#define FW_VCPU_H

#include <stdatomic.h>
#include <stdint.h>
#include "fw.h"
#include "gstage.h"

/* Saved by vcpu_switch.S, which hard-codes these offsets. */
struct fw_vcpu_regs {
	uint64_t gpr[32];		/* the guest's x0..x31 */
	uint64_t host[16];		/* the runtime's ra, sp, gp, tp, s0..s11 */
	uint64_t host_stvec;
};
_Static_assert(__builtin_offsetof(struct fw_vcpu_regs, host) == 256, "vcpu_switch.S");
_Static_assert(__builtin_offsetof(struct fw_vcpu_regs, host_stvec) == 384, "vcpu_switch.S");

#define VCPU_REG_A0	10
#define VCPU_PAGE_SIZE	4096

/*
 * The guest a vCPU runs and its guest-physical layout: code pages [code_start,
 * code_end) mapped at their own address (the guest is linked into the firmware), one
 * data page at ram_gpa, the vCPU's guest interrupt file at imsic_gpa.
 */
struct fw_vcpu_image {
	uintptr_t code_start, code_end;
	uint64_t ram_gpa, imsic_gpa;
};

/* The VS-mode CSRs a guest owns, kept while it is out so vCPUs can take turns on a
 * hart (fw_vcpu_load() / fw_vcpu_put()). vsie's SEIE is hie.VSEIE while hideleg
 * delegates VSEI (H extension, "Hypervisor Interrupt Registers"): it is per vCPU. */
struct fw_vcpu_vs {
	uint64_t vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	uint64_t vsiselect;		/* AIA 2.3: the guest's siselect, a real CSR */
};

struct fw_vcpu {
	struct fw_owner owner;		/* lib/hgei's owner pointer; its wake hook finds us */
	const struct fw_vcpu_image *image;
	struct fw_hart *host;		/* the hart whose line it holds */
	struct fw_vcpu_regs regs;
	uint64_t pc;			/* where the guest resumes */
	struct fw_gstage gs;
	void *ram;			/* host address of the guest's data page */
	struct hgei_line line;		/* line.line == 0: no line held */
	/* Set by the wake hook in this hart's SGEI trap, read by this hart's wait loop:
	 * the same hart, so relaxed; atomic so the loop re-reads it after the trap. */
	_Atomic uint32_t runnable;
	uint32_t wakes;			/* wake hook calls for this vCPU */
	uint32_t wake_misrouted;	/* wake hook calls naming another hart or line */
	uint64_t stamp[2];		/* fw_vcpu_stamp_vector's slot: instret, spill */
	uint64_t wake_instret;		/* the stamp of the SGEI trap that woke us */
	uint64_t blocked_stvec;		/* stvec to put back when the wait ends */
	uint64_t exit_stval, exit_htval; /* of the last exit */
	uint64_t timer_at;		/* the HS timer fw_vcpu_wait() left armed */
	struct fw_vcpu_vs vs;		/* while out (fw_vcpu_put) */
	bool trap_wfi;			/* hstatus.VTW: the guest's wfi traps (scause 22) */
};

/** Boot hart, at boot: gives @v its guest @image, its G-stage memory and its guest
 * data page (VCPU_PAGE_SIZE bytes). */
void fw_vcpu_prepare(struct fw_vcpu *v, const struct fw_vcpu_image *image,
		     void *gstage_mem, void *ram);

/**
 * Takes a line of @self for @v, resets its guest file, maps the guest's code, data
 * page and IMSIC page, and sets the guest up to start at @entry with a0..a2 = @args.
 * Returns 0 or a negative HGEI error (logged, naming the hart); then holds nothing.
 */
int fw_vcpu_create(struct fw_vcpu *v, struct fw_hart *self, uint64_t entry,
		   const uint64_t args[3]);

/**
 * Sets @v up on @self without a line (hstatus.VGEIN = 0 when it runs): maps the
 * guest's code and data page but no IMSIC page, resets its registers and VS state,
 * and makes it start at @entry with a0..a2 = @args. Touches no CSR: fw_vcpu_load()
 * does before each run. Returns 0 or the G-stage map's error.
 */
int fw_vcpu_setup(struct fw_vcpu *v, struct fw_hart *self, uint64_t entry,
		  const uint64_t args[3]);

/**
 * @v (out, set up by fw_vcpu_setup()) now holds @line (from hgei_promote()) or none
 * (@line NULL or line 0, after hgei_demote()): maps the guest's IMSIC page onto the
 * line's guest file, or unmaps it, and fences the G-stage. The next fw_vcpu_run()
 * sets VGEIN from it. Returns 0 or the G-stage's error.
 */
int fw_vcpu_set_line(struct fw_vcpu *v, const struct hgei_line *line);

/** Puts @v's G-stage, VS-mode CSRs and H delegation on this hart, hvip 0: before
 * its runs when vCPUs take turns. */
void fw_vcpu_load(struct fw_vcpu *v);

/** Saves @v's VS-mode CSRs after its runs, so another vCPU can be loaded. */
void fw_vcpu_put(struct fw_vcpu *v);

/** Runs the guest until its next trap into HS; returns that scause. Interrupts are
 * left masked (sstatus.SIE = 0): the caller handles the exit, then unmasks. */
uint64_t fw_vcpu_run(struct fw_vcpu *v);

/** Blocks @v: arms its line so an MSI to its guest file wakes it (SGEI), and stamps
 * instret on every HS trap until fw_vcpu_wait() returns. Returns hgei_arm()'s code. */
int fw_vcpu_block(struct fw_vcpu *v, struct fw_hart *self);

/** Sleeps until the SGEI has made @v runnable or the watchdog @wd expires (no
 * progress anywhere). Leaves the HS timer armed at v->timer_at (the next run's
 * first slice). On expiry the line is disarmed. Returns true when woken. */
bool fw_vcpu_wait(struct fw_vcpu *v, struct fw_hart *self, struct fw_watchdog *wd);

/** Gives the line back (guest file disabled first) and drops the G-stage map and
 * the VS interrupt delegation. Returns hgei_free()'s code (0 when nothing was held). */
int fw_vcpu_destroy(struct fw_vcpu *v, struct fw_hart *self);

#endif
