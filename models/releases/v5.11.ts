// Linux 5.11 (February 2021): GUP-fast checks mm->write_protect_seq, so it
// cannot pin a page fork is write-protecting.

import { enumOf } from '../../src/engine/schema.js';
import { FORK } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { v5_9 } from './v5.9.js';

export const v5_11 = defineProposal({
  name: 'v5.11',
  base: v5_9,
  release: true,
  era: 'v5.11',
  date: '2021-02',
  title: 'Linux 5.11',
  changes: 'GUP-fast pins read mm->write_protect_seq, which fork holds odd while it copies page tables, and undo the pin if it moved; clearing soft-dirty bits leaves a maybe-pinned page\'s PTE writable',
  notes: 'A GUP-fast pin can no longer race fork\'s copy.',
  commits: [{
    id: '57efa1fe5957',
    subject: 'mm/gup: prevent gup_fast from racing with COW during fork',
    what: 'lockless_pages_from_mm reads write_protect_seq before the walk and, for FOLL_PIN, unpins everything and falls back to the slow path if it changed',
    // mm->write_protect_seq as a GUP-fast pin read it before its walk: fork's phase then
    // (copying: the sequence is odd, and the pin gives up).
    state: () => ({ holder: { seq: enumOf(['-', 'copying', 'done']) } }),
    hooks: ({ k, base }) => {
      const seq = k.holderField('seq');
      const forked = k.root.forked;
      return {
        gupFastGrabbed: (s, hi) => { seq[hi]!.set(s, forked.get(s)); },
        gupFastUndone: (s, hi) => { seq[hi]!.set(s, 0); },
        // read_seqcount_retry: the pin stands only if the sequence was even and has not moved.
        gupFastPinAllowed: (s, hi, p) => !(k.sh.holders[hi]!.kind === 'PIN' && (seq[hi]!.get(s) !== forked.get(s) || seq[hi]!.get(s) === FORK.copying)) &&
          base.gupFastPinAllowed(s, hi, p),
      };
    },
  }, {
    id: 'feb889fb40fa',
    subject: 'mm: don\'t put pinned pages into the swap cache',
    what: 'shrink_page_list: an anonymous page not yet in the swap cache that page_maybe_dma_pinned() goes to keep_locked instead of add_to_swap (a page pinned after add_to_swap is still unmapped; FOLL_GET references are not seen)',
    backports: ['5.10.y'],
    hooks: ({ k, base }) => ({
      reclaimBeforeAddToSwap: () => [...base.reclaimBeforeAddToSwap(), {
        name: 'maybe_dma_pinned, keep',
        label: 'page_maybe_dma_pinned: keep the page, out of the swap cache (5.11: no pinned page into the swap cache)',
        when: (s, p) => k.maybeDmaPinned(s, p),
      }],
    }),
  }, {
    id: '9348b73c2e1b',
    subject: 'mm: don\'t play games with pinned pages in clear_page_refs',
    what: 'clear_soft_dirty leaves a writable PTE alone if pte_is_pinned: a COW mapping, mm->has_pinned, page_maybe_dma_pinned (write-protecting it would make the next write COW the page away from the pin)',
    hooks: ({ k }) => {
      const hasPinned = k.procField('has_pinned');
      return {
        clearRefsSkips: (s, q, v, p) => k.pr[q]!.vma[v]!.w.test(s) && !k.sh.procs[q]!.vmas[v]!.shared && hasPinned[q]!.test(s) && k.maybeDmaPinned(s, p),
      };
    },
  }],
});
