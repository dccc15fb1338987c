// What `compare` finds is pinned down: every shipped proposal on every
// shipped scenario — verdicts, traces (actions, labels, actors, roles and
// every state), witnesses, coverage, state and transition counts, and the
// cross-replay — must equal test/fixtures/compare.json.gz. A change to the
// models that changes any of it must be deliberate: regenerate the fixture
// with `npm run fixture` and say in the commit what changed and why.
//
// History of the fixture: until issue 12 it was compare as of addbe98,
// which proved the move of every proposal to the hook points changed
// nothing. Issue 13 changed what compare finds on purpose (I3 only from
// 5.19, I1.bug, fork in two steps, each release's own function names) and
// regenerated it.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { compareSnapshot, FIXTURE } from './fixtures/write-compare-fixture.js';

type Row = { proposal: string; scenario: string; result: { properties: { name: string; status: string; trace?: unknown; witness?: unknown }[] } & Record<string, unknown> };
type Snap = { rows: Row[]; crossReplay: unknown };

/** JSON with sorted keys: the comparison ignores key order. */
const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => a.localeCompare(b))) : x));

test('compare today = the pinned fixture (every proposal × shipped scenario; regenerate with npm run fixture only on purpose)', async (t) => {
  const before = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as Snap;
  const now = JSON.parse(JSON.stringify(await compareSnapshot())) as Snap;
  t.deepEqual(now.rows.map((r) => `${r.proposal} / ${r.scenario}`), before.rows.map((r) => `${r.proposal} / ${r.scenario}`), 'same rows');
  let traces = 0;
  for (const old of before.rows) {
    const row = now.rows.find((r) => r.proposal === old.proposal && r.scenario === old.scenario);
    if (row === undefined) continue;
    const at = `${old.proposal} / ${old.scenario}`;
    for (const key of ['complete', 'stats', 'coverage'] as const) t.is(canon(row.result[key]), canon(old.result[key]), `${at}: ${key}`);
    t.deepEqual(row.result.properties.map((p) => p.name), old.result.properties.map((p) => p.name), `${at}: the same properties`);
    for (const p of old.result.properties) {
      const q = row.result.properties.find((x) => x.name === p.name);
      if (q === undefined) continue;
      t.is(canon({ ...q, trace: undefined, witness: undefined }), canon({ ...p, trace: undefined, witness: undefined }), `${at}: ${p.name}`);
      for (const which of ['trace', 'witness'] as const) {
        if (p[which] === undefined && q[which] === undefined) continue;
        traces++;
        t.is(canon(q[which]), canon(p[which]), `${at}: ${p.name} ${which}`);
      }
    }
  }
  t.is(canon(now.crossReplay), canon(before.crossReplay), 'cross-replay');
  t.true(traces > 400, `${traces} traces compared`);
});
