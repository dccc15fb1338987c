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
  notes: 'Both bio scenarios balance (nothing per-bvec to get wrong). §3.7 (a) is found as a witness, not a failure: every page under writeback, and ZERO_PAGE in a DIO bio, reads as page_maybe_dma_pinned() (I8.falsePositive), so every policy keyed on the predicate fires on them. (b), a pinned non-exclusive swap-cache page, needs swap, which is not modelled.',
  era: { ...gupBias.era, name: '2019 uniform bio bias', bioRelease: 'bio-flag', bioRefsPinned: true, writebackBioPins: true },
};
