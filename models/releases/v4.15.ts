// Linux 4.15 (January 2018): touch_pmd no longer dirties a huge PMD for a read.

import { defineProposal } from '../kernel/proposal.js';
import { v4_14 } from './v4.14.js';

export const v4_15 = defineProposal({
  name: 'v4.15',
  base: v4_14,
  release: true,
  era: 'v4.15',
  date: '2018-01',
  title: 'Linux 4.15',
  changes: 'a read GUP of a huge PMD no longer makes it dirty (touch_pmd)',
  notes: 'Closes CVE-2017-1000405 ("Huge Dirty COW"): a read GUP could dirty the read-only PMD of the huge zero page, and a FOLL_FORCE write still retrying after its COW then took it for its own copy.',
  commits: [{
    id: 'a8f97366452e',
    subject: 'mm, thp: Do not make page table dirty unconditionally in touch_p[mu]d()',
    what: 'touch_pmd (and touch_pud): `if (flags & FOLL_WRITE) _pmd = pmd_mkdirty(_pmd);` — only a write GUP dirties the PMD',
    backports: ['4.14.4', '4.9.67'],
    hooks: () => ({ gupTouchDirtiesPmd: (write) => write }),
  }],
});
