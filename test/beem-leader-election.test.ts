// BEEM leader_election.1 (N=5): 14,252 states / 52,944 edges / 86 BFS levels.
import test from 'ava';
import { matchesBeem } from './helpers/beem.js';
import { check } from '../src/engine/checker.js';
import { leaderElection, leaderElectionEntry } from '../models/classic/leader-election.js';

for (const exact of [false, true]) {
  test(`leader_election.1 (N=5) matches BEEM: 14,252 states, 52,944 edges, 86 levels (${exact ? 'exact' : 'fingerprint'})`, (t) => {
    const r = check(leaderElection({ N: 5 }), { exact });
    matchesBeem(t, r, { states: 14_252, transitions: 52_944, levels: 86 }, exact);
  });
}

test('leader_election.1: one leader at most, a leader is elected, terminal states are legal ends', (t) => {
  const r = check(leaderElection({ N: 5 }), { exact: true });
  const prop = (name: string) => r.properties.find((p) => p.name === name)!;
  t.is(prop('at-most-one-leader').status, 'holds');
  t.is(prop('field-range').status, 'holds');
  t.is(prop('deadlock').status, 'holds');
  const elected = prop('leader-elected');
  t.is(elected.status, 'holds');
  t.is(elected.witness!.length, 81); // init + 80 steps: the shortest run that counts the leader
  t.is(elected.witness!.at(-1)!.action, 'winner->fwd: elected');
  t.is(elected.witness!.at(-1)!.actor, 'Node_0'); // identity 24, the largest
});

test('leader_election.1: without isLegalEnd its terminal states show up as deadlocks, all on the last level', (t) => {
  const { isLegalEnd: _omit, ...bare } = leaderElection({ N: 5 });
  const r = check(bare, { exact: true });
  const dl = r.properties.find((p) => p.name === 'deadlock')!;
  t.is(dl.status, 'violated');
  t.is(dl.trace!.length, 86); // the first terminal state sits at depth 85, the last BFS level
  const end = dl.trace!.at(-1)!.state as { nr_leaders: number; Node: { pc: string }[]; ch: { buf_act: number }[] };
  t.is(end.nr_leaders, 1);
  t.true(end.Node.every((n) => n.pc === 'wait'));
  t.true(end.ch.every((c) => c.buf_act === 0));
});

test('leader_election entry builds from its default parameters', (t) => {
  t.is(leaderElectionEntry.name, 'leader_election');
  t.is(leaderElectionEntry.group, 'classic');
  const r = check(leaderElectionEntry.build({ N: 5 }));
  t.is(r.stats.states, 14252);
});
