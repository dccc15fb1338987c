// Background actors: the flusher (§2.6), I/O completion, kswapd's reclaim
// (§2.7) and truncate (§2.8), each split into the kernel's own steps so
// that every interleaving with GUP holders is explored.
//
// Where the reference and the source differ, the source wins (see
// docs/kernel-source-notes.md): the flusher is ext4's delalloc writeback
// (mpage_prepare_extent_to_map checks page_buffers() before
// clear_page_dirty_for_io), and kswapd's pageout writes a page only when
// is_page_cache_freeable (no references beyond cache, buffers, isolation).

import { action, type Action } from '../../src/engine/model.js';
import { BH, FLUSHER, MAPPING, OWNER, RECLAIM, TRUNCATE, type Kernel } from './kernel.js';

const flusherActor = 'flusher';
/** The BUG (≤5.17) and the WARN (5.18+) are the same step of a trace: writeback meets a dirty page without buffers. */
const NO_BUFFERS = 'flusher: page_buffers() on a dirty page without buffers';
const reclaimActor = 'kswapd';
const truncateActor = 'truncate';

/** writeback_single_inode → ext4_writepages, one page at a time. */
export function flusherActions(k: Kernel): Action[] {
  const F = k.L.root.flusher;
  const out: Action[] = [];
  const at = (s: Uint32Array, pc: number) => F.pc.get(s) === pc;
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
      guard: (s) => at(s, FLUSHER.idle) && k.inCache(s, p) && k.pg[p]!.dirty.test(s) && !k.locked(s, p),
      effect: (s) => {
        k.pg[p]!.lock.set(s, OWNER.flusher);
        F.pc.set(s, FLUSHER.locked);
        F.page.set(s, p);
      },
    }));
  }
  out.push(action({
    name: 'flusher: skip page under writeback', actor: flusherActor,
    label: 'flusher: PageWriteback, WB_SYNC_NONE: unlock_page and skip',
    guard: (s) => at(s, FLUSHER.locked) && k.pg[cur(s)]!.writeback.test(s),
    effect: done,
  }));
  if (!k.sh.era.ext4WarnNotBug) {
    out.push(action({
      name: 'flusher: BUG in page_buffers', actor: flusherActor, role: NO_BUFFERS,
      label: 'flusher: mpage_prepare_extent_to_map: page_buffers(): BUG_ON(!PagePrivate(page)) — kernel BUG',
      guard: (s) => at(s, FLUSHER.locked) && !k.pg[cur(s)]!.writeback.test(s) && k.pg[cur(s)]!.dirty.test(s) && k.pg[cur(s)]!.bh.get(s) === BH.none,
      effect: (s) => { k.L.root.oops.set(s, 1); },
    }));
  } else {
    out.push(action({
      name: 'flusher: WARN no buffers, ClearPageDirty', actor: flusherActor, role: NO_BUFFERS,
      label: 'flusher: mpage_prepare_extent_to_map: "page does not have buffers attached": WARN, ClearPageDirty, skip (the data is dropped)',
      guard: (s) => at(s, FLUSHER.locked) && !k.pg[cur(s)]!.writeback.test(s) && k.pg[cur(s)]!.dirty.test(s) && k.pg[cur(s)]!.bh.get(s) === BH.none,
      effect: (s) => {
        k.pg[cur(s)]!.dirty.set(s, 0);
        done(s);
      },
    }));
  }
  out.push(action({
    name: 'flusher: clear_page_dirty_for_io', actor: flusherActor,
    label: 'flusher: clear_page_dirty_for_io: page_mkclean (write-protect and clean every PTE), TestClearPageDirty',
    guard: (s) => at(s, FLUSHER.locked) && !k.pg[cur(s)]!.writeback.test(s) && k.pg[cur(s)]!.dirty.test(s) && k.pg[cur(s)]!.bh.get(s) !== BH.none,
    effect: (s) => {
      const p = cur(s);
      if (k.pageMkclean(s, p)) k.setPageDirty(s, p);
      k.pg[p]!.dirty.set(s, 0);
      F.pc.set(s, FLUSHER.cleaned);
    },
  }));
  out.push(action({
    name: 'flusher: submit page', actor: flusherActor,
    label: 'flusher: ext4_bio_write_page: set_page_writeback, clean the buffers, submit the bio, unlock_page',
    guard: (s) => at(s, FLUSHER.cleaned),
    effect: (s) => {
      k.submitWriteback(s, cur(s));
      done(s);
    },
  }));
  return out;
}

/** The block layer completing a write: end_page_writeback. */
export function ioCompletionActions(k: Kernel): Action[] {
  return k.sh.fileSlots.filter((p) => k.isExt4(p)).map((p) => action({
    name: 'disk: end_page_writeback', actor: 'disk', params: { page: k.sh.pages[p]!.id },
    label: `disk: write of ${k.sh.pages[p]!.id} completes: end_page_writeback`,
    guard: (s) => k.pg[p]!.writeback.test(s),
    effect: (s) => { k.endWriteback(s, p); },
  }));
}

/** kswapd: shrink_page_list over file pages (anonymous pages need swap, which is not modelled). */
export function reclaimActions(k: Kernel): Action[] {
  const R = k.L.root.reclaim;
  const out: Action[] = [];
  const at = (s: Uint32Array, pc: number) => R.pc.get(s) === pc;
  const cur = (s: Uint32Array) => R.page.get(s);
  /** keep / activate: unlock if locked, putback_lru_page (drops the isolation reference). */
  const putback = (s: Uint32Array) => {
    const p = cur(s);
    const g = k.pg[p]!;
    if (g.lock.get(s) === OWNER.reclaim) k.unlockPage(s, p);
    g.isolated.set(s, 0);
    g.lru.set(s, 1);
    R.pc.set(s, RECLAIM.idle);
    R.page.set(s, 0);
    k.putPage(s, p, 1);
  };
  const pinnedCheck = (s: Uint32Array) => k.sh.era.reclaimPinnedCheck && k.maybeDmaPinned(s, cur(s));
  for (const p of k.sh.fileSlots) {
    const name = k.sh.pages[p]!.id;
    out.push(action({
      name: 'reclaim: isolate_lru_page', actor: reclaimActor, params: { page: name },
      label: `kswapd: isolate_lru_page(${name}) (ref += 1, off the LRU)`,
      guard: (s) => at(s, RECLAIM.idle) && k.pg[p]!.lru.test(s) && k.inCache(s, p),
      effect: (s) => {
        const g = k.pg[p]!;
        g.lru.set(s, 0);
        g.isolated.set(s, 1);
        k.getPage(s, p, 1);
        R.pc.set(s, RECLAIM.isolated);
        R.page.set(s, p);
      },
    }));
  }
  out.push(action({
    name: 'reclaim: trylock_page', actor: reclaimActor,
    label: 'kswapd: shrink_page_list: trylock_page',
    guard: (s) => at(s, RECLAIM.isolated) && !k.locked(s, cur(s)),
    effect: (s) => {
      k.pg[cur(s)]!.lock.set(s, OWNER.reclaim);
      R.pc.set(s, RECLAIM.locked);
    },
  }));
  out.push(action({
    name: 'reclaim: trylock failed, keep', actor: reclaimActor,
    label: 'kswapd: trylock_page failed: keep (putback_lru_page)',
    guard: (s) => at(s, RECLAIM.isolated) && k.locked(s, cur(s)),
    effect: putback,
  }));
  out.push(action({
    name: 'reclaim: PageWriteback, keep', actor: reclaimActor,
    label: 'kswapd: PageWriteback: SetPageReclaim, activate',
    guard: (s) => at(s, RECLAIM.locked) && k.pg[cur(s)]!.writeback.test(s),
    effect: putback,
  }));
  out.push(action({
    name: 'reclaim: try_to_unmap', actor: reclaimActor,
    label: 'kswapd: try_to_unmap (zap every PTE; a dirty PTE dirties the page)',
    guard: (s) => at(s, RECLAIM.locked) && !k.pg[cur(s)]!.writeback.test(s),
    effect: (s) => {
      k.unmapAll(s, cur(s));
      R.pc.set(s, RECLAIM.unmapped);
    },
  }));
  if (k.sh.era.reclaimPinnedCheck) {
    out.push(action({
      name: 'reclaim: maybe_dma_pinned, activate', actor: reclaimActor,
      label: 'kswapd: folio_maybe_dma_pinned: activate (6.4: no stripping or freeing a pinned page)',
      guard: (s) => at(s, RECLAIM.unmapped) && pinnedCheck(s),
      effect: putback,
    }));
  }
  /** is_page_cache_freeable: only the cache, buffer and isolation references remain. */
  const freeable = (s: Uint32Array) => {
    const g = k.pg[cur(s)]!;
    return g.ref.get(s) - (g.bh.get(s) !== BH.none ? 1 : 0) === 2;
  };
  out.push(action({
    name: 'reclaim: pageout', actor: reclaimActor,
    label: 'kswapd: pageout: clear_page_dirty_for_io, ->writepage (set_page_writeback, submit), unlock',
    guard: (s) => at(s, RECLAIM.unmapped) && !pinnedCheck(s) && k.pg[cur(s)]!.dirty.test(s) && k.sh.era.ext4Writepage && k.isExt4(cur(s)) && k.inCache(s, cur(s)) && freeable(s),
    effect: (s) => {
      const p = cur(s);
      const g = k.pg[p]!;
      g.dirty.set(s, 0);
      if (g.bh.get(s) === BH.none) {
        // ext4_writepage: page_buffers() on a page without buffers.
        if (!k.sh.era.ext4WarnNotBug) { k.L.root.oops.set(s, 1); return; }
        putback(s);
        return;
      }
      k.submitWriteback(s, p);
      putback(s);
    },
  }));
  out.push(action({
    name: 'reclaim: dirty, activate', actor: reclaimActor,
    label: 'kswapd: PageDirty and pageout not possible (extra references, or no ->writepage): activate',
    guard: (s) => at(s, RECLAIM.unmapped) && !pinnedCheck(s) && k.pg[cur(s)]!.dirty.test(s) && !(k.sh.era.ext4Writepage && k.isExt4(cur(s)) && k.inCache(s, cur(s)) && freeable(s)),
    effect: putback,
  }));
  out.push(action({
    name: 'reclaim: try_to_free_buffers', actor: reclaimActor,
    label: 'kswapd: try_to_release_page → try_to_free_buffers (drop clean, idle buffers)',
    guard: (s) => at(s, RECLAIM.unmapped) && !pinnedCheck(s) && !k.pg[cur(s)]!.dirty.test(s) && k.pg[cur(s)]!.bh.get(s) !== BH.none,
    effect: (s) => {
      const p = cur(s);
      const g = k.pg[p]!;
      // buffer_busy: a dirty buffer (or I/O) keeps them; then activate.
      if (g.writeback.test(s) || g.bh.get(s) === BH.dirty) { putback(s); return; }
      k.dropBuffers(s, p);
      R.pc.set(s, RECLAIM.released);
    },
  }));
  out.push(action({
    name: 'reclaim: __remove_mapping', actor: reclaimActor,
    label: 'kswapd: __remove_mapping: page_ref_freeze(2) then !PageDirty → delete_from_page_cache, free; else keep',
    guard: (s) => (at(s, RECLAIM.released) || (at(s, RECLAIM.unmapped) && !pinnedCheck(s) && !k.pg[cur(s)]!.dirty.test(s) && k.pg[cur(s)]!.bh.get(s) === BH.none)),
    effect: (s) => {
      const p = cur(s);
      const g = k.pg[p]!;
      // Truncated while isolated: no mapping, keep_locked (4.19 shrink_page_list).
      // The freeze comes before the dirty test: the order that closes the
      // "GUP; write; set_page_dirty; put" race (reference §5.7).
      if (!k.inCache(s, p) || g.ref.get(s) !== 2 || g.dirty.test(s)) { putback(s); return; }
      if (g.data.get(s) !== g.disk.get(s)) k.L.root.lostWrite.set(s, 1);
      g.mapping.set(s, MAPPING.none);
      g.lock.set(s, OWNER.none);
      g.isolated.set(s, 0);
      g.ref.set(s, 0);
      k.freePage(s, p);
      R.pc.set(s, RECLAIM.idle);
      R.page.set(s, 0);
    },
  }));
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
  const T = k.L.root.truncate;
  const files = k.sh.fileSlots;
  const anyOrder = k.sh.symmetry.length > 0;
  const at = (s: Uint32Array, pc: number) => T.pc.get(s) === pc;
  const slot = (s: Uint32Array) => files[T.idx.get(s)]!;
  /** The current page is finished: the next one, or done. */
  const next = (s: Uint32Array) => {
    if (!anyOrder) {
      const i = T.idx.get(s) + 1;
      T.idx.set(s, i);
      T.pc.set(s, i >= files.length ? TRUNCATE.done : TRUNCATE.scanning);
      return;
    }
    T.done[T.idx.get(s)]!.set(s, 1);
    T.idx.set(s, 0);
    T.pc.set(s, files.every((_, i) => T.done[i]!.test(s)) ? TRUNCATE.done : TRUNCATE.scanning);
  };
  const start = action({
    name: 'truncate: i_size_write + unmap_mapping_range', actor: truncateActor,
    label: 'truncate: i_size_write(0), unmap_mapping_range (zap every PTE of the file, private COWs too)',
    guard: (s) => at(s, TRUNCATE.idle),
    effect: (s) => {
      k.L.root.truncated.set(s, 1);
      k.sh.procs.forEach((pr, q) => pr.vmas.forEach((vma, v) => { if (vma.file) k.zapPte(s, q, v); }));
      T.pc.set(s, files.length === 0 ? TRUNCATE.done : TRUNCATE.scanning);
    },
  });
  // Index order: one action each, at idx. Any order: one per page not yet done.
  const pick = anyOrder ? files.map((_, i) => i) : [-1];
  const here = (s: Uint32Array, i: number) => (i < 0 ? T.idx.get(s) : i);
  const scanning = (s: Uint32Array, i: number) => at(s, TRUNCATE.scanning) && (i < 0 || !T.done[i]!.test(s));
  const params = (i: number): Record<string, string> => (i < 0 ? {} : { page: k.sh.pages[files[i]!]!.id });
  const choose = pick.flatMap((i) => [
    action({
      name: 'truncate: page not cached', actor: truncateActor, params: params(i),
      label: `truncate: find_lock_entries: no page at ${i < 0 ? 'this index' : `${k.sh.pages[files[i]!]!.id}'s index`}, next`,
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
        k.pg[slot(s)]!.lock.set(s, OWNER.truncate);
        T.pc.set(s, TRUNCATE.locked);
      },
    }),
  ]);
  return [
    start,
    ...choose,
    action({
      name: 'truncate: truncate_cleanup_page', actor: truncateActor,
      label: 'truncate: wait_on_page_writeback, truncate_cleanup_page (unmap, do_invalidatepage drops the buffers, cancel_dirty_page)',
      guard: (s) => at(s, TRUNCATE.locked) && !k.pg[slot(s)]!.writeback.test(s),
      effect: (s) => {
        const p = slot(s);
        k.unmapAll(s, p);
        k.dropBuffers(s, p);
        k.pg[p]!.dirty.set(s, 0);
        T.pc.set(s, TRUNCATE.cleaned);
      },
    }),
    action({
      name: 'truncate: delete_from_page_cache', actor: truncateActor,
      label: 'truncate: delete_from_page_cache, unlock_page, put_page (a page still referenced lives on as an orphan)',
      guard: (s) => at(s, TRUNCATE.cleaned),
      effect: (s) => {
        const p = slot(s);
        k.pg[p]!.mapping.set(s, MAPPING.none);
        k.unlockPage(s, p);
        k.putPage(s, p, 1);
        next(s);
      },
    }),
  ];
}
