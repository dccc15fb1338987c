// Writeback skips pinned pages, always — the naive form of the 2023
// direction, and NOT what Jan Kara's RFC ("[PATCH RFC 0/5] Writeback
// handling of pinned pages", message-id 20230209121046.25360-1-jack@suse.cz)
// proposes: its patch 3/5 skips pinned folios only in memory-cleaning
// writeback (WB_SYNC_NONE) and writes them for data integrity (see
// wb-bounce-pinned). This one applies the skip to fsync too, to show what
// that costs. The skip sits where patch 3/5 put it: in
// folio_clear_dirty_for_io, after folio_mkclean has write-protected the
// PTEs, a folio_maybe_dma_pinned() folio keeps PG_dirty and is not written.
// On top of Linux 6.6 with 6.5's long-term file-write ban lifted: allowing
// such pins again is the point.

import { defineProposal } from '../kernel/proposal.js';
import { modern } from './modern.js';

export const wbSkipPinned = defineProposal({
  name: 'wb-skip-pinned',
  base: modern,
  era: 'v6.6 + skip pinned writeback',
  date: '2023-02',
  title: 'writeback skips folio_maybe_dma_pinned() folios and leaves them dirty, fsync included (a strawman of the 2023 direction, not the RFC)',
  changes: 'on top of modern without the 6.5 long-term file-write ban: folio_clear_dirty_for_io keeps a pinned folio dirty and writeback skips it, for the flusher (WB_SYNC_NONE) and for fsync (WB_SYNC_ALL) alike',
  notes: 'Closes what the pins broke in writeback: I1 and stable-pages hold where the device needs stable pages (a pin taken while the page is under writeback faults and waits in folio_wait_stable; a pinned page is never written). What it breaks is fsync: the durability column shows fsync returning while data the device wrote through a long-term pin before fsync started is still only in memory — a page pinned for as long as an RDMA region lives is never written back. That is why the RFC writes pinned pages for data-integrity writeback (wb-bounce-pinned). Without SB_I_STABLE_WRITES nothing waits for writeback, so a pin taken during writeback still lets the device write the page under writeback (stable-pages).',
  settings: { longtermFileWriteBan: false },
  hooks: ({ k, base }) => ({
    writebackSteps: (point, mode) => point !== 'clean' ? base.writebackSteps(point, mode) : [...base.writebackSteps(point, mode), {
      name: 'folio_clear_dirty_for_io: pinned, keep dirty, skip',
      label: `folio_clear_dirty_for_io: folio_mkclean, then folio_maybe_dma_pinned: keep PG_dirty, unlock and skip the page (${mode})`,
      when: (s, p) => k.maybeDmaPinned(s, p),
      // folio_mkclean still runs: a new pin must fault (and wait for the page lock).
      effect: (s, p) => { if (k.pageMkclean(s, p)) k.setPageDirty(s, p); },
    }],
  }),
});
