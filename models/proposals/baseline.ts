// The pre-2019 kernel as the research proposals of 2018–2019 met it: Linux
// 4.14 as released (models/releases/v4.14.ts), under the name the
// comparison has always used.

import { defineProposal } from '../kernel/proposal.js';
import { v4_14 } from '../releases/v4.14.js';

export const baseline = defineProposal({
  name: 'baseline',
  base: v4_14,
  era: 'v4.14',
  title: 'pre-2019 kernel (v4.14): get_user_pages() + put_page()',
  changes: 'nothing: Linux 4.14 as released; a GUP reference is a plain refcount; callers set_page_dirty_lock() before put_page()',
  notes: 'The failures of the pre-pin kernel fall out: the ext4 BUG as I1 on ext4-gup-write and ext4-pin-write (a 12-step trace: Jan Kara, "Filesystem crashes due to pages without buffers", January 2018), a pin that fork\'s COW leaves behind as I3c on fork-rdma and fork-iouring, and CVE-2020-29374 as I10 on fork-vmsplice. Every kernel with a write GUP of a file page also lets the device write a page under writeback (stable-pages).',
});
