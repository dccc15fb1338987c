// Linux 6.3 (April 2023): nothing that changes pinning since 6.2.

import { defineProposal } from '../kernel/proposal.js';
import { v6_2 } from './v6.2.js';

export const v6_3 = defineProposal({
  name: 'v6.3',
  base: v6_2,
  release: true,
  era: 'v6.3',
  date: '2023-04',
  title: 'Linux 6.3',
  changes: 'nothing that changes pinning since 6.2',
  notes: 'The release before d824ec2a1546: a pinned ext4 page still loses its buffers to reclaim.',
});
