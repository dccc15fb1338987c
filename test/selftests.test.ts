// The kernel's mm selftests (cow.c, gup_longterm.c; models/selftests/):
// every modelled row gives Linux 6.6's outcome on `modern`, rows that must
// differ on older kernels do, and `gupcheck selftest` prints and exits as
// kselftest would.
import test from 'ava';
import { RELEASES } from '../models/index.js';
import { readdirSync } from 'node:fs';
import { isRight } from 'fp-ts/lib/Either.js';
import { check } from '../src/engine/checker.js';
import { UsageError } from '../src/cli/args.js';
import { cmdSelftest, runSelftests, SelftestReportC } from '../src/cli/selftest.js';
import { buildRowModel, judgeRow, loadRowScenario, SELFTEST_DIR } from '../models/selftests/run.js';
import { SELFTEST_ROWS, type ModelledRow } from '../models/selftests/table.js';
import { anonExclusive } from '../models/proposals/anon-exclusive.js';
import { baseline } from '../models/proposals/baseline.js';
import { gupBias } from '../models/proposals/gup-bias.js';
import { modern } from '../models/proposals/modern.js';
import type { Proposal } from '../models/kernel/proposal.js';

const modelled = SELFTEST_ROWS.filter((r): r is ModelledRow => r.modelled);
const row = (file: string, c: string): ModelledRow => {
  const r = modelled.find((x) => x.file === file && x.case === c);
  if (r === undefined) throw new Error(`no modelled row ${file}: ${c}`);
  return r;
};
const run = (r: ModelledRow, p: Proposal) => {
  const result = check(buildRowModel(r, p));
  return { result, verdict: judgeRow(r, result), status: (name: string) => result.properties.find((x) => x.name === name)?.status };
};
const actions = (steps: readonly { action: string }[] | undefined) => (steps ?? []).map((s) => s.action);

const VMSPLICE_CHILD = row('cow.c', 'vmsplice() + unmap in child ... with base page');
const RW_SHARED_EXT4 = row('gup_longterm.c', 'R/W longterm GUP pin in MAP_SHARED file mapping ... with local tmpfile');

test('the table: 176 rows modelled (each anonymous case also with a swapped-out base page and in eight THP set-ups, the zero-page cases with the huge zero page, the four collapse cases), each base-page row with a scenario file of its own and a checkable expectation; every other row says why not', (t) => {
  t.is(modelled.length, 176);
  t.is(SELFTEST_ROWS.length - modelled.length, 4);
  t.is(modelled.filter((r) => r.variant === 'swapped-out').length, 14);
  t.is(modelled.filter((r) => r.variant !== undefined && r.variant !== 'swapped-out').length, 119);
  const files = ['cow', 'gup_longterm'].flatMap((d) => readdirSync(`${SELFTEST_DIR}${d}`).filter((f) => f.endsWith('.json')).map((f) => `${d}/${f}`)).sort();
  t.deepEqual(modelled.filter((r) => r.variant === undefined).map((r) => r.scenario).sort(), files, 'one scenario file per base row, none left over');
  // A variant row runs its base row's file with the pages set up another way.
  for (const r of modelled.filter((x) => x.variant !== undefined)) {
    const pages = loadRowScenario(r).pages;
    t.true(files.includes(r.scenario) && (r.variant!.startsWith('swapped-out') || r.variant === 'single-pte-swapped-out-thp' ? pages.some((p) => p.swapped === true) : pages.some((p) => p.thp !== undefined)), r.case);
  }
  for (const r of modelled) {
    const sc = loadRowScenario(r); // decodes like any scenario file, or throws naming the file
    t.true(sc.description.includes(r.file), `${r.scenario} names its selftest`);
    t.true(Object.keys(r.expect.properties ?? {}).length + (r.expect.holder !== undefined ? 1 : 0) > 0, `${r.case}: an expectation`);
    if (r.expect.holder !== undefined) t.true(sc.holders.some((h) => h.id === r.expect.holder!.id), `${r.case}: holder ${r.expect.holder.id} exists`);
  }
  for (const r of SELFTEST_ROWS) if (!r.modelled) t.true(r.reason.length > 20, `${r.case}: a reason`);
  t.is(new Set(SELFTEST_ROWS.map((r) => `${r.file}: ${r.case}`)).size, SELFTEST_ROWS.length, 'no row twice');
});

test('modern (6.6): every modelled row meets the kernel\'s expectation, each in at most a few ten thousand states', async (t) => {
  const outcomes = await runSelftests(modern);
  t.is(outcomes.length, SELFTEST_ROWS.length);
  for (const o of outcomes) {
    if (o.verdict === undefined) continue;
    t.true(o.result!.complete, o.row.case);
    t.true(o.verdict.ok, `${o.row.file}: ${o.row.case}: ${o.verdict.findings.join('; ')}`);
    t.true(o.result!.stats.states < 20_000, `${o.row.case}: ${o.result!.stats.states} states`);
  }
  t.is(outcomes.filter((o) => o.verdict?.ok === true).length, 176);
});

test('baseline: CVE-2020-29374 (cow.c "vmsplice() + unmap in child") leaks: I10 violated in the kernel\'s order of steps', (t) => {
  const { verdict, status } = run(VMSPLICE_CHILD, baseline);
  t.false(verdict.ok);
  t.is(status('I10'), 'violated');
  t.is(verdict.trace?.property, 'I10');
  t.deepEqual(actions(verdict.trace?.steps), [
    'init', 'fork: copy_present_pte decides', 'fork: share write-protected',
    'gup_fast: try_grab_folio_fast', 'gup_fast: recheck pte', // the child's vmsplice()
    'munmap: zap_pte_range', // the child unmaps
    'store: write fault', // do_wp_page reuses the page: mapcount is 1, the vmsplice reference is ignored
    'store: user writes',
  ]);
  // 5.19 closes it (and the two "unmap in parent" rows with it).
  t.is(run(VMSPLICE_CHILD, anonExclusive).status('I10'), 'holds');
  for (const c of ['vmsplice() before fork(), unmap in parent after fork() ... with base page', 'vmsplice() + unmap in parent after fork() ... with base page']) {
    t.is(run(row('cow.c', c), baseline).status('I10'), 'violated', c);
    t.is(run(row('cow.c', c), modern).status('I10'), 'holds', c);
  }
});

test('baseline: gup_longterm "R/W longterm GUP pin in MAP_SHARED" on ext4 is not refused (no 6.5 ban): the pin is taken and released', (t) => {
  const { verdict, status } = run(RW_SHARED_EXT4, baseline);
  t.false(verdict.ok);
  t.is(status('efault(gup_test)'), 'violated');
  t.is(status('efault(gup_test).witness'), 'vacuous'); // never refused at all
  t.deepEqual(actions(verdict.trace?.steps), ['init', 'gup: faultin_page', 'gup: follow_page_pte + try_grab_page']);
  // The same scenario with the opposite expectation meets it on baseline, and fails it on modern.
  const pinned: ModelledRow = { ...RW_SHARED_EXT4, expect: { holder: { id: 'gup_test', outcome: 'pinned' } } };
  t.true(run(pinned, baseline).verdict.ok);
  const m = run(pinned, modern);
  t.false(m.verdict.ok);
  t.is(m.status('pinned(gup_test)'), 'violated');
  t.deepEqual(m.verdict.findings, ['gup_test never holds its page: refused (EFAULT) in 1 step [pinned(gup_test) violated, pinned(gup_test).witness vacuous]']);
  t.deepEqual(actions(m.verdict.trace?.steps), ['init', 'gup: check_vma_flags → EFAULT']);
  // anon-exclusive (5.19) has no ban either; tmpfs is never banned.
  t.is(run(RW_SHARED_EXT4, anonExclusive).status('efault(gup_test)'), 'violated');
  t.true(run(row('gup_longterm.c', 'R/W longterm GUP pin in MAP_SHARED file mapping ... with memfd'), baseline).verdict.ok);
});

test('modern: the R/W GUP-fast pin of a MAP_SHARED ext4 page is grabbed, undone by the recheck, and refused on the slow path', (t) => {
  const r = row('gup_longterm.c', 'R/W longterm GUP-fast pin in MAP_SHARED file mapping ... with local tmpfile');
  const { result, verdict } = run(r, modern);
  t.true(verdict.ok);
  const fired = (name: string) => result.coverage.filter((c) => c.action === name).reduce((a, c) => a + c.fired, 0);
  t.true(fired('gup_fast: try_grab_folio_fast') > 0, 'the lockless grab happens');
  t.true(fired('gup_fast: recheck pte') > 0, 'and is undone');
  t.is(fired('gup: follow_page_pte + try_grab_page'), 0, 'the slow path never pins');
});

test('pins on shared anonymous pages (cow.c R/O pin rows, io_uring fork) diverge from the page table before 5.19; the 6.2 unshare is needed for page-cache pages', (t) => {
  for (const c of ['fork() with an iouring fixed buffer ... with base page', 'R/O GUP pin on R/O-mapped shared page ... with base page', 'R/O GUP-fast pin on R/O-mapped shared page ... with base page']) {
    t.is(run(row('cow.c', c), gupBias).status('I3c'), 'violated', c);
    t.is(run(row('cow.c', c), anonExclusive).status('I3c'), 'holds', c);
  }
  // Page-cache pages in a private mapping: 5.19 pins the page-cache page, and the write COWs away from it.
  const memfd = row('cow.c', 'R/O longterm GUP pin ... with memfd');
  const old = run(memfd, anonExclusive);
  t.is(old.status('I3c'), 'violated');
  t.deepEqual(actions(old.verdict.trace?.steps), ['init', 'gup: follow_page_pte + try_grab_page', 'store: write fault']);
  t.is(run(memfd, modern).status('I3c'), 'holds');
});

test('gupcheck selftest: kselftest lines, SKIP with reasons, totals, exit 0 on modern and 1 on baseline', async (t) => {
  let out = '';
  const code = await cmdSelftest([], (s) => { out += s; });
  t.is(code, 0);
  const lines = out.trimEnd().split('\n');
  t.is(lines[0], 'TAP version 13');
  t.is(lines[2], `1..${SELFTEST_ROWS.length}`);
  t.regex(out, /^ok 3 cow\.c: vmsplice\(\) \+ unmap in child \.\.\. with base page: expected PASS "No leak from parent into child" \[I10 holds, I10\.witness holds; \d+ states\]$/m);
  t.regex(out, /^ok 160 gup_longterm\.c: R\/W longterm GUP pin in MAP_SHARED file mapping \.\.\. with local tmpfile: expected fails \(EFAULT\): PASS "Should have failed" \[gup_test refused \(EFAULT\); \d+ states\]$/m);
  t.regex(out, /^ok 17 cow\.c: vmsplice\(\) \+ unmap in child \.\.\. with swapped out base page: expected PASS "No leak from parent into child" \[I10 holds, I10\.witness holds; \d+ states\]$/m);
  t.regex(out, /^ok 31 cow\.c: vmsplice\(\) \+ unmap in child \.\.\. with THP: expected PASS "No leak from parent into child" \[I10 holds, I10\.witness holds; \d+ states\]$/m);
  t.regex(out, /^ok 155 cow\.c: Basic COW \.\.\. with huge zeropage: expected PASS "Other mapping not modified" \(or SKIP "Huge zeropage not enabled"\) \[I9 holds, I9\.witness holds; \d+ states\]$/m);
  t.regex(out, /^ok 141 cow\.c: \(each anonymous case\) \.\.\. with hugetlb \(2048 kB\) # SKIP hugetlb is not modelled/m);
  t.regex(out, /^ok 143 cow\.c: Basic COW after fork\(\) when collapsing after fork\(\) \(fully shared\): expected SKIP "MADV_COLLAPSE failed: Invalid argument" \(no leak wherever a collapse can happen\) \[I10 holds, I10\.witness holds; \d+ states\]$/m);
  t.is(lines.filter((l) => / # SKIP /.test(l)).length, 4);
  t.is(lines.at(-1), '# Totals: pass:176 fail:0 xfail:0 xpass:0 skip:4 error:0');

  let old = '';
  t.is(await cmdSelftest(['--model', 'baseline'], (s) => { old += s; }), 1);
  t.regex(old, /^not ok 3 cow\.c: vmsplice\(\) \+ unmap in child \.\.\. with base page: expected PASS "No leak from parent into child" \[I10 holds, I10\.witness holds\]; found: I10 violated \(7 steps\)$/m);
  t.regex(old, /^# +5  child: munmap\(A\) → zap_pte_range$/m);
  t.regex(old, /^not ok 160 gup_longterm\.c: .*; found: gup_test is never refused: gets its page in 2 steps \[efault\(gup_test\) violated, efault\(gup_test\)\.witness vacuous\]$/m);
  t.regex(old, /^not ok 17 cow\.c: vmsplice\(\) \+ unmap in child \.\.\. with swapped out base page: .*; found: I10 violated \(8 steps\)$/m);
  t.regex(old, /^#   scenario models\/selftests\/cow\/vmsplice-unmap-in-child\.json \(swapped-out\), \d+ states$/m);
  t.regex(old, /^# Totals: pass:79 fail:97 xfail:0 xpass:0 skip:4 error:0$/m);
});

test('gupcheck selftest --json decodes; a bound gives errors (exit 3), never a verdict; bad flags are usage errors', async (t) => {
  let out = '';
  t.is(await cmdSelftest(['--json', '--model', 'baseline'], (s) => { out += s; }), 1);
  const rep = SelftestReportC.decode(JSON.parse(out));
  if (!isRight(rep)) return t.fail('selftest --json does not match SelftestReportC');
  t.is(rep.right.model, 'baseline');
  t.deepEqual(rep.right.totals, { pass: 79, fail: 97, skip: 4, error: 0 });
  t.is(rep.right.rows.find((r) => r.n === 17)!.variant, 'swapped-out');
  const r3 = rep.right.rows.find((r) => r.n === 3)!;
  t.is(r3.status, 'not ok');
  t.deepEqual(r3.findings, ['I10 violated (7 steps)']);
  t.is(r3.trace?.property, 'I10');

  let bounded = '';
  t.is(await cmdSelftest(['--max-states', '2'], (s) => { bounded += s; }), 3);
  t.regex(bounded, /# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:4 error:176$/m);

  await t.throwsAsync(cmdSelftest(['--model', 'no-such-kernel'], () => {}), { instanceOf: UsageError, message: /unknown proposal 'no-such-kernel'/ });
  await t.throwsAsync(cmdSelftest(['--frobnicate'], () => {}), { instanceOf: UsageError, message: /unknown option --frobnicate/ });
  await t.throwsAsync(cmdSelftest(['--max-states', 'lots'], () => {}), { instanceOf: UsageError });
  await t.throwsAsync(cmdSelftest(['modern'], () => {}), { instanceOf: UsageError, message: /unexpected argument 'modern'/ });
});

test('the rows mprotect, clear_refs and the zero page made possible fail where the kernel did: R/O-mapped pinned pages before 5.19, zero-page pins before 6.2', (t) => {
  const release = (name: string) => RELEASES.find((r) => r.name === name)!;
  const rowOf = (c: string) => row('cow.c', c);
  for (const c of ['R/O-mapping a page registered as iouring fixed buffer ... with base page', 'R/O GUP pin on R/O-mapped exclusive page ... with base page', 'R/O GUP-fast pin on R/O-mapped exclusive page ... with base page']) {
    t.is(run(rowOf(c), release('v5.18')).status('I3c'), 'violated', `${c} on 5.18`);
    t.true(run(rowOf(c), release('v5.19')).verdict.ok, `${c} on 5.19`);
  }
  for (const c of ['R/O longterm GUP pin ... with shared zeropage', 'R/O longterm GUP-fast pin ... with shared zeropage']) {
    t.is(run(rowOf(c), release('v6.0')).status('I3c'), 'violated', `${c} on 6.0`);
    t.true(run(rowOf(c), release('v6.2')).verdict.ok, `${c} on 6.2`);
  }
  // mprotect must never map a page fork() shares writable: these hold on every release.
  for (const r of RELEASES) t.true(run(rowOf('Basic COW after fork() with mprotect() optimization ... with base page'), r).verdict.ok, r.name);
  for (const r of RELEASES) t.is(run(rowOf('Basic COW ... with shared zeropage'), r).status('I9'), 'holds', r.name);
});
