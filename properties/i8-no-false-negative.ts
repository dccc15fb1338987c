// I8 NoFalseNegative: a page with a FOLL_PIN holder reads as
// page_maybe_dma_pinned(). False positives are allowed ("false is not
// fuzzy, true may be a false positive"). Only eras with pin tracking have
// the predicate. Kernel symptom: fork shares, or reclaim strips, a page that
// is pinned.
//
// I8.falsePositive is a `sometimes`: where a false positive can arise (a
// scenario that scales BIAS down to its count of plain references, or an
// era whose bios pin every page) it must be reached — "1024 plain refs
// read as pinned" shown, not assumed.

import { always, sometimes, type Property } from '../src/engine/model.js';
import { HOLDER, type Kernel } from '../models/kernel/kernel.js';
import { activeHolders, type KernelProperty } from './kernel-property.js';

const pinHolders = (k: Kernel) => activeHolders(k).filter((i) => k.sh.holders[i]!.kind === 'PIN');

/** The predicate exists and something other than a FOLL_PIN holder can read as pinned (a scaled BIAS, bio pins). */
function falsePositivePossible(k: Kernel): boolean {
  if (k.hooks.folioMaybeDmaPinned === undefined) return false;
  return k.sh.scenario.bounds?.bias !== undefined || k.hooks.pinsWithoutGupHolder();
}

export const I8: KernelProperty = {
  id: 'I8',
  title: 'no false negative of page_maybe_dma_pinned',
  applies: (k) => k.hooks.folioMaybeDmaPinned !== undefined && (pinHolders(k).length > 0 || falsePositivePossible(k)),
  properties: (k) => {
    const pinned = (s: Uint32Array, i: number) => {
      const pc = k.hd[i]!.pc.get(s);
      if (k.sh.holders[i]!.kind !== 'PIN' || (pc !== HOLDER.held && pc !== HOLDER.dirtied)) return false;
      // Where the kernel takes no pin on the shared zero page at all (6.5: the pin is a no-op), there is none to read.
      return !(k.hd[i]!.page.get(s) === k.sh.zeroSlot && k.sh.holders[i]!.zeroInc === 0);
    };
    const out: Property[] = [];
    if (pinHolders(k).length > 0) {
      out.push(
        always('I8', 'a page with a FOLL_PIN holder reads as page_maybe_dma_pinned() (the shared zero page apart where pinning it is a no-op, 6.5)', (s) => {
          for (let i = 0; i < k.NH; i++) if (pinned(s, i) && !k.maybeDmaPinned(s, k.hd[i]!.page.get(s))) return false;
          return true;
        }),
        sometimes('I8.witness', 'a page is pinned with FOLL_PIN', (s) => {
          for (let i = 0; i < k.NH; i++) if (pinned(s, i)) return true;
          return false;
        }),
      );
    }
    if (falsePositivePossible(k)) {
      out.push(sometimes('I8.falsePositive', 'a page no FOLL_PIN holder holds reads as page_maybe_dma_pinned() (allowed: a false positive; fork copies it, 6.4+ reclaim keeps it)', (s) => {
        for (let p = 0; p < k.NP; p++) {
          if (!k.maybeDmaPinned(s, p)) continue;
          let byPin = false;
          for (let i = 0; i < k.NH; i++) if (pinned(s, i) && k.hd[i]!.page.get(s) === p) byPin = true;
          if (!byPin) return true;
        }
        return false;
      }));
    }
    return out;
  },
};
