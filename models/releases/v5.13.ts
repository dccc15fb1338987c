// Linux 5.13 (June 2021): a long-term pin moves its page out of
// ZONE_MOVABLE first (Pavel Tatashin, "prohibit pinning pages in
// ZONE_MOVABLE").

import { defineProposal } from '../kernel/proposal.js';
import { v5_11 } from './v5.11.js';

export const v5_13 = defineProposal({
  name: 'v5.13',
  base: v5_11,
  release: true,
  era: 'v5.13',
  date: '2021-06',
  title: 'Linux 5.13',
  changes: 'a FOLL_LONGTERM GUP of a page in ZONE_MOVABLE migrates it out first (check_and_migrate_movable_pages), and GUP-fast leaves such a page to the slow path; a page that cannot be migrated fails the call',
  notes: 'Memory offlining no longer hangs on an RDMA region or io_uring buffer in the movable block.',
  commits: [{
    id: 'd1e153fea2a8',
    subject: 'mm/gup: migrate pinned pages out of movable zone',
    what: '__gup_longterm_locked: after pinning, check_and_migrate_movable_pages isolates every page that is not is_pinnable_page (ZONE_MOVABLE or CMA), unpins everything, migrate_pages(MR_LONGTERM_PIN) and pins again; if migration fails the call fails (-ENOMEM) holding nothing; an isolation that fails makes it try again. GUP-fast (try_grab_compound_head) refuses a FOLL_LONGTERM grab of such a page',
    hooks: ({ k }) => ({
      gupLongtermMigrate: (_s, hi, p) => k.sh.holders[hi]!.longterm && k.isMovable(p) && p !== k.sh.zeroSlot,
    }),
  }, {
    id: '9afaf30f7a1a',
    subject: 'mm/gup: do not migrate zero page',
    what: 'is_pinnable_page is true for the zero page, which may lie in ZONE_MOVABLE (kernelcore=): a long-term pin of it is not migrated. The model\'s zero page is never in the movable block, so the rule above already leaves it alone',
  }],
});
