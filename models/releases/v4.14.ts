// Linux 4.14 (November 2017), the LTS most of the 2018–2019 arguments were
// had on: the same pinning behaviour as 4.9.

import { defineProposal } from '../kernel/proposal.js';
import { v4_9 } from './v4.9.js';

export const v4_14 = defineProposal({
  name: 'v4.14',
  base: v4_9,
  release: true,
  era: 'v4.14',
  date: '2017-11',
  title: 'Linux 4.14',
  changes: 'nothing that changes pinning since 4.9',
  notes: 'The 4.14.y stable series later took 17839856fd58 (4.14.232) and cc5095747edf (4.14.276): a distribution 4.14 of 2022 is not this one.',
});
