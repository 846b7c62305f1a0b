/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hartgei: per-hart management of hypervisor guest external interrupt (HGEI) lines.
 *
 * Each hart owns a struct hgei_hart: its free-line bitmap, its owners and its wake
 * requests. No lock is shared between harts: other harts reach a hart's state only
 * through atomic read-modify-writes (AMOs on RISC-V), and every CSR is touched only
 * on the hart it belongs to.
 *
 * Owners are opaque non-NULL pointers chosen by the caller (a vCPU, say); the value
 * (void *)1 is reserved.
 */
#ifndef HGEI_H
#define HGEI_H

#include <stdint.h>
#include <stdbool.h>
#include "hgei_errno.h"

/* RV64: hgeie/hgeip bits 1..63; bit 0 is never a line. */
#define HGEI_MAX_LINES		63
#define HGEI_HSTATUS_VGEIN_SHIFT	12
#define HGEI_GUEST_FILE_SIZE	0x1000UL

/** Callbacks into the hypervisor; one table per hart, set by hgei_hart_init(). */
struct hgei_ops {
	/* The owner's armed line has a pending interrupt. Runs on the owning hart, in the
	 * SGEI trap, with the line already disarmed (masked in hgeie). May be spurious
	 * for an owner that allocated the line while its previous owner's wake request
	 * was being dispatched. Must not be NULL. */
	void (*wake)(void *owner, uint32_t hartid, unsigned line);
	/* The hart goes offline and takes the owner's line away. Runs once per line, on the
	 * hart going offline; it may run before a racing hgei_alloc() of that line has
	 * returned to its caller on another hart. May be NULL. */
	void (*revoke)(void *owner, uint32_t hartid, unsigned line);
};

/** What hgei_alloc() hands to the owner. */
struct hgei_line {
	unsigned line;		/* 1..n: the hgeie/hgeip bit and the hstatus.VGEIN value */
	uint64_t hstatus_vgein;	/* line << HGEI_HSTATUS_VGEIN_SHIFT, to OR into hstatus */
	uint64_t file_pa;	/* guest file's physical address: slot + line * 4 KiB */
};

/** Per-hart counters, cumulative over every online period of the hart. */
struct hgei_counters {
	uint64_t allocs, frees, alloc_failures, free_failures;
	uint64_t sgei_traps, dispatches, spurious;
	uint64_t revokes;
};

/**
 * Per-hart state. Allocate one per hart (static or carved from RAM), zeroed before
 * its first hgei_hart_init(); treat as opaque.
 */
struct hgei_hart {
	/* Shared with every hart: AMOs, or loads of whole words. */
	_Atomic uint64_t free;		/* bit g set: line g is free */
	_Atomic uint64_t want;		/* bit g set: owner of g asked to be woken */
	_Atomic uint64_t lines_mask;	/* bits 1..nr_lines while online, else 0 */
	_Atomic uint64_t calls;		/* hgei_alloc()/hgei_free() calls begun */
	/* Calls ended; with calls they let hgei_hart_offline() wait out racing callers. */
	_Atomic uint64_t ctr_allocs, ctr_frees, ctr_alloc_failures, ctr_free_failures;
	_Atomic uint32_t online;
	_Atomic uint32_t hartid;
	/* Written by the owning hart in hgei_hart_init(), read by others only inside a
	 * successful hgei_alloc() (ordered by the free bitmap). */
	uint64_t slot_pa;
	const struct hgei_ops *ops;
	uint8_t nr_lines, geilen, dt_limit;
	/* Updated by the owning hart only; atomic so hgei_hart_counters() reads whole
	 * values from any hart. */
	_Atomic uint64_t ctr_sgei_traps, ctr_dispatches, ctr_spurious, ctr_revokes;
	/* owners[g]: set by the allocator's CAS, cleared by free's CAS, read by dispatch. */
	void *_Atomic owners[HGEI_MAX_LINES + 1];
};

/** Global figures over the online harts, kept with AMOs. */
struct hgei_figures {
	unsigned online_harts;
	unsigned min_lines, max_lines;	/* 0/0 when no hart is online */
	uint64_t total_lines;
};

/**
 * Brings a hart online. Must run on that hart: probes GEILEN through hgeie, takes
 * min(GEILEN, @dt_limit) lines, marks them free, enables SGEI in hie (even with 0 lines)
 * and publishes the count to the global figures. Harts may run it concurrently.
 * Returns the number of usable lines (>= 0), or -HGEI_EINVAL for a bad argument
 * (NULL @h, @ops or @ops->wake), -HGEI_EBUSY when the hart is already online.
 */
int hgei_hart_init(struct hgei_hart *h, uint32_t hartid, unsigned dt_limit,
		   uint64_t slot_pa, const struct hgei_ops *ops);

/**
 * Takes a hart offline. Must run on that hart: no new allocation succeeds, every line
 * is revoked (ops->revoke once per owned line), hgeie is cleared, the figures updated.
 * Before returning it waits for hgei_alloc()/hgei_free() calls other harts have in
 * progress on @h, so a later hgei_hart_init() starts from a quiet state.
 * Returns the number of lines revoked, or -HGEI_ENODEV when the hart is not online.
 */
int hgei_hart_offline(struct hgei_hart *h);

/**
 * Allocates the lowest free line of @h for @owner (not NULL). Any hart may call it.
 * Returns 0 and fills @out, or -HGEI_ENOSPC (hart exhausted), -HGEI_ENODEV (offline or
 * no lines), -HGEI_EINVAL (NULL owner); on failure *@out is zeroed.
 */
int hgei_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out);

/**
 * Frees @line of @h. Any hart may call it. With @owner non-NULL the line must belong
 * to @owner; NULL frees it from whoever holds it (for the hart's manager only).
 * Returns 0, or -HGEI_EINVAL (line 0, line > n, not allocated, other owner, revoked);
 * on error nothing changes. The owner must not arm or disarm the line concurrently.
 */
int hgei_free(struct hgei_hart *h, unsigned line, void *owner);

/** The owner of @line on @h, or NULL (also for line 0, > 63, revoked). O(1); any hart. */
void *hgei_owner(const struct hgei_hart *h, unsigned line);

/**
 * Asks for a wake callback when @line has a pending interrupt (sets its hgeie bit).
 * On the owning hart (hgei_port_hartid() == the hart's id) it takes effect at once;
 * from another hart it is recorded with an AMO and hgei_port_kick() asks the owning
 * hart to apply it in hgei_sync(). One-shot: the SGEI that wakes the owner disarms
 * the line. Returns 0, or -HGEI_EINVAL (bad line, not allocated, @owner NULL or not
 * the line's owner).
 */
int hgei_arm(struct hgei_hart *h, unsigned line, void *owner);

/**
 * Withdraws an arm request. Same rules as hgei_arm(). From another hart no kick is
 * sent: the stale hgeie bit costs at most one SGEI, counted as spurious.
 */
int hgei_disarm(struct hgei_hart *h, unsigned line, void *owner);

/**
 * The SGEI handler: call from the trap vector, on the trapping hart, for scause =
 * interrupt 12. Masks every pending enabled line, wakes the owners that armed one
 * (lowest line first), counts pending lines nobody asked for as spurious.
 * Returns the number of owners woken.
 */
unsigned hgei_handle_sgei(struct hgei_hart *h);

/** Applies remote arm/disarm requests to hgeie. Call on the owning hart (kick hook). */
void hgei_sync(struct hgei_hart *h);

/**
 * What hgei_move() needs from the hypervisor. The file hooks act on the guest
 * interrupt file of @line on the hart they run on; include/hgei_vsfile.h has them for
 * RISC-V (hgei_vsfile_save/load/take/forward) with @state a struct hgei_vsfile_state.
 */
struct hgei_move_ops {
	/* Runs @fn(@arg) on hart @hartid and returns once it has returned (an IPI to a
	 * mailbox, say); with the caller's own hartid it may just call it. @fn must run
	 * with interrupts masked on that hart, as from an IPI handler. */
	void (*run_on)(uint32_t hartid, void (*fn)(void *arg), void *arg);
	/* The file's configuration (delivery, threshold, enabled identities) into @state;
	 * the file stays as it is. */
	void (*file_save)(unsigned line, void *state);
	/* The file set up from @state, with nothing pending. */
	void (*file_load)(unsigned line, const void *state);
	/* The file's pending identities into @state, taken atomically; the file off. */
	void (*file_drain)(unsigned line, void *state);
	/* Any hart: every identity pending in @state re-sent (MSI) to the file at @file_pa. */
	void (*file_forward)(uint64_t file_pa, const void *state);
	/* Every MSI source of @owner pointed at @file_pa (device, IOMMU, the guest's
	 * G-stage page); returns once no MSI can still reach the old file. */
	void (*redirect)(void *owner, uint64_t file_pa);
};

/**
 * Migrates @owner's @line from hart @from to a new line on hart @to, in the order that
 * loses no MSI: on @from disarm and save the file's configuration; allocate on @to;
 * on @to load the file and, if @armed, arm the new line; redirect the owner's MSIs to
 * the new file; on @from drain the old file's pending identities; forward them to the
 * new file; free the old line. An MSI that reaches the old file before the drain is
 * forwarded; one sent after the redirect goes to the new file.
 * Any hart may call it; one migration of a given owner at a time. @state is the
 * caller's scratch for the file hooks. Returns 0 and fills @out with the new line, or
 * -HGEI_EINVAL (NULL ops or state, @line not @owner's on @from), or the error of the
 * allocation on @to (-HGEI_ENOSPC, -HGEI_ENODEV), in which case the line stays on
 * @from, re-armed if @armed, and *@out is zeroed.
 */
int hgei_move(struct hgei_hart *from, unsigned line, struct hgei_hart *to, void *owner,
	      bool armed, const struct hgei_move_ops *ops, void *state, struct hgei_line *out);

/** Copies the hart's counters. Any hart; each value is read on its own. */
void hgei_hart_counters(const struct hgei_hart *h, struct hgei_counters *c);

/** Reads the global figures. Any hart; the buckets are read one by one, not as a
 * snapshot, so a hart coming online meanwhile may be half counted. */
void hgei_get_figures(struct hgei_figures *f);

#endif
