/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime's lib/hgei callbacks: each goes to the owner's own hook (struct
 * fw_owner), so whoever holds a line (a vCPU, a stage's slot) answers for it and the
 * runtime needs to know none of them.
 */
#include "fw.h"

static void owner_wake(void *owner, uint32_t hartid, unsigned line)
{
	struct fw_owner *o = owner;

	o->wake(o, hartid, line);
}

static void owner_revoke(void *owner, uint32_t hartid, unsigned line)
{
	struct fw_owner *o = owner;

	if (o->revoke)
		o->revoke(o, hartid, line);
}

const struct hgei_ops fw_hgei_ops = {
	.wake = owner_wake,
	.revoke = owner_revoke,
};
