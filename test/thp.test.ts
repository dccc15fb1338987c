// Large anonymous folios (THP), release by release (issue 17, part 2): the
// model's THP of two subpages, PMD- and PTE-mapped; the folio's refcount
// and exact pin count; fork's copy_huge_pmd; do_huge_pmd_wp_page's reuse
// rule and fallback per release; cow.c's THP rows. Each expectation is what
// the release's source says (docs/kernel-source-notes.md §16).

import test from 'ava';
import { isLeft } from 'fp-ts/lib/Either.js';
import { check } from '../src/engine/checker.js';
import { RELEASES } from '../models/index.js';
import { decodeScenario } from '../models/kernel/scenario.js';
import { kernelLayout } from '../models/kernel/kernel.js';
import { scenarioNames, resolveScenario } from '../models/kernel/build.js';
import { shapeOf } from '../models/kernel/shape.js';
import type { Proposal } from '../models/kernel/proposal.js';
import { SELFTEST_ROWS } from '../models/selftests/table.js';
import { build, run, holds } from './helpers/kernel.js';
import type { Model } from '../src/engine/model.js';
import { runHistory } from '../src/history/run.js';
import { gupcheck } from './helpers/cli.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const release = (name: string): Proposal => RELEASES.find((r) => r.name === name)!;

/**
 * A user's write fault: one step, or — where a THP's reuse test can race another process's PMD
 * split (before 5.8) — do_huge_pmd_wp_page's two reads run back to back.
 */
function writeFault(model: Model, s: Uint32Array, params: Record<string, string>): Uint32Array {
  const one = model.actions.find((a) => a.name === 'store: write fault' && Object.entries(params).every(([k, v]) => a.params[k] === v));
  if (one !== undefined && one.enabled(s)) return run(model, s, ['store: write fault', params]);
  return run(model, s, ['store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages', params], ['store: do_huge_pmd_wp_page: reuse_swap_page decides', params]);
}
const A = 0;
const T = 1;

/** A PMD-mapped (or PTE-mapped) THP A + A_tail in `parent`, a fork child, a R/O long-term pin of the head. */
const thp = (mapped: 'pmd' | 'pte', extra: { holders?: unknown[]; child?: unknown[]; parent?: Record<string, unknown> } = {}) => ({
  name: 'thp', description: 'test',
  pages: [{ id: 'A', kind: 'anon', thp: mapped }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
  processes: [
    { id: 'parent', mappings: [{ page: 'A', store: true, ...extra.parent }, { page: 'A_tail', store: true }] },
    { id: 'child', childOf: 'parent', mappings: extra.child ?? [] },
  ],
  holders: extra.holders ?? [],
});
const roPin = { id: 'gup_test', process: 'parent', page: 'A', kind: 'PIN', write: false, longterm: true };

test('scenario errors name the field: a THP head needs one tail, both anonymous and mapped alike; no swap or migration yet', (t) => {
  const bad = (edit: (s: Record<string, unknown>) => void, re: RegExp) => {
    const s = structuredClone(thp('pmd')) as unknown as Record<string, unknown>;
    edit(s);
    const r = decodeScenario(s);
    t.true(isLeft(r) && re.test(r.left), isLeft(r) ? r.left : 'decoded');
  };
  bad((s) => { (s.pages as Record<string, unknown>[]).pop(); (s.processes as { mappings: unknown[] }[])[0]!.mappings.pop(); }, /^at pages\[0\]\.thp: the model's THP has two subpages/);
  bad((s) => { (s.pages as Record<string, unknown>[]).push({ id: 'C', kind: 'anon', tailOf: 'B' }); }, /^at pages\[2\]\.tailOf: unknown page 'B'/);
  bad((s) => { (s.pages as Record<string, unknown>[])[1]!.tailOf = 'Z'; }, /^at pages\[0\]\.thp: .*\(0 do\)/);
  bad((s) => { (s.pages as Record<string, unknown>[])[0]!.thp = 'huge'; }, /pages\.0\.thp|"pmd" or "pte"/);
  bad((s) => { (s.processes as { mappings: unknown[] }[])[0]!.mappings.pop(); }, /maps THP head 'A' but not its tail 'A_tail'/);
  bad((s) => { (s.processes as { mappings: Record<string, unknown>[] }[])[0]!.mappings[1]!.present = false; }, /present: .*the tail of a "pte" THP may be unmapped/);
  bad((s) => { (s.processes as { mappings: Record<string, unknown>[] }[])[0]!.mappings[1]!.writable = false; (s.processes as { mappings: Record<string, unknown>[] }[])[0]!.mappings[1]!.store = false; }, /head and tail of a THP lie in one VMA/);
  bad((s) => { s.actors = { swap: true }; }, /^at actors\.swap: a scenario with a THP cannot have the swap actor yet/);
  bad((s) => { (s.processes as { mappings: Record<string, unknown>[] }[])[0]!.mappings[1]!.clearSoftDirty = true; }, /clear_refs is process-wide/);
  // A PTE-mapped THP's tail may be zapped (cow.c's "single PTE of THP").
  const single = structuredClone(thp('pte')) as unknown as { processes: { mappings: Record<string, unknown>[] }[] };
  single.processes[0]!.mappings[1] = { page: 'A_tail', present: false };
  t.false(isLeft(decodeScenario(single)));
});

test('no THP in the scenario, no THP fields in the state: every shipped scenario without a THP has the layout it had', (t) => {
  for (const name of scenarioNames()) {
    const sc = resolveScenario(name);
    const sh = shapeOf(sc);
    const fields = kernelLayout(sh).fields.map((f) => f.path).filter((f) => /pmd_trans_huge|compound_mapcount|pincount|pinned_refcount/.test(f));
    if (sc.pages.some((p) => p.thp !== undefined)) t.true(fields.length > 0, name);
    else t.deepEqual(fields, [], name);
  }
});

test('the initial THP: one PMD holds one folio reference (compound_mapcount 1); split, one reference and one mapcount per PTE; a tail\'s refcount is its head\'s', (t) => {
  const pmd = build(thp('pmd'), release('v6.6'));
  const k = pmd.kernel;
  const s = pmd.init();
  t.is(k.pg[A]!.ref.get(s), 1);
  t.is(k.pg[T]!.ref.get(s), 1, 'a tail reads its folio\'s refcount');
  t.is(k.pg[A]!.compound_mapcount!.get(s), 1);
  t.is(k.pg[A]!.map.get(s), 0);
  t.true(k.pmdMapped(s, 0, 0) && k.pmdMapped(s, 0, 1));
  t.true(k.pg[A]!.PG_anon_exclusive.test(s) && k.pg[T]!.PG_anon_exclusive.test(s));
  const split = s.slice();
  k.splitHugePmd(split, 0, 0);
  t.is(k.pg[A]!.ref.get(split), 2, 'page_ref_add(HPAGE_PMD_NR - 1)');
  t.is(k.pg[A]!.compound_mapcount!.get(split), 0);
  t.is(k.pg[A]!.map.get(split) + k.pg[T]!.map.get(split), 2);
  t.true(k.mapcountsMatch(split) && k.refsBalanced(split));
  const pte = build(thp('pte'), release('v6.6'));
  t.deepEqual(pte.kernel.L.toJSON(pte.init()), pte.kernel.L.toJSON(split), 'a "pte" THP starts as the PMD one split');
});

test('exact pin counts for huge pages from 5.7 (47e29d32afba): a pin of a THP subpage adds 1 and counts in the pin count; a small page still takes BIAS', (t) => {
  for (const [name, field] of [['v5.6', undefined], ['v5.7', 'hpage_pinned_refcount'], ['v5.18', 'compound_pincount'], ['v6.3', '_pincount'], ['v6.6', '_pincount']] as const) {
    const b = build(thp('pmd', { holders: [roPin] }), release(name));
    const k = b.kernel;
    const fields = k.L.fields.map((f) => f.path);
    t.is(fields.includes(`page.A.${field ?? 'hpage_pinned_refcount'}`), field !== undefined, name);
    const s = run(b.model, b.init(), ['gup: follow_page_pte + try_grab_page']);
    t.is(k.pg[A]!.ref.get(s), 2, `${name}: one reference`);
    if (field !== undefined) {
      t.is((k.pg[A] as unknown as Record<string, { get(s: Uint32Array): number }>)[field]!.get(s), 1, `${name}: one pin`);
      t.true(k.maybeDmaPinned(s, T), `${name}: folio_maybe_dma_pinned is folio-wide`);
    }
    t.true(holds(b.model, 'I2', s), name);
    const r = run(b.model, s, ['release: unpin_user_page']);
    t.is(k.pg[A]!.ref.get(r), 1, `${name}: the unpin gives one reference back`);
    t.true(holds(b.model, 'I2', r) && holds(b.model, 'I2.quiescent', r), name);
  }
});

test('fork: copy_huge_pmd shares a THP under one more PMD, write-protected, neither subpage exclusive; a pinned one is split first and copied (5.9, d042035eaf5f; 5.19 page_try_dup_anon_rmap)', (t) => {
  const b = build(thp('pmd'), release('v6.6'));
  const k = b.kernel;
  const s = run(b.model, b.init(), ['fork: copy_present_pte decides'], ['fork: share write-protected']);
  t.is(k.pg[A]!.compound_mapcount!.get(s), 2);
  t.is(k.pg[A]!.ref.get(s), 2);
  t.true(k.pmdMapped(s, 1, 0), 'the child\'s PMD');
  t.false(k.pr[0]!.vma[0]!.w.test(s) || k.pr[0]!.vma[1]!.w.test(s));
  t.false(k.pg[A]!.PG_anon_exclusive.test(s) || k.pg[T]!.PG_anon_exclusive.test(s));
  for (const [name, copies] of [['v5.8', false], ['v5.9', true], ['v6.6', true]] as const) {
    const p = build(thp('pmd', { holders: [roPin] }), release(name));
    const pk = p.kernel;
    const pinned = run(p.model, p.init(), ['gup: follow_page_pte + try_grab_page'], ['fork: copy_present_pte decides'], ['fork: share write-protected']);
    t.is(pk.pmdMapped(pinned, 0, 0), !copies, `${name}: the parent's PMD ${copies ? 'split' : 'shared'}`);
    t.is(pk.pr[1]!.vma[0]!.pfn.get(pinned) !== A && pk.pr[1]!.vma[1]!.pfn.get(pinned) !== T, copies, `${name}: the child ${copies ? 'has copies of both subpages' : 'maps the THP'}`);
    t.true(holds(p.model, 'I2', pinned) && holds(p.model, 'S.mapcount', pinned), name);
  }
});

test('do_huge_pmd_wp_page per release: reuse by mapcount until 5.18, by page_count from 5.18 (3bff7e3f1f16), PageAnonExclusive first from 5.19; copy before 5.8, split and fall back from 5.8 (3917c80280c9)', (t) => {
  // A THP shared by fork whose child has exited its mapping (munmap): mapcount 1, a GET reference on the folio.
  const sc = thp('pmd', { child: [{ page: 'A', munmap: true }], holders: [{ id: 'vmsplice', process: 'child', page: 'A', kind: 'GET', write: false }] });
  const expect = { 'v4.14': 'reuse', 'v5.7': 'reuse', 'v5.8': 'reuse', 'v5.13': 'reuse', 'v5.18': 'split', 'v6.6': 'split' } as const;
  for (const [name, what] of Object.entries(expect)) {
    const b = build(sc, release(name));
    const k = b.kernel;
    let s = run(b.model, b.init(), ['fork: copy_present_pte decides'], ['fork: share write-protected']);
    // 5.8 breaks COW for the child's GUP (should_force_cow_break): give the child's GUP the page as 5.7 would, by hand.
    if (name === 'v5.8') {
      k.grabGupRef(s, 0, A);
      k.hd[0]!.page.set(s, A);
      k.hd[0]!.pc.set(s, 2);
    } else s = run(b.model, s, ['gup: follow_page_pte + try_grab_page']);
    s = writeFault(b.model, run(b.model, s, ['munmap: zap_pte_range', { process: 'child' }]), { process: 'parent', address: 'A' });
    const reused = k.pr[0]!.vma[0]!.pfn.get(s) === A;
    t.is(reused ? 'reuse' : 'split', what, name);
    if (!reused) t.false(k.pmdMapped(s, 0, 0), `${name}: the PMD was split, the head subpage copied`);
    t.true(holds(b.model, 'I2', s) && holds(b.model, 'S.mapcount', s), name);
  }
  // 4.14's copy: every subpage into a small page, mapped by PTEs (do_huge_pmd_wp_page_fallback).
  const b = build(thp('pmd', { child: [] }), release('v4.14'));
  const k = b.kernel;
  const s = writeFault(b.model, run(b.model, b.init(), ['fork: copy_present_pte decides'], ['fork: share write-protected']), { process: 'parent', address: 'A' });
  t.false(k.pmdMapped(s, 0, 0));
  t.true(k.pr[0]!.vma[0]!.pfn.get(s) > T && k.pr[0]!.vma[1]!.pfn.get(s) > T, 'both subpages copied');
  t.true(k.pr[0]!.vma[1]!.w.test(s), 'mapped writable');
  t.is(k.pg[A]!.compound_mapcount!.get(s), 1, 'the child\'s PMD stays');
  t.true(k.refsBalanced(s) && holds(b.model, 'S.mapcount', s));
});

test('cow.c\'s THP rows: each of the 14 anonymous cases with each of the eight THP set-ups is modelled', (t) => {
  const rows = SELFTEST_ROWS.filter((r) => / with (THP|PTE-mapped THP|single PTE of THP|partially mremap\(\)'ed THP|partially shared THP|swapped-out THP|swapped-out, PTE-mapped THP|single PTE of swapped-out THP)$/.test(r.case));
  t.is(rows.length, 8 * 14);
  t.true(rows.every((r) => r.modelled));
  t.false(SELFTEST_ROWS.some((r) => !r.modelled && / THP$/.test(r.case)), 'no THP set-up left skipped');
});

test('partially shared THP: the subpage an earlier fork shared is not PageAnonExclusive from 5.19 (and mapped R/O), its sibling is; before 5.19 the ghost says one process maps it', (t) => {
  const sc = { ...thp('pte'), pages: [{ id: 'A', kind: 'anon', thp: 'pte', forkedBefore: true }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }] };
  for (const [name, headExclusive] of [['v5.18', true], ['v5.19', false], ['v6.6', false]] as const) {
    const b = build(sc, release(name));
    const s = b.init();
    t.is(b.kernel.pg[A]!.PG_anon_exclusive.test(s), headExclusive, name);
    t.true(b.kernel.pg[T]!.PG_anon_exclusive.test(s), name);
    t.false(b.kernel.pr[0]!.vma[0]!.w.test(s), `${name}: the shared subpage's PTE is write-protected`);
    t.true(b.kernel.pr[0]!.vma[1]!.w.test(s), name);
  }
  const bad = decodeScenario({ ...sc, pages: [{ id: 'A', kind: 'anon', thp: 'pmd', forkedBefore: true }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }] });
  t.true(isLeft(bad) && /forkedBefore: a THP an earlier fork shared is PTE-mapped here/.test(bad.left));
});

test('where THP and base pages part: on 5.9–5.17 vmsplice() leaks from a PMD-mapped THP (do_huge_pmd_wp_page still reuses by mapcount) but not from a base page', (t) => {
  const leak = (pages: unknown[], parent: unknown[], name: string) => {
    const sc = {
      name: 'v', description: 'test', pages,
      processes: [{ id: 'parent', mappings: parent }, { id: 'child', childOf: 'parent', mappings: [{ page: 'A', munmap: true }] }],
      holders: [{ id: 'vmsplice', process: 'child', page: 'A', kind: 'GET', write: false, fast: true }],
    };
    const r = check(build(sc, release(name)).model);
    t.true(r.complete);
    return r.properties.find((p) => p.name === 'I10')!.status;
  };
  const basePage = [[{ id: 'A', kind: 'anon' }], [{ page: 'A', store: true }]] as const;
  const huge = [[{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }], [{ page: 'A', store: true }, { page: 'A_tail', store: true }]] as const;
  for (const name of ['v5.9', 'v5.13']) {
    t.is(leak([...basePage[0]], [...basePage[1]], name), 'holds', `${name} base page`);
    t.is(leak([...huge[0]], [...huge[1]], name), 'violated', `${name} THP`);
  }
  t.is(leak([...huge[0]], [...huge[1]], 'v5.18'), 'holds');
});

test('the huge zero page: a range only read maps it by one PMD (no reference, no mapcount); a write before 5.8 allocates a zeroed THP, from 5.8 splits it into small zero-page PTEs and copies one (3917c80280c9)', (t) => {
  const sc = {
    name: 'hz', description: 'test',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, zeropage: true }, { page: 'A_tail', zeropage: true }] }],
    holders: [],
  };
  for (const [name, huge] of [['v4.14', true], ['v5.7', true], ['v5.8', false], ['v6.6', false]] as const) {
    const b = build(sc, release(name));
    const k = b.kernel;
    const s = b.init();
    const hz = k.sh.hugeZeroSlot;
    t.true(hz >= 0 && k.pr[0]!.vma[0]!.pfn.get(s) === hz && k.pmdMapped(s, 0, 0), name);
    t.is(k.pg[hz]!.ref.get(s), 1, `${name}: only the kernel's own reference`);
    t.true(k.isFree(s, A), `${name}: the THP's slots are not allocated yet`);
    t.true(k.refsBalanced(s) && k.mapcountsMatch(s), name);
    const w = run(b.model, s, ['store: write fault', { address: 'A' }]);
    t.is(k.pmdMapped(w, 0, 0), huge, `${name}: ${huge ? 'a new THP by PMD' : 'the PMD split'}`);
    if (huge) t.is(k.pr[0]!.vma[0]!.pfn.get(w), A);
    else {
      t.is(k.pr[0]!.vma[1]!.pfn.get(w), k.sh.zeroSlot, `${name}: the other subpage maps the small zero page`);
      t.true(k.isAnon(w, k.pr[0]!.vma[0]!.pfn.get(w)) && !k.isLarge(k.pr[0]!.vma[0]!.pfn.get(w)), `${name}: a small copy`);
    }
    t.true(k.pr[0]!.vma[0]!.w.test(w), name);
    t.true(k.refsBalanced(w) && k.mapcountsMatch(w) && holds(b.model, 'I9', w), name);
  }
  const bad = decodeScenario({ ...sc, processes: [{ id: 'app', mappings: [{ page: 'A', zeropage: true }, { page: 'A_tail' }] }] });
  t.true(isLeft(bad) && /zeropage: a THP range maps the huge zero page whole or not at all/.test(bad.left));
});

/** A PMD-mapped THP with a long-term R/W pin (RDMA) of its head, taken before the scenario. */
const pinnedThp = (extra: Record<string, unknown>, child?: unknown[]) => ({
  name: 'pinned-thp', description: 'test',
  pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
  processes: [
    { id: 'app', mappings: [{ page: 'A', store: true, ...extra }, { page: 'A_tail' }] },
    ...(child !== undefined ? [{ id: 'child', childOf: 'app', mappings: child }] : []),
  ],
  holders: [{ id: 'rdma', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true, held: true }],
});
const i3c = (sc: unknown, name: string) => {
  const r = check(build(sc, release(name)).model);
  t_assert(r.complete);
  return r.properties.find((p) => p.name === 'I3c')!.status;
};
function t_assert(ok: boolean): void { if (!ok) throw new Error('search incomplete'); }

test('clear_refs on a pinned PMD-mapped THP: clear_soft_dirty_pmd write-protects it (no pinned check on the PMD path), so on 5.18 — THP COW by refcount, no PageAnonExclusive yet — the next write splits and copies away from the pin', (t) => {
  const sc = pinnedThp({ clearSoftDirty: true });
  for (const [name, status] of [['v5.11', 'holds'], ['v5.13', 'holds'], ['v5.18', 'violated'], ['v5.19', 'holds'], ['v6.6', 'holds']] as const) t.is(i3c(sc, name), status, name);
});

test('fork of a pinned PMD-mapped THP: shared whole until 5.9, where copy_huge_pmd splits it (d042035eaf5f) and the PTE pass copies for the child; history names that commit', async (t) => {
  const sc = pinnedThp({}, []);
  t.is(i3c(sc, 'v5.8'), 'violated');
  t.is(i3c(sc, 'v5.9'), 'holds');
  const dir = mkdtempSync(join(tmpdir(), 'thp-'));
  const file = join(dir, 'pinned-thp-fork.json');
  writeFileSync(file, JSON.stringify(sc));
  const run = await runHistory({ scenario: file, releases: RELEASES, property: 'I3c', opts: {} });
  t.true(run.complete);
  const flip = run.flips.find((f) => f.after === 'v5.9');
  t.is(flip?.commit?.id, 'd042035eaf5f');
});

test('a THP beside a swapped-out page: the swap cache\'s reference is in the folio-wise refcount sum (I2 holds through do_swap_page)', (t) => {
  const sc = {
    name: 'thp-swap', description: 'test',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }, { id: 'B', kind: 'anon', swapped: true }],
    processes: [{ id: 'app', mappings: [{ page: 'A' }, { page: 'A_tail' }, { page: 'B', load: true }] }],
    holders: [{ id: 'rdma', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true }],
  };
  for (const name of ['v4.14', 'v6.6']) {
    const r = check(build(sc, release(name)).model);
    t.true(r.complete);
    t.is(r.properties.find((p) => p.name === 'I2')!.status, 'holds', name);
  }
});

test('mprotect of a PMD-mapped THP: change_huge_pmd maps an exclusive THP writable again only from 6.2 (c27f479ef542)', (t) => {
  for (const [name, writable] of [['v6.0', false], ['v6.2', true], ['v6.6', true]] as const) {
    const b = build(thp('pmd', { parent: { mprotect: true } }), release(name));
    const s = run(b.model, b.init(), ['mprotect: R/O then R/W']);
    t.is(b.kernel.pr[0]!.vma[0]!.w.test(s) && b.kernel.pr[0]!.vma[1]!.w.test(s), writable, name);
    t.true(b.kernel.pmdMapped(s, 0, 0), `${name}: still huge`);
  }
});

test('khugepaged: no collapse of a PTE-mapped THP before 5.8 (SCAN_PAGE_COMPOUND); from 5.8 (5503fbf2b0b8) the range is copied into a new exclusive THP mapped by one PMD and the old folio is freed', (t) => {
  const sc = { ...thp('pte'), processes: [{ id: 'parent', mappings: [{ page: 'A' }, { page: 'A_tail' }] }], actors: { collapse: true } };
  const flush = (name: string) => {
    const b = build(sc, release(name));
    return { b, enabled: b.model.actions.find((a) => a.name === 'khugepaged: pmdp_collapse_flush')!.enabled(b.init()) };
  };
  t.false(flush('v4.14').enabled);
  t.false(flush('v5.7').enabled);
  for (const name of ['v5.8', 'v6.6']) {
    const { b, enabled } = flush(name);
    t.true(enabled, name);
    const k = b.kernel;
    const s = run(b.model, b.init(), ['khugepaged: pmdp_collapse_flush'], ['khugepaged: __collapse_huge_page_isolate'], ['khugepaged: __collapse_huge_page_copy + set_pmd_at']);
    const hp = k.sh.pages.findIndex((p) => p.id === 'hpage');
    t.true(k.pmdMapped(s, 0, 0) && k.pr[0]!.vma[0]!.pfn.get(s) === hp, `${name}: the new THP by PMD`);
    t.true(k.pr[0]!.vma[0]!.w.test(s), `${name}: maybe_pmd_mkwrite`);
    t.true(k.isFree(s, A), `${name}: the old folio freed`);
    t.true(k.pg[hp]!.PG_anon_exclusive.test(s), name);
    t.true(k.refsBalanced(s) && k.mapcountsMatch(s), name);
  }
});

test('khugepaged: a GUP-fast pin taken between pmdp_collapse_flush and the isolate check fails the check (SCAN_PAGE_COUNT): the page table goes back and the pin stays on the page the process maps', (t) => {
  const sc = {
    ...thp('pte'), processes: [{ id: 'parent', mappings: [{ page: 'A' }, { page: 'A_tail' }] }], actors: { collapse: true },
    holders: [{ id: 'rdma', process: 'parent', page: 'A', kind: 'PIN', write: true, longterm: true, fast: true }],
  };
  const b = build(sc, release('v5.19'));
  const k = b.kernel;
  const s = run(b.model, b.init(), ['gup_fast: gup_pmd_range'], ['khugepaged: pmdp_collapse_flush'], ['gup_fast: try_grab_folio_fast'],
    ['khugepaged: __collapse_huge_page_isolate fails'], ['gup_fast: recheck pte']);
  t.is(k.pr[0]!.vma[0]!.pfn.get(s), A);
  t.false(k.collapsing(s, 0));
  t.true(holds(b.model, 'I3c', s) && holds(b.model, 'I2', s));
  // While the PMD is cleared, a GUP-fast that has not read it yet finds none: it falls back to the slow path, which waits for the mmap lock.
  const f = run(b.model, b.init(), ['khugepaged: pmdp_collapse_flush'], ['gup_fast: fall back to the slow path']);
  t.true(k.hd[0]!.slow.test(f));
  t.false(b.model.actions.find((a) => a.name === 'gup: follow_page_pte + try_grab_page')!.enabled(f), 'the slow path waits for the mmap lock');
});

test('Huge Dirty COW\'s two halves: a read GUP\'s touch_pmd dirties a huge PMD before 4.15 (a8f97366452e), and a FOLL_FORCE write follows a dirty R/O PMD after its COW from 4.10 (8310d48b125d) — in 4.9 only a writable one', (t) => {
  const sc = {
    name: 'touch', description: 'test',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', writable: false, zeropage: true }, { page: 'A_tail', writable: false, zeropage: true }] }],
    holders: [{ id: 'reader', process: 'app', page: 'A', kind: 'GET', write: false }],
  };
  for (const [name, dirty] of [['v4.14', true], ['v4.15', false], ['v6.6', false]] as const) {
    const b = build(sc, release(name));
    const s = run(b.model, b.init(), ['gup: follow_page_pte + try_grab_page']);
    t.is(b.kernel.pr[0]!.vma[0]!.d.test(s) && b.kernel.pr[0]!.vma[1]!.d.test(s), dirty, name);
  }
  const k9 = build(sc, release('v4.9')).kernel;
  const k14 = build(sc, release('v4.14')).kernel;
  const force = { ...k9.sh.holders[0]!, write: true, force: true };
  t.false(k9.hooks.canFollowWritePmd(new Uint32Array(k9.L.words), force, true, 0, false, true), 'v4.9: a R/O PMD is never followed for writing');
  t.true(k14.hooks.canFollowWritePmd(new Uint32Array(k14.L.words), force, true, 0, false, true), 'v4.14: FOLL_FORCE, FOLL_COW and pmd_dirty');
});

test('khugepaged\'s refusals besides the refcount: no writable PTE in the range (SCAN_PAGE_RO: after fork), a range split in two VMAs (MADV_DONTFORK until fork\'s MADV_DOFORK), a range partly unmapped', (t) => {
  const base = { ...thp('pte'), actors: { collapse: true } };
  const flushEnabled = (sc: unknown, steps: ReadonlyArray<readonly [string, Record<string, string>?]>) => {
    const b = build(sc, release('v6.6'));
    const s = run(b.model, b.init(), ...steps);
    return b.model.actions.find((a) => a.name === 'khugepaged: pmdp_collapse_flush' && a.params['process'] === 'parent')!.enabled(s);
  };
  t.true(flushEnabled(base, []));
  t.false(flushEnabled(base, [['fork: copy_present_pte decides'], ['fork: share write-protected']]), 'every PTE write-protected by fork');
  const split = { ...base, processes: [{ id: 'parent', mappings: [{ page: 'A', store: true }, { page: 'A_tail', store: true, dontfork: true }] }, { id: 'child', childOf: 'parent', mappings: [] }] };
  t.false(flushEnabled(split, []), 'two VMAs before fork');
  t.true(flushEnabled(split, [['fork: copy_present_pte decides'], ['fork: share write-protected']]), 'one VMA again after MADV_DOFORK; the tail\'s PTE is still writable');
  const unmap = { ...base, processes: [{ id: 'parent', mappings: [{ page: 'A' }, { page: 'A_tail', munmap: true }] }, { id: 'child', childOf: 'parent', mappings: [] }] };
  t.false(flushEnabled(unmap, [['munmap: zap_pte_range', { address: 'A_tail' }]]), 'the range is no longer one VMA');
});

test('a short-term R/O pin of the huge zero page promises no more than one of the small zero page: I3c leaves it out when a write COWs the range away', (t) => {
  const sc = {
    name: 'hz-short', description: 'test',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, zeropage: true }, { page: 'A_tail', zeropage: true }] }],
    holders: [{ id: 'reader', process: 'app', page: 'A', kind: 'PIN', write: false }],
  };
  for (const name of ['v4.14', 'v6.6']) {
    const r = check(build(sc, release(name)).model);
    t.true(r.complete);
    t.is(r.properties.find((p) => p.name === 'I3c')!.status, 'holds', name);
  }
});

test('compare on a scenario whose set-up differs by design (a pin taken before it starts takes the page off the LRU on dma-pinned-flags): the cross-replay says so for that proposal instead of failing the comparison', (t) => {
  const r = gupcheck('compare', '--scenario', 'thp-pin-fork', '--detail');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^  dma-pinned-flags +not replayed: its set-up starts from another state \(page\.A\.PG_lru/m);
  t.regex(r.stdout, /^  modern +refuses step 3: parent: store to A faults/m);
});

test('fork of the huge zero page\'s PMD: do_huge_pmd_anonymous_page gave the VMA an anon_vma, so copy_huge_pmd shares the huge zero page with the child (no reference per PMD); two THP write faults on one folio take its lock in turn', (t) => {
  const sc = {
    name: 'hz-fork', description: 'test',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'parent', mappings: [{ page: 'A', zeropage: true, store: true }, { page: 'A_tail', zeropage: true }] }, { id: 'child', childOf: 'parent', mappings: [{ page: 'A', store: true }] }],
    holders: [],
  };
  const b = build(sc, release('v6.6'));
  const k = b.kernel;
  const s = run(b.model, b.init(), ['fork: copy_present_pte decides'], ['fork: share write-protected']);
  t.true(k.pmdMapped(s, 1, 0) && k.pr[1]!.vma[0]!.pfn.get(s) === k.sh.hugeZeroSlot);
  t.is(k.pg[k.sh.hugeZeroSlot]!.ref.get(s), 1);
  t.true(k.refsBalanced(s) && k.mapcountsMatch(s));
  // 4.14: the parent in the middle of reuse_swap_page holds the folio's lock; the child's fault waits.
  const old = build(thp('pmd', { child: [{ page: 'A', store: true }] }), release('v4.14'));
  const w = run(old.model, old.init(), ['fork: copy_present_pte decides'], ['fork: share write-protected'],
    ['store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages', { process: 'parent', address: 'A' }]);
  t.false(old.model.actions.find((a) => a.name === 'store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages' && a.params['process'] === 'child')!.enabled(w), 'the child waits for the page lock');
});
