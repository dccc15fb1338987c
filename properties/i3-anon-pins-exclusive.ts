// I3 AnonPinsExclusive (reference §4, the mission): a pinned anonymous page
// is PageAnonExclusive; and I3c, pin coherence: while the user keeps the
// address mapped, a pinned page is the page the PTE maps (no COW, unshare or
// fork may replace it under the pin). Kernel symptom: sanity_check_pinned_pages
// VM_BUG_ON; RDMA/io_uring DMA lands in a page the process no longer sees
// (§5.4). In eras without the PG_anon_exclusive bit it is tracked as a ghost.

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

export const I3: KernelProperty = {
  id: 'I3',
  title: 'anon pins exclusive',
  // Pins, or write GUPs, of anonymous or private memory (where COW can replace the page).
  applies: (k) => k.sh.holders.some((h) => (h.kind === 'PIN' || h.write) && !(k.sh.procs[h.proc]!.vmas[h.va]!.file && k.sh.procs[h.proc]!.vmas[h.va]!.shared)),
  properties: (k) => {
    // Pins (FOLL_PIN), and write GUPs of the eras before FOLL_PIN existed (RDMA used FOLL_GET|FOLL_WRITE).
    const coherent = k.sh.holders.map((h, i) => ({ h, i })).filter(({ h }) => h.kind === 'PIN' || h.write);
    const held = (s: Uint32Array, i: number) => { const pc = k.hd[i]!.pc.get(s); return pc === HOLDER.held || pc === HOLDER.dirtied; };
    return [
      always('I3', 'an anonymous page with a FOLL_PIN holder is PageAnonExclusive (else sanity_check_pinned_pages fires)', (s) => {
        for (let i = 0; i < k.NH; i++) {
          if (k.sh.holders[i]!.kind !== 'PIN' || !held(s, i)) continue;
          const p = k.hd[i]!.page.get(s);
          if (k.isAnon(s, p) && !k.pg[p]!.PG_anon_exclusive.test(s)) return false;
        }
        return true;
      }),
      always('I3c', 'while the user keeps the address mapped, a pinned (or write-GUP\'d) page is the page its PTE maps', (s) => {
        for (const { h, i } of coherent) {
          if (!held(s, i)) continue;
          const e = k.pr[h.proc]!.vma[h.va]!;
          if (e.present.test(s) && !e.unmapped.test(s) && e.pfn.get(s) !== k.hd[i]!.page.get(s)) return false;
        }
        return true;
      }),
      sometimes('I3.witness', 'a pinned or write-GUP\'d anonymous page is mapped while held', (s) => {
        for (const { h, i } of coherent) {
          if (!held(s, i)) continue;
          const e = k.pr[h.proc]!.vma[h.va]!;
          if (k.isAnon(s, k.hd[i]!.page.get(s)) && e.present.test(s)) return true;
        }
        return false;
      }),
    ];
  },
};
