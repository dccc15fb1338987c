// Random models built from a seed alone, so that a worker thread can rebuild
// exactly the model the test built (a ModelSource names this module, the
// export `seededModel` and the seed). Small fields and guarded counters give
// state spaces from a handful to tens of thousands of states; unguarded
// updates give range errors; every property kind, quiescence, legal end
// states, several (possibly equal) initial states and multi-word layouts
// (a wide int) occur.

import { action, always, quiescent, sometimes, step, type Action, type Model, type Property } from '../../src/engine/model.js';
import { Layout, arrayOf, bool, enumOf, int, record, type FieldSpec } from '../../src/engine/schema.js';

/** mulberry32 */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeededOptions {
  /** Bigger state spaces (five counters). */
  readonly big?: boolean;
}

export function seededModel(seed: number, opts: SeededOptions = {}): Model {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const fields: Record<string, FieldSpec> = {};
  const ranges: { min: number; max: number }[] = [];
  const counters = opts.big === true ? 5 : 2 + pick(2);
  for (let i = 0; i < counters; i++) {
    const min = pick(3) - 1;
    const span = opts.big === true ? 3 + pick(6) : 2 + pick(5);
    fields[`c${i}`] = int(min, min + span);
    ranges.push({ min, max: min + span });
  }
  fields['flags'] = arrayOf(bool(), 1 + pick(3));
  fields['mode'] = enumOf(['a', 'b', 'c']);
  if (pick(3) === 0) fields['wide'] = int(-5, 2 ** (8 + pick(14)));
  const layout = new Layout(record(fields));
  const F = layout.fields;
  const L = F.length;
  const leafRange = (i: number) => ({ min: F[i]!.min, max: F[i]!.max });
  const leaf = () => pick(L);
  const constFor = (i: number) => {
    const { min, max } = leafRange(i);
    return max - min > 12 ? min + pick(6) : min + pick(max - min + 1);
  };
  type Pred = (s: Uint32Array) => boolean;
  const atom = (): Pred => {
    const i = leaf();
    const c = constFor(i);
    const f = F[i]!;
    switch (pick(4)) {
      case 0: return (s) => f.get(s) === c;
      case 1: return (s) => f.get(s) !== c;
      case 2: return (s) => f.get(s) < c;
      default: { const g = F[leaf()]!; return (s) => f.get(s) <= g.get(s); }
    }
  };
  const pred = (depth: number): Pred => {
    if (depth <= 0 || pick(3) === 0) return atom();
    const a = pred(depth - 1);
    const b = pred(depth - 1);
    return pick(2) === 0 ? (s) => a(s) && b(s) : (s) => a(s) || b(s);
  };

  const actions: Action[] = [];
  // guarded up/down on each counter (the bulk of the state space)
  for (let i = 0; i < counters; i++) {
    const f = F[i]!;
    const { min, max } = ranges[i]!;
    const extra = pick(3) === 0 ? pred(1) : () => true;
    actions.push(action({ name: `inc${i}`, params: { i }, guard: (s) => f.get(s) < max && extra(s), effect: (s) => f.set(s, f.get(s) + 1) }));
    actions.push(action({ name: `dec${i}`, params: { i }, guard: (s) => f.get(s) > min, effect: (s) => f.set(s, f.get(s) - 1) }));
  }
  // random actions; some unguarded updates go out of range
  const nRandom = 1 + pick(opts.big === true ? 2 : 4);
  for (let k = 0; k < nRandom; k++) {
    const guard = pred(2);
    const effects: ((s: Uint32Array) => void)[] = [];
    for (let e = 0, n = 1 + pick(2); e < n; e++) {
      const i = leaf();
      const f = F[i]!;
      switch (pick(4)) {
        case 0: { const c = constFor(i); effects.push((s) => f.set(s, c)); break; }
        case 1: { const g = F[leaf()]!; effects.push((s) => f.set(s, g.get(s))); break; }
        case 2: effects.push((s) => f.set(s, f.get(s) + 1)); break;
        default: effects.push((s) => f.set(s, f.get(s) - 1)); break;
      }
    }
    actions.push(action({ name: `r${k}`, guard, effect: (s) => { for (const e of effects) e(s); } }));
  }

  const properties: Property[] = [];
  for (let k = 0, n = 1 + pick(5); k < n; k++) {
    const name = `p${k}`;
    switch (pick(4)) {
      case 0: { const p = pred(2); properties.push(always(name, 'random invariant', (s) => !p(s))); break; }
      case 1: { const p = pred(1); properties.push(quiescent(name, 'random quiescent invariant', p)); break; }
      case 2: { const p = pred(2); properties.push(sometimes(name, 'random witness', p)); break; }
      default: {
        const i = leaf();
        const f = F[i]!;
        const forbidden = actions[pick(actions.length)]!;
        const up = pick(2) === 0;
        properties.push(step(name, 'random step property', (prev, a, next) => a !== forbidden || (up ? f.get(next) >= f.get(prev) : f.get(next) <= f.get(prev))));
      }
    }
  }
  const init: Uint32Array[] = [];
  for (let k = 0, n = 1 + pick(3); k < n; k++) {
    const s = layout.blank();
    for (let i = 0; i < L; i++) F[i]!.set(s, constFor(i));
    init.push(s);
    if (pick(4) === 0) init.push(s.slice());
  }
  const q = pred(1);
  const le = pred(1);
  return {
    name: 'seeded',
    params: { seed, big: opts.big === true },
    layout,
    init,
    actions,
    properties,
    isQuiescent: q,
    ...(pick(2) === 0 ? { isLegalEnd: le } : {}),
    ...(pick(4) === 0 ? { checkDeadlock: false } : {}),
  };
}
