/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Remote calls: another hart posts a request on the owning hart's list and waits;
 * the owning hart serves it in hgei_sync() with the local operation, so the hart
 * stays the only writer of its state and every check is made where it acts (G2).
 */
#include "internal.h"

/* The local call, on @h's hart; interrupts are masked already, so its own mask is
 * a no-op and nothing of the hart runs between its check and its action. */
static int serve_one(struct hgei_hart *h, struct hgei_req *r)
{
	switch (r->op) {
	case HGEI_REQ_ALLOC:
		return hgei_alloc(h, r->owner, r->out);
	case HGEI_REQ_FREE:
		return hgei_free(h, r->line, r->owner);
	case HGEI_REQ_ARM:
		return hgei_arm(h, r->line, r->owner);
	default:
		return hgei_disarm(h, r->line, r->owner);
	}
}

void hgei_serve(struct hgei_hart *h, struct hgei_req *list)
{
	struct hgei_req *fifo = HGEI_REQS_OPEN, *r, *next;
	unsigned long n = 0;

	/* Pushed newest first; served oldest first. */
	for (r = list; r != HGEI_REQS_OPEN; r = next) {
		next = r->next;
		r->next = fifo;
		fifo = r;
	}
	HGEI_STALL(HGEI_STALL_SERVE_TAKEN, h);
	for (r = fifo; r != HGEI_REQS_OPEN; r = next, n++) {
		next = r->next;
		/*
		 * Release: the state change (and an alloc's *out) happen before the
		 * caller's acquire of the result; it may free @r right after, so
		 * @r is not touched again.
		 */
		hgei_arch_store_release_int(&r->result, serve_one(h, r));
	}
	hgei_count(&h->ctr_requests, n);
}

void hgei_sync(struct hgei_hart *h)
{
	struct hgei_req *list;
	unsigned long flags;

	if (hgei_wrong_hart(h))
		return;
	/* Relaxed: only this hart closes or empties the list, so an empty or closed
	 * list stays so until it acts; the swap below is what orders the requests. */
	if ((uintptr_t)atomic_load_explicit(&h->reqs, memory_order_relaxed) <=
	    (uintptr_t)HGEI_REQS_OPEN)
		return;
	HGEI_STALL(HGEI_STALL_SYNC_CHECKED, h);
	flags = hgei_arch_irq_save();
	/*
	 * Again, masked: an offline taken in an interrupt since the look above has
	 * closed the list and served it, and swapping OPEN in would reopen an offline
	 * hart. Masked, nothing of this hart can close it; other harts only push, so a
	 * non-empty list stays non-empty until the swap.
	 */
	if ((uintptr_t)atomic_load_explicit(&h->reqs, memory_order_relaxed) >
	    (uintptr_t)HGEI_REQS_OPEN) {
		/* Acquire: pairs with the posters' release, so their requests are whole. */
		list = atomic_exchange_explicit(&h->reqs, HGEI_REQS_OPEN, memory_order_acquire);
		hgei_serve(h, list);
	}
	hgei_arch_irq_restore(flags);
}

/*
 * Posts @r on @h's list. seq_cst LR/SC: the release half publishes the request to
 * the server's acquire swap, the acquire half orders the read of @h's hartid after
 * the list was seen open (hgei_hart_init() writes it before opening). Only the
 * poster that finds the list empty kicks: the others' requests ride on its kick,
 * since the server takes the whole list at once.
 */
static int post(struct hgei_hart *h, struct hgei_req *r)
{
	void *old = atomic_load_explicit(&h->reqs, memory_order_relaxed);

	do {
		if (!old) {
			/* Acquire: pairs with offline's closing exchange (or a later
			 * init's opening store), so every revoke of that offline has
			 * happened before the caller sees -ENODEV (G1, G4). Only on this
			 * rare path, so the fast one pays no fence. */
			(void)atomic_load_explicit(&h->reqs, memory_order_acquire);
			return -HGEI_ENODEV;
		}
		r->next = old;
	} while (!hgei_arch_cas_ptr((void *_Atomic *)&h->reqs, &old, r));
	if (old == HGEI_REQS_OPEN)
		hgei_port_kick(atomic_load_explicit(&h->hartid, memory_order_relaxed));
	return 0;
}

/*
 * Waits for the server's result. Acquire pairs with the server's release of it, so
 * the state change and an allocation's *out are seen. On RISC-V the loop polls
 * relaxed and fences once; the host build uses an acquire load per poll, because
 * ThreadSanitizer does not model a standalone fence.
 */
static int wait_result(struct hgei_req *r)
{
	int err;

#ifdef HGEI_HOST
	while ((err = atomic_load_explicit(&r->result, memory_order_acquire)) ==
	       HGEI_PENDING)
		hgei_arch_relax();
#else
	while ((err = atomic_load_explicit(&r->result, memory_order_relaxed)) ==
	       HGEI_PENDING)
		hgei_arch_relax();
	atomic_thread_fence(memory_order_acquire);
#endif
	return err;
}

/*
 * Posts @r (built, its result HGEI_PENDING) on @h's list or, on @h's own hart, where a
 * request would wait for itself, makes the local call here and stores its result.
 * Returns 0, or -HGEI_ENODEV when @h is closed, stored as the result too.
 */
static int submit(struct hgei_hart *h, struct hgei_req *r)
{
	unsigned long flags;
	int err = 0, res;

	if (atomic_load_explicit(&h->hartid, memory_order_relaxed) == hgei_port_hartid() &&
	    atomic_load_explicit(&h->reqs, memory_order_relaxed)) {
		flags = hgei_arch_irq_save();
		/*
		 * Looked at again, masked: an offline taken in an interrupt since the
		 * look above has closed the list. It ran on this hart, so its revokes
		 * are ordered before this without a fence.
		 */
		if (atomic_load_explicit(&h->reqs, memory_order_relaxed))
			res = serve_one(h, r);
		else
			res = err = -HGEI_ENODEV;
		hgei_arch_irq_restore(flags);
	} else {
		HGEI_STALL(HGEI_STALL_REMOTE_BUILT, h);
		err = post(h, r);
		if (!err) {
			HGEI_STALL(HGEI_STALL_REMOTE_POSTED, h);
			return 0;
		}
		/* Closed: post()'s acquire has ordered every revoke before this. */
		res = err;
	}
	/* Release, as the server's: an asynchronous request's owner may read the
	 * result (acquire) on another hart, and then sees the local call's change or,
	 * when closed, every revoke (G1). */
	hgei_arch_store_release_int(&r->result, res);
	return err;
}

static int remote(struct hgei_hart *h, enum hgei_req_op op, unsigned line, void *owner,
		  struct hgei_line *out)
{
	/* Initialised, not atomic_init(): GCC 12 makes that an amoswap too. */
	struct hgei_req r = { .owner = owner, .out = out, .line = line, .op = op,
			      .result = HGEI_PENDING };
	int err = submit(h, &r);

	return err ? err : wait_result(&r);
}

static void clear_line(struct hgei_line *out)
{
	out->line = 0;
	out->hstatus_vgein = 0;
	out->file_pa = 0;
}

int hgei_remote_alloc(struct hgei_hart *h, void *owner, struct hgei_line *out)
{
	int err = remote(h, HGEI_REQ_ALLOC, 0, owner, out);

	if (err == -HGEI_ENODEV)
		clear_line(out);	/* closed: nobody served it */
	return err;
}

int hgei_remote_free(struct hgei_hart *h, unsigned line, void *owner)
{
	return remote(h, HGEI_REQ_FREE, line, owner, NULL);
}

/*
 * The same request as hgei_remote_free(), in the caller's @req, without the wait:
 * completion is the server's release store of the result, which hgei_req_result()
 * reads with acquire, so G1 holds from there exactly as when hgei_remote_free()
 * returns (the server acts, then stores the result; a wake() or revoke() of the
 * line runs on the same hart, masked, before or after that whole step).
 */
int hgei_remote_free_async(struct hgei_hart *h, unsigned line, void *owner,
			   struct hgei_req *req)
{
	req->owner = owner;
	req->out = NULL;
	req->line = line;
	req->op = HGEI_REQ_FREE;
	/* Plain: the post's release publishes it with the rest of the request. */
	hgei_arch_store_int(&req->result, HGEI_PENDING);
	return submit(h, req);
}

int hgei_req_result(const struct hgei_req *req)
{
	/* Acquire: pairs with the server's release of the result (G1). */
	return hgei_arch_load_acquire_int(&req->result);
}

int hgei_req_wait(struct hgei_req *req)
{
	return wait_result(req);
}

int hgei_remote_arm(struct hgei_hart *h, unsigned line, void *owner)
{
	return remote(h, HGEI_REQ_ARM, line, owner, NULL);
}

int hgei_remote_disarm(struct hgei_hart *h, unsigned line, void *owner)
{
	return remote(h, HGEI_REQ_DISARM, line, owner, NULL);
}

#ifdef HGEI_HOST
bool hgei_wrong_hart(const struct hgei_hart *h)
{
	return atomic_load_explicit((_Atomic uint32_t *)&h->hartid, memory_order_relaxed) !=
	       hgei_port_hartid();
}

bool hgei_wrong_hartid(uint32_t hartid)
{
	return hartid != hgei_port_hartid();
}
#endif

#ifdef HGEI_TEST_HOOKS
/* The stall points do nothing unless a test provides its own. */
__attribute__((weak)) void hgei_test_stall(enum hgei_stall at, struct hgei_hart *h)
{
	(void)at;
	(void)h;
}
#endif
