// The kernel behaviour the 2023 writeback-of-pinned-pages designs depend on
// (issue 12 §4), step by step, and what the checker finds for the two
// designs (§5). Each step test starts from a scenario's initial state and
// asserts concrete fields before and after.

import test from 'ava';
import { check } from '../src/engine/checker.js';
import type { CheckResult } from '../src/engine/result.js';
import { FSYNC } from '../models/kernel/kernel.js';
import { baseline } from '../models/proposals/baseline.js';
import { modern } from '../models/proposals/modern.js';
import { wbBouncePinned } from '../models/proposals/wb-bounce-pinned.js';
import { wbSkipPinned } from '../models/proposals/wb-skip-pinned.js';
import type { Proposal } from '../models/kernel/proposal.js';
import {
  apply, build, edit, holds, isEnabled, pageSlot, run, sharedFile, shipped, getW, dio,
  FAULT, FOLLOW, DMA, F_LOCK, F_CLEAN, F_SUBMIT, END_WB, STORE_FAULT, STORE, PAGE_P, T_START,
} from './helpers/kernel.js';

const Y_TAG = 'fsync: tag_pages_for_writeback';
const Y_SKIP = 'fsync: page not tagged';
const Y_LOCK = 'fsync: lock_page';
const Y_CLEAN_SKIP = 'fsync: page clean, skip';
const Y_CLEAN = 'fsync: clear_page_dirty_for_io';
const Y_SUBMIT = 'fsync: submit page';
const Y_RETURN = 'fsync: __filemap_fdatawait_range';
const app = { process: 'app', address: 'P' };

/** One shared ext4 page, the app stores to it, with the given actors and stable writes. */
const file = (actors: Record<string, boolean>, stableWrites = false, holders: unknown[] = []) => ({
  ...sharedFile({ store: true, actors, holders }), ...(stableWrites ? { stableWrites: true } : {}),
});

test('folio_wait_stable: with SB_I_STABLE_WRITES a write fault waits while the page is under writeback; without, it does not', (t) => {
  for (const stable of [true, false]) {
    const { model, kernel: k, init } = build(file({ flusher: true }, stable));
    const P = pageSlot(k, 'P');
    // store → flusher writes it back → the PTE is write-protected, the page under writeback.
    const s0 = run(model, init(), [STORE_FAULT, app], [STORE, app], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT]);
    t.true(k.pg[P]!.PG_writeback.test(s0));
    t.false(k.pr[0]!.vma[0]!.w.test(s0), 'clear_page_dirty_for_io write-protected the PTE');
    const gup = build(file({ flusher: true }, stable, [getW()]));
    const g0 = run(gup.model, gup.init(), [STORE_FAULT, app], [STORE, app], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT]);
    t.is(isEnabled(gup.model, g0, FAULT, dio), !stable, `GUP's write fault ${stable ? 'waits in folio_wait_stable' : 'does not wait'}`);
    const g1 = apply(gup.model, g0, END_WB, PAGE_P);
    t.true(isEnabled(gup.model, g1, FAULT, dio), 'once the write completes the fault runs');
  }
});

test('fsync: tags the dirty pages, waits for writeback in flight, writes a tagged dirty page, returns when nothing is under writeback', (t) => {
  const { model, kernel: k, init } = build(file({ flusher: true, fsync: true }));
  const Y = k.root.fsync!;
  const P = pageSlot(k, 'P');
  // A clean page is not tagged: fsync goes straight to waiting, and returns.
  const c0 = apply(model, init(), Y_TAG);
  t.false(Y.towrite['P']!.test(c0));
  t.is(Y.want['P']!.get(c0), 0);
  const c1 = apply(model, c0, Y_SKIP);
  t.is(Y.pc.get(c1), FSYNC.waiting);
  t.is(Y.pc.get(apply(model, c1, Y_RETURN)), FSYNC.done);
  // A dirty page is tagged, its data is what must be on disk; fsync writes it and waits for the write.
  const d0 = run(model, init(), [STORE_FAULT, app], [STORE, app], [Y_TAG]);
  t.true(Y.towrite['P']!.test(d0));
  t.is(Y.want['P']!.get(d0), 1);
  const d1 = run(model, d0, [Y_LOCK], [Y_CLEAN], [Y_SUBMIT]);
  t.true(k.pg[P]!.PG_writeback.test(d1));
  t.false(k.pg[P]!.PG_dirty.test(d1));
  t.is(Y.pc.get(d1), FSYNC.waiting);
  t.false(isEnabled(model, d1, Y_RETURN), '__filemap_fdatawait_range waits for the write');
  const d2 = run(model, d1, [END_WB, PAGE_P], [Y_RETURN]);
  t.is(k.pg[P]!.disk.get(d2), 1);
  t.true(holds(model, 'durability', d2));
  // A page under writeback when fsync reaches it: WB_SYNC_ALL waits (nothing to do until the write completes).
  // (redirtied while under writeback, as a GUP holder's set_page_dirty_lock would: set by hand)
  const w0 = edit(run(model, init(), [STORE_FAULT, app], [STORE, app], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT]), (s) => { k.setPageDirty(s, P); });
  t.true(k.pg[P]!.PG_dirty.test(w0) && k.pg[P]!.PG_writeback.test(w0), 'dirty and under writeback');
  const w1 = run(model, w0, [Y_TAG], [Y_LOCK]);
  t.false(isEnabled(model, w1, Y_CLEAN) || isEnabled(model, w1, Y_CLEAN_SKIP), 'folio_wait_writeback: no step until the write completes');
  t.true(isEnabled(model, apply(model, w1, END_WB, PAGE_P), Y_CLEAN));
});

test('fsync: a page the flusher has cleaned but not yet submitted is still tagged (the xarray dirty tag goes at folio_start_writeback)', (t) => {
  const { model, kernel: k, init } = build(file({ flusher: true, fsync: true }));
  const Y = k.root.fsync!;
  const s0 = run(model, init(), [STORE_FAULT, app], [STORE, app], [F_LOCK, PAGE_P], [F_CLEAN]);
  t.false(k.pg[pageSlot(k, 'P')]!.PG_dirty.test(s0));
  const s1 = apply(model, s0, Y_TAG);
  t.true(Y.towrite['P']!.test(s1), 'tagged: fsync will wait for the flusher');
  t.false(isEnabled(model, s1, Y_LOCK), 'the flusher holds the page lock');
  const s2 = run(model, s1, [F_SUBMIT], [Y_LOCK], [END_WB, PAGE_P], [Y_CLEAN_SKIP], [Y_RETURN]);
  t.true(holds(model, 'durability', s2));
});

test('durability: violated when fsync returns without a write that completed before it started; a truncate exempts it', (t) => {
  const { model, kernel: k, init } = build(file({ fsync: true, truncate: true }));
  const Y = k.root.fsync!;
  const P = pageSlot(k, 'P');
  const done = run(model, init(), [STORE_FAULT, app], [STORE, app], [Y_TAG]);
  // Hand-built: fsync done while the data is still only in memory.
  const lied = edit(done, (s) => { Y.pc.set(s, FSYNC.done); });
  t.false(holds(model, 'durability', lied));
  t.true(holds(model, 'durability', edit(lied, (s) => { k.pg[P]!.disk.set(s, 1); })), 'on disk: holds');
  t.true(holds(model, 'durability', edit(lied, (s) => { k.root.truncated.set(s, 1); })), 'truncated since: exempt');
  t.true(holds(model, 'durability', done), 'not returned yet');
  t.true(isEnabled(model, init(), T_START));
});

// --- the two designs -------------------------------------------------------------

const result = (p: Proposal, sc: string): CheckResult => check(build(shipped(sc), p).model);
const status = (r: CheckResult, name: string) => r.properties.find((p) => p.name === name)?.status ?? 'n/a';
const steps = (r: CheckResult, name: string) => (r.properties.find((p) => p.name === name)?.trace ?? []).map((s) => s.action);

test('wb-skip-pinned: with stable pages, I1 and stable-pages hold, but fsync returns without the pinned page\'s data (durability)', (t) => {
  const r = result(wbSkipPinned, 'rdma-file-mr-fsync-stable');
  t.true(r.complete);
  for (const p of ['I1', 'I1.crash', 'stable-pages', 'I2', 'I6']) t.is(status(r, p), 'holds', p);
  t.is(status(r, 'I1.witness'), 'holds', 'the long-term write pin is taken (the ban is lifted)');
  t.is(status(r, 'durability'), 'violated');
  t.deepEqual(steps(r, 'durability'), [
    'init', 'gup: faultin_page', 'gup: follow_page_pte + try_grab_page', 'dma: device writes page',
    'fsync: tag_pages_for_writeback', 'fsync: lock_page', 'fsync: folio_clear_dirty_for_io: pinned, keep dirty, skip', 'fsync: __filemap_fdatawait_range',
  ]);
  // Without stable pages nothing waits for writeback: a pin taken during writeback lets the device write the page under it.
  const n = result(wbSkipPinned, 'rdma-file-mr-fsync');
  t.is(status(n, 'stable-pages'), 'violated');
  t.true(steps(n, 'stable-pages').includes('flusher: submit page'));
});

test('wb-bounce-pinned: with stable pages every safety property holds and every witness is reached, but the flusher never writes a long-term pinned page (only fsync does); without, fsync writes the pinned page itself', (t) => {
  const r = result(wbBouncePinned, 'rdma-file-mr-fsync-stable');
  t.true(r.complete);
  t.deepEqual(r.properties.filter((p) => p.status !== 'holds').map((p) => p.name), ['L.writeback'], 'nothing else violated or vacuous');
  t.not(r.properties.find((p) => p.name === 'L.writeback')!.loop, undefined, 'a lasso: the flusher skips the pinned page for as long as the region stays registered');
  t.true(r.coverage.some((c) => c.action === 'fsync: submit a bounce copy of the pinned page' && c.fired > 0), 'the bounce is taken');
  t.true(r.coverage.some((c) => c.action === 'flusher: folio_clear_dirty_for_io: pinned, keep dirty, skip' && c.fired > 0), 'the flusher skips');
  const n = result(wbBouncePinned, 'rdma-file-mr-fsync');
  t.is(status(n, 'stable-pages'), 'violated');
  t.is(status(n, 'durability'), 'holds');
  t.deepEqual(steps(n, 'stable-pages').slice(-3), ['fsync: clear_page_dirty_for_io', 'fsync: submit page', 'dma: device writes page']);
});

test('the same scenarios on the kernels: 6.6 refuses the long-term pin (durability holds); before 2019 fsync loses the DMA (durability)', (t) => {
  const m = result(modern, 'rdma-file-mr-fsync');
  t.is(status(m, 'durability'), 'holds');
  t.true(m.coverage.some((c) => c.action === 'gup: check_vma_flags → EFAULT' && c.fired > 0));
  const b = result(baseline, 'rdma-file-mr-fsync');
  t.is(status(b, 'durability'), 'violated');
  const tr = steps(b, 'durability');
  t.true(tr.indexOf('flusher: submit page') < tr.indexOf('dma: device writes page') && tr.indexOf('dma: device writes page') < tr.indexOf('fsync: tag_pages_for_writeback'),
    'the device writes the page after the flusher cleaned it, before fsync: the page is clean, so fsync does not write it');
  t.is(DMA, 'dma: device writes page');
  t.is(FOLLOW, 'gup: follow_page_pte + try_grab_page');
});

test('durability: a short-term pin\'s DMA is owed to fsync only once its holder has released it (the syscall returned)', (t) => {
  // 6.6, the 2022 syzbot setting plus an fsync: process_vm_writev pins, the device writes, fsync runs before the unpin.
  const sc = { ...shipped('ext4-pin-write'), name: 'ext4-pin-write-fsync', actors: { flusher: true, reclaim: true, fsync: true } };
  const r = check(build(sc, modern).model);
  t.true(r.complete);
  t.is(status(r, 'durability'), 'holds');
  t.is(status(r, 'durability.witness'), 'holds');
  const { model, kernel: k, init } = build(sc, modern);
  const Y = k.root.fsync!;
  const pvw = { holder: 'pvw' };
  const s0 = run(model, init(), [FAULT, pvw], [FOLLOW, pvw], [DMA, pvw], [Y_TAG]);
  t.is(Y.want['P']!.get(s0), 0, 'the DMA has not completed for the caller: nothing is owed yet');
  const s1 = run(model, init(), [FAULT, pvw], [FOLLOW, pvw], [DMA, pvw], ['release: unpin_user_pages_dirty_lock: folio_mark_dirty', pvw], ['release: unpin_user_page', pvw], [Y_TAG]);
  t.is(Y.want['P']!.get(s1), 1, 'after the unpin it is owed');
  // A long-term pin's DMA is owed at once (rdma-file-mr-fsync: the MR's write completes on the device).
  const lt = build(shipped('rdma-file-mr-fsync'), wbSkipPinned);
  const mr = { holder: 'mr' };
  t.is(lt.kernel.root.fsync!.want['P']!.get(run(lt.model, lt.init(), [FAULT, mr], [FOLLOW, mr], [DMA, mr], [Y_TAG])), 1);
});

test('fsync\'s final wait is one pass in index order: writeback started on a page the pass has left behind is not waited for', (t) => {
  const two = {
    name: 'two-pages', description: 'two shared ext4 pages, stores, flusher and fsync',
    pages: [{ id: 'P', kind: 'file' }, { id: 'Q', kind: 'file' }],
    processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, present: false, store: true }, { page: 'Q', shared: true, present: false }] }],
    holders: [], actors: { flusher: true, fsync: true },
  };
  const { model, kernel: k, init } = build(two);
  const Y = k.root.fsync!;
  const P = pageSlot(k, 'P');
  // fsync finds nothing dirty, passes P in its final wait; then the app stores to P and the flusher starts writing it.
  const s0 = run(model, init(), [Y_TAG], [Y_SKIP], [Y_SKIP], [Y_RETURN]);
  t.is(Y.pc.get(s0), FSYNC.waiting);
  t.is(Y.idx.get(s0), 1, 'the wait has passed P');
  const s1 = run(model, s0, [STORE_FAULT, app], [STORE, app], [F_LOCK, PAGE_P], [F_CLEAN], [F_SUBMIT]);
  t.true(k.pg[P]!.PG_writeback.test(s1));
  const s2 = apply(model, s1, Y_RETURN);
  t.is(Y.pc.get(s2), FSYNC.done, 'fsync returns while P is under writeback (a write that started after it did)');
  t.true(holds(model, 'durability', s2), 'and owed nothing for it');
});

