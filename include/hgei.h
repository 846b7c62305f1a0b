/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hartgei: per-hart management of hypervisor guest external interrupt (HGEI) lines.
 *
 * Each hart owns a struct hgei_hart: its free-line bitmap and its owners; its hgeie
 * CSR is the arm state. No lock is shared between harts, and only the hart itself
 * writes its state: other harts post requests that it serves (hgei_remote_*()).
 *
 * Owners are opaque non-NULL pointers chosen by the caller (a vCPU, say); the value
 * (void *)1 is reserved.
 */
#ifndef HGEI_H
#define HGEI_H

#include <stdint.h>
#include <stdbool.h>
#include "hgei_errno.h"
#include "hgei_riscv_enc.h"	/* HGEI_HSTATUS_VGEIN_SHIFT */

/* RV64: hgeie/hgeip bits 1..63; bit 0 is never a line. */
#define HGEI_MAX_LINES		63
#define HGEI_GUEST_FILE_SIZE	0x1000UL

/** Callbacks into the hypervisor; one table per hart, set by hgei_hart_init(). */
struct hgei_ops {
	/* The owner's armed line has a pending interrupt. Runs on the owning hart, in the
	 * SGEI trap with interrupts masked (it must not unmask them), with the line
	 * already disarmed (masked in hgeie). Exactly once per arm. Must not be NULL. */
	void (*wake)(void *owner, uint32_t hartid, unsigned line);
	/* The hart goes offline and takes the owner's line away. Runs once per owned line,
	 * on the hart going offline, with interrupts masked. It may run before a remote
	 * allocation of that line has returned to its caller. It may call this hart's
	 * own operations (a VM torn down frees its other vCPUs' lines): a line freed in a
	 * revoke() is not revoked, a line allocated in one is revoked too before offline
	 * returns. May be NULL. */
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
	uint64_t requests;	/* remote calls served by this hart */
};

/** hgei_req_result() of a request not yet served. Results are 0 or negative. */
#define HGEI_PENDING	1

/**
 * A remote request. The blocking remote calls keep theirs on the caller's stack; an
 * asynchronous one (hgei_remote_free_async()) is the caller's to keep until it has
 * completed. Treat as opaque.
 */
struct hgei_req {
	struct hgei_req *next;
	void *owner;
	struct hgei_line *out;		/* alloc's */
	unsigned line;
	unsigned op;
	_Atomic int result;		/* HGEI_PENDING until served */
};

/**
 * Per-hart state. Allocate one per hart (static or carved from RAM), zeroed before
 * its first hgei_hart_init(); treat as opaque.
 *
 * One writer: only the hart itself changes its lines' state, always with its
 * interrupts masked, so the calls that do (the local calls below, the request
 * server hgei_sync(), the SGEI handler, offline) never interleave on that hart and
 * need no atomic read-modify-write. Other harts only push requests onto @reqs (one
 * LR/SC) and read owners and counters.
 */
struct hgei_hart {
	/* Read by other harts (hgei_owner(), counters, kicks): whole-word stores.
	 * owners[0] is never set, so line 0 never matches an owner. First in the
	 * struct: &owners[g] is one instruction on the hot paths. */
	void *_Atomic owners[HGEI_MAX_LINES + 1];
	/* Remote requests: NULL while offline (closed), else a list ending in a marker. */
	struct hgei_req *_Atomic reqs;
	/* No allocs: derived from frees, revokes and the lines owned (hgei_hart_counters()). */
	_Atomic uint64_t ctr_frees, ctr_alloc_failures, ctr_free_failures;
	_Atomic uint64_t ctr_sgei_traps, ctr_dispatches, ctr_spurious, ctr_revokes;
	_Atomic uint64_t ctr_requests;
	_Atomic uint32_t hartid;
	/* Written only on the hart, read by others for the counters (allocs). */
	_Atomic uint64_t free;		/* bit g set: line g is free */
	_Atomic uint64_t lines_mask;	/* bits 1..nr_lines while online, else 0 */
	/* The hart's own: read and written only on it. */
	uint64_t slot_pa;
	const struct hgei_ops *ops;
	void (*wake)(void *owner, uint32_t hartid, unsigned line);	/* ops->wake */
	uint8_t online, nr_lines, geilen, dt_limit;
};

/** Global figures over the online harts, kept with AMOs. */
struct hgei_figures {
	unsigned online_harts;
	unsigned min_lines, max_lines;	/* 0/0 when no hart is online */
	uint64_t total_lines;
};

/*
 * Guarantees (each is checked by the SPIN model in tests/model/ and by a
 * deterministic interleaving test in tests/host/test_interleave.c):
 *
 *  G1  Once hgei_free() or hgei_remote_free() of an owner's line has returned (0, or
 *      -HGEI_ENODEV because the hart went offline), no wake() or revoke() for that
 *      owner and line is running or will start. For hgei_remote_free_async() the
 *      same holds once its request has completed: hgei_req_result() (or
 *      hgei_req_wait()) has returned something other than HGEI_PENDING. Only then
 *      may the owner (and the request) be freed or reused.
 *  G2  Nothing a former owner does with a line (arm, disarm, free, a late remote
 *      request, hgei_owner()) changes the line's state for its next owner: every
 *      request is checked against the line's owner on the owning hart, in the same
 *      masked step that acts on it.
 *  G3  No wake is lost: an armed line whose guest file has a pending interrupt
 *      reaches its owner's wake() exactly once per arm, on the owning hart.
 *  G4  hgei_hart_offline() completes in bounded time whatever other harts do (it
 *      waits for none of them) and revokes each owned line exactly once; requests
 *      posted before it closed the hart are answered (they fail: the hart is
 *      empty by then), later ones fail at once with -HGEI_ENODEV.
 *  G5  Every failing call leaves its outputs cleared and the state as it was;
 *      hgei_move() included: on failure the owner still holds its old line, armed
 *      as it was, and *out is zeroed.
 *
 * Local calls (hgei_alloc, hgei_free, hgei_arm, hgei_disarm, hgei_sync,
 * hgei_handle_sgei, hgei_hart_init, hgei_hart_offline) must run on the hart of @h;
 * they mask its interrupts themselves. Remote calls (hgei_remote_*) may run on any
 * hart and wait until the hart of @h has served them: call them where the calling
 * hart still serves its own kicks (interrupts enabled), or two harts that wait on
 * each other with interrupts masked wait forever. Host builds (HGEI_HOST) check the
 * hart: a local call made from another hart returns -HGEI_EPERM (void ones return at
 * once) and changes nothing, not even a counter; a real hart does not pay for it.
 */

/**
 * Brings a hart online. On that hart, interrupts masked: probes GEILEN through hgeie,
 * takes min(GEILEN, @dt_limit) lines, marks them free, enables SGEI in hie (even with
 * 0 lines), publishes the count to the global figures and opens the hart to remote
 * requests. Harts may run it concurrently.
 * Returns the number of usable lines (>= 0), or -HGEI_EINVAL for a bad argument
 * (NULL @h, @ops or @ops->wake), -HGEI_EBUSY when the hart is already online.
 */
int hgei_hart_init(struct hgei_hart *h, uint32_t hartid, unsigned dt_limit,
		   uint64_t slot_pa, const struct hgei_ops *ops);

/**
 * Takes a hart offline. On that hart, from a thread or from an interrupt taken over
 * one of the hart's own calls (hgei_sync() included): clears hgeie, revokes every
 * owned line (ops->revoke once each), then closes the hart to remote requests (later ones fail
 * at once with -HGEI_ENODEV) and answers those already posted (they fail on the
 * emptied hart), and updates the figures. Waits for no other hart. Returns the
 * number of lines revoked, or -HGEI_ENODEV when not online.
 */
int hgei_hart_offline(struct hgei_hart *h);

/**
 * Allocates the lowest free line of @h for @owner (not NULL, not (void *)1). On the
 * hart of @h. Returns 0 and fills @out, or -HGEI_ENOSPC (hart exhausted),
 * -HGEI_ENODEV (offline or no lines), -HGEI_EINVAL (bad owner); on failure *@out is
 * zeroed.
 */
int hgei_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out);

/**
 * Frees @line of @h and disarms it. On the hart of @h. With @owner non-NULL the line
 * must belong to @owner; NULL frees it from whoever holds it (for the hart's manager).
 * Returns 0, or -HGEI_EINVAL (line 0, line > 63, not allocated, other owner); on
 * error nothing changes. After it returns no callback for the line's owner runs (G1).
 */
int hgei_free(struct hgei_hart *h, unsigned line, void *owner);

/**
 * Asks for one wake() when @line has a pending interrupt: sets its hgeie bit. On the
 * hart of @h. One-shot: the SGEI that wakes the owner disarms the line. Returns 0, or
 * -HGEI_EINVAL (bad line, @owner NULL or not the line's owner).
 */
int hgei_arm(struct hgei_hart *h, unsigned line, void *owner);

/** Withdraws an arm: clears the hgeie bit. On the hart of @h; same rules as hgei_arm(). */
int hgei_disarm(struct hgei_hart *h, unsigned line, void *owner);

/**
 * hgei_alloc(), hgei_free(), hgei_arm() and hgei_disarm() asked of @h from any hart:
 * the request (on the caller's stack) is pushed onto @h's list with one LR/SC,
 * hgei_port_kick() wakes @h if the list was empty, and the call waits until @h has
 * served it in hgei_sync(), with the same checks, results and guarantees as the
 * local call made there. On @h's own hart they are the local call. They also return
 * -HGEI_ENODEV when @h is offline (closed) when the request is posted.
 */
int hgei_remote_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out);
/** hgei_free() on @h's hart, from any hart (see hgei_remote_alloc()). G1 holds once
 * it returns 0: KVM's free of a migrated vCPU's old line. */
int hgei_remote_free(struct hgei_hart *h, unsigned line, void *owner);
/**
 * hgei_remote_free() without the wait: the request is built in @req, pushed onto
 * @h's list with one LR/SC and @h kicked if the list was empty, and the call returns;
 * @h's hart serves it in hgei_sync() with the checks and result of hgei_free() there.
 * @req is the caller's: it must stay valid, and not be posted again, until the
 * request has completed (hgei_req_result() no longer HGEI_PENDING). Completion is
 * the free's G1 point: the owner may be freed from then on, not before. For a
 * migrated vCPU's old line (disarmed already), the hypervisor posts the free and goes
 * on; it checks completion before it frees the vCPU or reuses @req.
 * Returns 0 once posted (or, on @h's own hart, once the local call has been made:
 * then complete at once), or -HGEI_ENODEV when @h is offline (closed): then the
 * request has completed with that result and G1 holds already.
 */
int hgei_remote_free_async(struct hgei_hart *h, unsigned line, void *owner,
			   struct hgei_req *req);

/**
 * The result of an asynchronous request: HGEI_PENDING until the owning hart has
 * served it, then hgei_free()'s result (0, -HGEI_EINVAL) or -HGEI_ENODEV. Any hart,
 * any context; one load with acquire (the served state change is visible after it).
 */
int hgei_req_result(const struct hgei_req *req);

/**
 * Waits until @req has completed and returns its result (hgei_req_result()). As the
 * blocking remote calls wait: where the calling hart still serves its own kicks.
 */
int hgei_req_wait(struct hgei_req *req);

/** hgei_arm() on @h's hart, from any hart (see hgei_remote_alloc()). */
int hgei_remote_arm(struct hgei_hart *h, unsigned line, void *owner);
/** hgei_disarm() on @h's hart, from any hart (see hgei_remote_alloc()). */
int hgei_remote_disarm(struct hgei_hart *h, unsigned line, void *owner);

/**
 * The owner of @line on @h, or NULL (also for line 0, > 63, revoked). Any hart. From
 * another hart it is a snapshot for comparison only: it does not order the owner's
 * memory, and the line may change hands right after.
 */
void *hgei_owner(const struct hgei_hart *h, unsigned line);

/**
 * The SGEI handler: call from the trap vector, on the trapping hart, for scause =
 * interrupt 12. Masks every pending enabled line and wakes the owners (lowest line
 * first); counts a pending line with no owner as spurious. Returns the owners woken.
 */
unsigned hgei_handle_sgei(struct hgei_hart *h);

/**
 * Serves the remote requests posted to @h, oldest first. On the hart of @h, from the
 * handler of the kick (hgei_port_kick()); a spurious call costs one load.
 */
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
	 * G-stage page); returns once no MSI can still reach the old file. @file_pa 0
	 * (hgei_demote()): at the owner's software file, i.e. the G-stage page unmapped
	 * and MSIs emulated through hgei_swfile_msi() (hgei_swfile.h). */
	void (*redirect)(void *owner, uint64_t file_pa);
};

/**
 * Migrates @owner's @line from hart @from to a new line on hart @to, in the order that
 * loses no MSI, each step on the hart it belongs to through ops->run_on: on @from,
 * disarm and save the file's configuration; on @to, allocate, load the file and, if
 * @armed, arm, as one step; redirect the owner's MSIs to the new file; on @from, drain
 * the old file's pending identities and free the old line, as one step; forward the
 * drained identities to the new file. An MSI that reaches the old file before the
 * drain is forwarded; one sent after the redirect goes to the new file.
 * Any hart may call it; one migration of a given owner at a time. @state is the
 * caller's scratch for the file hooks. Returns 0 and fills @out with the new line.
 * On failure (G5) the owner still holds @line on @from, armed again if @armed, and
 * *@out is zeroed: -HGEI_EINVAL (NULL ops or state, @line not @owner's on @from),
 * the allocation's error on @to (-HGEI_ENOSPC, -HGEI_ENODEV), or -HGEI_ENODEV when
 * @to was found offline (the new line revoked) at the check made right before the
 * redirect. A revoke after the redirect is an ordinary revoke of the owner's new
 * line. An offline of @to between that check and the redirect is not seen here: the
 * call returns 0 although revoke() has run for the new line, and what it forwards
 * lands in a file @to no longer serves (found by review, test in no suite yet: the
 * window cannot be closed without making offline wait, G4). So do not take a hart
 * offline while a move or promote into it is between its allocation and its return
 * (docs/integration.md, taking a hart out).
 */
int hgei_move(struct hgei_hart *from, unsigned line, struct hgei_hart *to, void *owner,
	      bool armed, const struct hgei_move_ops *ops, void *state, struct hgei_line *out);

/** Copies the hart's counters. Any hart; each value is read on its own. allocs is not
 * counted on the hot path but derived (frees + revokes + the lines owned now): exact on
 * a hart with no call in flight, like the others. */
void hgei_hart_counters(const struct hgei_hart *h, struct hgei_counters *c);

/** Reads the global figures. Any hart; the buckets are read one by one, not as a
 * snapshot, so a hart coming online meanwhile may be half counted. */
void hgei_get_figures(struct hgei_figures *f);

#endif
