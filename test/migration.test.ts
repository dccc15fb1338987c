// Migration and long-term pins (issue 17, part 3): memory offlining of a
// ZONE_MOVABLE block, migrate_pages' refcount check, 5.13's
// migrate-then-pin for FOLL_LONGTERM, 5.19's try_to_migrate_one back-off.
// Expectations are the kernel's, release by release
// (docs/kernel-source-notes.md §15).

import test from 'ava';
import { isLeft } from 'fp-ts/lib/Either.js';
import { check } from '../src/engine/checker.js';
import { RELEASES } from '../models/index.js';
import { decodeScenario } from '../models/kernel/scenario.js';
import { resolveScenario } from '../models/kernel/build.js';
import type { Proposal } from '../models/kernel/proposal.js';
import { build, run, holds } from './helpers/kernel.js';

const release = (name: string): Proposal => RELEASES.find((r) => r.name === name)!;

/** An anonymous page in the movable block, written by its process; holders as given; the block is offlined. */
const movable = (holders: readonly Record<string, unknown>[], offline = true) => ({
  name: 'movable', description: 'test',
  pages: [{ id: 'A', kind: 'anon', movable: true }],
  processes: [{ id: 'app', mappings: [{ page: 'A', store: true }] }],
  holders,
  actors: offline ? { offline: true } : {},
});
const RDMA = { id: 'mr', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true };

const statuses = (sc: unknown, p: Proposal) => {
  const r = check(build(sc, p).model);
  if (!r.complete) throw new Error('search incomplete');
  const byName = new Map(r.properties.map((x) => [x.name, x.status]));
  return { get: (n: string) => byName.get(n) ?? 'n/a', r };
};

test('scenario errors name the field: movable is for anonymous pages; offlining needs a movable page', (t) => {
  const bad = (s: unknown, re: RegExp) => {
    const r = decodeScenario(s);
    t.true(isLeft(r) && re.test(r.left), isLeft(r) ? r.left : 'decoded');
  };
  bad({ ...movable([]), pages: [{ id: 'A', kind: 'file', movable: true }], processes: [{ id: 'app', mappings: [{ page: 'A' }] }] }, /^at pages\[0\]\.movable: the movable block is modelled for anonymous pages/);
  bad({ ...movable([]), pages: [{ id: 'A', kind: 'anon' }] }, /^at actors\.offline: memory offlining needs a page in the movable block/);
});

test('offlining an unpinned block: the page moves to a new page outside the block, PTE, contents and exclusivity with it, and offline_pages returns', (t) => {
  const b = build(movable([]), release('v6.6'));
  const k = b.kernel;
  let s = run(b.model, b.init(), ['store: user writes']);
  s = run(b.model, s, ['offline: isolate_lru_page', { page: 'A' }], ['offline: migrate_pages']);
  const p = k.pr[0]!.vma[0]!.pfn.get(s);
  t.not(p, 0, 'the PTE maps another page');
  t.false(k.isMovable(p));
  t.true(k.isFree(s, 0), 'the old page is freed');
  t.is(k.pg[p]!.data.get(s), 1, 'with the write');
  t.true(k.pg[p]!.PG_anon_exclusive.test(s));
  t.true(k.root.migrated!.test(s));
  for (const name of ['S.mapcount', 'S.pte-in-vma']) t.true(holds(b.model, name, s), name);
  const done = run(b.model, s, ['offline: offline_pages returns']);
  t.is(k.root.offline!.pc.get(done), 2);
  // Faults and COW copies never land in the block being offlined.
  t.false(k.isMovable(k.allocPage(done)));
});

test('a long-term pin on the movable block: before 5.13 it stays and offlining never returns; from 5.13 the GUP moves the page out first', (t) => {
  for (const r of RELEASES) {
    const { get } = statuses(movable([RDMA]), r);
    const fixed = ['v4.8', 'v4.9', 'v4.14', 'v4.15', 'v5.6', 'v5.7', 'v5.8', 'v5.9', 'v5.11'].includes(r.name) ? 'violated' : 'holds';
    t.is(get('M.pinnable'), fixed, `${r.name} M.pinnable`);
    t.is(get('L.offline'), fixed, `${r.name} L.offline`);
    t.is(get('M.witness'), 'holds', `${r.name}: a page is migrated somewhere`);
    for (const p of ['I2', 'I5', 'I3c', 'S.mapcount', 'field-range', 'deadlock']) if (get(p) !== 'n/a') t.is(get(p), 'holds', `${r.name} ${p}`);
  }
  // The migrate-then-pin step itself, on 5.13.
  const b = build(movable([RDMA], false), release('v5.13'));
  const s = run(b.model, b.init(), ['gup: check_and_migrate_movable_pages', { holder: 'mr' }]);
  const k = b.kernel;
  t.is(k.hd[0]!.pc.get(s), 0, 'GUP again');
  t.false(k.isMovable(k.pr[0]!.vma[0]!.pfn.get(s)));
  const pinned = run(b.model, s, ['gup: follow_page_pte + try_grab_page', { holder: 'mr' }]);
  t.false(k.isMovable(k.hd[0]!.page.get(pinned)));
});

test('migration never moves a referenced page: the refcount check before 5.19, try_to_migrate_one\'s back-off for a pinned exclusive page from 5.19; a long-term GUP that cannot move the page fails', (t) => {
  const dio = { id: 'dio', process: 'app', page: 'A', kind: 'PIN', write: false };
  const vmsplice = { id: 'pipe', process: 'app', page: 'A', kind: 'GET', write: false };
  for (const [name, refused] of [['v5.13', false], ['v5.19', true]] as const) {
    const b = build(movable([dio]), release(name));
    const s = run(b.model, b.init(), ['gup: follow_page_pte + try_grab_page', { holder: 'dio' }], ['offline: isolate_lru_page', { page: 'A' }]);
    const back = run(b.model, s, [refused ? 'offline: try_to_migrate refused, putback' : 'offline: migrate_pages failed, putback']);
    t.is(b.kernel.pr[0]!.vma[0]!.pfn.get(back), 0, `${name}: the page stays`);
    t.true(holds(b.model, 'I2', back));
  }
  const g = build(movable([vmsplice], true), release('v6.6'));
  const gs = run(g.model, g.init(), ['gup: follow_page_pte + try_grab_page', { holder: 'pipe' }], ['offline: isolate_lru_page', { page: 'A' }]);
  t.notThrows(() => run(g.model, gs, ['offline: migrate_pages failed, putback']), 'a FOLL_GET reference fails the refcount check on 6.6');
  // The long-term GUP: -ENOMEM while the short-term pin keeps the page.
  const l = build(movable([RDMA, dio], false), release('v6.6'));
  const ls = run(l.model, l.init(), ['gup: follow_page_pte + try_grab_page', { holder: 'dio' }], ['gup: check_and_migrate_movable_pages', { holder: 'mr' }]);
  t.is(l.kernel.hd[0]!.pc.get(ls), 5, 'refused');
  t.is(l.kernel.pr[0]!.vma[0]!.pfn.get(ls), 0);
});

test('the shipped offline-movable scenario: every migration step fires across the releases; 6.6 holds everything, 5.11 hangs offlining', (t) => {
  const sc = resolveScenario('offline-movable');
  const fired = new Map<string, number>();
  for (const r of RELEASES) {
    const { get, r: res } = statuses(sc, r);
    for (const c of res.coverage) fired.set(c.action, (fired.get(c.action) ?? 0) + c.fired);
    if (r.name === 'v6.6') t.deepEqual(res.properties.filter((p) => p.status === 'violated').map((p) => p.name), []);
    if (r.name === 'v5.11') t.is(get('L.offline'), 'violated');
  }
  for (const a of ['offline: isolate_lru_page', 'offline: migrate_pages', 'offline: migrate_pages failed, putback', 'offline: try_to_migrate refused, putback', 'offline: offline_pages returns', 'gup: check_and_migrate_movable_pages']) {
    t.true((fired.get(a) ?? 0) > 0, a);
  }
});

test('compaction never moves a page under a GUP reference, on any release: isolation skips it, the refcount check (and from 5.19 the back-off) refuses it', (t) => {
  const sc = resolveScenario('compaction-pins');
  const fired = new Map<string, number>();
  for (const r of RELEASES) {
    const { get, r: res } = statuses(sc, r);
    for (const p of ['I2', 'I3c', 'I5', 'I5.witness', 'S.mapcount', 'field-range', 'deadlock']) t.is(get(p), 'holds', `${r.name} ${p}`);
    for (const c of res.coverage) fired.set(c.action, (fired.get(c.action) ?? 0) + c.fired);
  }
  for (const a of ['compaction: isolate_migratepages_block', 'compaction: migrate_pages', 'compaction: migrate_pages failed, putback', 'compaction: try_to_migrate refused, putback']) {
    t.true((fired.get(a) ?? 0) > 0, a);
  }
  // The pinned page is not even isolated.
  const b = build(sc, release('v6.6'));
  const pinned = run(b.model, b.init(), ['gup: follow_page_pte + try_grab_page', { holder: 'mr' }]);
  t.false(b.model.actions.some((a) => a.name === 'compaction: isolate_migratepages_block' && a.enabled(pinned)), 'isolate_migratepages_block skips the pinned page');
});

test('review fixes: a page freed while isolated is not "migrated" into a new one; a page pinned before the scenario on ZONE_MOVABLE was moved out first from 5.13', (t) => {
  // unmap_and_move: page_count 1 — "page was freed from under us": nothing is allocated, the page is freed.
  const sc = { name: 'freed', description: 'test', pages: [{ id: 'A', kind: 'anon' }], processes: [{ id: 'app', mappings: [{ page: 'A', store: true, dontneed: true }] }], holders: [{ id: 'pipe', process: 'app', page: 'A', kind: 'GET', write: false }], actors: { compaction: true } };
  const b = build(sc, release('v6.6'));
  const k = b.kernel;
  const s = run(b.model, b.init(), ['compaction: isolate_migratepages_block', { page: 'A' }], ['madvise: MADV_DONTNEED'], ['compaction: migrate_pages']);
  t.true(k.isFree(s, 0));
  t.true(k.sh.pages.every((_, p) => k.isFree(s, p) || k.sh.pages[p]!.kind === 'zero'), 'no page was allocated for it');
  // On the whole graph (a GUP reference in play, so I4 applies): no page freed or leaked in use.
  for (const r of [release('v4.14'), release('v6.6')]) t.is(statuses(sc, r).get('I4.uaf'), 'holds', r.name);
  // held + longterm + movable: the 5.13+ kernel's GUP moved the page before pinning it.
  const held = movable([{ ...RDMA, held: true }]);
  for (const [name, want] of [['v5.11', 'violated'], ['v5.13', 'holds'], ['v6.6', 'holds']] as const) t.is(statuses(held, release(name)).get('M.pinnable'), want, name);
  const h = build(held, release('v6.6'));
  t.false(h.kernel.isMovable(h.kernel.hd[0]!.page.get(h.init())));
});

test('review fixes: too few swap slots for the pages swapped out at the start is one error line', (t) => {
  const r = decodeScenario({ name: 'x', description: 'x', pages: [{ id: 'A', kind: 'anon', swapped: true }, { id: 'B', kind: 'anon', swapped: true }], processes: [{ id: 'app', mappings: [{ page: 'A' }, { page: 'B' }] }], holders: [], bounds: { swapSlots: 1 } });
  t.true(isLeft(r) && /^at bounds\.swapSlots: 1 swap slots cannot hold the 2 pages swapped out at the start$/.test(r.left), isLeft(r) ? r.left : 'decoded');
});

test('truncate leaves a swapped-out private COW copy mapped before 5.18 (zap_details skipped swap entries) and zaps it from 5.18 (5abfd71d936a)', (t) => {
  const sc = { name: 'cow-swap-truncate', description: 'test', pages: [{ id: 'F', kind: 'file' }], processes: [{ id: 'app', mappings: [{ page: 'F', store: true }] }], holders: [], actors: { swap: true, truncate: true } };
  for (const [name, stays] of [['v5.13', true], ['v5.18', false], ['v6.6', false]] as const) {
    const b = build(sc, release(name));
    const k = b.kernel;
    let s = run(b.model, b.init(), ['store: write fault'], ['store: user writes']);
    const copy = k.pr[0]!.vma[0]!.pfn.get(s);
    s = run(b.model, s, ['reclaim: isolate_lru_page', { page: k.sh.pages[copy]!.id }], ['reclaim: trylock_page'], ['reclaim: add_to_swap'], ['reclaim: try_to_unmap'],
      ['reclaim: swap_writepage'], ['reclaim: __remove_mapping'], ['truncate: i_size_write + unmap_mapping_range']);
    t.is(k.swapEntry(s, 0, 0) >= 0, stays, name);
    t.true(holds(b.model, 'S.swap-count', s), name);
  }
});
