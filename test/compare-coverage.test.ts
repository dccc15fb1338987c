// Compare reaches every kernel path: across all the shipped scenarios, every
// action kind of every proposal fires somewhere — a path no scenario takes
// is a path no verdict speaks about. The exceptions are steps the design
// itself makes unreachable, each listed with the argument why.

import test from 'ava';
import { MODELS } from '../models/index.js';
import { runComparison } from '../src/compare/run.js';
import { coverageAcross } from '../src/compare/matrix.js';

/** Steps a design rules out, so no scenario can fire them under it. */
const UNREACHABLE_BY_DESIGN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'lock-page-over-gup': {
    'flusher: BUG in page_buffers': 'the GUP holds the page lock from GUP to release, so writeback and reclaim never clean or strip a page a write GUP holds: no dirty page without buffers ever reaches writeback (I1 holds)',
    'fsync: BUG in page_buffers': 'as for the flusher: fsync\'s writeback never meets a dirty page without buffers under this design',
  },
};

test('every action kind of every proposal fires in some compare scenario (the coverage is in compare --json and the report too)', async (t) => {
  const run = await runComparison({ entries: MODELS.filter((m) => m.group === 'proposal'), opts: {} });
  const cov = coverageAcross(run.rows);
  t.is(cov.length, MODELS.filter((m) => m.group === 'proposal').length);
  for (const c of cov) {
    const allowed = UNREACHABLE_BY_DESIGN[c.proposal] ?? {};
    t.deepEqual(c.never.filter((a) => allowed[a] === undefined), [], `${c.proposal}: fired in no scenario`);
    // An allowance that has become reachable must go (the argument was wrong, or the model changed).
    for (const a of Object.keys(allowed)) t.true(c.never.includes(a), `${c.proposal}: '${a}' fires now; drop it from UNREACHABLE_BY_DESIGN`);
    t.true(c.actions.length > 10, `${c.proposal}: ${c.actions.length} action kinds`);
  }
  // The paths issue 14 found unexercised are taken now.
  const baseline = cov.find((c) => c.proposal === 'baseline')!;
  for (const a of ['gup_fast: try_grab_folio_fast', 'truncate: page not cached', 'store: write fault', 'fsync: BUG in page_buffers']) {
    t.true((baseline.actions.find((x) => x.action === a)?.fired ?? 0) > 0, a);
  }
});
