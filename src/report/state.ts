// States as flat field lists, and what changed between two of them: the
// common ground of every trace view (text, Mermaid, SVG, HTML, ITF).

import type { JsonValue } from '../engine/schema.js';

/** Flatten a JSON state into path -> scalar (as text), in document order. */
export function flatten(v: JsonValue, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(v)) v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.set(prefix, String(v));
  return out;
}

/** One field that differs between two states; `before` or `after` is missing when the field appears or disappears. */
export interface Change {
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

/** Fields that differ between two states, in the order of the later state (then the ones that vanished). */
export function changes(a: JsonValue, b: JsonValue): Change[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const out: Change[] = [];
  for (const [k, v] of fb) {
    const old = fa.get(k);
    if (old !== v) out.push(old === undefined ? { path: k, after: v } : { path: k, before: old, after: v });
  }
  for (const [k, v] of fa) if (!fb.has(k)) out.push({ path: k, before: v });
  return out;
}

/** "path a→b"; a field that appears or disappears shows ∅ on its missing side. */
export const changeText = (c: Change, arrow = '→', none = '∅'): string => `${c.path} ${c.before ?? none}${arrow}${c.after ?? none}`;

/** A value shown as nothing in a summary of one state: zero, false, or '-' (an enum's "none"). */
export const isBlankValue = (v: string): boolean => v === '0' || v === 'false' || v === '-';
