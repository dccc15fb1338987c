// Linux 6.4 (June 2023): reclaim leaves a pinned page's buffers alone.

import { step } from '../../src/engine/model.js';
import { I5 } from '../../properties/i5-pinned-not-freed.js';
import { defineProposal } from '../kernel/proposal.js';
import { v6_3 } from './v6.3.js';

export const v6_4 = defineProposal({
  name: 'v6.4',
  base: v6_3,
  release: true,
  era: 'v6.4',
  date: '2023-06',
  title: 'Linux 6.4',
  changes: 'shrink_folio_list activates a folio_maybe_dma_pinned() folio after unmapping it: no stripping of its buffers, no freeing',
  notes: 'Closes the ext4 BUG (and its WARN) for FOLL_PIN holders; FOLL_GET holders still meet it.',
  commits: [{
    id: 'd824ec2a1546',
    subject: 'mm: do not reclaim private data from pinned page',
    what: 'shrink_folio_list: after try_to_unmap, a folio_maybe_dma_pinned() folio goes to activate_locked (it is unmapped, so it cannot be newly pinned)',
    backports: ['6.1.28', '6.2.15'],
    hooks: ({ k, base }) => ({
      reclaimAfterUnmap: () => [...base.reclaimAfterUnmap(), {
        name: 'maybe_dma_pinned, activate',
        label: 'folio_maybe_dma_pinned: activate (6.4: no stripping or freeing a pinned page)',
        when: (s, p) => k.maybeDmaPinned(s, p),
      }],
    }),
    properties: (k) => {
      if (!I5.applies(k)) return [];
      return [step('I5.strip', 'reclaim does not release the buffers of, or free, a page_maybe_dma_pinned() page (the 6.4 promise)', (prev, a) => {
        if (a.name !== 'reclaim: try_to_free_buffers' && a.name !== 'reclaim: __remove_mapping') return true;
        return !k.maybeDmaPinned(prev, k.root.kswapd!.page.get(prev));
      }, { watches: (a) => a.name === 'reclaim: try_to_free_buffers' || a.name === 'reclaim: __remove_mapping' })];
    },
  }],
});
