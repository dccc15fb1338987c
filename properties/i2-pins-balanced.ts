// I2 PinsBalanced (reference §4, the mission): the refcount is exactly its
// holders (page cache, buffers, PTEs, GUP references at the era's weight,
// bio references, reclaim's isolation); each release gives back what its
// acquire took, with the function that matches how it was taken; at
// quiescence every count is back. Kernel symptom of a break: a leaked page
// (refcount never reaches 0) or a premature free (use after free), and a
// page_maybe_dma_pinned() that lies. In the put_user_page era a put_page()
// of a GUP reference is harmless today and an imbalance once pins are
// counted: I2.latent reports it as that latent mismatch (gupcheck compare
// shows a family whose only violations are *.latent as `latent`).

import { always, quiescent, sometimes, step, type Property } from '../src/engine/model.js';
import { BIO_ENDIO, BIO_MERGE, bioMergeRelease, bioReleases } from '../models/kernel/bio.js';
import { releaseMatches, type ReleaseKind } from '../models/kernel/gup.js';
import { HOLDER } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

/** The release function a holder's release action calls, by action name. */
const RELEASED_AS: Readonly<Record<string, ReleaseKind>> = {
  'release: put_page': 'put_page',
  'release: put_user_page': 'put_user_page',
  'release: unpin_user_page': 'unpin_user_page',
};

export const I2: KernelProperty = {
  id: 'I2',
  title: 'pins balanced',
  applies: (k) => activeHolders(k).length > 0,
  properties: (k) => {
    const identity = (s: Uint32Array) => k.refsBalanced(s);
    const byId = new Map(k.sh.holders.map((h, i) => [h.id, i]));
    const era = k.sh.era;
    const out: Property[] = [
      always('I2', 'refcount = page cache + buffers + PTEs + GUP references (BIAS per pin where pins are biased) + bio references + isolation', identity),
      quiescent('I2.quiescent', 'once every holder has released, every page\'s refcount is back to cache + buffers + PTEs', identity),
      sometimes('I2.witness', 'a GUP reference is taken and later released', (s) => {
        for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.released) return true;
        return false;
      }),
    ];
    if (era.pinBias || era.userPageApi) {
      // Without pin counting a wrong release changes nothing yet: a latent mismatch, not a violation.
      out.splice(1, 0, step(era.pinBias ? 'I2.kind' : 'I2.latent', era.pinBias
        ? 'every reference is released with the function that matches how it was taken (unpin_user_page for FOLL_PIN, put_page for FOLL_GET and plain references)'
        : 'every GUP reference is released with put_user_page*(), never put_page() (a latent imbalance once pins are counted)', (prev, a) => {
        const hi = byId.get(String(a.params['holder'] ?? ''));
        if (hi === undefined) return true;
        if (a.name === BIO_ENDIO) return bioReleases(k, prev, hi).every((r) => releaseMatches(k, r.taken, r.released));
        if (a.name === BIO_MERGE) {
          const r = bioMergeRelease(k, hi);
          return releaseMatches(k, r.taken, r.released);
        }
        const released = RELEASED_AS[a.name];
        return released === undefined || releaseMatches(k, k.sh.holders[hi]!.kind, released);
      }));
    }
    if (era.pinIsolatesFromLru) {
      out.splice(1, 0, step('I2.dmaCount', 'put_user_page() finds dma_pinned_count > 0 (else VM_BUG_ON_PAGE, or a decrement of page->lru, which the count shares)', (prev, a) => {
        const hi = byId.get(String(a.params['holder'] ?? ''));
        if (hi === undefined || RELEASED_AS[a.name] === undefined || a.name === 'release: put_page') return true;
        return k.pg[k.hd[hi]!.page.get(prev)]!.dmaPins.get(prev) > 0;
      }));
    }
    return out;
  },
};
