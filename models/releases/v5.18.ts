// Linux 5.18 (May 2022): ext4 stops BUG()ing on a dirty page without buffers.

import { defineProposal } from '../kernel/proposal.js';
import { v5_13 } from './v5.13.js';

export const v5_18 = defineProposal({
  name: 'v5.18',
  base: v5_13,
  release: true,
  era: 'v5.18',
  date: '2022-05',
  title: 'Linux 5.18',
  changes: 'ext4 WARNs and clears PG_dirty on a dirty page without buffers instead of BUG()',
  notes: 'The ext4 crash becomes silent data loss.',
  commits: [{
    id: 'c145e0b47c77',
    subject: 'mm: streamline COW logic in do_swap_page()',
    what: 'do_swap_page: swap_free, then should_try_to_free_swap (a write fault and page_count 2: try_to_free_swap), then a write fault maps the page writable only if page_count is 1 — by refcount, not reuse_swap_page\'s mapcount + swapcount: a pinned page is mapped read-only and do_wp_page copies it',
    hooks: ({ k }) => ({
      doSwapPageExclusive: (s, p, _swpExclusive, write) => {
        // The model's refcount counts the PTE where the kernel's counts the lookup reference.
        if (write && k.pg[p]!.ref.get(s) === 2) k.tryToFreeSwap(s, p);
        return write && k.pg[p]!.ref.get(s) === 1;
      },
    }),
  }, {
    id: '53a05ad9f21d',
    subject: 'mm: optimize do_wp_page() for exclusive pages in the swapcache',
    what: 'do_wp_page: if page_count <= 1 + PageSwapCache, trylock_page and try_to_free_swap before the page_count == 1 test (a pinned swap-cache page is still copied)',
    hooks: ({ k }) => ({
      wpFreeSwap: (s, p) => {
        if (k.swapSlotOf(s, p) >= 0 && !k.locked(s, p) && k.pg[p]!.ref.get(s) <= 2) k.tryToFreeSwap(s, p);
      },
    }),
  }, {
    id: '3bff7e3f1f16',
    subject: 'mm/huge_memory: streamline COW logic in do_huge_pmd_wp_page()',
    what: 'do_huge_pmd_wp_page reuses a THP by page_count (1, or 1 + HPAGE_PMD_NR in the swap cache, which try_to_free_swap then drops), not by reuse_swap_page\'s mapcount: a pinned THP is split and its subpage copied',
    hooks: ({ k }) => ({ hugeWpCanReuse: (s, f) => !k.locked(s, f) && k.pg[f]!.ref.get(s) === 1 }),
  }, {
    id: '5abfd71d936a',
    subject: 'mm: don\'t skip swap entry even if zap_details specified',
    what: 'zap_pte_range zaps swap entries under zap_details too (should_zap_cows: when even_cows, which truncate sets): before it, truncate left a swapped-out private COW copy of the file mapped',
    backports: ['5.10.y', '5.15.y', '5.16.y', '5.17.y'],
    hooks: () => ({ truncateZapsSwapEntries: () => true }),
  }, {
    id: 'a458b76a4171',
    subject: 'mm: gup: pack has_pinned in MMF_HAS_PINNED',
    what: 'mm->has_pinned (5.9) becomes the MMF_HAS_PINNED bit of mm->flags, set by mm_set_has_pinned_flag and still never cleared (5.14): the same rule, which the model keeps as proc.has_pinned',
  }, {
    id: 'cc5095747edf',
    subject: 'ext4: don\'t BUG if someone dirty pages without asking ext4 first',
    what: 'mpage_prepare_extent_to_map (and ext4_writepage): "page does not have buffers attached" warning, ClearPageDirty, skip the page',
    backports: ['4.9.311', '4.14.276', '4.19.238', '5.4.189', '5.10.110', '5.15.33', '5.16.19', '5.17.2'],
    hooks: ({ k }) => ({
      noBuffersAtWriteback: () => ({
        name: 'WARN no buffers, ClearPageDirty',
        label: 'mpage_prepare_extent_to_map: "page does not have buffers attached": WARN, ClearPageDirty, skip (the data is dropped)',
        handle: (s, p) => {
          k.pg[p]!.PG_dirty.set(s, 0);
          return false;
        },
      }),
    }),
  }],
});
