// BEEM `peterson` (the generalised Peterson / filter lock for N processes),
// ported from the DVE instance peterson.1 (N=3) / peterson.4 (N=4) with DVE's
// asynchronous interleaving semantics. State, as in DVE: globals pos[N] and
// step[N] (bytes; DVE declares step with N entries though only N-1 are used),
// per process the locals j and k (bytes) and its control state.
//
// DVE process P_i:
//   NCS  -> wait  { effect j = 1 }
//   wait -> q2    { guard j < N;  effect pos[i] = j }
//   q2   -> q3    { effect step[j-1] = i, k = 0 }
//   q3   -> q3    { guard k < N && (k == i || pos[k] < j); effect k = k+1 }
//   q3   -> wait  { guard step[j-1] != i || k == N; effect j = j+1 }
//   wait -> CS    { guard j == N }
//   CS   -> NCS   { effect pos[i] = 0 }

import { action, type Action, type Model } from '../../src/engine/model.js';
import { mutexProperties } from './mutex.js';
import { leadsTo } from '../../src/engine/liveness.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

const byte = () => int(0, 255);
const LOCS = ['NCS', 'CS', 'wait', 'q2', 'q3'] as const;

export interface PetersonOptions {
  readonly N: number;
  /** Seeded bug: leave q3 without waiting for the others (breaks mutual exclusion). */
  readonly mutant?: boolean;
  /** Add a `sometimes` that no run can witness, to show vacuity being reported. */
  readonly unreachableWitness?: boolean;
  /** Liveness: P_0 in its critical section is the progress state, and P_0 waiting leads to P_0 entering. */
  readonly liveness?: boolean;
}

export function peterson(opts: PetersonOptions): Model {
  const { N } = opts;
  const layout = new Layout(record({
    pos: arrayOf(byte(), N),
    step: arrayOf(byte(), N),
    P: arrayOf(record({ pc: enumOf(LOCS), j: byte(), k: byte() }), N),
  }));
  const { pos, step, P } = layout.root;
  const [NCS, CS, WAIT, Q2, Q3] = [0, 1, 2, 3, 4];

  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc, j, k } = P[i]!;
    const actor = `P_${i}`;
    // Footprints (por.ts): what each step may read and write besides its move between locations.
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    actions.push(
      action({ name: 'CS->NCS', actor, params: { i }, reads: [], writes: [pos[i]], moves: mv(CS, NCS), requires: [{ field: pc, value: CS }], guard: () => true, effect: (s) => { pc.set(s, NCS); pos[i]!.set(s, 0); } }),
      action({ name: 'NCS->wait', actor, params: { i }, reads: [], writes: [j], moves: mv(NCS, WAIT), requires: [{ field: pc, value: NCS }], guard: () => true, effect: (s) => { pc.set(s, WAIT); j.set(s, 1); } }),
      action({ name: 'q2->q3', actor, params: { i }, reads: [j], writes: [step, k], moves: mv(Q2, Q3), requires: [{ field: pc, value: Q2 }], guard: () => true, effect: (s) => { pc.set(s, Q3); step[j.get(s) - 1]!.set(s, i); k.set(s, 0); } }),
      action({
        name: 'q3->q3', actor, params: { i }, reads: [k, j, pos], writes: [k], moves: mv(Q3, Q3),
        requires: [{ field: pc, value: Q3 }],
        guard: (s) => k.get(s) < N && (k.get(s) === i || pos[k.get(s)]!.get(s) < j.get(s)),
        effect: (s) => { k.set(s, k.get(s) + 1); },
      }),
      action({
        name: 'q3->wait', actor, params: { i }, reads: [step, j, k], writes: [j], moves: mv(Q3, WAIT),
        requires: [{ field: pc, value: Q3 }],
        guard: opts.mutant
          ? () => true
          : (s) => step[j.get(s) - 1]!.get(s) !== i || k.get(s) === N,
        effect: (s) => { pc.set(s, WAIT); j.set(s, j.get(s) + 1); },
      }),
      action({ name: 'wait->q2', actor, params: { i }, reads: [j], writes: [pos[i]], moves: mv(WAIT, Q2), requires: [{ field: pc, value: WAIT }], guard: (s) => j.get(s) < N, effect: (s) => { pc.set(s, Q2); pos[i]!.set(s, j.get(s)); } }),
      action({ name: 'wait->CS', actor, params: { i }, reads: [j], writes: [], moves: mv(WAIT, CS), requires: [{ field: pc, value: WAIT }], guard: (s) => j.get(s) === N, effect: (s) => { pc.set(s, CS); } }),
    );
  }

  const properties = mutexProperties({ pcs: P.map((p) => p.pc), cs: CS, unreachableWitness: opts.unreachableWitness === true });
  const p0 = P[0]!.pc;
  return {
    name: 'peterson',
    params: { N, mutant: opts.mutant ?? false, unreachableWitness: opts.unreachableWitness ?? false, ...(opts.liveness === true ? { liveness: true } : {}) },
    layout,
    init: [layout.blank()],
    actions,
    properties,
    ...(opts.liveness === true ? {
      progress: (s: Uint32Array) => p0.get(s) === CS,
      liveness: [leadsTo('P_0-enters', 'P_0 waiting eventually enters its critical section (the filter lock is starvation-free)', (s) => p0.get(s) !== NCS && p0.get(s) !== CS, (s) => p0.get(s) === CS)],
    } : {}),
  };
}

export const petersonEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'petersonEntry' },
  name: 'peterson',
  group: 'classic',
  description: 'BEEM peterson: Peterson\'s filter lock for N processes (peterson.1 is N=3: 12,498 states)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 6, default: 3, description: 'number of processes' },
    { name: 'mutant', kind: 'bool', default: false, description: 'seeded bug: leave q3 without waiting (breaks mutual exclusion)' },
    { name: 'unreachableWitness', kind: 'bool', default: false, description: 'add a sometimes property nothing can witness (shows vacuity)' },
    { name: 'liveness', kind: 'bool', default: false, description: 'check P_0\'s progress: non-progress cycles (P_0 in CS is progress) and P_0 waiting ~> P_0 in CS' },
  ],
  build: (p) => peterson({ N: p['N'] as number, mutant: p['mutant'] as boolean, unreachableWitness: p['unreachableWitness'] as boolean, liveness: p['liveness'] as boolean }),
};
