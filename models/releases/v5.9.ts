// Linux 5.9 (October 2020): COW reuse by refcount instead of mapcount, the
// forced COW break on GUP taken out again, and fork copying pinned pages.

import { bool } from '../../src/engine/schema.js';
import { defineProposal } from '../kernel/proposal.js';
import { v5_8 } from './v5.8.js';

export const v5_9 = defineProposal({
  name: 'v5.9',
  base: v5_8,
  release: true,
  era: 'v5.9',
  date: '2020-10',
  title: 'Linux 5.9',
  changes: 'do_wp_page reuses an anonymous page only if page_count is 1 (no lock sleep); GUP no longer forces a COW break; fork copies a maybe-pinned anonymous page for the child when the mm has ever pinned',
  notes: 'The refcount rule keeps CVE-2020-29374 closed without the forced break; the fork copy keeps an RDMA or io_uring pin on the parent\'s page.',
  commits: [
    {
      id: '09854ba94c6a',
      subject: 'mm: do_wp_page() simplification',
      what: 'wp_page_reuse only if page_count(page) == 1 (after trylock_page; no sleeping lock_page, no reuse_swap_page by mapcount): a page in the swap cache, whose reference counts, is always copied',
      hooks: ({ k }) => ({
        wpSleepsOnPageLock: () => false,
        wpCanReuse: (s, p) => !k.locked(s, p) && k.pg[p]!.ref.get(s) === 1,
        wpFreeSwap: () => {},
      }),
    },
    {
      id: 'a308c71bf1e6',
      subject: 'mm/gup: Remove enfornced COW mechanism',
      what: 'GUP no longer sets FOLL_WRITE to break COW on reads (should_force_cow_break is gone; the refcount rule of do_wp_page does the job); can_follow_write_pte needs FOLL_FORCE again',
      hooks: () => ({
        gupBreaksCow: () => false,
        canFollowWritePte: (_s, h, cowed, _p, w, d) => w || (h.force && cowed && d),
      }),
    },
    {
      id: '008cfe4418b3',
      subject: 'mm: Introduce mm_struct.has_pinned',
      what: 'the first FOLL_PIN in an mm sets mm->has_pinned, and it stays set',
      // mm->has_pinned (MMF_HAS_PINNED from 5.14): sticky once any FOLL_PIN was taken in the mm.
      state: () => ({ proc: { has_pinned: bool() } }),
      hooks: ({ k, base }) => {
        const hasPinned = k.procField('has_pinned');
        // mm_set_has_pinned_flag runs as a FOLL_PIN GUP starts: the model sets it when the pin is taken.
        const mark = (s: Uint32Array, hi: number) => { if (k.sh.holders[hi]!.kind === 'PIN') hasPinned[k.sh.holders[hi]!.proc]!.set(s, 1); };
        return {
          gupPinned: (s, hi, p) => { mark(s, hi); base.gupPinned(s, hi, p); },
          gupFastGrabbed: (s, hi) => { mark(s, hi); base.gupFastGrabbed(s, hi); },
        };
      },
    },
    {
      id: '70e806e4e645',
      subject: 'mm: Do early cow for pinned pages during fork() for ptes',
      what: 'copy_present_pte: if the parent mm has_pinned and page_maybe_dma_pinned(page), the child gets its own copy now and the parent keeps the pinned page writable',
      hooks: ({ k }) => {
        const hasPinned = k.procField('has_pinned');
        return {
          forkCopiesForChild: (s, p) => hasPinned[k.sh.forkParent]!.test(s) && k.maybeDmaPinned(s, p),
          forkWords: () => '; copy a maybe-pinned page for the child',
        };
      },
    },
    {
      id: 'd042035eaf5f',
      subject: 'mm/thp: Split huge pmds/puds if they\'re pinned when fork()',
      what: 'copy_huge_pmd: if is_cow_mapping, has_pinned and page_maybe_dma_pinned, __split_huge_pmd and -EAGAIN: the PTE pass then copies each subpage for the child (the pin count is folio-wide)',
      hooks: () => ({ forkSplitsPinnedHugePmd: () => true }),
    },
  ],
});
