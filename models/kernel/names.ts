// Kernel identifiers, release by release: what a trace label or a property's
// symptom may name when the model runs as a given release. Two tables:
//
//  - KERNEL_NAMES: every identifier the labels use, with the first mainline
//    release that has it and the first that no longer does (a rename or a
//    removal), and how that was checked;
//  - ROLES: for a step whose function was renamed (page → folio, the GUP
//    grab helpers, the release API), the name each release uses, by the
//    release the name took over. Kernel.fn(role) picks the one of the
//    release being checked.
//
// Checked in release source trees (GitHub snapshots of the release tarballs:
// 4.8.15, 4.9, 4.14.5, 4.15, 4.17, 4.19.1, 5.0, 5.1.15, 5.2.1, 5.3, 5.4.1,
// 5.6.4, 5.7.14, 5.8.1, 5.9.1, 5.10.0, 5.11.0, 5.12.9, 5.15.24, 5.16.10,
// 5.17-rc5, 5.18.12, 5.19.0, 6.0-rc1, 6.1-rc7, 6.2.1, 6.3.8, 6.4.6, 6.5.0,
// 6.6.0 (lxdklp/linux-6.6.y @ 5fda8f9c7), 6.7.3), a name present where
// `git grep -w` finds its definition; the commits named are where the
// change was pinned to one. docs/kernel-source-notes.md lists the trees.
// A stable backport can bring a name into an older series (try_get_page in
// 4.14.y, write_protect_seq in 5.10.7, try_grab_folio_fast in 6.6.47): the
// table is about mainline releases.

/** A kernel version as the tables write it: "5.18". Release names ("v5.18") are accepted too. */
export type Version = string;

const parse = (v: Version): [number, number] => {
  const m = /^v?(\d+)\.(\d+)/.exec(v);
  if (m === null) throw new Error(`not a kernel version: '${v}'`);
  return [Number(m[1]), Number(m[2])];
};
/** a ≤ b as kernel versions. */
export const versionAtMost = (a: Version, b: Version): boolean => {
  const [x, y] = parse(a);
  const [u, w] = parse(b);
  return x < u || (x === u && y <= w);
};

export interface KernelName {
  readonly name: string;
  /** The first mainline release with it (4.8: at least as old as the oldest modelled release). */
  readonly since: Version;
  /** The first mainline release without it, if it is gone by 6.6. */
  readonly until?: Version;
  /** How it was checked, or the commit that brought or took it. */
  readonly source: string;
}

const TREES = 'release trees';
const n = (name: string, since: Version, until?: Version, source = TREES): KernelName => ({ name, since, ...(until !== undefined ? { until } : {}), source });

/** Every identifier a label or symptom of a release may use. */
export const KERNEL_NAMES: readonly KernelName[] = [
  // GUP, slow path
  n('get_user_pages', '4.8'), n('get_user_pages_fast', '4.8'), n('__get_user_pages', '4.8'), n('faultin_page', '4.8'),
  n('follow_page_pte', '4.8'), n('check_vma_flags', '4.8'), n('handle_mm_fault', '4.8'),
  n('get_page', '4.8'), n('try_get_page', '5.1', undefined, 'release trees (5.0 without, 5.1.15 with)'),
  n('try_grab_page', '5.7', undefined, 'release trees; gone in 6.10 (try_grab_folio), also in 6.6.47'),
  n('get_user_pages_longterm', '4.15', '5.2', '2bb6d2837083 (4.15); replaced by FOLL_LONGTERM, 932f4a630a69 (5.2)'),
  n('pin_user_pages', '5.6', undefined, 'eddb1c228f79 "mm/gup: introduce pin_user_pages*() and FOLL_PIN" (5.6)'),
  n('pin_user_pages_fast', '5.6', undefined, 'eddb1c228f79 (5.6)'),
  n('access_process_vm', '4.8'), n('copy_to_user_page', '4.8'),
  n('writable_file_mapping_allowed', '6.5', undefined, '8ac268436e6d (6.5)'),
  n('gup_must_unshare', '5.19'),
  // GUP, fast path
  n('page_cache_get_speculative', '4.8', '5.1'), n('try_get_compound_head', '5.1', '5.18'),
  n('try_grab_compound_head', '5.7', '5.18'), n('try_grab_folio', '5.18'),
  n('write_protect_seq', '5.11', undefined, '57efa1fe5957 (5.11; in 5.10.7 by backport)'),
  n('lockless_pages_from_mm', '5.11', undefined, '57efa1fe5957 (5.11)'),
  n('folio_fast_pin_allowed', '6.5', undefined, 'a6e79df92e4a (6.5); gup_fast_folio_allowed from 6.11'),
  // flags
  n('FOLL_GET', '4.8'), n('FOLL_WRITE', '4.8'), n('FOLL_FORCE', '4.8'), n('FOLL_TOUCH', '4.8'),
  n('FOLL_COW', '4.9', '6.0', '19be0eaffa3a (4.9, and 4.8.3 by backport); removed by 5535be309971 (6.0)'),
  n('FOLL_LONGTERM', '5.2', undefined, '932f4a630a69 (5.2)'),
  n('FOLL_PIN', '5.6', undefined, 'eddb1c228f79 (5.6)'),
  n('FAULT_FLAG_WRITE', '4.8'), n('FAULT_FLAG_UNSHARE', '5.19', undefined, 'c89357e27f20 (5.19)'),
  n('GUP_PIN_COUNTING_BIAS', '5.7', undefined, '3faa52c03f44 "mm/gup: track FOLL_PIN pages" (5.7)'),
  // release
  n('put_page', '4.8'), n('set_page_dirty', '4.8'), n('set_page_dirty_lock', '4.8'),
  n('put_user_page', '5.2', '5.6', 'release trees (5.2.1 with; 5.6.4 without: renamed unpin_user_page)'),
  n('put_user_pages_dirty_lock', '5.2', '5.6'),
  n('unpin_user_page', '5.6'), n('unpin_user_pages_dirty_lock', '5.6'),
  n('folio_mark_dirty', '5.16', undefined, 'release trees (5.15.24 without, 5.16.10 with)'),
  n('page_maybe_dma_pinned', '5.7'), n('folio_maybe_dma_pinned', '5.18'),
  n('sanity_check_pinned_pages', '5.19', undefined, 'b6a2619c60b4 (5.19)'),
  n('PageAnonExclusive', '5.19', undefined, '6c287605fd56 (5.19)'), n('PG_anon_exclusive', '5.19', undefined, '6c287605fd56 (5.19)'),
  // page flags and page-cache helpers
  n('PG_dirty', '4.8'), n('PG_writeback', '4.8'), n('PagePrivate', '4.8'), n('PageAnon', '4.8'), n('PageDirty', '4.8'), n('PageWriteback', '4.8'),
  n('SetPageReclaim', '4.8'), n('ClearPageDirty', '4.8'), n('TestClearPageDirty', '4.8'),
  n('lock_page', '4.8'), n('unlock_page', '4.8'), n('trylock_page', '4.8'), n('page_buffers', '4.8'), n('ZERO_PAGE', '4.8'),
  n('BUG_ON', '4.8'), n('VM_BUG_ON', '4.8'), n('WARN', '4.8'),
  // faults, fork, mprotect, madvise, clear_refs
  n('do_wp_page', '4.8'), n('wp_page_copy', '4.8'), n('do_anonymous_page', '4.8'),
  n('copy_page_range', '4.8'), n('dup_mmap', '4.8'), n('ptep_set_wrprotect', '4.8'),
  n('copy_one_pte', '4.8', '5.9'), n('copy_present_pte', '5.9', undefined, '70e806e4e645 era (5.9): copy_one_pte split into copy_present_pte'),
  n('zap_pte_range', '4.8'), n('change_pte_range', '4.8'), n('clear_refs_write', '4.8'), n('clear_soft_dirty', '4.8'),
  n('clear_refs', '4.8', undefined, 'the /proc/PID/clear_refs file (fs/proc/base.c), not a function'),
  n('set_pte_at', '4.8'), n('i_size', '4.8', undefined, 'struct inode\'s field'),
  n('MADV_DONTNEED', '4.8'), n('MADV_DONTFORK', '4.8'), n('PROT_READ', '4.8'), n('PROT_WRITE', '4.8'),
  // writeback
  n('write_cache_pages', '4.8'), n('tag_pages_for_writeback', '4.8'), n('PAGECACHE_TAG_TOWRITE', '4.8'),
  n('WB_SYNC_NONE', '4.8'), n('WB_SYNC_ALL', '4.8'),
  n('ext4_writepages', '4.8'), n('mpage_prepare_extent_to_map', '4.8'),
  n('ext4_writepage', '4.8', '6.4', 'release trees (6.3.8 with, 6.4.6 without)'),
  n('ext4_bio_write_page', '4.8', '6.4'), n('ext4_bio_write_folio', '6.4'),
  n('mpage_submit_page', '4.8', '6.4'), n('mpage_submit_folio', '6.4'),
  n('clear_page_dirty_for_io', '4.8'), n('folio_clear_dirty_for_io', '5.16'),
  n('page_mkclean', '4.8'), n('folio_mkclean', '5.16'),
  n('set_page_writeback', '4.8'), n('end_page_writeback', '4.8'),
  n('wait_on_page_writeback', '4.8'), n('folio_wait_writeback', '5.16'),
  n('ext4_sync_file', '4.8'), n('__filemap_fdatawait_range', '4.8'),
  n('file_write_and_wait_range', '4.13', undefined, 'release trees (4.12.4 without; 4.13.4 with)'),
  n('filemap_write_and_wait_range', '4.8'),
  // reclaim
  n('shrink_page_list', '4.8', '6.1'), n('shrink_folio_list', '6.1'),
  n('isolate_lru_page', '4.8'), n('folio_isolate_lru', '5.18'),
  n('isolate_lru_pages', '4.8', '6.1', 'release trees (6.0.1 with; 6.1-rc7 without)'), n('isolate_lru_folios', '6.1'),
  n('folio_trylock', '5.16'), n('__folio_start_writeback', '5.16'), n('shrink_inactive_list', '4.8'),
  n('delete_from_page_cache_batch', '5.6', undefined, 'release trees (4.14.5 without; 5.6.4 … 6.6 with)'),
  n('putback_lru_page', '4.8'), n('folio_putback_lru', '5.18'),
  n('try_to_unmap', '4.8'), n('pageout', '4.8'), n('__remove_mapping', '4.8'), n('page_ref_freeze', '4.8'),
  n('try_to_release_page', '4.8', '6.2'), n('filemap_release_folio', '5.17', undefined, 'the folio pull of 5.17 (merge 6020c204be99)'),
  n('try_to_free_buffers', '4.8'),
  // swap
  n('do_swap_page', '4.8'), n('add_to_swap', '4.8'), n('try_to_unmap_one', '4.8'), n('swap_writepage', '4.8'), n('swap_duplicate', '4.8'), n('swap_free', '4.8'),
  n('page_try_share_anon_rmap', '5.19', undefined, '6c287605fd56 (5.19); still so named in 6.6'),
  // huge pages (mm/huge_memory.c)
  n('do_huge_pmd_wp_page', '4.8'), n('copy_huge_pmd', '4.8'), n('zap_huge_pmd', '4.8'), n('zap_pmd_range', '4.8'),
  n('change_huge_pmd', '4.8'), n('change_protection', '4.8'), n('pmdp_set_wrprotect', '4.8'),
  n('hpage_pinned_refcount', '5.7', '5.18', '47e29d32afba (5.7); 5232c63f46fd "mm: Make compound_pincount always available" (5.18)'),
  n('compound_pincount', '5.18', '6.3', '5232c63f46fd (5.18); 94688e8eb453 "mm: remove folio_pincount_ptr() and head_compound_pincount()" (6.3)'),
  n('_pincount', '6.3', undefined, '94688e8eb453 (6.3): folio_maybe_dma_pinned reads folio->_pincount'),
  // khugepaged (checked in 4.14.5, 5.7.14, 5.8.1, 5.19, 6.0.1, 6.1.20, 6.6.9 mm/khugepaged.c and mm/gup.c)
  n('collapse_huge_page', '4.8'), n('__collapse_huge_page_isolate', '4.8'), n('__collapse_huge_page_copy', '4.8'), n('pmdp_collapse_flush', '4.8'),
  n('pmd_populate', '4.8'), n('set_pmd_at', '4.8'), n('maybe_pmd_mkwrite', '4.8'), n('SCAN_PAGE_COUNT', '4.8'), n('SCAN_PAGE_RO', '4.8'),
  n('khugepaged_scan_pmd', '4.8', '6.1', 'release trees (6.0.1 khugepaged_scan_pmd, 6.1.20 hpage_collapse_scan_pmd)'),
  n('hpage_collapse_scan_pmd', '6.1', undefined, 'release trees (6.1.20, 6.6.9)'),
  n('is_refcount_suitable', '5.8', undefined, '9445689f3b61 "khugepaged: allow to collapse a page shared across fork" (5.8; 5.7.14 without, 5.8.1 with)'),
  n('mmap_write_lock', '5.8', undefined, 'the mmap locking API (5.8; khugepaged: 5.7.14 down_write(&mm->mmap_sem), 5.8.1 mmap_write_lock)'),
  n('mmap_write_unlock', '5.8', undefined, 'the mmap locking API (5.8)'),
  n('mmap_sem', '4.8', '5.8', 'renamed mmap_lock in 5.8 (khugepaged: 5.7.14 has it, 5.8.1 not)'),
  n('down_write', '4.8'), n('up_write', '4.8'), n('page_count', '4.8'),
  n('gup_pmd_range', '4.8'), n('gup_pte_range', '4.8'), n('follow_trans_huge_pmd', '4.8'),
  n('reuse_swap_page', '4.8', '5.18', 'release trees (5.17-rc5 mm/swapfile.c has it, 5.18.12 not)'),
  n('PageDoubleMap', '4.8', '6.2', 'release trees (6.1.20 include/linux/page-flags.h has it, 6.2.1 not)'),
  // migration, memory offlining
  n('migrate_pages', '4.8'), n('putback_movable_pages', '4.8'), n('remove_migration_ptes', '4.8'), n('try_to_migrate_one', '5.14', undefined, 'a98a2f0c8ce1 "mm/rmap: split migration into its own function" (5.14)'),
  n('try_to_migrate', '5.14', undefined, 'a98a2f0c8ce1 (5.14; 5.12.9 without, 5.14-rc5 with)'),
  n('TTU_MIGRATION', '4.8', '5.14', 'a98a2f0c8ce1 (5.14) took it out'),
  n('migrate_page_move_mapping', '4.8', '6.0', 'release trees (5.16–5.19 a wrapper of folio_migrate_mapping; gone in 6.0-rc1)'),
  n('folio_migrate_mapping', '5.16', undefined, '3417013e0d18 (5.16)'),
  n('check_and_migrate_movable_pages', '5.13', undefined, 'd1e153fea2a8 (5.13; renamed from check_and_migrate_cma_pages)'),
  n('compact_zone', '4.8'), n('isolate_migratepages_block', '4.8'),
  n('offline_pages', '4.8'), n('do_migrate_range', '4.8'), n('scan_movable_pages', '4.8'),
  n('ZONE_MOVABLE', '4.8'), n('MR_LONGTERM_PIN', '5.13', undefined, 'd1e153fea2a8 (5.13)'),
  n('delete_from_page_cache', '4.8', '6.2'), n('filemap_remove_folio', '5.17'),
  // truncate
  n('truncate_inode_pages_range', '4.8'), n('i_size_write', '4.8'), n('unmap_mapping_range', '4.8'),
  n('truncate_complete_page', '4.8', '4.15'), n('truncate_cleanup_page', '4.15', '5.17'), n('truncate_cleanup_folio', '5.17'),
  n('do_invalidatepage', '4.8', '5.18'), n('folio_invalidate', '5.18'),
  n('cancel_dirty_page', '4.8', '5.19'), n('folio_cancel_dirty', '5.16'),
  n('find_lock_entries', '5.12', undefined, 'release trees (5.11.0 without, 5.12.9 with)'),
  // direct-I/O bios
  n('bio_add_page', '4.8'), n('dio_zero_block', '4.8'), n('bio_endio', '4.8'), n('bio_release_pages', '4.8'),
  n('__bio_try_merge_page', '4.18', '6.6', 'release trees (4.17 without, 4.19.1 with; 6.5 with, 6.6 without)'),
  n('bvec_try_merge_page', '6.6'),
  n('bio_release_page', '6.5', undefined, '84d9fe8b7ea6 (6.5)'),
  n('BIO_NO_PAGE_REF', '5.1', '6.5'), n('BIO_PAGE_PINNED', '6.5', undefined, '84d9fe8b7ea6 (6.5)'),
  n('is_zero_folio', '6.5'),
];

/** The name each release uses for a step whose function was renamed: [first release with that name, the name]. */
export const ROLES = {
  /** follow_page_pte's grab of the page. */
  'gup.grab': [['4.8', 'get_page'], ['5.1', 'try_get_page'], ['5.7', 'try_grab_page']],
  /** gup_pte_range's speculative grab. */
  'gup.fastGrab': [['4.8', 'page_cache_get_speculative'], ['5.1', 'try_get_compound_head'], ['5.7', 'try_grab_compound_head'], ['5.18', 'try_grab_folio']],
  /** The pin API a FOLL_PIN user calls; before 5.6 the same driver called get_user_pages. */
  'gup.pin': [['4.8', 'get_user_pages'], ['5.6', 'pin_user_pages']],
  'gup.pinFast': [['4.8', 'get_user_pages_fast'], ['5.6', 'pin_user_pages_fast']],
  /** The flag such a user passes: FOLL_PIN from 5.6, the reference (FOLL_GET) before. */
  'flag.pin': [['4.8', 'FOLL_GET'], ['5.6', 'FOLL_PIN']],
  /** Its release calls. */
  'release.unpin': [['4.8', 'put_page'], ['5.2', 'put_user_page'], ['5.6', 'unpin_user_page']],
  'release.unpinDirty': [['4.8', 'set_page_dirty_lock'], ['5.2', 'put_user_pages_dirty_lock'], ['5.6', 'unpin_user_pages_dirty_lock']],
  'release.markDirty': [['4.8', 'set_page_dirty_lock'], ['5.16', 'folio_mark_dirty']],
  'fork.copyPte': [['4.8', 'copy_one_pte'], ['5.9', 'copy_present_pte']],
  'wb.clearDirty': [['4.8', 'clear_page_dirty_for_io'], ['6.4', 'folio_clear_dirty_for_io']],
  'wb.mkclean': [['4.8', 'page_mkclean'], ['5.16', 'folio_mkclean']],
  'wb.submit': [['4.8', 'mpage_submit_page'], ['6.4', 'mpage_submit_folio']],
  'wb.bioWrite': [['4.8', 'ext4_bio_write_page'], ['6.4', 'ext4_bio_write_folio']],
  'wb.wait': [['4.8', 'wait_on_page_writeback'], ['5.18', 'folio_wait_writeback']],
  'fsync.writeAndWait': [['4.8', 'filemap_write_and_wait_range'], ['4.13', 'file_write_and_wait_range']],
  'reclaim.shrink': [['4.8', 'shrink_page_list'], ['6.1', 'shrink_folio_list']],
  /** shrink_inactive_list's isolation from the LRU. */
  'reclaim.isolate': [['4.8', 'isolate_lru_pages'], ['6.1', 'isolate_lru_folios']],
  'reclaim.trylock': [['4.8', 'trylock_page'], ['5.19', 'folio_trylock']],
  'reclaim.releaseBuffers': [['4.8', 'try_to_release_page'], ['5.19', 'filemap_release_folio']],
  'reclaim.clearDirty': [['4.8', 'clear_page_dirty_for_io'], ['6.1', 'folio_clear_dirty_for_io']],
  /** truncate's removal from the page cache (truncate_inode_pages_range's first pass). */
  'cache.remove': [['4.8', 'delete_from_page_cache'], ['5.6', 'delete_from_page_cache_batch']],
  /** ext4's start of writeback on the page (ext4_bio_write_folio calls __folio_start_writeback from 6.4). */
  'wb.start': [['4.8', 'set_page_writeback'], ['6.4', '__folio_start_writeback']],
  'truncate.cleanup': [['4.8', 'truncate_complete_page'], ['4.15', 'truncate_cleanup_page'], ['5.17', 'truncate_cleanup_folio']],
  'truncate.invalidate': [['4.8', 'do_invalidatepage'], ['5.18', 'folio_invalidate']],
  'truncate.cancelDirty': [['4.8', 'cancel_dirty_page'], ['5.18', 'folio_cancel_dirty']],
  'maybePinned': [['5.7', 'page_maybe_dma_pinned'], ['5.18', 'folio_maybe_dma_pinned']],
  'bio.merge': [['4.8', 'bio_add_page'], ['4.18', '__bio_try_merge_page'], ['6.6', 'bvec_try_merge_page']],
} as const satisfies Record<string, readonly (readonly [Version, string])[]>;

export type Role = keyof typeof ROLES;

/** The name of `role` in release `v` (the earliest if v predates the table). */
export function nameAt(role: Role, v: Version): string {
  const spans = ROLES[role];
  let out: string = spans[0]![1];
  for (const [since, name] of spans) if (versionAtMost(since, v)) out = name;
  return out;
}

/** Does identifier `name` exist in release `v`? undefined if the table does not know it. */
export function existsIn(name: string, v: Version): boolean | undefined {
  const e = KERNEL_NAMES.find((x) => x.name === name);
  if (e === undefined) return undefined;
  return versionAtMost(e.since, v) && (e.until === undefined || !versionAtMost(e.until, v));
}

/** At least this release? (for wording that changes with a release: `k.atLeast('5.18')`). */
export const releaseAtLeast = (v: Version, min: Version): boolean => versionAtMost(min, v);
