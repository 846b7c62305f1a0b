/*
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * SPIN model of hgei_promote() and hgei_demote() (issue 17) on the single-writer
 * design: owner O has one software interrupt file (SW, memory, hgei_swfile.h) and may
 * hold the one hardware line of hart H (its guest file HW). O is promoted from SW to
 * H's line, or demoted from H's line to SW (chosen both ways), while a sender sends it
 * three MSIs (identities 1, 2, 4) to wherever they are directed now; owner X may take
 * H's line first (promote fails ENOSPC) and give it back; H may go offline and online
 * (revoking O's line). One line is enough: the question is the hand-over.
 *
 * run_on(H, fn) is one d_step of H guarded by !busy (H's steps are masked, single
 * writer); the software file's steps are d_steps of the caller (a memory operation:
 * one AMO per word for the take, one for each MSI). The guest runs only while no
 * promote/demote is under way (the API's contract) and, when it runs, claims what is
 * pending in its current file. O is blocked (armed) or not, chosen both ways: a
 * blocked O is woken by the SGEI of an armed line (hgei_handle_sgei()), by a sender
 * whose hgei_swfile_msi() returned true, or by demote's caller seeing
 * hgei_swfile_vseip() at the end.
 *
 * Checked: every identity sent is claimed exactly once (assert on a duplicate claim;
 * at quiescence claimed + pending in O's current file = sent and nothing stranded in
 * the other file) unless H revoked O's line; no lost wake (pending in O's file means O
 * is runnable, not blocked, or its line is armed); a failed promote leaves O on SW
 * with every MSI (G5). Flaw switches: FLAW_PROMOTE_TAKE_FIRST empties SW before the
 * redirect, FLAW_DEMOTE_DRAIN_FIRST drains H's file before the redirect: each loses
 * an MSI sent in between, and SPIN must find it.
 */

#define SW	0
#define HW	1
#define NONE	0
#define O	1
#define X	2

#define PROMOTE	1
#define DEMOTE	2

#define OK	1
#define ENODEV	2
#define ENOSPC	3
#define ECHANGED 4		/* H revoked the new line before the check */
#define EREVOKED 5		/* demote: H revoked O's line before the first step */

byte ident[2];			/* pending identities of SW and HW */
bit on[2];			/* eidelivery of SW and HW */
byte tgt;			/* where the sender's MSIs go (the redirect) */
byte cur;			/* O's file as far as O's guest is concerned */
byte own;			/* owner of H's line */
bit freeb, hgeie, online, busy;
bit moving;			/* a promote/demote is under way: O's guest does not run */

/* ghosts */
byte sent, delivered;
bit runnable;			/* O was woken */
bit blocked;			/* O waits for an interrupt (the call's @armed) */
bit revokedO;			/* H revoked O's line */
byte result;
byte mode;
byte ndone;
byte cycles;

/* SGEI on H: mask; the owner's wake marks it runnable. */
active proctype hartH()
{
end:	do
	:: d_step {
		!busy && hgeie && on[HW] && ident[HW] != 0 ->
		hgeie = 0;
		if
		:: own == O -> runnable = 1
		:: else -> skip
		fi
	   }
	:: d_step {	/* offline, once: revoke, no waiting */
		!busy && online && cycles == 0 ->
		cycles++;
		online = 0;
		hgeie = 0;
		if
		:: own == O -> revokedO = 1
		:: else -> skip
		fi;
		own = NONE
	   }
	:: d_step { !busy && !online -> freeb = 1; own = NONE; hgeie = 0; online = 1 }
	od
}

/* X on H: takes the line (local hgei_alloc) and may give it back. */
active proctype ownerX()
{
	d_step {
		!busy ->
		if
		:: online && freeb -> freeb = 0; own = X
		:: else -> skip
		fi
	}
	if
	:: skip
	:: d_step { !busy -> if :: own == X -> own = NONE; freeb = 1 :: else -> skip fi }
	fi;
	ndone++
}

/* The sender: each MSI one write to the current target; to SW it is
 * hgei_swfile_msi(), whose true return has the hypervisor wake O. */
inline send(id) {
	d_step {
		ident[tgt] = ident[tgt] | id; sent = sent | id;
		if
		:: tgt == SW && on[SW] -> runnable = 1
		:: else -> skip
		fi
	}
}

active proctype sender()
{
	mode > 0;
	send(1);
	send(2);
	send(4);
	ndone++
}

/* O's guest: runs when not blocked or woken, never during a promote/demote, and
 * claims what its current file holds (each claim is one identity's pending bit). */
active proctype guest()
{
end:	do
	:: d_step {
		mode > 0 && !moving && (runnable || !blocked) && ident[cur] != 0 &&
		(cur == SW || own == O) ->
		assert((delivered & ident[cur]) == 0);	/* exactly once */
		delivered = delivered | ident[cur];
		ident[cur] = 0;
		runnable = 0;
		/* a blocked vCPU blocks again: on its line, it re-arms (one-shot wakes) */
		if
		:: blocked && cur == HW -> hgeie = 1
		:: else -> skip
		fi
	   }
	od
}

active proctype caller()
{
	byte drained;

	/* atomic, not d_step: a d_step resolves its choices deterministically (the
	 * first open option), which would leave one mode and one @armed unexplored */
	atomic {
		online = 1;
		if :: blocked = 1 :: blocked = 0 fi;
		if
		:: mode = PROMOTE;	/* O on SW, H's line free */
			cur = SW; tgt = SW; on[SW] = 1; freeb = 1; own = NONE
		:: mode = DEMOTE;	/* O on H's line, armed if blocked */
			cur = HW; tgt = HW; on[HW] = 1; freeb = 0; own = O; hgeie = blocked
		fi
	}
	moving = 1;
	if
	:: mode == PROMOTE ->
		/* save SW's configuration: nothing any other actor sees */
		/* run_on(H): allocate, load (nothing pending), arm if blocked */
		d_step {
			!busy ->
			if
			:: !online -> result = ENODEV
			:: online && !freeb -> result = ENOSPC
			:: else -> freeb = 0; own = O; on[HW] = 1; ident[HW] = 0; hgeie = blocked
			fi
		}
		if
		:: result == 0 && own != O -> result = ECHANGED
		:: else -> skip
		fi;
		if
		:: result != 0 ->
			/* G5: SW untouched, still the target, O holds no line */
			assert(tgt == SW && on[SW] && own != O)
		:: else ->
#ifdef FLAW_PROMOTE_TAKE_FIRST
			d_step { drained = ident[SW]; ident[SW] = 0; on[SW] = 0 }
			tgt = HW;
#else
			tgt = HW;	/* redirect */
			/* take: one swap per word, the file switched off */
			d_step { drained = ident[SW]; ident[SW] = 0; on[SW] = 0 }
#endif
			/* forward: MSI writes to the new file */
			d_step { ident[HW] = ident[HW] | drained; drained = 0; cur = HW; result = OK }
		fi
	:: mode == DEMOTE ->
		/* run_on(H): disarm (fails if H revoked the line), save */
		d_step {
			!busy ->
			if
			:: own != O -> result = EREVOKED
			:: else -> hgeie = 0
			fi
		}
		if
		:: result == 0 ->
			on[SW] = 1;	/* SW loaded from the saved configuration */
#ifdef FLAW_DEMOTE_DRAIN_FIRST
			d_step {
				!busy ->
				drained = ident[HW]; ident[HW] = 0; on[HW] = 0;
				if :: own == O -> own = NONE; freeb = 1 :: else -> skip fi
			}
			tgt = SW;
#else
			tgt = SW;	/* redirect */
			/* run_on(H): drain (one swap per word) and free, one step */
			d_step {
				!busy ->
				drained = ident[HW]; ident[HW] = 0; on[HW] = 0;
				if :: own == O -> own = NONE; freeb = 1 :: else -> skip fi
			}
#endif
			/* forward into SW; the caller then checks hgei_swfile_vseip() */
			d_step {
				ident[SW] = ident[SW] | drained; drained = 0; cur = SW; result = OK;
				if :: ident[SW] != 0 -> runnable = 1 :: else -> skip fi
			}
		:: else -> skip
		fi
	fi;
	moving = 0;
	ndone++
}

/* At every quiescent point: nothing lost, doubled or stranded; no lost wake. */
active proctype quiescent()
{
	atomic {
		ndone == 3 && !(hgeie && on[HW] && ident[HW]) ->
		if
		:: revokedO -> skip	/* O was told by revoke() */
		:: else ->
			/* every identity sent: claimed once, or pending in O's file */
			assert((delivered | ident[cur]) == sent && (delivered & ident[cur]) == 0);
			/* nothing left in the file O no longer has */
			assert(ident[1 - cur] == 0);
			/* pending means O will look: woken, not blocked, or armed */
			assert(ident[cur] == 0 || runnable || !blocked || (cur == HW && hgeie));
			if
			:: result == OK -> assert(cur == SW || own == O)
			:: else -> assert(mode == PROMOTE && cur == SW && tgt == SW && on[SW])
			fi
		fi
	}
}

/* No lost wake as liveness (pan -a -f): an armed line with a pending identity does
 * not stay so. */
#define STUCK	(hgeie && on[HW] && ident[HW] != 0)
ltl g3 { [] (STUCK -> <> !STUCK) }
