// The kernel invariants I1–I11, in order, then durability, the structural
// invariants and liveness.
import { I1 } from './i1-no-dirty-without-buffers.js';
import { I2 } from './i2-pins-balanced.js';
import { I3 } from './i3-anon-pins-exclusive.js';
import { I4 } from './i4-no-underflow.js';
import { I5, I5_SWAP } from './i5-pinned-not-freed.js';
import { I6 } from './i6-no-lost-write.js';
import { I7 } from './i7-lru-not-leaked.js';
import { I8 } from './i8-no-false-negative.js';
import { I9 } from './i9-no-write-through-ro.js';
import { I10 } from './i10-no-cross-process-leak.js';
import { I11 } from './i11-lock-discipline.js';
import { DURABILITY } from './durability.js';
import { STRUCTURE } from './structure.js';
import { MIGRATION } from './migration.js';
import { LIVENESS } from './liveness.js';
import type { KernelProperty } from './kernel-property.js';

export const KERNEL_PROPERTIES: readonly KernelProperty[] = [I1, I2, I3, I4, I5, I5_SWAP, I6, I7, I8, I9, I10, I11, DURABILITY, MIGRATION, STRUCTURE, LIVENESS];
export type { KernelProperty };
