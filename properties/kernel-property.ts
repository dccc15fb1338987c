// A kernel property module: the invariant(s) of one reference §4 entry, the
// `sometimes` companion that shows the guarded situation is reachable, and
// whether the scenario and era can exercise it at all (if not: n/a).

import type { Property } from '../src/engine/model.js';
import type { Kernel } from '../models/kernel/kernel.js';

export interface KernelProperty {
  /** I1 … I11 */
  readonly id: string;
  readonly title: string;
  /** Can this scenario in this era exercise the property? If not it is omitted (n/a). */
  applies(k: Kernel): boolean;
  properties(k: Kernel): Property[];
}
