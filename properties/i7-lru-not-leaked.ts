// I7 LRUNotLeaked: a page-cache page, or a mapped anonymous
// page, that nobody holds and reclaim has not isolated is on an LRU list,
// so reclaim can eventually find it. Kernel symptom: memory that can never
// be reclaimed until the file is truncated or unmounted (Dave Chinner's
// objection to dma_pinned_flags, 2018).

import { always, sometimes } from '../src/engine/model.js';
import type { KernelProperty } from './kernel-property.js';

export const I7: KernelProperty = {
  id: 'I7',
  title: 'LRU not leaked',
  applies: (k) => k.sh.reclaim,
  properties: (k) => [
    always('I7', 'an unheld, unisolated page-cache or mapped anonymous page is on the LRU', (s) => {
      for (let p = 0; p < k.NP; p++) {
        const g = k.pg[p]!;
        const tracked = k.inCache(s, p) || (k.isAnon(s, p) && g.map.get(s) > 0);
        if (tracked && !g.isolated.test(s) && !g.PG_lru.test(s) && k.holdersOn(s, p) === 0) return false;
      }
      return true;
    }),
    sometimes('I7.witness', 'reclaim takes a page off the LRU', (s) => {
      for (let p = 0; p < k.NP; p++) if (k.pg[p]!.isolated.test(s)) return true;
      return false;
    }),
  ],
};
