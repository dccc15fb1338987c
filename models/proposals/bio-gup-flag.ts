// One GUP flag per bio (Boaz Harrosh; or the low bit of a page pointer;
// reference §3.6): a bio is either all-GUP or all-plain, and completion
// unpins every page of a GUP bio. The legacy direct-I/O path puts
// ZERO_PAGE references into the same bios as GUP pages.

import { gupBias } from './gup-bias.js';
import type { Proposal } from './proposal.js';

export const bioGupFlag: Proposal = {
  name: 'bio-gup-flag',
  title: 'GUP flag per bio (2019, Boaz Harrosh / pointer low bit): completion unpins every page of a GUP bio',
  changes: 'on top of gup-bias: a bio with a GUP page is flagged, bio_release_pages unpins all its pages, plain references included',
  notes: 'The §3.6 derived failure is confirmed: ZERO_PAGE in a GUP bio is unpinned and its refcount underflows (I4, 3 steps). The merge site of dio-merge drops a pinned duplicate with put_page, as with the bvec flag (I2).',
  era: { ...gupBias.era, name: '2019 per-bio GUP flag', bioRelease: 'bio-flag' },
};
