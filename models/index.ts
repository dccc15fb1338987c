// Every model the CLI knows, in the order `gupcheck list` shows them.

import type { ModelEntry } from '../src/engine/registry.js';
import { proposalEntry } from './kernel/build.js';
import { anonExclusive } from './proposals/anon-exclusive.js';
import { baseline } from './proposals/baseline.js';
import { gupBias } from './proposals/gup-bias.js';
import { modern } from './proposals/modern.js';
import { andersonEntry } from './classic/anderson.js';
import { bakeryEntry } from './classic/bakery.js';
import { leaderElectionEntry } from './classic/leader-election.js';
import { petersonEntry } from './classic/peterson.js';
import { philsEntry } from './classic/phils.js';

export const MODELS: readonly ModelEntry[] = [
  proposalEntry(baseline),
  proposalEntry(gupBias),
  proposalEntry(anonExclusive),
  proposalEntry(modern),
  petersonEntry,
  andersonEntry,
  bakeryEntry,
  philsEntry,
  leaderElectionEntry,
];

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
