// Background actors: the flusher (WB_SYNC_NONE), fsync's data-integrity
// writeback (WB_SYNC_ALL), I/O completion, kswapd's reclaim and truncate,
// each split into the kernel's own steps so
// that every interleaving with GUP holders is explored. Where kernels and
// proposals differ, the steps ask the hooks (hooks.ts); a proposal's branch
// steps are built here, at their hook point, next to the steps they pre-empt.
//
// The steps follow the kernel source (see docs/kernel-source-notes.md):
// the flusher is ext4's delalloc writeback
// (mpage_prepare_extent_to_map checks page_buffers() before
// clear_page_dirty_for_io), and kswapd's pageout writes a page only when
// is_page_cache_freeable (no references beyond cache, buffers, isolation).

import { action, type Action, type FieldTest } from '../../src/engine/model.js';
import { branchTaken, type BranchStep, type SyncMode } from './hooks.js';
import { underPageLock, type PageLockDecl, BH, FLUSHER, FORK, FSYNC, MAPPING, OWNER, RECLAIM, TRUNCATE, fsyncPages, fsyncPasses, type Kernel } from './kernel.js';

const flusherActor = 'flusher';
/** The BUG (≤5.17) and the WARN (5.18+) are the same step of a trace: writeback meets a dirty page without buffers. */
export const NO_BUFFERS = 'flusher: page_buffers() on a dirty page without buffers';
const reclaimActor = 'kswapd';
const truncateActor = 'truncate';
const fsyncActor = 'fsync';


/** One action per branch step of a hook point, named after the actor, then the point's exit. */
function branchActions(actor: string, nameActor: string, branches: readonly BranchStep[], at: (s: Uint32Array) => boolean, cur: (s: Uint32Array) => number, exit: (s: Uint32Array) => void): Action[] {
  return branches.map((b) => action({
    name: `${nameActor}: ${b.name}`, actor, ...(b.role !== undefined ? { role: b.role } : {}),
    label: `${actor}: ${b.label}`,
    guard: (s) => at(s) && b.when(s, cur(s)),
    effect: (s) => {
      b.effect?.(s, cur(s));
      exit(s);
    },
  }));
}

interface WritePageAt {
  readonly actor: string;
  /** Who holds the page lock while writing it (OWNER.flusher, OWNER.fsync). */
  readonly owner: number;
  readonly mode: SyncMode;
  /** The page being written. */
  readonly cur: (s: Uint32Array) => number;
  /** The actor holds the page lock and has waited for or skipped any writeback in flight. */
  readonly locked: (s: Uint32Array) => boolean;
  /** clear_page_dirty_for_io ran; the submit is next. */
  readonly cleaned: (s: Uint32Array) => boolean;
  readonly toCleaned: (s: Uint32Array) => void;
  /** Unlock the page and go on (the next page, or idle). */
  readonly exit: (s: Uint32Array) => void;
  readonly cleanLabel: string;
  readonly submitLabel: string;
}

/**
 * Writing one locked, dirty page, as the flusher and fsync both do: the
 * filesystem's answer to a page without buffers, clear_page_dirty_for_io,
 * the submit — each with the branch steps the kernel's writeback hooks put
 * there for this sync mode.
 */
function writePageSteps(k: Kernel, w: WritePageAt): Action[] {
  const K = k.hooks;
  const { actor, cur } = w;
  const g = (s: Uint32Array) => k.pg[cur(s)]!;
  const clean = K.writebackSteps('clean', w.mode);
  const submit = K.writebackSteps('submit', w.mode);
  const noBuffers = K.noBuffersAtWriteback();
  const dirtyWith = (s: Uint32Array, buffers: boolean) =>
    w.locked(s) && !g(s).PG_writeback.test(s) && g(s).PG_dirty.test(s) && (g(s).buffers.get(s) !== BH.none) === buffers;
  // Every step of writing a page runs with the page locked by the writer (mpage_prepare_extent_to_map locked it).
  const held: PageLockDecl = { page: cur, owner: w.owner, how: 'held' };
  return [
    action({
      name: `${actor}: ${noBuffers.name}`, actor, role: NO_BUFFERS,
      label: `${actor}: ${noBuffers.label}`,
      guard: (s) => dirtyWith(s, false),
      effect: (s) => {
        if (noBuffers.handle(s, cur(s))) k.root.oops.set(s, 1);
        else w.exit(s);
      },
    }),
    ...branchActions(actor, actor, clean, (s) => dirtyWith(s, true), cur, w.exit),
    action({
      name: `${actor}: clear_page_dirty_for_io`, actor,
      label: `${actor}: ${w.cleanLabel}`,
      guard: (s) => dirtyWith(s, true) && !branchTaken(clean, s, cur(s)),
      effect: (s) => {
        k.clearPageDirtyForIo(s, cur(s));
        w.toCleaned(s);
      },
    }),
    ...branchActions(actor, actor, submit, w.cleaned, cur, w.exit),
    action({
      name: `${actor}: submit page`, actor,
      label: `${actor}: ${w.submitLabel}`,
      guard: (s) => w.cleaned(s) && !branchTaken(submit, s, cur(s)),
      effect: (s) => {
        k.submitWriteback(s, cur(s));
        w.exit(s);
      },
    }),
  ].map((a) => underPageLock(a, held));
}

/** ext4_writepages over the dirty pages, one at a time (WB_SYNC_NONE: a page under writeback is skipped). */
export function flusherActions(k: Kernel): Action[] {
  const F = k.root.flusher!;
  const out: Action[] = [];
  const at = (s: Uint32Array, pc: number) => F.pc.get(s) === pc;
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: F.pc, value: pc }];
  const cur = (s: Uint32Array) => F.page.get(s);
  const done = (s: Uint32Array) => {
    k.unlockPage(s, cur(s));
    F.pc.set(s, FLUSHER.idle);
    F.page.set(s, 0);
  };
  for (const p of k.sh.fileSlots) {
    if (!k.isExt4(p)) continue; // tmpfs pages are not written back to a disk
    const name = k.sh.pages[p]!.id;
    out.push(action({
      name: 'flusher: lock_page', actor: flusherActor, params: { page: name },
      label: `flusher: ext4_writepages: mpage_prepare_extent_to_map: lock_page(${name})`,
      requires: atPc(FLUSHER.idle), guard: (s) => k.inCache(s, p) && k.pg[p]!.PG_dirty.test(s) && !k.locked(s, p),
      effect: (s) => {
        k.pg[p]!.PG_locked.set(s, OWNER.flusher);
        F.pc.set(s, FLUSHER.locked);
        F.page.set(s, p);
      },
    }));
  }
  out.push(underPageLock(action({
    name: 'flusher: skip page under writeback', actor: flusherActor,
    label: 'flusher: PageWriteback, WB_SYNC_NONE: unlock_page and skip',
    requires: atPc(FLUSHER.locked), guard: (s) => k.pg[cur(s)]!.PG_writeback.test(s),
    effect: done,
  }), { page: cur, owner: OWNER.flusher, how: 'held' }));
  out.push(...writePageSteps(k, {
    actor: flusherActor, owner: OWNER.flusher, mode: 'WB_SYNC_NONE', cur, exit: done,
    locked: (s) => at(s, FLUSHER.locked), cleaned: (s) => at(s, FLUSHER.cleaned),
    toCleaned: (s) => { F.pc.set(s, FLUSHER.cleaned); },
    cleanLabel: `${k.fn('wb.clearDirty')}: ${k.fn('wb.mkclean')} (write-protect and clean every PTE), TestClearPageDirty`,
    submitLabel: `${k.fn('wb.bioWrite')}: ${k.fn('wb.start')}, clean the buffers, submit the bio, unlock_page`,
  }));
  return out;
}

/**
 * fsync(2) → ext4_sync_file → file_write_and_wait_range: data-integrity
 * writeback (WB_SYNC_ALL) of the pages tag_pages_for_writeback tagged at
 * the start, in index order — a page under writeback is waited for, not
 * skipped — then __filemap_fdatawait_range until no page of the file is
 * under writeback, then return. The ghost `want` records each page's data
 * when fsync started: what must be on disk when it returns (durability).
 */
export function fsyncActions(k: Kernel): Action[] {
  const Y = k.root.fsync!;
  const pages = fsyncPages(k.sh);
  const ids = pages.map((p) => k.sh.pages[p]!.id);
  const towrite = ids.map((id) => Y.towrite[id]!);
  const want = ids.map((id) => Y.want[id]!);
  const completed = ids.map((id) => Y.completed[id]!);
  // Where the scenario declares interchangeable pages, both passes may take
  // the pages in any order (every order is index order after renaming the
  // identical pages, as for truncate): per page, written / waited say
  // which it has done, and idx is only the page being written.
  const anyOrder = k.sh.symmetry.length > 0;
  const written = anyOrder ? ids.map((id) => fsyncPasses(Y).written![id]!) : [];
  const waited = anyOrder ? ids.map((id) => fsyncPasses(Y).waited![id]!) : [];
  const at = (s: Uint32Array, pc: number) => Y.pc.get(s) === pc;
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: Y.pc, value: pc }];
  const cur = (s: Uint32Array) => pages[Y.idx.get(s)]!;
  const next = (s: Uint32Array) => {
    if (anyOrder) {
      written[Y.idx.get(s)]!.set(s, 1);
      Y.idx.set(s, 0);
      Y.pc.set(s, written.every((w) => w.test(s)) ? FSYNC.waiting : FSYNC.scanning);
      return;
    }
    const i = Y.idx.get(s) + 1;
    // After the last page, __filemap_fdatawait_range walks the range again from the start.
    Y.idx.set(s, i >= pages.length ? 0 : i);
    Y.pc.set(s, i >= pages.length ? FSYNC.waiting : FSYNC.scanning);
  };
  const unlockNext = (s: Uint32Array) => {
    k.unlockPage(s, cur(s));
    next(s);
  };
  const g = (s: Uint32Array) => k.pg[cur(s)]!;
  // The xarray's PAGECACHE_TAG_DIRTY, which tag_pages_for_writeback reads, is
  // PG_dirty except between folio_clear_dirty_for_io and
  // __folio_start_writeback: the tag goes only when writeback starts. So a
  // page the flusher has cleaned but not yet submitted is still tagged (fsync
  // then waits for the flusher's page lock and for its writeback).
  const F = k.root.flusher;
  const dirtyTagged = (s: Uint32Array, p: number) =>
    k.pg[p]!.PG_dirty.test(s) || (F !== undefined && F.pc.get(s) === FLUSHER.cleaned && F.page.get(s) === p);
  const out: Action[] = [
    action({
      name: 'fsync: tag_pages_for_writeback', actor: fsyncActor,
      label: `fsync: ext4_sync_file → ${k.fn('fsync.writeAndWait')}(WB_SYNC_ALL): tag_pages_for_writeback (PAGECACHE_TAG_TOWRITE on every dirty page)`,
      requires: atPc(FSYNC.idle), guard: () => true,
      effect: (s) => {
        pages.forEach((p, i) => {
          towrite[i]!.setBool(s, k.inCache(s, p) && dirtyTagged(s, p));
          want[i]!.set(s, completed[i]!.get(s));
        });
        Y.idx.set(s, 0);
        Y.pc.set(s, pages.length === 0 ? FSYNC.waiting : FSYNC.scanning);
      },
    }),
    // Index order: one action each, at idx. Any order: one per page not yet written.
    ...(anyOrder ? pages.map((_, i) => i) : [-1]).flatMap((i) => {
      const here = (s: Uint32Array) => (i < 0 ? Y.idx.get(s) : i);
      const scanning = (s: Uint32Array) => at(s, FSYNC.scanning) && (i < 0 || !written[i]!.test(s));
      const params: Record<string, string> = i < 0 ? {} : { page: ids[i]! };
      return [
        action({
          name: 'fsync: page not tagged', actor: fsyncActor, params,
          label: `fsync: write_cache_pages: no TOWRITE-tagged page at ${i < 0 ? 'this index' : `${ids[i]}'s index`}, next`,
          guard: (s) => scanning(s) && (!towrite[here(s)]!.test(s) || !k.inCache(s, pages[here(s)]!)),
          effect: (s) => {
            Y.idx.set(s, here(s));
            next(s);
          },
        }),
        action({
          name: 'fsync: lock_page', actor: fsyncActor, params,
          label: `fsync: mpage_prepare_extent_to_map: lock_page${i < 0 ? '' : `(${ids[i]})`} (clears the TOWRITE tag)`,
          guard: (s) => scanning(s) && towrite[here(s)]!.test(s) && k.inCache(s, pages[here(s)]!) && !k.locked(s, pages[here(s)]!),
          effect: (s) => {
            const j = here(s);
            Y.idx.set(s, j);
            towrite[j]!.set(s, 0);
            k.pg[pages[j]!]!.PG_locked.set(s, OWNER.fsync);
            Y.pc.set(s, FSYNC.locked);
          },
        }),
      ];
    }),
    // PG_writeback with WB_SYNC_ALL: folio_wait_writeback (a sleep: the steps below wait for it).
    underPageLock(action({
      name: 'fsync: page clean, skip', actor: fsyncActor,
      label: `fsync: ${k.fn('wb.wait')}, then !PageDirty (written meanwhile): unlock_page, next`,
      requires: atPc(FSYNC.locked), guard: (s) => !g(s).PG_writeback.test(s) && !g(s).PG_dirty.test(s),
      effect: unlockNext,
    }), { page: cur, owner: OWNER.fsync, how: 'held' }),
  ];
  out.push(...writePageSteps(k, {
    actor: fsyncActor, owner: OWNER.fsync, mode: 'WB_SYNC_ALL', cur, exit: unlockNext,
    locked: (s) => at(s, FSYNC.locked), cleaned: (s) => at(s, FSYNC.cleaned),
    toCleaned: (s) => { Y.pc.set(s, FSYNC.cleaned); },
    cleanLabel: `${k.fn('wb.wait')}, ${k.fn('wb.clearDirty')}: ${k.fn('wb.mkclean')}, TestClearPageDirty`,
    submitLabel: `${k.fn('wb.submit')}: ${k.fn('wb.start')}, clean the buffers, submit the bio, unlock_page`,
  }));
  out.push(
    // __filemap_fdatawait_range: one pass in index order, each page's writeback waited for
    // (writeback started behind the pass is not waited for), then return 0.
    ...(anyOrder ? pages.map((p, i) => action({
      name: 'fsync: __filemap_fdatawait_range', actor: fsyncActor, params: { page: ids[i]! },
      label: `fsync: __filemap_fdatawait_range: ${k.fn('wb.wait')} on ${ids[i]}, on to the next; return 0 after the last`,
      requires: atPc(FSYNC.waiting), guard: (s) => !waited[i]!.test(s) && !k.pg[p]!.PG_writeback.test(s),
      effect: (s) => {
        waited[i]!.set(s, 1);
        if (waited.every((w) => w.test(s))) Y.pc.set(s, FSYNC.done);
      },
    })) : [action({
      name: 'fsync: __filemap_fdatawait_range', actor: fsyncActor,
      label: `fsync: __filemap_fdatawait_range: ${k.fn('wb.wait')} on this page, on to the next; return 0 after the last`,
      requires: atPc(FSYNC.waiting), guard: (s) => (Y.idx.get(s) >= pages.length || !k.pg[pages[Y.idx.get(s)]!]!.PG_writeback.test(s)),
      effect: (s) => {
        const i = Y.idx.get(s) + 1;
        if (i >= pages.length) {
          Y.idx.set(s, 0);
          Y.pc.set(s, FSYNC.done);
        } else Y.idx.set(s, i);
      },
    })]),
  );
  return out;
}

/** The block layer completing a write: end_page_writeback. */
export function ioCompletionActions(k: Kernel): Action[] {
  return k.sh.fileSlots.filter((p) => k.isExt4(p)).map((p) => action({
    name: 'disk: end_page_writeback', actor: 'disk', params: { page: k.sh.pages[p]!.id },
    label: `disk: write of ${k.sh.pages[p]!.id} completes: end_page_writeback`,
    guard: (s) => k.pg[p]!.PG_writeback.test(s),
    effect: (s) => { k.endWriteback(s, p); },
  }));
}

/** kswapd: shrink_page_list over file pages and, where the scenario has swap, anonymous pages (add_to_swap and the swap cache). */
export function reclaimActions(k: Kernel): Action[] {
  const R = k.root.kswapd!;
  const K = k.hooks;
  const out: Action[] = [];
  const at = (s: Uint32Array, pc: number) => R.pc.get(s) === pc;
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: R.pc, value: pc }];
  const cur = (s: Uint32Array) => R.page.get(s);
  /** keep / activate: unlock if locked, putback_lru_page (drops the isolation reference). */
  const putback = (s: Uint32Array) => {
    const p = cur(s);
    const g = k.pg[p]!;
    if (g.PG_locked.get(s) === OWNER.reclaim) k.unlockPage(s, p);
    g.isolated.set(s, 0);
    g.PG_lru.set(s, 1);
    R.pc.set(s, RECLAIM.idle);
    R.page.set(s, 0);
    k.putPage(s, p, 1);
  };
  const afterUnmap = K.reclaimAfterUnmap();
  // shrink_page_list works on the page under the lock its trylock took.
  const reclaimHolds: PageLockDecl = { page: cur, owner: OWNER.reclaim, how: 'held' };
  /** A hook point's branch steps, taken where `at` holds: the kernel's reasons to keep the page (exit: unlock, putback). */
  const keepBranches = (branches: readonly BranchStep[], at: (s: Uint32Array) => boolean): Action[] => branches.map((b) => underPageLock(action({
    name: `reclaim: ${b.name}`, actor: reclaimActor, ...(b.role !== undefined ? { role: b.role } : {}),
    label: `kswapd: ${b.label}`,
    guard: (s) => at(s) && b.when(s, cur(s)),
    effect: (s) => {
      b.effect?.(s, cur(s));
      putback(s);
    },
  }), reclaimHolds));
  const noBuffers = K.noBuffersAtWriteback();
  const branch = (s: Uint32Array) => branchTaken(afterUnmap, s, cur(s));
  // File pages where kswapd reclaims the page cache; anonymous pages (a COW copy too) where there is swap.
  const candidates = k.sh.pages.flatMap((pg, p) => ((pg.kind === 'file' && k.sh.reclaim) || ((pg.kind === 'anon' || pg.kind === 'spare') && k.sh.swap) ? [p] : []));
  for (const p of candidates) {
    const name = k.sh.pages[p]!.id;
    const file = k.sh.pages[p]!.kind === 'file';
    out.push(action({
      name: 'reclaim: isolate_lru_page', actor: reclaimActor, params: { page: name },
      label: `kswapd: shrink_inactive_list → ${k.fn('reclaim.isolate')}: takes ${name} (ref += 1, off the LRU)`,
      requires: atPc(RECLAIM.idle), guard: (s) => k.pg[p]!.PG_lru.test(s) && (file ? k.inCache(s, p) : k.isAnon(s, p)),
      effect: (s) => {
        k.isolateLruPage(s, p);
        R.pc.set(s, RECLAIM.isolated);
        R.page.set(s, p);
      },
    }));
  }
  out.push(action({
    name: 'reclaim: trylock_page', actor: reclaimActor,
    label: `kswapd: ${k.fn('reclaim.shrink')}: ${k.fn('reclaim.trylock')}`,
    requires: atPc(RECLAIM.isolated), guard: (s) => !k.locked(s, cur(s)),
    effect: (s) => {
      k.pg[cur(s)]!.PG_locked.set(s, OWNER.reclaim);
      R.pc.set(s, RECLAIM.locked);
    },
  }));
  out.push(action({
    name: 'reclaim: trylock failed, keep', actor: reclaimActor,
    label: `kswapd: ${k.fn('reclaim.trylock')} failed: keep (back on the LRU)`,
    requires: atPc(RECLAIM.isolated), guard: (s) => k.locked(s, cur(s)),
    effect: putback,
  }));
  out.push(underPageLock(action({
    name: 'reclaim: PageWriteback, keep', actor: reclaimActor,
    label: 'kswapd: PageWriteback: SetPageReclaim, activate',
    requires: atPc(RECLAIM.locked), guard: (s) => k.pg[cur(s)]!.PG_writeback.test(s),
    effect: putback,
  }), reclaimHolds));
  // An anonymous page goes into the swap cache before it is unmapped (shrink_page_list: add_to_swap).
  // (Without swap kswapd isolates no anonymous page: the guards below then skip the question.)
  const swap = k.sh.swap;
  const needsSwapCache = (s: Uint32Array) => swap && k.isAnon(s, cur(s)) && k.swapSlotOf(s, cur(s)) < 0;
  // try_to_unmap takes each PTE's page-table lock, which copy_pte_range holds across fork's copy
  // (the model's two fork steps are one PTE walk under those locks; only GUP-fast runs between them).
  // Asked where there is swap: there a swap entry in the child would otherwise be overwritten by
  // fork's second step; the scenarios without swap keep the state graph they always had.
  const forkCopying = (s: Uint32Array) => swap && k.root.forked.get(s) === FORK.copying;
  if (k.sh.swap) {
    const beforeSwap = K.reclaimBeforeAddToSwap();
    const anonLocked = (s: Uint32Array) => at(s, RECLAIM.locked) && !k.pg[cur(s)]!.PG_writeback.test(s) && needsSwapCache(s);
    out.push(...keepBranches(beforeSwap, anonLocked));
    const noBranch = (s: Uint32Array) => !branchTaken(beforeSwap, s, cur(s));
    out.push(underPageLock(action({
      name: 'reclaim: add_to_swap', actor: reclaimActor,
      label: `kswapd: ${k.fn('reclaim.shrink')}: add_to_swap (a swap slot; the swap cache takes a reference; the page is dirtied to be written)`,
      guard: (s) => anonLocked(s) && noBranch(s) && k.allocSwapSlot(s) >= 0,
      effect: (s) => { k.addToSwapCache(s, cur(s), k.allocSwapSlot(s)); },
    }), reclaimHolds));
    out.push(underPageLock(action({
      name: 'reclaim: add_to_swap failed, activate', actor: reclaimActor,
      label: 'kswapd: add_to_swap: no free swap slot (swap full): activate',
      guard: (s) => anonLocked(s) && noBranch(s) && k.allocSwapSlot(s) < 0,
      effect: putback,
    }), reclaimHolds));
  }
  // The hook point at try_to_unmap of an anonymous page in the swap cache: a kernel's reasons to keep it mapped (5.19: pinned).
  const unmapAnon = swap ? K.reclaimUnmapAnon() : [];
  const anonUnmapping = (s: Uint32Array) => at(s, RECLAIM.locked) && !forkCopying(s) && !k.pg[cur(s)]!.PG_writeback.test(s) && k.isAnon(s, cur(s)) && !needsSwapCache(s);
  out.push(...keepBranches(unmapAnon, anonUnmapping));
  out.push(underPageLock(action({
    name: 'reclaim: try_to_unmap', actor: reclaimActor,
    label: k.sh.swap ? 'kswapd: try_to_unmap (zap every PTE, a dirty PTE dirties the page; an anonymous page\'s PTEs become swap entries)' : 'kswapd: try_to_unmap (zap every PTE; a dirty PTE dirties the page)',
    requires: atPc(RECLAIM.locked), guard: (s) => !forkCopying(s) && !k.pg[cur(s)]!.PG_writeback.test(s) && !needsSwapCache(s) && !(unmapAnon.length > 0 && anonUnmapping(s) && branchTaken(unmapAnon, s, cur(s))),
    effect: (s) => {
      const p = cur(s);
      if (k.isAnon(s, p)) k.unmapToSwap(s, p, K.swapPteExclusive(s, p));
      else k.unmapAll(s, p);
      R.pc.set(s, RECLAIM.unmapped);
    },
  }), reclaimHolds));
  // The hook point after try_to_unmap: a kernel's reasons to activate the page here (6.4: pinned).
  out.push(...keepBranches(afterUnmap, (s) => at(s, RECLAIM.unmapped)));
  /** is_page_cache_freeable: only the cache, buffer and isolation references remain. */
  const freeable = (s: Uint32Array) => {
    const g = k.pg[cur(s)]!;
    return g.ref.get(s) - (g.buffers.get(s) !== BH.none ? 1 : 0) === 2;
  };
  // A file page through its filesystem's ->writepage; an anonymous page in the swap cache through swap_writepage.
  const inSwapCache = (s: Uint32Array) => k.swapSlotOf(s, cur(s)) >= 0;
  const canPageout = (s: Uint32Array) => ((K.reclaimCanPageout(cur(s)) && k.inCache(s, cur(s))) || inSwapCache(s)) && freeable(s);
  if (k.sh.swap) {
    out.push(underPageLock(action({
      name: 'reclaim: swap_writepage', actor: reclaimActor,
      label: 'kswapd: pageout → swap_writepage: the page\'s contents to its swap slot (completed at once), clean',
      requires: atPc(RECLAIM.unmapped), guard: (s) => !branch(s) && inSwapCache(s) && k.pg[cur(s)]!.PG_dirty.test(s) && canPageout(s),
      effect: (s) => { k.swapWritepage(s, cur(s)); },
    }), reclaimHolds));
  }
  // Only where some page's filesystem has ->writepage (ext4 lost it in 6.2).
  if (k.sh.fileSlots.some((p) => K.reclaimCanPageout(p))) {
    out.push(underPageLock(action({
      name: 'reclaim: pageout', actor: reclaimActor,
      label: `kswapd: pageout: ${k.fn('reclaim.clearDirty')}, ->writepage (start writeback, submit), unlock`,
      requires: atPc(RECLAIM.unmapped), guard: (s) => !branch(s) && k.pg[cur(s)]!.PG_dirty.test(s) && k.inCache(s, cur(s)) && canPageout(s),
      effect: (s) => {
        const p = cur(s);
        const g = k.pg[p]!;
        g.PG_dirty.set(s, 0);
        if (g.buffers.get(s) === BH.none) {
          // ext4_writepage: page_buffers() on a page without buffers.
          if (noBuffers.handle(s, p)) { k.root.oops.set(s, 1); return; }
          putback(s);
          return;
        }
        k.submitWriteback(s, p);
        putback(s);
      },
    }), reclaimHolds));
  }
  out.push(underPageLock(action({
    name: 'reclaim: dirty, activate', actor: reclaimActor,
    label: 'kswapd: PageDirty and pageout not possible (extra references, or no ->writepage): activate',
    requires: atPc(RECLAIM.unmapped), guard: (s) => !branch(s) && k.pg[cur(s)]!.PG_dirty.test(s) && !canPageout(s),
    effect: putback,
  }), reclaimHolds));
  out.push(underPageLock(action({
    name: 'reclaim: try_to_free_buffers', actor: reclaimActor,
    label: `kswapd: ${k.fn('reclaim.releaseBuffers')} → try_to_free_buffers (drop clean, idle buffers)`,
    requires: atPc(RECLAIM.unmapped), guard: (s) => !branch(s) && !k.pg[cur(s)]!.PG_dirty.test(s) && k.pg[cur(s)]!.buffers.get(s) !== BH.none,
    effect: (s) => {
      const p = cur(s);
      const g = k.pg[p]!;
      // buffer_busy: a dirty buffer (or I/O) keeps them; then activate.
      if (g.PG_writeback.test(s) || g.buffers.get(s) === BH.dirty) { putback(s); return; }
      k.dropBuffers(s, p);
      R.pc.set(s, RECLAIM.released);
    },
  }), reclaimHolds));
  out.push(underPageLock(action({
    name: 'reclaim: __remove_mapping', actor: reclaimActor,
    label: `kswapd: __remove_mapping: page_ref_freeze(2) then !PageDirty → remove from the page cache, free; else keep`,
    guard: (s) => (at(s, RECLAIM.released) || (at(s, RECLAIM.unmapped) && !branch(s) && !k.pg[cur(s)]!.PG_dirty.test(s) && k.pg[cur(s)]!.buffers.get(s) === BH.none)),
    effect: (s) => {
      const p = cur(s);
      const g = k.pg[p]!;
      // An anonymous page: __delete_from_swap_cache; the slot keeps its contents for the swap PTEs.
      if (k.isAnon(s, p) && k.swapSlotOf(s, p) >= 0) {
        if (!K.removeMappingCanFree(s, p)) { putback(s); return; }
        k.removeFromSwapCacheAndFree(s, p);
        R.pc.set(s, RECLAIM.idle);
        R.page.set(s, 0);
        return;
      }
      // Truncated while isolated: no mapping, keep_locked (4.19 shrink_page_list).
      if (!k.inCache(s, p) || !K.removeMappingCanFree(s, p)) { putback(s); return; }
      if (g.data.get(s) !== g.disk.get(s)) k.root.lostWrite.set(s, 1);
      g.mapping.set(s, MAPPING.none);
      g.PG_locked.set(s, OWNER.none);
      g.isolated.set(s, 0);
      g.ref.set(s, 0);
      k.freePage(s, p);
      R.pc.set(s, RECLAIM.idle);
      R.page.set(s, 0);
    },
  }), reclaimHolds));
  return out;
}

/**
 * truncate(2) to 0: truncate_pagecache → truncate_inode_pages_range, page by
 * page in index order. Where the scenario declares interchangeable pages,
 * truncate may take them in any order (every order is index order after
 * renaming the identical pages), which is what makes the renaming a
 * symmetry of the model.
 */
export function truncateActions(k: Kernel): Action[] {
  const T = k.root.truncate!;
  const files = k.sh.fileSlots;
  const anyOrder = k.sh.symmetry.length > 0;
  const doneOf = anyOrder ? files.map((p) => T.done[k.sh.pages[p]!.id]!) : [];
  const at = (s: Uint32Array, pc: number) => T.pc.get(s) === pc;
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: T.pc, value: pc }];
  const slot = (s: Uint32Array) => files[T.idx.get(s)]!;
  /** The current page is finished: the next one, or done. */
  const next = (s: Uint32Array) => {
    if (!anyOrder) {
      const i = T.idx.get(s) + 1;
      T.idx.set(s, i);
      T.pc.set(s, i >= files.length ? TRUNCATE.done : TRUNCATE.scanning);
      return;
    }
    doneOf[T.idx.get(s)]!.set(s, 1);
    T.idx.set(s, 0);
    T.pc.set(s, doneOf.every((d) => d.test(s)) ? TRUNCATE.done : TRUNCATE.scanning);
  };
  const start = action({
    name: 'truncate: i_size_write + unmap_mapping_range', actor: truncateActor,
    label: 'truncate: i_size_write(0), unmap_mapping_range (zap every PTE of the file, private COWs too)',
    requires: atPc(TRUNCATE.idle), guard: () => true,
    effect: (s) => {
      k.root.truncated.set(s, 1);
      const swapEntries = k.hooks.truncateZapsSwapEntries();
      k.sh.procs.forEach((pr, q) => pr.vmas.forEach((vma, v) => {
        if (!vma.file) return;
        // A private COW copy swapped out: its swap entry stays before 5.18 (zap_details skips swap entries).
        if (!swapEntries && k.swapEntry(s, q, v) >= 0 && !k.pr[q]!.vma[v]!.present.test(s)) return;
        k.zapPte(s, q, v);
      }));
      T.pc.set(s, files.length === 0 ? TRUNCATE.done : TRUNCATE.scanning);
    },
  });
  // Index order: one action each, at idx. Any order: one per page not yet done.
  const pick = anyOrder ? files.map((_, i) => i) : [-1];
  const here = (s: Uint32Array, i: number) => (i < 0 ? T.idx.get(s) : i);
  const scanning = (s: Uint32Array, i: number) => at(s, TRUNCATE.scanning) && (i < 0 || !doneOf[i]!.test(s));
  const params = (i: number): Record<string, string> => (i < 0 ? {} : { page: k.sh.pages[files[i]!]!.id });
  const choose = pick.flatMap((i) => [
    action({
      name: 'truncate: page not cached', actor: truncateActor, params: params(i),
      label: `truncate: truncate_inode_pages_range: no page at ${i < 0 ? 'this index' : `${k.sh.pages[files[i]!]!.id}'s index`}, next`,
      guard: (s) => scanning(s, i) && !k.inCache(s, files[here(s, i)]!),
      effect: (s) => {
        T.idx.set(s, here(s, i));
        next(s);
      },
    }),
    action({
      name: 'truncate: lock_page', actor: truncateActor, params: params(i),
      label: i < 0 ? 'truncate: lock_page' : `truncate: lock_page(${k.sh.pages[files[i]!]!.id})`,
      guard: (s) => scanning(s, i) && k.inCache(s, files[here(s, i)]!) && !k.locked(s, files[here(s, i)]!),
      effect: (s) => {
        T.idx.set(s, here(s, i));
        k.pg[slot(s)]!.PG_locked.set(s, OWNER.truncate);
        T.pc.set(s, TRUNCATE.locked);
      },
    }),
  ]);
  const truncateHolds: PageLockDecl = { page: slot, owner: OWNER.truncate, how: 'held' };
  return [
    start,
    ...choose,
    underPageLock(action({
      name: 'truncate: truncate_cleanup_page', actor: truncateActor,
      label: `truncate: ${k.fn('wb.wait')}, ${k.fn('truncate.cleanup')} (unmap, ${k.fn('truncate.invalidate')} drops the buffers, ${k.fn('truncate.cancelDirty')})`,
      requires: atPc(TRUNCATE.locked), guard: (s) => !k.pg[slot(s)]!.PG_writeback.test(s),
      effect: (s) => {
        const p = slot(s);
        k.unmapAll(s, p);
        k.dropBuffers(s, p);
        k.pg[p]!.PG_dirty.set(s, 0);
        T.pc.set(s, TRUNCATE.cleaned);
      },
    }), truncateHolds),
    underPageLock(action({
      name: 'truncate: delete_from_page_cache', actor: truncateActor,
      label: `truncate: ${k.fn('cache.remove')}, unlock_page, put_page (a page still referenced lives on as an orphan)`,
      requires: atPc(TRUNCATE.cleaned), guard: () => true,
      effect: (s) => {
        const p = slot(s);
        k.pg[p]!.mapping.set(s, MAPPING.none);
        k.unlockPage(s, p);
        k.putPage(s, p, 1);
        next(s);
      },
    }), truncateHolds),
  ];
}
