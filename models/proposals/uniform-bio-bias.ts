// Uniform bias (Jan Kara, April 2019, in the thread "[PATCH v1 00/15] Keep
// track of GUPed pages in fs and block"): every page
// reference a bio holds is gup-like — bio creators pin even page-cache and
// zero pages, and bio completion always unpins. No per-bvec state, so
// nothing to get wrong at merge or split; the price is that every page
// under I/O, buffered writeback included, reads as page_maybe_dma_pinned().

import { bioRelease } from '../kernel/bio.js';
import { HOLDER } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { gupBias } from './gup-bias.js';

export const uniformBioBias = defineProposal({
  name: 'uniform-bio-bias',
  base: gupBias,
  era: '2019 uniform bio bias',
  date: '2019-04',
  title: 'uniform bio bias (2019, Jan Kara): every bio page reference is a pin',
  changes: 'on top of gup-bias: every bio reference (direct I/O, zero page, buffered writeback) adds BIAS and completion unpins it',
  notes: 'Both bio scenarios balance: every bio reference is a pin and every bio release an unpin, so nothing per-bvec can go wrong, the merge site included. The price, false positives, is found as a witness, not a failure: every page under writeback, and ZERO_PAGE in a DIO bio, reads as page_maybe_dma_pinned() (I8.falsePositive). This era has no policy keyed on the predicate (that came with 5.9\'s fork copy and 6.4\'s reclaim check), so what those policies would do with the false positives is not exercised here; nor is the swap-cache policy (5.11\'s feb889fb40fa keeps a maybe-pinned page out of the swap cache), which this era does not have.',
  hooks: ({ k }) => ({
    dioGupKind: () => 'PIN',
    // Every bio reference is a pin: ZERO_PAGE too, and the merge site's duplicate goes back as one.
    bioZeroPageRef: () => k.sh.bias,
    bioMergeRelease: (hi) => bioRelease(k, k.sh.holders[hi]!.kind, k.sh.holders[hi]!.bioPage, true),
    bioReleases: (s, hi) => {
      const h = k.sh.holders[hi]!;
      const H = k.hd[hi]!;
      const out = [];
      if (H.pc.get(s) === HOLDER.held) out.push(bioRelease(k, h.kind, H.page.get(s), true));
      if (h.bio === 'zero-page') out.push(bioRelease(k, 'PIN', h.bioPage, true));
      return out;
    },
    bioEndioWords: () => 'bio flagged GUP: unpin every page',
    // Buffered writeback bios pin their page too, from submit to end_page_writeback.
    writebackBioGet: (s, p) => k.getPage(s, p, k.sh.bias),
    writebackBioPut: (s, p) => k.putPage(s, p, k.sh.bias),
    extraRefs: (s, p) => (k.pg[p]!.PG_writeback.test(s) ? k.sh.bias : 0),
    // A page under writeback, or ZERO_PAGE in a bio, reads as pinned with no FOLL_PIN holder.
    pinsWithoutGupHolder: () => (k.sh.flusher && k.sh.fileSlots.some((p) => k.isExt4(p))) || k.sh.holders.some((h) => h.bio !== null && h.bioInc > 0),
  }),
});
