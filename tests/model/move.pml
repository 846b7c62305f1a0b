/*
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * SPIN model of hgei_move() (issue #14) on the single-writer design: owner O moves
 * from hart F's line to a line of hart T while a device sends it two MSIs (distinct
 * interrupt identities 1 and 2), T may be full (owner X holds its line, and may free
 * it) and T may go offline and come back. One line per hart (GEILEN 1) is enough:
 * the move's question is the hand-over, not the choice of line.
 *
 * run_on(X, fn) is one step of hart X (interrupts masked, single writer), so each
 * run_on is a d_step guarded by !busy[X]. The SGEI handler of each hart wakes the
 * owner, whose guest claims the pending identities of that file at once.
 *
 * Checked: every identity sent is claimed exactly once (no duplicate, none stranded in
 * the old file) unless T revoked O's new line; no wake is lost (an identity pending in
 * O's file at the end means O was woken and will run, or the SGEI is still to come);
 * on failure O holds exactly its old line, armed as before (G5); O is revoked at most
 * once per line (G4).
 */

#define F	0
#define T	1
#define NONE	0
#define O	1
#define X	2
#define NO	3

#define OK	1
#define ENODEV	2
#define ENOSPC	3
#define ECHANGED 4		/* T revoked the new line before the check */

byte own[2];			/* owners[1] of F and T (one line each) */
bit freeb[2];			/* free bit of each hart's line */
bit hgeie[2];
bit online[2];
bit busy[2];
byte ident[2];			/* pending identities in each hart's guest file; hgeip = ident != 0 */
byte tgt = F;			/* where the device's MSIs go (the IOMMU/MSI redirection) */

/* ghosts */
byte sent, delivered;
bit runnable;			/* O was woken and will run */
byte revokedO;			/* revokes of O's lines */
bit revokedT;			/* O's new line on T was revoked */
byte result;			/* move's return, 0 while running */
bit armedp;			/* the move's @armed argument */
byte ndone;
byte cycles;

hidden byte t_ids;

/* SGEI on hart h: mask, wake the owner; O's guest claims its identities */
inline sgei(h) {
	d_step {
		!busy[h] && hgeie[h] && ident[h] != 0 ->
		hgeie[h] = 0;
		if
		:: own[h] == O ->
			assert((delivered & ident[h]) == 0);	/* exactly once */
			delivered = delivered | ident[h];
			ident[h] = 0;
			runnable = 1
		:: else -> skip		/* X: never armed here, so not reached */
		fi
	}
}

active proctype hartF()
{
end:	do
	:: sgei(F)
	od
}

/* hart T: SGEIs, and one offline (revoke, no waiting) and online */
active proctype hartT()
{
end:	do
	:: sgei(T)
	:: d_step {
		!busy[T] && online[T] && cycles == 0 ->
		cycles++;
		online[T] = 0;
		hgeie[T] = 0;
		if
		:: own[T] == O -> revokedO++; revokedT = 1; assert(revokedO == 1)
		:: else -> skip
		fi;
		own[T] = NONE
	   }
	:: d_step {
		!busy[T] && !online[T] ->
		freeb[T] = 1; own[T] = NONE; hgeie[T] = 0; online[T] = 1
	   }
	od
}

/* owner X on T: takes T's line (local hgei_alloc on T) and may give it back */
active proctype ownerX()
{
	d_step {
		!busy[T] ->
		if
		:: online[T] && freeb[T] -> freeb[T] = 0; own[T] = X
		:: else -> skip
		fi
	}
	if
	:: skip
	:: d_step { !busy[T] -> if :: own[T] == X -> own[T] = NONE; freeb[T] = 1
				   :: else -> skip fi }
	fi;
	ndone++
}

/* the device: identities 1 then 2, each one MSI write to the current target */
active proctype sender()
{
	d_step { ident[tgt] = ident[tgt] | 1; sent = sent | 1 }
	d_step { ident[tgt] = ident[tgt] | 2; sent = sent | 2 }
	ndone++
}

/* hgei_move(F line, T, O, armed): O is blocked (armed) or merely descheduled */
active proctype mover()
{
	byte drained, newarm;

	/* atomic, not d_step: a d_step resolves its choices deterministically (the
	 * first open option), so armedp was always 1 and the unarmed move unexplored */
	atomic {	/* before: O holds F's line, armed if blocked */
		own[F] = O; freeb[F] = 0; online[F] = 1; online[T] = 1; freeb[T] = 1;
		if :: armedp = 1 :: armedp = 0 fi;
		hgeie[F] = armedp
	}
	/* run_on(F): disarm + file_save (O holds the line: cannot fail here) */
	d_step { !busy[F] -> assert(own[F] == O); hgeie[F] = 0 }
	/* run_on(T): alloc (+ arm) */
	d_step {
		!busy[T] ->
		if
		:: !online[T] -> result = ENODEV
		:: online[T] && !freeb[T] -> result = ENOSPC
		:: else -> freeb[T] = 0; own[T] = O; hgeie[T] = armedp
		fi
	}
	if
	:: result == 0 ->
		/* is the new line still O's? (T may have gone offline meanwhile) */
		if
		:: own[T] != O -> result = ECHANGED
		:: else -> skip
		fi
	:: else -> skip
	fi;
	if
	:: result != 0 ->
		/* failure: run_on(F): re-arm if it was armed; O keeps its line */
		d_step {
			!busy[F] -> hgeie[F] = armedp;
			/* G5: O holds exactly its old line again, armed as before */
			assert(own[F] == O && own[T] != O && freeb[F] == 0)
		}
	:: else ->
		tgt = T;		/* redirect the device */
		/* run_on(F): drain the old file, free the line */
		d_step {
			!busy[F] ->
			drained = ident[F]; ident[F] = 0;
			hgeie[F] = 0; own[F] = NONE; freeb[F] = 1
		}
		/* forward the drained identities into the new file (MSI writes) */
		d_step { ident[T] = ident[T] | drained; drained = 0; result = OK }
	fi;
	ndone++
}

/* at every quiescent end: no identity lost or stranded, no wake lost */
active proctype quiescent()
{
	atomic {
		ndone == 3 && !(hgeie[F] && ident[F]) && !(hgeie[T] && ident[T]) ->
		if
		:: result == OK && !revokedT ->
			assert(own[T] == O && own[F] != O);
			/* all sent identities claimed or waiting in O's new file */
			assert((delivered | ident[T]) == sent && (delivered & ident[T]) == 0);
			assert((ident[F] & sent) == 0 || own[F] == NONE && ident[F] == 0);
			/* pending means O will look: it was woken, is still armed, or
			 * was not blocked (it runs and sees its file) */
			assert(ident[T] == 0 || runnable || hgeie[T] || !armedp)
		:: result != OK ->
			assert(own[F] == O);
			assert((delivered | ident[F]) == sent && (delivered & ident[F]) == 0);
			assert(ident[F] == 0 || runnable || hgeie[F] || !armedp)
		:: else -> skip		/* success, but T revoked O's new line: O was told */
		fi
	}
}

/*
 * G3 as liveness (run with pan -a -f, weak fairness): a line that is armed with an
 * identity pending does not stay so: the SGEI is taken and wakes the owner.
 */
#define STUCK(h)	(hgeie[h] && ident[h] != 0)
ltl g3 { [] (STUCK(F) -> <> !STUCK(F)) && [] (STUCK(T) -> <> !STUCK(T)) }
