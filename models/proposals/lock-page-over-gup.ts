// lock_page() held across get_user_pages(write) … release (Nick Piggin,
// 2009, "set_page_dirty races"; reference §3.8): the same protocol as
// page_mkwrite ("page must be locked to clean it for writeout"), stretched
// over the whole DMA. Writeback, reclaim and truncate all need the lock, so
// nobody can clean or strip a page while GUP holds it — and nobody can make
// progress on it either, for as long as the holder keeps it.

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const lockPageOverGup: Proposal = {
  name: 'lock-page-over-gup',
  title: 'lock_page held from GUP(write) to release (2009, Nick Piggin)',
  changes: 'GUP(write) of a page-cache page takes PG_locked (fast GUP falls back: it cannot sleep); the release dirties the page under that lock, then unlocks',
  notes: 'The ext4 BUG is gone (I1 holds on both ext4 scenarios): nobody can clean or strip the page between GUP and release. The checker adds what the thread did not say: lock_page does not wait for writeback, so a GUP that comes after the flusher submitted the page still lets the device write it under writeback (stable-pages, 7 steps). §3.8 (b) is stated as I11.wait — someone sleeps in lock_page on a page a FOLL_LONGTERM pin keeps locked, a sleep as long as the pin lives — and the checker shows it reachable on rdma-file-mr; a true liveness check (truncate completes under fairness for every actor but the long-term holder) needs an engine feature not built. (a) is built in: GUP-fast cannot sleep in lock_page, so a write GUP-fast of a cache page falls back to the slow path. (c), the ABBA deadlock of one GUP call locking two pages, and the self-deadlock of a DIO read into an mmap of the same file, are not explored: holders take one page each and DIO does not lock page-cache pages in the model.',
  era: { ...BASELINE_ERA, name: '2009 lock_page over GUP', lockPageOverGup: true },
};
