// M: migration and long-term pins. A page in ZONE_MOVABLE (or CMA) must stay
// movable: memory offlining and CMA allocation migrate it, and a pin makes
// migration fail (the refcount check in migrate_page_move_mapping /
// folio_migrate_mapping, every release). So from 5.13 (d1e153fea2a8 "mm/gup:
// migrate pinned pages out of movable zone") a FOLL_LONGTERM GUP moves such
// a page out before it keeps the pin. Symptom before it: memory hot-unplug
// (offline_pages) retries forever while an RDMA region or io_uring buffer
// lives on the block (L.offline shows that as a lasso).
//  - M.pinnable: no FOLL_LONGTERM pin holds a page of the movable block.
//  - M.witness: a page of the movable block is migrated to a new page.

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

export const MIGRATION: KernelProperty = {
  id: 'M',
  title: 'long-term pins leave the movable block movable',
  applies: (k) => k.sh.anyMovable && (k.sh.offline || activeHolders(k).some((i) => k.sh.holders[i]!.longterm)),
  properties: (k) => {
    const longterm = activeHolders(k).filter((i) => k.sh.holders[i]!.longterm);
    // FOLL_LONGTERM from 5.2 (get_user_pages_longterm in 4.15–5.1, nothing before).
    const flag = k.atLeast('5.2') ? 'FOLL_LONGTERM' : 'long-term';
    return [
      ...(longterm.length > 0 ? [always('M.pinnable', `no ${flag} pin holds a page of the movable block (ZONE_MOVABLE is not long-term pinnable: else offlining and CMA allocations fail while the pin lives)`, (s) => {
        for (const h of longterm) {
          const pc = k.hd[h]!.pc.get(s);
          if ((pc === HOLDER.held || pc === HOLDER.dirtied) && k.isMovable(k.hd[h]!.page.get(s))) return false;
        }
        return true;
      })] : []),
      sometimes('M.witness', 'a page of the movable block is migrated to a new page', (s) => k.root.migrated!.test(s)),
    ];
  },
};
