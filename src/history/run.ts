// `gupcheck history`: one scenario on every kernel release in order, and
// for each verdict that flips between two releases, the commit that flipped
// it (found by rebuilding the later release with its first n commits, n =
// 0, 1, …: the release half-way through its merge window), the shortest
// counterexample on the side where it is violated, and that trace replayed
// on the other side (the step the fixed release refuses). No command-line
// concerns here: the CLI and docs/history.md render what this returns.

import { didYouMean } from '../io/suggest.js';
import { Checker, type CheckOptions } from '../engine/checker.js';
import { ModelFault, type Model } from '../engine/model.js';
import type { CheckResult, ReplayVerdict, TraceStep } from '../engine/result.js';
import { replaySaved } from '../replay/saved.js';
import { runInterruptibly } from '../compare/run.js';
import { familyOf } from '../compare/matrix.js';
import { buildKernelModel, resolveScenario } from '../../models/kernel/build.js';
import { withFirstCommits, type Proposal } from '../../models/kernel/proposal.js';
import type { Scenario } from '../../models/kernel/scenario.js';
import { InputError } from '../engine/registry.js';

/** A property's verdict on one release (n/a: the release or scenario cannot exercise it). */
export type Verdict = 'holds' | 'violated' | 'vacuous' | 'incomplete' | 'n/a';

export interface ReleaseRun {
  readonly release: string;
  readonly date: string;
  readonly result: CheckResult;
}

/** One step of the bisection inside the release that flipped: its first `applied` commits on its base. */
export interface BisectStep {
  readonly applied: number;
  /** The last commit applied (none for the base plus the release's own code). */
  readonly commit?: { readonly id: string; readonly subject: string };
  readonly verdict: Verdict;
}

export interface Flip {
  readonly property: string;
  /** The release before, and the release where the verdict changed. */
  readonly before: string;
  readonly after: string;
  readonly from: 'holds' | 'violated';
  readonly to: 'holds' | 'violated';
  /** The commit of `after` with which the verdict changes, if a commit does it (else the release's own code). */
  readonly commit?: { readonly id: string; readonly subject: string; readonly backports?: readonly string[] };
  readonly bisect: readonly BisectStep[];
  /** The release the counterexample comes from (the violated side) and the trace. */
  readonly traceFrom: string;
  readonly trace: readonly TraceStep[];
  /** The trace replayed on the other side. */
  readonly replay: ReplayVerdict;
}

export interface HistoryRun {
  readonly scenario: string;
  readonly about: string;
  readonly releases: readonly ReleaseRun[];
  /** The properties the table and the flips are about: an exact name, or every member of a family. */
  readonly selected: readonly string[];
  readonly flips: readonly Flip[];
  /** Every search (the releases' and the bisections') finished. */
  readonly complete: boolean;
}

export interface HistoryRequest {
  readonly scenario: string;
  /** The releases to walk, oldest first. */
  readonly releases: readonly Proposal[];
  /** An exact property name (I1.bug) or a family (I1); default every property. */
  readonly property?: string;
  readonly from?: string;
  readonly to?: string;
  readonly opts: CheckOptions;
  /** Called before each search with what it is (for a progress line). */
  readonly progress?: (what: string, checker: Checker) => void;
}

/** A property's verdict in one result. */
export function verdictOf(r: CheckResult, name: string): Verdict {
  const p = r.properties.find((x) => x.name === name);
  if (p === undefined) return 'n/a';
  return p.status === 'unknown' ? 'incomplete' : p.status;
}

/** Release names as given: "v5.8" or "5.8". */
const releaseIndex = (releases: readonly Proposal[], name: string, flag: string): number => {
  const want = name.startsWith('v') ? name : `v${name}`;
  const i = releases.findIndex((r) => r.name === want);
  if (i < 0) throw new InputError(`${flag}: unknown release '${name}'${didYouMean(name, releases.map((r) => r.name))} (releases: ${releases.map((r) => r.name).join(', ')})`);
  return i;
};

/** Which properties a --property value selects (a family's members but its witnesses, else an exact name). */
export function selectProperties(all: readonly string[], want: string | undefined): string[] {
  const real = all.filter((n) => !n.endsWith('.witness'));
  if (want === undefined) return real;
  const fam = real.filter((n) => familyOf(n) === want);
  if (fam.length > 0) return fam;
  if (all.includes(want)) return [want];
  throw new InputError(`--property: no property '${want}' on this scenario in these releases (properties: ${real.join(', ')})`);
  return fam;
}

async function search(model: Model, opts: CheckOptions, progress: HistoryRequest['progress'], what: string): Promise<CheckResult> {
  const checker = new Checker(model, opts);
  progress?.(what, checker);
  try {
    return await runInterruptibly(checker, progress === undefined ? undefined : () => progress(what, checker));
  } catch (e) {
    throw e instanceof ModelFault ? e.in(model) : e;
  }
}

export async function runHistory(req: HistoryRequest): Promise<HistoryRun> {
  const all = req.releases;
  const lo = req.from === undefined ? 0 : releaseIndex(all, req.from, '--from');
  const hi = req.to === undefined ? all.length - 1 : releaseIndex(all, req.to, '--to');
  if (lo > hi) throw new InputError(`--from ${all[lo]!.name} is after --to ${all[hi]!.name}`);
  const releases = all.slice(lo, hi + 1);
  const sc: Scenario = resolveScenario(req.scenario);
  // Build every model first: a bad scenario or --property fails before any search.
  const models = releases.map((r) => buildKernelModel(sc, r));
  const names = [...new Set(models.flatMap((m) => m.properties.map((p) => p.name)))];
  const selected = selectProperties(names, req.property);

  const runs: ReleaseRun[] = [];
  for (const [i, r] of releases.entries()) {
    const result = await search(models[i]!, req.opts, req.progress, `${r.name}: `);
    runs.push({ release: r.name, date: r.date ?? '', result });
    if (result.stopReason === 'interrupted') break;
  }

  const flips: Flip[] = [];
  let complete = runs.length === releases.length && runs.every((r) => r.result.complete);
  // Bisection results per release: the release's first n commits, n = 0 … N-1 (N is the release itself).
  const bisected = new Map<string, CheckResult[]>();
  for (let i = 1; i < runs.length; i++) {
    const a = runs[i - 1]!;
    const b = runs[i]!;
    const rel = releases[i]!;
    for (const name of selected) {
      const va = verdictOf(a.result, name);
      const vb = verdictOf(b.result, name);
      if (va === vb || (va !== 'holds' && va !== 'violated') || (vb !== 'holds' && vb !== 'violated')) continue;
      const commits = rel.commits ?? [];
      let partial = bisected.get(rel.name);
      if (partial === undefined) {
        partial = [];
        for (let n = 0; n < commits.length; n++) {
          const r = await search(buildKernelModel(sc, withFirstCommits(rel, n)), req.opts, req.progress, `${rel.name} with ${n} of ${commits.length} commits: `);
          partial.push(r);
          if (!r.complete) complete = false;
        }
        bisected.set(rel.name, partial);
      }
      const steps: BisectStep[] = partial.map((r, n) => ({
        applied: n,
        ...(n > 0 ? { commit: { id: commits[n - 1]!.id, subject: commits[n - 1]!.subject } } : {}),
        verdict: verdictOf(r, name),
      }));
      steps.push({ applied: commits.length, ...(commits.length > 0 ? { commit: { id: commits.at(-1)!.id, subject: commits.at(-1)!.subject } } : {}), verdict: vb });
      // The first prefix whose verdict is the release's, and stays it.
      let at = steps.length - 1;
      while (at > 0 && steps[at - 1]!.verdict === vb) at--;
      const c = at > 0 ? commits[at - 1] : undefined;
      const violatedSide = va === 'violated' ? a : b;
      const otherSide = va === 'violated' ? b : a;
      const p = violatedSide.result.properties.find((x) => x.name === name)!;
      const trace = p.trace ?? [];
      const otherIdx = runs.indexOf(otherSide);
      const { verdict } = replaySaved({ model: violatedSide.release, params: violatedSide.result.params, property: name, trace }, models[otherIdx]!, `${violatedSide.release} / ${sc.name}`);
      flips.push({
        property: name, before: a.release, after: b.release, from: va, to: vb,
        ...(c !== undefined ? { commit: { id: c.id, subject: c.subject, ...(c.backports !== undefined ? { backports: c.backports } : {}) } } : {}),
        bisect: steps,
        traceFrom: violatedSide.release,
        trace,
        replay: verdict,
      });
    }
  }
  return { scenario: sc.name, about: sc.description, releases: runs, selected, flips, complete };
}
