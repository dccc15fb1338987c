// L: liveness. What starts, finishes: a GUP call returns (its retry and
// unshare loops end), truncate(2) and fsync(2) return, the flusher writes a
// dirty page back. Checked under weak fairness with the user's calls and a
// long-term pin's lifetime never forced (models/kernel/progress.ts), so a
// kernel step that waits for a long-term pin — lock-page-over-gup's
// truncate sleeping in lock_page while an RDMA region holds the lock — is a
// violation, shown as a lasso. A BUG() ends the run: its own property
// reports it, so every goal here includes it.

import { leadsTo, type LivenessProperty } from '../src/engine/liveness.js';
import { BH, FSYNC, HOLDER, OFFLINE, TRUNCATE, type Kernel } from '../models/kernel/kernel.js';
import { writesExt4, type KernelProperty } from './kernel-property.js';

export const LIVENESS: KernelProperty = {
  id: 'L',
  title: 'liveness: what starts, finishes (strong fairness; the user\'s calls and a long-term pin are never forced)',
  applies: (k) => k.NH > 0 || k.root.truncate !== undefined || k.root.fsync !== undefined || k.root.flusher !== undefined || k.root.offline !== undefined,
  properties: () => [],
  liveness: (k) => kernelLiveness(k),
};

function kernelLiveness(k: Kernel): LivenessProperty[] {
  const oops = k.root.oops;
  const out: LivenessProperty[] = [];
  if (k.NH > 0) {
    const inGup = (s: Uint32Array, h: number) => {
      const pc = k.hd[h]!.pc.get(s);
      return (pc === HOLDER.start || pc === HOLDER.grabbed) && k.pr[k.sh.holders[h]!.proc]!.alive.test(s);
    };
    out.push(leadsTo('L.gup', 'a GUP call returns, with the page or an error (its fault-retry and unshare loops end; it does not sleep forever on a lock)',
      (s, h) => inGup(s, h), (s, h) => oops.test(s) || !inGup(s, h), k.sh.holders.map((h) => h.id)));
  }
  const T = k.root.truncate;
  if (T !== undefined) {
    const running = (s: Uint32Array) => T.pc.get(s) !== TRUNCATE.idle && T.pc.get(s) !== TRUNCATE.done;
    out.push(leadsTo('L.truncate', 'truncate(2) returns: truncate_inode_pages_range does not wait forever for a page lock or writeback',
      running, (s) => oops.test(s) || !running(s)));
  }
  const O = k.root.offline;
  if (O !== undefined) {
    // It starts running: memory offlining was asked for before the scenario begins.
    const running = (s: Uint32Array) => O.pc.get(s) !== OFFLINE.done;
    out.push(leadsTo('L.offline', 'memory offlining returns: offline_pages migrates every page out of the movable block (it retries until a signal; a page that can never move hangs it)',
      running, (s) => oops.test(s) || !running(s)));
  }
  const Y = k.root.fsync;
  if (Y !== undefined) {
    const running = (s: Uint32Array) => Y.pc.get(s) !== FSYNC.idle && Y.pc.get(s) !== FSYNC.done;
    out.push(leadsTo('L.fsync', 'fsync(2) returns', running, (s) => oops.test(s) || !running(s)));
  }
  // Only where something can dirty an ext4 page (else n/a, as I1 is).
  if (k.root.flusher !== undefined && writesExt4(k)) {
    const pages = k.sh.fileSlots.filter((p) => k.isExt4(p));
    const dirty = (s: Uint32Array, i: number) => {
      const p = pages[i]!;
      return k.inCache(s, p) && k.pg[p]!.PG_dirty.test(s) && k.pg[p]!.buffers.get(s) !== BH.none;
    };
    if (pages.length > 0) {
      out.push(leadsTo('L.writeback', 'the flusher writes a dirty page back (or it leaves the page cache): no dirty page is skipped forever',
        dirty, (s, i) => oops.test(s) || !dirty(s, i), pages.map((p) => k.sh.pages[p]!.id)));
    }
  }
  return out;
}
