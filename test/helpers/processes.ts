// N identical processes competing for one lock: a small model with a
// symmetry (any permutation of the processes), for the engine's symmetry
// reduction tests (test/symmetry-engine.test.ts); a module of its own so
// that worker threads can rebuild it.

import { action, always, sometimes, step, type Action, type Model } from '../../src/engine/model.js';
import { Layout, arrayOf, enumOf, int, record } from '../../src/engine/schema.js';

/**
 * N identical processes: idle → trying → (lock free) critical → idle, and a
 * shared counter of entries (mod 3). With `bug`, trying → critical ignores
 * the lock. Symmetric under any permutation of the processes;
 * canonicalize sorts them.
 */
export function processes(N: number, bug = false, symmetric = true): Model {
  const layout = new Layout(record({ lock: int(0, 1), entries: int(0, 2), P: arrayOf(record({ pc: enumOf(['idle', 'trying', 'critical']), visits: int(0, 2) }), N) }));
  const { lock, entries, P } = layout.root;
  const [IDLE, TRYING, CRIT] = [0, 1, 2];
  const actions: Action[] = [];
  for (let i = 0; i < N; i++) {
    const { pc, visits } = P[i]!;
    const actor = `P${i}`;
    actions.push(
      action({ name: 'try', actor, params: { i }, guard: (s) => pc.get(s) === IDLE, effect: (s) => pc.set(s, TRYING) }),
      action({
        name: 'enter', actor, params: { i },
        guard: (s) => pc.get(s) === TRYING && (bug || lock.get(s) === 0),
        effect: (s) => { pc.set(s, CRIT); lock.set(s, 1); entries.set(s, (entries.get(s) + 1) % 3); visits.set(s, Math.min(2, visits.get(s) + 1)); },
      }),
      action({ name: 'leave', actor, params: { i }, guard: (s) => pc.get(s) === CRIT, effect: (s) => { pc.set(s, IDLE); lock.set(s, 0); } }),
    );
  }
  const inCs = (s: Uint32Array) => P.filter((p) => p.pc.get(s) === CRIT).length;
  const canonicalize = (s: Uint32Array) => {
    // sort the process records by (pc, visits)
    const recs = P.map((p) => [p.pc.get(s), p.visits.get(s)] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    recs.forEach(([pc, v], i) => { P[i]!.pc.set(s, pc); P[i]!.visits.set(s, v); });
  };
  return {
    name: 'processes', params: { N, bug, symmetric }, layout, init: [layout.blank()], actions,
    properties: [
      always('mutex', 'at most one process in its critical section', (s) => inCs(s) <= 1),
      always('not-all-trying', 'never every process trying at once', (s) => P.some((p) => p.pc.get(s) !== TRYING)),
      sometimes('someone-twice', 'some process enters twice', (s) => P.some((p) => p.visits.get(s) === 2)),
      step('enter-takes-lock', 'entering the critical section takes a free lock', (prev, a, next) => a.name !== 'enter' || (lock.get(prev) === 0 && lock.get(next) === 1)),
    ],
    ...(symmetric ? { canonicalize } : {}),
  };
}

