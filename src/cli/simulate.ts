// `gupcheck simulate MODEL [--scenario S] [--set N=V] [--seed N] [--runs N] [--depth D]
// [--time-limit S] [--json] [--quiet] [--no-shorten]`: random walks (src/engine/simulate.ts).
// Exit 1 when a property is violated, else 3: a simulation never says "holds", it says how much it
// sampled. --json is a check report (with a "simulation" field) that `gupcheck replay` reads.

import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { findModel, MODELS } from '../../models/index.js';
import { CHECK_SCHEMA_VERSION, type CheckReport } from '../engine/result.js';
import { simulate, type SimulationResult } from '../engine/simulate.js';
import { describeErrors } from '../io/decode.js';
import { didYouMean } from '../io/suggest.js';
import { isModulePath, loadModule } from '../modules/load.js';
import { renderTrace } from '../report/render.js';
import { parseArgs, UsageError } from './args.js';
import { BadInput, buildModel, EXIT } from './common.js';
import { progressWanted, ProgressLine } from './progress.js';

export const SIMULATE_FLAGS = {
  scenario: 'value', set: 'multi', seed: 'value', runs: 'value', depth: 'value', 'time-limit': 'value', json: 'bool', quiet: 'bool', 'no-shorten': 'bool',
} as const;

const num = (flag: string, min: number, max: number, integer = true) => new t.Type<number | undefined, unknown, unknown>(
  flag,
  (u): u is number | undefined => u === undefined || typeof u === 'number',
  (u, c) => {
    if (u === undefined) return t.success(undefined);
    const n = Number(u);
    return typeof u === 'string' && /^\d+(\.\d+)?$/.test(u) && (!integer || Number.isSafeInteger(n)) && n >= min && n <= max
      ? t.success(n) : t.failure(u, c, `${flag} ${String(u)}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  },
  (a) => a,
);
const FlagsC = t.type({
  seed: num('--seed', 0, 0xffffffff), runs: num('--runs', 1, 1e9), depth: num('--depth', 1, 1e6), 'time-limit': num('--time-limit', 0.001, 1e7, false),
});

export async function cmdSimulate(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SIMULATE_FLAGS);
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError('simulate needs a model, e.g. gupcheck simulate baseline --scenario bench-3pages');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const decoded = FlagsC.decode(args.flags);
  if (isLeft(decoded)) throw new UsageError(describeErrors(decoded.left));
  const f = args.flags as { scenario?: string; set?: string[]; json?: boolean; quiet?: boolean; 'no-shorten'?: boolean };
  const entry = isModulePath(name) ? (await loadModule(name)).entry : findModel(name);
  if (entry === undefined) throw new BadInput(`unknown model '${name}'${didYouMean(name, MODELS.map((m) => m.name))} (models: ${MODELS.map((m) => m.name).join(', ')})`);
  const model = buildModel(entry, f.set ?? [], f.scenario);
  const line = progressWanted(f.quiet) ? new ProgressLine() : undefined;
  let stop = false;
  const onSignal = () => { stop = true; };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const d = decoded.right;
  const r = simulate(model, {
    ...(d.seed !== undefined ? { seed: d.seed } : {}), ...(d.runs !== undefined ? { runs: d.runs } : {}), ...(d.depth !== undefined ? { depth: d.depth } : {}),
    ...(d['time-limit'] !== undefined ? { timeLimitMs: d['time-limit'] * 1000 } : {}),
    shorten: f['no-shorten'] !== true,
    shouldStop: () => stop,
    ...(line !== undefined ? { progress: (p) => line.update(`  simulate: ${p.runs.toLocaleString('en-US')} runs, ${p.steps.toLocaleString('en-US')} steps, ${rate(p.runs, p.seconds)} runs/s, ${rate(p.steps, p.seconds)} steps/s, ${p.violations} violated`) } : {}),
  });
  line?.stop();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  const code = r.properties.some((p) => p.status === 'violated') ? EXIT.VIOLATED : EXIT.INCOMPLETE;
  process.stdout.write((f.json === true ? JSON.stringify(reportOf(r, code, model.layout.words)) : renderSimulation(r)) + '\n');
  return code;
}

const rate = (n: number, s: number) => (s > 0 ? Math.round(n / s).toLocaleString('en-US') : '-');

/** A check report of the simulation: `replay` reads its traces like any other. */
function reportOf(r: SimulationResult, exitCode: number, words: number): CheckReport {
  const s = r.stats;
  return {
    schemaVersion: CHECK_SCHEMA_VERSION, exitCode, model: r.model, params: r.params, mode: 'fingerprint', complete: false,
    stats: { states: s.steps, transitions: s.steps, levels: s.longestRun + 1, maxDepth: s.longestRun, seconds: s.seconds, statesPerSecond: s.stepsPerSecond, bytesPerState: 0, storedBytes: 0, stateWords: words, collisionProbability: 0, queued: 0 },
    coverage: [], warnings: [], properties: r.properties,
    simulation: { seed: s.seed, runs: s.runs, steps: s.steps, depth: s.depth, runsPerSecond: s.runsPerSecond, stepsPerSecond: s.stepsPerSecond, stoppedBy: s.stoppedBy, notes: [...r.notes], found: r.found.map((f) => ({ ...f })) },
  };
}

export function renderSimulation(r: SimulationResult): string {
  const s = r.stats;
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const out = [
    `simulate ${r.model}${params ? ` ${params}` : ''}: ${s.runs.toLocaleString('en-US')} random runs of up to ${s.depth} steps (seed ${s.seed}), ${s.steps.toLocaleString('en-US')} steps, ${s.seconds.toFixed(2)} s: ${rate(s.runs, s.seconds)} runs/s, ${rate(s.steps, s.seconds)} steps/s; stopped: ${s.stoppedBy === 'runs' ? 'all runs done' : s.stoppedBy}`,
    '  (a simulation samples: "not violated" is not "holds"; gupcheck check searches every state)',
    '',
  ];
  const w = Math.max(8, ...r.properties.map((p) => p.name.length));
  for (const p of r.properties) {
    const res = p.status === 'violated' ? `violated (${(p.trace?.length ?? 1) - 1} steps)` : p.status === 'holds' ? 'witnessed' : p.kind === 'sometimes' ? 'not witnessed' : 'not violated';
    out.push(`  ${p.name.padEnd(w)}  ${p.kind.padEnd(9)}  ${res}`);
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  for (const p of r.properties) {
    if (p.status !== 'violated' || p.trace === undefined) continue;
    out.push('', `${p.name} violated: ${p.trace.length - 1} steps`, ...renderTrace(p.trace, { failures: [{ step: p.trace.length - 1, property: p.name, description: p.description }] }));
  }
  return out.join('\n');
}
