// Linux 5.7 (May 2020): pins are counted in the refcount.

import { releaseKindStep } from '../../properties/i2-pins-balanced.js';
import { defineProposal } from '../kernel/proposal.js';
import { v5_6 } from './v5.6.js';

export const v5_7 = defineProposal({
  name: 'v5.7',
  base: v5_6,
  release: true,
  era: 'v5.7',
  date: '2020-05',
  title: 'Linux 5.7',
  changes: 'a pin adds GUP_PIN_COUNTING_BIAS to the refcount, unpin subtracts it, page_maybe_dma_pinned() exists',
  notes: 'Tracking without policy: writeback, reclaim and fork do not look at pins yet.',
  commits: [{
    id: '3faa52c03f44',
    subject: 'mm/gup: track FOLL_PIN pages',
    what: 'try_grab_page(FOLL_PIN) adds GUP_PIN_COUNTING_BIAS; unpin_user_page subtracts it; page_maybe_dma_pinned() reads refcount >= BIAS',
    hooks: ({ k }) => ({
      gupRefIncrement: (kind) => (kind === 'PIN' ? k.sh.bias : 1),
      releaseAmount: (fn) => (fn === 'put_page' ? 1 : k.sh.bias),
      // (unsigned int)page_ref_count(page) >= GUP_PIN_COUNTING_BIAS: a negative count reads as pinned.
      folioMaybeDmaPinned: (s, p) => { const r = k.pg[p]!.ref.get(s); return r < 0 || r >= k.sh.bias; },
      // Pins go back with unpin_user_page (put_user_page is its earlier name); everything else with put_page.
      releaseMatches: (taken, released) => (taken === 'PIN' ? released !== 'put_page' : released === 'put_page'),
    }),
    properties: (k) => releaseKindStep(k, 'I2.kind', 'every reference is released with the function that matches how it was taken (unpin_user_page for FOLL_PIN, put_page for FOLL_GET and plain references)'),
  }, {
    id: '47e29d32afba',
    subject: 'mm/gup: page->hpage_pinned_refcount: exact pin counts for huge pages',
    what: 'a pin of a compound page of order > 1 adds 1 to the refcount and 1 to hpage_pinned_refcount (the second tail page), not GUP_PIN_COUNTING_BIAS; unpin subtracts both; page_maybe_dma_pinned reads that count for such a page',
    hooks: () => ({ largeFolioPincount: () => true }),
  }],
});
