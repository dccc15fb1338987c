// The state properties of a new state, specialised per model.
//
// A loop `for (p of active) p.holds(s)` calls every property through one
// call site, which V8 sees as megamorphic: no property is ever inlined, and
// a model with 25 properties pays 25 indirect calls per state. As for
// successors (expand.ts), the loop is unrolled once per model into small
// generated functions with one call site per property. The source is built
// from property indices only (no model text).

import type { Property } from './model.js';

/**
 * Check state s against every property i with live[i] === 1 ('always': does
 * it hold? 'sometimes': is it witnessed?): the indices of those that fail
 * (an 'always' that does not hold) or are witnessed go to out[0..n); returns
 * n. Other kinds are not checked here.
 */
export type StateChecks = (s: Uint32Array, live: Uint8Array, out: Int32Array) => number;

/** Properties per generated function (V8 inlines only so much into one). */
const CHUNK = 8;

/**
 * The checks of the properties idx as generated code: `args` are the
 * check's parameters (live, out last), `test(i)` the condition under which
 * property i is reported, over P[i] as p<i> and WATCH[i] as w<i>; chunks of
 * CHUNK properties, each property its own call site.
 */
function generate(properties: readonly Property[], idx: readonly number[], args: string, test: (i: number) => string, watch: readonly (Uint8Array | undefined)[] = []): (...a: never[]) => number {
  if (idx.length === 0) return () => 0;
  const L: string[] = ['"use strict";'];
  for (const i of idx) L.push(`const p${i} = P[${i}];`, ...(watch[i] !== undefined ? [`const w${i} = WATCH[${i}];`] : []));
  const chunks: string[] = [];
  for (let c = 0; c < idx.length; c += CHUNK) {
    chunks.push(`chunk${c}`);
    L.push(`function chunk${c}(${args}, n) {`);
    for (const i of idx.slice(c, c + CHUNK)) L.push(`  if (live[${i}] === 1 && ${test(i)}) out[n++] = ${i};`);
    L.push('  return n;', '}');
  }
  L.push(`return function check(${args}) {`, '  let n = 0;');
  for (const c of chunks) L.push(`  n = ${c}(${args}, n);`);
  L.push('  return n;', '};');
  return new Function('P', 'WATCH', L.join('\n'))(properties.slice(), watch.slice()) as (...a: never[]) => number;
}

export function compileStateChecks(properties: readonly Property[]): StateChecks {
  const idx = properties.flatMap((p, i) => (p.kind === 'always' || p.kind === 'sometimes' ? [i] : []));
  return generate(properties, idx, 's, live, out', (i) => (properties[i]!.kind === 'always' ? `!p${i}.holds(s)` : `p${i}.witness(s)`)) as StateChecks;
}

/**
 * Check the step (prev, action a, next) against every step property i with
 * live[i] === 1 that watches a (watch[i][a] === 1, see StepProperty.watches):
 * the indices of those that fail go to out[0..n); returns n.
 */
export type StepChecks = (a: number, prev: Uint32Array, act: unknown, next: Uint32Array, live: Uint8Array, out: Int32Array) => number;

/** watch[i]: for step property i, which actions it is checked on (undefined: every action). */
export function compileStepChecks(properties: readonly Property[], watch: readonly (Uint8Array | undefined)[]): StepChecks {
  const idx = properties.flatMap((p, i) => (p.kind === 'step' ? [i] : []));
  return generate(properties, idx, 'a, prev, act, next, live, out', (i) => `${watch[i] !== undefined ? `w${i}[a] === 1 && ` : ''}!p${i}.holds(prev, act, next)`, watch) as StepChecks;
}
