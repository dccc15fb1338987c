// Linux 6.3 (April 2023): ext4 without ->writepage.

import { defineProposal } from '../kernel/proposal.js';
import { v6_2 } from './v6.2.js';

export const v6_3 = defineProposal({
  name: 'v6.3',
  base: v6_2,
  release: true,
  era: 'v6.3',
  date: '2023-04',
  title: 'Linux 6.3',
  changes: 'ext4\'s address_space_operations have no ->writepage: kswapd\'s pageout() cannot write an ext4 page (it activates it)',
  notes: 'Writeback of ext4 pages is the flusher\'s and fsync\'s only. The ->writepage removals came with Jan Kara\'s "ext4: Cleanup data=journal writeback path" series (January 2023); the commit that removed the last one is not identified here, so the change is the release\'s own code rather than a commit of its list.',
  // v6.3 fs/ext4/inode.c: ext4_aops, ext4_da_aops and ext4_journalled_aops list .writepages and no .writepage.
  hooks: () => ({ reclaimCanPageout: () => false }),
});
