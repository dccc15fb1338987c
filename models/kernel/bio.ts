// Direct-I/O bios (reference §3.5–3.7, and 6.5's BIO_PAGE_PINNED): a bio
// holding the GUP'd user page plus one more thing —
//  - "zero-page": ZERO_PAGE from the legacy DIO zero-fill (dio_zero_block),
//    in a bvec of its own, released at completion with the GUP page;
//  - "same-page": a second iovec in the same user page (readv), GUP'd again
//    and merged into the first page's bvec (__bio_try_merge_page), where the
//    merge site drops the duplicate reference at once: put_page() from 5.1
//    to 6.4 (__bio_iov_iter_get_pages: `if (same_page) put_page(page)`),
//    bio_release_page() by the bio's flag from 6.5.
// bio_endio → bio_release_pages then releases one reference per bvec page,
// as the era's bio bookkeeping says.

import { action, type Action } from '../../src/engine/model.js';
import { releaseAmount, type ReleaseKind } from './gup.js';
import { HOLDER, type Kernel } from './kernel.js';

export const BIO_ZERO = 'bio: dio_zero_block adds ZERO_PAGE';
export const BIO_MERGE = 'bio: second iovec, same page, merged';
export const BIO_ENDIO = 'bio: bio_endio → bio_release_pages';

export interface BioRelease {
  readonly page: number;
  readonly taken: 'GET' | 'PIN' | 'plain';
  readonly released: ReleaseKind;
  readonly amount: number;
}

/** How a reference of this kind goes back where the bio knows it is a pin, or does not. */
function release(k: Kernel, taken: BioRelease['taken'], page: number, asPin: boolean): BioRelease {
  const zeroNoop = page === k.sh.zeroSlot && k.sh.era.zeroPagePinNoop;
  return asPin
    ? { page, taken, released: 'unpin_user_page', amount: zeroNoop ? 0 : releaseAmount(k, true) }
    : { page, taken, released: 'put_page', amount: 1 };
}

/** The merge site dropping the duplicate GUP reference of a same-page iovec. */
export function bioMergeRelease(k: Kernel, hi: number): BioRelease {
  const h = k.sh.holders[hi]!;
  return release(k, h.kind, h.bioPage, k.sh.era.bioRefsPinned);
}

/** What bio_release_pages gives back for holder hi's bio in state s, one entry per bvec page. */
export function bioReleases(k: Kernel, s: Uint32Array, hi: number): BioRelease[] {
  const h = k.sh.holders[hi]!;
  const H = k.hd[hi]!;
  const era = k.sh.era;
  const out: BioRelease[] = [];
  const gup = H.pc.get(s) === HOLDER.held;
  // bvec flag: the GUP page's bvec is flagged GUP. Bio flag: the bio has a GUP page, so all of it is.
  if (gup) out.push(release(k, h.kind, H.page.get(s), era.bioRelease !== 'put_page'));
  if (h.bio === 'zero-page') {
    const asPin = era.bioRelease === 'bio-flag' ? gup || era.bioRefsPinned : false;
    out.push(release(k, era.bioRefsPinned ? 'PIN' : 'plain', h.bioPage, asPin));
  }
  return out;
}

export function bioActions(k: Kernel, hi: number): Action[] {
  const h = k.sh.holders[hi]!;
  if (h.bio === null) return [];
  const H = k.hd[hi]!;
  const actor = h.id;
  const params = { holder: h.id };
  const era = k.sh.era;
  const add = h.bio === 'zero-page'
    ? action({
      name: BIO_ZERO, actor, params,
      label: `${actor}: dio_zero_block: bio_add_page(ZERO_PAGE) in a bvec of its own (${era.bioRefsPinned ? (h.bioInc === 0 ? 'pinning the zero page is a no-op' : 'pinned, ref += BIAS') : 'get_page, ref += 1'})`,
      guard: (s) => !H.bioAdded.test(s) && H.pc.get(s) === HOLDER.held,
      effect: (s) => {
        H.bioAdded.set(s, 1);
        k.getPage(s, h.bioPage, h.bioInc);
      },
    })
    : action({
      name: BIO_MERGE, actor, params,
      label: `${actor}: second iovec in ${k.sh.pages[h.bioPage]!.id}: GUP it again (ref += ${h.inc > 1 ? 'BIAS' : '1'}), __bio_try_merge_page merges it, the merge site drops the duplicate with ${era.bioRefsPinned ? 'bio_release_page (by the bio\'s flag)' : 'put_page'}`,
      guard: (s) => !H.bioAdded.test(s) && H.pc.get(s) === HOLDER.held && H.page.get(s) === h.bioPage,
      effect: (s) => {
        H.bioAdded.set(s, 1);
        k.getPage(s, h.bioPage, h.inc);
        const r = bioMergeRelease(k, hi);
        if (r.amount > 0) k.putPage(s, r.page, r.amount);
      },
    });
  return [
    add,
    action({
      name: BIO_ENDIO, actor: `${actor}/device`, params,
      label: `${actor}: I/O done, bio_endio → bio_release_pages (${era.bioRelease === 'put_page' ? 'put_page every bvec page' : era.bioRelease === 'bvec-flag' ? 'unpin or put each bvec by its GUP flag' : 'bio flagged GUP: unpin every page'})`,
      guard: (s) => H.bioAdded.test(s) && (H.pc.get(s) === HOLDER.held || H.pc.get(s) === HOLDER.refused),
      effect: (s) => {
        for (const r of bioReleases(k, s, hi)) if (r.amount > 0) k.putPage(s, r.page, r.amount);
        H.pc.set(s, HOLDER.released);
      },
    }),
  ];
}
