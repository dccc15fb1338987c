// The properties every classic mutual-exclusion model shares: mutual
// exclusion, a witness that someone gets in, and (on request) a witness no
// run can reach, to show vacuity being reported.

import { always, sometimes, type Property } from '../../src/engine/model.js';
import type { Field } from '../../src/engine/schema.js';

export interface MutexSpec {
  /** Each process's control-state field. */
  readonly pcs: readonly Field[];
  /** The critical-section location. */
  readonly cs: number;
  /** Locations that hold the lock (default: just cs). */
  readonly holding?: readonly number[];
  readonly holdingDescription?: string;
  readonly unreachableWitness?: boolean;
}

export function mutexProperties(m: MutexSpec): Property[] {
  const count = (s: Uint32Array, locs: readonly number[]) => {
    let n = 0;
    for (const pc of m.pcs) if (locs.includes(pc.get(s))) n++;
    return n;
  };
  const holding = m.holding ?? [m.cs];
  const cs = [m.cs];
  const out: Property[] = [
    always('mutual-exclusion', m.holdingDescription ?? 'at most one process is in its critical section', (s) => count(s, holding) <= 1, { reads: m.pcs, locations: m.pcs.map((field) => ({ field, values: holding })) }),
    sometimes('someone-enters', 'some process reaches its critical section', (s) => count(s, cs) === 1, { reads: m.pcs, locations: m.pcs.map((field) => ({ field, values: cs })) }),
  ];
  if (m.unreachableWitness) {
    out.push(sometimes('all-in-cs', 'every process is in its critical section at once (unreachable by design)', (s) => count(s, cs) === m.pcs.length, { reads: m.pcs, locations: m.pcs.map((field) => ({ field, values: cs })) }));
  }
  return out;
}
