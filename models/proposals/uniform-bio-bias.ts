// Uniform bias (Jan Kara, 2019; reference §3.7): every page reference a bio
// holds is gup-like — bio creators pin even page-cache and zero pages, and
// bio completion always unpins. No per-bvec state, so nothing to get wrong
// at merge or split; the price is that every page under I/O, buffered
// writeback included, reads as page_maybe_dma_pinned().

import { gupBias } from './gup-bias.js';
import type { Proposal } from './proposal.js';

export const uniformBioBias: Proposal = {
  name: 'uniform-bio-bias',
  title: 'uniform bio bias (2019, Jan Kara): every bio page reference is a pin',
  changes: 'on top of gup-bias: every bio reference (direct I/O, zero page, buffered writeback) adds BIAS and completion unpins it',
  notes: 'Both bio scenarios balance: every bio reference is a pin and every bio release an unpin, so nothing per-bvec can go wrong, the merge site included. §3.7 (a) is found as a witness, not a failure: every page under writeback, and ZERO_PAGE in a DIO bio, reads as page_maybe_dma_pinned() (I8.falsePositive). This era has no policy keyed on the predicate (that came with 5.9\'s fork copy and 6.4\'s reclaim check), so what those policies would do with the false positives is not exercised here; (b), a pinned non-exclusive swap-cache page, needs swap, which is not modelled.',
  era: { ...gupBias.era, name: '2019 uniform bio bias', bioRelease: 'bio-flag', bioRefsPinned: true, writebackBioPins: true },
};
