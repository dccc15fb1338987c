// I4 NoUnderflow / NoUAF: the refcount never goes below zero,
// and a page whose refcount reached zero (freed) has no PTE, no GUP holder,
// no page-cache membership and is not on the LRU. Kernel symptom: "page
// dumped because: VM_BUG_ON_PAGE(page_ref_count(page) == 0)", use after free.
// I4.writeback: a page under writeback stays in the page cache until the
// write completes (truncate and reclaim wait for PG_writeback), because
// end_page_writeback still uses the page, its mapping and its buffers.

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

export const I4: KernelProperty = {
  id: 'I4',
  title: 'no refcount underflow, no use after free',
  applies: (k) => activeHolders(k).length > 0,
  properties: (k) => [
    always('I4', 'no put takes a refcount below zero', (s) => {
      for (let p = 0; p < k.NP; p++) if (k.pg[p]!.refcountUnderflow.test(s)) return false;
      return true;
    }),
    always('I4.uaf', 'a page with refcount 0 is out of the page cache, off the LRU, unmapped and unheld, and was so when it was freed', (s) => {
      for (let p = 0; p < k.NP; p++) {
        const g = k.pg[p]!;
        if (g.freedInUse.test(s)) return false;
        if (g.ref.get(s) !== 0) continue;
        if (g.mapping.get(s) !== 0 || g.PG_lru.test(s) || k.ptesMapping(s, p) > 0 || k.holdersOn(s, p) > 0) return false;
      }
      return true;
    }),
    ...(!k.sh.flusher && !k.sh.reclaim ? [] : [always('I4.writeback', 'a page under writeback is still in the page cache (truncate_inode_pages_range and reclaim wait for PG_writeback; else end_page_writeback touches a deleted page)', (s) => {
      for (const p of k.sh.fileSlots) if (k.pg[p]!.PG_writeback.test(s) && !k.inCache(s, p)) return false;
      return true;
    })]),
    sometimes('I4.witness', 'a GUP holder drops its reference', (s) => {
      for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.released) return true;
      return false;
    }),
  ],
};
