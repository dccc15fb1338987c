// Successor generation, specialised per model.
//
// The generic loop `for (a of actions) if (a.enabled(s)) a.apply(copy(s))`
// calls every guard and effect through one call site, which V8 sees as
// megamorphic: no guard is ever inlined, and a model with 30 actions pays 30
// indirect calls per state. Here the loop is unrolled once per model into a
// small generated function with one call site per action, so each site is
// monomorphic and V8 inlines the small guards and effects into it. The
// source is built only from action indices and the state width (no model
// text), and the generated code is equivalent to the generic loop, which is
// kept for models with very many actions (where one unrolled function would
// be too big to optimise).

import { currentGuardParts, type Action, type FieldTest } from './model.js';

/** What an effect threw, and where: filled by an expander that returns -1. */
export interface ExpandError {
  /** Index of the action whose guard or effect threw. */
  a: number;
  /** Successors generated before it (they are valid, in views[0..k)). */
  k: number;
  /** True when the effect threw (its guard held), false when the guard threw. */
  inEffect: boolean;
  e: unknown;
}

/**
 * Generate the successors of `src` by the actions `from`, `from+1`, … in
 * model order: each enabled action's successor is written to views[k] (a
 * W-word state) with its action index in acts[k], k counting up from `k0`.
 * Returns the final k, or -1 when a guard or effect threw (then `err` says
 * which action and how many successors are valid; the caller resumes at
 * err.a + 1 with k0 = err.k).
 */
export type Expander = (src: Uint32Array, views: readonly Uint32Array[], acts: Int32Array, from: number, k0: number, err: ExpandError) => number;

/** Above this many actions one unrolled function is too big for V8 to optimise; use the generic loop. */
const MAX_UNROLLED = 160;
/** Actions per generated function. */
const CHUNK = 8;
/** Above this many words per state the copy is a loop instead of unrolled assignments. */
const MAX_UNROLLED_COPY = 16;

export function genericExpander(actions: readonly Action[], W: number): Expander {
  const n = actions.length;
  return (src, views, acts, from, k0, err) => {
    let k = k0;
    let a = from;
    let inEffect = false;
    try {
      for (; a < n; a++) {
        const act = actions[a]!;
        if (!act.enabled(src)) continue;
        const d = views[k]!;
        for (let i = 0; i < W; i++) d[i] = src[i]!;
        inEffect = true;
        act.apply(d);
        inEffect = false;
        acts[k++] = a;
      }
    } catch (e) {
      err.a = a;
      err.k = k;
      err.inEffect = inEffect;
      err.e = e;
      return -1;
    }
    return k;
  };
}

export function compileExpander(actions: readonly Action[], W: number): Expander {
  const n = actions.length;
  if (n === 0 || n > MAX_UNROLLED) return genericExpander(actions, W);
  const copy = W <= MAX_UNROLLED_COPY
    ? Array.from({ length: W }, (_, i) => `d[${i}] = s[${i}];`).join(' ')
    : `for (let i = 0; i < ${W}; i++) d[i] = s[i];`;
  const lines: string[] = [];
  lines.push('"use strict";');
  // An action whose guard comes in parts (model.ts GuardParts): its field tests inline, then
  // its rest from a call site of its own; else its guard.
  const guards: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`const x${i} = X[${i}];`);
    const parts = currentGuardParts(actions[i]!);
    if (parts === undefined) { guards.push(`x${i}.enabled(s)`); continue; }
    lines.push(`const r${i} = X[${i}].guardParts.rest;`);
    guards.push([...parts.requires.map(inlineTest), `r${i}(s)`].join(' && '));
  }
  // One function per CHUNK actions: V8 limits how much it inlines into one
  // function, so small chunks get every guard and effect inlined.
  const chunks: number[] = [];
  for (let c0 = 0; c0 < n; c0 += CHUNK) {
    const c1 = Math.min(n, c0 + CHUNK);
    chunks.push(c0);
    lines.push(`function chunk${c0}(s, V, A, from, k, err) {`);
    lines.push('  let a = from, inEffect = false, d;');
    lines.push('  try {');
    lines.push('    switch (from) {');
    for (let i = c0; i < c1; i++) {
      lines.push(`      case ${i}: a = ${i}; if (${guards[i]}) { d = V[k]; ${copy} inEffect = true; x${i}.apply(d); inEffect = false; A[k++] = ${i}; }`);
    }
    lines.push('    }');
    lines.push('  } catch (e) { err.a = a; err.k = k; err.inEffect = inEffect; err.e = e; return -1; }');
    lines.push('  return k;');
    lines.push('}');
  }
  lines.push('return function expand(s, V, A, from, k, err) {');
  for (const c0 of chunks) {
    const c1 = Math.min(n, c0 + CHUNK);
    lines.push(`  if (from < ${c1}) { k = chunk${c0}(s, V, A, from < ${c0} ? ${c0} : from, k, err); if (k < 0) return -1; }`);
  }
  lines.push('  return k;');
  lines.push('};');
  // Each action is a constant of the generated closure and has its own call
  // sites, so V8's feedback at each site sees one guard and one effect.
  const factory = new Function('X', lines.join('\n')) as (X: readonly Action[]) => Expander;
  return factory(actions.slice());
}

/** A field test as a mask compare on its word (the value it stands for, less the field's minimum). */
function inlineTest(t: FieldTest): string {
  const f = t.field;
  const raw = t.value - f.min;
  const eq = t.equal !== false;
  // a value the field cannot hold: the test is constant
  if (!Number.isInteger(raw) || raw < 0 || raw > f.mask) return eq ? 'false' : 'true';
  return `((s[${f.word}] >>> ${f.shift}) & ${f.mask}) ${eq ? '===' : '!=='} ${raw}`;
}
