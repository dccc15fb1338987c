// I9 NoWriteThroughRO (Dirty COW): a page that no process may legally
// write never changes — a file page mapped only privately (no shared
// writable mapping), and the shared zero page; private writes land in
// anonymous COW copies. Kernel symptom: CVE-2016-5195, a write through
// /proc/self/mem reaching the file (or, through the zero page, every
// process's zero-filled memory).

import { always, sometimes } from '../src/engine/model.js';
import type { KernelProperty } from './kernel-property.js';

/** File pages that only private (or read-only) mappings map. */
function readOnlyFilePages(k: Parameters<KernelProperty['applies']>[0]): number[] {
  return k.sh.fileSlots.filter((p) => k.sh.procs.every((pr) => pr.vmas.every((v) => v.page !== p || !(v.shared && v.writable))) &&
    k.sh.procs.some((pr) => pr.vmas.some((v) => v.page === p)));
}

/** Anonymous VMAs that start on the zero page (the process only read them). */
const zeroPageVmas = (k: Parameters<KernelProperty['applies']>[0]) => k.sh.procs.flatMap((pr, q) => pr.vmas.map((v, i) => ({ v, q, i }))).filter(({ v }) => v.zeropage);

export const I9: KernelProperty = {
  id: 'I9',
  title: 'no write through a read-only mapping',
  // Someone may try to write such a page: a writable private mapping, or a write GUP of a private one (FOLL_FORCE).
  applies: (k) => (readOnlyFilePages(k).length > 0 && (k.sh.procs.some((pr) => pr.vmas.some((v) => v.file && !v.shared && v.writable)) ||
    k.sh.holders.some((h) => h.write && !k.sh.procs[h.proc]!.vmas[h.va]!.shared && k.sh.procs[h.proc]!.vmas[h.va]!.file))) ||
    zeroPageVmas(k).some(({ v }) => v.writable) ||
    // (or a FOLL_FORCE write of a read-only one, /proc/PID/mem's)
    k.sh.holders.some((h) => h.write && h.force && k.sh.procs[h.proc]!.vmas[h.va]!.zeropage),
  properties: (k) => {
    const ro = readOnlyFilePages(k);
    const zero = zeroPageVmas(k).length > 0 ? k.sh.zeroSlot : -1;
    const hz = k.sh.hugeZeroSlot;
    const privateVmas = k.sh.procs.flatMap((pr, q) => pr.vmas.map((v, i) => ({ v, q, i }))).filter(({ v }) => (v.file && !v.shared) || v.zeropage);
    return [
      always('I9', `a page no process may write keeps its contents: a file page mapped only privately, the shared zero page${hz >= 0 ? ' and the huge zero page' : ''} (writes go to private COW copies)`, (s) => {
        for (const p of ro) if (k.pg[p]!.data.get(s) !== k.pg[p]!.disk.get(s) || k.pg[p]!.disk.get(s) !== 0) return false;
        if (hz >= 0 && (k.pg[hz]!.data.get(s) !== 0 || k.pg[k.sh.pages[hz]!.tail]!.data.get(s) !== 0)) return false;
        return zero < 0 || k.pg[zero]!.data.get(s) === 0;
      }),
      sometimes('I9.witness', 'a private mapping of a file page or of the zero page is COW-written into an anonymous page', (s) => {
        for (const { q, i } of privateVmas) {
          const e = k.pr[q]!.vma[i]!;
          if (e.present.test(s) && k.isAnon(s, e.pfn.get(s)) && k.pg[e.pfn.get(s)]!.data.get(s) > 0) return true;
        }
        return false;
      }),
    ];
  },
};
