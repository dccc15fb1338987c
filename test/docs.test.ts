// docs/proposals.md and docs/history.md are generated from the models; a stale copy fails here.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { renderProposalsDoc } from '../src/docs/proposals.js';
import { PROPOSALS } from '../models/index.js';
import { BUGS } from '../models/bugs/index.js';
import { renderHistoryDoc } from '../src/docs/history.js';

const file = new URL('../../docs/proposals.md', import.meta.url);

test('docs/proposals.md is what the models give today (run npm run docs after changing a model)', (t) => {
  const fresh = renderProposalsDoc();
  const saved = readFileSync(file, 'utf8');
  if (saved !== fresh) {
    const a = saved.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    t.fail(`docs/proposals.md is stale from line ${i + 1}: has ${JSON.stringify(a[i])}, the models give ${JSON.stringify(b[i])}; run npm run docs`);
    return;
  }
  // Every proposal has its section, its notes and at least one verdict row.
  for (const p of PROPOSALS) {
    t.true(fresh.includes(`## ${p.name}\n`), p.name);
    t.true(fresh.includes(p.notes), `${p.name}: notes`);
  }
  t.regex(fresh, /### baseline \/ ext4-gup-write: I1 violated in 12 steps/);
  t.regex(fresh, /### dma-pinned-flags \/ ext4-gup-write: I7 violated in 4 steps/);
});

const historyFile = new URL('../../docs/history.md', import.meta.url);

test('docs/history.md is what the models give today: the releases, the corpus with every flip, CVE-2020-29374 at v5.8 (run npm run docs)', async (t) => {
  const fresh = await renderHistoryDoc();
  const saved = readFileSync(historyFile, 'utf8');
  if (saved !== fresh) {
    const a = saved.split('\n');
    const b = fresh.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    t.fail(`docs/history.md is stale from line ${i + 1}: has ${JSON.stringify(a[i])}, the models give ${JSON.stringify(b[i])}; run npm run docs`);
    return;
  }
  for (const b of BUGS) t.true(fresh.includes(`### ${b.name}\n`), b.name);
  t.notRegex(fresh, /\(not found\)/);
  t.regex(fresh, /The flip is at v5\.8, by `17839856fd58`/);
});
