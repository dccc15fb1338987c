// A step property is checked only on the actions it watches
// (StepProperty.watches; the checker keeps a list per action). A wrong
// declaration would hide a violation, so every proposal and release is
// searched on every shipped scenario both ways, and the results must be the
// same: every verdict, every counterexample's length, the state and
// transition counts.

import test from 'ava';
import { check, type CheckResult } from '../src/engine/checker.js';
import { MODELS } from '../models/index.js';
import { scenarioNames } from '../models/kernel/build.js';

const summary = (r: CheckResult) => ({
  states: r.stats.states,
  transitions: r.stats.transitions,
  verdicts: r.properties.map((p) => `${p.name}:${p.status}${p.trace !== undefined ? `/${p.trace.length}` : ''}`),
});

test('checking step properties only on the actions they watch changes no result, on every proposal and release and every shipped scenario', (t) => {
  const entries = MODELS.filter((m) => m.group === 'proposal' || m.group === 'release');
  const scenarios = scenarioNames().filter((n) => !n.startsWith('bench-'));
  let searches = 0;
  let watched = 0;
  for (const entry of entries) {
    for (const sc of scenarios) {
      const model = entry.build({}, sc);
      const steps = model.properties.filter((p) => p.kind === 'step');
      if (steps.length === 0) continue;
      watched += steps.filter((p) => p.kind === 'step' && p.watches !== undefined).length;
      const fast = check(model, { liveness: false });
      const every = check(model, { liveness: false, stepWatches: false });
      t.deepEqual(summary(fast), summary(every), `${entry.name} on ${sc}`);
      searches++;
    }
  }
  t.log(`${searches} searches compared, ${watched} step properties with watches`);
  t.true(searches > 200 && watched > searches);
});
