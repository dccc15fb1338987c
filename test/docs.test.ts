// docs/proposals.md and docs/history.md are generated from the models; a stale copy fails here.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { renderProposalsDoc } from '../src/docs/proposals.js';
import { PROPOSALS } from '../models/index.js';
import { BUGS } from '../models/bugs/index.js';
import { renderHistoryDoc } from '../src/docs/history.js';

/** Where a saved generated file first differs from what the definitions give, or undefined if it is fresh. */
function stale(name: string, saved: string, fresh: string): string | undefined {
  if (saved === fresh) return undefined;
  const a = saved.split('\n');
  const b = fresh.split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  return `${name} is stale from line ${i + 1}: has ${JSON.stringify(a[i])}, the definitions give ${JSON.stringify(b[i])}; run npm run docs`;
}

const file = new URL('../../docs/proposals.md', import.meta.url);

test('docs/proposals.md is what the models give today (run npm run docs after changing a model)', (t) => {
  const fresh = renderProposalsDoc();
  const saved = readFileSync(file, 'utf8');
  const msg = stale('docs/proposals.md', saved, fresh);
  if (msg !== undefined) return t.fail(msg);
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
  const msg = stale('docs/history.md', saved, fresh);
  if (msg !== undefined) return t.fail(msg);
  for (const b of BUGS) t.true(fresh.includes(`### ${b.name}\n`), b.name);
  t.notRegex(fresh, /\(not found\)/);
  t.regex(fresh, /The flip is at v5\.8, by `17839856fd58`/);
});

// --- one source for property and scenario documentation -------------------------------

import { renderScenariosDoc } from '../src/docs/scenarios.js';
import { README, withPropertyTable } from '../src/docs/readme.js';
import { propertyCatalog } from '../src/docs/properties.js';
import { buildKernelModel, SCENARIO_DIR, scenarioNames } from '../models/kernel/build.js';
import { loadScenario } from '../models/kernel/scenario.js';
import { livenessProperties } from '../src/engine/liveness.js';
import { isRight } from 'fp-ts/lib/Either.js';
import { gupcheck } from './helpers/cli.js';

test('docs/scenarios.md is generated from the scenario codecs (every field, its type and allowed values)', (t) => {
  const fresh = renderScenariosDoc();
  const msg = stale('docs/scenarios.md', readFileSync(new URL('../../docs/scenarios.md', import.meta.url), 'utf8'), fresh);
  if (msg !== undefined) return t.fail(msg);
  for (const f of ['`release`', '`stableWrites`', '`childOf`', '`"set_page_dirty+put_page"`', '`"zero-page"`', '`refMax`']) t.true(fresh.includes(f), f);
});

test('the README\'s property table is generated from the property definitions', (t) => {
  const saved = readFileSync(README, 'utf8');
  const msg = stale('README.md (property table)', saved, withPropertyTable(saved));
  if (msg !== undefined) t.fail(msg);
  else t.pass();
});

test('every property a shipped model checks is in list properties, list --json and the README, described as the model describes it', (t) => {
  const readme = readFileSync(README, 'utf8');
  const listed = gupcheck('list', 'properties');
  const json = JSON.parse(gupcheck('list', 'properties', '--json').stdout) as { properties: { family: string; properties: { name: string; description: string }[] }[] };
  const inJson = new Map(json.properties.flatMap((f) => f.properties.map((p) => [p.name, p.description] as const)));
  const catalog = new Map(propertyCatalog().flatMap((f) => f.properties.map((p) => [p.name, p.description] as const)));
  let n = 0;
  for (const name of scenarioNames()) {
    const sc = loadScenario(`${SCENARIO_DIR}${name}.json`);
    if (!isRight(sc)) continue;
    for (const p of PROPOSALS) {
      const m = buildKernelModel(sc.right, p);
      for (const prop of [...m.properties, ...livenessProperties(m), { name: 'deadlock' }, { name: 'field-range' }]) {
        n++;
        t.true(catalog.has(prop.name), `${prop.name} (${p.name} on ${name}) is not in the catalog`);
        t.true(inJson.has(prop.name), `${prop.name} is not in list --json`);
        t.true(listed.stdout.includes(`    ${prop.name} `), `${prop.name} is not in list properties`);
        t.true(readme.includes(`| \`${prop.name}\` |`), `${prop.name} is not in the README's table`);
      }
    }
  }
  t.true(catalog.has('stable-pages') && readme.includes('| `stable-pages` | step |'));
  t.true(n > 1000);
});
