// I2 PinsBalanced (reference §4, the mission): the refcount is exactly its
// holders (page cache, buffers, PTEs, GUP references at the era's weight,
// reclaim's isolation); each release gives back what its acquire took; at
// quiescence every count is back. Kernel symptom of a break: a leaked page
// (refcount never reaches 0) or a premature free (use after free), and a
// page_maybe_dma_pinned() that lies.

import { always, quiescent, sometimes, step } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

const PIN_RELEASES = new Set(['release: unpin_user_page']);
const GET_RELEASES = new Set(['release: put_page', 'release: put_user_page']);

export const I2: KernelProperty = {
  id: 'I2',
  title: 'pins balanced',
  applies: (k) => k.NH > 0,
  properties: (k) => {
    const identity = (s: Uint32Array) => {
      for (let p = 0; p < k.NP; p++) if (k.pg[p]!.ref.get(s) !== k.expectedRef(s, p)) return false;
      return true;
    };
    const byId = new Map(k.sh.holders.map((h) => [h.id, h]));
    return [
      always('I2', 'refcount = page cache + buffers + PTEs + GUP references (BIAS per pin where pins are biased) + isolation', identity),
      step('I2.kind', 'a reference is released with the function that matches how it was taken (put_page for FOLL_GET, unpin_user_page for FOLL_PIN)', (_p, a) => {
        const h = byId.get(String(a.params['holder'] ?? ''));
        if (h === undefined) return true;
        if (PIN_RELEASES.has(a.name)) return h.kind === 'PIN';
        if (GET_RELEASES.has(a.name)) return h.kind === 'GET';
        return true;
      }),
      quiescent('I2.quiescent', 'once every holder has released, every page\'s refcount is back to cache + buffers + PTEs', identity),
      sometimes('I2.witness', 'a GUP reference is taken and later released', (s) => {
        for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.released) return true;
        return false;
      }),
    ];
  },
};
