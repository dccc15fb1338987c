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
  era: { ...BASELINE_ERA, name: '2009 lock_page over GUP', lockPageOverGup: true },
};
