// Feature bits of a kernel era (reference §7). A proposal is one setting of
// these bits plus, where it needs one, a small delta of its own.

export type CowReuse =
  /** before 5.9: reuse an anon page on a write fault if mapcount == 1 (reuse_swap_page). */
  | 'mapcount'
  /** 5.9+ (09854ba94c6a): reuse only if page_count == 1. */
  | 'refcount'
  /** 5.19+: reuse if PageAnonExclusive, else page_count == 1 (then set it exclusive). */
  | 'exclusive';

export interface Era {
  /** A short name shown in traces and `gupcheck list`. */
  readonly name: string;
  /** FOLL_PIN adds GUP_PIN_COUNTING_BIAS to the refcount; page_maybe_dma_pinned() exists (5.7). */
  readonly pinBias: boolean;
  /** shrink_folio_list keeps (activates) a folio_maybe_dma_pinned() page before releasing its buffers (6.4, d824ec2a1546). */
  readonly reclaimPinnedCheck: boolean;
  /** FOLL_LONGTERM|FOLL_WRITE on a dirty-tracked file mapping fails with EFAULT (6.5, writable_file_mapping_allowed). */
  readonly longtermFileBan: boolean;
  /** PageAnonExclusive, R/O pins unshare, fork copies pinned exclusive pages (5.19). */
  readonly anonExclusive: boolean;
  /** GUP-fast pins recheck mm->write_protect_seq, which fork holds odd (5.11). */
  readonly gupFastSeqcount: boolean;
  /** fork copies a maybe-pinned anon page for the child instead of sharing it (5.9, 70e806e4e645). */
  readonly forkEarlyCow: boolean;
  /** How do_wp_page decides to reuse an anon page. */
  readonly cowReuse: CowReuse;
  /** ext4 WARNs and clears PG_dirty on a dirty page without buffers instead of BUG (5.18, cc5095747edf). */
  readonly ext4WarnNotBug: boolean;
  /** ext4 still has ->writepage, so kswapd's pageout can write a page (gone by 6.3; 6.6 pageout activates). */
  readonly ext4Writepage: boolean;
  /**
   * GUP references are to be released with put_user_page*() (the 2019 plan,
   * step 1), so a put_page() on one is a latent mismatch even where it is
   * harmless today. Eras with pinBias check kinds by FOLL_GET/FOLL_PIN instead.
   */
  readonly userPageApi: boolean;
  /**
   * pin_page_for_dma() at the end of __get_user_pages (2018 dma_pinned_flags
   * series): isolate_lru_page, reuse page->lru for dma_pinned_flags/count;
   * put_user_page() drops the count but never puts the page back on the LRU.
   */
  readonly pinIsolatesFromLru: boolean;
  /** GUP(write) of a page-cache page holds lock_page until the release (Piggin, 2009). */
  readonly lockPageOverGup: boolean;
  /**
   * How bio completion (bio_release_pages) releases each page reference:
   * put_page for all; by a per-bvec GUP flag (Jérôme, 2019; a merged bvec
   * keeps one flag); or by a per-bio flag (Boaz; 6.5's BIO_PAGE_PINNED).
   */
  readonly bioRelease: 'put_page' | 'bvec-flag' | 'bio-flag';
  /** Every reference a bio takes is gup-like (BIAS): Jan Kara's uniform proposal; 6.5's pinned bios hold only pins. */
  readonly bioRefsPinned: boolean;
  /** Buffered writeback bios pin their pages too (the uniform proposal applied to every bio). */
  readonly writebackBioPins: boolean;
  /** Pinning and unpinning the shared zero page are no-ops (is_zero_folio, 6.5). */
  readonly zeroPagePinNoop: boolean;
  /** A R/O FOLL_LONGTERM pin of a page in a private (COW) file mapping unshares first (6.2, gup_must_unshare + is_cow_mapping). */
  readonly longtermCowUnshare: boolean;
}

/** The pre-2019 kernel (reference §3.1): get_user_pages + put_page, nothing tells a GUP ref apart. */
export const BASELINE_ERA: Era = {
  name: 'pre-2019 (~v4.14)',
  pinBias: false,
  reclaimPinnedCheck: false,
  longtermFileBan: false,
  anonExclusive: false,
  gupFastSeqcount: false,
  forkEarlyCow: false,
  cowReuse: 'mapcount',
  ext4WarnNotBug: false,
  ext4Writepage: true,
  userPageApi: false,
  pinIsolatesFromLru: false,
  lockPageOverGup: false,
  bioRelease: 'put_page',
  bioRefsPinned: false,
  writebackBioPins: false,
  zeroPagePinNoop: false,
  longtermCowUnshare: false,
};
