// A kernel property module: the invariant(s) of one kernel property, the
// `sometimes` companion that shows the guarded situation is reachable, and
// whether the scenario and era can exercise it at all (if not: n/a).

import type { Property } from '../src/engine/model.js';
import type { LivenessProperty } from '../src/engine/liveness.js';
import type { Kernel } from '../models/kernel/kernel.js';

export interface KernelProperty {
  /** I1 … I11 */
  readonly id: string;
  readonly title: string;
  /** Can this scenario on this kernel exercise the property? If not it is omitted (n/a). */
  applies(k: Kernel): boolean;
  properties(k: Kernel): Property[];
  /** Liveness properties (leads-to, eventually), checked on the full graph after the safety search. */
  liveness?(k: Kernel): LivenessProperty[];
}

/** Holders the kernel does not refuse outright (check_vma_flags decides by the VMA alone, e.g. 6.5's long-term file-write ban). */
export function activeHolders(k: Kernel): number[] {
  return k.sh.holders.flatMap((h, i) => (k.hooks.checkVmaFlags(h) !== undefined ? [] : [i]));
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
