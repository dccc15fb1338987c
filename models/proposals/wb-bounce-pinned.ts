// Jan Kara's RFC of February 2023 ("[PATCH RFC 0/5] Writeback handling of
// pinned pages", message-id 20230209121046.25360-1-jack@suse.cz): memory
// cleaning writeback (WB_SYNC_NONE) skips pinned folios — patch 3/5, in
// folio_clear_dirty_for_io after folio_mkclean — and data-integrity
// writeback (WB_SYNC_ALL) writes them through a bounce copy — patch 4/5
// "block: Add support for bouncing pinned pages" (BIO_NEED_PIN_BOUNCE,
// __blk_queue_bounce) and 5/5 "iomap: Bounce pinned pages during writeback",
// which bounces only where the superblock has SB_I_STABLE_WRITES. The RFC
// bounced in iomap's writeback; the model applies it to the ext4 page's
// writeback, as a filesystem adopting it would. On top of Linux 6.6 with
// 6.5's long-term file-write ban lifted.

import { bool } from '../../src/engine/schema.js';
import { defineProposal } from '../kernel/proposal.js';
import { modern } from './modern.js';

export const wbBouncePinned = defineProposal({
  name: 'wb-bounce-pinned',
  base: modern,
  era: 'v6.6 + 2023 RFC writeback of pinned pages',
  date: '2023-02',
  title: 'Jan Kara\'s 2023 RFC: memory-cleaning writeback skips pinned folios, data-integrity writeback bounces them',
  changes: 'on top of modern without the 6.5 long-term file-write ban: WB_SYNC_NONE keeps a pinned folio dirty and skips it; WB_SYNC_ALL writes it, through a bounce copy where the device needs stable pages',
  notes: 'Where the device needs stable pages the checker finds no violation: I1, stable-pages and durability hold — the flusher never writes a pinned page, fsync writes it from a bounce copy the device cannot change, and a pin taken during writeback waits in folio_wait_stable. Without SB_I_STABLE_WRITES the RFC does not bounce, so fsync writes the pinned page itself and the device can write it while it is under writeback (stable-pages; harmless for durability, which holds). Not modelled: the costs the thread argued about — Christoph Hellwig (Y+oKAB/epmJNyDbQ@infradead.org, 13 Feb 2023): the bounce code "needs to go away", wait for short-term pins instead; Dave Chinner (20230215045952.GF2825702@dread.disaster.area): a page left dirty breaks delalloc and COW space accounting, which need the page to pass through clean.',
  settings: { longtermFileWriteBan: false },
  // The write in flight reads a bounce copy, not the page (BIO_NEED_PIN_BOUNCE).
  state: () => ({ page: { bounced: bool() } }),
  hooks: ({ k, base }) => {
    const bounced = k.pageField('bounced');
    return {
      writebackSteps: (point, mode) => {
        const steps = base.writebackSteps(point, mode);
        if (point === 'clean' && mode === 'WB_SYNC_NONE') {
          return [...steps, {
            name: 'folio_clear_dirty_for_io: pinned, keep dirty, skip',
            label: 'folio_clear_dirty_for_io: folio_mkclean, then WB_SYNC_NONE and folio_maybe_dma_pinned: keep PG_dirty, unlock and skip the page',
            when: (s, p) => k.maybeDmaPinned(s, p),
            effect: (s, p) => { if (k.pageMkclean(s, p)) k.setPageDirty(s, p); },
          }];
        }
        if (point === 'submit' && mode === 'WB_SYNC_ALL') {
          return [...steps, {
            name: 'submit a bounce copy of the pinned page',
            label: 'mpage_submit_folio: folio_maybe_dma_pinned and SB_I_STABLE_WRITES: BIO_NEED_PIN_BOUNCE, the bio writes a bounce copy; set_page_writeback, unlock_page',
            when: (s, p) => k.sh.stableWrites && k.maybeDmaPinned(s, p),
            effect: (s, p) => {
              k.submitWriteback(s, p);
              bounced[p]!.set(s, 1);
            },
          }];
        }
        return steps;
      },
      writebackBioPut: (s, p) => {
        bounced[p]!.set(s, 0);
        base.writebackBioPut(s, p);
      },
      writebackReadsPage: (s, p) => base.writebackReadsPage(s, p) && !bounced[p]!.test(s),
    };
  },
});
