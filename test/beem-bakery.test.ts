import test from 'ava';
import { matchesBeem } from './helpers/beem.js';
import { bakery, bakeryEntry } from '../models/classic/bakery.js';
import { check, type CheckResult, type TraceStep } from '../src/engine/checker.js';
import { resolveParams } from '../src/engine/registry.js';

// BEEM's published figures for bakery.1 (N=2, MAX=9): states, edges, BFS levels.
const BAKERY_1 = { N: 2, MAX: 9, states: 1_506, transitions: 2_697, levels: 101 } as const;

const prop = (r: CheckResult, name: string) => {
  const p = r.properties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no property ${name}`);
  return p;
};

type Proc = { pc: string; j: number; max: number };
const procs = (step: TraceStep) => (step.state as { P: Proc[] }).P;
const inCS = (step: TraceStep) => procs(step).filter((p) => p.pc === 'CS').length;

for (const exact of [false, true]) {
  test(`bakery.1 (N=2, MAX=9) reproduces BEEM's state space, ${exact ? 'exact' : 'fingerprint'} mode`, (t) => {
    const r = check(bakery({ N: BAKERY_1.N, MAX: BAKERY_1.MAX }), { exact });
    matchesBeem(t, r, BAKERY_1, exact);
    t.is(prop(r, 'mutual-exclusion').status, 'holds');
    t.is(prop(r, 'field-range').status, 'holds');
    const enters = prop(r, 'someone-enters');
    t.is(enters.status, 'holds');
    const w = enters.witness!;
    t.truthy(w);
    t.is(inCS(w[w.length - 1]!), 1);
    t.deepEqual(r.warnings, []);
  });
}

test('bakery.1 deadlocks by design: a process that reads ticket MAX is stuck in choose with choosing set', (t) => {
  const r = check(bakery({ N: 2, MAX: 9 }));
  const dl = prop(r, 'deadlock');
  t.is(dl.status, 'violated');
  const last = dl.trace![dl.trace!.length - 1]!;
  const s = last.state as { choosing: number[]; P: Proc[] };
  const stuck = s.P.filter((p) => p.pc === 'choose' && p.max === 9 && p.j === 2);
  t.true(stuck.length >= 1);
});

test('mutant (BEEM\'s erroneous bakery.2: N=2, MAX=6) breaks mutual exclusion with a shortest trace', (t) => {
  const r = check(bakery({ N: 2, MAX: 6, mutant: true }));
  t.true(r.complete);
  const me = prop(r, 'mutual-exclusion');
  t.is(me.status, 'violated');
  const trace = me.trace!;
  t.truthy(trace);
  t.is(trace[0]!.action, 'init');
  t.is(inCS(trace[trace.length - 1]!), 2);
  for (const s of trace.slice(0, -1)) t.true(inCS(s) <= 1);
});

test('unreachableWitness adds a sometimes property reported as vacuous', (t) => {
  const r = check(bakery({ N: 2, MAX: 9, unreachableWitness: true }));
  t.is(prop(r, 'all-in-cs').status, 'vacuous');
  t.is(r.stats.states, BAKERY_1.states);
});

test('registry entry: defaults build bakery.1, and N/MAX cover every BEEM instance', (t) => {
  t.is(bakeryEntry.name, 'bakery');
  t.is(bakeryEntry.group, 'classic');
  const defaults = resolveParams(bakeryEntry, []);
  t.deepEqual(defaults, { N: 2, MAX: 9, mutant: false, unreachableWitness: false });
  t.is(check(bakeryEntry.build(defaults)).stats.states, BAKERY_1.states);
  const n = bakeryEntry.params.find((p) => p.name === 'N');
  const max = bakeryEntry.params.find((p) => p.name === 'MAX');
  t.true(n !== undefined && n.kind === 'int' && n.min <= 2 && n.max >= 5);
  t.true(max !== undefined && max.kind === 'int' && max.min <= 4 && max.max >= 12);
  const m = bakeryEntry.build(resolveParams(bakeryEntry, ['N=3', 'MAX=6', 'mutant=true']));
  t.deepEqual(m.params, { N: 3, MAX: 6, mutant: true, unreachableWitness: false });
});
