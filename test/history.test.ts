// gupcheck history: a scenario on every release, the flips and the commits
// behind them (issue 13's must-shows: fork-vmsplice's I10 flips at v5.8 by
// 17839856fd58, not at 5.19; Dirty COW is I9's shortest counterexample on
// v4.8 and holds on v4.9), its JSON, and its bad input.

import test from 'ava';
import { RELEASES } from '../models/index.js';
import { runHistory, selectProperties } from '../src/history/run.js';
import { gupcheck } from './helpers/cli.js';

test('history fork-vmsplice --property I10: violated up to v5.7, flips at v5.8 by 17839856fd58 (not at 5.19), exit 0', (t) => {
  const r = gupcheck('history', 'fork-vmsplice', '--property', 'I10');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^  v5\.7 +2020-05 +violated \(\d+ steps\)$/m);
  t.regex(r.stdout, /^  v5\.8 +2020-08 +holds$/m);
  t.regex(r.stdout, /^  v5\.19 +2022-07 +holds$/m);
  t.regex(r.stdout, /^== 1 flip$/m);
  t.regex(r.stdout, /^I10: violated on v5\.7 → holds on v5\.8, by 17839856fd58 \("gup: document and work around "COW can break either way" issue"\)$/m);
  t.regex(r.stdout, /^  backported to 5\.7\.3, /m);
  t.regex(r.stdout, /^  shortest counterexample on v5\.7 \(\d+ steps\):$/m);
  // The fixed release refuses the step where the child's GUP follows the shared PTE without breaking COW.
  t.regex(r.stdout, /^  on v5\.8: refuses step \d+: vmsplice: .*follow_page_pte/m);
});

test('history --json: one flip, its bisection, the trace and the cross-replay', (t) => {
  const r = gupcheck('history', 'fork-vmsplice', '--property', 'I10', '--json');
  t.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    schemaVersion: number; complete: boolean; releases: { release: string; verdicts: Record<string, string> }[];
    flips: { after: string; before: string; commit: { id: string }; bisect: { applied: number; verdict: string }[]; traceFrom: string; trace: unknown[]; replay: { outcome: string; model: string } }[];
  };
  t.is(j.schemaVersion, 1);
  t.true(j.complete);
  t.deepEqual(j.releases.map((x) => x.release), RELEASES.map((p) => p.name));
  t.is(j.flips.length, 1);
  const f = j.flips[0]!;
  t.deepEqual([f.before, f.after, f.commit.id, f.traceFrom], ['v5.7', 'v5.8', '17839856fd58', 'v5.7']);
  t.deepEqual(f.bisect.map((b) => [b.applied, b.verdict]), [[0, 'violated'], [1, 'holds'], [2, 'holds'], [3, 'holds'], [4, 'holds'], [5, 'holds']]);
  t.is(f.replay.model, 'v5.8');
  t.is(f.replay.outcome, 'refused');
  t.true(f.trace.length > 3);
});

test('Dirty COW: I9\'s shortest counterexample on v4.8 (the write lands in the page cache), holds from v4.9 (19be0eaffa3a)', async (t) => {
  const run = await runHistory({ scenario: 'dirty-cow', releases: RELEASES, property: 'I9', opts: {} });
  t.true(run.complete);
  const f = run.flips;
  t.is(f.length, 1);
  t.deepEqual([f[0]!.before, f[0]!.after, f[0]!.commit?.id], ['v4.8', 'v4.9', '19be0eaffa3a']);
  const labels = f[0]!.trace.map((s) => s.label);
  t.true(labels.some((l) => /MADV_DONTNEED/.test(l)), 'the other thread zaps the COW copy');
  t.true(labels.some((l) => /FOLL_WRITE was dropped/.test(l)), 'the retry faults for reading');
  t.regex(labels.at(-1)!, /copy_to_user_page writes the page/);
  t.is(f[0]!.replay.outcome, 'refused');
  for (const r of run.releases.slice(1)) t.is(r.result.properties.find((p) => p.name === 'I9')!.status, 'holds', r.release);
});

test('a flip to violated is shown too (a regression), and the bisection names the commit inside a release of several', async (t) => {
  // clear_refs on a pinned page: fine while do_wp_page reused by mapcount, broken by 5.9's
  // refcount rule (09854ba94c6a, the first of v5.9's five commits), mended in 5.11 (9348b73c2e1b).
  const run = await runHistory({ scenario: 'clear-refs-pinned', releases: RELEASES, property: 'I3c', opts: {} });
  t.deepEqual(run.flips.map((f) => [f.after, f.from, f.to, f.commit?.id]), [['v5.9', 'holds', 'violated', '09854ba94c6a'], ['v5.11', 'violated', 'holds', '9348b73c2e1b']]);
  const reg = run.flips[0]!;
  t.is(reg.traceFrom, 'v5.9', 'the trace of a regression comes from the later release');
  t.is(reg.bisect.length, 6);
  t.deepEqual(reg.bisect.map((b) => b.verdict), ['holds', 'violated', 'violated', 'violated', 'violated', 'violated']);
});

test('--from/--to limit the releases; a family selects its members; the table has one row per release', (t) => {
  const r = gupcheck('history', 'ext4-gup-write', '--property', 'I1', '--from', 'v5.11', '--to', '5.19');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /4 releases \(v5\.11 … v5\.19\)/);
  t.regex(r.stdout, /^I1\.bug: violated on v5\.13 → holds on v5\.18, by cc5095747edf/m);
  t.notRegex(r.stdout, /^  v5\.9 /m);
});

test('bad input: one line and exit 2; a bound: exit 3 and no flip claimed from an unfinished search', (t) => {
  const cases: [string[], RegExp][] = [
    [['history'], /history needs a scenario/],
    [['history', 'no-such-scenario'], /unknown scenario 'no-such-scenario'/],
    [['history', 'fork-vmsplice', '--property', 'I99'], /--property: no property 'I99' on this scenario/],
    [['history', 'fork-vmsplice', '--from', 'v3.0'], /--from: unknown release 'v3\.0'(; did you mean [^?]+\?)? \(releases: v4\.8, /],
    [['history', 'fork-vmsplice', '--from', 'v6.0', '--to', 'v5.0'], /--to: unknown release 'v5\.0'/],
    [['history', 'fork-vmsplice', '--from', 'v6.0', '--to', 'v5.8'], /--from v6\.0 is after --to v5\.8/],
    [['history', 'fork-vmsplice', '--frob'], /unknown option --frob/],
  ];
  for (const [args, re] of cases) {
    const r = gupcheck(...args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, re, args.join(' '));
    t.is(r.stderr.trim().split('\n').length, 1, args.join(' '));
    t.is(r.stdout, '');
  }
  const bounded = gupcheck('history', 'fork-vmsplice', '--property', 'I10', '--max-states', '3');
  t.is(bounded.code, 3);
  t.regex(bounded.stdout, /incomplete/);
  t.notRegex(bounded.stdout, /holds on v5\.8/);
});

test('selectProperties: exact names, families without witnesses, unknown names', (t) => {
  const all = ['I1', 'I1.bug', 'I1.witness', 'I10', 'I10.witness'];
  t.deepEqual(selectProperties(all, 'I1.bug'), ['I1.bug']);
  t.deepEqual(selectProperties(all, 'I1'), ['I1', 'I1.bug']);
  t.deepEqual(selectProperties(all, 'I1.witness'), ['I1.witness']);
  t.deepEqual(selectProperties(all, undefined), ['I1', 'I1.bug', 'I10']);
  t.throws(() => selectProperties(all, 'I7'), { message: /no property 'I7'/ });
});
