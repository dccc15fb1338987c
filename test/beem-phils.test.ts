// BEEM phils.1 (N=4): 80 states / 212 edges / 10 BFS levels, and the known
// deadlock (every philosopher holding its left fork).
import test from 'ava';
import { matchesBeem } from './helpers/beem.js';
import { check } from '../src/engine/checker.js';
import { phils, philsEntry } from '../models/classic/phils.js';

for (const exact of [false, true]) {
  test(`phils.1 (N=4) matches BEEM: 80 states, 212 edges, 10 levels (${exact ? 'exact' : 'fingerprint'})`, (t) => {
    const r = check(phils({ N: 4 }), { exact });
    matchesBeem(t, r, { states: 80, transitions: 212, levels: 10 }, exact);
    t.deepEqual(r.warnings, []);
  });
}

test('phils.1: forks exclusive, someone eats, and the circular wait deadlocks in 4 steps', (t) => {
  const r = check(phils({ N: 4 }), { exact: true });
  const prop = (name: string) => r.properties.find((p) => p.name === name)!;
  t.is(prop('fork-exclusion').status, 'holds');
  t.is(prop('fork-flags').status, 'holds');
  t.is(prop('field-range').status, 'holds');
  const eats = prop('someone-eats');
  t.is(eats.status, 'holds');
  t.is(eats.witness!.length, 3); // init, think->one, one->eat
  const dl = prop('deadlock');
  t.is(dl.status, 'violated');
  const trace = dl.trace!;
  t.is(trace.length, 5); // init + one think->one per philosopher
  t.deepEqual(trace.slice(1).map((st) => st.action), ['think->one', 'think->one', 'think->one', 'think->one']);
  t.deepEqual(new Set(trace.slice(1).map((st) => st.actor)), new Set(['phil_0', 'phil_1', 'phil_2', 'phil_3']));
  t.deepEqual(trace.at(-1)!.state, { fork: [1, 1, 1, 1], phil: [{ pc: 'one' }, { pc: 'one' }, { pc: 'one' }, { pc: 'one' }] });
});

test('phils entry builds from its default parameters', (t) => {
  t.is(philsEntry.name, 'phils');
  t.is(philsEntry.group, 'classic');
  const r = check(philsEntry.build({ N: 4 }));
  t.is(r.stats.states, 80);
});
