// dma_pinned_flags / dma_pinned_count (John Hubbard, Oct 2018, "mm:
// introduce page->dma_pinned_flags, _count"), with the
// put_user_page*() API of the same series: the pin count lives in a union
// with page->lru, so pin_page_for_dma() at the end of __get_user_pages takes
// the page off the LRU first (isolate_lru_page; its failure is not acted
// on, so a page reclaim has already isolated stays untracked).
// put_user_page() drops the count but never puts the page back on the LRU —
// Dave Chinner's objection to the October 2018 series ("How do we reclaim
// these page cache pages…?"); the November v2 put it back, which is not
// modelled.

import { step } from '../../src/engine/model.js';
import { int } from '../../src/engine/schema.js';
import { RELEASED_AS } from '../../properties/i2-pins-balanced.js';
import { activeHolders } from '../../properties/kernel-property.js';
import { defineProposal } from '../kernel/proposal.js';
import { putUserPage } from './put-user-page.js';

export const dmaPinnedFlags = defineProposal({
  name: 'dma-pinned-flags',
  base: putUserPage,
  era: '2018 dma_pinned_flags',
  date: '2018-10',
  title: 'dma_pinned_flags/count in a union with page->lru (Oct 2018): pinned pages leave the LRU',
  changes: 'GUP isolates the page from the LRU and counts the pin in page->lru; put_user_page uncounts it and does not put the page back',
  notes: 'Modelled as the October 2018 version Dave Chinner reviewed; his LRU leak is found (I7, 4 steps: GUP takes the page off the LRU, put_user_page leaves it off). The November 2018 v2 put the page back (PageDmaPinnedWasLru), which this model does not have. Beyond that review, for both versions: pin_page_for_dma does not act on isolate_lru_page\'s failure, so a GUP that races kswapd\'s isolation leaves the pin untracked; the checker then finds the ext4 BUG again (I1, 12 steps) and put_user_page on a zero dma_pinned_count (I2.dmaCount) — the conflict of keeping the count in a union with page->lru. Releases by put_page (bio completion, an unconverted driver) are latent mismatches (I2.latent).',
  // dma_pinned_count (PageDmaPinned = count > 0), stored in page->lru.
  state: (sh) => ({ page: { dma_pinned_count: int(0, sh.holders.length) } }),
  hooks: ({ k }) => {
    const count = k.pageField('dma_pinned_count');
    return {
      // pin_page_for_dma: a page already PageDmaPinned counts one more pin; a page on the LRU
      // is taken off it and counted; a page not on the LRU (reclaim isolated it) stays untracked.
      gupPinned: (s, _hi, p) => {
        const c = count[p]!;
        const g = k.pg[p]!;
        if (c.get(s) > 0) c.set(s, c.get(s) + 1);
        else if (g.PG_lru.test(s)) {
          g.PG_lru.set(s, 0);
          c.set(s, 1);
        }
      },
      // put_user_page: dma_pinned_count-- (the page stays off the LRU).
      released: (s, _hi, p, fn) => {
        if (fn === 'put_page') return;
        const c = count[p]!;
        if (c.get(s) > 0) c.set(s, c.get(s) - 1);
      },
    };
  },
  properties: (k) => {
    if (activeHolders(k).length === 0) return [];
    const count = k.pageField('dma_pinned_count');
    const byId = new Map(k.sh.holders.map((h, i) => [h.id, i]));
    return [step('I2.dmaCount', 'put_user_page() finds dma_pinned_count > 0 (else VM_BUG_ON_PAGE, or a decrement of page->lru, which the count shares)', (prev, a) => {
      const hi = byId.get(String(a.params['holder'] ?? ''));
      if (hi === undefined || RELEASED_AS[a.name] === undefined || a.name === 'release: put_page') return true;
      return count[k.hd[hi]!.page.get(prev)]!.get(prev) > 0;
    }, { watches: (a) => byId.has(String(a.params['holder'] ?? '')) && RELEASED_AS[a.name] !== undefined && a.name !== 'release: put_page' })];
  },
});
