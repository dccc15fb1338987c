// The corpus of real bugs (models/bugs/): at least 12, each violated on the
// last release with the bug, holding on the release that fixed it, and
// `history` flipping at exactly that release by one of the fixing commits;
// a workaround variant holds on every release.

import test from 'ava';
import { BUGS } from '../models/bugs/index.js';
import { RELEASES, findProposal } from '../models/index.js';
import { scenarioNames } from '../models/kernel/build.js';
import { runHistory, verdictOf } from '../src/history/run.js';
import { gupcheck } from './helpers/cli.js';

test('the corpus: at least 12 bugs, each fixed by commits its release merged, between two consecutive modelled releases', (t) => {
  t.true(BUGS.length >= 12, `${BUGS.length} bugs`);
  const order = RELEASES.map((r) => r.name);
  const shipped = scenarioNames();
  for (const b of BUGS) {
    const bad = order.indexOf(b.lastBad);
    const good = order.indexOf(b.fixedIn);
    t.true(bad >= 0 && good === bad + 1, `${b.name}: ${b.lastBad} → ${b.fixedIn} are consecutive releases`);
    const ids = (findProposal(b.fixedIn)?.commits ?? []).map((c) => c.id);
    for (const c of b.fixedBy) t.true(ids.includes(c), `${b.name}: ${c} is a commit of ${b.fixedIn}`);
    if (b.own !== undefined) t.false(shipped.includes(b.name), `${b.name}: its own scenario does not shadow a shipped one`);
    else t.true(shipped.includes(b.scenarioName), `${b.name}: ${b.scenarioName} is shipped`);
  }
  // The ones the issue names.
  const cited = BUGS.flatMap((b) => [...b.fixedBy, ...(b.cve !== undefined ? [b.cve] : [])]);
  for (const must of ['19be0eaffa3a', 'CVE-2020-29374', 'cc5095747edf', 'd824ec2a1546', '57efa1fe5957', '70e806e4e645', '84209e87c696', '8ac268436e6d']) {
    t.true(cited.includes(must), must);
  }
  t.true(BUGS.some((b) => b.workaround !== undefined && b.workaround.scenario.processes.some((p) => p.mappings.some((m) => m.dontfork === true))), 'RDMA + fork with MADV_DONTFORK');
});

for (const b of BUGS) {
  test(`bug ${b.name}: ${b.property} violated on ${b.lastBad}, holds on ${b.fixedIn}, and history flips there by ${b.fixedBy.join(' or ')}`, async (t) => {
    const run = await runHistory({ scenario: b.scenarioName, releases: RELEASES, property: b.property, opts: {} });
    t.true(run.complete);
    const v = (r: string) => verdictOf(run.releases.find((x) => x.release === r)!.result, b.property);
    t.is(v(b.lastBad), 'violated');
    t.is(v(b.fixedIn), 'holds');
    const flip = run.flips.find((f) => f.after === b.fixedIn && f.property === b.property);
    if (flip === undefined) return t.fail(`no flip of ${b.property} at ${b.fixedIn}`);
    t.true(flip.commit !== undefined && b.fixedBy.includes(flip.commit.id), `named ${flip.commit?.id ?? 'no commit'}`);
    // The counterexample from the last bad release does not get through the fixed one.
    t.not(flip.replay.outcome, 'violated');
    if (b.workaround !== undefined) {
      const w = await runHistory({ scenario: b.workaround.scenario.name, releases: RELEASES, property: b.property, opts: {} });
      for (const r of w.releases) t.is(verdictOf(r.result, b.property), 'holds', `${b.workaround.scenario.name} on ${r.release}`);
    }
  });
}

test('a bug\'s own scenario is a scenario like any other: check and history find it by name', (t) => {
  const r = gupcheck('check', 'v5.9', '--scenario', 'gup-fast-fork-race');
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /I3c +always +violated/);
});
