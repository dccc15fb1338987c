// Checking declared footprints (por.ts) against what the code does.
//
// Partial-order reduction trusts each action's and property's declared reads
// and writes. They only need to hold in reachable states, so a full search
// that traces every guard, effect and property in every reachable state
// proves them for that model: each field read through a Field accessor must
// be declared (as a read, or as the location the action moves), and every
// bit that changes must belong to a declared write, a declared move must
// start and end where it says, and a declared necessary conjunct must read
// only its fields and hold wherever the action is enabled. Reads are traced by
// wrapping Field.prototype.get for the duration of the check; code that
// reads a state's words without a Field is not seen (the models here never
// do). The search is exact and bounded; a bound reached says so.

import type { Model } from './model.js';
import { Field, FieldRangeError } from './schema.js';

export interface FootprintReport {
  /** States examined (all reachable ones when complete). */
  readonly states: number;
  readonly complete: boolean;
  /** The first access outside a declaration, in one line; undefined when none was found. */
  readonly problem?: string;
  /** The model declares no footprint for some action or property: nothing was checked. */
  readonly undeclared?: boolean;
}

const describe = (m: Model, s: Uint32Array) => JSON.stringify(m.describe?.(s) ?? m.layout.toJSON(s));

export function checkFootprints(m: Model, opts: { readonly maxStates?: number } = {}): FootprintReport {
  const maxStates = opts.maxStates ?? 2_000_000;
  const W = m.layout.words;
  const declared = (fs: readonly Field[] | undefined) => new Set(fs ?? []);
  const acts = m.actions.map((a) => ({
    a,
    reads: declared([...(a.reads ?? []), ...(a.moves !== undefined ? [a.moves.field] : []), ...(a.necessary?.reads ?? [])]),
    writeMask: maskOf([...(a.writes ?? []), ...(a.moves !== undefined ? [a.moves.field] : [])], W),
  }));
  const props = m.properties.map((p) => ({ p, reads: declared(p.reads) }));
  const undeclared = [...m.actions.filter((a) => a.reads === undefined || a.writes === undefined).map((a) => `action '${a.label}'`), ...m.properties.filter((p) => p.reads === undefined).map((p) => `property ${p.name}`)];
  if (undeclared.length > 0) return { states: 0, complete: false, undeclared: true, problem: `${undeclared[0]} declares no footprint${undeclared.length > 1 ? ` (and ${undeclared.length - 1} more)` : ''}` };

  const outside = (read: Set<Field>, ok: Set<Field>) => [...read].find((f) => !ok.has(f));

  return withReadTracing((traced) => {
    const seen = new Set<string>();
    const queue: Uint32Array[] = [];
    for (const s of m.init) {
      const k = s.join(',');
      if (!seen.has(k)) { seen.add(k); queue.push(s.slice()); }
    }
    const checkState = (s: Uint32Array): string | undefined => {
      for (const { p, reads } of props) {
        if (p.kind === 'step') continue;
        const { read } = traced(() => (p.kind === 'sometimes' ? p.witness(s) : p.holds(s)));
        const f = outside(read, reads);
        if (f !== undefined) return `property ${p.name} reads ${f.path}, which it does not declare (state ${describe(m, s)})`;
      }
      if (m.isQuiescent !== undefined && m.quiescentReads !== undefined && m.properties.some((p) => p.kind === 'quiescent')) {
        const { read } = traced(() => m.isQuiescent!(s));
        const f = outside(read, declared(m.quiescentReads));
        if (f !== undefined) return `the quiescent-state test reads ${f.path}, which quiescentReads does not declare`;
      }
      return undefined;
    };
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const bad = checkState(s);
      if (bad !== undefined) return { states: seen.size, complete: false, problem: bad };
      for (const { a, reads, writeMask } of acts) {
        const g = traced(() => a.enabled(s));
        let f = outside(g.read, reads);
        if (f !== undefined) return { states: seen.size, complete: false, problem: `action '${a.label}' (guard) reads ${f.path}, which it does not declare (state ${describe(m, s)})` };
        const nec = a.necessary;
        if (nec !== undefined) {
          // a conjunct of the guard, over its own fields only
          const h = traced(() => nec.holds(s));
          const nf = outside(h.read, declared(nec.reads));
          if (nf !== undefined) return { states: seen.size, complete: false, problem: `action '${a.label}' (necessary conjunct) reads ${nf.path}, which it does not declare` };
          if (g.value && !h.value) return { states: seen.size, complete: false, problem: `action '${a.label}' is enabled where its necessary conjunct is false: it is no conjunct of the guard (state ${describe(m, s)})` };
        }
        if (!g.value) continue;
        const n = s.slice();
        let threw = false;
        const e = traced(() => {
          try {
            a.apply(n);
          } catch (x) {
            if (!(x instanceof FieldRangeError)) throw x;
            threw = true;
          }
        });
        f = outside(e.read, reads);
        if (f !== undefined) return { states: seen.size, complete: false, problem: `action '${a.label}' (effect) reads ${f.path}, which it does not declare (state ${describe(m, s)})` };
        if (threw) continue;
        const mv = a.moves;
        if (mv !== undefined && (mv.field.get(s) !== mv.from || mv.field.get(n) !== mv.to)) {
          return { states: seen.size, complete: false, problem: `action '${a.label}' declares it moves ${mv.field.path} from ${mv.from} to ${mv.to}, but it went from ${mv.field.get(s)} to ${mv.field.get(n)} (state ${describe(m, s)})` };
        }
        for (let w = 0; w < W; w++) {
          const changed = (s[w]! ^ n[w]!) >>> 0;
          if ((changed & ~writeMask[w]!) !== 0) {
            const field = m.layout.fields.find((x) => x.word === w && ((changed >>> x.shift) & x.mask) !== 0 && ((writeMask[w]! >>> x.shift) & x.mask) === 0);
            return { states: seen.size, complete: false, problem: `action '${a.label}' writes ${field?.path ?? `word ${w}`}, which it does not declare (state ${describe(m, s)})` };
          }
        }
        for (const { p, reads: pr } of props) {
          if (p.kind !== 'step') continue;
          const r = traced(() => p.holds(s, a, n));
          const bad = outside(r.read, pr);
          if (bad !== undefined) return { states: seen.size, complete: false, problem: `step property ${p.name} reads ${bad.path}, which it does not declare` };
        }
        const k = n.join(',');
        if (seen.has(k)) continue;
        if (seen.size >= maxStates) return { states: seen.size, complete: false };
        seen.add(k);
        queue.push(n);
      }
    }
    return { states: seen.size, complete: true };
  });
}

type Traced = <T>(f: () => T) => { value: T; read: Set<Field> };

/** Run body with Field.get traced: `traced(f)` runs f and says which fields it read. */
function withReadTracing<R>(body: (traced: Traced) => R): R {
  const proto = Field.prototype;
  const get0 = proto.get;
  let log: Set<Field> | undefined;
  proto.get = function (this: Field, s: Uint32Array): number {
    log?.add(this);
    return get0.call(this, s);
  };
  const traced: Traced = (f) => {
    const read = new Set<Field>();
    log = read;
    try {
      return { value: f(), read };
    } finally {
      log = undefined;
    }
  };
  try {
    return body(traced);
  } finally {
    proto.get = get0;
  }
}

/** What each action did read and write over a model's reachable states (inferFootprints). */
export interface InferredFootprint {
  readonly reads: readonly Field[];
  readonly writes: readonly Field[];
  /** For a location field asked for: the values it had where the action fired, and after. */
  readonly from: ReadonlySet<number>;
  readonly to: ReadonlySet<number>;
}

/**
 * The footprints the actions have in fact, traced over every reachable state
 * (an exact search, at most maxStates): for measuring what reduction could
 * gain from declared footprints, never for reducing a search (a footprint
 * seen is not one proven). `locationOf(a)` names the field whose values
 * before and after each of a's steps are collected.
 */
export function inferFootprints(m: Model, opts: { readonly maxStates?: number; readonly locationOf?: (a: Model['actions'][number]) => Field | undefined } = {}): { readonly states: number; readonly complete: boolean; readonly actions: readonly InferredFootprint[] } {
  const maxStates = opts.maxStates ?? 2_000_000;
  const W = m.layout.words;
  const reads = m.actions.map(() => new Set<Field>());
  const changed = m.actions.map(() => new Uint32Array(W));
  const from = m.actions.map(() => new Set<number>());
  const to = m.actions.map(() => new Set<number>());
  const locs = m.actions.map((a) => opts.locationOf?.(a));
  return withReadTracing((traced) => {
    const seen = new Set<string>();
    const queue: Uint32Array[] = [];
    let cut = false;
    const visit = (s: Uint32Array) => {
      const k = s.join(',');
      if (seen.has(k)) return;
      if (seen.size >= maxStates) { cut = true; return; }
      seen.add(k);
      queue.push(s);
    };
    for (const s of m.init) visit(s.slice());
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      m.actions.forEach((a, i) => {
        const g = traced(() => a.enabled(s));
        for (const f of g.read) reads[i]!.add(f);
        if (!g.value) return;
        const n = s.slice();
        const e = traced(() => {
          try {
            a.apply(n);
            return true;
          } catch (x) {
            if (x instanceof FieldRangeError) return false;
            throw x;
          }
        });
        for (const f of e.read) reads[i]!.add(f);
        if (!e.value) return;
        for (let w = 0; w < W; w++) changed[i]![w]! |= s[w]! ^ n[w]!;
        const loc = locs[i];
        if (loc !== undefined) { from[i]!.add(loc.get(s)); to[i]!.add(loc.get(n)); }
        visit(n);
      });
    }
    const writes = (mask: Uint32Array) => m.layout.fields.filter((f) => f.bits > 0 && ((mask[f.word]! >>> f.shift) & f.mask) !== 0);
    return {
      states: seen.size,
      complete: !cut,
      actions: m.actions.map((_, i) => ({ reads: [...reads[i]!], writes: writes(changed[i]!), from: from[i]!, to: to[i]! })),
    };
  });
}

function maskOf(fields: readonly Field[], W: number): Uint32Array {
  const out = new Uint32Array(W);
  for (const f of fields) out[f.word] = (out[f.word]! | ((f.mask << f.shift) >>> 0)) >>> 0;
  return out;
}

