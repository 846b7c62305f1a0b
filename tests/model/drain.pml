/*
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * drain.pml: the drain step that hgei_move() and hgei_demote() share
 * (hgei_move_drain(), lib/hgei/move.c), against the old line changing hands after
 * the redirect. Owner O moves off hart F's line (its new file on T is already loaded
 * and O's device redirected there at any moment); meanwhile F may go offline (its
 * revoke of O's line drains O's file into O, as docs/integration.md says a revoke
 * must), come back online, and owner X may take the freed line, with X's own device
 * sending identity 4 into it. Then the mover's drain runs on F.
 *
 * The fixed drain looks at the line's owner in the same masked step: O's line is
 * drained and freed; a line taken away and not reused (no owner) is drained (what
 * reached it before the redirect goes with O); another owner's line is left alone.
 * FLAW_DRAIN_FOREIGN drains whatever the line holds (the code before the review):
 * X's identity is forwarded into O's new file and lost to X (G2).
 *
 * Checked: no identity of X ever reaches O's file; X's identity, once sent, is
 * claimed by X or still pending in X's file; while O's line was not revoked, every
 * identity O's device sent is in O's new file at the end (none lost, none left on F).
 * Every process ends (pan's end-state check: X never waits for an identity taken).
 */
#define NONE	0
#define O	1
#define X	2
#define ID_X	4

byte own = O;			/* F's line: O holds it when the move reaches its drain */
bit freeb;			/* F's free map bit for the line */
bit online = 1;
byte identF;			/* pending identities in F's file for the line */
byte identT;			/* O's new file on T */
bit tgtT;			/* O's device redirected to T */
byte sentO, sentX;
bit claimedX, revokedO;
byte rescued;			/* what O's revoke drained out of F's file */
byte ndone;

/* O's device: identities 1 and 2, each one MSI write to its current target */
active proctype deviceO()
{
	d_step { if :: tgtT -> identT = identT | 1 :: else -> identF = identF | 1 fi; sentO = sentO | 1 }
	d_step { if :: tgtT -> identT = identT | 2 :: else -> identF = identF | 2 fi; sentO = sentO | 2 }
	ndone++
}

/* hart F: once offline (revoke of O's line: the hypervisor drains O's file into O)
 * and online again (the line free) */
active proctype hartF()
{
	d_step {
		online ->
		online = 0;
		if
		:: own == O -> revokedO = 1; rescued = identF; identF = 0
		:: else -> skip
		fi;
		own = NONE; freeb = 0
	}
	d_step { online = 1; freeb = 1 }
	ndone++
}

/* owner X: takes F's line when it is free, its device sends it identity 4, X claims */
active proctype ownerX()
{
	if
	:: d_step { online && freeb -> freeb = 0; own = X }
		d_step { identF = identF | ID_X; sentX = 1 }
		d_step { (identF & ID_X) -> identF = identF & ~ID_X; claimedX = 1 }
	:: skip
	fi;
	ndone++
}

/* the move, from the redirect on */
active proctype mover()
{
	byte drained;

	tgtT = 1;		/* ops->redirect: O's device now writes to T */
	d_step {		/* run_on(F): hgei_move_drain() */
#ifdef FLAW_DRAIN_FOREIGN
		drained = identF; identF = 0;
		if :: own == O -> own = NONE; freeb = 1 :: else -> skip fi
#else
		if
		:: own == O -> drained = identF; identF = 0; own = NONE; freeb = 1
		:: own == NONE -> drained = identF; identF = 0
		:: else -> skip		/* another owner's now: not drained */
		fi
#endif
	}
	d_step { assert((drained & ID_X) == 0); identT = identT | drained; drained = 0 }
	ndone++
}

active proctype quiescent()
{
	atomic {
		ndone == 4 ->
		assert((identT & ID_X) == 0);
		assert(!sentX || claimedX || (identF & ID_X));
		/* O's line revoked: O was told, and its revoke took what F's file held
		 * then; an MSI that reached the file after that is the late case the
		 * hypervisor fetches itself (docs/integration.md, taking a hart out). */
		assert(revokedO || (identT & sentO) == sentO)
	}
}
