// Anonymous swap: the swap cache, swap PTEs and do_swap_page, release by
// release (issue 17, part 1). Each test walks the kernel's own steps or
// searches a small scenario; every expectation is a verdict the kernel's
// source gives (docs/kernel-source-notes.md §14).

import test from 'ava';
import { isLeft } from 'fp-ts/lib/Either.js';
import { check } from '../src/engine/checker.js';
import { RELEASES } from '../models/index.js';
import { decodeScenario } from '../models/kernel/scenario.js';
import { kernelLayout } from '../models/kernel/kernel.js';
import { scenarioNames, resolveScenario } from '../models/kernel/build.js';
import { shapeOf } from '../models/kernel/shape.js';
import type { Proposal } from '../models/kernel/proposal.js';
import { build, run, holds, names } from './helpers/kernel.js';
import type { Model } from '../src/engine/model.js';

/** Every named property the model has holds in s (I2 exists only with a GUP holder). */
const allHold = (m: Model, s: Uint32Array, props: readonly string[]) => props.filter((p) => names(m).includes(p)).every((p) => holds(m, p, s));

const release = (name: string): Proposal => RELEASES.find((r) => r.name === name)!;

/** One anonymous page, a long-term R/W pin of it, kswapd with swap; the process reads, then writes. */
const swapPin = (pin: { held?: boolean } = {}) => ({
  name: 'swap-pin', description: 'test',
  pages: [{ id: 'A', kind: 'anon' }],
  processes: [{ id: 'app', mappings: [{ page: 'A', store: true, load: true }] }],
  holders: [{ id: 'rdma', process: 'app', page: 'A', kind: 'PIN', write: true, longterm: true, ...pin }],
  actors: { swap: true },
});

const verdicts = (sc: unknown, p: Proposal, names: readonly string[]) => {
  const r = check(build(sc, p).model);
  if (!r.complete) throw new Error('search incomplete');
  return Object.fromEntries(names.map((n) => [n, r.properties.find((x) => x.name === n)?.status ?? 'n/a']));
};

test('scenario errors name the field: swapped is for anonymous pages, not the zero page; held needs a page to have pinned', (t) => {
  const base = swapPin();
  const bad = (edit: (s: Record<string, unknown>) => void, re: RegExp) => {
    const s = structuredClone(base) as unknown as Record<string, unknown>;
    edit(s);
    const r = decodeScenario(s);
    t.true(isLeft(r) && re.test(r.left), isLeft(r) ? r.left : 'decoded');
  };
  bad((s) => { s.pages = [{ id: 'A', kind: 'file', swapped: true }]; s.processes = [{ id: 'app', mappings: [{ page: 'A' }] }]; s.holders = []; }, /^at pages\[0\]\.swapped: only anonymous pages are swapped out/);
  bad((s) => { s.pages = [{ id: 'A', kind: 'anon', swapped: true }]; s.processes = [{ id: 'app', mappings: [{ page: 'A', zeropage: true }] }]; s.holders = []; }, /^at processes\[0\]\.mappings\[0\]\.zeropage: 'A' is swapped out/);
  bad((s) => { s.pages = [{ id: 'A', kind: 'anon', swapped: true }]; (s.holders as Record<string, unknown>[])[0]!.held = true; }, /^at holders\[0\]\.held: 'A' is not mapped by a present PTE/);
  bad((s) => { s.actors = { swap: 'yes' }; }, /actors\.swap/);
  bad((s) => { s.bounds = { swapSlots: 9 }; }, /bounds\.swapSlots/);
});

test('no swap in the scenario, no swap fields in the state: the layout of every shipped scenario without swap is the one it had', (t) => {
  for (const name of scenarioNames()) {
    const sh = shapeOf(resolveScenario(name));
    const fields = kernelLayout(sh).fields.map((f) => f.path);
    const swapFields = fields.filter((f) => /PG_swapcache|\.swp|^swap\.|loaded/.test(f));
    if (sh.swapSlots.length === 0 && !sh.anyLoad) t.deepEqual(swapFields, [], name);
    else t.true(swapFields.length > 0, name);
  }
});

test('a page swapped out at the start: no page, a swap PTE (exclusive from 5.19), the slot counts it; a read fault reads it back into the swap cache', (t) => {
  const sc = { ...swapPin(), pages: [{ id: 'A', kind: 'anon', swapped: true }], holders: [], actors: {} };
  for (const [name, exclusive] of [['v5.18', false], ['v5.19', true], ['modern', true]] as const) {
    const b = build(sc, name === 'modern' ? RELEASES.at(-1)! : release(name));
    const k = b.kernel;
    const s = b.init();
    t.is(k.swapEntry(s, 0, 0), 0, name);
    t.false(k.pr[0]!.vma[0]!.present.test(s));
    t.is(k.pr[0]!.vma[0]!.swp_exclusive!.test(s), exclusive, name);
    t.is(k.sw[0]!.count.get(s), 1);
    t.true(k.isFree(s, 0), 'the page itself was freed');
    const r = run(b.model, s, ['load: read fault']);
    t.is(k.pr[0]!.vma[0]!.pfn.get(r), 0);
    t.is(k.swapSlotOf(r, 0), 0, 'in the swap cache');
    t.is(k.sw[0]!.count.get(r), 0, 'swap_free');
    t.false(k.pr[0]!.vma[0]!.w.test(r), 'a read fault maps it read-only');
    t.is(k.pg[0]!.PG_anon_exclusive.test(r), exclusive, `${name}: exclusive from the swap PTE's bit`);
    t.true(allHold(b.model, r, ['I2', 'S.swap-count', 'S.mapcount']));
    t.true(names(b.model).includes('S.swap-count'));
  }
});

test('I5.swap per release: unmapped to swap under a pin until 5.19; with the pin taken first, until 5.11 (feb889fb40fa)', (t) => {
  const want: Record<string, [late: string, first: string]> = {
    'v4.14': ['violated', 'violated'], 'v5.9': ['violated', 'violated'], 'v5.11': ['violated', 'holds'],
    'v5.18': ['violated', 'holds'], 'v5.19': ['holds', 'holds'], 'v6.6': ['holds', 'holds'],
  };
  for (const [name, [late, first]] of Object.entries(want)) {
    t.is(verdicts(swapPin(), release(name), ['I5.swap'])['I5.swap'], late, `${name}, pinned during the run`);
    t.is(verdicts(swapPin({ held: true }), release(name), ['I5.swap'])['I5.swap'], first, `${name}, pinned first`);
  }
  // Reachable on every release: the pinned page in the swap cache (added before the pin).
  for (const r of RELEASES) t.is(verdicts(swapPin(), r, ['I5.swap.witness'])['I5.swap.witness'], 'holds', r.name);
});

test('the refusals at their steps: 5.11 keeps a pinned page out of the swap cache; 5.19 restores the PTE of a pinned exclusive page', (t) => {
  const b11 = build(swapPin({ held: true }), release('v5.11'));
  const s11 = run(b11.model, b11.init(), ['reclaim: isolate_lru_page', { page: 'A' }], ['reclaim: trylock_page']);
  t.false(b11.model.actions.find((a) => a.name === 'reclaim: add_to_swap')!.enabled(s11));
  const kept = run(b11.model, s11, ['reclaim: maybe_dma_pinned, keep']);
  t.is(b11.kernel.swapSlotOf(kept, 0), -1);
  t.true(b11.kernel.pr[0]!.vma[0]!.present.test(kept));

  const b19 = build(swapPin(), release('v5.19'));
  const s19 = run(b19.model, b19.init(), ['reclaim: isolate_lru_page', { page: 'A' }], ['reclaim: trylock_page'], ['reclaim: add_to_swap'],
    ['gup: follow_page_pte + try_grab_page', { holder: 'rdma' }]);
  t.false(b19.model.actions.find((a) => a.name === 'reclaim: try_to_unmap')!.enabled(s19));
  const r = run(b19.model, s19, ['reclaim: try_to_unmap refused, activate']);
  t.true(b19.kernel.pr[0]!.vma[0]!.present.test(r), 'the PTE stays');
  t.is(b19.kernel.swapSlotOf(r, 0), 0, 'the page stays in the swap cache, pinned');
  t.true(holds(b19.model, 'I5.swap', r));
});

test('an unpinned page goes all the way: swapped out, freed, read back with its contents, and its slot freed when the PTE goes', (t) => {
  const sc = { ...swapPin(), processes: [{ id: 'app', mappings: [{ page: 'A', store: true, load: true, munmap: true }] }], holders: [] };
  const b = build(sc, release('v6.6'));
  const k = b.kernel;
  let s = run(b.model, b.init(), ['store: user writes']);
  s = run(b.model, s, ['reclaim: isolate_lru_page', { page: 'A' }], ['reclaim: trylock_page'], ['reclaim: add_to_swap'], ['reclaim: try_to_unmap'],
    ['reclaim: swap_writepage'], ['reclaim: __remove_mapping']);
  t.true(k.isFree(s, 0), 'freed');
  t.is(k.sw[0]!.data.get(s), 1, 'the write is in the slot');
  t.true(k.pr[0]!.vma[0]!.swp_exclusive!.test(s), 'the swap PTE remembers exclusivity (1493a1913e34)');
  const back = run(b.model, s, ['load: read fault']);
  t.is(k.pg[k.pr[0]!.vma[0]!.pfn.get(back)]!.data.get(back), 1, 'read back');
  const gone = run(b.model, s, ['munmap: zap_pte_range']);
  t.is(k.sw[0]!.count.get(gone), 0);
  t.is(k.allocSwapSlot(gone), 0, 'the slot is free again');
  t.true(allHold(b.model, back, ['I2', 'S.swap-count', 'S.mapcount']) && allHold(b.model, gone, ['I2', 'S.swap-count', 'S.mapcount']));
});

test('the shipped anon-swap scenario on every release: the model\'s structure holds, every swap step fires, 6.6 holds everything', (t) => {
  const sc = resolveScenario('anon-swap');
  for (const r of RELEASES) {
    const res = check(build(sc, r).model);
    t.true(res.complete, r.name);
    for (const p of ['I2', 'S.swap-count', 'S.mapcount', 'S.pte-in-vma', 'field-range', 'deadlock']) t.is(res.properties.find((x) => x.name === p)?.status, 'holds', `${r.name} ${p}`);
    const fired = (name: string) => res.coverage.filter((c) => c.action === name).reduce((a, c) => a + c.fired, 0);
    for (const a of ['reclaim: add_to_swap', 'reclaim: try_to_unmap', 'reclaim: swap_writepage', 'reclaim: __remove_mapping', 'load: read fault']) t.true(fired(a) > 0, `${r.name}: ${a}`);
    if (r.name === 'v6.6') {
      const bad = res.properties.filter((p) => p.status === 'violated');
      t.deepEqual(bad.map((p) => p.name), [], 'v6.6 holds everything');
    }
  }
});

test('a short-term R/O pin that lands on the shared zero page (after MADV_DONTNEED): 6.5 takes no pin there and no release unshares it, so I8 and I3c do not ask; a long-term one must stay coherent from 6.2', (t) => {
  const sc = (longterm: boolean) => ({
    name: 'zero-pin', description: 'test', pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', store: true, dontneed: true }] }],
    holders: [{ id: 'dio', process: 'app', page: 'A', kind: 'PIN', write: false, fast: true, ...(longterm ? { longterm: true } : {}) }],
  });
  const v = verdicts(sc(false), release('v6.6'), ['I3c', 'I8', 'I8.witness']);
  t.deepEqual(v, { I3c: 'holds', I8: 'holds', 'I8.witness': 'holds' });
  t.is(verdicts(sc(true), release('v6.0'), ['I3c'])['I3c'], 'violated', 'a long-term R/O pin of the zero page diverges before 6.2');
  t.is(verdicts(sc(true), release('v6.6'), ['I3c'])['I3c'], 'holds');
});
