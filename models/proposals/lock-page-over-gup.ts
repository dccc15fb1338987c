// lock_page() held across get_user_pages(write) … release (Nick Piggin,
// 2009, linux-kernel thread "set_page_dirty races"): the
// same protocol as page_mkwrite ("page must be locked to clean it for
// writeout"), stretched over the whole DMA. Writeback, reclaim and truncate
// all need the lock, so nobody can clean or strip a page while GUP holds
// it — and nobody can make progress on it either, for as long as the
// holder keeps it.

import { always } from '../../src/engine/model.js';
import { holderOwner } from '../kernel/hooks.js';
import { FLUSHER, FSYNC, HOLDER, TRUNCATE, fsyncPages } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { baseline } from './baseline.js';

export const lockPageOverGup = defineProposal({
  name: 'lock-page-over-gup',
  base: baseline,
  era: '2009 lock_page over GUP',
  date: '2009-02',
  title: 'lock_page held from GUP(write) to release (2009, Nick Piggin)',
  changes: 'GUP(write) of a page-cache page takes PG_locked (fast GUP falls back: it cannot sleep); the release dirties the page under that lock, then unlocks',
  notes: 'The ext4 BUG is gone (I1 holds on both ext4 scenarios): nobody can clean or strip the page between GUP and release. The checker adds what the thread did not say: lock_page does not wait for writeback, so a GUP that comes after the flusher submitted the page still lets the device write it under writeback (stable-pages, 7 steps). The cost of holding the page lock for as long as a pin lives is stated as I11.wait — someone sleeps in lock_page on a page a FOLL_LONGTERM pin keeps locked, a sleep as long as the pin lives — and the checker shows it reachable on rdma-file-mr; a true liveness check (truncate completes under fairness for every actor but the long-term holder) needs an engine feature not built. Built in: GUP-fast cannot sleep in lock_page, so a write GUP-fast of a cache page falls back to the slow path. Not explored: the ABBA deadlock of one GUP call locking two pages, and the self-deadlock of a DIO read into an mmap of the same file, since holders take one page each and DIO does not lock page-cache pages in the model.',
  hooks: ({ k }) => ({
    // GUP(write) of a page-cache page locks it (the holder owns PG_locked until its release).
    gupLocksPage: (s, hi, p) => k.sh.holders[hi]!.write && k.inCache(s, p),
    released: (s, hi, p) => { if (k.pg[p]!.PG_locked.get(s) === holderOwner(hi)) k.unlockPage(s, p); },
    releaseWords: (h) => (h.write ? ', unlock_page if GUP locked it' : ''),
  }),
  properties: (k) => {
    // A FOLL_LONGTERM holder keeps PG_locked for as long as the pin lives.
    const longterm = k.sh.holders.flatMap((h, i) => (h.longterm && h.write && k.sh.procs[h.proc]!.vmas[h.va]!.file ? [i] : []));
    const R = k.root;
    if (longterm.length === 0 || !(k.sh.flusher || k.sh.truncate || k.sh.fsync)) return [];
    const fsynced = fsyncPages(k.sh);
    const who = k.sh.fsync ? 'flusher, fsync or truncate' : 'flusher or truncate';
    return [always('I11.wait', `no ${who} sleeps in lock_page() on a page a FOLL_LONGTERM holder keeps locked (it would sleep as long as the pin lives: fsync and truncate hang)`, (next) => {
      for (const i of longterm) {
        if (k.hd[i]!.pc.get(next) !== HOLDER.held && k.hd[i]!.pc.get(next) !== HOLDER.dirtied) continue;
        const p = k.hd[i]!.page.get(next);
        if (k.pg[p]!.PG_locked.get(next) !== holderOwner(i)) continue;
        // truncate has reached this page and sleeps in lock_page.
        if (R.truncate !== undefined && R.truncate.pc.get(next) === TRUNCATE.scanning && k.sh.fileSlots[R.truncate.idx.get(next)] === p) return false;
        // write_cache_pages has a dirty page to write and sleeps in lock_page.
        if (R.flusher !== undefined && R.flusher.pc.get(next) === FLUSHER.idle && k.pg[p]!.PG_dirty.test(next) && k.inCache(next, p)) return false;
        // fsync has reached this tagged page and sleeps in lock_page.
        if (R.fsync !== undefined && R.fsync.pc.get(next) === FSYNC.scanning && fsynced[R.fsync.idx.get(next)] === p && R.fsync.towrite[k.sh.pages[p]!.id]!.test(next)) return false;
      }
      return true;
    })];
  },
});
