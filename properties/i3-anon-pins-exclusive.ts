// I3 AnonPinsExclusive: a pinned anonymous page is PageAnonExclusive, the
// check sanity_check_pinned_pages makes (VM_BUG_ON under CONFIG_DEBUG_VM)
// since 5.19 (b6a2619c60b4). Before 5.19 neither the flag nor the check
// exists, so I3 exists only from that commit on: the commit adds it
// (anonPinsExclusive below); what every release is judged by is I3c.
//
// I3c, pin coherence: while the user keeps the address mapped (and has
// not discarded the page with MADV_DONTNEED), a pinned page is the page its PTE maps — no COW, unshare or fork may replace it
// under the pin. Symptom: RDMA or io_uring DMA lands in a page the process
// no longer sees (cow.c "Longterm R/W pin is reliable").

import { always, sometimes, type Property } from '../src/engine/model.js';
import { HOLDER, type Kernel } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

/** Pins, or write GUPs, of anonymous or private memory (where COW can replace the page). */
const appliesTo = (k: Kernel) => k.sh.holders.some((h) => (h.kind === 'PIN' || h.write) && !(k.sh.procs[h.proc]!.vmas[h.va]!.file && k.sh.procs[h.proc]!.vmas[h.va]!.shared));
const held = (k: Kernel, s: Uint32Array, i: number) => { const pc = k.hd[i]!.pc.get(s); return pc === HOLDER.held || pc === HOLDER.dirtied; };

export const I3: KernelProperty = {
  id: 'I3',
  title: 'anon pins coherent (and, from 5.19, exclusive)',
  applies: appliesTo,
  properties: (k) => {
    // Pins (FOLL_PIN), and write GUPs of the eras before FOLL_PIN existed (RDMA used FOLL_GET|FOLL_WRITE).
    const coherent = k.sh.holders.map((h, i) => ({ h, i })).filter(({ h }) => h.kind === 'PIN' || h.write);
    return [
      always('I3c', 'while the user keeps the address mapped, a pinned (or write-GUP\'d) page is the page its PTE maps', (s) => {
        for (const { h, i } of coherent) {
          if (!held(k, s, i)) continue;
          // A short-term R/O pin of the shared zero page or the huge zero page (a read of a never-written
          // buffer): no release unshares it (6.2's 84209e87c696 does so for FOLL_LONGTERM only), nor promises to.
          if (!h.longterm && !h.write && k.special[k.hd[i]!.page.get(s)] === 1) continue;
          // The user discarded the pinned page from the address (MADV_DONTNEED): the next touch gets a new page, by the user's choice.
          if (k.hd[i]!.dropped?.test(s) === true) continue;
          const e = k.pr[h.proc]!.vma[h.va]!;
          if (e.present.test(s) && !e.unmapped.test(s) && e.pfn.get(s) !== k.hd[i]!.page.get(s)) return false;
        }
        return true;
      }),
      sometimes('I3.witness', 'a pinned or write-GUP\'d page is mapped while held', (s) => {
        for (const { h, i } of coherent) {
          if (!held(k, s, i)) continue;
          const e = k.pr[h.proc]!.vma[h.va]!;
          if (e.present.test(s) && e.pfn.get(s) === k.hd[i]!.page.get(s)) return true;
        }
        return false;
      }),
    ];
  },
};

/** I3 proper, which 5.19's sanity_check_pinned_pages (b6a2619c60b4) makes a property of the kernel. */
export function anonPinsExclusive(k: Kernel): Property[] {
  if (!appliesTo(k) || !k.sh.holders.some((h) => h.kind === 'PIN')) return [];
  return [always('I3', 'an anonymous page with a FOLL_PIN holder is PageAnonExclusive (else sanity_check_pinned_pages: VM_BUG_ON)', (s) => {
    for (let i = 0; i < k.NH; i++) {
      if (k.sh.holders[i]!.kind !== 'PIN' || !held(k, s, i)) continue;
      const p = k.hd[i]!.page.get(s);
      if (k.isAnon(s, p) && !k.pg[p]!.PG_anon_exclusive.test(s)) return false;
    }
    return true;
  })];
}
