// I2 PinsBalanced (the mission): the refcount is exactly its
// holders (page cache, buffers, PTEs, GUP references at the kernel's weight,
// bio references, reclaim's isolation, and what the kernel's hooks add);
// at quiescence every count is back. Kernel symptom of a break: a leaked
// page (refcount never reaches 0) or a premature free (use after free), and
// a page_maybe_dma_pinned() that lies.
//
// Where a kernel gives GUP references a release function of their own, it
// adds a release-kind check with releaseKindStep below: I2.kind (5.7's
// FOLL_PIN: unpin what was pinned, put what was got) or I2.latent (2019's
// put_user_page: harmless today, an imbalance once pins are counted;
// gupcheck compare shows a family whose only violations are *.latent as
// `latent`).

import { always, quiescent, sometimes, step, type Property, type StepProperty } from '../src/engine/model.js';
import { BIO_ENDIO, BIO_MERGE } from '../models/kernel/bio.js';
import type { ReleaseKind } from '../models/kernel/hooks.js';
import { HOLDER, type Kernel } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

/** The release function a holder's release action calls, by action name. */
export const RELEASED_AS: Readonly<Record<string, ReleaseKind>> = {
  'release: put_page': 'put_page',
  'release: put_user_page': 'put_user_page',
  'release: unpin_user_page': 'unpin_user_page',
};

export const I2: KernelProperty = {
  id: 'I2',
  title: 'pins balanced',
  applies: (k) => activeHolders(k).length > 0,
  properties: (k) => {
    // With a THP, pins of a large folio are also counted apart where the release does (5.7+).
    const identity = k.hasThp ? (s: Uint32Array) => k.refsBalanced(s) && k.pincountsBalanced(s) : (s: Uint32Array) => k.refsBalanced(s);
    return [
      always('I2', `refcount = page cache + buffers + PTEs + GUP references (BIAS per pin where pins are biased) + bio references + isolation${k.hasThp ? '; a THP\'s refcount is its folio\'s (one per PMD, one per PTE of a subpage), and where large folios count pins apart its pin count is the pins held on its subpages' : ''}`, identity),
      quiescent('I2.quiescent', 'once every holder has released, every page\'s refcount is back to cache + buffers + PTEs', identity),
      sometimes('I2.witness', 'a GUP reference is taken and later released', (s) => {
        for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.released) return true;
        return false;
      }),
    ];
  },
};

/**
 * A release-kind check (a step property): every reference a holder or its
 * bio gives back is given back with a function the kernel's releaseMatches
 * hook accepts for how it was taken. A proposal that introduces a release
 * API adds it under its own name (I2.kind, I2.latent); n/a without holders.
 */
export function releaseKindStep(k: Kernel, name: string, description: string): StepProperty[] {
  if (activeHolders(k).length === 0) return [];
  const byId = new Map(k.sh.holders.map((h, i) => [h.id, i]));
  const K = k.hooks;
  return [step(name, description, (prev, a) => {
    const hi = byId.get(String(a.params['holder'] ?? ''));
    if (hi === undefined) return true;
    if (a.name === BIO_ENDIO) return K.bioReleases(prev, hi).every((r) => K.releaseMatches(r.taken, r.released));
    if (a.name === BIO_MERGE) {
      const r = K.bioMergeRelease(hi);
      return K.releaseMatches(r.taken, r.released);
    }
    const released = RELEASED_AS[a.name];
    return released === undefined || K.releaseMatches(k.sh.holders[hi]!.kind, released);
  }, { watches: (a) => byId.has(String(a.params['holder'] ?? '')) && (a.name === BIO_ENDIO || a.name === BIO_MERGE || RELEASED_AS[a.name] !== undefined) })];
}

export type { Property };
