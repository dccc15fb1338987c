// I11 LockDiscipline: clear_page_dirty_for_io,
// try_to_free_buffers and truncate's cleanup run with the page locked by
// the one doing them, and set_page_dirty on a page-cache page runs with the
// page locked (set_page_dirty_lock), not racing truncate. Deadlock freedom
// is the engine's deadlock check. Kernel symptom: VM_BUG_ON(!PageLocked) in
// clear_page_dirty_for_io, BUG_ON in try_to_free_buffers, or a
// set_page_dirty on a page truncate is freeing.

import { sometimes, step, type Property } from '../src/engine/model.js';
import { fsyncPages, HOLDER, OWNER } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

export const I11: KernelProperty = {
  id: 'I11',
  title: 'lock discipline',
  applies: (k) => ((k.sh.flusher || k.sh.reclaim || k.sh.truncate || k.sh.fsync) && k.sh.fileSlots.length > 0) ||
    k.sh.holders.some((h) => h.release === 'set_page_dirty+put_page'),
  properties: (k) => {
    const R = k.root;
    const fsynced = fsyncPages(k.sh);
    const byId = new Map(k.sh.holders.map((h, i) => [h.id, i]));
    const out: Property[] = [
      step('I11', 'page-lock-requiring steps run under the page lock of the one doing them; set_page_dirty on a cached page holds the lock', (prev, a) => {
        switch (a.name) {
          case 'flusher: clear_page_dirty_for_io': return k.pg[R.flusher!.page.get(prev)]!.PG_locked.get(prev) === OWNER.flusher;
          case 'fsync: clear_page_dirty_for_io': return k.pg[fsynced[R.fsync!.idx.get(prev)]!]!.PG_locked.get(prev) === OWNER.fsync;
          case 'reclaim: try_to_free_buffers': return k.pg[R.kswapd!.page.get(prev)]!.PG_locked.get(prev) === OWNER.reclaim;
          case 'truncate: truncate_cleanup_page': {
            const p = k.sh.fileSlots[R.truncate!.idx.get(prev)]!;
            return k.pg[p]!.PG_locked.get(prev) === OWNER.truncate;
          }
          case 'release: set_page_dirty': {
            // Unlocked set_page_dirty is safe while the caller's mapping pins the inode;
            // after munmap nothing stops truncate from freeing the mapping under it.
            const h = byId.get(String(a.params['holder']));
            if (h === undefined) return true;
            const spec = k.sh.holders[h]!;
            return !k.inCache(prev, k.hd[h]!.page.get(prev)) || !k.pr[spec.proc]!.vma[spec.va]!.unmapped.test(prev);
          }
          default: return true;
        }
      }),
      sometimes('I11.witness', 'a page-cache page is locked by writeback, reclaim or truncate, or dirtied by a GUP holder', (s) => {
        for (const p of k.sh.fileSlots) if (k.locked(s, p)) return true;
        for (let h = 0; h < k.NH; h++) if (k.hd[h]!.pc.get(s) === HOLDER.dirtied && k.inCache(s, k.hd[h]!.page.get(s))) return true;
        return false;
      }),
    ];
    return out;
  },
};
