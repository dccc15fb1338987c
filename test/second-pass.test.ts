// The second pass (check --second-pass): the same search under an
// independent fingerprint, so that a collision, which would have to drop
// exactly as many states under both, cannot change an outcome unseen; a
// disagreement is never a verdict.

import test from 'ava';
import { check, SECOND_PASS_SEED, withSecondPass, type CheckResult } from '../src/engine/checker.js';
import { peterson } from '../models/classic/peterson.js';
import { gupcheck } from './helpers/cli.js';

const runCli = (args: string[]) => gupcheck(...args);

test('--second-pass: an independent fingerprint finds the same counts and verdicts (one thread and two workers); a disagreement is no verdict', (t) => {
  const m = peterson({ N: 3 });
  const first = check(m);
  const second = check(m, { fingerprintSeed: SECOND_PASS_SEED });
  t.is(second.stats.states, first.stats.states);
  const joined = withSecondPass(first, second);
  t.true(joined.complete);
  t.true(joined.secondPass!.agree);
  t.is(joined.secondPass!.collisionProbability, first.stats.collisionProbability * second.stats.collisionProbability);
  // a second pass that lost a state (as a collision would): not complete, holds become unknown
  const lost = withSecondPass(first, { ...second, stats: { ...second.stats, states: second.stats.states - 1 } });
  t.false(lost.complete);
  t.is(lost.stopReason, 'passes-disagree');
  t.true(lost.properties.every((p) => p.status !== 'holds' || p.kind === 'sometimes'));
  t.regex(lost.warnings.at(-1)!, /a fingerprint collision in one of them; nothing is verified/);
  const cli = runCli(['check', 'peterson', '--second-pass', '--quiet']);
  t.is(cli.code, 0);
  t.regex(cli.stdout, /second pass with an independent fingerprint: the same states, transitions and verdicts .*≤ [\d.e-]+ × [\d.e-]+ = [\d.e-]+/);
  // nothing to check in exact mode, nothing to compare with an unfinished first search: said, not silently skipped
  t.regex(runCli(['check', 'peterson', '--exact', '--second-pass', '--quiet']).stdout, /no second pass: --exact stores whole states/);
  const cut = runCli(['check', 'peterson', '--max-states', '10', '--second-pass', '--quiet']);
  t.is(cut.code, 3);
  t.regex(cut.stdout, /no second pass: the first search did not complete/);
  const par = runCli(['check', 'peterson', '--set', 'N=3', '--workers', '2', '--second-pass', '--json']);
  t.is(par.code, 0);
  const j = JSON.parse(par.stdout) as CheckResult;
  t.true(j.secondPass!.agree);
  t.is(j.secondPass!.states, 12498);
});

test('the second pass compares the safety verdicts only: the liveness search keeps exact states and is not run again', (t) => {
  const m = peterson({ N: 3, liveness: true });
  const first = check(m);
  const second = check(m, { fingerprintSeed: SECOND_PASS_SEED, liveness: false });
  t.true(second.properties.some((p) => p.kind === 'leadsTo' && p.status === 'unknown'));
  const joined = withSecondPass(first, second);
  t.true(joined.complete);
  t.true(joined.secondPass!.agree);
  t.is(joined.properties.find((p) => p.kind === 'leadsTo')?.status, 'holds');
});

test('an unfinished first search is returned as it is: no second-pass block, still not complete', (t) => {
  const m = peterson({ N: 3 });
  const cut = check(m, { maxStates: 10 });
  const joined = withSecondPass(cut, check(m, { fingerprintSeed: SECOND_PASS_SEED }));
  t.false(joined.complete);
  t.is(joined.secondPass, undefined);
});
