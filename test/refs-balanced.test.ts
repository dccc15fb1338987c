// Kernel.refsBalanced (I2's refcount identity, all pages in one pass) says
// exactly what the per-page definition says (every page's ref equals
// expectedRef), on every reachable state of every shipped scenario but the
// benchmark, on every proposal: both verdicts occur, so the comparison can fail.
import test from 'ava';
import { PROPOSALS } from '../models/index.js';
import { scenarioNames } from '../models/kernel/build.js';
import { build, shipped } from './helpers/kernel.js';

test('refsBalanced agrees with expectedRef page by page on every reachable state', (t) => {
  let balanced = 0;
  let unbalanced = 0;
  for (const name of scenarioNames().filter((n) => !n.startsWith('bench-'))) {
    for (const proposal of PROPOSALS) {
      const { model, kernel: k } = build(shipped(name), proposal);
      // plain BFS over packed states (these scenarios have at most a few thousand)
      const seen = new Set<string>();
      const queue: Uint32Array[] = [];
      const add = (s: Uint32Array) => {
        const key = s.join(',');
        if (!seen.has(key)) { seen.add(key); queue.push(s); }
      };
      for (const s of model.init) add(s.slice());
      for (let i = 0; i < queue.length && i < 20_000; i++) {
        const s = queue[i]!;
        let perPage = true;
        for (let p = 0; p < k.NP; p++) if (k.pg[p]!.ref.get(s) !== k.expectedRef(s, p)) perPage = false;
        if (k.refsBalanced(s) !== perPage) {
          t.fail(`${proposal.name} on ${name}: refsBalanced says ${!perPage} at state ${i}`);
          return;
        }
        if (perPage) balanced++;
        else unbalanced++;
        for (const a of model.actions) {
          if (!a.enabled(s)) continue;
          const n = s.slice();
          try { a.apply(n); } catch { continue; } // a field-range error: not a state
          add(n);
        }
      }
    }
  }
  t.true(balanced > 0 && unbalanced > 0, `${balanced} balanced, ${unbalanced} unbalanced states`);
  t.log(`${balanced} balanced and ${unbalanced} unbalanced states compared`);
});
