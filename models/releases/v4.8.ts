// Linux 4.8 (October 2016), the oldest kernel modelled: the kernel core's
// own behaviour at every hook point (models/kernel/hooks.ts). GUP takes a
// plain reference (get_page in follow_page_pte); nothing tells it from any
// other reference; the release is set_page_dirty_lock() + put_page(); COW
// reuses an anonymous page by its mapcount (reuse_swap_page, under the page
// lock); fork shares every anonymous page write-protected; ext4 BUG()s on a
// dirty page without buffers.

import { defineProposal } from '../kernel/proposal.js';

export const v4_8 = defineProposal({
  name: 'v4.8',
  release: true,
  era: 'v4.8',
  date: '2016-10',
  title: 'Linux 4.8',
  changes: 'the oldest kernel modelled: get_user_pages() + put_page(), reuse by mapcount, fork shares, ext4 BUG()s on a dirty page without buffers',
  notes: 'The kernel before the Dirty COW fix.',
});
