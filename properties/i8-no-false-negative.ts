// I8 NoFalseNegative (reference §4): a page with a FOLL_PIN holder reads as
// page_maybe_dma_pinned(). False positives are allowed ("false is not
// fuzzy, true may be a false positive"). Only eras with pin tracking have
// the predicate. Kernel symptom: fork shares, or reclaim strips, a page that
// is pinned.

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

export const I8: KernelProperty = {
  id: 'I8',
  title: 'no false negative of page_maybe_dma_pinned',
  applies: (k) => k.sh.era.pinBias && k.sh.holders.some((h) => h.kind === 'PIN'),
  properties: (k) => {
    const pinned = (s: Uint32Array, i: number) => {
      const pc = k.hd[i]!.pc.get(s);
      return k.sh.holders[i]!.kind === 'PIN' && (pc === HOLDER.held || pc === HOLDER.dirtied);
    };
    return [
      always('I8', 'a page with a FOLL_PIN holder reads as page_maybe_dma_pinned()', (s) => {
        for (let i = 0; i < k.NH; i++) if (pinned(s, i) && !k.maybeDmaPinned(s, k.hd[i]!.page.get(s))) return false;
        return true;
      }),
      sometimes('I8.witness', 'a page is pinned with FOLL_PIN', (s) => {
        for (let i = 0; i < k.NH; i++) if (pinned(s, i)) return true;
        return false;
      }),
    ];
  },
};
