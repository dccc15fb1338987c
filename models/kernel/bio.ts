// Direct-I/O bios (and 6.5's BIO_PAGE_PINNED): a bio
// holding the GUP'd user page plus one more thing —
//  - "zero-page": ZERO_PAGE from the legacy DIO zero-fill (dio_zero_block),
//    in a bvec of its own, released at completion with the GUP page;
//  - "same-page": a second iovec in the same user page (readv), GUP'd again
//    and merged into the first page's bvec (__bio_try_merge_page), where the
//    merge site drops the duplicate reference at once.
// How the merge site and bio_endio → bio_release_pages give references back
// (put_page for all before bios knew pins; by a per-bvec or per-bio flag in
// the proposals and 6.5) is the kernel's decision: the bio hooks.

import { action, type Action } from '../../src/engine/model.js';
import type { BioRelease, ReleaseKind, Taken } from './hooks.js';
import { HOLDER, type Kernel } from './kernel.js';

export type { BioRelease };

export const BIO_ZERO = 'bio: dio_zero_block adds ZERO_PAGE';
export const BIO_MERGE = 'bio: second iovec, same page, merged';
export const BIO_ENDIO = 'bio: bio_endio → bio_release_pages';

/**
 * A reference given back as a pin (unpin, by the kernel's pin amount; a
 * no-op on the zero page where pinning it is one) or as a plain put.
 */
export function bioRelease(k: Kernel, taken: Taken, page: number, asPin: boolean, zeroPinNoop = false): BioRelease {
  const released: ReleaseKind = asPin ? 'unpin_user_page' : 'put_page';
  if (!asPin) return { page, taken, released, amount: 1 };
  return { page, taken, released, amount: zeroPinNoop && page === k.sh.zeroSlot ? 0 : k.hooks.releaseAmount(released) };
}

export function bioActions(k: Kernel, hi: number): Action[] {
  const h = k.sh.holders[hi]!;
  if (h.bio === null) return [];
  const H = k.hd[hi]!;
  const K = k.hooks;
  const actor = h.id;
  const params = { holder: h.id };
  const zeroRef = h.bioInc === 0 ? 'pinning the zero page is a no-op' : h.bioInc > 1 ? 'pinned, ref += BIAS' : 'get_page, ref += 1';
  const merged = h.bio === 'same-page' ? K.bioMergeRelease(hi) : undefined;
  const add = h.bio === 'zero-page'
    ? action({
      name: BIO_ZERO, actor, params,
      label: `${actor}: dio_zero_block: bio_add_page(ZERO_PAGE) in a bvec of its own (${zeroRef})`,
      guard: (s) => !H.bioAdded.test(s) && H.pc.get(s) === HOLDER.held,
      effect: (s) => {
        H.bioAdded.set(s, 1);
        k.getPage(s, h.bioPage, h.bioInc);
      },
    })
    : action({
      name: BIO_MERGE, actor, params,
      label: `${actor}: second iovec in ${k.sh.pages[h.bioPage]!.id}: GUP it again (ref += ${h.inc > 1 ? 'BIAS' : '1'}), ${k.fn('bio.merge')} merges it, the merge site drops the duplicate with ${merged!.released === 'put_page' ? 'put_page' : 'bio_release_page (by the bio\'s flag)'}`,
      guard: (s) => !H.bioAdded.test(s) && H.pc.get(s) === HOLDER.held && H.page.get(s) === h.bioPage,
      effect: (s) => {
        H.bioAdded.set(s, 1);
        k.getPage(s, h.bioPage, h.inc);
        if (merged!.amount > 0) k.putPage(s, merged!.page, merged!.amount);
      },
    });
  return [
    add,
    action({
      name: BIO_ENDIO, actor: `${actor}/device`, params,
      label: `${actor}: I/O done, bio_endio → bio_release_pages (${K.bioEndioWords()})`,
      guard: (s) => H.bioAdded.test(s) && (H.pc.get(s) === HOLDER.held || H.pc.get(s) === HOLDER.refused),
      effect: (s) => {
        for (const r of K.bioReleases(s, hi)) if (r.amount > 0) k.putPage(s, r.page, r.amount);
        H.pc.set(s, HOLDER.released);
      },
    }),
  ];
}
