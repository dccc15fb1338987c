// Unit tests of the kernel properties I1–I11 (reference §4) on hand-built
// states: for each property the baseline model has, at least one state (or
// step) that violates it and one that satisfies it; the `sometimes`
// companions on a witnessing and a non-witnessing state; and the
// applicability rules that decide which properties a scenario and era get.

import test from 'ava';
import { BH, HOLDER, MAPPING, OWNER } from '../models/kernel/kernel.js';
import { gupBias } from '../models/proposals/gup-bias.js';
import { modern } from '../models/proposals/modern.js';
import { anonExclusive } from '../models/proposals/anon-exclusive.js';
import { putUserPage } from '../models/proposals/put-user-page.js';
import {
  apply, build, edit, findAction, force, holds, names, pageSlot, pte, run, shipped, stepHolds, witness,
  type Params,
} from './helpers/kernel.js';
import {
  sharedFile, getW, dio, FAULT, FOLLOW, DMA, F_LOCK, F_CLEAN, F_SUBMIT, F_BUG, END_WB, R_ISOLATE, R_LOCK, R_UNMAP, R_PAGEOUT, R_FREE_BH, R_REMOVE, T_START, T_LOCK, T_CLEAN, T_DELETE, FORK_STEPS, STORE_FAULT, STORE, MUNMAP, PAGE_P,
} from './helpers/kernel.js';


// =============================================================================
// I1 no dirty page without buffers
// =============================================================================

test('I1 holds initially and through a GUP write; fails for a cached ext4 page that is dirty without buffers', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  t.true(holds(model, 'I1', init()));
  t.true(holds(model, 'I1', run(model, init(), [FAULT, dio], [FOLLOW, dio])));
  const bad = edit(init(), (s) => { k.dropBuffers(s, P); k.setPageDirty(s, P); });
  t.false(holds(model, 'I1', bad));
  // Not a page-cache page (an orphan): no longer I1's business.
  t.true(holds(model, 'I1', edit(bad, (s) => k.pg[P]!.mapping.set(s, MAPPING.none))));
  // Clean without buffers is fine.
  t.true(holds(model, 'I1', edit(init(), (s) => k.dropBuffers(s, P))));
});

test('I1 on the §5.1 trace: holds until set_page_dirty_lock dirties the stripped page, then fails', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  const steps: Array<[string, Params?]> = [
    [FAULT, dio], [FOLLOW, dio], [DMA, dio],
    [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP], ['reclaim: dirty, activate'],
    [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT], [END_WB, PAGE_P],
    [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP], [R_FREE_BH], [R_REMOVE],
  ];
  let s = init();
  for (const [name, params] of steps) {
    s = apply(model, s, name, params ?? {});
    t.true(holds(model, 'I1', s), `I1 after ${name}`);
  }
  s = apply(model, s, 'release: set_page_dirty_lock', dio);
  t.false(holds(model, 'I1', s));
  s = apply(model, s, 'release: put_page', dio);
  t.false(holds(model, 'I1', s));
  // And the flusher then crashes: I1.crash fails on that step.
  const locked = apply(model, s, F_LOCK, PAGE_P);
  const bug = findAction(model, F_BUG);
  t.true(bug.enabled(locked));
  t.false(stepHolds(model, 'I1.crash', locked, bug, force(model, locked, F_BUG)));
});

test('I1.crash: the flusher BUG and a pageout of a bufferless page fail it; normal writeback steps satisfy it', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  // Flusher cleaning a page with buffers: fine.
  const ok = run(model, init(), [FAULT, dio], [F_LOCK, PAGE_P]);
  t.true(stepHolds(model, 'I1.crash', ok, findAction(model, F_CLEAN), apply(model, ok, F_CLEAN)));
  // kswapd's pageout of a dirty page without buffers (ext4_writepage → page_buffers BUG).
  const bare = run(model, edit(init(), (s) => { k.dropBuffers(s, P); k.setPageDirty(s, P); }), [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP]);
  const pageout = findAction(model, R_PAGEOUT);
  t.true(pageout.enabled(bare));
  const after = apply(model, bare, R_PAGEOUT);
  t.true(k.root.oops.test(after));
  t.false(stepHolds(model, 'I1.crash', bare, pageout, after));
  // pageout of a page with buffers: fine.
  const st = build(sharedFile({ store: true, actors: { reclaim: true } }));
  const app = { process: 'app', address: 'P' };
  const good = run(st.model, st.init(), [STORE_FAULT, app], [STORE, app], [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP]);
  t.true(stepHolds(st.model, 'I1.crash', good, findAction(st.model, R_PAGEOUT), apply(st.model, good, R_PAGEOUT)));
});

test('I1.witness: an ext4 cache page dirty while a write GUP holds it', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  t.false(witness(model, 'I1.witness', init()));
  t.false(witness(model, 'I1.witness', apply(model, init(), FAULT, dio)), 'dirty but not yet held');
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.true(witness(model, 'I1.witness', held));
  t.false(witness(model, 'I1.witness', run(model, held, [F_LOCK, PAGE_P], [F_CLEAN])), 'held but cleaned');
});

// =============================================================================
// I2 pins balanced
// =============================================================================

test('I2: the refcount identity holds along a GUP + reclaim run and fails when the count is off by one either way', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  let s = init();
  t.true(holds(model, 'I2', s));
  for (const [name, params] of [[FAULT, dio], [FOLLOW, dio], [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP]] as Array<[string, Params?]>) {
    s = apply(model, s, name, params ?? {});
    t.true(holds(model, 'I2', s), `I2 after ${name}`);
  }
  const r = k.pg[P]!.ref.get(s);
  t.false(holds(model, 'I2', edit(s, (n) => k.pg[P]!.ref.set(n, r + 1))), 'a leaked reference');
  t.false(holds(model, 'I2', edit(s, (n) => k.pg[P]!.ref.set(n, r - 1))), 'a missing reference');
  // A holder that forgot its reference.
  t.false(holds(model, 'I2', edit(s, (n) => k.hd[0]!.pc.set(n, HOLDER.start))));
});

test('I2.kind: a release must match the acquire (put_page for FOLL_GET, unpin_user_page for FOLL_PIN)', (t) => {
  const holders = [
    { id: 'getUnpin', process: 'app', page: 'P', kind: 'GET', write: false, release: 'unpin_user_page' },
    { id: 'pinPut', process: 'app', page: 'P', kind: 'PIN', write: false, release: 'put_page' },
    { id: 'getPut', process: 'app', page: 'P', kind: 'GET', write: false, release: 'put_page' },
    { id: 'pinUnpin', process: 'app', page: 'P', kind: 'PIN', write: false, release: 'unpin_user_page' },
  ];
  const { model, init } = build(sharedFile({ present: true, holders }), gupBias);
  const check = (id: string, release: string, m = model, i = init, name = 'I2.kind') => {
    const h = { holder: id };
    const prev = apply(m, i(), FOLLOW, h);
    const a = findAction(m, release, h);
    return stepHolds(m, name, prev, a, apply(m, prev, release, h));
  };
  t.false(check('getUnpin', 'release: unpin_user_page'));
  t.false(check('pinPut', 'release: put_page'));
  t.true(check('getPut', 'release: put_page'));
  t.true(check('pinUnpin', 'release: unpin_user_page'));
  // put_user_page era (2019 step 1): any GUP reference must go back through put_user_page*().
  const upa = build(sharedFile({ present: true, holders }), putUserPage);
  // Harmless without pin counting: reported as latent (I2.latent), not as I2.kind.
  t.true(check('getUnpin', 'release: unpin_user_page', upa.model, upa.init, 'I2.latent'));
  t.false(check('getPut', 'release: put_page', upa.model, upa.init, 'I2.latent'));
  t.false(check('pinPut', 'release: put_page', upa.model, upa.init, 'I2.latent'));
  t.false(names(upa.model).includes('I2.kind'));
  // The baseline cannot tell one reference from another: no I2.kind at all.
  t.false(names(build(sharedFile({ present: true, holders })).model).includes('I2.kind'));
  // Non-release steps are not judged.
  const prev = init();
  t.true(stepHolds(model, 'I2.kind', prev, findAction(model, FOLLOW, { holder: 'getUnpin' }), apply(model, prev, FOLLOW, { holder: 'getUnpin' })));
});

test('I2.quiescent: checked in quiescent states; holds after a balanced release, fails with a leaked reference', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.false(model.isQuiescent!(held), 'a holder is still holding');
  const done = run(model, held, ['release: set_page_dirty_lock', dio], ['release: put_page', dio]);
  t.true(model.isQuiescent!(done));
  t.true(holds(model, 'I2.quiescent', done));
  t.is(k.pg[P]!.ref.get(done), 3, 'cache + buffers + PTE');
  const leak = edit(done, (s) => k.pg[P]!.ref.set(s, 4));
  t.true(model.isQuiescent!(leak));
  t.false(holds(model, 'I2.quiescent', leak));
});

test('I2.witness: a GUP reference taken and released', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.false(witness(model, 'I2.witness', held));
  t.true(witness(model, 'I2.witness', run(model, held, ['release: set_page_dirty_lock', dio], ['release: put_page', dio])));
});

// =============================================================================
// I3 anon pins exclusive, I3c pin coherence
// =============================================================================

const pinFork = {
  name: 'pin-fork', description: 'a FOLL_PIN write pin of anon memory, then fork',
  pages: [{ id: 'A', kind: 'anon' }],
  processes: [
    { id: 'parent', mappings: [{ page: 'A', writable: true, store: true }] },
    { id: 'child', childOf: 'parent', mappings: [] },
  ],
  holders: [{ id: 'pin', process: 'parent', page: 'A', kind: 'PIN', write: true }],
};

test('I3: a pinned anon page must be PageAnonExclusive (5.19 on); before 5.19 there is no I3, only I3c', (t) => {
  // Before 5.19 neither PG_anon_exclusive nor sanity_check_pinned_pages exists: I3 is n/a.
  t.false(build(pinFork).model.properties.some((p) => p.name === 'I3'), 'no I3 in baseline (4.14)');
  const { model, kernel: k, init } = build(pinFork, anonExclusive);
  const A = pageSlot(k, 'A');
  const held = apply(model, init(), FOLLOW, { holder: 'pin' });
  t.true(k.pg[A]!.PG_anon_exclusive.test(held));
  t.true(holds(model, 'I3', held));
  // 5.19's fork copies the pinned exclusive page for the child: the parent's stays exclusive.
  const forked = run(model, held, ...FORK_STEPS);
  t.true(k.pg[A]!.PG_anon_exclusive.test(forked));
  t.true(holds(model, 'I3', forked));
  // A pinned page that lost PG_anon_exclusive (what baseline's fork does) fails it.
  const shared = edit(held, (s) => k.pg[A]!.PG_anon_exclusive.set(s, 0));
  t.false(holds(model, 'I3', shared));
  // Not pinned (released): no constraint.
  t.true(holds(model, 'I3', edit(shared, (s) => k.hd[0]!.pc.set(s, HOLDER.released))));
});

test('I3c: the pinned page is the page the PTE maps; a COW after fork moves the PTE away (§5.4)', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-rdma'));
  const e = pte(k, 'parent', 'A');
  const A = pageSlot(k, 'A');
  const forked = run(model, init(), [FOLLOW, { holder: 'rdma' }], ...FORK_STEPS);
  t.true(holds(model, 'I3c', forked), 'still the same page, only write-protected');
  const cowed = apply(model, forked, STORE_FAULT, { process: 'parent', address: 'A' });
  t.not(e.pfn.get(cowed), A);
  t.false(holds(model, 'I3c', cowed));
});

test('I3c: an address the user unmapped is exempt', (t) => {
  const sc = {
    name: 'pin-munmap', description: 'x',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', writable: true, munmap: true }] }],
    holders: [{ id: 'pin', process: 'app', page: 'A', kind: 'PIN', write: true }],
  };
  const { model, kernel: k, init } = build(sc);
  const A = pageSlot(k, 'A');
  const s = run(model, init(), [FOLLOW, { holder: 'pin' }], [MUNMAP, { process: 'app', address: 'A' }]);
  t.true(holds(model, 'I3c', s));
  // Hand-built: the PTE present again but on another page, and not unmapped → violation.
  const e = pte(k, 'app', 'A');
  const other = k.sh.pages.findIndex((p) => p.kind === 'spare');
  const bad = edit(s, (n) => { e.unmapped.set(n, 0); e.present.set(n, 1); e.pfn.set(n, other); });
  t.not(other, A);
  t.false(holds(model, 'I3c', bad));
});

test('I3.witness: a pinned or write-GUP\'d anon page mapped while held', (t) => {
  const { model, init } = build(shipped('fork-rdma'));
  t.false(witness(model, 'I3.witness', init()));
  t.true(witness(model, 'I3.witness', apply(model, init(), FOLLOW, { holder: 'rdma' })));
});

// =============================================================================
// I4 no underflow, no use after free
// =============================================================================

test('I4: a put below zero fails it', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  t.true(holds(model, 'I4', init()));
  const s = edit(init(), (n) => k.putPage(n, P, 2));
  t.true(holds(model, 'I4', s), 'exactly to zero is no underflow');
  t.false(holds(model, 'I4', edit(init(), (n) => k.putPage(n, P, 3))));
});

test('I4.uaf: a page at refcount 0 must be out of the cache, off the LRU, unmapped and unheld', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const F = pageSlot(k, 'F');
  const A = pageSlot(k, 'A');
  t.true(holds(model, 'I4.uaf', init()));
  const freed = apply(model, init(), MUNMAP, { process: 'app', address: 'A' });
  t.is(k.pg[A]!.ref.get(freed), 0);
  t.true(holds(model, 'I4.uaf', freed));
  t.false(holds(model, 'I4.uaf', edit(init(), (s) => k.pg[F]!.ref.set(s, 0))), 'in the page cache at ref 0');
  t.false(holds(model, 'I4.uaf', edit(freed, (s) => k.pg[A]!.PG_lru.set(s, 1))), 'on the LRU at ref 0');
  t.false(holds(model, 'I4.uaf', edit(init(), (s) => { k.pg[A]!.ref.set(s, 0); k.pg[A]!.mapping.set(s, MAPPING.none); k.pg[A]!.PG_lru.set(s, 0); })), 'mapped by a PTE at ref 0');
  // Held by a GUP holder only (PTE gone), then freed by hand: the holder is using a free page.
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio], [MUNMAP, { process: 'app', address: 'F' }]);
  t.true(holds(model, 'I4.uaf', held));
  t.false(holds(model, 'I4.uaf', edit(held, (s) => { k.freePage(s, F); k.pg[F]!.ref.set(s, 0); })), 'held at ref 0');
});

test('I4.uaf: a page freed while still in the page cache or mapped fails it even after the fact (freedInUse ghost)', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const F = pageSlot(k, 'F');
  const A = pageSlot(k, 'A');
  const cached = edit(init(), (n) => k.putPage(n, F, 2));
  t.is(k.pg[F]!.ref.get(cached), 0);
  t.is(k.pg[F]!.mapping.get(cached), MAPPING.none, 'freePage cleared the mapping');
  t.false(holds(model, 'I4.uaf', cached));
  const mapped = edit(init(), (n) => k.putPage(n, A, 1));
  t.false(holds(model, 'I4.uaf', mapped), 'the PTE still maps it');
  t.true(holds(model, 'I4.uaf', apply(model, init(), MUNMAP, { process: 'app', address: 'A' })), 'freed by its last unmap');
});

test('I4.witness: a GUP holder dropped its reference', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.false(witness(model, 'I4.witness', held));
  t.true(witness(model, 'I4.witness', run(model, held, ['release: set_page_dirty_lock', dio], ['release: put_page', dio])));
});

// =============================================================================
// I5 pinned page never freed
// =============================================================================

test('I5: a held page must not be free', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.true(holds(model, 'I5', held));
  t.false(holds(model, 'I5', edit(held, (s) => { k.freePage(s, P); k.pg[P]!.ref.set(s, 0); })));
  // After release the page may be freed.
  const rel = run(model, held, ['release: set_page_dirty_lock', dio], ['release: put_page', dio]);
  t.true(holds(model, 'I5', edit(rel, (s) => { k.freePage(s, P); k.pg[P]!.ref.set(s, 0); })));
});

test('I5.witness: a held page without PTEs, or isolated by reclaim', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.false(witness(model, 'I5.witness', held));
  const iso = apply(model, held, R_ISOLATE, PAGE_P);
  t.true(witness(model, 'I5.witness', iso));
  const unmapped = run(model, iso, [R_LOCK], [R_UNMAP], ['reclaim: dirty, activate']);
  t.true(witness(model, 'I5.witness', unmapped), 'no PTE maps it any more');
});

// =============================================================================
// I6 no lost write
// =============================================================================

// A driver that forgets to dirty (release put_page) after a DMA write into a
// page the flusher had already cleaned: the kernel really loses that write.
const forgetful = sharedFile({ holders: [getW({ release: 'put_page' })], actors: { flusher: true, reclaim: true } });

test('I6 and I6.quiescent: DMA into a clean page, released without dirtying, is lost (quiescent: not on disk, not dirty; then reclaim drops it)', (t) => {
  const { model, kernel: k, init } = build(forgetful);
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT], [END_WB, PAGE_P], [DMA, dio]);
  t.true(witness(model, 'I6.witness', s0));
  const s1 = apply(model, s0, 'release: put_page', dio);
  t.is(k.pg[P]!.data.get(s1), 1);
  t.is(k.pg[P]!.disk.get(s1), 0);
  t.false(k.pg[P]!.PG_dirty.test(s1));
  t.true(model.isQuiescent!(s1));
  t.false(holds(model, 'I6.quiescent', s1));
  t.true(holds(model, 'I6', s1), 'nothing was dropped yet');
  const s2 = run(model, s1, [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP], [R_FREE_BH], [R_REMOVE]);
  t.true(k.root.lostWrite.test(s2));
  t.false(holds(model, 'I6', s2));
});

test('I6 and I6.quiescent hold when the driver dirties before put_page and the flusher writes the data', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT], [END_WB, PAGE_P], [DMA, dio],
    ['release: set_page_dirty_lock', dio], ['release: put_page', dio]);
  t.true(model.isQuiescent!(s0));
  t.true(holds(model, 'I6.quiescent', s0), 'still dirty');
  const s1 = run(model, s0, [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT], [END_WB, PAGE_P]);
  t.is(k.pg[P]!.disk.get(s1), 1);
  t.true(holds(model, 'I6.quiescent', s1));
  const s2 = run(model, s1, [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP], [R_FREE_BH], [R_REMOVE]);
  t.false(k.inCache(s2, P));
  t.true(holds(model, 'I6', s2));
  t.false(witness(model, 'I6.witness', s2));
  t.false(witness(model, 'I6.witness', init()));
});

// =============================================================================
// I7 LRU not leaked
// =============================================================================

test('I7: an unheld, unisolated cache page (or mapped anon page) must be on the LRU', (t) => {
  const sc = {
    name: 'lru', description: 'x',
    pages: [{ id: 'P', kind: 'file' }, { id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, present: false }, { page: 'A', munmap: true }] }],
    holders: [{ id: 'dio', process: 'app', page: 'P', kind: 'GET', write: true }],
    actors: { reclaim: true },
  };
  const { model, kernel: k, init } = build(sc);
  const P = pageSlot(k, 'P');
  const A = pageSlot(k, 'A');
  t.true(holds(model, 'I7', init()));
  t.false(holds(model, 'I7', edit(init(), (s) => k.pg[P]!.PG_lru.set(s, 0))));
  t.false(holds(model, 'I7', edit(init(), (s) => k.pg[A]!.PG_lru.set(s, 0))));
  const iso = apply(model, init(), R_ISOLATE, PAGE_P);
  t.false(k.pg[P]!.PG_lru.test(iso));
  t.true(holds(model, 'I7', iso), 'isolated by reclaim');
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.true(holds(model, 'I7', edit(held, (s) => k.pg[P]!.PG_lru.set(s, 0))), 'held by a GUP holder');
  const gone = apply(model, init(), MUNMAP, { process: 'app', address: 'A' });
  t.true(holds(model, 'I7', edit(gone, (s) => k.pg[A]!.PG_lru.set(s, 0))), 'a freed anon page is not tracked');
  t.false(witness(model, 'I7.witness', init()));
  t.true(witness(model, 'I7.witness', iso));
});

// =============================================================================
// I8 no false negative (pin-bias eras only)
// =============================================================================

test('I8 (pin-bias era): a FOLL_PIN page reads as maybe_dma_pinned; a count below the bias is a false negative', (t) => {
  const sc = {
    name: 'pin', description: 'x',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', writable: true }] }],
    holders: [{ id: 'pin', process: 'app', page: 'A', kind: 'PIN', write: true }],
  };
  const { model, kernel: k, init } = build(sc, gupBias);
  const A = pageSlot(k, 'A');
  const held = apply(model, init(), FOLLOW, { holder: 'pin' });
  t.is(k.pg[A]!.ref.get(held), 1 + k.sh.bias);
  t.true(holds(model, 'I8', held));
  t.true(witness(model, 'I8.witness', held));
  t.false(witness(model, 'I8.witness', init()));
  t.false(holds(model, 'I8', edit(held, (s) => k.pg[A]!.ref.set(s, k.sh.bias - 1))));
});

// =============================================================================
// I9 no write through a read-only mapping
// =============================================================================

test('I9: a file page only privately mapped keeps its contents; a COW write goes to an anon copy', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const R = pageSlot(k, 'R');
  const app = { process: 'app', address: 'R' };
  t.true(holds(model, 'I9', init()));
  t.false(witness(model, 'I9.witness', init()));
  const cowed = apply(model, init(), STORE_FAULT, app);
  t.true(holds(model, 'I9', cowed));
  t.false(witness(model, 'I9.witness', cowed), 'copied but not written yet');
  const written = apply(model, cowed, STORE, app);
  t.true(holds(model, 'I9', written));
  t.true(witness(model, 'I9.witness', written));
  t.is(k.pg[R]!.data.get(written), 0);
  // Dirty COW: the write reached the page cache page (or the disk).
  t.false(holds(model, 'I9', edit(written, (s) => k.pg[R]!.data.set(s, 1))));
  t.false(holds(model, 'I9', edit(written, (s) => { k.pg[R]!.data.set(s, 1); k.pg[R]!.disk.set(s, 1); })));
});

// =============================================================================
// I10 no cross-process leak
// =============================================================================

test('I10: CVE-2020-29374 in baseline: the parent\'s write after fork is seen through the child\'s vmsplice reference', (t) => {
  const { model, init } = build(shipped('fork-vmsplice'));
  const vs = { holder: 'vmsplice' };
  const parentA = { process: 'parent', address: 'A' };
  t.true(holds(model, 'I10', init()));
  const reused = run(model, init(), ...FORK_STEPS, [FOLLOW, vs], [MUNMAP, { process: 'child', address: 'A' }], [STORE_FAULT, parentA]);
  t.true(holds(model, 'I10', reused), 'nothing written yet');
  t.false(witness(model, 'I10.witness', reused));
  const leaked = apply(model, reused, STORE, parentA);
  t.true(witness(model, 'I10.witness', leaked));
  t.false(holds(model, 'I10', leaked));
  // Once the child released its reference nobody else sees the page.
  t.true(holds(model, 'I10', apply(model, leaked, 'release: put_page', vs)));
});

test('I10: after a COW copy the parent writes its own page (no leak); DMA into a shared page leaks to the child\'s PTE (§5.4)', (t) => {
  const { model, init } = build(shipped('fork-rdma'));
  const rdma = { holder: 'rdma' };
  const parentA = { process: 'parent', address: 'A' };
  const copied = run(model, init(), ...FORK_STEPS, [STORE_FAULT, parentA], [STORE, parentA]);
  t.true(witness(model, 'I10.witness', copied));
  t.true(holds(model, 'I10', copied));
  const dma = run(model, init(), [FOLLOW, rdma], ...FORK_STEPS, [DMA, rdma]);
  t.false(holds(model, 'I10', dma), 'the child maps the page the parent\'s device wrote');
});

// =============================================================================
// I11 lock discipline
// =============================================================================

test('I11: clear_page_dirty_for_io and try_to_free_buffers need their page lock', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const clean = findAction(model, F_CLEAN);
  const locked = run(model, init(), [FAULT, dio], [F_LOCK, PAGE_P]);
  t.true(stepHolds(model, 'I11', locked, clean, apply(model, locked, F_CLEAN)));
  const unlocked = edit(locked, (s) => k.pg[P]!.PG_locked.set(s, OWNER.none));
  t.false(stepHolds(model, 'I11', unlocked, clean, force(model, unlocked, F_CLEAN)));

  const freeBh = findAction(model, R_FREE_BH);
  const r = run(model, init(), [R_ISOLATE, PAGE_P], [R_LOCK], [R_UNMAP]);
  t.true(stepHolds(model, 'I11', r, freeBh, apply(model, r, R_FREE_BH)));
  const wrongOwner = edit(r, (s) => k.pg[P]!.PG_locked.set(s, OWNER.flusher));
  t.false(stepHolds(model, 'I11', wrongOwner, freeBh, force(model, wrongOwner, R_FREE_BH)));
  // Steps that need no lock are not judged.
  t.true(stepHolds(model, 'I11', init(), findAction(model, FAULT, dio), apply(model, init(), FAULT, dio)));
});

test('I11: truncate_cleanup_page needs the truncate lock', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ actors: { truncate: true } }));
  const P = pageSlot(k, 'P');
  const cleanup = findAction(model, T_CLEAN);
  const tl = run(model, init(), [T_START], [T_LOCK]);
  t.true(stepHolds(model, 'I11', tl, cleanup, apply(model, tl, T_CLEAN)));
  const nolock = edit(tl, (s) => k.pg[P]!.PG_locked.set(s, OWNER.none));
  t.false(stepHolds(model, 'I11', nolock, cleanup, force(model, nolock, T_CLEAN)));
});

test('I11: an unlocked set_page_dirty on a cached page is wrong once the holder\'s mapping is gone (no inode pin); fine while mapped, or on an orphan', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ munmap: true, holders: [getW({ release: 'set_page_dirty+put_page' })], actors: { truncate: true } }));
  const P = pageSlot(k, 'P');
  const spd = findAction(model, 'release: set_page_dirty', dio);
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.true(k.inCache(held, P));
  t.true(stepHolds(model, 'I11', held, spd, apply(model, held, 'release: set_page_dirty', dio)), 'the VMA pins the inode');
  const unmapped = apply(model, held, MUNMAP, { process: 'app', address: 'P' });
  t.true(k.inCache(unmapped, P));
  t.false(stepHolds(model, 'I11', unmapped, spd, apply(model, unmapped, 'release: set_page_dirty', dio)));
  const orphan = run(model, unmapped, [T_START], [T_LOCK], [T_CLEAN], [T_DELETE]);
  t.is(k.pg[P]!.mapping.get(orphan), MAPPING.none);
  t.true(stepHolds(model, 'I11', orphan, spd, apply(model, orphan, 'release: set_page_dirty', dio)));
});

test('I11.witness: a cache page locked by an actor, or dirtied by a holder', (t) => {
  const { model, init } = build(shipped('ext4-gup-write'));
  t.false(witness(model, 'I11.witness', init()));
  const held = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.false(witness(model, 'I11.witness', held));
  t.true(witness(model, 'I11.witness', apply(model, held, F_LOCK, PAGE_P)));
  t.true(witness(model, 'I11.witness', apply(model, held, 'release: set_page_dirty_lock', dio)));
});

// =============================================================================
// Applicability
// =============================================================================

test('applicability: which properties each shipped scenario gets in baseline', (t) => {
  const of = (name: string) => names(build(shipped(name)).model);
  t.deepEqual(of('ext4-gup-write'), [
    'I1', 'I1.bug', 'I1.crash', 'I1.witness', 'I2', 'I2.quiescent', 'I2.witness', 'I4', 'I4.uaf', 'I4.writeback', 'I4.witness',
    'I5', 'I5.witness', 'I6', 'I6.quiescent', 'I6.witness', 'stable-pages', 'I7', 'I7.witness', 'I11', 'I11.witness',
    'S.pte-in-vma', 'S.file-pte-cached', 'S.mapcount', 'S.witness',
  ]);
  t.deepEqual(of('fork-rdma'), [
    'I2', 'I2.quiescent', 'I2.witness', 'I3c', 'I3.witness', 'I4', 'I4.uaf', 'I4.witness',
    'I5', 'I5.witness', 'I10', 'I10.witness', 'S.pte-in-vma', 'S.file-pte-cached', 'S.mapcount', 'S.witness',
  ]);
  t.deepEqual(of('fork-vmsplice'), [
    'I2', 'I2.quiescent', 'I2.witness', 'I4', 'I4.uaf', 'I4.witness', 'I5', 'I5.witness', 'I10', 'I10.witness', 'S.pte-in-vma', 'S.file-pte-cached', 'S.mapcount', 'S.witness',
  ]);
  t.deepEqual(of('well-behaved'), [
    'I1', 'I1.bug', 'I1.crash', 'I1.witness', 'I2', 'I2.quiescent', 'I2.witness', 'I3c', 'I3.witness',
    'I4', 'I4.uaf', 'I4.witness', 'I5', 'I5.witness', 'I6', 'I6.quiescent', 'I6.witness', 'I9', 'I9.witness', 'S.pte-in-vma', 'S.file-pte-cached', 'S.mapcount', 'S.witness',
  ]);
  // From 5.19 the writable-anon-PTE rule joins S.
  t.true(names(build(shipped('fork-iouring'), anonExclusive).model).includes('S.anon-writable-exclusive'));
  // From 5.19 (b6a2619c60b4) I3 joins, after the kernel's own properties.
  t.true(names(build(shipped('fork-iouring'), anonExclusive).model).includes('I3'));
});

test('applicability: I8 needs pin bias (none in baseline, even with a FOLL_PIN holder) and a FOLL_PIN holder', (t) => {
  const sc = { ...pinFork, name: 'pin' };
  t.false(names(build(sc).model).includes('I8'));
  t.true(names(build(sc, gupBias).model).includes('I8'));
  t.false(names(build(shipped('fork-rdma'), gupBias).model).includes('I8'), 'FOLL_GET only');
});

test('applicability: I10 only with a fork child; I7 only with reclaim; I9 only with a private writable file mapping', (t) => {
  t.true(names(build(shipped('fork-rdma')).model).includes('I10'));
  const noChild = { ...pinFork, name: 'no-child', processes: [pinFork.processes[0]] };
  t.false(names(build(noChild).model).includes('I10'));
  t.true(names(build(sharedFile({ actors: { reclaim: true } })).model).includes('I7'));
  t.false(names(build(sharedFile({ actors: { flusher: true } })).model).includes('I7'));
  t.true(names(build(shipped('well-behaved')).model).includes('I9'));
  t.false(names(build(shipped('ext4-gup-write')).model).includes('I9'), 'only a shared writable mapping');
});

test('applicability: I1 and I6 need a writer of an ext4 page; I2/I4 need a holder, I5 also something that takes users away; I3 needs a pin or write GUP outside shared files; I11 needs an actor or a racy release', (t) => {
  const tmpfs = names(build(sharedFile({ fs: 'tmpfs', holders: [getW()], actors: { flusher: true } })).model);
  t.false(tmpfs.includes('I1'));
  t.false(tmpfs.includes('I6'));
  const readOnly = names(build(sharedFile({ holders: [{ id: 'rd', process: 'app', page: 'P', kind: 'GET', write: false }] })).model);
  t.false(readOnly.includes('I1'), 'nobody dirties the page');
  t.false(readOnly.includes('I6'), 'nobody writes');
  t.true(readOnly.includes('I2'));
  t.false(readOnly.includes('I5'), 'nothing can take the held page\'s other users away');
  t.true(names(build(sharedFile({ holders: [{ id: 'rd', process: 'app', page: 'P', kind: 'GET', write: false }], actors: { reclaim: true } })).model).includes('I5'));
  t.false(readOnly.includes('I11'), 'no actor, no racy release');
  const none = names(build(sharedFile({ store: true })).model);
  t.false(none.includes('I2') || none.includes('I5'), 'no holders');
  t.false(none.includes('I4'), 'I4 needs a holder to release');
  t.true(none.includes('I6'), 'a user store is a writer');
  t.false(names(build(shipped('ext4-gup-write')).model).includes('I3'), 'a shared file mapping cannot COW');
  t.false(names(build(shipped('fork-vmsplice')).model).includes('I3'), 'read-only FOLL_GET');
  t.true(names(build(sharedFile({ holders: [getW({ release: 'set_page_dirty+put_page' })] })).model).includes('I11'));
});

test('applicability: I5.strip only where reclaim checks maybe_dma_pinned (6.4), never in baseline', (t) => {
  t.false(names(build(shipped('ext4-gup-write')).model).includes('I5.strip'));
  t.true(names(build(shipped('ext4-gup-write'), modern).model).includes('I5.strip'));
});

test('a BUG ends the run: after the flusher oopses no action is enabled and the state is a legal end', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s = apply(model, apply(model, edit(init(), (n) => { k.dropBuffers(n, P); k.setPageDirty(n, P); }), F_LOCK, PAGE_P), F_BUG);
  t.true(model.isLegalEnd!(s));
  t.false(model.isQuiescent!(s));
  t.is(k.pg[P]!.buffers.get(s), BH.none);
});

test('S: a PTE outside a live VMA, a file PTE of a page not in the cache, a mapcount off by one, and (5.19+) a writable PTE of a shared anon page each fail their structural invariant', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const s0 = init();
  for (const n of ['S.pte-in-vma', 'S.file-pte-cached', 'S.mapcount']) t.true(holds(model, n, s0), n);
  const procId = k.sh.procs.findIndex((p) => p.vmas.some((v) => v.present));
  const vi = k.sh.procs[procId]!.vmas.findIndex((v) => v.present);
  const e = k.pr[procId]!.vma[vi]!;
  const p = e.pfn.get(s0);
  t.false(holds(model, 'S.pte-in-vma', edit(s0, (s) => e.unmapped.set(s, 1))), 'a present PTE at a munmapped address');
  t.false(holds(model, 'S.mapcount', edit(s0, (s) => k.pg[p]!.map.set(s, k.pg[p]!.map.get(s) - 1))), 'mapcount one less than the PTEs');
  const fileVma = k.sh.procs[procId]!.vmas[vi]!;
  if (fileVma.file) t.false(holds(model, 'S.file-pte-cached', edit(s0, (s) => k.root.truncated.set(s, 1))), 'a file PTE beyond i_size');
  // 5.19: a writable PTE of an anonymous page that is not exclusive.
  const fr = build(shipped('fork-iouring'), anonExclusive);
  const a0 = fr.init();
  const A = pageSlot(fr.kernel, 'A');
  t.true(holds(fr.model, 'S.anon-writable-exclusive', a0));
  t.false(holds(fr.model, 'S.anon-writable-exclusive', edit(a0, (s) => fr.kernel.pg[A]!.PG_anon_exclusive.set(s, 0))));
});
