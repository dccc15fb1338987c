// One GUP flag per bio (Boaz Harrosh, April 2019, in the thread "[PATCH v1
// 00/15] Keep track of GUPed pages in fs and block"; or the low bit of a
// page pointer): a bio is either all-GUP or all-plain, and
// completion unpins every page of a GUP bio. The legacy direct-I/O path puts
// ZERO_PAGE references into the same bios as GUP pages.

import { bioRelease } from '../kernel/bio.js';
import { HOLDER } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { gupBias } from './gup-bias.js';

export const bioGupFlag = defineProposal({
  name: 'bio-gup-flag',
  base: gupBias,
  era: '2019 per-bio GUP flag',
  date: '2019-04',
  title: 'GUP flag per bio (2019, Boaz Harrosh / pointer low bit): completion unpins every page of a GUP bio',
  changes: 'on top of gup-bias: a bio with a GUP page is flagged, bio_release_pages unpins all its pages, plain references included',
  notes: 'The failure expected where legacy direct I/O puts ZERO_PAGE into a GUP bio is confirmed: ZERO_PAGE in a GUP bio is unpinned and its refcount underflows (I4, 3 steps). The merge site of dio-merge drops a pinned duplicate with put_page, as with the bvec flag (I2).',
  hooks: ({ k }) => ({
    dioGupKind: () => 'PIN',
    // Completion: the bio has a GUP page, so every page of it is unpinned — ZERO_PAGE's plain reference too.
    bioReleases: (s, hi) => {
      const h = k.sh.holders[hi]!;
      const H = k.hd[hi]!;
      const gup = H.pc.get(s) === HOLDER.held;
      const out = [];
      if (gup) out.push(bioRelease(k, h.kind, H.page.get(s), true));
      if (h.bio === 'zero-page') out.push(bioRelease(k, 'plain', h.bioPage, gup));
      return out;
    },
    bioEndioWords: () => 'bio flagged GUP: unpin every page',
  }),
});
