// What counts as progress, and what fairness may force, in the kernel model
// (the liveness search: src/engine/liveness.ts).
//
// Progress: a step that finishes something — a GUP call returns, a release,
// a write reaches the disk, a syscall returns, reclaim is done with a page.
// The steps below are the ones that can repeat while nothing finishes: a
// fault GUP retries, GUP-fast's grab and recheck, a lock taken or a page
// scanned on the way. A cycle of them alone is a non-progress cycle.
//
// Fairness (weak, per actor): the kernel's own threads and the device keep
// going. The user's calls are the environment's choice, never forced: a
// store, munmap, madvise, mprotect, clear_refs, fork, truncate(2), fsync(2)
// may never be made. So is everything a FOLL_LONGTERM holder does after its
// GUP returns: an RDMA region may stay registered (and its remote peer idle)
// for as long as the application likes — a kernel step that waits for it
// waits forever.

import type { Action } from '../../src/engine/model.js';
import type { Kernel } from './kernel.js';

/** Steps that can repeat without anything finishing. */
const NON_PROGRESS = new Set([
  'gup: faultin_page', 'gup: faultin_page after FOLL_WRITE was dropped',
  'gup_fast: gup_pmd_range', 'gup_fast: try_grab_folio_fast', 'gup_fast: fall back to the slow path', 'gup_fast: recheck pte',
  'store: write fault', 'store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages',
  'reclaim: isolate_lru_page', 'reclaim: trylock_page', 'reclaim: try_to_unmap', 'reclaim: try_to_free_buffers',
  'flusher: lock_page', 'flusher: clear_page_dirty_for_io', 'flusher: skip page under writeback',
  'fsync: tag_pages_for_writeback', 'fsync: page not tagged', 'fsync: lock_page', 'fsync: clear_page_dirty_for_io', 'fsync: page clean, skip',
  'truncate: i_size_write + unmap_mapping_range', 'truncate: lock_page', 'truncate: truncate_cleanup_page',
  'load: read fault', 'reclaim: add_to_swap', 'reclaim: swap_writepage',
  // offline_pages' pass over the block: taking a page off the LRU finishes nothing (a failed migration is done with the page, as a failed trylock is)
  'offline: isolate_lru_page', 'compaction: isolate_migratepages_block',
]);

/** The user's own calls: fairness never forces them. */
const USER_CALLS = new Set([
  'store: write fault', 'store: do_huge_pmd_wp_page: reuse_swap_page reads the subpages', 'store: user writes', 'munmap: zap_pte_range', 'madvise: MADV_DONTNEED', 'mprotect: R/O then R/W',
  'clear_refs: clear soft-dirty', 'fork: copy_present_pte decides', 'truncate: i_size_write + unmap_mapping_range',
  'fsync: tag_pages_for_writeback', 'load: read fault', 'load: user reads',
]);

/** The action with its progress and fairness declared. */
export function withLivenessFlags(k: Kernel, a: Action): Action {
  const holder = a.params['holder'];
  const h = holder === undefined ? undefined : k.sh.holders.find((x) => x.id === holder);
  // A long-term holder's steps after GUP returns: the DMA and the release.
  const longtermAfterGup = h !== undefined && h.longterm && (a.name.startsWith('release: ') || a.name === 'dma: device writes page');
  const fair = !USER_CALLS.has(a.name) && !longtermAfterGup;
  const progress = !NON_PROGRESS.has(a.name);
  return { ...a, ...(progress ? { progress: true } : {}), ...(fair ? {} : { fair: false }) };
}
