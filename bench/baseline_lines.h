/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-hart line state both locked baselines keep, and what they do with it inside
 * their critical sections. Every function but locked_fill() runs under the caller's
 * lock with interrupts disabled; the baselines differ only in which lock that is.
 */
#ifndef BENCH_BASELINE_LINES_H
#define BENCH_BASELINE_LINES_H

#include "../lib/hgei/internal.h"

struct locked_lines {
	uint32_t hartid;
	uint64_t free, want;
	uint64_t slot_pa;
	void *owners[HGEI_MAX_LINES + 1];
};

static inline void locked_reset(struct locked_lines *s, uint32_t hartid, unsigned lines,
				uint64_t slot_pa)
{
	s->hartid = hartid;
	s->free = lines ? (~0ULL >> (64 - lines)) << 1 : 0;
	s->want = 0;
	s->slot_pa = slot_pa;
	for (unsigned g = 0; g <= HGEI_MAX_LINES; g++)
		s->owners[g] = NULL;
}

/* The lowest free line, now @owner's, or 0 when there is none. */
static inline unsigned long locked_take(struct locked_lines *s, void *owner)
{
	uint64_t bit = s->free & -s->free;
	unsigned long g;

	if (!bit)
		return 0;
	s->free ^= bit;
	g = hgei_bit_index(bit);
	s->owners[g] = owner;
	return g;
}

/* Frees @line if it is owned by @owner (by anyone when @owner is NULL). */
static inline bool locked_give_back(struct locked_lines *s, unsigned line, void *owner)
{
	void *cur = s->owners[line];

	if (!hgei_is_owner(cur) || (owner && cur != owner))
		return false;
	s->owners[line] = NULL;
	s->want &= ~hgei_line_bit(line);
	s->free |= hgei_line_bit(line);
	return true;
}

/* want's bit of @owner's @line, and hgeie's when the line is on this hart. */
static inline bool locked_set_want(struct locked_lines *s, unsigned line, void *owner,
				   bool on, bool local)
{
	uint64_t bit = hgei_line_bit(line);

	if (s->owners[line] != owner)
		return false;
	s->want = on ? s->want | bit : s->want & ~bit;
	if (local && on)
		hgei_arch_hgeie_set(bit);
	else if (local)
		hgei_arch_hgeie_clear(bit);
	return true;
}

/*
 * The SGEI, as Linux KVM's handler (arch/riscv/kvm/aia.c, hgei_interrupt()) does it:
 * locked_sgei_mask() before the lock, on the trapping hart: the pending armed lines,
 * masked (the one-shot disarm; hgei_handle_sgei() masks the same way, and settles
 * once at the end); locked_sgei_wake() under the lock: each owner looked up and woken.
 */
static inline uint64_t locked_sgei_mask(void)
{
	uint64_t pending = hgei_arch_hgeip_read() & hgei_arch_hgeie_read();

	hgei_arch_hgeie_clear_unsettled(pending);
	return pending;
}

static inline unsigned locked_sgei_wake(struct locked_lines *s, uint64_t pending,
					const struct hgei_ops *ops)
{
	unsigned woken = 0;

	s->want &= ~pending;
	for (; pending; pending &= pending - 1) {
		unsigned long g = hgei_ctz(pending);
		void *owner = s->owners[g];

		if (hgei_is_owner(owner)) {
			ops->wake(owner, s->hartid, (unsigned)g);
			woken++;
		}
	}
	return woken;
}

/* After the lock: @out from locked_take()'s @g, with hgei_alloc()'s result. */
static inline int locked_fill(const struct locked_lines *s, unsigned long g, void *owner,
			      struct hgei_line *out)
{
	out->line = (unsigned)g;
	out->hstatus_vgein = g << HGEI_HSTATUS_VGEIN_SHIFT;
	out->file_pa = g ? s->slot_pa + g * HGEI_GUEST_FILE_SIZE : 0;
	if (g)
		return 0;
	return hgei_is_owner(owner) ? -HGEI_ENOSPC : -HGEI_EINVAL;
}

#endif
