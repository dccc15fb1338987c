import test from 'ava';
import { matchesBeem } from './helpers/beem.js';
import { anderson, andersonEntry } from '../models/classic/anderson.js';
import { check, type CheckResult, type TraceStep } from '../src/engine/checker.js';
import { resolveParams } from '../src/engine/registry.js';

// BEEM's published figures for the anderson instances ported here
// (states, edges, BFS levels); anderson.2 is N=3 and anderson.4 is N=4.
const INSTANCES = [
  { id: 'anderson.2', N: 3, states: 1_459, transitions: 3_705, levels: 46 },
  { id: 'anderson.4', N: 4, states: 29_641, transitions: 97_516, levels: 81 },
] as const;

const prop = (r: CheckResult, name: string) => {
  const p = r.properties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no property ${name}`);
  return p;
};

type Proc = { pc: string; my_place: number };
const procs = (step: TraceStep) => (step.state as { P: Proc[] }).P;

for (const inst of INSTANCES) {
  for (const exact of [false, true]) {
    test(`${inst.id} (N=${inst.N}) reproduces BEEM's state space, ${exact ? 'exact' : 'fingerprint'} mode`, (t) => {
      const r = check(anderson({ N: inst.N }), { exact });
      matchesBeem(t, r, inst, exact);
      t.is(prop(r, 'mutual-exclusion').status, 'holds');
      t.is(prop(r, 'deadlock').status, 'holds');
      t.is(prop(r, 'field-range').status, 'holds');
      const enters = prop(r, 'someone-enters');
      t.is(enters.status, 'holds');
      const w = enters.witness!;
      t.truthy(w);
      t.is(procs(w[w.length - 1]!).filter((p) => p.pc === 'CS').length, 1);
      t.deepEqual(r.warnings, []);
    });
  }
}

test('the initial state is BEEM\'s: Slot = {1, 0, …}, next = 0, everyone in NCS', (t) => {
  const m = anderson({ N: 3 });
  t.deepEqual(m.layout.toJSON(m.init[0]!), {
    Slot: [1, 0, 0],
    next: 0,
    P: [0, 1, 2].map(() => ({ pc: 'NCS', my_place: 0 })),
  });
});

test('mutant (BEEM\'s erroneous anderson.1 variant, N=2) breaks mutual exclusion with a shortest trace', (t) => {
  const r = check(anderson({ N: 2, mutant: true }));
  const me = prop(r, 'mutual-exclusion');
  t.is(me.status, 'violated');
  const trace = me.trace!;
  t.truthy(trace);
  t.is(trace[0]!.action, 'init');
  const holders = procs(trace[trace.length - 1]!).filter((p) => p.pc === 'p3' || p.pc === 'CS');
  t.is(holders.length, 2);
  // Every earlier state of a BFS-shortest counterexample still satisfies the invariant.
  for (const s of trace.slice(0, -1)) t.true(procs(s).filter((p) => p.pc === 'p3' || p.pc === 'CS').length <= 1);
  // The stale slot lets `next` run past a DVE byte; the engine reports it rather than wrapping.
  t.is(prop(r, 'field-range').status, 'violated');
});

test('mutant at N=3 (anderson.3\'s configuration) is caught within a bounded depth', (t) => {
  const r = check(anderson({ N: 3, mutant: true }), { maxDepth: 16 });
  t.false(r.complete);
  const me = prop(r, 'mutual-exclusion');
  t.is(me.status, 'violated');
  t.truthy(me.trace);
  t.true(me.trace!.length <= 17);
});

test('unreachableWitness adds a sometimes property reported as vacuous', (t) => {
  const r = check(anderson({ N: 3, unreachableWitness: true }));
  t.is(prop(r, 'all-in-cs').status, 'vacuous');
  t.is(prop(r, 'someone-enters').status, 'holds');
  t.is(r.stats.states, 1_459);
});

test('registry entry: defaults build anderson.2, and N covers every BEEM instance (2..7)', (t) => {
  t.is(andersonEntry.name, 'anderson');
  t.is(andersonEntry.group, 'classic');
  const defaults = resolveParams(andersonEntry, []);
  t.deepEqual(defaults, { N: 3, mutant: false, unreachableWitness: false });
  const r = check(andersonEntry.build(defaults));
  t.is(r.stats.states, 1_459);
  const n = andersonEntry.params.find((p) => p.name === 'N');
  t.true(n !== undefined && n.kind === 'int' && n.min <= 2 && n.max >= 7);
  const m = andersonEntry.build(resolveParams(andersonEntry, ['N=4', 'mutant=true']));
  t.deepEqual(m.params, { N: 4, mutant: true, unreachableWitness: false });
});
