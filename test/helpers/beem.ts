// The one assertion every BEEM test makes: a complete search in the given mode
// with exactly the published distinct states, edges and BFS levels.
import type { ExecutionContext } from 'ava';
import type { CheckResult } from '../../src/engine/result.js';

export interface BeemCounts { readonly states: number; readonly transitions: number; readonly levels: number }

export function matchesBeem(t: ExecutionContext, r: CheckResult, expected: BeemCounts, exact: boolean): void {
  t.true(r.complete);
  t.is(r.mode, exact ? 'exact' : 'fingerprint');
  t.deepEqual({ states: r.stats.states, transitions: r.stats.transitions, levels: r.stats.levels },
    { states: expected.states, transitions: expected.transitions, levels: expected.levels });
}
