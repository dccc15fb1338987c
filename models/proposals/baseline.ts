// The pre-2019 kernel (reference §3.1): get_user_pages + put_page, nothing
// tells a GUP reference from any other, no page_maybe_dma_pinned(), no
// reclaim or fork policy for pinned pages, COW reuse by mapcount.

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const baseline: Proposal = {
  name: 'baseline',
  title: 'pre-2019 kernel (~v4.14): get_user_pages() + put_page()',
  changes: 'nothing: a GUP reference is a plain refcount; callers set_page_dirty_lock() before put_page()',
  era: BASELINE_ERA,
};
