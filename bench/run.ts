// `npm run bench`: the engine against SPIN on the same models, side by side in
// one invocation, each run in its own process, rounds interleaved so that the
// machine's noise hits both tools alike. Figures are medians over the rounds;
// what matters is the ratio. Results are appended to bench/results.md.

import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CFLAGS, runSpin, spinAvailable } from './spin.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const root = fileURLToPath(new URL('../../', import.meta.url));
const engineRun = fileURLToPath(new URL('./engine-run.js', import.meta.url));
const pml = (f: string) => `${root}test/promela/${f}`;

interface Row {
  readonly bench: string;
  readonly tool: string;
  readonly command: string;
  states: number;
  transitions: number;
  seconds: number[];
  bytesPerState: number;
  peakMiB: number;
}

interface Case {
  readonly bench: string;
  readonly engine: { model: string; sets: string[] };
  readonly spin?: { file: string; N: number };
}

const CASES: Case[] = [
  { bench: 'peterson N=4', engine: { model: 'peterson', sets: ['N=4'] }, spin: { file: 'peterson.pml', N: 4 } },
];
// Larger anderson instance, if its model and twin exist (see README "Benchmark").
if (process.env['BENCH_ANDERSON'] !== undefined) {
  const N = Number(process.env['BENCH_ANDERSON']);
  CASES.push({ bench: `anderson N=${N}`, engine: { model: 'anderson', sets: [`N=${N}`] }, spin: { file: 'anderson.pml', N } });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function runEngine(model: string, sets: string[], exact: boolean) {
  const args = [engineRun, model, ...sets, ...(exact ? ['--exact'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`engine run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { states: number; transitions: number; seconds: number; bytesPerState: number; peakRssBytes: number };
}

async function main(): Promise<void> {
  if (!spinAvailable()) {
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
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`bench: round ${round + 1} of ${ROUNDS}\n`);
    for (const c of CASES) {
      for (const exact of [false, true]) {
        const e = runEngine(c.engine.model, c.engine.sets, exact);
        row({
          bench: c.bench, tool: exact ? 'gupcheck --exact' : 'gupcheck (fingerprints)',
          command: `gupcheck check ${c.engine.model} ${c.engine.sets.map((s) => `--set ${s}`).join(' ')}${exact ? ' --exact' : ''}`,
          states: e.states, transitions: e.transitions, s: e.seconds, bytesPerState: e.bytesPerState, peakMiB: e.peakRssBytes / 2 ** 20,
        });
      }
      if (c.spin === undefined) continue;
      for (const [tool, cflags] of [
        ['SPIN DFS', [...DEFAULT_CFLAGS]],
        ['SPIN DFS, no claim', [...DEFAULT_CFLAGS, '-DNOCLAIM']],
        ['SPIN BFS', [...DEFAULT_CFLAGS, '-DBFS']],
      ] as const) {
        const s = await runSpin({ pml: pml(c.spin.file), defines: { N: c.spin.N }, cflags, panArgs: ['-m2000000'] });
        const actualMiB = Number(/([\d.]+)\s+actual memory usage for states/.exec(s.output)?.[1] ?? NaN);
        const totalMiB = Number(/([\d.]+)\s+total actual memory usage/.exec(s.output)?.[1] ?? NaN);
        row({
          bench: c.bench, tool, command: `spin -a -DN=${c.spin.N} ${c.spin.file}; gcc ${cflags.join(' ')} pan.c; ./pan -m2000000`,
          // SPIN counts one extra transition into the initial state (README, "Edge counts").
          states: s.statesStored, transitions: s.transitions - 1, s: s.seconds,
          bytesPerState: (actualMiB * 1e6) / s.statesStored, peakMiB: (totalMiB * 1e6) / 2 ** 20,
        });
      }
    }
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(`| bench | tool | distinct states | transitions | seconds (median of ${ROUNDS}) | distinct states/s | bytes stored/state | peak MiB | vs SPIN DFS | vs SPIN BFS |`);
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const rate = r.states / median(r.seconds);
    const ref = (tool: string) => {
      const x = rows.find((y) => y.bench === r.bench && y.tool === tool);
      return x === undefined ? '' : `${(rate / (x.states / median(x.seconds))).toFixed(2)}×`;
    };
    lines.push(`| ${r.bench} | ${r.tool} | ${fmt(r.states)} | ${fmt(r.transitions)} | ${median(r.seconds).toFixed(2)} | ${fmt(rate)} | ${r.bytesPerState.toFixed(1)} | ${r.peakMiB.toFixed(0)} | ${ref('SPIN DFS')} | ${ref('SPIN BFS')} |`);
  }
  for (const c of CASES) {
    const counts = new Set(rows.filter((r) => r.bench === c.bench).map((r) => r.states));
    if (counts.size !== 1) lines.push(`\n**Warning:** ${c.bench}: the tools disagree on the state count (${[...counts].join(' vs ')}); the comparison is void.`);
  }
  const table = lines.join('\n');
  process.stdout.write(table + '\n');

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const header = `\n## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC\n\nMachine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. Rounds: ${ROUNDS}, interleaved.\n\nCommands:\n${[...new Set(rows.map((r) => `- \`${r.command}\``))].join('\n')}\n\n`;
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
