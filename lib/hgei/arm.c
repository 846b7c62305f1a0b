/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wake requests: the hart's hgeie is the arm state. Set and cleared only on the
 * owning hart with its interrupts masked, after the ownership check in the same
 * step, so a former owner can never touch its successor's bit (G2).
 */
#include "internal.h"

static inline bool owned_by(struct hgei_hart *h, unsigned line, void *owner)
{
	/* owners[] never holds NULL's twin (void *)1, so a non-NULL @owner that
	 * matches is a real one. */
	return !hgei_line_bad(line) && owner && hgei_owner_local(h, line) == owner;
}

static inline int arm_masked(struct hgei_hart *h, unsigned line, void *owner)
{
	if (!owned_by(h, line, owner))
		return -HGEI_EINVAL;
	hgei_arch_hgeie_set(hgei_line_bit(line));
	return 0;
}

static inline int disarm_masked(struct hgei_hart *h, unsigned line, void *owner)
{
	if (!owned_by(h, line, owner))
		return -HGEI_EINVAL;
	hgei_arch_hgeie_clear(hgei_line_bit(line));
	return 0;
}

int hgei_arm(struct hgei_hart *h, unsigned line, void *owner)
{
	unsigned long flags;
	int err;

	if (hgei_wrong_hart(h))
		return -HGEI_EPERM;
	flags = hgei_arch_irq_save();
	err = arm_masked(h, line, owner);
	hgei_arch_irq_restore(flags);
	return err;
}

int hgei_disarm(struct hgei_hart *h, unsigned line, void *owner)
{
	unsigned long flags;
	int err;

	if (hgei_wrong_hart(h))
		return -HGEI_EPERM;
	flags = hgei_arch_irq_save();
	err = disarm_masked(h, line, owner);
	hgei_arch_irq_restore(flags);
	return err;
}
