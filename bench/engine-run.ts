// One engine run in its own process (so runs do not share a heap), printing
// one JSON line: what the benchmark table needs, peak RSS included (worker
// threads are in the same process, so their memory is in it too).
//
//   node dist/bench/engine-run.js MODEL [NAME=VALUE…] [--exact] [--workers N]
//        [--scenario NAME|PATH] [--max-states N] [--por]
import '../src/engine/tuning.js'; // first: V8 flags for the search (tuning.ts)
import { Checker, type CheckOptions } from '../src/engine/checker.js';
import { entrySource, resolveParams } from '../src/engine/registry.js';
import { findModel } from '../models/index.js';

const argv = process.argv.slice(2);
const [name, ...rest] = argv;
const entry = name === undefined ? undefined : findModel(name);
if (entry === undefined) {
  process.stderr.write(`engine-run: unknown model ${name}\n`);
  process.exit(2);
}
const flag = (f: string): string | undefined => {
  const i = rest.indexOf(f);
  return i >= 0 ? rest[i + 1] : undefined;
};
const exact = rest.includes('--exact');
const por = rest.includes('--por');
const workers = Number(flag('--workers') ?? 1);
const scenario = flag('--scenario');
const maxStates = flag('--max-states');
const valued = new Set(['--workers', '--scenario', '--max-states']);
const sets = rest.filter((a, i) => !a.startsWith('--') && !valued.has(rest[i - 1] ?? ''));
const params = resolveParams(entry, sets);
const model = entry.build(params, scenario);
// The benchmark measures the safety search (the liveness search is a second, exact pass).
const opts: CheckOptions = {
  exact,
  liveness: false,
  ...(por ? { por: true } : {}),
  ...(maxStates !== undefined ? { maxStates: Number(maxStates) } : {}),
  ...(workers > 1 ? {
    workers,
    source: entrySource(entry, { url: new URL('../models/index.js', import.meta.url).href, export: 'MODELS' }, params, scenario),
  } : {}),
};
const r = new Checker(model, opts).run();
process.stdout.write(JSON.stringify({
  states: r.stats.states,
  transitions: r.stats.transitions,
  levels: r.stats.levels,
  seconds: r.stats.seconds,
  bytesPerState: r.stats.bytesPerState,
  complete: r.complete,
  collisionProbability: r.stats.collisionProbability,
  verdicts: r.properties.map((p) => `${p.name}:${p.status}${p.trace !== undefined ? `/${p.trace.length - 1}` : ''}`).join(' '),
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}) + '\n');
