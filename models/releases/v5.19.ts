// Linux 5.19 (July 2022): PageAnonExclusive (David Hildenbrand, "mm: COW
// fixes part 2: reliable GUP pins of anonymous pages").

import { defineProposal } from '../kernel/proposal.js';
import { v5_18 } from './v5.18.js';
import { anonPinsExclusive } from '../../properties/i3-anon-pins-exclusive.js';
import { anonWritableExclusive, swapcacheNotExclusive } from '../../properties/structure.js';

export const v5_19 = defineProposal({
  name: 'v5.19',
  base: v5_18,
  release: true,
  era: 'v5.19',
  date: '2022-07',
  title: 'Linux 5.19',
  changes: 'PG_anon_exclusive: do_wp_page reuses an exclusive page, a R/O pin of a possibly shared anonymous page unshares it first, fork copies a pinned exclusive page, pinning a non-exclusive anonymous page is a VM_BUG_ON',
  notes: 'A pin of anonymous memory stays on the page the process maps.',
  commits: [
    {
      id: '6c287605fd56',
      subject: 'mm: remember exclusively mapped anonymous pages with PG_anon_exclusive',
      what: 'do_wp_page (and do_huge_pmd_wp_page for a THP) reuses a PageAnonExclusive page at once; fork (page_try_dup_anon_rmap) refuses to share an exclusive page that needs COW for DMA (has_pinned and maybe pinned) and copies it for the child; try_to_unmap_one and try_to_migrate_one (page_try_share_anon_rmap) restore the PTE and fail on an exclusive page that may be pinned — for swap unmapping fails, and migration backs off before its refcount check',
      hooks: ({ k, base }) => {
        const hasPinned = k.procField('has_pinned');
        return {
          wpCanReuse: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s) || (!k.locked(s, p) && k.pg[p]!.ref.get(s) === 1),
          // do_huge_pmd_wp_page: `if (PageAnonExclusive(page)) goto reuse;` before the page_count test.
          hugeWpCanReuse: (s, f) => k.pg[f]!.PG_anon_exclusive.test(s) || base.hugeWpCanReuse(s, f),
          // An exclusive page is reused without looking at the swap cache.
          wpFreeSwap: (s, p) => { if (!k.pg[p]!.PG_anon_exclusive.test(s)) base.wpFreeSwap(s, p); },
          // try_to_migrate_one backs off the same way: for migration, the page stays.
          migrateRefuses: () => [...base.migrateRefuses(), {
            name: 'try_to_migrate refused, putback',
            label: 'try_to_migrate_one: page_try_share_anon_rmap fails (an exclusive page that may be pinned): restore the PTE, putback',
            when: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s) && k.maybeDmaPinned(s, p),
          }],
          reclaimUnmapAnon: () => [...base.reclaimUnmapAnon(), {
            name: 'try_to_unmap refused, activate',
            label: 'try_to_unmap_one: page_try_share_anon_rmap fails (an exclusive page that may be pinned): restore the PTE, activate',
            when: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s) && k.maybeDmaPinned(s, p),
          }],
          forkCopiesForChild: (s, p) => hasPinned[k.sh.forkParent]!.test(s) && k.pg[p]!.PG_anon_exclusive.test(s) && k.maybeDmaPinned(s, p),
          forkWords: () => '; copy a pinned exclusive page for the child',
        };
      },
      properties: (k) => anonWritableExclusive(k),
    },
    {
      id: '1493a1913e34',
      subject: 'mm/swap: remember PG_anon_exclusive via a swp pte bit',
      what: 'try_to_unmap_one keeps an exclusive page\'s exclusivity in the swap PTE (pte_swp_mkexclusive); do_swap_page maps the page exclusive — writable on a write fault — if the swap PTE had the bit or page_count is 1, on a read fault too',
      hooks: ({ k }) => ({
        swapPteExclusive: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s),
        doSwapPageExclusive: (s, p, swpExclusive, write) => {
          if (write && k.pg[p]!.ref.get(s) === 2) k.tryToFreeSwap(s, p);
          return swpExclusive || k.pg[p]!.ref.get(s) === 1;
        },
      }),
      properties: (k) => swapcacheNotExclusive(k),
    },
    {
      id: 'a7f226604170',
      subject: 'mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page',
      what: 'gup_must_unshare: a R/O FOLL_PIN of an anonymous page that is not PageAnonExclusive faults with FAULT_FLAG_UNSHARE first (c89357e27f20 "mm: support GUP-triggered unsharing of anonymous pages" adds the fault)',
      hooks: ({ k, base }) => ({
        gupMustUnshare: (s, h, p) => (h.kind === 'PIN' && !h.write && k.isAnon(s, p) ? !k.pg[p]!.PG_anon_exclusive.test(s) : base.gupMustUnshare(s, h, p)),
      }),
    },
    {
      id: 'b6a2619c60b4',
      subject: 'mm/gup: sanity-check with CONFIG_DEBUG_VM that anonymous pages are exclusive when (un)pinning',
      what: 'sanity_check_pinned_pages: VM_BUG_ON if a pinned anonymous page is not PageAnonExclusive — from here on I3 is a property of the kernel',
      properties: (k) => anonPinsExclusive(k),
    },
  ],
});
