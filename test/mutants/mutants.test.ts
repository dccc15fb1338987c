// Mutation testing of the kernel model (issue 7 §3): each seeded bug of
// catalog.ts is a single-point mistake a kernel developer could make. The
// unmutated and the mutated model are checked on the scenario(s) meant to
// catch it; a mutant is killed when some property flips between holds and
// violated (or vacuous). Every mutant must be killed, by the property it
// names among others; the kill table is printed. The survivors list the
// mistakes the model cannot see yet, with the property that would.

import test from 'ava';
import { check } from '../../src/engine/checker.js';
import type { CheckResult, PropertyStatus } from '../../src/engine/result.js';
import { MUTANTS, SURVIVORS, buildMutant, scenarioName, type Mutant, type ScenarioRef } from './catalog.js';
import { HOOK_NAMES } from '../../models/kernel/hooks.js';

interface Flip { readonly property: string; readonly from: PropertyStatus; readonly to: PropertyStatus }
interface Outcome { readonly scenario: string; readonly flips: readonly Flip[]; readonly states: readonly [number, number] }

const FAILS = new Set<PropertyStatus>(['violated', 'vacuous']);

/** Properties present in both results whose verdict turns from holds to a failure, or back. */
function flips(original: CheckResult, mutated: CheckResult): Flip[] {
  const after = new Map(mutated.properties.map((p) => [p.name, p.status]));
  const out: Flip[] = [];
  for (const p of original.properties) {
    const to = after.get(p.name);
    if (to === undefined || to === p.status) continue;
    if ((p.status === 'holds' && FAILS.has(to)) || (FAILS.has(p.status) && to === 'holds')) out.push({ property: p.name, from: p.status, to });
  }
  return out;
}

function run(m: Mutant, sc: ScenarioRef): Outcome {
  const original = check(buildMutant(m, sc, false).model);
  const mutated = check(buildMutant(m, sc, true).model);
  if (!original.complete || !mutated.complete) throw new Error(`${m.name} on ${scenarioName(sc)}: a search did not complete`);
  return { scenario: scenarioName(sc), flips: flips(original, mutated), states: [original.stats.states, mutated.stats.states] };
}

const family = (name: string) => name.split('.')[0]!;
const showFlips = (fs: readonly Flip[]) => fs.length === 0 ? 'nothing flips' : fs.map((f) => `${f.property} ${f.from}→${f.to}`).join(', ');

test('every seeded bug is killed: some property flips on a scenario meant to catch it (kill table)', (t) => {
  t.true(MUTANTS.length >= 12, `${MUTANTS.length} mutants`);
  t.is(new Set(MUTANTS.map((m) => m.name)).size, MUTANTS.length, 'mutant names are unique');
  const rows: string[] = [];
  let killed = 0;
  for (const m of MUTANTS) {
    const outcomes = m.scenarios.map((sc) => run(m, sc));
    const kill = outcomes.some((o) => o.flips.length > 0);
    const expected = outcomes.some((o) => o.flips.some((f) => family(f.property) === m.expect));
    if (kill) killed++;
    t.true(kill, `${m.name} survived: ${outcomes.map((o) => `${o.scenario}: ${showFlips(o.flips)}`).join('; ')}`);
    t.true(expected, `${m.name} is killed, but not by ${m.expect}`);
    for (const o of outcomes) {
      rows.push(`${kill ? 'KILLED  ' : 'SURVIVED'} ${m.name.padEnd(36)} ${m.proposal.name.padEnd(18)} ${o.scenario.padEnd(26)} ${`${o.states[0]}→${o.states[1]}`.padEnd(12)} ${showFlips(o.flips)}`);
    }
  }
  t.log([
    `mutation kill table: ${killed} of ${MUTANTS.length} killed (${Math.round((100 * killed) / MUTANTS.length)} %)`,
    `${'verdict'.padEnd(8)} ${'mutant'.padEnd(36)} ${'proposal'.padEnd(18)} ${'scenario'.padEnd(26)} ${'states'.padEnd(12)} flips (unmutated→mutant)`,
    ...rows,
  ].join('\n'));
  t.is(killed, MUTANTS.length);
});

test('each mutant is one mistake: described, and it changes what the model does', (t) => {
  for (const m of MUTANTS) {
    t.true(m.mistake.length > 20, m.name);
    t.true((m.hooks !== undefined) !== (m.rewrite !== undefined), `${m.name}: a hook point done wrong or a rewritten action, not both`);
    if (m.hooks !== undefined) {
      const k = buildMutant(m, m.scenarios[0]!, false).kernel;
      const keys = Object.keys(m.hooks({ k, base: k.hooks, settings: {} }));
      t.true(keys.length >= 1 && keys.length <= 2, `${m.name} replaces ${keys.join(', ')}: one decision, at most two hooks`);
      for (const key of keys) t.true((HOOK_NAMES as readonly string[]).includes(key), `${m.name}: ${key} is a hook`);
    }
  }
});

test('known survivors: mistakes the model cannot see yet (each still survives; listed with the property that would catch it)', (t) => {
  const lines: string[] = [];
  for (const s of SURVIVORS) {
    const outcomes = s.scenarios.map((sc) => run(s, sc));
    t.true(outcomes.every((o) => o.flips.length === 0), `${s.name} is now killed: move it from SURVIVORS to MUTANTS`);
    lines.push(`SURVIVED ${s.name} (${s.proposal.name}; ${outcomes.map((o) => `${o.scenario}: ${o.states[0]}→${o.states[1]} states`).join(', ')}): ${s.gap}`);
  }
  if (SURVIVORS.length === 0) t.deepEqual(SURVIVORS, [], 'no known survivors');
  else t.log(lines.join('\n'));
});
