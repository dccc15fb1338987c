/*
 * Promela twin of models/classic/peterson.ts with liveness=true: the same
 * state graph as peterson.pml (see there for how a twin keeps SPIN's states
 * equal to the engine's), but P_0 is its own proctype so that only its
 * critical section carries a progress label. No never claim: SPIN's
 * non-progress search (-DNP) brings its own.
 *
 *   spin -a -DN=3 peterson-progress.pml
 *   gcc -O2 -DNP -DNOREDUCE -o pan pan.c && ./pan -l [-f]
 *
 * -DLTL adds "P_0 waiting ~> P_0 in CS" as an LTL claim instead (pan -a [-f]).
 */

#ifndef N
#define N 3
#endif

byte pos[N];
byte step[N];

#define BODY(CS) \
NCS:	j = 1; goto WAIT; \
WAIT:	if \
	:: d_step { j < N -> pos[_pid] = j }; goto Q2 \
	:: d_step { j == N -> skip }; goto CS \
	fi; \
Q2:	if \
	:: d_step { step[j-1] = _pid; k = 0 }; goto Q3 \
	fi; \
Q3:	if \
	:: d_step { k < N && (k == _pid || pos[k] < j) -> k++ }; goto Q3 \
	:: d_step { (step[j-1] != _pid || k == N) -> j++ }; goto WAIT \
	fi; \
CS:	pos[_pid] = 0; goto NCS

active proctype P0()
{
	byte j, k;
	BODY(progress_cs)
}

active [N-1] proctype P()
{
	byte j, k;
	BODY(cs)
}

#ifdef LTL
ltl p0_enters { [] ((P0[0]@WAIT || P0[0]@Q2 || P0[0]@Q3) -> <> (P0[0]@progress_cs)) }
#endif
