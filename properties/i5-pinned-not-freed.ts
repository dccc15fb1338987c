// I5 PinnedNotFreedOrStripped: a page with a GUP holder is
// never freed. (Where a kernel promises more — 6.4's d824ec2a1546: reclaim
// neither strips the buffers of nor frees a page_maybe_dma_pinned() page —
// that kernel's proposal file adds I5.strip.) Kernel symptom: DMA into
// freed memory; buffers gone under a pin (the first half of the ext4 BUG).

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import type { Property } from '../src/engine/model.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

export const I5: KernelProperty = {
  id: 'I5',
  title: 'pinned page never freed or stripped',
  // Something must be able to take a held page's other users away: reclaim, truncate, fork's COW, or munmap.
  applies: (k) => activeHolders(k).some((i) => k.sh.procs[k.sh.holders[i]!.proc]!.vmas[k.sh.holders[i]!.va]!.munmap) ||
    (activeHolders(k).length > 0 && (k.sh.reclaim || k.sh.truncate || k.sh.forkChild >= 0)),
  properties: (k) => {
    const out: Property[] = [
      always('I5', 'a page a GUP holder holds is not freed', (s) => {
        for (let h = 0; h < k.NH; h++) {
          const pc = k.hd[h]!.pc.get(s);
          if ((pc === HOLDER.held || pc === HOLDER.dirtied) && k.isFree(s, k.hd[h]!.page.get(s))) return false;
        }
        return true;
      }),
      sometimes('I5.witness', 'a held page loses its other users: no PTE maps it, its own PTE moved to another page, or reclaim isolated it', (s) => {
        for (let h = 0; h < k.NH; h++) {
          const pc = k.hd[h]!.pc.get(s);
          if (pc !== HOLDER.held && pc !== HOLDER.dirtied) continue;
          const p = k.hd[h]!.page.get(s);
          const spec = k.sh.holders[h]!;
          const e = k.pr[spec.proc]!.vma[spec.va]!;
          if (k.ptesMapping(s, p) === 0 || (e.present.test(s) && e.pfn.get(s) !== p) || k.pg[p]!.isolated.test(s)) return true;
        }
        return false;
      }),
    ];
    return out;
  },
};
