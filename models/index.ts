// Every model the CLI knows, in the order `gupcheck list` shows them.

import type { ModelEntry } from '../src/engine/registry.js';
import { proposalEntry } from './kernel/build.js';
import { anonExclusive } from './proposals/anon-exclusive.js';
import { baseline } from './proposals/baseline.js';
import { gupBias } from './proposals/gup-bias.js';
import { modern } from './proposals/modern.js';
import { bioGupFlag } from './proposals/bio-gup-flag.js';
import { bvecGupFlag } from './proposals/bvec-gup-flag.js';
import { dmaPinnedFlags } from './proposals/dma-pinned-flags.js';
import { lockPageOverGup } from './proposals/lock-page-over-gup.js';
import { putUserPage } from './proposals/put-user-page.js';
import { uniformBioBias } from './proposals/uniform-bio-bias.js';
import { andersonEntry } from './classic/anderson.js';
import { bakeryEntry } from './classic/bakery.js';
import { leaderElectionEntry } from './classic/leader-election.js';
import { petersonEntry } from './classic/peterson.js';
import { philsEntry } from './classic/phils.js';

/** Every design proposal, in the order of history (reference §3). */
export const PROPOSALS = [
  baseline, lockPageOverGup, dmaPinnedFlags, putUserPage, bvecGupFlag, bioGupFlag, uniformBioBias,
  gupBias, anonExclusive, modern,
] as const;

export const MODELS: readonly ModelEntry[] = [
  ...PROPOSALS.map(proposalEntry),
  petersonEntry,
  andersonEntry,
  bakeryEntry,
  philsEntry,
  leaderElectionEntry,
];

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
