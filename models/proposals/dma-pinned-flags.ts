// dma_pinned_flags / dma_pinned_count (John Hubbard, 2018; reference §3.4):
// the pin count lives in a union with page->lru, so pin_page_for_dma() at
// the end of __get_user_pages takes the page off the LRU first
// (isolate_lru_page; its failure is not acted on, so a page reclaim has
// already isolated stays untracked). put_user_page() drops the count and
// clears PageDmaPinned but never puts the page back on the LRU — Dave
// Chinner's objection to the October 2018 series ("How do we reclaim these
// page cache pages…?"); the November v2 put it back, which is not modelled.

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const dmaPinnedFlags: Proposal = {
  name: 'dma-pinned-flags',
  title: 'dma_pinned_flags/count in a union with page->lru (Oct 2018): pinned pages leave the LRU',
  changes: 'GUP isolates the page from the LRU and counts the pin in page->lru; put_user_page uncounts it and does not put the page back',
  notes: 'Modelled as the October 2018 version Dave Chinner reviewed; his LRU leak is found (I7, 4 steps: GUP takes the page off the LRU, put_user_page leaves it off). The November 2018 v2 put the page back (PageDmaPinnedWasLru), which this model does not have. Beyond the reference, for both versions: pin_page_for_dma does not act on isolate_lru_page\'s failure, so a GUP that races kswapd\'s isolation leaves the pin untracked; the checker then finds the ext4 BUG again (I1, 12 steps) and put_user_page on a zero dma_pinned_count (I2.dmaCount) — the union conflict §3.4 derives. Releases by put_page (bio completion, an unconverted driver) are latent mismatches (I2.latent).',
  era: { ...BASELINE_ERA, name: '2018 dma_pinned_flags', userPageApi: true, pinIsolatesFromLru: true },
};
