// Linux 5.6 (March 2020): the FOLL_PIN API, before pins were counted.

import { defineProposal } from '../kernel/proposal.js';
import { v4_15 } from './v4.15.js';

export const v5_6 = defineProposal({
  name: 'v5.6',
  base: v4_15,
  release: true,
  era: 'v5.6',
  date: '2020-03',
  title: 'Linux 5.6',
  changes: 'pin_user_pages*() and unpin_user_page*() exist (FOLL_PIN), but a pin is still one plain reference',
  notes: 'The API of the 2019 plan; counting pins came in 5.7.',
  commits: [{
    id: 'eddb1c228f79',
    subject: 'mm/gup: introduce pin_user_pages*() and FOLL_PIN',
    what: 'pin_user_pages*() set FOLL_PIN; unpin_user_page*() release what they took; a pin is counted like a FOLL_GET reference for now',
  }],
});
