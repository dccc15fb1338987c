// One engine run in its own process (so runs do not share a heap), printing
// one JSON line: what the benchmark table needs, peak RSS included.
import { Checker } from '../src/engine/checker.js';
import { resolveParams } from '../src/engine/registry.js';
import { findModel } from '../models/index.js';

const [name, ...rest] = process.argv.slice(2);
const entry = name === undefined ? undefined : findModel(name);
if (entry === undefined) {
  process.stderr.write(`engine-run: unknown model ${name}\n`);
  process.exit(2);
}
const exact = rest.includes('--exact');
const sets = rest.filter((a) => !a.startsWith('--'));
const model = entry.build(resolveParams(entry, sets));
const r = new Checker(model, { exact }).run();
process.stdout.write(JSON.stringify({
  states: r.stats.states,
  transitions: r.stats.transitions,
  levels: r.stats.levels,
  seconds: r.stats.seconds,
  bytesPerState: r.stats.bytesPerState,
  complete: r.complete,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
}) + '\n');
