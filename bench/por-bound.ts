// `node dist/bench/por-bound.js`: how much could partial-order reduction
// save on the kernel model, at the very most? (issue 15, item 1)
//
// The kernel declares no footprints, so `check --por` refuses it. Before
// declaring them for every kernel step and hook, this measures the best any
// footprint-based stubborn set could do: each action's footprint is what it
// in fact reads and writes over every reachable state (traced, so exact and
// the smallest a declaration could be), and three further generosities are
// granted, none of them sound in general:
//   - split: each step of kswapd, the flusher and truncate is split by the
//     page its actor is on (kswapd.page, flusher.page, truncate.idx), as if
//     the model had one step per page;
//   - locations: an actor's pc is a location (SPIN's process graph) wherever
//     the step always moves it from one value to one other;
//   - no oops, no properties: the guards' read of `oops` is dropped, and no
//     property or quiescent test makes a step visible.
// The scenarios are bench-3pages cut to two pages, with each background
// actor alone, all of them, and none. The figures are states stored.

import '../src/engine/tuning.js';
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Checker } from '../src/engine/checker.js';
import { inferFootprints } from '../src/engine/footprint-check.js';
import type { Action, Model } from '../src/engine/model.js';
import type { Field } from '../src/engine/schema.js';
import { findModel } from '../models/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bench = JSON.parse(readFileSync(`${root}models/scenarios/bench-3pages.json`, 'utf8')) as {
  pages: unknown[];
  processes: { mappings: unknown[] }[];
  holders: unknown[];
  actors: Record<string, boolean>;
};
export const BACKGROUNDS: readonly (readonly [string, Record<string, boolean>])[] = [
  ['drivers only', {}],
  ['+ flusher', { flusher: true }],
  ['+ kswapd', { reclaim: true }],
  ['+ truncate', { truncate: true }],
  ['+ all three (bench-3pages, 2 pages)', { flusher: true, reclaim: true, truncate: true }],
];

const entry = findModel('baseline')!;

/** Copy an action with another guard and footprint (its prototype kept). */
function variant(a: Action, over: Partial<Action>): Action {
  const o = Object.assign(Object.create(Object.getPrototypeOf(a) as object) as Action, a, over);
  // the expander inlines guardParts only while `enabled` is still theirs: drop them with a new guard
  if (over.enabled !== undefined) delete (o as { guardParts?: unknown }).guardParts;
  return o;
}

function reducedStates(m: Model, generous: boolean): { full: number; reduced: number } {
  const field = (p: string) => m.layout.fields.find((f) => f.path === p);
  const pageOf: Record<string, Field | undefined> = { kswapd: field('kswapd.page'), flusher: field('flusher.page'), truncate: field('truncate.idx') };
  const actorOf = (a: Action) => (a.actor ?? '').split('/')[0]!;
  const pcOf = (a: Action) => field(`holder.${actorOf(a)}.pc`) ?? field(`${actorOf(a)}.pc`);
  let actions: Action[] = [...m.actions];
  if (generous) {
    actions = actions.flatMap((a) => {
      const pf = pageOf[actorOf(a)];
      if (pf === undefined) return [a];
      return Array.from({ length: pf.mask + 1 }, (_, v) => variant(a, { enabled: (s: Uint32Array) => pf.get(s) === v + pf.min && a.enabled(s), label: `${a.label} [on page ${v}]` }));
    });
  }
  const split: Model = { ...m, actions };
  const fp = inferFootprints(split, { locationOf: pcOf });
  if (!fp.complete) throw new Error(`${m.name}: too many states to trace`);
  const traced = actions.map((a, i) => {
    const f = fp.actions[i]!;
    let reads = f.reads;
    let writes = f.writes;
    const pc = pcOf(a);
    const one = (x: ReadonlySet<number>) => (x.size === 1 ? [...x][0]! : undefined);
    const from = one(f.from);
    const to = one(f.to);
    if (!generous) return variant(a, { reads, writes });
    reads = reads.filter((r) => r.path !== 'oops');
    if (pc === undefined || from === undefined || to === undefined || from === to) return variant(a, { reads, writes });
    return variant(a, { reads: reads.filter((r) => r !== pc), writes: writes.filter((w) => w !== pc), moves: { field: pc, from, to } });
  });
  const props = m.properties.filter((p) => p.kind !== 'step').map((p) => ({ ...p, reads: [] }));
  // (without the kernel's own refusal, which is what this measures)
  const { porUnsupported: _refusal, ...kernel } = m;
  const model: Model = { ...kernel, actions: traced, properties: props, quiescentReads: [], liveness: [] };
  const full = new Checker(model, { liveness: false }).run().stats.states;
  const r = new Checker(model, { por: true, liveness: false }).run();
  if (r.reduction === undefined) throw new Error(`${m.name}: the reduced search did not run: ${r.warnings.join('; ')}`);
  return { full, reduced: r.stats.states };
}

/** States of bench-3pages cut to two pages with these background actors: full, and reduced with traced footprints, plain and generous. */
export function porBound(actors: Record<string, boolean>): { full: number; plain: number; generous: number } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-por-bound-'));
  try {
    const file = path.join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ ...bench, name: 'por-bound', pages: bench.pages.slice(0, 2), processes: bench.processes.map((p) => ({ ...p, mappings: p.mappings.slice(0, 2) })), holders: bench.holders.slice(0, 2), actors }));
    const m = entry.build({}, file);
    const plain = reducedStates(m, false);
    return { full: plain.full, plain: plain.reduced, generous: reducedStates(m, true).reduced };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows: string[] = ['| scenario (2 pages, 2 drivers) | states | with traced footprints | + split, locations, no oops, no properties |', '|---|---:|---:|---:|'];
  for (const [name, actors] of BACKGROUNDS) {
    const r = porBound(actors);
    const pct = (x: number) => `${x.toLocaleString('en-US')} (${((100 * x) / r.full).toFixed(1)} %)`;
    rows.push(`| ${name} | ${r.full.toLocaleString('en-US')} | ${pct(r.plain)} | ${pct(r.generous)} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}
