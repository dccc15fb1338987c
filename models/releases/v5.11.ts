// Linux 5.11 (February 2021): GUP-fast checks mm->write_protect_seq, so it
// cannot pin a page fork is write-protecting.

import { bool } from '../../src/engine/schema.js';
import { defineProposal } from '../kernel/proposal.js';
import { v5_9 } from './v5.9.js';

export const v5_11 = defineProposal({
  name: 'v5.11',
  base: v5_9,
  release: true,
  era: 'v5.11',
  date: '2021-02',
  title: 'Linux 5.11',
  changes: 'GUP-fast pins read mm->write_protect_seq, which fork holds odd while it copies page tables, and undo the pin if it moved',
  notes: 'A GUP-fast pin can no longer race fork\'s copy.',
  commits: [{
    id: '57efa1fe5957',
    subject: 'mm/gup: prevent gup_fast from racing with COW during fork',
    what: 'lockless_pages_from_mm reads write_protect_seq before the walk and, for FOLL_PIN, unpins everything and falls back to the slow path if it changed',
    // mm->write_protect_seq as a GUP-fast pin saw it when it grabbed: did fork run since?
    state: () => ({ holder: { seq: bool() } }),
    hooks: ({ k, base }) => {
      const seq = k.holderField('seq');
      const forked = k.root.forked;
      return {
        gupFastGrabbed: (s, hi) => { seq[hi]!.set(s, forked.get(s)); },
        gupFastUndone: (s, hi) => { seq[hi]!.set(s, 0); },
        gupFastPinAllowed: (s, hi, p) => !(k.sh.holders[hi]!.kind === 'PIN' && seq[hi]!.get(s) !== forked.get(s)) && base.gupFastPinAllowed(s, hi, p),
      };
    },
  }],
});
