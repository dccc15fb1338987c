/*
 * Promela twin of BEEM `peterson` (Peterson's filter lock for N processes),
 * written to reproduce models/classic/peterson.ts state for state.
 *
 *   spin -a -DN=3 peterson.pml      (N = 2..6; -DMUTANT seeds the engine's
 *                                    `mutant` bug: leave q3 without waiting)
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000
 *
 * How the twin keeps SPIN's state graph identical to DVE's:
 *   - The state carries exactly what DVE's does: globals pos[N], step[N]
 *     (bytes; DVE declares step with N entries though only N-1 are used),
 *     and per process the locals j, k (bytes) and its control state, which
 *     is the process's program counter: one label per DVE state.
 *   - Every DVE transition is exactly one SPIN transition: a d_step holding
 *     the guard and the effect, followed by a goto to the target label. SPIN
 *     folds the goto into the transition, so no intermediate state exists.
 *     (A label may not sit on a d_step, since that would be a jump into it,
 *     so a state with a single transition wraps it in a one-option `if`.)
 *   - d_step bodies are exempt from SPIN's dead-variable resets, so j and k
 *     keep their stale values as they do in DVE (a bare `j == N -> goto CS`
 *     would let SPIN zero the dead j and merge states DVE keeps apart).
 *   - No init process: the N processes are `active`, so the initial state is
 *     DVE's (all zero, every process at NCS).
 *   - Mutual exclusion is checked by the never claim below, which only reads
 *     the state; its single control state does not split any state. Compile
 *     pan with -DNOCLAIM to drop it (pan then reports invalid end states,
 *     i.e. deadlocks, instead).
 */

#ifndef N
#define N 3
#endif

byte pos[N];
byte step[N];

#ifdef MUTANT
#define MAY_LEAVE_Q3	true
#else
#define MAY_LEAVE_Q3	(step[j-1] != _pid || k == N)
#endif

active [N] proctype P()
{
	byte j, k;

NCS:	/* NCS -> wait */
	j = 1; goto WAIT;

WAIT:	if
	:: /* wait -> q2 */
	   d_step { j < N -> pos[_pid] = j }; goto Q2
	:: /* wait -> CS */
	   d_step { j == N -> skip }; goto CS
	fi;

Q2:	if
	:: /* q2 -> q3 */
	   d_step { step[j-1] = _pid; k = 0 }; goto Q3
	fi;

Q3:	if
	:: /* q3 -> q3 */
	   d_step { k < N && (k == _pid || pos[k] < j) -> k++ }; goto Q3
	:: /* q3 -> wait */
	   d_step { MAY_LEAVE_Q3 -> j++ }; goto WAIT
	fi;

CS:	/* CS -> NCS */
	pos[_pid] = 0; goto NCS
}

/* Process i is in its critical section (the `(i) < N` test is a constant, so
 * no process beyond the last is ever looked at; written for N <= 6). */
#define IN_CS(i)	((i) < N && P[i]@CS)

never {	/* mutual exclusion: at most one process in CS */
	do
	:: assert(IN_CS(0) + IN_CS(1) + IN_CS(2) + IN_CS(3) + IN_CS(4) + IN_CS(5) <= 1)
	od
}
