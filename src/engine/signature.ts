// A model's signature: what must be the same for two builds to be the same
// model — its name and parameters, the state layout, every action (name,
// actor, label, parameters), every property (name, kind) and the initial
// states. Workers rebuild the model from CheckOptions.source; each sends its
// signature and the search refuses to run when one differs from the model
// the caller passed (a source that builds another model would otherwise give
// wrong counts and verdicts silently).

import { createHash } from 'node:crypto';
import type { Model } from './model.js';

export interface ModelSignature {
  /** A hash of everything below, to compare cheaply. */
  readonly hash: string;
  /** Its parts, each hashed, to say what differs. */
  readonly parts: Readonly<Record<'name' | 'params' | 'layout' | 'actions' | 'properties' | 'init', string>>;
}

const h = (v: unknown): string => createHash('sha256').update(typeof v === 'string' ? v : JSON.stringify(v)).digest('hex').slice(0, 16);

export function modelSignature(m: Model): ModelSignature {
  const parts = {
    name: h(m.name),
    params: h(m.params),
    layout: h({ words: m.layout.words, spec: m.layout.spec }),
    actions: h(m.actions.map((a) => [a.name, a.actor ?? null, a.label, a.params, a.role ?? null, a.progress === true, a.fair !== false])),
    properties: h([...m.properties.map((p) => [p.name, p.kind]), ...(m.liveness ?? []).map((p) => [p.name, p.kind]), m.fairness ?? null]),
    init: h(m.init.map((s) => Array.from(s))),
  };
  return { hash: h(parts), parts };
}

/** What differs between two signatures, in words ('' if nothing). */
export function signatureDifference(a: ModelSignature, b: ModelSignature): string {
  if (a.hash === b.hash) return '';
  const what = (Object.keys(a.parts) as (keyof ModelSignature['parts'])[]).filter((k) => a.parts[k] !== b.parts[k]);
  return what.length === 0 ? 'the model' : what.join(', ');
}
