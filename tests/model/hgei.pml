/*
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * SPIN model of lib/hgei's single-writer design (issue #14): alloc, free (local and
 * remote, by owner or by the manager's "whoever holds it"), arm, disarm, the SGEI
 * dispatch of a pending MSI, the request list with its kick, offline and online.
 * tests/model/README.md says which C function each step stands for.
 *
 * Harts: hart 0 holds the lines (GEILEN = NL = 2), hart 1 runs the manager and B's
 * remote calls, hart 2 runs A's late (stale) remote calls. Owners: A and B, one
 * allocation each, so "owner" and "that allocation" are the same thing here.
 * A's late free and the manager's free may each be asynchronous
 * (hgei_remote_free_async): posted, and completion read in a later step; A counts
 * as done in between, so hart 0 and the others run on while its request waits.
 *
 * One step per local call: every call that writes hart 0's line state runs on hart 0
 * with its interrupts masked, and nothing else writes that state (single writer), so
 * a local call, one served request, or the first half of the SGEI handler is one
 * d_step. Multi-step activities of hart 0 (serving the list, the SGEI handler with
 * its wake callbacks, offline) hold busy (= hart 0 is running masked code) so no
 * other activity of hart 0 interleaves, while the other harts do.
 *
 * Compile-time switches (spin -DNAME -a), each re-creating a flaw found in the
 * design as first written; run.sh expects a counterexample from each:
 *   FLAW_OFFLINE_CLOSE_FIRST  offline closes the list before revoking (G1 broken)
 *   FLAW_SYNC_REOPENS         hgei_sync swaps CLOSED -> OPEN on an offline hart
 *   CHECK_REVOKE_AFTER_ALLOC  asserts revoke never precedes the alloc's return
 *   FLAW_ASYNC_POSTED_IS_DONE an asynchronous free's caller takes the post's return
 *                             for its completion (G1 broken: a wake still comes)
 */

#define NH	3		/* harts: 0 holds the lines, 1 and 2 call from afar */
#define NL	2		/* lines of hart 0, indices 0..NL-1 (hgei lines 1..2) */
#define ALL	3		/* all NL bits */

#define NONE	0		/* owner NULL */
#define A	1
#define B	2
#define NO	3		/* owner index bound */
#define NOWHERE	255		/* ghost: holds no line */

/* request list head: CLOSED (zeroed/offline), OPEN (empty), else node r + 2 */
#define CLOSED	0
#define OPEN	1

/* requests and results */
#define R_ALLOC		1
#define R_FREE		2
#define R_ARM		3
#define R_DISARM	4
#define PENDING	0
#define OK	1
#define ENODEV	2
#define EINVAL	3
#define ENOSPC	4

/* requesters, i.e. request nodes (one per remote caller, on its stack) */
#define RA	0		/* owner A's late calls, from hart 2 */
#define RM	1		/* the manager, from hart 1 */
#define RB	2		/* owner B's remote calls, from hart 1 */
#define NR	3

#define NCLIENTS 4		/* A, B, manager, sender */

/* ---- hart 0's line state: written only by hart 0 ---- */
byte freeb = ALL;		/* free bitmap */
byte own[NL];			/* owners[g] */
byte hgeie;			/* the arm state: hart 0's hgeie CSR */
bit online = 1;
/* ---- shared ---- */
byte hgeip;			/* MSIs: any hart sets, the woken guest claims */
byte head = OPEN;		/* reqs: CAS pushes from anywhere, AMO swap on hart 0 */
bit kick;			/* hart 0's pending IPI */
bit busy;			/* hart 0 runs masked code (not memory, a program counter) */
/* request nodes, on the remote callers' stacks */
byte rq_op[NR], rq_line[NR], rq_own[NR], rq_res[NR], rq_next[NR];

/* ---- ghosts (the guarantees' bookkeeping, no counterpart in C) ---- */
byte hold[NO] = NOWHERE;			/* line the owner holds on hart 0, or NOWHERE */
bit armed[NO];			/* an arm of this allocation awaits its wake */
bit in_wake[NO], in_revoke[NO];
bit freed[NO];			/* an hgei_free() of this allocation has returned */
byte revoked[NO];
bit alloc_returned[NO];
byte ndone;			/* clients finished */
byte cycles;			/* offline/online cycles done (bounded) */
bit in_offline;
byte offline_steps;

/* scratch for d_steps only: hidden, so not part of the state vector */
hidden byte t_res, t_line, t_who, t_r, t_g, s_free, s_e, s_o0, s_o1;

#define BIT(g)		(1 << (g))

/*
 * The invariant behind G2 and G3: the line state is exactly what its current owner
 * did to it. A held line is in hgeie iff its owner's last arm awaits its wake; a line
 * nobody holds is not in hgeie; owners[] and the owners' view agree; free lines have
 * no owner.
 */
#define LINE_OK(g) \
	((own[g] == NONE) -> (((hgeie & BIT(g)) == 0) && hold[A] != g && hold[B] != g) \
	 : (hold[own[g]] == g && (((hgeie & BIT(g)) != 0) == armed[own[g]]) && \
	    (freeb & BIT(g)) == 0))
#define INV	(LINE_OK(0) && LINE_OK(1) && \
		 (hold[A] == NOWHERE || own[hold[A]] == A) && \
		 (hold[B] == NOWHERE || own[hold[B]] == B))

/* ---- the local operations, each one step of hart 0 (interrupts masked) ---- */

/* hgei_alloc: lowest free line */
inline do_alloc(o) {
	if
	:: !online -> t_res = ENODEV
	:: online && freeb == 0 -> t_res = ENOSPC
	:: else ->
		t_line = ((freeb & 1) -> 0 : 1);
		freeb = freeb & ~BIT(t_line);
		own[t_line] = o;
		hold[o] = t_line;
		t_res = OK
	fi
}

/* hgei_free(line, o): o NONE = whoever holds it (the manager) */
inline do_free(g, o) {
	t_who = own[g];
	if
	:: t_who != NONE && (o == NONE || o == t_who) ->
		hgeie = hgeie & ~BIT(g);
		own[g] = NONE;
		freeb = freeb | BIT(g);
		hold[t_who] = NOWHERE;
		armed[t_who] = 0;
		t_res = OK
	:: else -> t_res = EINVAL
	fi
}

inline do_arm(g, o) {
	if
	:: o != NONE && own[g] == o -> hgeie = hgeie | BIT(g); armed[o] = 1; t_res = OK
	:: else -> t_res = EINVAL
	fi
}

inline do_disarm(g, o) {
	if
	:: o != NONE && own[g] == o -> hgeie = hgeie & ~BIT(g); armed[o] = 0; t_res = OK
	:: else -> t_res = EINVAL
	fi
}

inline snap() { s_free = freeb; s_e = hgeie; s_o0 = own[0]; s_o1 = own[1] }
/* G5: a failed call changed nothing */
inline unchanged_on_failure() {
	assert(t_res == OK || (s_free == freeb && s_e == hgeie && s_o0 == own[0] &&
			       s_o1 == own[1]))
}

/* hgei_sync serving one request taken from the list: validates at this moment */
inline serve_one(r) {
	snap();
	if
	:: rq_op[r] == R_ALLOC -> do_alloc(rq_own[r]); rq_line[r] = t_line
	:: rq_op[r] == R_FREE -> do_free(rq_line[r], rq_own[r]); rq_own[r] = t_who
	:: rq_op[r] == R_ARM -> do_arm(rq_line[r], rq_own[r])
	:: rq_op[r] == R_DISARM -> do_disarm(rq_line[r], rq_own[r])
	fi;
	unchanged_on_failure();
	assert(INV);
	rq_res[r] = t_res		/* release: the caller may return from here on */
}

/* walk a list taken by one swap; each request one step (read next, serve, result) */
inline serve_taken() {
	do
	:: v >= 2 ->
		d_step {
			t_r = v - 2;
			v = rq_next[t_r];
			rq_next[t_r] = 0;
			serve_one(t_r);
			offline_steps = offline_steps + in_offline
		}
	:: else -> break
	od;
	v = 0
}

/* ---- remote calls: push a node with one CAS, kick if the list was empty, spin ---- */
inline remote(r, op, line, o, res) {
	atomic {
		kk = 0;
		rq_op[r] = op; rq_line[r] = line; rq_own[r] = o; rq_res[r] = PENDING;
		if
		:: head == CLOSED -> rq_res[r] = ENODEV; rq_next[r] = CLOSED
		:: else -> kk = (head == OPEN); rq_next[r] = head; head = r + 2
		fi
	}
	/* the kick (an IPI) when the list was empty: a step of its own */
	if
	:: kk -> d_step { kick = 1; kk = 0 }
	:: else -> skip
	fi;
	(rq_res[r] != PENDING);	/* spin (interrupts enabled) until hart 0 answers */
	res = rq_res[r]
}

/*
 * hgei_remote_free_async: the same push and kick, then the call returns; the caller
 * reads the result (completion) in a step of its own, whenever it likes, and keeps
 * the node untouched until then.
 */
inline post_async(r, op, line, o) {
	atomic {
		kk = 0;
		rq_op[r] = op; rq_line[r] = line; rq_own[r] = o; rq_res[r] = PENDING;
		if
		:: head == CLOSED -> rq_res[r] = ENODEV; rq_next[r] = CLOSED
		:: else -> kk = (head == OPEN); rq_next[r] = head; head = r + 2
		fi
	}
	if
	:: kk -> d_step { kick = 1; kk = 0 }
	:: else -> skip
	fi
}

inline done_node(r) { d_step { rq_op[r] = 0; rq_line[r] = 0; rq_own[r] = 0; rq_res[r] = 0 } }

/* ---- hart 0: serves kicks, takes SGEIs, goes offline and online ---- */
active proctype hart0()
{
	byte v, g, o, pend;

end:	do
	/* hgei_sync() from the kick IPI */
	:: atomic { !busy && kick -> busy = 1; kick = 0;
#ifdef FLAW_SYNC_REOPENS
		v = head; head = OPEN
#else
		v = head;
		if :: v != CLOSED -> head = OPEN :: else -> skip fi
#endif
	   }
	   serve_taken();
	   busy = 0

	/* the SGEI handler: pending = hgeip & hgeie, clear those hgeie bits (one step),
	 * then one wake(owners[g]) per pending line, as begin/end so that the other
	 * harts run while the callback does */
	:: atomic { !busy && (hgeip & hgeie) -> busy = 1 }
		d_step {
			pend = hgeip & hgeie;
			hgeie = hgeie & ~pend;
			g = 0;
			do
			:: g < NL ->
				if
				:: (pend & BIT(g)) && own[g] != NONE ->
					assert(armed[own[g]]);	/* G3: one wake per arm */
					armed[own[g]] = 0
				:: else -> skip
				fi;
				g++
			:: else -> break
			od;
			assert(INV)
		}
	   g = 0;
	   do
	   :: g < NL ->
		if
		:: (pend & BIT(g)) && own[g] != NONE ->
			d_step {	/* wake(owner) begins: the guest claims its MSI */
				o = own[g];
				assert(!freed[o]);			/* G1 */
				assert(hold[o] == g);		/* G3: its owning hart */
				in_wake[o] = 1;
				hgeip = hgeip & ~BIT(g)
			}
			d_step { in_wake[o] = 0; o = 0 }	/* wake returns */
		:: else -> skip
		fi;
		g++
	   :: else -> break
	   od;
	   skip;
	   d_step { g = 0; pend = 0; busy = 0 }

	/* hgei_hart_offline(): one bounded pass, no waiting on other harts (G4) */
	:: atomic { !busy && online && cycles == 0 -> busy = 1; in_offline = 1; cycles++ }
#ifdef FLAW_OFFLINE_CLOSE_FIRST
	   d_step { v = head; head = CLOSED; offline_steps++ }
	   serve_taken();
#endif
	   d_step {
		online = 0;
		hgeie = 0;
		armed[A] = 0; armed[B] = 0;	/* these arms end in the revokes below */
		offline_steps++
	   }
	   g = 0;
	   do
	   :: g < NL ->
		if
		:: own[g] != NONE ->
			d_step {	/* owners[g] = NULL; revoke(owner) begins */
				o = own[g];
				own[g] = NONE;
				hold[o] = NOWHERE;
				assert(!freed[o]);			/* G1 */
				assert(revoked[o] == 0);		/* G4: once */
#ifdef CHECK_REVOKE_AFTER_ALLOC
				assert(alloc_returned[o]);
#endif
				revoked[o]++;
				in_revoke[o] = 1;
				offline_steps++
			}
			d_step { in_revoke[o] = 0; o = 0 }	/* revoke returns */
		:: else -> skip
		fi;
		g++
	   :: else -> break
	   od;
	   g = 0;
#ifndef FLAW_OFFLINE_CLOSE_FIRST
	   /* close last: a push that then finds CLOSED fails with every revoke done */
	   d_step { v = head; head = CLOSED; offline_steps++ }
	   serve_taken();
#endif
	   d_step {
		/* G4: every owned line revoked, and a bounded number of steps:
		 * 1 close + 1 mask + NL revokes + at most NR requests */
		assert(own[0] == NONE && own[1] == NONE);
		assert(hold[A] == NOWHERE && hold[B] == NOWHERE);
		assert(offline_steps <= 2 + NL + NR);
		assert(INV);
		offline_steps = 0;
		in_offline = 0;
		busy = 0
	   }

	/* hgei_hart_init(): reset, then open the list (store OPEN, release) */
	:: d_step { !busy && !online ->
			freeb = ALL; own[0] = NONE; own[1] = NONE; hgeie = 0; online = 1;
#ifndef FLAW_SYNC_REOPENS
			assert(head == CLOSED);
#endif
			head = OPEN;
			assert(INV)
	   }
	od
}

/* ---- owner A (vCPU on hart 0): alloc, arm, block; then one late call from hart 2 ---- */
active proctype ownerA()
{
	byte la, res;
	bit kk;

	d_step { !busy -> snap(); do_alloc(A); la = t_line; res = t_res;
				   unchanged_on_failure(); assert(INV);
				   if :: res == OK -> alloc_returned[A] = 1 :: else fi;
				   t_line = 0 }
	if
	:: res != OK -> goto out
	:: else -> skip
	fi;
	d_step { !busy -> do_arm(la, A); assert(INV) }
	/* A blocks; by the time its late call arrives the manager may have freed the
	 * line, hart 0 may have revoked it, and B may hold it */
	if
	:: remote(RA, R_DISARM, la, A, res)
	:: remote(RA, R_ARM, la, A, res)
	:: remote(RA, R_FREE, la, A, res);
	   d_step { assert(!in_wake[A] && !in_revoke[A]); freed[A] = 1 }	/* G1 */
	/* asynchronous: A's vCPU goes on elsewhere and counts as done; completion is
	 * read later, and only from then on is G1 promised */
	:: post_async(RA, R_FREE, la, A);
	   d_step { la = 0; ndone++ }
#ifdef FLAW_ASYNC_POSTED_IS_DONE
	   d_step { assert(!in_wake[A] && !in_revoke[A]); freed[A] = 1 }
#endif
	   d_step { rq_res[RA] != PENDING ->
			assert(!in_wake[A] && !in_revoke[A]);		/* G1 */
			freed[A] = 1 }
	   done_node(RA);
	   goto gone
	:: d_step { !busy -> snap(); do_free(la, A); unchanged_on_failure();
				      assert(INV); assert(!in_wake[A] && !in_revoke[A]);
				      freed[A] = 1 }
	fi;
	done_node(RA);
out:	skip;
	d_step { la = 0; res = 0; ndone++ }
gone:	skip
}

/* ---- the manager on hart 1: frees a line of hart 0 for whoever holds it ---- */
active proctype manager()
{
	byte ml, res;
	bit kk;

	/* line 0: the first one A or B gets; blocking, or asynchronous with its
	 * completion read in a later step */
	if
	:: remote(RM, R_FREE, ml, NONE, res)
	:: post_async(RM, R_FREE, ml, NONE);
	   d_step { rq_res[RM] != PENDING -> res = rq_res[RM] }
	fi;
	d_step {
		if
		:: res == OK ->	/* it ended the allocation of the owner it names */
			assert(!in_wake[rq_own[RM]] && !in_revoke[rq_own[RM]]);	/* G1 */
			freed[rq_own[RM]] = 1
		:: else -> skip
		fi
	}
	done_node(RM);
	d_step { ml = 0; res = 0; ndone++ }
}

/* ---- owner B: allocates (local on hart 0 or remote from hart 1), arms, maybe
 * disarms or frees ---- */
active proctype ownerB()
{
	byte lb, res;
	bit kk;

	if
	:: d_step { !busy -> do_alloc(B); lb = t_line; res = t_res; assert(INV);
		    alloc_returned[B] = (res == OK); t_line = 0 }
	:: remote(RB, R_ALLOC, 0, B, res);
	   d_step { lb = rq_line[RB]; alloc_returned[B] = (res == OK) }
	   done_node(RB)
	fi;
	if
	:: res != OK -> goto out
	:: else -> skip
	fi;
	if
	:: d_step { !busy -> do_arm(lb, B); res = t_res; assert(INV) }
	:: remote(RB, R_ARM, lb, B, res); done_node(RB)
	fi;
	if
	:: skip
	:: res == OK -> d_step { !busy -> do_disarm(lb, B); assert(INV) }
	:: res == OK -> d_step { !busy -> do_free(lb, B); assert(INV);
			assert(!in_wake[B] && !in_revoke[B]); freed[B] = 1 }
	fi;
out:	skip;
	d_step { lb = 0; res = 0; ndone++ }
}

/* ---- a device: two MSIs into hart 0's guest files, at any time ---- */
active proctype sender()
{
	if
	:: hgeip = hgeip | BIT(0); hgeip = hgeip | BIT(1)
	:: hgeip = hgeip | BIT(1); hgeip = hgeip | BIT(0)
	fi;
	ndone++
}

/*
 * At every quiescent end (clients done, hart 0 idle and no SGEI to take), G3: no owner
 * whose arm awaits its wake has an MSI pending on its line, and G2 in the invariant.
 */
active proctype quiescent()
{
	atomic {
		ndone == NCLIENTS && !busy && (hgeip & hgeie) == 0 ->
		assert(INV);
		assert(!(hold[A] != NOWHERE && armed[A] && (hgeip & BIT(hold[A]))));
		assert(!(hold[B] != NOWHERE && armed[B] && (hgeip & BIT(hold[B]))));
		assert(head != OPEN || online);
	}
}
