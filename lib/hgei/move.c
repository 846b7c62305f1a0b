/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU migration: the order of hgei_move() (hgei.h). Every step that touches a CSR
 * or a guest file runs on the hart it belongs to, through the caller's run_on; the
 * line bookkeeping itself is the ordinary lock-free alloc/free.
 */
#include "internal.h"

struct move_step {
	struct hgei_hart *h;
	unsigned line;
	void *owner;
	const struct hgei_move_ops *ops;
	void *state;
	bool arm;
	int err;
};

static uint32_t hart_of(const struct hgei_hart *h)
{
	return atomic_load_explicit(&((struct hgei_hart *)h)->hartid, memory_order_relaxed);
}

/* On the old hart: nobody watches the old file any more; MSIs wait in it. */
static void leave(void *arg)
{
	struct move_step *s = arg;

	s->err = hgei_disarm(s->h, s->line, s->owner);
	if (!s->err)
		s->ops->file_save(s->line, s->state);
}

static void rearm(void *arg)
{
	struct move_step *s = arg;

	s->err = hgei_arm(s->h, s->line, s->owner);
}

/* On the new hart: the file as the owner left it, watched if the owner is blocked. */
static void enter(void *arg)
{
	struct move_step *s = arg;

	s->ops->file_load(s->line, s->state);
	s->err = s->arm ? hgei_arm(s->h, s->line, s->owner) : 0;
}

static void drain(void *arg)
{
	struct move_step *s = arg;

	s->ops->file_drain(s->line, s->state);
}

int hgei_move(struct hgei_hart *from, unsigned line, struct hgei_hart *to, void *owner,
	      bool armed, const struct hgei_move_ops *ops, void *state, struct hgei_line *out)
{
	struct move_step old = { from, line, owner, ops, state, armed, 0 };
	struct move_step new = { to, 0, owner, ops, state, armed, 0 };
	struct hgei_line l;
	int err;

	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
	if (!ops || !state || !hgei_is_owner(owner) || hgei_owner(from, line) != owner)
		return -HGEI_EINVAL;

	ops->run_on(hart_of(from), leave, &old);
	if (old.err)
		return old.err;
	/* The owner holds both lines from here to the free: wake() may run for either. */
	err = hgei_alloc(to, owner, &l);
	if (err) {
		if (armed)
			ops->run_on(hart_of(from), rearm, &old);
		return err;
	}
	new.line = l.line;
	ops->run_on(hart_of(to), enter, &new);
	ops->redirect(owner, l.file_pa);
	ops->run_on(hart_of(from), drain, &old);
	ops->file_forward(l.file_pa, state);
	/* Cannot fail but for a revoke by an offline @from, which took the line anyway. */
	(void)hgei_free(from, line, owner);
	*out = l;
	return new.err;
}
