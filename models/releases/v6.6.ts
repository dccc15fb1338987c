// Linux 6.6 (October 2023), the newest kernel modelled: 6.5's pinning
// behaviour (nothing pinning-relevant merged in 6.6).

import { defineProposal } from '../kernel/proposal.js';
import { v6_5 } from './v6.5.js';

export const v6_6 = defineProposal({
  name: 'v6.6',
  base: v6_5,
  release: true,
  era: 'v6.6',
  date: '2023-10',
  title: 'Linux 6.6',
  changes: 'nothing that changes pinning since 6.5',
  notes: 'The LTS of 2023. Short-term FOLL_PIN|FOLL_WRITE of file pages and every FOLL_GET user keep the residual problems: the device can write a page under writeback, and a FOLL_GET holder still meets the ext4 WARN.',
});
