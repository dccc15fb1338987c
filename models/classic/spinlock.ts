// A test-and-set spinlock for N processes: the classic model of starvation.
// Mutual exclusion holds, but a waiting process can be overtaken forever:
// under weak fairness (a process continuously able to move eventually
// moves) the waiter keeps spinning while another process re-takes the lock
// each time it is free. Peterson's filter lock, by contrast, is
// starvation-free under weak fairness. The liveness checks (non-progress
// cycles with P_0's critical section as the progress state, and P_0
// waiting ~> P_0 in its critical section) tell the two apart; the Promela
// twin test/promela/spinlock.pml gives SPIN the same graph.
//
// Process P_i:
//   NCS -> TRY  { }
//   TRY -> CS   { guard lock == 0; effect lock = 1 }
//   TRY -> TRY  { guard lock == 1 }             (the busy wait; absent with blocking)
//   CS  -> NCS  { effect lock = 0 }

import { action, type Action, type Model } from '../../src/engine/model.js';
import { leadsTo } from '../../src/engine/liveness.js';
import type { ModelEntry } from '../../src/engine/registry.js';
import { Layout, arrayOf, bool, enumOf, record } from '../../src/engine/schema.js';
import { mutexProperties } from './mutex.js';

const LOCS = ['NCS', 'TRY', 'CS'] as const;

export interface SpinlockOptions {
  readonly N: number;
  /** A waiting process sleeps instead of spinning (its TRY step is disabled while the lock is held). */
  readonly blocking?: boolean;
}

export function spinlock(opts: SpinlockOptions): Model {
  const { N } = opts;
  const layout = new Layout(record({ lock: bool(), P: arrayOf(record({ pc: enumOf(LOCS) }), N) }));
  const { lock, P } = layout.root;
  const [NCS, TRY, CS] = [0, 1, 2];
  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc } = P[i]!;
    const actor = `P_${i}`;
    // Footprints (por.ts): each step's move between locations, and the lock it may read and write.
    const mv = (from: number, to: number) => ({ field: pc, from, to });
    actions.push(
      action({ name: 'NCS->TRY', actor, params: { i }, moves: mv(NCS, TRY), reads: [], writes: [], guard: (s) => pc.get(s) === NCS, effect: (s) => { pc.set(s, TRY); } }),
      action({ name: 'TRY->CS', actor, params: { i }, moves: mv(TRY, CS), reads: [lock], writes: [lock], guard: (s) => pc.get(s) === TRY && !lock.test(s), effect: (s) => { lock.set(s, 1); pc.set(s, CS); } }),
      ...(opts.blocking === true ? [] : [action({ name: 'spin', actor, params: { i }, moves: mv(TRY, TRY), reads: [lock], writes: [], guard: (s) => pc.get(s) === TRY && lock.test(s), effect: () => {} })]),
      action({ name: 'CS->NCS', actor, params: { i }, moves: mv(CS, NCS), reads: [], writes: [lock], guard: (s) => pc.get(s) === CS, effect: (s) => { lock.set(s, 0); pc.set(s, NCS); } }),
    );
  }
  const p0 = P[0]!.pc;
  return {
    name: 'spinlock',
    params: { N, blocking: opts.blocking ?? false },
    layout,
    init: [layout.blank()],
    actions,
    properties: mutexProperties({ pcs: P.map((p) => p.pc), cs: CS }),
    progress: (s) => p0.get(s) === CS,
    liveness: [leadsTo('P_0-enters', 'P_0 trying to enter eventually enters its critical section (no starvation)', (s) => p0.get(s) === TRY, (s) => p0.get(s) === CS)],
  };
}

export const spinlockEntry: ModelEntry = {
  module: { url: import.meta.url, export: 'spinlockEntry' },
  name: 'spinlock',
  group: 'classic',
  description: 'a test-and-set spinlock: mutual exclusion holds, P_0 can starve (non-progress cycle and leads-to, with or without weak fairness)',
  params: [
    { name: 'N', kind: 'int', min: 2, max: 8, default: 2, description: 'number of processes' },
    { name: 'blocking', kind: 'bool', default: false, description: 'a waiter sleeps instead of spinning' },
  ],
  build: (p) => spinlock({ N: p['N'] as number, blocking: p['blocking'] as boolean }),
};
