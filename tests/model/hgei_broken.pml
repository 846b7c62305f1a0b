/*
 * SPDX-License-Identifier: BSD-2-Clause
 *
 * DELIBERATELY BROKEN: the design lib/hgei had before the single-writer rewrite
 * (arm.c, alloc.c, sgei.c up to issue #14), reduced to what loses a wake. Any hart
 * changes a line with atomics on the shared words: owners[] by CAS, the wake request
 * word want by AMO; hgeie is hart 0's copy of want, written only on hart 0 (at once
 * for a local arm, in hgei_sync() after a kick for a remote one). A remote disarm
 * checks owners[g] == owner and then, as a separate step, clears the want bit: a
 * check-then-act. run.sh requires SPIN to find a counterexample here.
 *
 * One line (GEILEN 1), so B's alloc gets exactly the line A had.
 */

#define NONE	0
#define A	1
#define B	2
#define NO	3
#define BIT	1

byte freeb = BIT;		/* free bitmap, claimed by CAS from any hart */
byte own;			/* owners[1], CAS from any hart */
byte want;			/* wake requests: AMOs from any hart */
byte hgeie;			/* hart 0's CSR: hart 0 only */
byte hgeip;			/* the guest file's pending MSI */
bit kick, busy;

/* ghosts */
bit holds[NO], armed[NO], woken[NO];
byte ndone;
bit mfreed;

/* hart 0: hgei_sync() on a kick, the SGEI handler (sgei.c) */
active proctype hart0()
{
	byte pend, fired, o;

end:	do
	:: d_step { !busy && kick -> kick = 0; hgeie = want }		/* hgei_sync */
	:: atomic { !busy && (hgeip & hgeie) -> busy = 1;
		pend = hgeip & hgeie;
		hgeie = hgeie & ~pend }
	   /* one AMO disarms the pending lines and tells which were wanted */
	   d_step { fired = want & pend; want = want & ~pend }
	   if
	   :: fired && own != NONE ->
		d_step {	/* wake(owner): the guest claims */
			o = own;
			assert(armed[o]);	/* one wake per arm */
			armed[o] = 0;
			woken[o] = 1;
			hgeip = 0;
			o = 0
		}
	   :: else -> skip			/* counted spurious */
	   fi;
	   d_step { pend = 0; fired = 0; busy = 0 }
	od
}

/* owner A on hart 0: local alloc and arm; later a remote disarm from hart 2 */
active proctype ownerA()
{
	/* hgei_alloc: claim the free bit, then CAS the owner in */
	d_step { freeb == BIT -> freeb = 0 }
	d_step { own == NONE -> own = A; holds[A] = 1 }
	/* local hgei_arm: want, then hgeie (one step: A arms before anyone frees) */
	d_step { want = want | BIT; armed[A] = 1; hgeie = hgeie | BIT }
	/* hgei_disarm from hart 2: the check ... */
	if
	:: own == A ->
		/* ... and, later, the act: clears whatever want holds now */
		d_step { want = want & ~BIT; armed[A] = 0 }
	:: else -> skip
	fi;
	ndone++
}

/* the manager on hart 1: hgei_free(h, line, NULL) of the line A holds */
active proctype manager()
{
	byte cur;

	(own == A && armed[A]);	/* frees A's line once A is armed */
	d_step {		/* CAS owners[g]: cur -> NULL */
		cur = own;
		if
		:: cur != NONE -> own = NONE; holds[cur] = 0; armed[cur] = 0
		:: else -> cur = NONE
		fi
	}
	if
	:: cur != NONE -> want = want & ~BIT	/* want before free */
	:: else -> skip
	fi;
	/* the release of the free bit and the manager's return, as one step */
	d_step { if :: cur != NONE -> freeb = freeb | BIT :: else fi; cur = 0; mfreed = 1; ndone++ }
}

/* owner B: allocates the line after the manager freed it, arms from hart 1 */
active proctype ownerB()
{
	d_step { freeb == BIT && mfreed -> freeb = 0 }
	d_step { own == NONE -> own = B; holds[B] = 1 }
	if
	:: own == B ->
		d_step { want = want | BIT; armed[B] = 1 }
		kick = 1
	:: else -> skip
	fi;
	ndone++
}

/* a device: one MSI for the line once B holds it */
active proctype sender()
{
	(own == B);
	hgeip = BIT;
	ndone++
}

/* quiescent: an owner whose arm awaits its wake must have no MSI pending (G3), and
 * the want bit of a held line is its owner's arm (G2) */
active proctype quiescent()
{
	atomic {
		ndone == 4 && !busy && !kick && (hgeip & hgeie) == 0 ->
		assert(!(holds[B] && armed[B] && hgeip));	/* G3: B never woken */
		assert(!holds[B] || ((want != 0) == armed[B]));	/* G2 */
	}
}
