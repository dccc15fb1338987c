// Unit tests of the kernel model's operations (reference §2), one or more per
// row: each starts from a scenario's initial state, reaches the situation by
// applying named actions (and, where a situation is hard to reach, by setting
// fields through the Kernel's handles), and asserts concrete field values
// before and after the step under test.
//
// Tests that were written as test.failing exposed places where the model contradicted the
// kernel source or the reference; see the comment above each.

import test from 'ava';
import { BH, FLUSHER, HOLDER, MAPPING, OWNER, RECLAIM, TRUNCATE } from '../models/kernel/kernel.js';
import {
  apply, build, edit, firstSpare, hasAction, holderIdx, isEnabled, pageSlot, pte, run, shipped,
  type Params,
} from './helpers/kernel.js';
import {
  sharedFile, getW, getR, anon, dio, FAULT, FOLLOW, EFAULT, GRAB, RECHECK, FALLBACK, DMA, F_LOCK, F_CLEAN, F_SUBMIT, F_BUG, F_SKIP_WB, END_WB, R_ISOLATE, R_LOCK, R_LOCK_FAIL, R_WB_KEEP, R_UNMAP, R_PAGEOUT, R_ACTIVATE, R_FREE_BH, R_REMOVE, T_START, T_LOCK, T_CLEAN, T_DELETE, FORK, FORK_STEPS, STORE_FAULT, STORE, MUNMAP,
} from './helpers/kernel.js';

// =============================================================================
// §2.1 GUP slow path
// =============================================================================

test('2.1 get_user_pages(FOLL_WRITE) on an absent shared ext4 PTE: faultin_page (mkwrite), then follow + grab adds exactly one reference', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const g = k.pg[P]!;
  const e = pte(k, 'app', 'P');
  const H = k.hd[holderIdx(k, 'dio')]!;
  const s0 = init();
  // cache + buffers
  t.is(g.ref.get(s0), 2);
  t.is(g.map.get(s0), 0);
  t.false(e.present.test(s0));
  t.false(isEnabled(model, s0, FOLLOW, dio), 'nothing to follow before the fault');
  t.true(isEnabled(model, s0, FAULT, dio));

  const s1 = apply(model, s0, FAULT, dio);
  t.true(e.present.test(s1));
  t.is(e.pfn.get(s1), P);
  t.true(e.w.test(s1));
  t.true(e.d.test(s1));
  t.is(g.map.get(s1), 1);
  t.is(g.ref.get(s1), 3, 'the PTE takes one reference; the buffers already had theirs');
  t.true(g.PG_dirty.test(s1));
  t.is(g.buffers.get(s1), BH.dirty);
  t.is(H.pc.get(s1), HOLDER.start, 'the fault does not grab');
  t.false(isEnabled(model, s1, FAULT, dio), 'no second fault once the PTE is writable');

  const s2 = apply(model, s1, FOLLOW, dio);
  t.is(g.ref.get(s2), 4);
  t.is(H.pc.get(s2), HOLDER.held);
  t.is(H.page.get(s2), P);
  t.true(g.PG_dirty.test(s2));
  t.is(g.map.get(s2), 1, 'GUP does not add a mapping');
});

test('2.1 FOLL_TOUCH: get_user_pages(FOLL_WRITE) through a writable clean PTE sets PG_dirty on a clean page', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-rdma'));
  const A = pageSlot(k, 'A');
  const e = pte(k, 'parent', 'A');
  const s0 = init();
  t.true(e.w.test(s0));
  t.false(e.d.test(s0));
  t.false(k.pg[A]!.PG_dirty.test(s0));
  t.false(isEnabled(model, s0, FAULT, { holder: 'rdma' }), 'a writable PTE needs no fault');
  const s1 = apply(model, s0, FOLLOW, { holder: 'rdma' });
  t.is(k.pg[A]!.ref.get(s1), 2);
  t.true(k.pg[A]!.PG_dirty.test(s1), 'FOLL_TOUCH dirtied the page');
  t.false(e.d.test(s1), 'FOLL_TOUCH sets PG_dirty, not the PTE dirty bit');
});

test('2.1 FOLL_TOUCH on an ext4 page with buffers goes through set_page_dirty: the buffers become dirty too', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  // Hand-built: a writable but clean PTE over a clean page with clean buffers.
  const s0 = edit(apply(model, init(), FAULT, dio), (s) => {
    e.d.set(s, 0);
    k.pg[P]!.PG_dirty.set(s, 0);
    k.pg[P]!.buffers.set(s, BH.clean);
  });
  const s1 = apply(model, s0, FOLLOW, dio);
  t.true(k.pg[P]!.PG_dirty.test(s1));
  t.is(k.pg[P]!.buffers.get(s1), BH.dirty);
  t.is(k.pg[P]!.ref.get(s1), 4);
});

test('2.1 FOLL_TOUCH does not dirty a page that is already dirty or whose PTE is dirty; a read GUP never dirties', (t) => {
  // Dirty PTE over a clean page: no set_page_dirty.
  const b = build(shipped('ext4-gup-write'));
  const P = pageSlot(b.kernel, 'P');
  const s0 = edit(apply(b.model, b.init(), FAULT, dio), (s) => {
    b.kernel.pg[P]!.PG_dirty.set(s, 0);
    b.kernel.pg[P]!.buffers.set(s, BH.clean);
  });
  const s1 = apply(b.model, s0, FOLLOW, dio);
  t.false(b.kernel.pg[P]!.PG_dirty.test(s1));
  t.is(b.kernel.pg[P]!.buffers.get(s1), BH.clean);

  // A read GUP: read fault maps the page read-only and clean; follow does not dirty.
  const r = build(sharedFile({ holders: [getR()] }));
  const e = pte(r.kernel, 'app', 'P');
  const s2 = apply(r.model, r.init(), FAULT, { holder: 'rd' });
  t.true(e.present.test(s2));
  t.false(e.w.test(s2));
  t.false(e.d.test(s2));
  t.is(r.kernel.pg[P]!.ref.get(s2), 3);
  const s3 = apply(r.model, s2, FOLLOW, { holder: 'rd' });
  t.is(r.kernel.pg[P]!.ref.get(s3), 4);
  t.false(r.kernel.pg[P]!.PG_dirty.test(s3));
  t.is(r.kernel.pg[P]!.buffers.get(s3), BH.clean);
});

test('2.1 pin_user_pages (no FOLL_TOUCH) does not dirty; in the baseline era a pin adds 1, not a bias', (t) => {
  const { model, kernel: k, init } = build(anon([{ id: 'pin', process: 'app', page: 'A', kind: 'PIN', write: true }]));
  const A = pageSlot(k, 'A');
  const s1 = apply(model, init(), FOLLOW, { holder: 'pin' });
  t.is(k.pg[A]!.ref.get(s1), 2);
  t.false(k.pg[A]!.PG_dirty.test(s1));
  t.is(k.hd[0]!.pc.get(s1), HOLDER.held);
});

test('2.1 GUP on an unmapped address: check_vma_flags → EFAULT, no reference taken', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const F = pageSlot(k, 'F');
  const s0 = init();
  t.false(isEnabled(model, s0, EFAULT, dio), 'a mapped address does not EFAULT');
  const s1 = apply(model, s0, MUNMAP, { process: 'app', address: 'F' });
  t.true(pte(k, 'app', 'F').unmapped.test(s1));
  t.true(isEnabled(model, s1, EFAULT, dio));
  t.false(isEnabled(model, s1, FAULT, dio));
  t.false(isEnabled(model, s1, FOLLOW, dio));
  const s2 = apply(model, s1, EFAULT, dio);
  t.is(k.hd[holderIdx(k, 'dio')]!.pc.get(s2), HOLDER.refused);
  t.is(k.pg[F]!.ref.get(s2), 2);
});

test('2.1 a write GUP fault waits while another actor holds the page lock (lock_page sleeps)', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = edit(init(), (s) => k.pg[P]!.PG_locked.set(s, OWNER.flusher));
  t.false(isEnabled(model, s0, FAULT, dio));
  t.true(isEnabled(model, init(), FAULT, dio));
});

// =============================================================================
// §2.2 GUP fast path
// =============================================================================

const fastAnon = () => anon([{ id: 'fast', process: 'app', page: 'A', kind: 'GET', write: true, fast: true }], { munmap: true });
const fast: Params = { holder: 'fast' };

test('2.2 get_user_pages_fast: grab (speculative ref, no dirtying), recheck succeeds → held', (t) => {
  const { model, kernel: k, init } = build(fastAnon());
  const A = pageSlot(k, 'A');
  const H = k.hd[0]!;
  const s0 = init();
  t.true(isEnabled(model, s0, GRAB, fast));
  t.false(isEnabled(model, s0, FALLBACK, fast));
  t.false(isEnabled(model, s0, FOLLOW, fast), 'the slow path is not taken while the fast path can run');
  const s1 = apply(model, s0, GRAB, fast);
  t.is(k.pg[A]!.ref.get(s1), 2);
  t.is(H.pc.get(s1), HOLDER.grabbed);
  t.is(H.page.get(s1), A);
  t.false(k.pg[A]!.PG_dirty.test(s1), 'the fast path sets PG_referenced, not PG_dirty');
  const s2 = apply(model, s1, RECHECK, fast);
  t.is(H.pc.get(s2), HOLDER.held);
  t.is(k.pg[A]!.ref.get(s2), 2);
  t.false(H.slow.test(s2));
});

test('2.2 get_user_pages_fast: the PTE changes between grab and recheck → undo the reference, fall back to the slow path', (t) => {
  // Reclaim unmaps the (read-)grabbed file page between grab and recheck.
  const { model, kernel: k, init } = build(sharedFile({ present: true, holders: [getR({ fast: true })], actors: { reclaim: true } }));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const H = k.hd[0]!;
  const rd = { holder: 'rd' };
  const s0 = init();
  t.is(k.pg[P]!.ref.get(s0), 3, 'cache + buffers + PTE');
  const s1 = apply(model, s0, GRAB, rd);
  t.is(k.pg[P]!.ref.get(s1), 4);
  const s2 = run(model, s1, [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]);
  t.false(e.present.test(s2));
  t.is(k.pg[P]!.ref.get(s2), 4, '+1 isolation, -1 PTE');
  const s3 = apply(model, s2, RECHECK, rd);
  t.is(k.pg[P]!.ref.get(s3), 3, 'the speculative reference is given back');
  t.is(H.pc.get(s3), HOLDER.start);
  t.true(H.slow.test(s3));
  t.false(isEnabled(model, s3, GRAB, rd), 'no second fast attempt');
  t.false(isEnabled(model, s3, FAULT, rd), 'the slow path sleeps on the page lock reclaim holds');
  // Reclaim finishes (frees the clean page: only cache+isolation refs left after the buffers go)…
  const s4 = run(model, s3, [R_FREE_BH], [R_REMOVE]);
  t.false(k.inCache(s4, P));
  t.is(k.pg[P]!.ref.get(s4), 0);
  // …and the slow path faults the page back in and grabs it.
  const s5 = run(model, s4, [FAULT, rd], [FOLLOW, rd]);
  t.is(H.pc.get(s5), HOLDER.held);
  t.true(k.inCache(s5, P));
  t.is(k.pg[P]!.ref.get(s5), 3, 'cache + PTE + GUP (read back without buffers)');
});

test('2.2 get_user_pages_fast: recheck after munmap undoes the only remaining reference (the page is freed), then EFAULT', (t) => {
  const { model, kernel: k, init } = build(fastAnon());
  const A = pageSlot(k, 'A');
  const H = k.hd[0]!;
  const s1 = run(model, init(), [GRAB, fast], [MUNMAP, { process: 'app', address: 'A' }]);
  t.is(k.pg[A]!.ref.get(s1), 1, 'only the speculative reference is left');
  const s2 = apply(model, s1, RECHECK, fast);
  t.is(k.pg[A]!.ref.get(s2), 0);
  t.true(k.isFree(s2, A));
  t.false(k.pg[A]!.refcountUnderflow.test(s2));
  t.is(H.pc.get(s2), HOLDER.start);
  t.true(H.slow.test(s2));
  const s3 = apply(model, s2, EFAULT, fast);
  t.is(H.pc.get(s3), HOLDER.refused);
});

test('2.2 get_user_pages_fast(FOLL_WRITE) on a read-only PTE falls back to the slow path without grabbing', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ present: true, holders: [getW({ fast: true })] }));
  const P = pageSlot(k, 'P');
  const s0 = init();
  t.false(pte(k, 'app', 'P').w.test(s0));
  t.false(isEnabled(model, s0, GRAB, dio));
  t.false(isEnabled(model, s0, FAULT, dio), 'not on the slow path yet');
  const s1 = apply(model, s0, FALLBACK, dio);
  t.true(k.hd[0]!.slow.test(s1));
  t.is(k.pg[P]!.ref.get(s1), 3);
  const s2 = run(model, s1, [FAULT, dio], [FOLLOW, dio]);
  t.is(k.pg[P]!.ref.get(s2), 4);
  t.is(k.pg[P]!.buffers.get(s2), BH.dirty, 'the slow path ran page_mkwrite');
});

// Reference §2.2: "Remainder → slow path with FOLL_TOUCH|FOLL_UNLOCKABLE" and
// kernel-notes §7: FOLL_TOUCH is set by "the slow fallback of *_fast"; only
// pin_user_pages() omits it. (Found by this test as a model bug, since fixed.)
test('2.2 pin_user_pages_fast falling back to the slow path uses FOLL_TOUCH', (t) => {
  const { model, kernel: k, init } = build(anon([{ id: 'pin', process: 'app', page: 'A', kind: 'PIN', write: true, fast: true }]));
  const A = pageSlot(k, 'A');
  const s0 = edit(init(), (s) => k.hd[0]!.slow.set(s, 1)); // fell back (hand-built)
  const s1 = apply(model, s0, FOLLOW, { holder: 'pin' });
  t.true(k.pg[A]!.PG_dirty.test(s1));
});

// =============================================================================
// §2.3 DMA write
// =============================================================================

test('2.3 a DMA write changes the data and nothing else: no PG_dirty, no PTE dirty bit, even under writeback', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const H = k.hd[0]!;
  t.false(isEnabled(model, init(), DMA, dio), 'no DMA before the page is held');
  // GUP, then the flusher cleans the page and starts writeback.
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, { page: 'P' }], [F_CLEAN], [F_SUBMIT]);
  t.false(k.pg[P]!.PG_dirty.test(s0));
  t.true(k.pg[P]!.PG_writeback.test(s0));
  t.false(e.d.test(s0));
  t.false(e.w.test(s0));
  t.is(k.pg[P]!.data.get(s0), 0);
  const s1 = apply(model, s0, DMA, dio);
  t.is(k.pg[P]!.data.get(s1), 1);
  t.true(H.wrote.test(s1));
  t.false(k.pg[P]!.PG_dirty.test(s1));
  t.false(e.d.test(s1));
  t.is(k.pg[P]!.buffers.get(s1), BH.clean);
  t.is(k.pg[P]!.ref.get(s1), k.pg[P]!.ref.get(s0));
  t.is(k.pg[P]!.io.get(s1), 0, 'the submitted I/O carries the old data');
  t.false(isEnabled(model, s1, DMA, dio), 'the device writes once');
});

// =============================================================================
// §2.4 write fault + page_mkwrite
// =============================================================================

test('2.4 page_mkwrite on a page without buffers attaches dirty buffers, which take a reference', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const s0 = edit(init(), (s) => k.dropBuffers(s, P));
  t.is(k.pg[P]!.buffers.get(s0), BH.none);
  t.is(k.pg[P]!.ref.get(s0), 1);
  const s1 = apply(model, s0, FAULT, dio);
  t.is(k.pg[P]!.buffers.get(s1), BH.dirty);
  t.is(k.pg[P]!.ref.get(s1), 3, '+1 PTE, +1 buffers');
  t.true(k.pg[P]!.PG_dirty.test(s1));
  t.true(e.w.test(s1));
  t.true(e.d.test(s1));
  t.is(k.pg[P]!.PG_locked.get(s1), OWNER.none, 'the fault unlocks the page before returning');
});

test('2.4 a store faults a reclaimed page back from disk, then page_mkwrite: cache + PTE + buffers', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ store: true, actors: { reclaim: true } }));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const app = { process: 'app', address: 'P' };
  const s0 = run(model, init(), [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP], [R_FREE_BH], [R_REMOVE]);
  t.is(k.pg[P]!.mapping.get(s0), MAPPING.none);
  t.is(k.pg[P]!.ref.get(s0), 0);
  t.false(isEnabled(model, s0, STORE, app), 'no writable PTE yet');
  const s1 = apply(model, s0, STORE_FAULT, app);
  t.is(k.pg[P]!.mapping.get(s1), MAPPING.file);
  t.is(k.pg[P]!.ref.get(s1), 3);
  t.is(k.pg[P]!.buffers.get(s1), BH.dirty);
  t.true(k.pg[P]!.PG_lru.test(s1));
  t.true(k.pg[P]!.PG_dirty.test(s1));
  t.true(e.w.test(s1) && e.d.test(s1));
  const s2 = apply(model, s1, STORE, app);
  t.is(k.pg[P]!.data.get(s2), 1);
  t.true(e.d.test(s2));
  t.true(pte(k, 'app', 'P').stored.test(s2));
});

test('2.4 a write to a present read-only (write-notify) PTE runs page_mkwrite in place: W|D, dirty, no new reference', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ present: true, store: true }));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const s0 = init();
  t.true(e.present.test(s0));
  t.false(e.w.test(s0));
  t.is(k.pg[P]!.ref.get(s0), 3);
  const s1 = apply(model, s0, STORE_FAULT, { process: 'app', address: 'P' });
  t.true(e.w.test(s1));
  t.true(e.d.test(s1));
  t.true(k.pg[P]!.PG_dirty.test(s1));
  t.is(k.pg[P]!.buffers.get(s1), BH.dirty);
  t.is(k.pg[P]!.ref.get(s1), 3);
  t.is(k.pg[P]!.map.get(s1), 1);
});

test('2.4 on tmpfs the write fault dirties the page but attaches no buffers', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ fs: 'tmpfs', holders: [getW()] }));
  const P = pageSlot(k, 'P');
  const s0 = init();
  t.is(k.pg[P]!.ref.get(s0), 1);
  const s1 = apply(model, s0, FAULT, dio);
  t.is(k.pg[P]!.buffers.get(s1), BH.none);
  t.true(k.pg[P]!.PG_dirty.test(s1));
  t.is(k.pg[P]!.ref.get(s1), 2);
});

// =============================================================================
// §2.5 set_page_dirty
// =============================================================================

test('2.5 set_page_dirty on an ext4 page with buffers dirties the buffers and PG_dirty', (t) => {
  const { kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s = init();
  k.setPageDirty(s, P);
  t.true(k.pg[P]!.PG_dirty.test(s));
  t.is(k.pg[P]!.buffers.get(s), BH.dirty);
  t.is(k.pg[P]!.ref.get(s), 2);
});

test('2.5 set_page_dirty on an ext4 page without buffers sets only PG_dirty (the ext4 BUG state)', (t) => {
  const { kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s = edit(init(), (n) => k.dropBuffers(n, P));
  k.setPageDirty(s, P);
  t.true(k.pg[P]!.PG_dirty.test(s));
  t.is(k.pg[P]!.buffers.get(s), BH.none);
  t.is(k.pg[P]!.ref.get(s), 1);
  t.true(k.inCache(s, P));
});

test('2.5 set_page_dirty on an orphan (mapping NULL) or a tmpfs page is noop/PG_dirty only', (t) => {
  const { kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s = edit(init(), (n) => k.pg[P]!.mapping.set(n, MAPPING.none));
  k.setPageDirty(s, P);
  t.true(k.pg[P]!.PG_dirty.test(s));
  t.is(k.pg[P]!.buffers.get(s), BH.clean, 'noop_dirty_folio does not touch buffers');

  const tm = build(sharedFile({ fs: 'tmpfs' }));
  const s2 = tm.init();
  tm.kernel.setPageDirty(s2, 0);
  t.true(tm.kernel.pg[0]!.PG_dirty.test(s2));
  t.is(tm.kernel.pg[0]!.buffers.get(s2), BH.none);
});

// =============================================================================
// §2.6 writeback
// =============================================================================

test('2.6 flusher: lock, clear_page_dirty_for_io (write-protect + clean PTEs, clear PG_dirty), submit (PG_writeback, clean buffers, unlock), completion (disk = data)', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ store: true, actors: { flusher: true } }));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  const F = k.root.flusher!;
  const app = { process: 'app', address: 'P' };
  const s0 = run(model, init(), [STORE_FAULT, app], [STORE, app]);
  t.is(k.pg[P]!.data.get(s0), 1);
  t.true(k.pg[P]!.PG_dirty.test(s0));
  t.false(isEnabled(model, init(), F_LOCK, { page: 'P' }), 'a clean page is not written');

  const s1 = apply(model, s0, F_LOCK, { page: 'P' });
  t.is(k.pg[P]!.PG_locked.get(s1), OWNER.flusher);
  t.is(F.pc.get(s1), FLUSHER.locked);
  t.false(isEnabled(model, s1, F_BUG), 'the page has buffers');

  const s2 = apply(model, s1, F_CLEAN);
  t.false(e.w.test(s2), 'page_mkclean write-protects');
  t.false(e.d.test(s2), 'page_mkclean cleans');
  t.true(e.present.test(s2), 'the PTE stays');
  t.false(k.pg[P]!.PG_dirty.test(s2));
  t.is(k.pg[P]!.buffers.get(s2), BH.dirty, 'buffers stay dirty until submission');
  t.is(F.pc.get(s2), FLUSHER.cleaned);
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.flusher);

  const s3 = apply(model, s2, F_SUBMIT);
  t.true(k.pg[P]!.PG_writeback.test(s3));
  t.is(k.pg[P]!.buffers.get(s3), BH.clean);
  t.is(k.pg[P]!.io.get(s3), 1);
  t.is(k.pg[P]!.disk.get(s3), 0, 'not on disk before completion');
  t.is(k.pg[P]!.PG_locked.get(s3), OWNER.none);
  t.is(F.pc.get(s3), FLUSHER.idle);

  const s4 = apply(model, s3, END_WB, { page: 'P' });
  t.false(k.pg[P]!.PG_writeback.test(s4));
  t.is(k.pg[P]!.disk.get(s4), 1);
  t.is(k.pg[P]!.io.get(s4), 0);
});

test('2.6 clear_page_dirty_for_io leaves GUP holders alone (reference, held state)', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, { page: 'P' }]);
  const s1 = apply(model, s0, F_CLEAN);
  t.is(k.hd[0]!.pc.get(s1), HOLDER.held);
  t.is(k.pg[P]!.ref.get(s1), 4);
  t.false(k.pg[P]!.PG_dirty.test(s1));
});

test('2.6 the flusher skips a page under writeback (WB_SYNC_NONE)', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ store: true, actors: { flusher: true } }));
  const P = pageSlot(k, 'P');
  const app = { process: 'app', address: 'P' };
  const s0 = run(model, init(), [STORE_FAULT, app], [F_LOCK, { page: 'P' }], [F_CLEAN], [F_SUBMIT]);
  const s1 = apply(model, edit(s0, (s) => k.setPageDirty(s, P)), F_LOCK, { page: 'P' });
  t.true(isEnabled(model, s1, F_SKIP_WB));
  t.false(isEnabled(model, s1, F_CLEAN));
  const s2 = apply(model, s1, F_SKIP_WB);
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.none);
  t.true(k.pg[P]!.PG_dirty.test(s2));
  t.is(k.root.flusher!.pc.get(s2), FLUSHER.idle);
});

test('2.6 a dirty page without buffers: the flusher hits the page_buffers() BUG (before cleaning) and the kernel stops', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = edit(init(), (s) => { k.dropBuffers(s, P); k.setPageDirty(s, P); });
  const s1 = apply(model, s0, F_LOCK, { page: 'P' });
  t.true(isEnabled(model, s1, F_BUG));
  t.false(isEnabled(model, s1, F_CLEAN), 'the BUG comes before clear_page_dirty_for_io');
  const s2 = apply(model, s1, F_BUG);
  t.true(k.root.oops.test(s2));
  t.true(k.pg[P]!.PG_dirty.test(s2));
  t.is(model.actions.filter((a) => a.enabled(s2)).length, 0, 'nothing runs after a BUG');
  t.true(model.isLegalEnd!(s2));
});

// =============================================================================
// §2.7 reclaim
// =============================================================================

test('2.7 isolate_lru_page: ref + 1, off the LRU; trylock; trylock failure keeps (puts back)', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const R = k.root.kswapd!;
  const s1 = apply(model, init(), R_ISOLATE, { page: 'P' });
  t.is(k.pg[P]!.ref.get(s1), 3);
  t.false(k.pg[P]!.PG_lru.test(s1));
  t.true(k.pg[P]!.isolated.test(s1));
  t.is(R.pc.get(s1), RECLAIM.isolated);
  t.false(isEnabled(model, s1, R_ISOLATE, { page: 'P' }), 'an isolated page is off the LRU');

  const s2 = apply(model, s1, R_LOCK);
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.reclaim);
  t.is(R.pc.get(s2), RECLAIM.locked);

  const s3 = edit(s1, (s) => k.pg[P]!.PG_locked.set(s, OWNER.flusher));
  t.false(isEnabled(model, s3, R_LOCK));
  const s4 = apply(model, s3, R_LOCK_FAIL);
  t.is(k.pg[P]!.ref.get(s4), 2);
  t.true(k.pg[P]!.PG_lru.test(s4));
  t.false(k.pg[P]!.isolated.test(s4));
  t.is(k.pg[P]!.PG_locked.get(s4), OWNER.flusher, 'putback leaves the other owner\'s lock alone');
  t.is(R.pc.get(s4), RECLAIM.idle);
});

test('2.7 try_to_unmap zaps every PTE and moves a dirty PTE bit to PG_dirty (and the buffers)', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const e = pte(k, 'app', 'P');
  // After the write fault, hand-clean the page (keeping the PTE dirty).
  const s0 = edit(apply(model, init(), FAULT, dio), (s) => {
    k.pg[P]!.PG_dirty.set(s, 0);
    k.pg[P]!.buffers.set(s, BH.clean);
  });
  const s1 = run(model, s0, [R_ISOLATE, { page: 'P' }], [R_LOCK]);
  t.is(k.pg[P]!.ref.get(s1), 4);
  const s2 = apply(model, s1, R_UNMAP);
  t.false(e.present.test(s2));
  t.is(k.pg[P]!.map.get(s2), 0);
  t.is(k.pg[P]!.ref.get(s2), 3);
  t.true(k.pg[P]!.PG_dirty.test(s2));
  t.is(k.pg[P]!.buffers.get(s2), BH.dirty);
  t.is(k.root.kswapd!.pc.get(s2), RECLAIM.unmapped);
});

test('2.7 try_to_free_buffers drops clean buffers and their reference; __remove_mapping frees a page at ref 2', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const R = k.root.kswapd!;
  const s0 = run(model, init(), [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]);
  t.is(k.pg[P]!.ref.get(s0), 3);
  t.false(isEnabled(model, s0, R_REMOVE), 'buffers first');
  const s1 = apply(model, s0, R_FREE_BH);
  t.is(k.pg[P]!.buffers.get(s1), BH.none);
  t.is(k.pg[P]!.ref.get(s1), 2);
  t.is(R.pc.get(s1), RECLAIM.released);
  const s2 = apply(model, s1, R_REMOVE);
  t.is(k.pg[P]!.ref.get(s2), 0);
  t.is(k.pg[P]!.mapping.get(s2), MAPPING.none);
  t.false(k.pg[P]!.PG_lru.test(s2));
  t.false(k.pg[P]!.isolated.test(s2));
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.none);
  t.is(R.pc.get(s2), RECLAIM.idle);
  t.false(k.root.lostWrite.test(s2), 'data == disk');
});

test('2.7 try_to_free_buffers keeps (activates) a page whose buffers are dirty', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = edit(run(model, init(), [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]), (s) => k.pg[P]!.buffers.set(s, BH.dirty));
  const s1 = apply(model, s0, R_FREE_BH);
  t.is(k.pg[P]!.buffers.get(s1), BH.dirty);
  t.is(k.pg[P]!.ref.get(s1), 2);
  t.true(k.pg[P]!.PG_lru.test(s1));
  t.is(k.root.kswapd!.pc.get(s1), RECLAIM.idle);
});

test('2.7 (§5.1 T1) a GUP reference makes __remove_mapping fail after the buffers were stripped: the page stays cached, clean, bufferless', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(),
    [FAULT, dio], [FOLLOW, dio],
    [F_LOCK, { page: 'P' }], [F_CLEAN], [F_SUBMIT], [END_WB, { page: 'P' }],
    [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]);
  t.false(k.pg[P]!.PG_dirty.test(s0));
  t.is(k.pg[P]!.ref.get(s0), 4, 'cache + buffers + GUP + isolation');
  t.false(isEnabled(model, s0, R_PAGEOUT), 'clean pages are not paged out');
  const s1 = apply(model, s0, R_FREE_BH);
  t.is(k.pg[P]!.buffers.get(s1), BH.none);
  t.is(k.pg[P]!.ref.get(s1), 3);
  const s2 = apply(model, s1, R_REMOVE);
  t.is(k.pg[P]!.mapping.get(s2), MAPPING.file, 'still in the page cache');
  t.is(k.pg[P]!.ref.get(s2), 2, 'cache + GUP');
  t.is(k.pg[P]!.buffers.get(s2), BH.none);
  t.true(k.pg[P]!.PG_lru.test(s2));
  t.false(k.pg[P]!.isolated.test(s2));
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.none);
  t.is(k.hd[0]!.pc.get(s2), HOLDER.held);
});

test('2.7 pageout writes a dirty page only when no extra reference holds it (is_page_cache_freeable)', (t) => {
  // No GUP: a user store, then reclaim pages it out.
  const a = build(sharedFile({ store: true, actors: { reclaim: true } }));
  const P = pageSlot(a.kernel, 'P');
  const g = a.kernel.pg[P]!;
  const app = { process: 'app', address: 'P' };
  const s0 = run(a.model, a.init(), [STORE_FAULT, app], [STORE, app], [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]);
  t.is(g.ref.get(s0), 3, 'cache + buffers + isolation');
  t.true(isEnabled(a.model, s0, R_PAGEOUT));
  t.false(isEnabled(a.model, s0, R_ACTIVATE));
  const s1 = apply(a.model, s0, R_PAGEOUT);
  t.false(g.PG_dirty.test(s1));
  t.true(g.PG_writeback.test(s1));
  t.is(g.buffers.get(s1), BH.clean);
  t.is(g.io.get(s1), 1);
  t.is(g.ref.get(s1), 2);
  t.true(g.PG_lru.test(s1));
  t.is(g.PG_locked.get(s1), OWNER.none);
  t.is(a.kernel.root.kswapd!.pc.get(s1), RECLAIM.idle);
  // Under writeback, a second pass keeps the page.
  const s2 = run(a.model, s1, [R_ISOLATE, { page: 'P' }], [R_LOCK]);
  t.true(isEnabled(a.model, s2, R_WB_KEEP));
  t.false(isEnabled(a.model, s2, R_UNMAP));

  // With a GUP reference: pageout is refused, the dirty page is activated.
  const b = build(shipped('ext4-gup-write'));
  const s3 = run(b.model, b.init(), [FAULT, dio], [FOLLOW, dio], [R_ISOLATE, { page: 'P' }], [R_LOCK], [R_UNMAP]);
  t.true(b.kernel.pg[P]!.PG_dirty.test(s3));
  t.is(b.kernel.pg[P]!.ref.get(s3), 4);
  t.false(isEnabled(b.model, s3, R_PAGEOUT));
  const s4 = apply(b.model, s3, R_ACTIVATE);
  t.true(b.kernel.pg[P]!.PG_dirty.test(s4));
  t.false(b.kernel.pg[P]!.PG_writeback.test(s4));
  t.is(b.kernel.pg[P]!.ref.get(s4), 3);
  t.true(b.kernel.pg[P]!.PG_lru.test(s4));
});

// =============================================================================
// §2.8 truncate
// =============================================================================

const truncScenario = (holders: unknown[]) => sharedFile({ holders, actors: { truncate: true } });

test('2.8 truncate of a GUP-held page: unmap, cleanup (buffers dropped, PG_dirty cancelled), delete → orphan with ref > 0', (t) => {
  const { model, kernel: k, init } = build(truncScenario([getW()]));
  const P = pageSlot(k, 'P');
  const T = k.root.truncate!;
  const e = pte(k, 'app', 'P');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio]);
  t.is(k.pg[P]!.ref.get(s0), 4);
  const s1 = apply(model, s0, T_START);
  t.true(k.root.truncated.test(s1));
  t.false(e.present.test(s1));
  t.is(k.pg[P]!.ref.get(s1), 3);
  t.is(T.pc.get(s1), TRUNCATE.scanning);
  const s2 = apply(model, s1, T_LOCK);
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.truncate);
  const s3 = apply(model, s2, T_CLEAN);
  t.is(k.pg[P]!.buffers.get(s3), BH.none);
  t.false(k.pg[P]!.PG_dirty.test(s3));
  t.is(k.pg[P]!.ref.get(s3), 2);
  const s4 = apply(model, s3, T_DELETE);
  t.is(k.pg[P]!.mapping.get(s4), MAPPING.none);
  t.is(k.pg[P]!.ref.get(s4), 1, 'the GUP reference keeps the orphan alive');
  t.is(k.pg[P]!.PG_locked.get(s4), OWNER.none);
  t.is(T.pc.get(s4), TRUNCATE.done);
  t.false(k.isFree(s4, P));
  // The holder's release on the orphan: PG_dirty only, then the last put frees it.
  const s5 = apply(model, s4, 'release: set_page_dirty_lock', dio);
  t.true(k.pg[P]!.PG_dirty.test(s5));
  t.is(k.pg[P]!.buffers.get(s5), BH.none);
  const s6 = apply(model, s5, 'release: put_page', dio);
  t.is(k.pg[P]!.ref.get(s6), 0);
  t.true(k.isFree(s6, P));
  t.false(k.pg[P]!.refcountUnderflow.test(s6));
});

test('2.8 truncate of an unheld page frees it; a later fault gets SIGBUS (GUP refused)', (t) => {
  const { model, kernel: k, init } = build(truncScenario([getW()]));
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(), [T_START], [T_LOCK], [T_CLEAN], [T_DELETE]);
  t.is(k.pg[P]!.ref.get(s0), 0);
  t.true(k.isFree(s0, P));
  const s1 = apply(model, s0, FAULT, dio);
  t.is(k.hd[0]!.pc.get(s1), HOLDER.refused);
  t.is(k.pg[P]!.ref.get(s1), 0);
  t.false(pte(k, 'app', 'P').present.test(s1));
});

test('2.8 truncate waits for writeback before cleaning the page', (t) => {
  const { model, kernel: k, init } = build(truncScenario([]));
  const P = pageSlot(k, 'P');
  const s0 = edit(run(model, init(), [T_START], [T_LOCK]), (s) => k.pg[P]!.PG_writeback.set(s, 1));
  t.false(isEnabled(model, s0, T_CLEAN));
  t.true(isEnabled(model, edit(s0, (s) => k.pg[P]!.PG_writeback.set(s, 0)), T_CLEAN));
});

// =============================================================================
// §2.9 releases
// =============================================================================

test('2.9 put_page: a read-only holder drops its reference, nothing is dirtied', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ holders: [getR()] }));
  const P = pageSlot(k, 'P');
  const rd = { holder: 'rd' };
  t.false(hasAction(model, 'release: set_page_dirty_lock', rd), 'a read-only holder does not dirty');
  const s0 = run(model, init(), [FAULT, rd], [FOLLOW, rd]);
  t.is(k.pg[P]!.ref.get(s0), 4);
  const s1 = apply(model, s0, 'release: put_page', rd);
  t.is(k.pg[P]!.ref.get(s1), 3);
  t.is(k.hd[0]!.pc.get(s1), HOLDER.released);
  t.false(k.pg[P]!.PG_dirty.test(s1));
  t.false(isEnabled(model, s1, 'release: put_page', rd), 'released once');
});

test('2.9 set_page_dirty_lock then put_page: waits for the page lock, dirties page and buffers, then drops the reference', (t) => {
  const { model, kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, { page: 'P' }], [F_CLEAN]);
  t.false(isEnabled(model, s0, 'release: set_page_dirty_lock', dio), 'lock_page sleeps while the flusher holds it');
  t.false(isEnabled(model, s0, 'release: put_page', dio), 'put_page comes after the dirtying');
  const s1 = apply(model, s0, F_SUBMIT);
  t.false(k.pg[P]!.PG_dirty.test(s1));
  t.is(k.pg[P]!.buffers.get(s1), BH.clean);
  const s2 = apply(model, s1, 'release: set_page_dirty_lock', dio);
  t.true(k.pg[P]!.PG_dirty.test(s2));
  t.is(k.pg[P]!.buffers.get(s2), BH.dirty);
  t.is(k.hd[0]!.pc.get(s2), HOLDER.dirtied);
  t.is(k.pg[P]!.ref.get(s2), 4);
  t.is(k.pg[P]!.PG_locked.get(s2), OWNER.none, 'unlocked again');
  const s3 = apply(model, s2, 'release: put_page', dio);
  t.is(k.pg[P]!.ref.get(s3), 3);
  t.is(k.hd[0]!.pc.get(s3), HOLDER.released);
});

test('2.9 put_user_pages_dirty_lock skips the lock when the page is already dirty', (t) => {
  const b = build(sharedFile({ holders: [getW({ release: 'put_user_pages_dirty_lock' })], actors: { flusher: true } }));
  const P = pageSlot(b.kernel, 'P');
  const name = 'release: put_user_pages_dirty_lock: set_page_dirty_lock';
  const s0 = run(b.model, b.init(), [FAULT, dio], [FOLLOW, dio], [F_LOCK, { page: 'P' }]);
  t.true(b.kernel.pg[P]!.PG_dirty.test(s0));
  t.true(isEnabled(b.model, s0, name, dio), 'dirty: no lock_page');
  const s1 = apply(b.model, s0, F_CLEAN);
  t.false(isEnabled(b.model, s1, name, dio), 'clean and locked: lock_page sleeps');
  const s2 = run(b.model, s1, [F_SUBMIT], [name, dio], ['release: put_user_page', dio]);
  t.true(b.kernel.pg[P]!.PG_dirty.test(s2));
  t.is(b.kernel.pg[P]!.ref.get(s2), 3);
});

test('2.9 put_page below zero is recorded as an underflow and leaves the count negative; only exactly 0 frees', (t) => {
  const { kernel: k, init } = build(shipped('ext4-gup-write'));
  const P = pageSlot(k, 'P');
  const s = init();
  t.is(k.pg[P]!.ref.get(s), 2);
  // folio_ref_sub_and_test: 2 - 3 = -1 is not zero, so nothing frees the page (it stays cached, with its buffers).
  k.putPage(s, P, 3);
  t.is(k.pg[P]!.ref.get(s), -1);
  t.true(k.pg[P]!.refcountUnderflow.test(s));
  t.is(k.pg[P]!.mapping.get(s), MAPPING.file);
  t.is(k.pg[P]!.buffers.get(s), BH.clean);
  // A put that lands on exactly 0 frees it.
  const t0 = init();
  k.putPage(t0, P, 2);
  t.is(k.pg[P]!.ref.get(t0), 0);
  t.false(k.pg[P]!.refcountUnderflow.test(t0));
  t.is(k.pg[P]!.mapping.get(t0), MAPPING.none);
  t.true(k.pg[P]!.freedInUse.test(t0), 'freed while still in the page cache');
});

// =============================================================================
// §2.10 fork
// =============================================================================

test('2.10 fork shares an anon page write-protected: PageAnonExclusive cleared, mapcount 2, ref 2', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-rdma'));
  const A = pageSlot(k, 'A');
  const pe = pte(k, 'parent', 'A');
  const ce = pte(k, 'child', 'A');
  const s0 = init();
  t.true(k.pg[A]!.PG_anon_exclusive.test(s0));
  t.is(k.pg[A]!.map.get(s0), 1);
  t.false(k.pr[1]!.alive.test(s0));
  const s1 = run(model, s0, ...FORK_STEPS);
  t.true(k.root.forked.test(s1));
  t.true(k.pr[1]!.alive.test(s1));
  t.false(k.pg[A]!.PG_anon_exclusive.test(s1));
  t.is(k.pg[A]!.map.get(s1), 2);
  t.is(k.pg[A]!.ref.get(s1), 2);
  t.true(pe.present.test(s1));
  t.is(pe.pfn.get(s1), A);
  t.false(pe.w.test(s1), 'the parent PTE is write-protected');
  t.true(ce.present.test(s1));
  t.is(ce.pfn.get(s1), A);
  t.false(ce.w.test(s1));
  t.false(isEnabled(model, s1, FORK, { process: 'parent' }), 'one fork');
});

test('2.10 fork does not copy a shared file PTE (the child refaults) and inherits munmap state', (t) => {
  const sc = {
    name: 'fork-file', description: 'x',
    pages: [{ id: 'P', kind: 'file' }, { id: 'A', kind: 'anon' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'P', shared: true, present: true }, { page: 'A', munmap: true }] },
      { id: 'child', childOf: 'parent', mappings: [] },
    ],
    holders: [],
  };
  const { model, kernel: k, init } = build(sc);
  const P = pageSlot(k, 'P');
  const s0 = apply(model, init(), MUNMAP, { process: 'parent', address: 'A' });
  const s1 = run(model, s0, ...FORK_STEPS);
  t.false(pte(k, 'child', 'P').present.test(s1));
  t.is(k.pg[P]!.map.get(s1), 1);
  t.true(pte(k, 'child', 'A').unmapped.test(s1));
  t.false(pte(k, 'child', 'A').present.test(s1));
});

test('2.10 fork copies a private file VMA\'s page-cache PTE once the VMA has an anon_vma (a COW happened in it), and skips it before', (t) => {
  const sc = {
    name: 'fork-private-file', description: 'x',
    pages: [{ id: 'P', kind: 'file' }],
    processes: [
      { id: 'parent', mappings: [{ page: 'P', shared: false, writable: true, store: true, dontneed: true }] },
      { id: 'child', childOf: 'parent', mappings: [] },
    ],
    holders: [{ id: 'rd', process: 'parent', page: 'P', kind: 'GET', write: false }],
  };
  const { model, kernel: k, init } = build(sc);
  const P = pageSlot(k, 'P');
  const pe = pte(k, 'parent', 'P');
  const ce = pte(k, 'child', 'P');
  // No COW yet: no anon_vma, the child refaults.
  t.false(ce.present.test(run(model, init(), ...FORK_STEPS)));
  // COW (anon_vma_prepare), zap the copy, read the page-cache page back in, then fork: the PTE is copied.
  const s = run(model, init(), [STORE_FAULT, { process: 'parent', address: 'P' }], ['madvise: MADV_DONTNEED', { process: 'parent', address: 'P' }], [FAULT, { holder: 'rd' }]);
  t.is(pe.pfn.get(s), P);
  t.true(pe.anon_vma!.test(s));
  const f = run(model, s, ...FORK_STEPS);
  t.true(ce.present.test(f));
  t.is(ce.pfn.get(f), P);
  t.false(ce.w.test(f));
  t.is(k.pg[P]!.map.get(f), 2);
});

// Found while writing these tests (a fork child's holder could GUP before
// fork and be refused with SEGV) and fixed in gup.ts while they were being
// written: every holder step now requires the holder's process to be alive.
test('2.10 a fork child\'s GUP waits for fork (the process does not exist before)', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-vmsplice'));
  const s0 = init();
  const enabled = model.actions.filter((x) => x.params['holder'] === 'vmsplice' && x.enabled(s0)).map((a) => a.name);
  t.deepEqual(enabled, [], 'GUP actions of a process that does not exist yet');
  const s1 = run(model, s0, ...FORK_STEPS);
  t.true(isEnabled(model, s1, FOLLOW, { holder: 'vmsplice' }), 'the child\'s PTE is present after fork');
  const s2 = apply(model, s1, FOLLOW, { holder: 'vmsplice' });
  t.is(k.hd[0]!.pc.get(s2), HOLDER.held);
  t.is(k.pg[pageSlot(k, 'A')]!.ref.get(s2), 3);
});

// =============================================================================
// §2.11 COW write fault
// =============================================================================

test('2.11 COW after fork with mapcount 2: the writer gets a fresh exclusive copy, the old page loses one map and ref', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-rdma'));
  const A = pageSlot(k, 'A');
  const C = firstSpare(k);
  const pe = pte(k, 'parent', 'A');
  const s0 = run(model, init(), ...FORK_STEPS);
  const s1 = apply(model, s0, STORE_FAULT, { process: 'parent', address: 'A' });
  t.is(pe.pfn.get(s1), C);
  t.true(pe.w.test(s1));
  t.true(pe.d.test(s1));
  t.is(k.pg[C]!.mapping.get(s1), MAPPING.anon);
  t.true(k.pg[C]!.PG_anon_exclusive.test(s1));
  t.is(k.pg[C]!.ref.get(s1), 1);
  t.is(k.pg[C]!.map.get(s1), 1);
  t.true(k.pg[C]!.PG_lru.test(s1));
  t.is(k.pg[A]!.ref.get(s1), 1);
  t.is(k.pg[A]!.map.get(s1), 1);
  t.is(pte(k, 'child', 'A').pfn.get(s1), A, 'the child keeps the original');
  const s2 = apply(model, s1, STORE, { process: 'parent', address: 'A' });
  t.is(k.pg[C]!.data.get(s2), 1);
  t.is(k.pg[A]!.data.get(s2), 0);
  t.is(k.pg[C]!.writtenBy.get(s2), 1);
});

test('2.11 baseline COW reuse is by mapcount: an extra GUP reference does not prevent reuse (CVE-2020-29374)', (t) => {
  const { model, kernel: k, init } = build(shipped('fork-vmsplice'));
  const A = pageSlot(k, 'A');
  const pe = pte(k, 'parent', 'A');
  const vs = { holder: 'vmsplice' };
  const s0 = run(model, init(), ...FORK_STEPS, [FOLLOW, vs], [MUNMAP, { process: 'child', address: 'A' }]);
  t.is(k.pg[A]!.map.get(s0), 1);
  t.is(k.pg[A]!.ref.get(s0), 2, 'parent PTE + the child\'s GUP reference');
  t.false(pe.w.test(s0));
  const s1 = apply(model, s0, STORE_FAULT, { process: 'parent', address: 'A' });
  t.is(pe.pfn.get(s1), A, 'reused in place');
  t.true(pe.w.test(s1));
  t.true(pe.d.test(s1));
  t.is(k.pg[A]!.ref.get(s1), 2);
  t.true(k.isFree(s1, firstSpare(k)), 'no copy was allocated');
  const s2 = apply(model, s1, STORE, { process: 'parent', address: 'A' });
  t.is(k.pg[A]!.writtenBy.get(s2), 1, 'the parent wrote the page the child\'s pipe holds');
});

test('2.11 a store to a private file mapping copies the file page into an anon page; the file page is unchanged', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const R = pageSlot(k, 'R');
  const e = pte(k, 'app', 'R');
  const s0 = init();
  t.is(e.pfn.get(s0), R);
  t.is(k.pg[R]!.ref.get(s0), 3);
  const s1 = apply(model, s0, STORE_FAULT, { process: 'app', address: 'R' });
  const C = e.pfn.get(s1);
  t.not(C, R);
  t.is(k.sh.pages[C]!.kind, 'spare');
  t.is(k.pg[C]!.mapping.get(s1), MAPPING.anon);
  t.true(e.w.test(s1) && e.d.test(s1));
  t.is(k.pg[R]!.ref.get(s1), 2, 'cache + buffers');
  t.is(k.pg[R]!.map.get(s1), 0);
  const s2 = apply(model, s1, STORE, { process: 'app', address: 'R' });
  t.is(k.pg[C]!.data.get(s2), 1);
  t.is(k.pg[R]!.data.get(s2), 0);
  t.false(k.pg[R]!.PG_dirty.test(s2));
});

// =============================================================================
// §2.12 munmap
// =============================================================================

test('2.12 munmap of a dirty PTE on a file page dirties the page; map and ref drop', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const F = pageSlot(k, 'F');
  const e = pte(k, 'app', 'F');
  const app = { process: 'app', address: 'F' };
  const s0 = edit(apply(model, init(), STORE_FAULT, app), (s) => {
    k.pg[F]!.PG_dirty.set(s, 0);
    k.pg[F]!.buffers.set(s, BH.clean);
  });
  t.true(e.d.test(s0));
  t.is(k.pg[F]!.ref.get(s0), 3);
  t.is(k.pg[F]!.map.get(s0), 1);
  const s1 = apply(model, s0, MUNMAP, app);
  t.true(k.pg[F]!.PG_dirty.test(s1));
  t.is(k.pg[F]!.buffers.get(s1), BH.dirty);
  t.is(k.pg[F]!.map.get(s1), 0);
  t.is(k.pg[F]!.ref.get(s1), 2);
  t.false(e.present.test(s1));
  t.true(e.unmapped.test(s1));
  t.false(isEnabled(model, s1, MUNMAP, app), 'munmap once');
  t.false(isEnabled(model, s1, STORE_FAULT, app), 'no store after munmap');
});

test('2.12 munmap of a clean PTE does not dirty; munmap of the last mapping of an anon page frees it', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const R = pageSlot(k, 'R');
  const A = pageSlot(k, 'A');
  const s1 = run(model, init(), [MUNMAP, { process: 'app', address: 'R' }], [MUNMAP, { process: 'app', address: 'A' }]);
  t.false(k.pg[R]!.PG_dirty.test(s1));
  t.is(k.pg[R]!.ref.get(s1), 2);
  t.is(k.pg[A]!.ref.get(s1), 0);
  t.true(k.isFree(s1, A));
  t.false(k.pg[A]!.PG_lru.test(s1));
});

test('2.12 munmap leaves a GUP-held page alive', (t) => {
  const { model, kernel: k, init } = build(shipped('well-behaved'));
  const F = pageSlot(k, 'F');
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [MUNMAP, { process: 'app', address: 'F' }]);
  t.is(k.pg[F]!.ref.get(s0), 3, 'cache + buffers + GUP');
  t.is(k.pg[F]!.map.get(s0), 0);
  t.is(k.hd[holderIdx(k, 'dio')]!.pc.get(s0), HOLDER.held);
  t.true(isEnabled(model, s0, DMA, dio), 'the device may still write');
});

// =============================================================================
// Reclaim racing truncate: the orphan (§2.7 × §2.8)
// =============================================================================

// shrink_page_list (4.19, mm/vmscan.c, [v419] in kernel-notes) ends with
//   } else if (!mapping || !__remove_mapping(mapping, page, true))
//           goto keep_locked;
// so a page that truncate removed from the cache while reclaim had it
// isolated (mapping == NULL) is never freed by reclaim, whatever its
// refcount; and pageout() returns PAGE_KEEP for !mapping without calling
// ->writepage. An orphan with one GUP reference plus reclaim's isolation
// reference has exactly ref 2. These tests were written as test.failing
// against background.ts, whose __remove_mapping freed any clean page at
// ref 2 and whose pageout ran ->writepage (BUG on the bufferless orphan);
// background.ts was fixed (inCache checks) while they were being written.
const orphanRace = (s0: Uint32Array, model: Parameters<typeof run>[0]) =>
  run(model, s0, [FAULT, dio], [FOLLOW, dio], [R_ISOLATE, { page: 'P' }], [T_START], [T_LOCK], [T_CLEAN], [T_DELETE], [R_LOCK], [R_UNMAP]);

test('2.7×2.8 reclaim never frees a truncated orphan (!mapping → keep_locked), even at ref 2', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ holders: [getW()], actors: { reclaim: true, truncate: true } }));
  const P = pageSlot(k, 'P');
  const s0 = orphanRace(init(), model);
  t.is(k.pg[P]!.mapping.get(s0), MAPPING.none);
  t.is(k.pg[P]!.ref.get(s0), 2, 'GUP + isolation');
  const s1 = apply(model, s0, R_REMOVE);
  t.false(k.isFree(s1, P), 'freed under a GUP holder');
  t.is(k.pg[P]!.ref.get(s1), 1, 'keep: putback drops only the isolation reference');
  t.false(k.pg[P]!.isolated.test(s1));
  t.is(k.pg[P]!.PG_locked.get(s1), OWNER.none);
  t.false(k.root.lostWrite.test(s1));
  // The holder's release then frees it, without underflow.
  const s2 = run(model, s1, ['release: set_page_dirty_lock', dio], ['release: put_page', dio]);
  t.true(k.isFree(s2, P));
  t.false(k.pg[P]!.refcountUnderflow.test(s2));
});

test('2.7×2.8 pageout never calls ->writepage on an orphan (no BUG for a dirty bufferless orphan)', (t) => {
  const { model, kernel: k, init } = build(sharedFile({ holders: [getW()], actors: { reclaim: true, truncate: true } }));
  const P = pageSlot(k, 'P');
  // The holder dirties the orphan (PG_dirty only), then reclaim proceeds.
  const s0 = run(model, init(), [FAULT, dio], [FOLLOW, dio], [R_ISOLATE, { page: 'P' }], [T_START], [T_LOCK], [T_CLEAN], [T_DELETE],
    ['release: set_page_dirty_lock', dio], [R_LOCK], [R_UNMAP]);
  t.true(k.pg[P]!.PG_dirty.test(s0));
  t.is(k.pg[P]!.buffers.get(s0), BH.none);
  t.is(k.pg[P]!.ref.get(s0), 2);
  t.false(isEnabled(model, s0, R_PAGEOUT), 'pageout(!mapping) is PAGE_KEEP');
  const s1 = apply(model, s0, R_ACTIVATE);
  t.false(k.root.oops.test(s1));
  t.false(k.pg[P]!.PG_writeback.test(s1));
  t.is(k.pg[P]!.ref.get(s1), 1);
});
