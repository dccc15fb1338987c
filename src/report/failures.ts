// Which properties break where along a counterexample: the trace's own
// property at its last step, and any other the same path breaks on the way
// (I1 at step 12 of I1.crash's 14 steps). Found by replaying the trace on
// its model (src/engine/replay.ts), which evaluates every property per step.

import type { Model } from '../engine/model.js';
import { replay } from '../engine/replay.js';
import type { PropertyResult, TraceStep } from '../engine/result.js';
import type { Failure } from './lanes.js';

export const DEADLOCK_TEXT = 'no action is enabled here and this is not a legal end state';

/** The failure a result reports for its own trace: at the last step. */
export function ownFailure(p: PropertyResult & { trace: readonly TraceStep[] }): Failure {
  const description = p.kind === 'deadlock' ? DEADLOCK_TEXT : p.detail !== undefined ? `${p.description} (${p.detail})` : p.description;
  return { step: p.trace.length - 1, property: p.name, description };
}

/** Every property the trace breaks, each at its first step, its own last; without a model, only its own. */
export function failuresAlong(p: PropertyResult & { trace: readonly TraceStep[] }, model?: Model): Failure[] {
  const own = ownFailure(p);
  if (model === undefined) return [own];
  let found: { property: string; step: number; detail?: string }[];
  try {
    const r = replay(model, p.trace.map((s) => ({ action: s.action, params: s.params, state: s.state, ...(s.role !== undefined ? { role: s.role } : {}) })), { verify: true });
    if (r.mismatch !== undefined) return [own];
    found = [...r.violations];
  } catch {
    return [own];
  }
  const about = new Map(model.properties.map((x) => [x.name, x.description]));
  const others = found
    .filter((v) => v.property !== p.name && v.step <= own.step)
    .map((v): Failure => ({
      step: v.step,
      property: v.property,
      description: v.property === 'deadlock' ? DEADLOCK_TEXT : `${about.get(v.property) ?? v.property}${v.detail !== undefined ? ` (${v.detail})` : ''}`,
    }));
  return [...others, own].sort((a, b) => a.step - b.step);
}
