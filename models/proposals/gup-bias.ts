// FOLL_PIN as merged in 5.7 ("mm/gup: track FOLL_PIN pages", 3faa52c03f44):
// Linux 5.7 as released (models/releases/v5.7.ts), under the name the
// comparison has always used. Tracking without policy: writeback, reclaim
// and fork do not look at pins yet.

import { defineProposal } from '../kernel/proposal.js';
import { v5_7 } from '../releases/v5.7.js';

export const gupBias = defineProposal({
  name: 'gup-bias',
  base: v5_7,
  era: 'v5.7',
  date: '2020-05',
  title: 'FOLL_PIN with GUP_PIN_COUNTING_BIAS (5.7): pins counted, no policy yet',
  changes: 'Linux 5.7 as released: a pin adds BIAS to the refcount and unpin subtracts it; page_maybe_dma_pinned() exists',
  notes: 'Tracking without policy keeps the ext4 BUG with pin_user_pages (I1 on ext4-pin-write); on release-mismatch a pin released by put_page leaks BIAS−1 (I2), a GET released by unpin_user_page underflows an anonymous page (I4) and, on the pinned page, takes the refcount below BIAS while the pin is still held, so page_maybe_dma_pinned() says false for a pinned page (I8, a false negative); with BIAS scaled to 5, plain references read as pinned (I8.falsePositive witnessed, I8 holds). Direct I/O still uses FOLL_GET in this release (it pinned only from 6.5), so the dio scenarios balance.',
});
