// BEEM `anderson` (Anderson's array-based queue lock for N processes), with
// DVE's asynchronous interleaving semantics. Ported from the DiVinE-compiled
// C++ of the BEEM instances (plug-obp/beem-benchmark, compiled/anderson.<k>.dve.cpp;
// no copy of the DVE source text was found, so state struct, initial values,
// guards and effects below are read off the compiled get_initial /
// get_successor, in their order).
//
// State, as in DVE: globals Slot[N] and next (bytes; Slot = {1, 0, …, 0}),
// per process the local my_place (byte) and its control state.
//
// DVE process P_i (control states NCS, p1, p2, p3, CS; init NCS):
//   CS  -> NCS { effect Slot[(my_place+1)%N] = 1 }
//   NCS -> p1  { effect my_place = next, next = next+1 }
//   p1  -> p2  { guard my_place == N-1; effect next = next-N }
//   p1  -> p2  { guard my_place != N-1; effect my_place = my_place%N }
//   p2  -> p3  { guard Slot[my_place] == 1 }
//   p3  -> CS  { effect Slot[my_place] = 0 }
// A process holds the lock from p3 (it saw its slot set) until it leaves CS.
//
// BEEM ships two variants of p3 -> CS, both generated from one template:
//   anderson.2/.4/.6/.8 clear their own slot:       Slot[my_place] = 0
//   anderson.1/.3/.5/.7 clear the predecessor slot: Slot[(my_place+N-1)%N] = 0
// The second leaves a stale 1 in the holder's own slot, so a later process
// that draws the same place enters while another still holds the lock: it is
// BEEM's erroneous instance, and here it is the `mutant`.
//
// Instances (N, variant → BEEM figures where checked here):
//   anderson.1  N=2 mutant    anderson.2  N=3   1,459 states /  3,705 edges / 46 levels
//   anderson.3  N=3 mutant    anderson.4  N=4  29,641 states / 97,516 edges / 81 levels
//   anderson.5  N=5 mutant    anderson.6  N=6
//   anderson.7  N=6 mutant    anderson.8  N=7

import { action, type Action, type Model } from '../../src/engine/model.js';
import { mutexProperties } from './mutex.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

const byte = () => int(0, 255);
const LOCS = ['NCS', 'p1', 'p2', 'p3', 'CS'] as const;

export interface AndersonOptions {
  readonly N: number;
  /** BEEM's erroneous variant (anderson.1/.3/.5/.7): p3->CS clears the predecessor's slot, not its own. */
  readonly mutant?: boolean;
  /** Add a `sometimes` that no run can witness, to show vacuity being reported. */
  readonly unreachableWitness?: boolean;
}

export function anderson(opts: AndersonOptions): Model {
  const { N } = opts;
  const layout = new Layout(record({
    Slot: arrayOf(byte(), N),
    next: byte(),
    P: arrayOf(record({ pc: enumOf(LOCS), my_place: byte() }), N),
  }));
  const { Slot, next, P } = layout.root;
  const [NCS, P1, P2, P3, CS] = [0, 1, 2, 3, 4];

  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc, my_place } = P[i]!;
    const actor = `P_${i}`;
    // Footprints (por.ts): each step's move between locations, and what else it may read and write.
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    actions.push(
      action({
        name: 'CS->NCS', actor, params: { i }, moves: mv(CS, NCS), reads: [my_place], writes: [Slot], requires: [{ field: pc, value: CS }], guard: () => true,
        effect: (s) => { pc.set(s, NCS); Slot[(my_place.get(s) + 1) % N]!.set(s, 1); },
      }),
      action({
        name: 'NCS->p1', actor, params: { i }, moves: mv(NCS, P1), reads: [next], writes: [my_place, next], requires: [{ field: pc, value: NCS }], guard: () => true,
        effect: (s) => { pc.set(s, P1); const n = next.get(s); my_place.set(s, n); next.set(s, n + 1); },
      }),
      action({
        name: 'p1->p2 (last place)', actor, params: { i }, moves: mv(P1, P2), reads: [my_place, next], writes: [next], requires: [{ field: pc, value: P1 }], guard: (s) => my_place.get(s) === N - 1,
        effect: (s) => { pc.set(s, P2); next.set(s, next.get(s) - N); },
      }),
      action({
        name: 'p1->p2', actor, params: { i }, moves: mv(P1, P2), reads: [my_place], writes: [my_place], requires: [{ field: pc, value: P1 }], guard: (s) => my_place.get(s) !== N - 1,
        effect: (s) => { pc.set(s, P2); my_place.set(s, my_place.get(s) % N); },
      }),
      action({ name: 'p2->p3', actor, params: { i }, moves: mv(P2, P3), reads: [my_place, Slot], writes: [], requires: [{ field: pc, value: P2 }], guard: (s) => Slot[my_place.get(s)]!.get(s) === 1, effect: (s) => { pc.set(s, P3); } }),
      action({
        name: 'p3->CS', actor, params: { i }, moves: mv(P3, CS), reads: [my_place], writes: [Slot], requires: [{ field: pc, value: P3 }], guard: () => true,
        effect: opts.mutant
          ? (s) => { pc.set(s, CS); Slot[(my_place.get(s) + N - 1) % N]!.set(s, 0); }
          : (s) => { pc.set(s, CS); Slot[my_place.get(s)]!.set(s, 0); },
      }),
    );
  }

  const properties = mutexProperties({
    pcs: P.map((p) => p.pc), cs: CS, holding: [P3, CS],
    holdingDescription: 'at most one process holds the lock (is in p3 or CS)',
    unreachableWitness: opts.unreachableWitness === true,
  });
  const init = layout.blank();
  Slot[0]!.set(init, 1);
  return {
    name: 'anderson',
    params: { N, mutant: opts.mutant ?? false, unreachableWitness: opts.unreachableWitness ?? false },
    layout,
    init: [init],
    actions,
    properties,
  };
}

export const andersonEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'andersonEntry' },
  name: 'anderson',
  group: 'classic',
  description: 'BEEM anderson: Anderson\'s array-based queue lock for N processes (anderson.2 is N=3: 1,459 states)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 7, default: 3, description: 'number of processes (= number of slots)' },
    { name: 'mutant', kind: 'bool', default: false, description: 'BEEM\'s erroneous variant (anderson.1/.3/.5/.7): clear the predecessor\'s slot, not your own' },
    { name: 'unreachableWitness', kind: 'bool', default: false, description: 'add a sometimes property nothing can witness (shows vacuity)' },
  ],
  build: (p) => anderson({ N: p['N'] as number, mutant: p['mutant'] as boolean, unreachableWitness: p['unreachableWitness'] as boolean }),
};
