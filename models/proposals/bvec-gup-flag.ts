// A GUP flag per bio_vec (Jérôme Glisse, April 2019; Dan Williams: make
// bv_page a pfn_t with a PFN_* flag; reference §3.5), on top of the 5.7 pin
// bias it was meant to serve: each bvec remembers whether its reference came
// from GUP, and completion unpins or puts accordingly. A bvec that merges a
// second reference to the same page keeps one flag for both.

import { gupBias } from './gup-bias.js';
import type { Proposal } from './proposal.js';

export const bvecGupFlag: Proposal = {
  name: 'bvec-gup-flag',
  title: 'GUP flag per bio_vec (2019, bv_pfn / pfn_t): completion releases each bvec by its flag',
  changes: 'on top of gup-bias: bio_release_pages unpins a bvec flagged GUP and puts the others; a merged bvec has one flag',
  notes: 'The §3.5 derived failure is confirmed on dio-merge, both ways round: a plain reference first flags the merged bvec plain, and the pin\'s BIAS leaks (I2); the GUP reference first flags it GUP, and the plain reference is unpinned (refcount underflow, I4). ZERO_PAGE gets a bvec of its own with its own flag, so dio-zero-page balances.',
  era: { ...gupBias.era, name: '2019 bvec GUP flag', bioRelease: 'bvec-flag' },
};
