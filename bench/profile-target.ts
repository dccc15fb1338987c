// What `npm run profile` runs under clinic: one long engine search. Until the
// kernel benchmark scenario exists this is BEEM peterson N=4 (1,119,560 states).
import { Checker } from '../src/engine/checker.js';
import { peterson } from '../models/classic/peterson.js';

const r = new Checker(peterson({ N: 4 })).run();
process.stdout.write(`${r.stats.states} states in ${r.stats.seconds.toFixed(2)} s\n`);
