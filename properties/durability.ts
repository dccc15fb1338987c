// Durability (fsync's contract, fsync(2)): every store and DMA write that
// completed before an fsync started is on disk when that fsync returns.
// ext4_sync_file → file_write_and_wait_range writes every page that was
// dirty at the start (tag_pages_for_writeback) with WB_SYNC_ALL and waits.
// Kernel symptom of a break: fsync returns 0 and a crash then loses data
// the application believed durable — a writeback that skips pinned pages
// forever, ext4 5.18's WARN that clears PG_dirty, or reclaim dropping a
// page whose data never reached the disk. A truncate since the start is
// exempt (it discards data by design).

import { always, sometimes } from '../src/engine/model.js';
import { FSYNC, fsyncPages } from '../models/kernel/kernel.js';
import { writesExt4, type KernelProperty } from './kernel-property.js';

export const DURABILITY: KernelProperty = {
  id: 'durability',
  title: 'fsync makes earlier writes durable',
  applies: (k) => k.sh.fsync && fsyncPages(k.sh).length > 0 && writesExt4(k),
  properties: (k) => {
    const Y = k.root.fsync!;
    const pages = fsyncPages(k.sh);
    const want = pages.map((p) => Y.want[k.sh.pages[p]!.id]!);
    const truncated = k.root.truncated;
    return [
      always('durability', 'when fsync has returned, every ext4 page\'s data as of fsync\'s start is on disk (else fsync lied: a crash loses data it reported durable)', (s) => {
        if (Y.pc.get(s) !== FSYNC.done || truncated.test(s)) return true;
        for (let i = 0; i < pages.length; i++) if (k.pg[pages[i]!]!.disk.get(s) < want[i]!.get(s)) return false;
        return true;
      }),
      sometimes('durability.witness', 'fsync returns after a write that completed before it started', (s) => {
        if (Y.pc.get(s) !== FSYNC.done) return false;
        for (let i = 0; i < pages.length; i++) if (want[i]!.get(s) > 0) return true;
        return false;
      }),
    ];
  },
};
