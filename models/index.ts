// Every model the CLI knows, in the order `gupcheck list` shows them: the
// proposals found in models/proposals/ (every module there that exports a
// proposal: adding a design is adding a file, nothing here changes), in the
// order of history, the kernel releases found in models/releases/, then the
// classic models.

import { spinlockEntry } from './classic/spinlock.js';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelEntry } from '../src/engine/registry.js';
import { proposalEntry } from './kernel/build.js';
import { historicalOrder, PROPOSAL_KIND, ProposalError, type Proposal } from './kernel/proposal.js';
import { andersonEntry } from './classic/anderson.js';
import { bakeryEntry } from './classic/bakery.js';
import { leaderElectionEntry } from './classic/leader-election.js';
import { petersonEntry } from './classic/peterson.js';
import { philsEntry } from './classic/phils.js';

async function discover(dir: URL, where: string): Promise<Proposal[]> {
  const found: Proposal[] = [];
  for (const f of readdirSync(fileURLToPath(dir)).filter((x) => x.endsWith('.js')).sort()) {
    const mod = (await import(new URL(f, dir).href)) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      if (typeof v !== 'object' || v === null || (v as Proposal).kind !== PROPOSAL_KIND || found.includes(v as Proposal)) continue;
      const p = v as Proposal;
      const twin = found.find((x) => x.name === p.name);
      if (twin !== undefined) throw new ProposalError(`${where}/${f}: a second proposal named '${p.name}'`);
      found.push(p);
    }
  }
  return historicalOrder(found);
}

/** Every design proposal shipped in models/proposals/, in the order of history. */
export const PROPOSALS: readonly Proposal[] = (await discover(new URL('./proposals/', import.meta.url), 'models/proposals')).filter((p) => p.release !== true);
/** Every kernel release modelled (models/releases/), oldest first. */
export const RELEASES: readonly Proposal[] = (await discover(new URL('./releases/', import.meta.url), 'models/releases')).filter((p) => p.release === true);

export const MODELS: readonly ModelEntry[] = [
  ...PROPOSALS.map(proposalEntry),
  ...RELEASES.map(proposalEntry),
  petersonEntry,
  andersonEntry,
  bakeryEntry,
  philsEntry,
  leaderElectionEntry,
  spinlockEntry,
];

/** A shipped proposal or release by name. */
export function findProposal(name: string): Proposal | undefined {
  return PROPOSALS.find((p) => p.name === name) ?? RELEASES.find((p) => p.name === name);
}

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
