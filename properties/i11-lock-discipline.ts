// I11 LockDiscipline: every step the kernel runs under the page lock
// declares it where the step is defined (models/kernel: underPageLock) —
// writeback's clean and submit, reclaim from its trylock to the free,
// truncate's cleanup and removal, the dirtying releases, the faults of file
// VMAs — and I11 checks each: the lock held by the step's owner, or, for a
// step that takes it, free or its own. set_page_dirty on a page-cache page
// runs with the page locked (set_page_dirty_lock), not racing truncate. Deadlock freedom
// is the engine's deadlock check. Kernel symptom: VM_BUG_ON(!PageLocked) in
// clear_page_dirty_for_io, BUG_ON in try_to_free_buffers, or a
// set_page_dirty on a page truncate is freeing.

import { sometimes, step, type Property } from '../src/engine/model.js';
import { HOLDER, OWNER, pageLockOf } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

export const I11: KernelProperty = {
  id: 'I11',
  title: 'lock discipline',
  applies: (k) => ((k.sh.flusher || k.sh.reclaim || k.sh.truncate || k.sh.fsync) && k.sh.fileSlots.length > 0) ||
    k.sh.holders.some((h) => h.release === 'set_page_dirty+put_page'),
  properties: (k) => {
    const byId = new Map(k.sh.holders.map((h, i) => [h.id, i]));
    const out: Property[] = [
      step('I11', 'every step declared to run under a page lock runs with it held by its owner, or takes it while nobody else holds it; set_page_dirty on a cached page holds the lock', (prev, a) => {
        const d = pageLockOf(a);
        if (d !== undefined) {
          const p = d.page(prev);
          if (p >= 0) {
            const o = k.pg[p]!.PG_locked.get(prev);
            if (d.how === 'held' ? o !== d.owner : o !== OWNER.none && o !== d.owner) return false;
          }
        }
        if (a.name === 'release: set_page_dirty') {
          // Unlocked set_page_dirty is safe while the caller's mapping pins the inode;
          // after munmap nothing stops truncate from freeing the mapping under it.
          const h = byId.get(String(a.params['holder']));
          if (h === undefined) return true;
          const spec = k.sh.holders[h]!;
          return !k.inCache(prev, k.hd[h]!.page.get(prev)) || !k.pr[spec.proc]!.vma[spec.va]!.unmapped.test(prev);
        }
        return true;
      }, { watches: (a) => pageLockOf(a) !== undefined || a.name === 'release: set_page_dirty' }),
      sometimes('I11.witness', 'a page-cache page is locked by writeback, reclaim or truncate, or dirtied by a GUP holder', (s) => {
        for (const p of k.sh.fileSlots) if (k.locked(s, p)) return true;
        for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.dirtied && k.inCache(s, k.hd[h]!.page.get(s))) return true;
        return false;
      }),
    ];
    return out;
  },
};
