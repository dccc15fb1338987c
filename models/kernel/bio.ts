// Direct-I/O bios (reference §3.5–3.7, and 6.5's BIO_PAGE_PINNED): a bio
// holding the GUP'd user page plus one more reference — ZERO_PAGE from the
// legacy DIO zero-fill (dio_zero_block), or the same page-cache page added
// by a non-GUP path and merged into the GUP page's bvec
// (__bio_try_merge_page) — both dropped at completion by
// bio_release_pages, which only knows what the era's bio records.

import { action, type Action } from '../../src/engine/model.js';
import { releaseAmount, type ReleaseKind } from './gup.js';
import { HOLDER, type Kernel } from './kernel.js';

export interface BioRelease {
  readonly page: number;
  readonly taken: 'GET' | 'PIN' | 'plain';
  readonly released: ReleaseKind;
  readonly amount: number;
}

/**
 * What bio_release_pages gives back for holder hi's bio in state s: the
 * GUP reference (if the GUP succeeded) and the second reference, each with
 * the release the era's bio bookkeeping picks.
 */
export function bioReleases(k: Kernel, s: Uint32Array, hi: number): BioRelease[] {
  const h = k.sh.holders[hi]!;
  const H = k.hd[hi]!;
  const era = k.sh.era;
  const unpin = (taken: BioRelease['taken'], page: number, zero: boolean): BioRelease =>
    ({ page, taken, released: 'unpin_user_page', amount: zero && era.zeroPagePinNoop ? 0 : releaseAmount(k, true) });
  const put = (taken: BioRelease['taken'], page: number): BioRelease => ({ page, taken, released: 'put_page', amount: 1 });
  const secondTaken = era.bioRefsPinned ? 'PIN' : 'plain';
  const zero = h.bio === 'zero-page';
  const out: BioRelease[] = [];
  const gup = H.pc.get(s) === HOLDER.held;
  const gupPage = H.page.get(s);
  switch (era.bioRelease) {
    case 'put_page':
      if (gup) out.push(put(h.kind, gupPage));
      out.push(put(secondTaken, h.bioPage));
      break;
    case 'bvec-flag': {
      // Merged into one bvec: one flag, from whichever reference made the bvec.
      const mergedPlain = !zero && H.plainFirst.test(s);
      if (gup) out.push(mergedPlain ? put(h.kind, gupPage) : unpin(h.kind, gupPage, false));
      out.push(zero || mergedPlain || !gup ? put(secondTaken, h.bioPage) : unpin(secondTaken, h.bioPage, false));
      break;
    }
    case 'bio-flag':
      // The bio is flagged GUP (it has a GUP page), so every page in it is unpinned.
      if (gup) out.push(unpin(h.kind, gupPage, false));
      out.push(gup ? unpin(secondTaken, h.bioPage, zero) : put(secondTaken, h.bioPage));
      break;
  }
  return out;
}

export function bioActions(k: Kernel, hi: number): Action[] {
  const h = k.sh.holders[hi]!;
  if (h.bio === null) return [];
  const H = k.hd[hi]!;
  const actor = h.id;
  const params = { holder: h.id };
  const what = h.bio === 'zero-page' ? 'ZERO_PAGE (dio_zero_block)' : `${k.sh.pages[h.bioPage]!.id} again from the page cache, merged into the same bvec`;
  const how = k.sh.era.bioRefsPinned ? (h.bioInc === 0 ? 'pin is a no-op' : 'pinned, ref += BIAS') : 'get_page, ref += 1';
  return [
    action({
      name: 'bio: bio_add_page (second reference)', actor, params,
      label: `${actor}: bio_add_page(${what}; ${how})`,
      // The zero-fill follows the user data; a page-cache reference can come first.
      guard: (s) => !H.bioAdded.test(s) && k.pr[h.proc]!.alive.test(s) &&
        (H.pc.get(s) === HOLDER.held || (h.bio === 'same-page' && H.pc.get(s) === HOLDER.start)),
      effect: (s) => {
        H.plainFirst.setBool(s, H.pc.get(s) === HOLDER.start);
        H.bioAdded.set(s, 1);
        k.getPage(s, h.bioPage, h.bioInc);
      },
    }),
    action({
      name: 'bio: bio_endio → bio_release_pages', actor: `${actor}/device`, params,
      label: `${actor}: I/O done, bio_endio → bio_release_pages (${k.sh.era.bioRelease === 'put_page' ? 'put_page every page' : k.sh.era.bioRelease === 'bvec-flag' ? 'unpin or put each bvec by its GUP flag' : 'bio flagged GUP: unpin every page'})`,
      guard: (s) => H.bioAdded.test(s) && (H.pc.get(s) === HOLDER.held || H.pc.get(s) === HOLDER.refused),
      effect: (s) => {
        for (const r of bioReleases(k, s, hi)) if (r.amount > 0) k.putPage(s, r.page, r.amount);
        H.pc.set(s, HOLDER.released);
      },
    }),
  ];
}
