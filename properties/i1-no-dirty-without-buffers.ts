// I1 NoDirtyWithoutBuffers (the mission): a dirty page in an
// ext4 page cache has buffers. Kernel symptom: BUG_ON(!PagePrivate(page)) in
// page_buffers(), from ext4_writepage or mpage_prepare_extent_to_map (≤5.17);
// from 5.18 a WARN and ClearPageDirty that drops the data.

import { always, sometimes, step } from '../src/engine/model.js';
import { NO_BUFFERS } from '../models/kernel/background.js';
import { BH, HOLDER } from '../models/kernel/kernel.js';
import { writesExt4, type KernelProperty } from './kernel-property.js';

export const I1: KernelProperty = {
  id: 'I1',
  title: 'no dirty page without buffers',
  applies: writesExt4,
  properties: (k) => {
    const ext4 = k.sh.fileSlots.filter((p) => k.isExt4(p));
    return [
      always('I1', `an ext4 page-cache page that is PG_dirty has buffers (${k.atLeast('5.18')
        ? 'else ext4 writeback WARNs "page does not have buffers attached", clears PG_dirty and drops the data'
        : 'else BUG_ON(!PagePrivate(page)) in page_buffers(), from mpage_prepare_extent_to_map or ext4_writepage'})`, (s) => {
        for (const p of ext4) if (k.inCache(s, p) && k.pg[p]!.PG_dirty.test(s) && k.pg[p]!.buffers.get(s) === BH.none) return false;
        return true;
      }),
      always('I1.bug', 'the kernel does not BUG() on the dirty page without buffers (≤5.17; 5.18\'s cc5095747edf makes it a WARN that drops the data, I6)', (s) => !k.root.oops.test(s)),
      step('I1.crash', 'writeback never reaches page_buffers() on a page without buffers (the ext4 BUG, or its 5.18+ WARN that drops the data)', (prev, a) =>
        !(a.role === NO_BUFFERS || (a.name === 'reclaim: pageout' && k.pg[k.root.kswapd!.page.get(prev)]!.buffers.get(prev) === BH.none)),
      { watches: (a) => a.role === NO_BUFFERS || a.name === 'reclaim: pageout' }),
      sometimes('I1.witness', 'an ext4 page-cache page is dirty while a write GUP reference holds it', (s) => {
        for (let h = 0; h < k.NH; h++) {
          if (!k.sh.holders[h]!.write || k.hd[h]!.pc.get(s) !== HOLDER.held) continue;
          const p = k.hd[h]!.page.get(s);
          if (k.inCache(s, p) && k.isExt4(p) && k.pg[p]!.PG_dirty.test(s)) return true;
        }
        return false;
      }),
    ];
  },
};
