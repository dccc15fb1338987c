// BEEM `leader_election` (Dolev-Klawe-Rodeh / Peterson leader election on a
// unidirectional ring with FIFO links), ported with DVE's asynchronous
// interleaving semantics from the DiVinE-compiled C++ of instance
// leader_election.1 (N=5): plug-obp/beem-benchmark,
// compiled/leader_election.1.dve.cpp. No copy of the original .dve text was
// found, so guards and effects are read off that compiled successor function;
// the location names are ours (the compiled code numbers them 0..10).
//
// State, as in DVE: the global nr_leaders (byte); per node the locals max,
// number, neigh, know, active (bytes) and its control state; per link ch_i a
// buffered channel of capacity 2N (10 for N=5), kept as DiVinE keeps it: a
// byte array buf[2N] plus its fill count buf_act. Send writes buf[buf_act]
// and increments; receive takes buf[0], shifts the rest down and zeroes the
// freed last slot, so slots past buf_act are always 0 and equal queues are
// equal states. (DiVinE also gives each channel a one-bit control field that
// is always 0; it distinguishes nothing, so it is left out.)
//
// A message is one byte, kind * 30 + value, kind 1 = "one", 2 = "two",
// 0 = "winner". Node i receives on ch_i and sends on ch_{(i+1) % N}; ID is
// its (distinct) identity, also its initial max. DVE process Node_i:
//   start    -> wait     { ch!(1*30 + ID) }
//   wait     -> got      { ch?number }
//   got      -> one      { guard number/30 == 1; effect number = number % 30 }
//   got      -> two      { guard number/30 == 2; effect number = number % 30 }
//   got      -> winner   { guard number/30 == 0; effect number = number % 30 }
//   one      -> oneAct   { guard active }
//   one      -> oneRelay { guard active == 0 }
//   oneAct   -> wait     { guard number != max; ch!(2*30 + number); effect neigh = number }
//   oneAct   -> wait     { guard number == max; ch!(0*30 + number); effect know = 1 }
//   oneRelay -> wait     { ch!(1*30 + number) }
//   two      -> twoAct   { guard active }
//   two      -> twoRelay { guard active == 0 }
//   twoAct   -> wait     { guard neigh > number && neigh > max; ch!(1*30 + neigh); effect max = neigh }
//   twoAct   -> wait     { guard !(neigh > number && neigh > max); effect active = 0 }
//   twoRelay -> wait     { ch!(2*30 + number) }
//   winner   -> fwd      { guard number == ID; effect nr_leaders = nr_leaders + 1 }
//   winner   -> fwd      { guard number != ID }
//   fwd      -> wait     { guard know }
//   fwd      -> wait     { guard know == 0; ch!(0*30 + number) }
// A send is enabled only while the target channel is not full, a receive
// only while the source channel is not empty.

import { action, always, sometimes, type Action, type Model } from '../../src/engine/model.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

const byte = () => int(0, 255);
const LOCS = ['start', 'wait', 'got', 'one', 'oneAct', 'oneRelay', 'two', 'twoAct', 'twoRelay', 'fwd', 'winner'] as const;

/** Node identities of the BEEM instances: leader_election.1 (N=5) uses the first five, a six-node instance all six. */
const BEEM_IDS = [24, 14, 6, 0, 23, 21] as const;
const ONE = 1, TWO = 2, WINNER = 0;
const msg = (kind: number, value: number) => kind * 30 + value;

export interface LeaderElectionOptions {
  readonly N: number;
}

export function leaderElection(opts: LeaderElectionOptions): Model {
  const { N } = opts;
  if (!Number.isInteger(N) || N < 2 || N > BEEM_IDS.length) throw new RangeError(`leader_election: N=${N} (expected 2..${BEEM_IDS.length})`);
  const ids = BEEM_IDS.slice(0, N);
  const CAP = 2 * N;
  const layout = new Layout(record({
    nr_leaders: byte(),
    Node: arrayOf(record({ pc: enumOf(LOCS), max: byte(), number: byte(), neigh: byte(), know: byte(), active: byte() }), N),
    ch: arrayOf(record({ buf: arrayOf(byte(), CAP), buf_act: int(0, CAP) }), N),
  }));
  const { nr_leaders, Node, ch } = layout.root;
  const [START, WAIT, GOT, L_ONE, ONE_ACT, ONE_RELAY, L_TWO, TWO_ACT, TWO_RELAY, FWD, L_WINNER] = LOCS.map((_, i) => i) as number[] as [
    number, number, number, number, number, number, number, number, number, number, number];

  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc, max, number, neigh, know, active } = Node[i]!;
    const ID = ids[i]!;
    const inCh = ch[i]!;
    const outCh = ch[(i + 1) % N]!;
    const actor = `Node_${i}`;
    const at = (s: Uint32Array, loc: number) => pc.get(s) === loc;
    // Footprints (por.ts): each step's move between locations, and what else it may read and write
    // (a send writes any slot of the outgoing channel; a receive shifts the whole incoming one).
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    const canSend = (s: Uint32Array) => outCh.buf_act.get(s) !== CAP;
    const send = (s: Uint32Array, v: number) => {
      const n = outCh.buf_act.get(s);
      outCh.buf[n]!.set(s, v);
      outCh.buf_act.set(s, n + 1);
    };
    const receive = (s: Uint32Array): number => {
      const v = inCh.buf[0]!.get(s);
      for (let k = 0; k < CAP - 1; k++) inCh.buf[k]!.set(s, inCh.buf[k + 1]!.get(s));
      inCh.buf[CAP - 1]!.set(s, 0);
      inCh.buf_act.set(s, inCh.buf_act.get(s) - 1);
      return v;
    };
    const beats = (s: Uint32Array) => neigh.get(s) > number.get(s) && neigh.get(s) > max.get(s);
    const decode = (s: Uint32Array, to: number) => { pc.set(s, to); number.set(s, number.get(s) % 30); };
    const moveTo = (loc: number) => (s: Uint32Array) => { pc.set(s, loc); };
    actions.push(
      action({ name: 'start->wait', actor, params: { i }, moves: mv(START, WAIT), reads: [outCh.buf_act], writes: [outCh], label: `Node_${i}: ch_${(i + 1) % N}!one(${ID})`, guard: (s) => at(s, START) && canSend(s), effect: (s) => { send(s, msg(ONE, ID)); pc.set(s, WAIT); } }),
      action({ name: 'wait->got', actor, params: { i }, moves: mv(WAIT, GOT), reads: [inCh], writes: [number, inCh], guard: (s) => at(s, WAIT) && inCh.buf_act.get(s) !== 0, effect: (s) => { number.set(s, receive(s)); pc.set(s, GOT); } }),
      action({ name: 'got->one', actor, params: { i }, moves: mv(GOT, L_ONE), reads: [number], writes: [number], guard: (s) => at(s, GOT) && Math.trunc(number.get(s) / 30) === ONE, effect: (s) => decode(s, L_ONE) }),
      action({ name: 'got->two', actor, params: { i }, moves: mv(GOT, L_TWO), reads: [number], writes: [number], guard: (s) => at(s, GOT) && Math.trunc(number.get(s) / 30) === TWO, effect: (s) => decode(s, L_TWO) }),
      action({ name: 'got->winner', actor, params: { i }, moves: mv(GOT, L_WINNER), reads: [number], writes: [number], guard: (s) => at(s, GOT) && Math.trunc(number.get(s) / 30) === WINNER, effect: (s) => decode(s, L_WINNER) }),
      action({ name: 'one->oneAct', actor, params: { i }, moves: mv(L_ONE, ONE_ACT), reads: [active], writes: [], guard: (s) => at(s, L_ONE) && active.get(s) !== 0, effect: moveTo(ONE_ACT) }),
      action({ name: 'one->oneRelay', actor, params: { i }, moves: mv(L_ONE, ONE_RELAY), reads: [active], writes: [], guard: (s) => at(s, L_ONE) && active.get(s) === 0, effect: moveTo(ONE_RELAY) }),
      action({
        name: 'oneAct->wait: send two', actor, params: { i }, moves: mv(ONE_ACT, WAIT), reads: [outCh.buf_act, number, max], writes: [outCh, neigh],
        guard: (s) => at(s, ONE_ACT) && canSend(s) && number.get(s) !== max.get(s),
        effect: (s) => { send(s, msg(TWO, number.get(s))); pc.set(s, WAIT); neigh.set(s, number.get(s)); },
      }),
      action({
        name: 'oneAct->wait: send winner', actor, params: { i }, moves: mv(ONE_ACT, WAIT), reads: [outCh.buf_act, number, max], writes: [outCh, know],
        guard: (s) => at(s, ONE_ACT) && canSend(s) && number.get(s) === max.get(s),
        effect: (s) => { send(s, msg(WINNER, number.get(s))); pc.set(s, WAIT); know.set(s, 1); },
      }),
      action({ name: 'oneRelay->wait', actor, params: { i }, moves: mv(ONE_RELAY, WAIT), reads: [outCh.buf_act, number], writes: [outCh], guard: (s) => at(s, ONE_RELAY) && canSend(s), effect: (s) => { send(s, msg(ONE, number.get(s))); pc.set(s, WAIT); } }),
      action({ name: 'two->twoAct', actor, params: { i }, moves: mv(L_TWO, TWO_ACT), reads: [active], writes: [], guard: (s) => at(s, L_TWO) && active.get(s) !== 0, effect: moveTo(TWO_ACT) }),
      action({ name: 'two->twoRelay', actor, params: { i }, moves: mv(L_TWO, TWO_RELAY), reads: [active], writes: [], guard: (s) => at(s, L_TWO) && active.get(s) === 0, effect: moveTo(TWO_RELAY) }),
      action({
        name: 'twoAct->wait: send one', actor, params: { i }, moves: mv(TWO_ACT, WAIT), reads: [outCh.buf_act, neigh, number, max], writes: [outCh, max],
        guard: (s) => at(s, TWO_ACT) && canSend(s) && beats(s),
        effect: (s) => { send(s, msg(ONE, neigh.get(s))); pc.set(s, WAIT); max.set(s, neigh.get(s)); },
      }),
      action({ name: 'twoAct->wait: go passive', actor, params: { i }, moves: mv(TWO_ACT, WAIT), reads: [neigh, number, max], writes: [active], guard: (s) => at(s, TWO_ACT) && !beats(s), effect: (s) => { pc.set(s, WAIT); active.set(s, 0); } }),
      action({ name: 'twoRelay->wait', actor, params: { i }, moves: mv(TWO_RELAY, WAIT), reads: [outCh.buf_act, number], writes: [outCh], guard: (s) => at(s, TWO_RELAY) && canSend(s), effect: (s) => { send(s, msg(TWO, number.get(s))); pc.set(s, WAIT); } }),
      action({ name: 'winner->fwd: elected', actor, params: { i }, moves: mv(L_WINNER, FWD), reads: [number, nr_leaders], writes: [nr_leaders], guard: (s) => at(s, L_WINNER) && number.get(s) === ID, effect: (s) => { pc.set(s, FWD); nr_leaders.set(s, nr_leaders.get(s) + 1); } }),
      action({ name: 'winner->fwd', actor, params: { i }, moves: mv(L_WINNER, FWD), reads: [number], writes: [], guard: (s) => at(s, L_WINNER) && number.get(s) !== ID, effect: moveTo(FWD) }),
      action({ name: 'fwd->wait: absorb', actor, params: { i }, moves: mv(FWD, WAIT), reads: [know], writes: [], guard: (s) => at(s, FWD) && know.get(s) !== 0, effect: moveTo(WAIT) }),
      action({ name: 'fwd->wait: forward', actor, params: { i }, moves: mv(FWD, WAIT), reads: [know, outCh.buf_act, number], writes: [outCh], guard: (s) => at(s, FWD) && know.get(s) === 0 && canSend(s), effect: (s) => { send(s, msg(WINNER, number.get(s))); pc.set(s, WAIT); } }),
    );
  }

  const init = layout.blank();
  for (let i = 0; i < N; i++) {
    Node[i]!.max.set(init, ids[i]!);
    Node[i]!.active.set(init, 1);
  }

  // Terminal states are legal ends when the election is over: DVE gives the
  // nodes no transition out of `wait` but the receive, so once the winner
  // message has gone round the ring and been absorbed by the node that sent
  // it, every node idles in `wait` on an empty channel for ever. That is the
  // protocol's intended termination, not a deadlock, provided exactly one
  // leader was counted; any other terminal state (a message stranded, a node
  // stuck mid-step, no leader) is still reported as a deadlock.
  const isLegalEnd = (s: Uint32Array) => {
    if (nr_leaders.get(s) !== 1) return false;
    for (let i = 0; i < N; i++) if (Node[i]!.pc.get(s) !== WAIT || ch[i]!.buf_act.get(s) !== 0) return false;
    return true;
  };

  return {
    name: 'leader_election',
    params: { N },
    layout,
    init: [init],
    actions,
    properties: [
      always('at-most-one-leader', 'at most one node is ever counted as leader (nr_leaders <= 1)', (s) => nr_leaders.get(s) <= 1, { reads: [nr_leaders] }),
      sometimes('leader-elected', 'some run elects a leader (nr_leaders == 1)', (s) => nr_leaders.get(s) === 1, { reads: [nr_leaders] }),
    ],
    isLegalEnd,
  };
}

export const leaderElectionEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'leaderElectionEntry' },
  name: 'leader_election',
  group: 'classic',
  description: 'BEEM leader_election: Dolev-Klawe-Rodeh leader election on a ring of buffered channels (leader_election.1 is N=5: 14,252 states)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 6, default: 5, description: 'number of nodes (identities 24,14,6,0,23,21 taken in order; only N=5 is checked against BEEM)' },
  ],
  build: (p) => leaderElection({ N: p['N'] as number }),
};
