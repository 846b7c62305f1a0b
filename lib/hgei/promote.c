/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Overcommit: a vCPU between its software interrupt file (swfile.c) and a hardware
 * line, in hgei_move()'s order (move.c) with the software file standing in for one
 * of the two harts' files: its configuration is saved before the new file is set
 * up, the MSIs are redirected before the old file is drained, and what was drained is
 * forwarded last. The hardware side's steps are move.c's own, so their checks,
 * masking and failure handling are those of a move.
 *
 * The software file's steps need no hart: they are memory operations, and the vCPU
 * is out, so nothing but senders (one AMO each on eip) touches the file meanwhile.
 */
#include "internal.h"
#include "hgei_swfile.h"

int hgei_promote(struct hgei_swfile *sw, struct hgei_hart *to, void *owner, bool armed,
		 const struct hgei_move_ops *ops, struct hgei_vsfile_state *state,
		 struct hgei_line *out)
{
	struct hgei_line l = { 0 };
	struct hgei_move_step new = { to, 0, owner, ops, state, &l, armed, 0, false };
	int err;

	if (out)
		hgei_line_clear(out);
	if (!sw || !to || !ops || !state || !out || !hgei_is_owner(owner) || sw->promoted)
		return -HGEI_EINVAL;
	/* move's leave(): the software file has no line to disarm; its configuration
	 * is frozen while the vCPU is out. MSIs keep landing in it. */
	hgei_swfile_save(sw, state);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, to);
	/* Allocate, load, arm on @to, as one step; on failure nothing was changed in
	 * the software file, which stays the owner's (G5). */
	err = hgei_move_enter(&new);
	if (err)
		return err;
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, to);
	/* From here MSIs reach the new file; once it returns none reaches the old. */
	ops->redirect(owner, l.file_pa);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, to);
	/* move's drain(): no line to free, the file switched off and emptied. */
	hgei_swfile_take(sw, state);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, to);
	ops->file_forward(l.file_pa, state);
	*out = l;
	return 0;
}

int hgei_demote(struct hgei_hart *from, unsigned line, void *owner, struct hgei_swfile *sw,
		const struct hgei_move_ops *ops, struct hgei_vsfile_state *state)
{
	struct hgei_move_step old = { from, line, owner, ops, state, NULL, false, 0, false };

	if (!from || !sw || !ops || !state || !hgei_is_owner(owner) ||
	    hgei_owner(from, line) != owner)
		return -HGEI_EINVAL;
	state->words = sw->words;
	/* On @from: disarm, file_save. Fails only if @from revoked the line since. */
	ops->run_on(hgei_hart_of(from), hgei_move_leave, &old);
	if (old.err)
		return old.err;
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, from);
	/* move's enter(): the software file needs no allocation and cannot fail. It
	 * signals nobody by itself: the caller checks hgei_swfile_vseip() at the end. */
	hgei_swfile_load(sw, state);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, from);
	ops->redirect(owner, 0);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, from);
	/* On @from: drain and free, as one step, unless the line is another owner's by
	 * now (@from revoked it and gave it away): then its file is not ours. */
	ops->run_on(hgei_hart_of(from), hgei_move_drain, &old);
	HGEI_STALL(HGEI_STALL_PROMOTE_STEP, from);
	if (old.drained)
		hgei_swfile_forward(sw, state);
	return 0;
}
