// BEEM `bakery` (Lamport's bakery algorithm for N processes, tickets bounded
// by MAX), with DVE's asynchronous interleaving semantics. Ported from the
// DiVinE-compiled C++ of the BEEM instances (plug-obp/beem-benchmark,
// compiled/bakery.<k>.dve.cpp; no copy of the DVE source text was found, so
// state struct, initial values, guards and effects below are read off the
// compiled get_initial / get_successor, in their order).
//
// State, as in DVE: globals choosing[N] and number[N] (bytes, all 0), per
// process the locals j and max (bytes, 0) and its control state.
//
// DVE process P_i (control states NCS, choose, forloop, wait, CS; init NCS):
//   CS      -> NCS     { effect number[i] = 0 }
//   NCS     -> choose  { effect choosing[i] = 1, j = 0, max = 0 }
//   choose  -> choose  { guard j < N && number[j] > max;  effect max = number[j], j = j+1 }
//   choose  -> choose  { guard j < N && number[j] <= max; effect j = j+1 }
//   choose  -> forloop { guard j == N && max < MAX; effect number[i] = max+1, j = 0, choosing[i] = 0 }
//   forloop -> wait    { guard j < N && choosing[j] == 0 }
//   forloop -> CS      { guard j == N }
//   wait    -> forloop { guard number[j] == 0 || number[j] > number[i] ||
//                              (number[j] == number[i] && i <= j);  effect j = j+1 }
// A process that reads a ticket equal to MAX stays in `choose` for good (its
// choosing flag still set), so every instance has reachable deadlocks: the
// engine's deadlock check reports one. That is the model, not a porting slip.
//
// BEEM ships two variants of wait -> forloop, both generated from one template:
//   bakery.1/.3/.5/.7/.8 let P_i pass P_j when number[j] > number[i] (Lamport's order)
//   bakery.2/.4/.6       use number[j] < number[i] instead, so the larger
//                        ticket goes first and two processes can both pass:
// BEEM's erroneous instance, and here it is the `mutant`.
//
// Instances (N, MAX, variant):
//   bakery.1 N=2 MAX=9            (1,506 states / 2,697 edges / 101 levels)
//   bakery.2 N=2 MAX=6  mutant    bakery.3 N=3 MAX=4     bakery.4 N=3 MAX=6 mutant
//   bakery.5 N=4 MAX=7            bakery.6 N=4 MAX=5 mutant
//   bakery.7 N=4 MAX=12           bakery.8 N=5 MAX=5

import { action, type Action, type Model } from '../../src/engine/model.js';
import { mutexProperties } from './mutex.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

const byte = () => int(0, 255);
const LOCS = ['NCS', 'choose', 'forloop', 'wait', 'CS'] as const;

export interface BakeryOptions {
  readonly N: number;
  /** Largest ticket a process may draw (DVE constant MAX). */
  readonly MAX: number;
  /** BEEM's erroneous variant (bakery.2/.4/.6): wait lets P_i pass P_j when number[j] < number[i]. */
  readonly mutant?: boolean;
  /** Add a `sometimes` that no run can witness, to show vacuity being reported. */
  readonly unreachableWitness?: boolean;
}

export function bakery(opts: BakeryOptions): Model {
  const { N, MAX } = opts;
  const layout = new Layout(record({
    choosing: arrayOf(byte(), N),
    number: arrayOf(byte(), N),
    P: arrayOf(record({ pc: enumOf(LOCS), j: byte(), max: byte() }), N),
  }));
  const { choosing, number, P } = layout.root;
  const [NCS, CHOOSE, FORLOOP, WAIT, CS] = [0, 1, 2, 3, 4];

  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc, j, max } = P[i]!;
    const actor = `P_${i}`;
    const at = (s: Uint32Array, loc: number) => pc.get(s) === loc;
    // Footprints (por.ts): each step's move between locations, and what else it may read and write.
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    // wait -> forloop: may P_i go past P_j? (j < N always holds in `wait`.)
    const passes = opts.mutant
      ? (s: Uint32Array) => { const nj = number[j.get(s)]!.get(s), ni = number[i]!.get(s); return nj === 0 || nj < ni || (nj === ni && i <= j.get(s)); }
      : (s: Uint32Array) => { const nj = number[j.get(s)]!.get(s), ni = number[i]!.get(s); return nj === 0 || nj > ni || (nj === ni && i <= j.get(s)); };
    actions.push(
      action({ name: 'CS->NCS', actor, params: { i }, moves: mv(CS, NCS), reads: [], writes: [number[i]], guard: (s) => at(s, CS), effect: (s) => { pc.set(s, NCS); number[i]!.set(s, 0); } }),
      action({
        name: 'NCS->choose', actor, params: { i }, moves: mv(NCS, CHOOSE), reads: [], writes: [choosing[i], j, max], guard: (s) => at(s, NCS),
        effect: (s) => { pc.set(s, CHOOSE); choosing[i]!.set(s, 1); j.set(s, 0); max.set(s, 0); },
      }),
      action({
        name: 'choose->choose (larger)', actor, params: { i }, moves: mv(CHOOSE, CHOOSE), reads: [j, number, max], writes: [max, j],
        guard: (s) => at(s, CHOOSE) && j.get(s) < N && number[j.get(s)]!.get(s) > max.get(s),
        effect: (s) => { max.set(s, number[j.get(s)]!.get(s)); j.set(s, j.get(s) + 1); },
      }),
      action({
        name: 'choose->choose', actor, params: { i }, moves: mv(CHOOSE, CHOOSE), reads: [j, number, max], writes: [j],
        guard: (s) => at(s, CHOOSE) && j.get(s) < N && number[j.get(s)]!.get(s) <= max.get(s),
        effect: (s) => { j.set(s, j.get(s) + 1); },
      }),
      action({
        name: 'choose->forloop', actor, params: { i }, moves: mv(CHOOSE, FORLOOP), reads: [j, max], writes: [number[i], j, choosing[i]],
        guard: (s) => at(s, CHOOSE) && j.get(s) === N && max.get(s) < MAX,
        effect: (s) => { pc.set(s, FORLOOP); number[i]!.set(s, max.get(s) + 1); j.set(s, 0); choosing[i]!.set(s, 0); },
      }),
      action({
        name: 'forloop->wait', actor, params: { i }, moves: mv(FORLOOP, WAIT), reads: [j, choosing], writes: [],
        guard: (s) => at(s, FORLOOP) && j.get(s) < N && choosing[j.get(s)]!.get(s) === 0,
        effect: (s) => { pc.set(s, WAIT); },
      }),
      action({ name: 'forloop->CS', actor, params: { i }, moves: mv(FORLOOP, CS), reads: [j], writes: [], guard: (s) => at(s, FORLOOP) && j.get(s) === N, effect: (s) => { pc.set(s, CS); } }),
      action({
        name: 'wait->forloop', actor, params: { i }, moves: mv(WAIT, FORLOOP), reads: [j, number], writes: [j],
        guard: (s) => at(s, WAIT) && passes(s),
        effect: (s) => { pc.set(s, FORLOOP); j.set(s, j.get(s) + 1); },
      }),
    );
  }

  const properties = mutexProperties({ pcs: P.map((p) => p.pc), cs: CS, unreachableWitness: opts.unreachableWitness === true });
  return {
    name: 'bakery',
    params: { N, MAX, mutant: opts.mutant ?? false, unreachableWitness: opts.unreachableWitness ?? false },
    layout,
    init: [layout.blank()],
    actions,
    properties,
  };
}

export const bakeryEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'bakeryEntry' },
  name: 'bakery',
  group: 'classic',
  description: 'BEEM bakery: Lamport\'s bakery algorithm for N processes, tickets up to MAX (bakery.1 is N=2 MAX=9: 1,506 states)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 6, default: 2, description: 'number of processes' },
    { name: 'MAX', kind: 'int', min: 1, max: 255, default: 9, description: 'largest ticket number a process may draw' },
    { name: 'mutant', kind: 'bool', default: false, description: 'BEEM\'s erroneous variant (bakery.2/.4/.6): pass a smaller ticket instead of a larger one' },
    { name: 'unreachableWitness', kind: 'bool', default: false, description: 'add a sometimes property nothing can witness (shows vacuity)' },
  ],
  build: (p) => bakery({
    N: p['N'] as number, MAX: p['MAX'] as number, mutant: p['mutant'] as boolean, unreachableWitness: p['unreachableWitness'] as boolean,
  }),
};
