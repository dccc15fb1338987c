// I6 NoLostWrite (reference §4): data written to a page-cache page reaches
// the disk, or the page stays dirty (or under writeback) until it does.
// Kernel symptom: silent data loss: reclaim drops a page whose newest data
// never reached disk (the __remove_mapping race of §5.7), or ext4 5.18+
// "does not have buffers attached" clears PG_dirty and skips the page.
// stable-pages (its own column in compare, so it does not hide I6's data loss): the device must not write a page while its
// previous contents are being written to disk — the residual of every era
// with short-term FOLL_PIN|FOLL_WRITE on file pages (reference §3.9; Jan
// Kara's 2023 RFC "page contents can be modified while the page is under
// writeback"): checksums fail or the disk gets a torn page.

import { always, quiescent, sometimes, step, type Property } from '../src/engine/model.js';
import { writesExt4, type KernelProperty } from './kernel-property.js';

export const I6: KernelProperty = {
  id: 'I6',
  title: 'no lost write',
  applies: writesExt4,
  properties: (k) => {
    const ext4 = k.sh.fileSlots.filter((p) => k.isExt4(p));
    const out: Property[] = [
      always('I6', 'reclaim never drops a page-cache page whose data has not reached disk', (s) => !k.L.root.lostWrite.test(s)),
      quiescent('I6.quiescent', 'when all work is done, every cached ext4 page is on disk or still dirty', (s) => {
        for (const p of ext4) {
          const g = k.pg[p]!;
          if (k.inCache(s, p) && g.data.get(s) !== g.disk.get(s) && !g.dirty.test(s) && !g.writeback.test(s)) return false;
        }
        return true;
      }),
      sometimes('I6.witness', 'a page-cache page holds data newer than the disk', (s) => {
        for (const p of ext4) if (k.inCache(s, p) && k.pg[p]!.data.get(s) !== k.pg[p]!.disk.get(s)) return true;
        return false;
      }),
    ];
    if (k.sh.flusher) {
      out.push(step('stable-pages', 'the device does not DMA into a page while it is under writeback (stable pages; else a torn write or a checksum error on disk)', (prev, a) => {
        if (a.name !== 'dma: device writes page') return true;
        const hi = k.sh.holders.findIndex((h) => h.id === a.params['holder']);
        return hi < 0 || !k.pg[k.hd[hi]!.page.get(prev)]!.writeback.test(prev);
      }));
    }
    return out;
  },
};
