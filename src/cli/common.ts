// What the commands share: exit codes, the bad-input error, building a model
// from its registry entry, and running a search in slices (so signals and
// the progress line get a turn).

import type { Checker } from '../engine/checker.js';
import { runInterruptibly as runSliced } from '../compare/run.js';
import type { CheckResult } from '../engine/result.js';
import { resolveParams, type ModelEntry } from '../engine/registry.js';
import { UsageError } from './args.js';
import { progressText, type ProgressLine } from './progress.js';

export const EXIT = { OK: 0, VIOLATED: 1, BAD_INPUT: 2, INCOMPLETE: 3 } as const;

/** 1 if anything was violated or vacuous; else 3 if the search did not finish; else 0. */
export function exitCodeOf(r: CheckResult): number {
  if (r.properties.some((p) => p.status === 'violated' || p.status === 'vacuous')) return EXIT.VIOLATED;
  // A property left unknown (a liveness search that stopped) is not a verdict either.
  if (!r.complete || r.properties.some((p) => p.status === 'unknown')) return EXIT.INCOMPLETE;
  return EXIT.OK;
}

/** Input that cannot be used (unknown model, unreadable file…): one line on stderr, exit 2. */
export class BadInput extends Error {}

export function buildModel(entry: ModelEntry, sets: readonly string[], input?: string) {
  const params = resolveParams(entry, sets);
  if (input !== undefined && entry.input === undefined) throw new UsageError(`model ${entry.name} takes no --scenario (only the kernel proposals do; see gupcheck list)`);
  return entry.build(params, input);
}

export interface ProgressSink {
  readonly line: ProgressLine;
  /** Searches done so far (for a bar over several), and what this one is. */
  readonly done?: number;
  readonly prefix?: string;
  readonly maxMemoryBytes?: number;
}

/** Run a checker in slices so SIGINT/SIGTERM and the progress line get a turn. */
export async function runInterruptibly(checker: Checker, progress?: ProgressSink): Promise<CheckResult> {
  return runSliced(checker, progress === undefined ? undefined : () => progress.line.update(progressText(checker.progress(), progress.maxMemoryBytes, progress.prefix), progress.done));
}
