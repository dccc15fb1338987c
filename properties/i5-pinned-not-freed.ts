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
  // Something must be able to take a held page's other users away: reclaim (of file pages, or of anonymous ones through swap), truncate, fork's COW, munmap, or migration.
  applies: (k) => activeHolders(k).some((i) => k.sh.procs[k.sh.holders[i]!.proc]!.vmas[k.sh.holders[i]!.va]!.munmap) ||
    (activeHolders(k).length > 0 && (k.sh.reclaim || k.sh.swap || k.sh.truncate || k.sh.forkChild >= 0 || k.sh.offline || k.sh.compaction)),
  properties: (k) => {
    const out: Property[] = [
      always('I5', 'a page a GUP holder holds is not freed', (s) => {
        for (let h = 0; h < k.NH; h++) {
          const pc = k.hd[h]!.pc.get(s);
          if ((pc === HOLDER.held || pc === HOLDER.dirtied) && k.isFree(s, k.hd[h]!.page.get(s))) return false;
        }
        return true;
      }),
      sometimes('I5.witness', 'a held page loses its other users: no PTE maps it, its own PTE moved to another page, or reclaim or migration isolated it', (s) => {
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

/**
 * I5.swap, no pinned page swapped out: while a FOLL_PIN holder holds page
 * p, no PTE is a swap entry for p's swap slot — reclaim did not unmap p to
 * swap under the pin. feb889fb40fa (5.11) keeps a maybe-pinned page out of
 * the swap cache (but not one pinned after add_to_swap); 5.19's
 * try_to_unmap_one refuses an exclusive page that may be pinned
 * (6c287605fd56). Symptom (5.9–5.18): the next fault maps the swap-cache
 * page read-only and the next write fault copies it, so the pin and the
 * process part (feb889fb40fa's message; I3c shows that half).
 */
export const I5_SWAP: KernelProperty = {
  id: 'I5.swap',
  title: 'no pinned page unmapped to swap',
  applies: (k) => k.sh.swap && activeHolders(k).some((i) => k.sh.holders[i]!.kind === 'PIN' && !k.sh.procs[k.sh.holders[i]!.proc]!.vmas[k.sh.holders[i]!.va]!.shared),
  properties: (k) => {
    const pins = activeHolders(k).filter((i) => k.sh.holders[i]!.kind === 'PIN');
    const pinnedInSwapCache = (s: Uint32Array, swapped: boolean) => {
      for (const h of pins) {
        const pc = k.hd[h]!.pc.get(s);
        if (pc !== HOLDER.held && pc !== HOLDER.dirtied) continue;
        const p = k.hd[h]!.page.get(s);
        if (k.swapSlotOf(s, p) >= 0 && (!swapped || k.pageSwapCount(s, p) > 0)) return true;
      }
      return false;
    };
    // "Pinning": FOLL_PIN from 5.6, the same caller's get_user_pages before it (the words fit every release).
    return [
      always('I5.swap', 'no swap PTE refers to the swap slot of a page a pinning GUP holder holds (reclaim did not unmap a pinned page to swap)', (s) => !pinnedInSwapCache(s, true)),
      sometimes('I5.swap.witness', 'a page a pinning GUP holder holds is in the swap cache', (s) => pinnedInSwapCache(s, false)),
    ];
  },
};
