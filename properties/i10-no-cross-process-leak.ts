// I10 NoCrossProcessLeak (CVE-2020-29374 and its reverse):
// after fork, what one process writes to its private anonymous memory is
// not observable through the other process's PTEs or GUP references.
// Kernel symptom: vmsplice() leaking the parent's later writes to the child
// (cow.c "vmsplice() + unmap in child"), or the child seeing DMA meant for
// the parent.

import { always, sometimes } from '../src/engine/model.js';
import { HOLDER } from '../models/kernel/kernel.js';
import type { KernelProperty } from './kernel-property.js';

export const I10: KernelProperty = {
  id: 'I10',
  title: 'no cross-process leak after fork',
  applies: (k) => k.sh.forkChild >= 0,
  properties: (k) => {
    const ptes = k.sh.procs.flatMap((pr, q) => pr.vmas.map((v, i) => ({ q, e: k.pr[q]!.vma[i]!, anon: !v.file || !v.shared })));
    return [
      always('I10', 'no process sees (by PTE or GUP reference) an anonymous page another process wrote after fork', (s) => {
        for (let p = 0; p < k.NP; p++) {
          const w = k.pg[p]!.writtenBy.get(s);
          if (w === 0 || !k.isAnon(s, p)) continue;
          for (const { q, e, anon } of ptes) {
            if (anon && q !== w - 1 && k.pr[q]!.alive.test(s) && e.present.test(s) && e.pfn.get(s) === p) return false;
          }
          for (let h = 0; h < k.NH; h++) {
            const pc = k.hd[h]!.pc.get(s);
            if ((pc === HOLDER.held || pc === HOLDER.dirtied) && k.hd[h]!.page.get(s) === p && k.sh.holders[h]!.proc !== w - 1) return false;
          }
        }
        return true;
      }),
      sometimes('I10.witness', 'a process writes an anonymous page after fork', (s) => {
        for (let p = 0; p < k.NP; p++) if (k.pg[p]!.writtenBy.get(s) !== 0) return true;
        return false;
      }),
    ];
  },
};
