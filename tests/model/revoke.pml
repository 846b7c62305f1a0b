/*
 * revoke.pml: hgei_hart_offline()'s revoke loop when the revoke() callbacks call the
 * hart's own operations (include/hgei.h, struct hgei_ops.revoke: "a line freed in a
 * revoke() is not revoked, a line allocated in one is revoked too before offline
 * returns"). lib/hgei/hart.c revoke_lines(): while some line is in lines_mask, not
 * free and not yet done, take the lowest, mark it done, clear its owner, call
 * revoke(owner); then hgeie is cleared again and the hart closed.
 *
 * Everything here runs on the one hart going offline, masked, so the only
 * nondeterminism is where the lines start (free, owned, armed) and what each revoke()
 * does: nothing, free another owner's line (hgei_free() with its owner, or the
 * manager's NULL free), a late free of its own revoked line (must fail, G5), or
 * allocate (and maybe arm) a line for a fresh owner, which may be freed by a later
 * revoke() in turn. SPIN walks every such history exhaustively.
 *
 * Checked: G4 (every line owned at the start or allocated during the loop is revoked
 * exactly once, never a line whose free returned, never revoke(NULL), the loop ends
 * within NL revokes, nothing owned or enabled afterwards) and G1 (no revoke of an
 * owner after its free returned).
 *
 * Flaw switches (tests/model/run.sh expects a counterexample from each):
 *   FLAW_REVOKE_SNAPSHOT: the loop works from the owned mask read once at its start
 *     (the code before the review fix): a line freed by an earlier revoke() is
 *     revoked anyway (revoke(NULL)), one allocated in a revoke() is never revoked.
 *   FLAW_NO_SECOND_CLEAR: hgeie is not cleared again after the revokes: a line a
 *     revoke() allocated and armed stays enabled on the closed hart.
 */
#define NL	3	/* lines 1..NL */
#define NO	4	/* owners 1..NO: 1..NL may start with a line, NO is fresh */
#define FRESH	NO

byte owners[NL + 1];	/* owners[g]: 0 = none */
bit freeb[NL + 1];	/* the free map */
bit mask[NL + 1];	/* lines_mask */
bit hgeie[NL + 1];
bit done[NL + 1];

byte holds[NO + 1];	/* the owner's own view: its line, 0 = none */
bit freed[NO + 1];	/* its free returned (ghost) */
byte revoked[NO + 1];	/* revokes it got */
bit had[NO + 1];	/* it held a line at some point (ghost) */

byte nrevokes;
byte g, o, p, l, fl, fo;
bit found;

/* hgei_free(line, owner) with a named owner, or NULL (owner 0): the manager's. */
inline do_free(line, who)
{
	d_step {
		fl = line;
		if
		:: fl >= 1 && fl <= NL && owners[fl] != 0 &&
		   (who == 0 || owners[fl] == who) ->
			hgeie[fl] = 0;
			fo = owners[fl];
			freed[fo] = 1;
			holds[fo] = 0;
			owners[fl] = 0;
			freeb[fl] = 1
		:: else -> skip	/* -EINVAL: nothing changes (G5) */
		fi;
		fl = 0;
		fo = 0
	}
}

/* hgei_alloc(owner FRESH), lowest free line; then maybe hgei_arm(). */
inline do_alloc_fresh()
{
	d_step {
		l = 1;
		do
		:: l <= NL && !freeb[l] -> l++
		:: else -> break
		od;
		if
		:: l <= NL ->
			freeb[l] = 0;
			owners[l] = FRESH;
			holds[FRESH] = l;
			had[FRESH] = 1
		:: else -> l = 0	/* -ENOSPC */
		fi
	}
	if
	:: l -> hgeie[l] = 1
	:: l -> skip
	:: else -> skip
	fi
}

/* What a revoke() may do (hgei.h): any one of these, nothing nested deeper. */
inline revoke_callback(self)
{
	if
	:: skip
	:: holds[self] == 0 ->	/* a late free of its own revoked line: fails */
		do_free(g, self);
		assert(owners[g] == 0 && !freeb[g])
	:: holds[1] -> do_free(holds[1], 1)
	:: holds[2] -> do_free(holds[2], 2)
	:: holds[3] -> do_free(holds[3], 3)
	:: holds[FRESH] -> do_free(holds[FRESH], 0)	/* the manager's free */
	:: !had[FRESH] -> do_alloc_fresh()
	fi
}

init {
	/* The hart before offline: lines free, or owned (armed or not) by owner g.
	 * atomic, not d_step: a d_step would resolve the choice one way only. */
	atomic {
		g = 1;
		do
		:: g <= NL ->
			mask[g] = 1;
			if
			:: freeb[g] = 1
			:: owners[g] = g; holds[g] = g; had[g] = 1
			:: owners[g] = g; holds[g] = g; had[g] = 1; hgeie[g] = 1
			fi;
			g++
		:: else -> break
		od
	}

	/* hgei_hart_offline(): online = 0, hgeie = 0, then the revoke loop. */
	d_step {
		g = 1;
		do
		:: g <= NL -> hgeie[g] = 0; g++
		:: else -> break
		od
	}
#ifdef FLAW_REVOKE_SNAPSHOT
	/* The owned mask read once: done[] marks the lines to visit. */
	d_step {
		g = 1;
		do
		:: g <= NL -> done[g] = !(mask[g] && !freeb[g]); g++
		:: else -> break
		od
	}
#endif
	do
	:: true ->
		d_step {
			/* The lowest owned line not done yet. */
			found = 0;
			g = 1;
			do
#ifdef FLAW_REVOKE_SNAPSHOT
			:: g <= NL && done[g] -> g++
#else
			:: g <= NL && !(mask[g] && !freeb[g] && !done[g]) -> g++
#endif
			:: else -> break
			od;
			if
			:: g <= NL ->
				found = 1;
				done[g] = 1;
				o = owners[g];
				owners[g] = 0
			:: else -> skip
			fi
		}
		if
		:: !found -> break
		:: else -> skip
		fi;
		/* revoke(o, hartid, g) */
		assert(o != 0);			/* never revoke(NULL) */
		assert(!freed[o]);		/* G1 */
		assert(revoked[o] == 0);	/* G4: once */
		revoked[o]++;
		holds[o] = 0;
		nrevokes++;
		assert(nrevokes <= NL);		/* G4: bounded */
		revoke_callback(o)
	od;
	skip;	/* the loop's exit is not the d_step's first statement */
#ifndef FLAW_NO_SECOND_CLEAR
	d_step {
		g = 1;
		do
		:: g <= NL -> hgeie[g] = 0; g++
		:: else -> break
		od
	}
#endif
	/* lines_mask = free = 0; the list closed. Then what offline promised: */
	d_step {
		g = 1;
		do
		:: g <= NL ->
			assert(owners[g] == 0);	/* nothing owned */
			assert(hgeie[g] == 0);	/* nothing enabled */
			g++
		:: else -> break
		od;
		p = 1;
		do
		:: p <= NO ->
			/* Every owner that held a line: revoked once, or freed and not revoked. */
			assert(!had[p] || (freed[p] && revoked[p] == 0) ||
			       (!freed[p] && revoked[p] == 1));
			p++
		:: else -> break
		od
	}
}
