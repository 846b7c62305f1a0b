/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU migration: the order of hgei_move() (hgei.h). Every step runs on the hart it
 * belongs to, through the caller's run_on, so its line operations are the local
 * ones. A step of several operations masks the hart's interrupts itself (run_on
 * promises it, but the step's atomicity should not rest on a hook), so the hart's
 * request server and SGEI handler never split it.
 */
#include "internal.h"

uint32_t hgei_hart_of(const struct hgei_hart *h)
{
	return atomic_load_explicit(&((struct hgei_hart *)h)->hartid, memory_order_relaxed);
}

/* On the old hart: nobody watches the old file any more; MSIs wait in it. */
void hgei_move_leave(void *arg)
{
	struct hgei_move_step *s = arg;

	s->err = hgei_disarm(s->h, s->line, s->owner);
	if (!s->err)
		s->ops->file_save(s->line, s->state);
}

/* On the old hart, after a failure: the line watched again as it was. */
static void rearm(void *arg)
{
	struct hgei_move_step *s = arg;

	if (s->arm)
		s->err = hgei_arm(s->h, s->line, s->owner);
}

/* On the new hart: a line, the file as the owner left it, watched if it blocks. */
static void enter(void *arg)
{
	struct hgei_move_step *s = arg;
	unsigned long flags = hgei_arch_irq_save();

	s->err = hgei_alloc(s->h, s->owner, s->out);
	if (!s->err) {
		s->ops->file_load(s->out->line, s->state);
		if (s->arm)
			s->err = hgei_arm(s->h, s->out->line, s->owner);
	}
	hgei_arch_irq_restore(flags);
}

/* On the new hart, when the move is called off after enter(). */
static void unwind(void *arg)
{
	struct hgei_move_step *s = arg;

	hgei_free(s->h, s->out->line, s->owner);
}

/*
 * On the old hart: what reached the old file goes with the owner; the line goes. The
 * owner is checked in the same masked step (G2): if the hart took the line away
 * meanwhile (offline's revoke, the manager's free) and it is another owner's now, its
 * file is that owner's and is not drained; the caller then forwards nothing
 * (!s->drained). A line taken away and not reused is still drained: what reached it
 * before the redirect goes with the owner.
 */
void hgei_move_drain(void *arg)
{
	struct hgei_move_step *s = arg;
	unsigned long flags = hgei_arch_irq_save();
	void *now = hgei_line_bad(s->line) ? NULL : hgei_owner_local(s->h, s->line);

	s->drained = !now || now == s->owner;
	if (s->drained) {
		s->ops->file_drain(s->line, s->state);
		s->err = hgei_free(s->h, s->line, s->owner);
	} else {
		s->err = -HGEI_EINVAL;
	}
	hgei_arch_irq_restore(flags);
}

/*
 * On the new hart, through run_on: enter() and, if it failed, unwind(). Then, if @new
 * went offline since (its revoke took the new line), -HGEI_ENODEV: nothing was
 * redirected yet, so the old file is still the owner's whole truth (G5). Later, it
 * is an ordinary revoke of the owner's line. Returns 0 or the error; the new line,
 * if any, is in *new->out either way (for the caller's unwinding).
 */
int hgei_move_enter(struct hgei_move_step *new)
{
	new->ops->run_on(hgei_hart_of(new->h), enter, new);
	if (new->err) {
		if (new->out->line)
			new->ops->run_on(hgei_hart_of(new->h), unwind, new);
		return new->err;
	}
	HGEI_STALL(HGEI_STALL_MOVE_ENTERED, new->h);
	if (hgei_owner(new->h, new->out->line) != new->owner)
		return -HGEI_ENODEV;
	return 0;
}

static int move_fail(struct hgei_move_step *old, struct hgei_line *out, int err)
{
	old->ops->run_on(hgei_hart_of(old->h), rearm, old);
	hgei_line_clear(out);
	return err;
}

int hgei_move(struct hgei_hart *from, unsigned line, struct hgei_hart *to, void *owner,
	      bool armed, const struct hgei_move_ops *ops, void *state, struct hgei_line *out)
{
	struct hgei_line l = { 0 };
	struct hgei_move_step old = { from, line, owner, ops, state, NULL, armed, 0, false };
	struct hgei_move_step new = { to, 0, owner, ops, state, &l, armed, 0, false };
	int err;

	hgei_line_clear(out);
	if (!ops || !state || !hgei_is_owner(owner) || hgei_owner(from, line) != owner)
		return -HGEI_EINVAL;

	ops->run_on(hgei_hart_of(from), hgei_move_leave, &old);
	if (old.err)
		return old.err;
	/* The owner holds both lines from here to the drain: wake() may run for either. */
	err = hgei_move_enter(&new);
	if (err)
		return move_fail(&old, out, err);
	ops->redirect(owner, l.file_pa);
	ops->run_on(hgei_hart_of(from), hgei_move_drain, &old);
	if (old.drained)
		ops->file_forward(l.file_pa, state);
	*out = l;
	return 0;
}
