// `gupcheck compare` and `report` on the command line: resolve --models and
// --add (proposal modules by path) to entries, run the comparison
// (src/compare/run.ts) with a progress line on a TTY.

import { didYouMean } from '../io/suggest.js';
import type { CheckOptions } from '../engine/checker.js';
import type { ModelEntry } from '../engine/registry.js';
import { runComparison, type ComparisonRun } from '../compare/run.js';
import { MODELS } from '../../models/index.js';
import { UsageError } from './args.js';
import { BadInput } from './common.js';
import { progressText, progressWanted, ProgressLine } from './progress.js';
import { loadModule } from '../modules/load.js';

export * from '../compare/matrix.js';
export type { ComparisonRun } from '../compare/run.js';

/** The proposals --models names (default: every shipped proposal), then those --add loaded by path. */
export function chooseProposals(models: string | undefined, added: readonly ModelEntry[] = []): ModelEntry[] {
  const proposals = MODELS.filter((m) => m.group === 'proposal');
  let chosen = proposals;
  if (models !== undefined) {
    const names = models.split(',').map((x) => x.trim()).filter((x) => x !== '');
    if (names.length === 0) throw new UsageError('--models needs at least one proposal name (see gupcheck list proposals)');
    for (const n of names) if (!proposals.some((p) => p.name === n)) throw new BadInput(`unknown proposal '${n}'${didYouMean(n, proposals.map((p) => p.name))} (proposals: ${proposals.map((p) => p.name).join(', ')})`);
    chosen = names.map((n) => proposals.find((p) => p.name === n)!);
  }
  for (const [i, a] of added.entries()) {
    if (chosen.some((c) => c.name === a.name) || added.slice(0, i).some((c) => c.name === a.name)) throw new BadInput(`--add: a proposal named '${a.name}' is already compared; give the module's proposal another name`);
  }
  return [...chosen, ...added];
}

/** runComparison from the command line's --models / --scenario values, with a progress line unless quiet or not a TTY. */
export async function runComparisonFromFlags(models: unknown, scenario: unknown, opts: CheckOptions, quiet: boolean | undefined, added: readonly ModelEntry[] = []): Promise<ComparisonRun> {
  const line = progressWanted(quiet) ? new ProgressLine() : undefined;
  const entries = chooseProposals(typeof models === 'string' ? models : undefined, added);
  try {
    return await runComparison({
      entries,
      ...(Array.isArray(scenario) ? { scenarios: scenario as string[] } : {}),
      opts,
      ...(line !== undefined ? {
        progress: {
          setTotal: (n: number) => line.setTotal(n),
          searching: (checker, done, what) => line.update(progressText(checker.progress(), opts.maxMemoryBytes, what), done),
          finished: (done, total) => line.update(done < total ? 'searching' : 'replaying', done),
        },
      } : {}),
    });
  } finally {
    line?.stop();
  }
}

/** --add PATH …: proposal modules by path, as compare rows after the shipped ones. */
export async function addedProposals(paths: unknown): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  for (const p of Array.isArray(paths) ? (paths as string[]) : []) {
    const loaded = await loadModule(p);
    if (loaded.kind !== 'proposal') throw new BadInput(`--add ${p}: compare compares proposals; this module exports a model (check it with gupcheck check ${p})`);
    out.push(loaded.entry);
  }
  return out;
}
