// Determinism and collisions (issue 7 §4): the same command twice prints
// byte-identical --json apart from the timing fields (seconds,
// statesPerSecond); and fingerprint mode and --exact agree — counts,
// coverage, verdicts and every counterexample step for step — on every
// model the tests use: the classic models (and their seeded variants),
// every shipped scenario under every proposal (bench-* aside), the
// selftest rows' scenarios, and the mutant catalogue's models.

import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from '../src/engine/checker.js';
import type { Model } from '../src/engine/model.js';
import { resolveParams } from '../src/engine/registry.js';
import type { CheckResult } from '../src/engine/result.js';
import { MODELS, PROPOSALS } from '../models/index.js';
import { buildKernelModel, scenarioNames } from '../models/kernel/build.js';
import { modern } from '../models/proposals/modern.js';
import { loadRowScenario } from '../models/selftests/run.js';
import { SELFTEST_ROWS, type ModelledRow } from '../models/selftests/table.js';
import { pool, runBinary } from './fuzz-cli.js';
import { shipped } from './helpers/kernel.js';
import { MUTANTS, buildMutant, scenarioName } from './mutants/catalog.js';

// --- the same command twice ---------------------------------------------------------

/** Timing fields blanked, everything else byte for byte. */
const untimed = (json: string) => json.replace(/"(seconds|statesPerSecond)":(-?[0-9.eE+-]+)/g, '"$1":"…"');

const dir = mkdtempSync(join(tmpdir(), 'gupcheck-determinism-'));
const trace = join(dir, 'trace.json');

test.serial('the same command twice gives byte-identical --json apart from seconds and statesPerSecond', async (t) => {
  const saved = await runBinary(['check', 'baseline', '--scenario', 'ext4-pin-write', '--json']);
  writeFileSync(trace, saved.stdout);
  const commands: string[][] = [
    ['check', 'peterson', '--set', 'N=3', '--json'],
    ['check', 'baseline', '--json'],
    ['check', 'modern', '--scenario', 'well-behaved', '--exact', '--json'],
    ['check', 'leader_election', '--json'],
    ['check', 'anderson', '--set', 'N=6', '--max-states', '30000', '--json'],
    ['check', 'baseline', '--scenario', 'bench-3pages', '--max-depth', '8', '--json'],
    ['compare', '--json'],
    ['replay', trace, '--model', 'modern', '--json'],
    ['replay', trace, '--json'],
    ['list', '--json'],
  ];
  const runs = await pool(commands.flatMap((c) => [() => runBinary(c), () => runBinary(c)]), 2);
  commands.forEach((c, i) => {
    const [a, b] = [runs[2 * i]!, runs[2 * i + 1]!];
    t.is(a.code, b.code, c.join(' '));
    t.true(a.stdout.length > 0 && [0, 1, 3].includes(a.code), `${c.join(' ')}: exit ${a.code} ${a.stderr}`);
    t.is(untimed(a.stdout), untimed(b.stdout), `${c.join(' ')}: the two outputs differ`);
    t.is(a.stderr, b.stderr);
  });
  // The timing fields are the only ones blanked: everything else was compared.
  t.regex(untimed(runs[0]!.stdout), /"seconds":"…".*"statesPerSecond":"…"/);
});

// --- fingerprint mode and --exact ---------------------------------------------------

/** Everything a search reports but its mode, timing and memory figures. */
function observable(r: CheckResult) {
  const { seconds: _s, statesPerSecond: _r, bytesPerState: _b, storedBytes: _m, collisionProbability: _c, ...stats } = r.stats;
  return { complete: r.complete, stopReason: r.stopReason, stats, remaining: r.remaining, coverage: r.coverage, warnings: r.warnings, properties: r.properties };
}

function agree(t: import('ava').ExecutionContext, label: string, make: () => Model, maxStates?: number): CheckResult {
  const opts = maxStates !== undefined ? { maxStates } : {};
  const fp = check(make(), opts);
  const exact = check(make(), { ...opts, exact: true });
  t.is(fp.mode, 'fingerprint');
  t.is(exact.mode, 'exact');
  t.deepEqual(observable(fp), observable(exact), label);
  return fp;
}

test('fingerprint and --exact agree on every classic model, its seeded variants too', (t) => {
  const lines: string[] = [];
  for (const entry of MODELS.filter((m) => m.group !== 'proposal')) {
    const variants: string[][] = [[]];
    for (const p of entry.params) if (p.kind === 'bool') variants.push([`${p.name}=${String(!p.default)}`]);
    for (const sets of variants) {
      const label = `${entry.name} ${sets.join(' ')}`.trim();
      // Some seeded variants are large (anderson's mutant: 75 M states): those agree up to a bound.
      const r = agree(t, label, () => entry.build(resolveParams(entry, sets)), sets.length === 0 ? undefined : 300_000);
      lines.push(`${label}: ${r.stats.states} states${r.complete ? '' : ' (bounded)'}`);
    }
  }
  t.log(lines.join('; '));
});

test('fingerprint and --exact agree on every shipped scenario under every proposal', (t) => {
  const names = scenarioNames().filter((n) => !n.startsWith('bench-'));
  let n = 0;
  let states = 0;
  for (const sc of names) {
    for (const p of PROPOSALS) {
      states += agree(t, `${p.name} ${sc}`, () => buildKernelModel(shipped(sc), p)).stats.states;
      n++;
    }
  }
  t.log(`${n} searches (${names.length} scenarios × ${PROPOSALS.length} proposals), ${states.toLocaleString('en-US')} states each way`);
  t.true(n >= 100);
});

test('fingerprint and --exact agree on the selftest rows\' scenarios and on every mutant', (t) => {
  const rows = SELFTEST_ROWS.filter((r): r is ModelledRow => r.modelled);
  for (const row of rows) agree(t, `selftest ${row.file} ${row.case}`, () => buildKernelModel(loadRowScenario(row), modern));
  let m = 0;
  for (const mutant of MUTANTS) {
    for (const sc of mutant.scenarios) {
      agree(t, `mutant ${mutant.name} on ${scenarioName(sc)}`, () => buildMutant(mutant, sc, true).model);
      m++;
    }
  }
  t.log(`${rows.length} selftest scenarios, ${m} mutant searches`);
});
