// FOLL_PIN as merged in 5.7 ("mm/gup: track FOLL_PIN pages", 3faa52c03f44;
// reference §3.3): pin_user_pages() adds GUP_PIN_COUNTING_BIAS to the
// refcount, unpin_user_page() subtracts it, page_maybe_dma_pinned() reads
// refcount >= BIAS. Tracking without policy: writeback, reclaim and fork do
// not look at it yet.

import { releaseKindStep } from '../../properties/i2-pins-balanced.js';
import { defineProposal } from '../kernel/proposal.js';
import { baseline } from './baseline.js';

export const gupBias = defineProposal({
  name: 'gup-bias',
  base: baseline,
  era: 'v5.7',
  date: '2020-05',
  title: 'FOLL_PIN with GUP_PIN_COUNTING_BIAS (5.7): pins counted, no policy yet',
  changes: 'a pin adds BIAS to the refcount and unpin subtracts it; page_maybe_dma_pinned() exists',
  notes: '§3.3 items 1–4 are found: tracking without policy keeps the ext4 BUG with pin_user_pages (I1 on ext4-pin-write); on release-mismatch a pin released by put_page leaks BIAS−1 (I2), a GET released by unpin_user_page underflows an anonymous page (I4) and, on the pinned page, takes the refcount below BIAS while the pin is still held, so page_maybe_dma_pinned() says false for a pinned page (I8, a false negative); with BIAS scaled to 5, plain references read as pinned (I8.falsePositive witnessed, I8 holds). The leak after munmap and truncate of §3.3 item 2 is not in the scenario. Direct I/O still uses FOLL_GET in this era (it pinned only from 6.5), so the dio scenarios balance.',
  hooks: ({ k }) => ({
    // try_grab_page(FOLL_PIN): page_ref_add(page, GUP_PIN_COUNTING_BIAS).
    gupRefIncrement: (kind) => (kind === 'PIN' ? k.sh.bias : 1),
    // unpin_user_page (put_user_page until its 5.6 rename): page_ref_sub_and_test(BIAS).
    releaseAmount: (fn) => (fn === 'put_page' ? 1 : k.sh.bias),
    // page_maybe_dma_pinned: page_ref_count(page) >= GUP_PIN_COUNTING_BIAS.
    folioMaybeDmaPinned: (s, p) => k.pg[p]!.ref.get(s) >= k.sh.bias,
    // Pins go back with unpin_user_page (put_user_page is its earlier name); everything else with put_page.
    releaseMatches: (taken, released) => (taken === 'PIN' ? released !== 'put_page' : released === 'put_page'),
  }),
  properties: (k) => releaseKindStep(k, 'I2.kind', 'every reference is released with the function that matches how it was taken (unpin_user_page for FOLL_PIN, put_page for FOLL_GET and plain references)'),
});
