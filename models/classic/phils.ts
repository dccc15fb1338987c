// BEEM `phils` (dining philosophers, the classic deadlocking version), ported
// with DVE's asynchronous interleaving semantics from the DiVinE-compiled
// C++ of instance phils.1 (N=4): plug-obp/beem-benchmark,
// compiled/phils.1.dve.cpp. No copy of the original .dve text was found, so
// the guards and effects below are read off that compiled successor function;
// the location names are ours (the compiled code only numbers them 0..3, 0
// being the initial one).
//
// State, as in DVE: the global fork[N] (bytes, 0 = on the table, 1 = taken)
// and each philosopher's control state; the processes have no locals.
//
// DVE process phil_i (left fork i, right fork (i+1) % N):
//   think  -> one    { guard fork[i] == 0;         effect fork[i] = 1 }
//   one    -> eat    { guard fork[(i+1)%N] == 0;   effect fork[(i+1)%N] = 1 }
//   eat    -> finish { effect fork[i] = 0 }
//   finish -> think  { effect fork[(i+1)%N] = 0 }
//
// Every philosopher can take its left fork and then wait for ever for its
// right one: that reachable deadlock is the benchmark's known finding, so the
// engine's deadlock check stays on and reports it.

import { action, always, sometimes, type Action, type Model } from '../../src/engine/model.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

const byte = () => int(0, 255);
const LOCS = ['think', 'one', 'eat', 'finish'] as const;

export interface PhilsOptions {
  readonly N: number;
}

export function phils(opts: PhilsOptions): Model {
  const { N } = opts;
  const layout = new Layout(record({
    fork: arrayOf(byte(), N),
    phil: arrayOf(record({ pc: enumOf(LOCS) }), N),
  }));
  const { fork, phil } = layout.root;
  const [THINK, ONE, EAT, FINISH] = [0, 1, 2, 3];

  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc } = phil[i]!;
    const actor = `phil_${i}`;
    const left = fork[i]!;
    const right = fork[(i + 1) % N]!;
    const at = (s: Uint32Array, loc: number) => pc.get(s) === loc;
    // Footprints (por.ts): each step's move between locations, and the fork it may read and write.
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    actions.push(
      action({ name: 'think->one', actor, params: { i }, moves: mv(THINK, ONE), reads: [left], writes: [left], guard: (s) => at(s, THINK) && left.get(s) === 0, effect: (s) => { pc.set(s, ONE); left.set(s, 1); } }),
      action({ name: 'one->eat', actor, params: { i }, moves: mv(ONE, EAT), reads: [right], writes: [right], guard: (s) => at(s, ONE) && right.get(s) === 0, effect: (s) => { pc.set(s, EAT); right.set(s, 1); } }),
      action({ name: 'eat->finish', actor, params: { i }, moves: mv(EAT, FINISH), reads: [], writes: [left], guard: (s) => at(s, EAT), effect: (s) => { pc.set(s, FINISH); left.set(s, 0); } }),
      action({ name: 'finish->think', actor, params: { i }, moves: mv(FINISH, THINK), reads: [], writes: [right], guard: (s) => at(s, FINISH), effect: (s) => { pc.set(s, THINK); right.set(s, 0); } }),
    );
  }

  // Who holds fork f, read off the control states: philosopher f holds it as
  // its left fork in `one` and `eat`; philosopher f-1 holds it as its right
  // fork in `eat` and `finish`.
  const holdsLeft = (s: Uint32Array, p: number) => { const l = phil[p]!.pc.get(s); return l === ONE || l === EAT; };
  const holdsRight = (s: Uint32Array, p: number) => { const l = phil[p]!.pc.get(s); return l === EAT || l === FINISH; };
  const holders = (s: Uint32Array, f: number) => (holdsLeft(s, f) ? 1 : 0) + (holdsRight(s, (f + N - 1) % N) ? 1 : 0);
  // What the fork properties observe of a control state: holding the left fork, holding the right one.
  const holding = phil.flatMap((p) => [{ field: p.pc, values: [ONE, EAT] }, { field: p.pc, values: [EAT, FINISH] }]);

  return {
    name: 'phils',
    params: { N },
    layout,
    init: [layout.blank()],
    actions,
    properties: [
      always('fork-exclusion', 'no fork is held by two philosophers at once', (s) => {
        for (let f = 0; f < N; f++) if (holders(s, f) > 1) return false;
        return true;
      }, { reads: phil.map((p) => p.pc), locations: holding }),
      always('fork-flags', 'fork[f] is 1 exactly when some philosopher holds fork f', (s) => {
        for (let f = 0; f < N; f++) if (fork[f]!.get(s) !== holders(s, f)) return false;
        return true;
      }, { reads: [fork, ...phil.map((p) => p.pc)], locations: holding }),
      sometimes('someone-eats', 'some philosopher gets both forks and eats', (s) => {
        for (let p = 0; p < N; p++) if (phil[p]!.pc.get(s) === EAT) return true;
        return false;
      }, { reads: phil.map((p) => p.pc), locations: phil.map((p) => ({ field: p.pc, values: [EAT] })) }),
    ],
    // No legal end states: the only terminal state is every philosopher
    // holding its left fork and waiting for its right one (a deadlock).
  };
}

export const philsEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'philsEntry' },
  name: 'phils',
  group: 'classic',
  description: 'BEEM phils: dining philosophers, each takes the left fork then the right (deadlocks; phils.1 is N=4: 80 states)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 12, default: 4, description: 'number of philosophers (and forks)' },
  ],
  build: (p) => phils({ N: p['N'] as number }),
};
