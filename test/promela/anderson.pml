/*
 * Promela twin of BEEM `anderson` (Anderson's array-based queue lock for N
 * processes), written to reproduce models/classic/anderson.ts state for state.
 *
 *   spin -a -DN=3 anderson.pml      (N = 2..7; -DMUTANT gives BEEM's
 *                                    erroneous variant, the engine's `mutant`:
 *                                    p3 -> CS clears the predecessor's slot)
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000
 *
 * As in peterson.pml: the state is DVE's (globals Slot[N], next; per process
 * the local my_place and its control state as a label), each DVE transition
 * is one d_step followed by a goto folded into it, d_step bodies keep SPIN
 * from zeroing the dead my_place, and the processes are `active` so there is
 * no init process. Slot starts as {1, 0, ..., 0}, which needs an initialiser
 * list of N values, hence the table below. A never claim checks the engine's
 * mutual-exclusion property (at most one process holds the lock, i.e. is in
 * p3 or CS); compile pan with -DNOCLAIM to drop it.
 */

#ifndef N
#define N 3
#endif

#if N == 2
#define SLOT_INIT	{ 1, 0 }
#elif N == 3
#define SLOT_INIT	{ 1, 0, 0 }
#elif N == 4
#define SLOT_INIT	{ 1, 0, 0, 0 }
#elif N == 5
#define SLOT_INIT	{ 1, 0, 0, 0, 0 }
#elif N == 6
#define SLOT_INIT	{ 1, 0, 0, 0, 0, 0 }
#elif N == 7
#define SLOT_INIT	{ 1, 0, 0, 0, 0, 0, 0 }
#endif

byte Slot[N] = SLOT_INIT;
byte next;

#ifdef MUTANT
#define MY_SLOT_ON_ENTRY	((my_place + N - 1) % N)
#else
#define MY_SLOT_ON_ENTRY	my_place
#endif

active [N] proctype P()
{
	byte my_place;

NCS:	if
	:: /* NCS -> p1 */
	   d_step { my_place = next; next++ }; goto p1
	fi;

p1:	if
	:: /* p1 -> p2, last place */
	   d_step { my_place == N-1 -> next = next - N }; goto p2
	:: /* p1 -> p2 */
	   d_step { my_place != N-1 -> my_place = my_place % N }; goto p2
	fi;

p2:	if
	:: /* p2 -> p3 */
	   d_step { Slot[my_place] == 1 -> skip }; goto p3
	fi;

p3:	if
	:: /* p3 -> CS */
	   d_step { Slot[MY_SLOT_ON_ENTRY] = 0 }; goto CS
	fi;

CS:	if
	:: /* CS -> NCS */
	   d_step { Slot[(my_place + 1) % N] = 1 }; goto NCS
	fi
}

/* Process i holds the lock (the `(i) < N` test is a constant, so no process
 * beyond the last is ever looked at; written for N <= 7). */
#define HOLDS(i)	((i) < N && (P[i]@p3 || P[i]@CS))

never {	/* mutual exclusion: at most one process holds the lock */
	do
	:: assert(HOLDS(0) + HOLDS(1) + HOLDS(2) + HOLDS(3) + HOLDS(4) + HOLDS(5) + HOLDS(6) <= 1)
	od
}
