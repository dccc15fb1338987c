/*
 * Promela twin of BEEM `leader_election` (Dolev-Klawe-Rodeh leader election
 * on a unidirectional ring of buffered channels), written to reproduce
 * models/classic/leader-election.ts state for state.
 *
 *   spin -a -DN=5 leader_election.pml   (N = 2..6)
 *   gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan -m1000000
 *
 * As in peterson.pml: the state is DVE's (the global nr_leaders and the
 * channels as arrays buf[CAP] with a fill count buf_act, per node the locals
 * max, number, neigh, know, active (here `act`: a Promela keyword) and its
 * control state as a label), each
 * DVE transition is one d_step followed by a goto folded into it, and the
 * nodes are `active`, so there is no init process. Messages are
 * kind * 30 + value (one = 1, two = 2, winner = 0). The receive shifts the
 * channel down with a loop counter it leaves at 0. Waiting is a valid end
 * state (end_wait); a never claim checks at most one leader; compile pan with
 * -DNOCLAIM to drop it. (With the claim, pan's DFS lets it stutter once at
 * the terminal state, one transition more than the engine's; -DBFS does not.)
 * The identities are a conditional expression, not an array, because a
 * hidden global would rule out -DBFS.
 */

#ifndef N
#define N 5
#endif
#define CAP (2 * N)

#define ONE	1
#define TWO	2
#define WINNER	0
#define MSG(k, v)	((k) * 30 + (v))

/* BEEM's node identities, taken in order (24, 14, 6, 0, 23, 21) */
#define ID	(_pid == 0 -> 24 : (_pid == 1 -> 14 : (_pid == 2 -> 6 : (_pid == 3 -> 0 : (_pid == 4 -> 23 : 21)))))

byte nr_leaders;
byte buf[N * CAP];
byte buf_act[N];

/* the node's outgoing channel is the next node's incoming one */
#define OUT	((_pid + 1) % N)
#define IN	_pid
#define CAN_SEND	(buf_act[OUT] != CAP)
#define SEND(v)	buf[OUT * CAP + buf_act[OUT]] = (v); buf_act[OUT]++

active [N] proctype Node()
{
	byte max = ID;
	byte number;
	byte neigh;
	byte know;
	byte act = 1;
	byte k;

start:	if
	:: d_step { CAN_SEND -> SEND(MSG(ONE, ID)) }; goto end_wait
	fi;

end_wait:	if
	:: d_step { buf_act[IN] != 0 ->
		number = buf[IN * CAP];
		k = 0;
		do
		:: k < CAP - 1 -> buf[IN * CAP + k] = buf[IN * CAP + k + 1]; k++
		:: else -> break
		od;
		buf[IN * CAP + CAP - 1] = 0;
		k = 0;
		buf_act[IN]-- }; goto got
	fi;

got:	if
	:: d_step { number / 30 == ONE -> number = number % 30 }; goto one
	:: d_step { number / 30 == TWO -> number = number % 30 }; goto two
	:: d_step { number / 30 == WINNER -> number = number % 30 }; goto winner
	fi;

one:	if
	:: d_step { act != 0 -> skip }; goto oneAct
	:: d_step { act == 0 -> skip }; goto oneRelay
	fi;

oneAct:	if
	:: d_step { CAN_SEND && number != max -> SEND(MSG(TWO, number)); neigh = number }; goto end_wait
	:: d_step { CAN_SEND && number == max -> SEND(MSG(WINNER, number)); know = 1 }; goto end_wait
	fi;

oneRelay:	if
	:: d_step { CAN_SEND -> SEND(MSG(ONE, number)) }; goto end_wait
	fi;

two:	if
	:: d_step { act != 0 -> skip }; goto twoAct
	:: d_step { act == 0 -> skip }; goto twoRelay
	fi;

twoAct:	if
	:: d_step { CAN_SEND && neigh > number && neigh > max -> SEND(MSG(ONE, neigh)); max = neigh }; goto end_wait
	:: d_step { !(neigh > number && neigh > max) -> act = 0 }; goto end_wait
	fi;

twoRelay:	if
	:: d_step { CAN_SEND -> SEND(MSG(TWO, number)) }; goto end_wait
	fi;

winner:	if
	:: d_step { number == ID -> nr_leaders++ }; goto fwd
	:: d_step { number != ID -> skip }; goto fwd
	fi;

fwd:	if
	:: d_step { know != 0 -> skip }; goto end_wait
	:: d_step { know == 0 && CAN_SEND -> SEND(MSG(WINNER, number)) }; goto end_wait
	fi
}

never {	/* at most one leader */
	do
	:: assert(nr_leaders <= 1)
	od
}
