import test from 'ava';
import { isRight } from 'fp-ts/lib/Either.js';
import { CheckReportC } from '../src/engine/result.js';
import { spawnSync } from 'node:child_process';
import { BIN, gupcheck } from './helpers/cli.js';

const decodeReport = (stdout: string) => {
  const r = CheckReportC.decode(JSON.parse(stdout));
  if (!isRight(r)) throw new Error('--json output does not match the CheckReport codec');
  return r.right;
};

test('check peterson N=3 --json reports BEEM peterson.1: 12,498 states, 54 levels, exit 0', (t) => {
  const r = gupcheck('check', 'peterson', '--set', 'N=3', '--json');
  t.is(r.code, 0, r.stderr);
  const rep = decodeReport(r.stdout);
  t.is(rep.stats.states, 12498);
  t.is(rep.stats.transitions, 33369);
  t.is(rep.stats.levels, 54);
  t.true(rep.complete);
  t.is(rep.exitCode, 0);
  t.deepEqual(rep.properties.map((p) => [p.name, p.status]), [
    ['mutual-exclusion', 'holds'], ['someone-enters', 'holds'], ['deadlock', 'holds'], ['field-range', 'holds'],
  ]);
  t.true(rep.coverage.every((c) => c.fired > 0), 'every action fired');
});

test('a peterson mutant breaks mutual exclusion: violated with a shortest trace, exit 1', (t) => {
  const r = gupcheck('check', 'peterson', '--set', 'N=2', '--set', 'mutant=true', '--json');
  t.is(r.code, 1);
  const rep = decodeReport(r.stdout);
  const me = rep.properties.find((p) => p.name === 'mutual-exclusion')!;
  t.is(me.status, 'violated');
  const trace = me.trace!;
  // N=2: each process needs NCS->wait, wait->q2, q2->q3, q3->wait, wait->CS: 10 steps.
  t.is(trace.length - 1, 10);
  const last = trace[trace.length - 1]!.state as { P: { pc: string }[] };
  t.is(last.P.filter((p) => p.pc === 'CS').length, 2);
  t.is(trace[0]!.action, 'init');
});

test('an unreachable sometimes property is vacuous, exit 1', (t) => {
  const r = gupcheck('check', 'peterson', '--set', 'unreachableWitness=true', '--json');
  t.is(r.code, 1);
  const rep = decodeReport(r.stdout);
  t.is(rep.properties.find((p) => p.name === 'all-in-cs')!.status, 'vacuous');
  t.is(rep.properties.find((p) => p.name === 'someone-enters')!.status, 'holds');
});

test('--max-states 100 is incomplete, exit 3, and never says holds', (t) => {
  const r = gupcheck('check', 'peterson', '--max-states', '100', '--json');
  t.is(r.code, 3);
  const rep = decodeReport(r.stdout);
  t.false(rep.complete);
  t.is(rep.stopReason, 'max-states');
  t.is(rep.stats.states, 100);
  t.false(rep.properties.some((p) => p.status === 'holds'));
  const text = gupcheck('check', 'peterson', '--max-states', '100');
  t.is(text.code, 3);
  t.regex(text.stdout, /INCOMPLETE \(stopped by max-states/);
});

for (const [name, args, pattern] of [
  ['unknown model', ['check', 'nosuch'], /unknown model 'nosuch'/],
  ['unknown parameter', ['check', 'peterson', '--set', 'X=1'], /no parameter 'X'/],
  ['out-of-range parameter', ['check', 'peterson', '--set', 'N=99'], /N=99 is out of range/],
  ['non-numeric bound', ['check', 'peterson', '--max-states', 'many'], /--max-states/],
  ['unknown option', ['check', 'peterson', '--frobnicate'], /unknown option --frobnicate/],
  ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
] as const) {
  test(`bad input (${name}) is one line on stderr, exit 2, no stack trace`, (t) => {
    const r = gupcheck(...args);
    t.is(r.code, 2);
    t.is(r.stdout, '');
    t.regex(r.stderr, pattern);
    t.is(r.stderr.trim().split('\n').length, 1);
    t.notRegex(r.stderr, /\n\s+at /);
  });
}

test('list names every model with its parameters', (t) => {
  const r = gupcheck('list', '--json');
  t.is(r.code, 0);
  const models = JSON.parse(r.stdout) as { name: string; params: { name: string }[] }[];
  const peterson = models.find((m) => m.name === 'peterson');
  t.truthy(peterson);
  t.true(peterson!.params.some((p) => p.name === 'N'));
});

test('a reader that closes the pipe early gets no stack trace', (t) => {
  // `gupcheck compare | head -1`, through a shell so the pipe really closes early.
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" compare | head -1 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  t.regex(r.stdout, /status=0/);
  t.notRegex(r.stderr, /EPIPE|\n\s+at /);
});
