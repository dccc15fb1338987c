// A kernel property module: the invariant(s) of one reference §4 entry, the
// `sometimes` companion that shows the guarded situation is reachable, and
// whether the scenario and era can exercise it at all (if not: n/a).

import type { Property } from '../src/engine/model.js';
import type { Kernel } from '../models/kernel/kernel.js';
import { longtermFileBanned } from '../models/kernel/gup.js';

export interface KernelProperty {
  /** I1 … I11 */
  readonly id: string;
  readonly title: string;
  /** Can this scenario in this era exercise the property? If not it is omitted (n/a). */
  applies(k: Kernel): boolean;
  properties(k: Kernel): Property[];
}

/** Holders the era does not refuse outright (6.5's long-term file-write ban is decided by the VMA alone). */
export function activeHolders(k: Kernel): number[] {
  return k.sh.holders.flatMap((h, i) => (longtermFileBanned(k, h) ? [] : [i]));
}

/** Can anyone write an ext4 page-cache page: an active write GUP or a user store through a shared mapping? */
export function writesExt4(k: Kernel): boolean {
  const shared = (q: number, v: number) => {
    const vma = k.sh.procs[q]!.vmas[v]!;
    return vma.file && vma.shared && k.isExt4(vma.page);
  };
  return activeHolders(k).some((i) => k.sh.holders[i]!.write && shared(k.sh.holders[i]!.proc, k.sh.holders[i]!.va)) ||
    k.sh.procs.some((pr, q) => pr.vmas.some((v, i) => v.store && shared(q, i)));
}
