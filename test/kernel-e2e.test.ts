// End to end: the kernel bugs of reference §5 fall out of the baseline model
// as shortest traces, in the kernel's order of steps, and the well-behaved
// scenario proves the model is not vacuous.
import test from 'ava';
import { check } from '../src/engine/checker.js';
import { buildKernelModel, resolveScenario } from '../models/kernel/build.js';
import { baseline } from '../models/proposals/baseline.js';
import { gupcheck } from './helpers/cli.js';

const run = (scenario: string) => check(buildKernelModel(resolveScenario(scenario), baseline));
const prop = (r: ReturnType<typeof run>, name: string) => {
  const p = r.properties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no property ${name}`);
  return p;
};
const steps = (trace: readonly { action: string }[] | undefined) => (trace ?? []).map((s) => s.action);

test('baseline, ext4-gup-write: I1 violated by the 2018 ext4 trace (reference 5.1), in the kernel\'s order', (t) => {
  const r = run('ext4-gup-write');
  t.true(r.complete);
  const i1 = prop(r, 'I1');
  t.is(i1.status, 'violated');
  t.deepEqual(steps(i1.trace), [
    'init',
    'gup: faultin_page', // handle_mm_fault(WRITE) → page_mkwrite: buffers dirty, PTE W|D, PG_dirty
    'gup: follow_page_pte + try_grab_page',
    'flusher: lock_page',
    'flusher: clear_page_dirty_for_io', // page_mkclean + TestClearPageDirty
    'flusher: submit page',
    'disk: end_page_writeback',
    'reclaim: isolate_lru_page',
    'reclaim: trylock_page',
    'reclaim: try_to_unmap',
    'reclaim: try_to_free_buffers', // buffers gone while the GUP reference is held
    'reclaim: __remove_mapping', // freeze fails on the GUP reference: the page stays cached, bufferless
    'release: set_page_dirty_lock', // dirty page without buffers
  ]);
  const last = i1.trace!.at(-1)!.state as { page: { P: { PG_dirty: boolean; buffers: string; mapping: string } } };
  t.deepEqual([last.page.P.PG_dirty, last.page.P.buffers, last.page.P.mapping], [true, 'none', 'file']);
  // The crash form: the flusher then reaches page_buffers() on it.
  const crash = prop(r, 'I1.crash');
  t.is(crash.status, 'violated');
  t.deepEqual(steps(crash.trace).slice(-2), ['flusher: lock_page', 'flusher: BUG in page_buffers']);
  t.is(crash.trace!.length, i1.trace!.length + 2);
});

test('baseline, fork-vmsplice: CVE-2020-29374 (reference 5.3) violates I10', (t) => {
  const r = run('fork-vmsplice');
  const i10 = prop(r, 'I10');
  t.is(i10.status, 'violated');
  t.deepEqual(steps(i10.trace), [
    'init', 'fork: copy_present_pte decides', 'fork: share write-protected', 'gup: follow_page_pte + try_grab_page', 'munmap: zap_pte_range',
    'store: write fault', // do_wp_page reuses A: mapcount is 1 (the GUP reference is ignored)
    'store: user writes',
  ]);
  const last = i10.trace!.at(-1)!.state as { page: { A: { writtenBy: string } }; holder: Record<string, { pc: string; page: string }> };
  t.is(last.page.A.writtenBy, 'parent');
  t.deepEqual([last.holder['vmsplice']!.pc, last.holder['vmsplice']!.page], ['held', 'A']);
});

test('baseline, fork-rdma: a write GUP and fork: the pin and the PTE diverge (reference 5.4, I3c)', (t) => {
  const r = run('fork-rdma');
  const c = prop(r, 'I3c');
  t.is(c.status, 'violated');
  t.deepEqual(steps(c.trace), ['init', 'gup: follow_page_pte + try_grab_page', 'fork: copy_present_pte decides', 'fork: share write-protected', 'store: write fault']);
  const last = c.trace!.at(-1)!.state as { proc: Record<string, { vma: Record<string, { present: boolean; pfn: string; w: boolean }> }>; holder: Record<string, { pc: string; page: string }> };
  const pte = last.proc['parent']!.vma['A']!;
  t.deepEqual([pte.present, pte.pfn, pte.w], [true, 'cow0', true], 'the parent now maps its own copy, writable');
  t.deepEqual([last.holder['rdma']!.pc, last.holder['rdma']!.page], ['held', 'A'], 'the pin is still on the old page');
});

test('baseline, well-behaved: every property holds, every witness is reached, every action fires', (t) => {
  const r = run('well-behaved');
  t.true(r.complete);
  for (const p of r.properties) t.is(p.status, 'holds', `${p.name}: ${p.status}`);
  t.true(r.properties.filter((p) => p.kind === 'sometimes').length >= 6);
  t.deepEqual(r.coverage.filter((c) => c.fired === 0).map((c) => c.label), []);
  t.deepEqual(r.warnings, []);
});

test('fingerprint and exact mode agree on every shipped scenario', (t) => {
  for (const sc of ['ext4-gup-write', 'fork-vmsplice', 'fork-rdma', 'well-behaved']) {
    const m = buildKernelModel(resolveScenario(sc), baseline);
    const a = check(m);
    const b = check(m, { exact: true });
    t.is(a.stats.states, b.stats.states, sc);
    t.deepEqual(a.properties.map((p) => [p.name, p.status, p.trace?.length]), b.properties.map((p) => [p.name, p.status, p.trace?.length]), sc);
  }
});

test('gupcheck check baseline: exit 1 with the ext4 trace; compare prints the matrix', (t) => {
  const r = gupcheck('check', 'baseline');
  t.is(r.code, 1);
  t.regex(r.stdout, /I1 +always +violated \(12 steps\)/);
  t.regex(r.stdout, /kswapd: __remove_mapping/);
  const c = gupcheck('compare');
  t.is(c.code, 0);
  // The overview first (a row per proposal, a column per scenario, the default scenario first), the legend, one line per counterexample.
  t.regex(c.stdout, /^ {2}proposal +#1 +#2 /m);
  t.regex(c.stdout, /^ {2}baseline +I1 st /m);
  t.regex(c.stdout, /scenarios: #1 ext4-gup-write, /);
  t.regex(c.stdout, /^ {4}st +stable-pages: the device does not DMA into a page while it is under writeback/m);
  t.regex(c.stdout, /^ {2}#1 ext4-gup-write \/ I1: 12 steps on baseline, gup-bias, bio-gup-flag, bvec-gup-flag, .*; ends: release: set_page_dirty_lock$/m);
  t.true(c.stdout.split('\n').length <= 200, `${c.stdout.split('\n').length} lines`);
  // --detail: a table per scenario and the cross-replay; --traces: every step.
  const d = gupcheck('compare', '--detail', '--traces');
  t.is(d.code, 0);
  const first = d.stdout.indexOf('== ext4-gup-write:');
  t.true(first > 0);
  t.regex(d.stdout, /^ {2}proposal +I1 +I2 /m);
  t.regex(d.stdout, /^ {2}baseline +violated \(12 steps\)/m);
  t.regex(d.stdout, /^ext4-gup-write \/ I1 violated in 12 steps on baseline[,:] /m);
  t.regex(d.stdout, /^ {2}modern +refuses step 10: kswapd: try_to_release_page/m);
});

test('a malformed scenario is one line naming the JSON path, exit 2', (t) => {
  const unknown = gupcheck('check', 'baseline', '--scenario', 'no-such-scenario');
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /unknown scenario 'no-such-scenario'/);
  const dir = new URL('../../test/fixtures/', import.meta.url);
  const bad = gupcheck('check', 'baseline', '--scenario', new URL('bad-holder-kind.json', dir).pathname);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /at holders\[0\]\.kind: expected "GET" or "PIN", got "BORROW"/);
  t.is(bad.stderr.trim().split('\n').length, 1);
  const typo = gupcheck('check', 'baseline', '--scenario', new URL('typo-field.json', dir).pathname);
  t.is(typo.code, 2);
  t.regex(typo.stderr, /at processes\[0\]\.mappings\[0\]\.shraed: unknown field/);
});

test('proposals side by side: modern keeps I1 for FOLL_PIN but not FOLL_GET; 5.19+ close CVE-2020-29374 and the pinned fork', async (t) => {
  const { modern } = await import('../models/proposals/modern.js');
  const { gupBias } = await import('../models/proposals/gup-bias.js');
  const { anonExclusive } = await import('../models/proposals/anon-exclusive.js');
  const verdict = (sc: string, p: typeof baseline, name: string) => {
    const r = check(buildKernelModel(resolveScenario(sc), p));
    t.true(r.complete, `${p.name}/${sc} complete`);
    return r.properties.find((x) => x.name === name)?.status;
  };
  // ext4 BUG: tracking without policy (gup-bias) still breaks; 6.4's reclaim check saves FOLL_PIN only.
  t.is(verdict('ext4-pin-write', gupBias, 'I1'), 'violated');
  t.is(verdict('ext4-pin-write', modern, 'I1'), 'holds');
  t.is(verdict('ext4-gup-write', modern, 'I1'), 'violated');
  // 5.18+: ext4 WARNs and drops PG_dirty instead of BUG: the data is lost instead (I6).
  t.is(verdict('ext4-gup-write', anonExclusive, 'I1.crash'), 'violated');
  t.is(verdict('ext4-gup-write', anonExclusive, 'I6.quiescent'), 'violated');
  // CVE-2020-29374 and the io_uring fork case.
  t.is(verdict('fork-vmsplice', modern, 'I10'), 'holds');
  t.is(verdict('fork-iouring', gupBias, 'I3c'), 'violated');
  t.is(verdict('fork-iouring', modern, 'I3c'), 'holds');
  t.is(verdict('fork-iouring', modern, 'I10'), 'holds');
  // FOLL_GET users of anonymous memory are still exposed on modern kernels (reference 3.9).
  t.is(verdict('fork-rdma', modern, 'I3c'), 'violated');
});
