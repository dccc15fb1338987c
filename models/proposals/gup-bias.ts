// FOLL_PIN as merged in 5.7 ("mm/gup: track FOLL_PIN pages", 3faa52c03f44;
// reference §3.3): pin_user_pages() adds GUP_PIN_COUNTING_BIAS to the
// refcount, unpin_user_page() subtracts it, page_maybe_dma_pinned() reads
// refcount >= BIAS. Tracking without policy: writeback, reclaim and fork do
// not look at it yet.

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const gupBias: Proposal = {
  name: 'gup-bias',
  title: 'FOLL_PIN with GUP_PIN_COUNTING_BIAS (5.7): pins counted, no policy yet',
  changes: 'a pin adds BIAS to the refcount and unpin subtracts it; page_maybe_dma_pinned() exists',
  era: { ...BASELINE_ERA, name: 'v5.7', pinBias: true },
};
