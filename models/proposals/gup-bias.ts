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
  notes: '§3.3 items 1–4 are found: tracking without policy keeps the ext4 BUG with pin_user_pages (I1 on ext4-pin-write); on release-mismatch a pin released by put_page leaks BIAS−1 (I2), a GET released by unpin_user_page underflows an anonymous page (I4) and, on the pinned page, takes the refcount below BIAS while the pin is still held, so page_maybe_dma_pinned() says false for a pinned page (I8, a false negative); with BIAS scaled to 5, plain references read as pinned (I8.falsePositive witnessed, I8 holds). The leak after munmap and truncate of §3.3 item 2 is not in the scenario. Direct I/O still uses FOLL_GET in this era (it pinned only from 6.5), so the dio scenarios balance.',
  era: { ...BASELINE_ERA, name: 'v5.7', pinBias: true },
};
