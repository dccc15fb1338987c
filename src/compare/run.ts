// Running a comparison (for compare, report and docs): every chosen model
// entry on every chosen scenario, one search each, then the reference
// row's counterexamples replayed on the others. No command-line concerns:
// the caller resolves names and paths to entries and draws any progress.

import { Checker, type CheckOptions } from '../engine/checker.js';
import { ModelFault, type Model } from '../engine/model.js';
import { resolveParams, type ModelEntry } from '../engine/registry.js';
import type { CheckResult, CrossReplay } from '../engine/result.js';
import { crossReplays, referenceOf, type CompareRow } from './matrix.js';

export interface ComparisonRun {
  readonly chosen: readonly ModelEntry[];
  readonly rows: readonly (CompareRow & { input: string })[];
  readonly cross: readonly CrossReplay[];
  readonly reference?: string;
  /** One line about a scenario (its description), if it can be read. */
  about(scenario: string): string | undefined;
  /** The model of a row, rebuilt (for replays along its traces). */
  modelOf(row: CompareRow): Model | undefined;
}

/** What a caller may want to show while the searches run. */
export interface ComparisonProgress {
  /** How many searches there will be. */
  setTotal(n: number): void;
  /** A slice of a search ran (called between slices): searches done so far and what this one is. */
  searching(checker: Checker, done: number, what: string): void;
  /** A search finished. */
  finished(done: number, total: number): void;
}

export interface ComparisonRequest {
  /** The proposals (model entries that take a scenario) to compare, in row order. */
  readonly entries: readonly ModelEntry[];
  /** Scenario names or paths (default: every shipped scenario but bench-*, the default one first). */
  readonly scenarios?: readonly string[];
  readonly opts: CheckOptions;
  readonly progress?: ComparisonProgress;
}

/** Build an entry's model for a scenario (entries without parameters take their defaults). */
export const buildEntry = (entry: ModelEntry, input: string): Model => entry.build(resolveParams(entry, []), input);

/** Every entry on every scenario, then the reference row's traces replayed on the others. */
export async function runComparison(req: ComparisonRequest): Promise<ComparisonRun> {
  const chosen = req.entries;
  const input = chosen[0]?.input;
  const shipped = (input?.names() ?? []).filter((n) => !n.startsWith('bench-'));
  const scenarios = req.scenarios ?? [...shipped.filter((n) => n === input?.default), ...shipped.filter((n) => n !== input?.default)];
  const rows: (CompareRow & { input: string })[] = [];
  const total = scenarios.length * chosen.length;
  req.progress?.setTotal(total);
  outer: for (const sc of scenarios) {
    for (const entry of chosen) {
      const model = buildEntry(entry, sc);
      const checker = new Checker(model, req.opts);
      const done = rows.length;
      let result: CheckResult;
      try {
        result = await runInterruptibly(checker, req.progress === undefined ? undefined : () => req.progress!.searching(checker, done, `${sc} / ${entry.name}: `));
      } catch (e) {
        throw e instanceof ModelFault ? e.in(model) : e;
      }
      rows.push({ proposal: entry.name, scenario: String(result.params['scenario'] ?? sc), input: sc, result });
      req.progress?.finished(rows.length, total);
      if (result.stopReason === 'interrupted') break outer;
    }
  }
  const reference = referenceOf(chosen.map((c) => c.name));
  const byName = (n: string) => chosen.find((c) => c.name === n)!;
  const cross = reference === undefined ? [] : crossReplays(rows, reference, (r) => buildEntry(byName(r.proposal), r.input));
  const about = new Map(rows.map((r) => [r.scenario, input?.about?.(r.input)]));
  return {
    chosen,
    rows,
    cross,
    ...(reference !== undefined ? { reference } : {}),
    about: (sc) => about.get(sc),
    modelOf: (row) => {
      const r = rows.find((x) => x.proposal === row.proposal && x.scenario === row.scenario);
      return r === undefined ? undefined : buildEntry(byName(r.proposal), r.input);
    },
  };
}

/** Run a checker in slices so SIGINT/SIGTERM (and a progress callback) get a turn between them. */
export async function runInterruptibly(checker: Checker, between?: () => void): Promise<CheckResult> {
  const onSignal = () => checker.requestStop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    while (!checker.runSlice(100)) {
      between?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return checker.result();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
