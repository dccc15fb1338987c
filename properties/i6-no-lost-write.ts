// I6 NoLostWrite: data written to a page-cache page reaches
// the disk, or the page stays dirty (or under writeback) until it does.
// Kernel symptom: silent data loss: reclaim drops a page whose newest data
// never reached disk (the __remove_mapping race), or ext4 5.18+
// "does not have buffers attached" clears PG_dirty and skips the page.
// stable-pages (its own column in compare, so it does not hide I6's data
// loss): the device must not write a page while a write in flight reads it
// (a bounce copy does not) — the residual of every kernel with short-term
// FOLL_PIN|FOLL_WRITE on file pages (Jan Kara, "[PATCH RFC 0/5] Writeback
// handling of pinned pages", Feb 2023). On a device that needs stable pages
// (SB_I_STABLE_WRITES: integrity, data digests) the write fails its
// checksum; elsewhere the disk holds a torn page until the next writeback.

import { always, quiescent, sometimes, step, type Property } from '../src/engine/model.js';
import { writesExt4, type KernelProperty } from './kernel-property.js';

export const I6: KernelProperty = {
  id: 'I6',
  title: 'no lost write',
  applies: writesExt4,
  properties: (k) => {
    const ext4 = k.sh.fileSlots.filter((p) => k.isExt4(p));
    const out: Property[] = [
      always('I6', 'reclaim never drops a page-cache page whose data has not reached disk', (s) => !k.root.lostWrite.test(s)),
      quiescent('I6.quiescent', 'when all work is done, every cached ext4 page is on disk or still dirty', (s) => {
        for (const p of ext4) {
          const g = k.pg[p]!;
          if (k.inCache(s, p) && g.data.get(s) !== g.disk.get(s) && !g.PG_dirty.test(s) && !g.PG_writeback.test(s)) return false;
        }
        return true;
      }),
      sometimes('I6.witness', 'a page-cache page holds data newer than the disk', (s) => {
        for (const p of ext4) if (k.inCache(s, p) && k.pg[p]!.data.get(s) !== k.pg[p]!.disk.get(s)) return true;
        return false;
      }),
    ];
    // Any writeback: the flusher's, fsync's, or kswapd's pageout.
    if (k.sh.flusher || k.sh.fsync || k.sh.reclaim) {
      out.push(step('stable-pages', 'the device does not DMA into a page while it is under writeback (stable pages; else a torn write or a checksum error on disk)', (prev, a) => {
        if (a.name !== 'dma: device writes page') return true;
        const hi = k.sh.holders.findIndex((h) => h.id === a.params['holder']);
        return hi < 0 || !k.hooks.writebackReadsPage(prev, k.hd[hi]!.page.get(prev));
      }, { watches: (a) => a.name === 'dma: device writes page' }));
    }
    return out;
  },
};
