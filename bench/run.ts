// `npm run bench`: the engine against SPIN on the same models, and the
// engine alone on the kernel benchmark scenario, side by side in one
// invocation. Every run is its own process; rounds are interleaved so that
// the machine's noise hits every tool alike; figures are medians over the
// rounds, and what matters is the ratio. Results are appended to
// bench/results.md.
//
// Environment:
//   BENCH_ROUNDS=3          rounds of the peterson and anderson cases
//   BENCH_KERNEL_ROUNDS=1   rounds of the kernel cases (each run takes minutes)
//   BENCH_ANDERSON=6        anderson's N (6: 18,206,917 states)
//   BENCH_ONLY=peterson,anderson,kernel,fork,simulate   which cases to run
//   BENCH_KERNEL_MAX=N      bound the kernel runs to N states (for a quick look)
//
// The kernel cases run bench-3pages, and bench-3pages-symmetry (the same with
// its three pages declared interchangeable: symmetry reduction); the fork
// cases bench-3pages-fork (plus a fork of the application) with and without
// symmetry. gupcheck's seconds with workers include starting them. SPIN runs
// both without partial-order reduction (its state graph is the engine's) and
// with its default reduction (time to verdict). The simulate case is the time
// `gupcheck simulate` takes to meet the ext4 BUG on bench-3pages (seeds 1-5).

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CFLAGS, runSpin, spinAvailable } from './spin.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const KERNEL_ROUNDS = Number(process.env['BENCH_KERNEL_ROUNDS'] ?? 1);
const ANDERSON = Number(process.env['BENCH_ANDERSON'] ?? 6);
const ONLY = new Set((process.env['BENCH_ONLY'] ?? 'peterson,anderson,kernel,fork,simulate').split(','));
const KERNEL_MAX = process.env['BENCH_KERNEL_MAX'];
const root = fileURLToPath(new URL('../../', import.meta.url));
const engineRun = fileURLToPath(new URL('./engine-run.js', import.meta.url));
const pml = (f: string) => `${root}test/promela/${f}`;

type Run =
  | { readonly kind: 'engine'; readonly tool: string; readonly model: string; readonly args: readonly string[] }
  /** Two single-threaded runs at once, in two processes: the most two workers could gain on this machine. */
  | { readonly kind: 'pair'; readonly tool: string; readonly model: string; readonly args: readonly string[] }
  | { readonly kind: 'spin'; readonly tool: string; readonly file: string; readonly N: number; readonly cflags: readonly string[]; readonly pan: readonly string[] }
  /** `gupcheck simulate` until it meets a property's violation: the time the walk took. */
  | { readonly kind: 'simulate'; readonly tool: string; readonly model: string; readonly scenario: string; readonly property: string; readonly seed: number };

interface Case {
  readonly bench: string;
  readonly rounds: number;
  readonly runs: readonly Run[];
}

interface Row {
  readonly bench: string;
  readonly tool: string;
  readonly command: string;
  states: number;
  transitions: number;
  seconds: number[];
  bytesPerState: number;
  peakMiB: number;
  verdicts?: string;
  complete?: boolean;
  /** Searches done in `seconds` (2 for a pair: its rate is their joint throughput). */
  searches?: number;
  collision?: number;
}

const engine = (tool: string, model: string, ...args: string[]): Run => ({ kind: 'engine', tool, model, args });
const PAIR = 'ceiling: 2 single-threaded searches at once';
const pair = (model: string, ...args: string[]): Run => ({ kind: 'pair', tool: PAIR, model, args });
const spin = (tool: string, file: string, N: number, cflags: readonly string[], pan: readonly string[]): Run => ({ kind: 'spin', tool, file, N, cflags, pan });
/** SPIN's DFS needs a stack as deep as its search goes: -m must exceed it (pan says "max search depth too small" otherwise). */
const spinRuns = (file: string, N: number, withNoClaim: boolean, maxDepth: number): Run[] => [
  spin('SPIN DFS', file, N, [...DEFAULT_CFLAGS], [`-m${maxDepth}`]),
  ...(withNoClaim ? [spin('SPIN DFS, no claim', file, N, [...DEFAULT_CFLAGS, '-DNOCLAIM'], [`-m${maxDepth}`])] : []),
  spin('SPIN BFS', file, N, [...DEFAULT_CFLAGS, '-DBFS'], [`-m${maxDepth}`]),
  // SPIN's default: partial-order reduction on (a smaller graph, the same verdict).
  spin('SPIN DFS + POR', file, N, ['-O2', '-DSAFETY'], [`-m${maxDepth}`]),
];

const kernelArgs = (scenario: string) => ['--scenario', scenario, ...(KERNEL_MAX !== undefined ? ['--max-states', KERNEL_MAX] : [])];
const CASES: Case[] = [
  ...(ONLY.has('peterson') ? [{
    bench: 'peterson N=4', rounds: ROUNDS,
    runs: [
      engine('gupcheck', 'peterson', 'N=4'),
      engine('gupcheck --por', 'peterson', 'N=4', '--por'),
      engine('gupcheck, 2 workers', 'peterson', 'N=4', '--workers', '2'),
      pair('peterson', 'N=4'),
      engine('gupcheck --exact', 'peterson', 'N=4', '--exact'),
      ...spinRuns('peterson.pml', 4, true, 2_000_000),
    ],
  }] : []),
  ...(ONLY.has('anderson') ? [{
    bench: `anderson N=${ANDERSON}`, rounds: ROUNDS,
    runs: [
      engine('gupcheck', 'anderson', `N=${ANDERSON}`),
      engine('gupcheck --por', 'anderson', `N=${ANDERSON}`, '--por'),
      engine('gupcheck, 2 workers', 'anderson', `N=${ANDERSON}`, '--workers', '2'),
      pair('anderson', `N=${ANDERSON}`),
      ...spinRuns('anderson.pml', ANDERSON, false, 20_000_000),
    ],
  }] : []),
  ...(ONLY.has('kernel') ? (['baseline', 'modern'] as const).flatMap((p): Case[] => [false, true].map((sym) => ({
    bench: `kernel bench-3pages${sym ? ' + symmetry' : ''}, ${p}${KERNEL_MAX !== undefined ? ` (first ${KERNEL_MAX} states)` : ''}`, rounds: KERNEL_ROUNDS,
    runs: [
      engine('gupcheck', p, ...kernelArgs(sym ? 'bench-3pages-symmetry' : 'bench-3pages')),
      engine('gupcheck, 2 workers', p, ...kernelArgs(sym ? 'bench-3pages-symmetry' : 'bench-3pages'), '--workers', '2'),
    ],
  }))) : []),
  ...(ONLY.has('fork') ? [false, true].map((sym): Case => ({
    bench: `kernel bench-3pages-fork${sym ? ' + symmetry' : ''}, baseline${KERNEL_MAX !== undefined ? ` (first ${KERNEL_MAX} states)` : ''}`, rounds: KERNEL_ROUNDS,
    runs: [
      engine('gupcheck', 'baseline', ...kernelArgs(sym ? 'bench-3pages-fork-symmetry' : 'bench-3pages-fork')),
      engine('gupcheck, 2 workers', 'baseline', ...kernelArgs(sym ? 'bench-3pages-fork-symmetry' : 'bench-3pages-fork'), '--workers', '2'),
    ],
  })) : []),
  ...(ONLY.has('simulate') ? [{
    bench: 'simulate: time to the ext4 BUG (I1) on bench-3pages, baseline', rounds: 1,
    runs: [1, 2, 3, 4, 5].map((seed): Run => ({ kind: 'simulate', tool: `gupcheck simulate --seed ${seed}`, model: 'baseline', scenario: 'bench-3pages', property: 'I1', seed })),
  }] : []),
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface EngineRun { states: number; transitions: number; seconds: number; bytesPerState: number; peakRssBytes: number; verdicts: string; complete: boolean; collisionProbability: number }

function runEngine(model: string, args: readonly string[]): EngineRun {
  const r = spawnSync(process.execPath, [engineRun, model, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`engine run failed (${model} ${args.join(' ')}): ${r.stderr}`);
  return JSON.parse(r.stdout) as EngineRun;
}

/** The same run in two processes started together; resolves when both have ended. */
function runEnginePair(model: string, args: readonly string[]): Promise<EngineRun[]> {
  const one = () => new Promise<EngineRun>((resolve, reject) => {
    const c = spawn(process.execPath, [engineRun, model, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    c.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as EngineRun) : reject(new Error(`engine run failed (${model} ${args.join(' ')}): ${err}`))));
  });
  return Promise.all([one(), one()]);
}

const engineCommand = (model: string, args: readonly string[]) => {
  const sets = args.filter((a, i) => !a.startsWith('--') && !['--workers', '--scenario', '--max-states'].includes(args[i - 1] ?? ''));
  const flags = args.filter((a, i) => a.startsWith('--') || ['--workers', '--scenario', '--max-states'].includes(args[i - 1] ?? ''));
  return `gupcheck check ${model} ${sets.map((s) => `--set ${s}`).join(' ')} ${flags.join(' ')}`.replace(/\s+/g, ' ').replace(root, '').trim();
};

async function main(): Promise<void> {
  const needSpin = CASES.some((c) => c.runs.some((r) => r.kind === 'spin'));
  if (needSpin && !spinAvailable()) {
    process.stderr.write("bench: SPIN is not installed; install Debian's spin (apt-get install spin) and gcc\n");
    process.exit(2);
  }
  const rows: Row[] = [];
  const row = (r: Omit<Row, 'seconds'> & { s: number }) => {
    let x = rows.find((y) => y.bench === r.bench && y.tool === r.tool);
    if (x === undefined) {
      x = { ...r, seconds: [] };
      rows.push(x);
    }
    x.seconds.push(r.s);
    x.peakMiB = Math.max(x.peakMiB, r.peakMiB);
  };
  const maxRounds = Math.max(0, ...CASES.map((c) => c.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (const c of CASES) {
      if (round >= c.rounds) continue;
      for (const run of c.runs) {
        process.stderr.write(`bench: round ${round + 1}: ${c.bench}: ${run.tool}\n`);
        if (run.kind === 'pair') {
          const [a, b] = await runEnginePair(run.model, run.args);
          row({
            bench: c.bench, tool: run.tool, command: `${engineCommand(run.model, run.args)} & ${engineCommand(run.model, run.args)}`,
            states: a!.states, transitions: a!.transitions, s: Math.max(a!.seconds, b!.seconds), bytesPerState: a!.bytesPerState,
            peakMiB: (a!.peakRssBytes + b!.peakRssBytes) / 2 ** 20, searches: 2,
          });
        } else if (run.kind === 'engine') {
          const e = runEngine(run.model, run.args);
          row({
            bench: c.bench, tool: run.tool, command: engineCommand(run.model, run.args),
            states: e.states, transitions: e.transitions, s: e.seconds, bytesPerState: e.bytesPerState, peakMiB: e.peakRssBytes / 2 ** 20,
            verdicts: e.verdicts, complete: e.complete, collision: e.collisionProbability,
          });
        } else if (run.kind === 'simulate') {
          const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
          const args = ['simulate', run.model, '--scenario', run.scenario, '--seed', String(run.seed), '--runs', '100000', '--no-shorten', '--json', '--quiet'];
          const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
          const rep = JSON.parse(r.stdout) as { simulation: { found: { property: string; run: number; seconds: number; steps: number }[] } };
          const f = rep.simulation.found.find((x) => x.property === run.property);
          if (f === undefined) throw new Error(`simulate: no ${run.property} violation in 100,000 runs (seed ${run.seed})`);
          row({ bench: c.bench, tool: run.tool, command: `gupcheck ${args.join(' ')}`, states: f.run, transitions: f.steps, s: f.seconds, bytesPerState: 0, peakMiB: 0 });
        } else {
          const s = await runSpin({ pml: pml(run.file), defines: { N: run.N }, cflags: run.cflags, panArgs: run.pan });
          if (s.depthLimitHit) throw new Error(`${run.tool} on ${run.file} N=${run.N}: pan's search depth limit was hit (raise -m)`);
          const actualMiB = Number(/([\d.]+)\s+actual memory usage for states/.exec(s.output)?.[1] ?? NaN);
          const totalMiB = Number(/([\d.]+)\s+total actual memory usage/.exec(s.output)?.[1] ?? NaN);
          row({
            bench: c.bench, tool: run.tool, command: `spin -a -DN=${run.N} ${run.file}; gcc ${run.cflags.join(' ')} pan.c; ./pan ${run.pan.join(' ')}`,
            // SPIN counts one extra transition into the initial state (README, "Edge counts").
            states: s.statesStored, transitions: s.transitions - 1, s: s.seconds,
            bytesPerState: (actualMiB * 1e6) / s.statesStored, peakMiB: (totalMiB * 1e6) / 2 ** 20,
          });
        }
      }
    }
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines: string[] = [];
  lines.push('| bench | tool | distinct states | transitions | seconds (median) | distinct states/s | bytes stored/state | peak RSS MiB | vs SPIN DFS | vs SPIN BFS | time vs SPIN + POR | vs 1 worker |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rate = (r: Row) => ((r.searches ?? 1) * r.states) / median(r.seconds);
  for (const r of rows) {
    // Time to verdict against SPIN with its default reduction (its graph is smaller, so states/s do not compare).
    const por = rows.find((y) => y.bench === r.bench && y.tool === 'SPIN DFS + POR');
    const vsPor = por !== undefined && r.tool !== PAIR && !r.tool.startsWith('SPIN') ? `${(median(por.seconds) / median(r.seconds)).toFixed(2)}×` : '';
    const ref = (tool: string) => {
      const x = rows.find((y) => y.bench === r.bench && y.tool === tool);
      return x === undefined ? '' : `${(rate(r) / rate(x)).toFixed(2)}×`;
    };
    const n = r.seconds.length;
    lines.push(`| ${r.bench} | ${r.tool} | ${fmt(r.states)} | ${fmt(r.transitions)} | ${median(r.seconds).toFixed(2)}${n > 1 ? ` (${n})` : ''} | ${fmt(rate(r))} | ${r.bytesPerState.toFixed(1)} | ${r.peakMiB.toFixed(0)} | ${r.tool === PAIR ? '' : ref('SPIN DFS')} | ${r.tool === PAIR ? '' : ref('SPIN BFS')} | ${vsPor} | ${(r.tool.startsWith('gupcheck') && !r.tool.includes('exact')) || r.tool === PAIR ? ref('gupcheck') : ''} |`);
  }
  const notes: string[] = [];
  for (const c of CASES) {
    const rs = rows.filter((r) => r.bench === c.bench);
    // SPIN and gupcheck with reduction store fewer states by design; a simulation's "states" is the run it found the bug in.
    const counts = new Set(rs.filter((r) => !r.tool.includes('POR') && !r.tool.includes('--por') && !c.bench.startsWith('simulate')).map((r) => r.states));
    if (counts.size > 1) notes.push(`**Warning:** ${c.bench}: the runs disagree on the state count (${[...counts].join(' vs ')}); the comparison is void.`);
    const verdicts = new Set(rs.filter((r) => r.verdicts !== undefined && !r.tool.includes('exact')).map((r) => r.verdicts));
    if (verdicts.size > 1) notes.push(`**Warning:** ${c.bench}: the engine runs disagree on verdicts or counterexample lengths.`);
    const e = rs.find((r) => r.tool === 'gupcheck');
    if (e !== undefined) {
      notes.push(`${c.bench}: ${e.complete === false ? 'incomplete (bounded); ' : ''}collision probability estimate ${e.collision?.toExponential(1)}; verdicts (1 and 2 workers alike${verdicts.size > 1 ? ': NO' : ''}): ${e.verdicts}`);
    }
  }
  const sims = rows.filter((r) => r.bench.startsWith('simulate'));
  if (sims.length > 0) {
    const secs = sims.map((r) => median(r.seconds));
    notes.push(`simulate: the walk met the ext4 BUG after ${Math.min(...secs).toFixed(3)}–${Math.max(...secs).toFixed(3)} s (median ${median(secs).toFixed(3)} s over seeds ${sims.map((r) => r.tool.split(' ').pop()).join(', ')}; "distinct states" is the run that met it, "transitions" its length). Quint's simulator needed 1.8–4.3 s on a one-driver model of the same bug (published figures, not measured here).`);
  }
  if (rows.some((r) => r.tool === PAIR)) {
    notes.push(`${PAIR}: two processes each running the single-threaded search, started together; their joint throughput against one alone ("vs 1 worker") is what this machine gives two busy threads of this engine (shared caches, memory bandwidth, and V8's compiler and collector threads competing for the same two cores), so the ceiling for --workers 2.`);
  }
  for (const c of CASES) {
    if (!c.bench.includes('+ symmetry')) continue;
    const plain = rows.find((r) => r.bench === c.bench.replace(' + symmetry', '') && r.tool === 'gupcheck');
    const sym = rows.find((r) => r.bench === c.bench && r.tool === 'gupcheck');
    if (plain !== undefined && sym !== undefined) {
      notes.push(`${c.bench}: ${fmt(sym.states)} states instead of ${fmt(plain.states)} (${(plain.states / sym.states).toFixed(2)}× fewer), ${(median(plain.seconds) / median(sym.seconds)).toFixed(2)}× faster; verdicts ${sym.verdicts === plain.verdicts ? 'identical (counterexample lengths included)' : 'DIFFERENT'}`);
    }
  }
  const table = lines.join('\n') + (notes.length > 0 ? `\n\n${notes.map((n) => `- ${n}`).join('\n')}` : '');
  process.stdout.write(table + '\n');

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const roundsText = [...new Set(CASES.map((c) => `${c.bench}: ${c.rounds}`))].join('; ');
  const header = `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Rounds (interleaved; seconds are medians, the count in brackets): ${roundsText}.\n\nCommands:\n${[...new Set(rows.map((r) => `- \`${r.command}\``))].join('\n')}\n\n`;
  const file = fileURLToPath(new URL('../../bench/results.md', import.meta.url));
  if (!existsSync(file)) {
    writeFileSync(file, '# Benchmark history\n\nWritten by `npm run bench`; newest last. Seconds are search time as each tool reports it (pan: "elapsed time"; gupcheck: the search loop), so start-up and compilation are excluded for both.\n');
  }
  appendFileSync(file, header + table + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
