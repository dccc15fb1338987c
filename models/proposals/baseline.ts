// The pre-2019 kernel (~v4.14): get_user_pages + put_page, nothing tells a
// GUP reference from any other, no page_maybe_dma_pinned(), no reclaim or
// fork policy for pinned pages, COW reuse by mapcount. This is the kernel
// core's own behaviour: every hook point's default (models/kernel/hooks.ts).

import { defineProposal } from '../kernel/proposal.js';

export const baseline = defineProposal({
  name: 'baseline',
  era: 'pre-2019 (~v4.14)',
  title: 'pre-2019 kernel (~v4.14): get_user_pages() + put_page()',
  changes: 'nothing: a GUP reference is a plain refcount; callers set_page_dirty_lock() before put_page()',
  notes: 'Reference §3.1 failures A–C fall out: A, the ext4 BUG, as I1 on ext4-gup-write and ext4-pin-write (the 12-step trace of §5.1); B, a pin that fork\'s COW leaves behind, as I3c on fork-rdma and fork-iouring; C, CVE-2020-29374, as I10 on fork-vmsplice. D, Dirty COW, is not: FOLL_FORCE is not modelled. Every era with a write GUP of a file page also lets the device write a page under writeback (stable-pages).',
});
