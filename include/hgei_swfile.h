/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Software interrupt files: more vCPUs on a hart than it has guest interrupt files.
 *
 * A struct hgei_swfile is the state of one IMSIC guest interrupt file kept in memory
 * (eidelivery, eithreshold, the eip and eie arrays) with the operations a hypervisor
 * needs to emulate it for a vCPU that holds no hardware file: an MSI arriving, the
 * guest's siselect/sireg and stopei accesses (which trap while hstatus.VGEIN = 0), and
 * whether VSEIP should be asserted (through hvip.VSEIP). Pure data and functions: no
 * CSR is touched, so it also runs on the host. Written against the RISC-V AIA
 * specification (v1.0), chapter 3 (IMSIC) and chapter 2 (CSRs); each rule's section is
 * cited where it is implemented (lib/hgei/swfile.c).
 *
 * hgei_promote() moves a vCPU from its software file to a hardware line and
 * hgei_demote() back, in hgei_move()'s loss-free step order (docs/integration.md,
 * "More vCPUs than guest files").
 *
 * Who may call what: hgei_swfile_msi() from any hart at any time (the emulated store of
 * a sender, a device model); everything else from the vCPU's side, one caller at a
 * time (the hart running or about to run the vCPU, its trap handler, or the promote
 * and demote steps while the vCPU is out).
 */
#ifndef HGEI_SWFILE_H
#define HGEI_SWFILE_H

#include <stdbool.h>
#include <stdint.h>
#include "hgei.h"
#include "hgei_file_state.h"

#define HGEI_SWFILE_MIN_IDS	63
#define HGEI_SWFILE_MAX_IDS	2047

/*
 * One interrupt file in memory; treat as opaque. eip words change by AMOs from any
 * hart (MSIs) and from the vCPU's side (claims, drains); the configuration is written
 * by the vCPU's side only and read by senders.
 */
struct hgei_swfile {
	_Atomic uint64_t eip[HGEI_VSFILE_MAX_WORDS];
	_Atomic uint64_t eie[HGEI_VSFILE_MAX_WORDS];
	_Atomic uint64_t eidelivery, eithreshold;
	uint32_t nr_ids;	/* identities 1..nr_ids */
	uint32_t words;		/* (nr_ids + 1) / 64 eip (and eie) words in use */
	uint32_t promoted;	/* taken by hgei_promote(), until hgei_demote() loads it */
};

/**
 * Sets @f up as an interrupt file with identities 1..@nr_ids (the devicetree's
 * riscv,num-ids: 63 to 2047, one less than a multiple of 64): delivery off, threshold
 * 0, nothing pending or enabled. Not concurrently with any other call on @f.
 * Returns 0, or -HGEI_EINVAL for a NULL @f or another @nr_ids.
 */
int hgei_swfile_init(struct hgei_swfile *f, unsigned nr_ids);

/**
 * An MSI: @value written as a little-endian 32-bit word to the file's seteipnum_le
 * (offset 0 of its page; on an RV64 hart the value its sw stored). Any hart, any
 * time, one AMO. Sets identity @value pending; a value that is not an implemented
 * identity (0, above nr_ids) is ignored. Returns true when this identity is now
 * pending, enabled, under the threshold and delivery is on, i.e. VSEIP must be
 * asserted for the vCPU: wake it if blocked, kick its hart if it runs. False means
 * the MSI changed nothing the vCPU must act on now.
 */
bool hgei_swfile_msi(struct hgei_swfile *f, uint32_t value);

/**
 * The guest's access to sireg (really vsireg) with siselect = @isel, emulated: the
 * register's old value into *@old (if not NULL), then it becomes
 * (old & ~@wmask) | (@wval & @wmask). csrr: @wmask 0; csrw/csrrw x: x, ~0;
 * csrrs x: x, x; csrrc x: 0, x. From the vCPU's side. Returns 0; -HGEI_EINVAL for
 * an odd eipN/eieN (RV64 has none: the guest gets an illegal-instruction exception);
 * -HGEI_ENOENT for @isel outside 0x70..0xFF (not an interrupt-file register: the
 * hypervisor's own to emulate or refuse). On error *@old is 0 and nothing changes.
 */
int hgei_swfile_rmw(struct hgei_swfile *f, unsigned long isel, uint64_t *old,
		    uint64_t wval, uint64_t wmask);

/**
 * The guest's access to stopei (really vstopei), emulated: returns the file's top
 * interrupt, (id << 16) | id of the lowest pending-and-enabled identity under the
 * threshold, or 0. With @claim (any write: csrw, csrrw, csrrs/csrrc with a nonzero
 * source) that identity's pending bit is cleared, the one returned, whatever arrives
 * meanwhile. From the vCPU's side.
 */
uint32_t hgei_swfile_topei(struct hgei_swfile *f, bool claim);

/**
 * Should VSEIP be asserted now: delivery on and hgei_swfile_topei() not 0. Set
 * hvip.VSEIP to it before entering the vCPU and after each emulated access. From the
 * vCPU's side; a concurrent MSI is either seen here or reported by its
 * hgei_swfile_msi() (a full fence on both sides, see swfile.c).
 */
bool hgei_swfile_vseip(const struct hgei_swfile *f);

/**
 * Promotes @owner from its software file @sw to a new hardware line on hart @to, in
 * hgei_move()'s order, each hart step through ops->run_on: the software file's
 * configuration into @state; on @to, allocate, file_load(@state) and, if @armed, arm,
 * as one step; ops->redirect(@owner, new file_pa); the software file's pending
 * identities taken (one AMO per word) and the file switched off; ops->file_forward()
 * of them to the new file. An MSI sent at any moment lands in the software file before
 * the take (and is forwarded) or in the new file after the redirect: none is lost or
 * doubled. The vCPU must not run meanwhile (its guest cannot change the file). Any
 * hart; one promote/demote/move of an owner at a time. Returns 0 and fills @out;
 * on failure (G5) @sw is untouched and *@out zeroed: -HGEI_EINVAL (a NULL argument,
 * bad owner, @sw promoted already and not demoted since), the allocation's error
 * on @to (-HGEI_ENOSPC, -HGEI_ENODEV), or -HGEI_ENODEV when @to was found offline
 * (the new line revoked) at the check right before the redirect; an offline between
 * that check and the redirect is not seen, as for hgei_move() (hgei.h): do not take
 * a hart offline while a promote into it is under way.
 */
int hgei_promote(struct hgei_swfile *sw, struct hgei_hart *to, void *owner, bool armed,
		 const struct hgei_move_ops *ops, struct hgei_vsfile_state *state,
		 struct hgei_line *out);

/**
 * Demotes @owner's @line on hart @from into its software file @sw, in hgei_move()'s
 * order: on @from, disarm and file_save(@state); @sw set up from @state with nothing
 * pending; ops->redirect(@owner, 0) (0: the software file; MSIs now reach
 * hgei_swfile_msi()); on @from, file_drain(@state) and free the line, as one step;
 * the drained identities made pending in @sw. An MSI sent at any moment is pending in
 * @sw once when it returns. Then call hgei_swfile_vseip(@sw): a blocked vCPU whose file
 * signals must be woken (its line's wake() will not come any more). Any hart, the
 * vCPU not running; @state->words is set from @sw (the hardware file's first
 * words are carried). Returns 0, or -HGEI_EINVAL (a NULL argument, @line not
 * @owner's on @from, or revoked by @from going offline before the first step), with
 * nothing changed.
 */
int hgei_demote(struct hgei_hart *from, unsigned line, void *owner, struct hgei_swfile *sw,
		const struct hgei_move_ops *ops, struct hgei_vsfile_state *state);

#endif
