// Mutation testing of the kernel model: each seeded bug of catalog.ts is a
// single-point mistake a kernel developer could make. The unmutated and the
// mutated model are checked on the scenario(s) meant to catch it — a scenario
// of `gupcheck compare` or a row of `gupcheck selftest`, nothing hand-built —
// and a mutant is killed only when an always, step, deadlock or liveness
// verdict turns between holds and violated. A `sometimes` witness turning
// vacuous does not count: it says a path vanished, not that a rule was
// broken. Every mutant must be killed, by the property it names among
// others; the kill table is printed. Equivalent mutants (mistakes no
// observation can tell apart from the original) are listed with the argument.

import test from 'ava';
import { check } from '../../src/engine/checker.js';
import type { CheckResult, PropertyStatus } from '../../src/engine/result.js';
import { AREAS, EQUIVALENT, MUTANTS, buildMutant, scenarioName, type Mutant, type ScenarioRef } from './catalog.js';
import { HOOK_NAMES } from '../../models/kernel/hooks.js';

interface Flip { readonly property: string; readonly from: PropertyStatus; readonly to: PropertyStatus }
interface Outcome { readonly scenario: string; readonly flips: readonly Flip[]; readonly states: readonly [number, number]; readonly error?: string }

/** Properties present in both results, not `sometimes`, whose verdict turns from holds to violated, or back. */
export function flips(original: CheckResult, mutated: CheckResult): Flip[] {
  const after = new Map(mutated.properties.map((p) => [p.name, p.status]));
  const out: Flip[] = [];
  for (const p of original.properties) {
    if (p.kind === 'sometimes') continue;
    const to = after.get(p.name);
    if (to === undefined || to === p.status) continue;
    if ((p.status === 'holds' && to === 'violated') || (p.status === 'violated' && to === 'holds')) out.push({ property: p.name, from: p.status, to });
  }
  return out;
}

function run(m: Mutant, sc: ScenarioRef): Outcome {
  try {
    return runOnce(m, sc);
  } catch (e) {
    // A mutant that cannot be applied to its scenario is reported, not thrown: the table shows every row.
    return { scenario: scenarioName(sc), flips: [], states: [0, 0], error: (e as Error).message };
  }
}

function runOnce(m: Mutant, sc: ScenarioRef): Outcome {
  const original = check(buildMutant(m, sc, false).model);
  const mutated = check(buildMutant(m, sc, true).model);
  if (!original.complete || !mutated.complete) throw new Error(`${m.name} on ${scenarioName(sc)}: a search did not complete`);
  return { scenario: scenarioName(sc), flips: flips(original, mutated), states: [original.stats.states, mutated.stats.states] };
}

const family = (name: string) => name.split('.')[0]!;
const showFlips = (fs: readonly Flip[]) => fs.length === 0 ? 'nothing flips' : fs.map((f) => `${f.property} ${f.from}→${f.to}`).join(', ');

test('every seeded bug is killed: an always, step, deadlock or liveness verdict flips on a compare or selftest scenario (kill table)', (t) => {
  const rows: string[] = [];
  const survived: string[] = [];
  const wrongKiller: string[] = [];
  const failures: string[] = [];
  let killed = 0;
  for (const m of MUTANTS) {
    const outcomes = m.scenarios.map((sc) => run(m, sc));
    const errors = outcomes.filter((o) => o.error !== undefined).map((o) => `${m.name} on ${o.scenario}: ${o.error}`);
    failures.push(...errors);
    const kill = outcomes.some((o) => o.flips.length > 0);
    const expected = outcomes.some((o) => o.flips.some((f) => family(f.property) === m.expect));
    if (kill) killed++;
    else survived.push(`${m.name}: ${outcomes.map((o) => `${o.scenario}: ${showFlips(o.flips)}`).join('; ')}`);
    if (kill && !expected) wrongKiller.push(`${m.name} is killed, but not by ${m.expect}: ${outcomes.map((o) => showFlips(o.flips)).join('; ')}`);
    for (const o of outcomes) {
      rows.push(`${kill ? 'KILLED  ' : 'SURVIVED'} ${m.name.padEnd(38)} ${m.proposal.name.padEnd(18)} ${o.scenario.padEnd(40)} ${`${o.states[0]}→${o.states[1]}`.padEnd(14)} ${o.error ?? showFlips(o.flips)}`);
    }
  }
  t.log([
    `mutation kill table: ${killed} of ${MUTANTS.length} killed (${Math.round((100 * killed) / MUTANTS.length)} %); ${EQUIVALENT.length} equivalent mutants listed apart`,
    `${'verdict'.padEnd(8)} ${'mutant'.padEnd(38)} ${'proposal'.padEnd(18)} ${'scenario'.padEnd(40)} ${'states'.padEnd(14)} flips (unmutated→mutant)`,
    ...rows,
  ].join('\n'));
  t.true(MUTANTS.length >= 40, `${MUTANTS.length} mutants`);
  t.is(new Set([...MUTANTS, ...EQUIVALENT].map((m) => m.name)).size, MUTANTS.length + EQUIVALENT.length, 'mutant names are unique');
  t.deepEqual(failures, [], 'mutants that do not apply to a scenario they name');
  t.deepEqual(survived, [], 'survivors');
  t.deepEqual(wrongKiller, [], 'killed by another property than the one named');
  t.is(killed, MUTANTS.length);
});

test('every kernel operation file has mutants', (t) => {
  const files = new Set(MUTANTS.map((m) => m.area));
  for (const area of AREAS) t.true(files.has(area), `no mutant in ${area}`);
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

test('equivalent mutants: each argued, and indeed no verdict tells it apart on its scenarios', (t) => {
  const lines: string[] = [];
  for (const e of EQUIVALENT) {
    t.true(e.argument.length > 40, `${e.name}: say why no observation can tell it apart`);
    const outcomes = e.scenarios.map((sc) => run(e, sc));
    t.true(outcomes.every((o) => o.flips.length === 0), `${e.name} is killed after all: move it from EQUIVALENT to MUTANTS`);
    lines.push(`EQUIVALENT ${e.name} (${e.proposal.name}; ${outcomes.map((o) => `${o.scenario}: ${o.states[0]}→${o.states[1]} states`).join(', ')}): ${e.argument}`);
  }
  t.log(lines.join('\n'));
  t.pass();
});
