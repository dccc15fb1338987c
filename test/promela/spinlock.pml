/*
 * Promela twin of models/classic/spinlock.ts (a test-and-set spinlock),
 * state for state: the global lock bit and each process's control state.
 * P_0 is its own proctype so that only its critical section carries a
 * progress label (SPIN's non-progress cycles: -DNP, pan -l; with -f, weak
 * fairness); the others are P. -DBLOCKING drops the busy wait (a waiter
 * sleeps while the lock is held). -DLTL adds the leads-to property
 * "P_0 trying ~> P_0 in CS" as an LTL claim (pan -a, with -f for fairness).
 *
 *   spin -a [-DN=2] [-DBLOCKING] spinlock.pml
 *   gcc -O2 -DNP -DNOREDUCE -o pan pan.c && ./pan -l [-f]
 *
 * As in peterson.pml, every model transition is one d_step followed by a
 * goto, which SPIN folds into the transition: no intermediate states.
 */

#ifndef N
#define N 2
#endif

bit lock;

#ifdef BLOCKING
#define SPIN_WAIT(TRY)
#else
#define SPIN_WAIT(TRY)	:: d_step { lock == 1 -> skip }; goto TRY
#endif

/* One process's code; CS names its critical-section label (a progress label for P_0). */
#define BODY(CS) \
NCS:	if :: d_step { true -> skip }; goto TRY fi; \
TRY:	if \
	:: d_step { lock == 0 -> lock = 1 }; goto CS \
	SPIN_WAIT(TRY) \
	fi; \
CS:	if :: d_step { true -> lock = 0 }; goto NCS fi

active proctype P0()
{
	BODY(progress_cs)
}

active [N-1] proctype P()
{
	BODY(cs)
}

#ifdef LTL
ltl p0_enters { [] ((P0[0]@TRY) -> <> (P0[0]@progress_cs)) }
#endif
