// What `npm run profile` runs under clinic (flame and doctor): the kernel
// benchmark scenario (models/scenarios/bench-3pages.json) on the baseline
// proposal, single-threaded, bounded to PROFILE_MAX_STATES states (default
// 10 million, about 30-40 s on the reference machine; the full search is
// 28,035,396 states). PROFILE_MODEL picks another proposal.
import '../src/engine/tuning.js'; // first: V8 flags for the search (tuning.ts)
import { Checker } from '../src/engine/checker.js';
import { findModel } from '../models/index.js';

const name = process.env['PROFILE_MODEL'] ?? 'baseline';
const maxStates = Number(process.env['PROFILE_MAX_STATES'] ?? 10_000_000);
const entry = findModel(name);
if (entry === undefined) throw new Error(`profile-target: unknown model ${name}`);
const r = new Checker(entry.build({}, 'bench-3pages'), { maxStates, liveness: false }).run();
process.stdout.write(`${name} bench-3pages: ${r.stats.states} states, ${r.stats.transitions} transitions in ${r.stats.seconds.toFixed(2)} s (${Math.round(r.stats.statesPerSecond)} states/s)${r.complete ? '' : `, stopped: ${r.stopReason}`}\n`);
