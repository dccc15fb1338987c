// `gupcheck selftest`: the rows of the kernel's mm selftests (cow.c,
// gup_longterm.c; models/selftests/table.ts) run on one proposal, printed
// like kselftest's TAP output: "ok N", "not ok N" with what was found
// instead, "# SKIP reason" for rows the model cannot express, and a totals
// line. Exit 0 when every modelled row meets the kernel's expectation.

import { didYouMean } from '../io/suggest.js';
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { Checker, type CheckOptions } from '../engine/checker.js';
import { ModelFault } from '../engine/model.js';
import type { CheckResult, TraceStep } from '../engine/result.js';
import { runInterruptibly } from '../compare/run.js';
import { isModulePath, loadModule } from '../modules/load.js';
import { findProposal, PROPOSALS } from '../../models/index.js';
import type { Proposal } from '../../models/kernel/proposal.js';
import { buildRowModel, expectationFacts, judgeRow, type RowVerdict } from '../../models/selftests/run.js';
import { SELFTEST_ROWS, type ModelledRow, type SelftestRow } from '../../models/selftests/table.js';
import { parseArgs, UsageError } from './args.js';
import { BadInput } from './common.js';
import { decodeCheckFlags, toCheckOptions } from './options.js';

export const SELFTEST_HELP = `usage: gupcheck selftest [--model NAME|PATH] [--scenario ROW] [--json] [--exact]
                        [--max-states N] [--time-limit SECONDS] [--max-memory MIB]

Runs the rows of the kernel's mm selftests (tools/testing/selftests/mm/cow.c
and gup_longterm.c) that the model can express, each a small scenario under
models/selftests/, on one proposal, and checks each against the outcome
Linux 6.6 gives (property verdicts, or whether a GUP holder is pinned or
refused with EFAULT). Prints kselftest-style lines: "ok N", "not ok N" with
what was found instead, "# SKIP <reason>" for rows the model cannot express.

  --model NAME|PATH the proposal to run the rows on (default modern), or a
                    proposal module by path (see "Adding a proposal" in the README)
  --scenario ROW    run only the row(s) of this scenario: a row file such as
                    cow/basic-cow-after-fork (its base-page row and, for an
                    anonymous case, its swapped-out variant), or a path to it
  --json            one JSON object on stdout
  --exact           store full states instead of fingerprints
  --max-states N, --time-limit S, --max-memory M
                    bounds for each row's search (a row that hits one is an error, not a verdict)

exit codes: 0 every modelled row meets its expectation; 1 some row does not;
2 bad usage; 3 no row failed but some search did not finish.`;

export const SELFTEST_FLAGS = {
  model: 'value', scenario: 'value', json: 'bool', exact: 'bool', help: 'bool',
  'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value',
} as const;

export const DEFAULT_SELFTEST_MODEL = 'modern';

/** One row's JSON, as `gupcheck selftest --json` prints it. */
export const SelftestRowReportC = t.intersection([
  t.type({
    n: t.number,
    file: t.string,
    case: t.string,
    modelled: t.boolean,
    expected: t.string,
    status: t.keyof({ ok: null, 'not ok': null, skip: null, error: null }),
  }),
  t.partial({
    scenario: t.string,
    variant: t.string,
    expect: t.array(t.string),
    findings: t.array(t.string),
    reason: t.string,
    note: t.string,
    states: t.number,
    trace: t.type({ property: t.string, steps: t.array(t.string) }),
  }),
], 'SelftestRowReport');
export type SelftestRowReport = t.TypeOf<typeof SelftestRowReportC>;

export const SelftestReportC = t.type({
  schemaVersion: t.literal(1),
  exitCode: t.number,
  model: t.string,
  totals: t.type({ pass: t.number, fail: t.number, skip: t.number, error: t.number }),
  rows: t.array(SelftestRowReportC),
}, 'SelftestReport');
export type SelftestReport = t.TypeOf<typeof SelftestReportC>;

export interface RowOutcome {
  readonly n: number;
  readonly row: SelftestRow;
  /** For modelled rows: the check result and the verdict on it. */
  readonly result?: CheckResult;
  readonly verdict?: RowVerdict;
}


/** Run every modelled row on a proposal; skipped rows pass through. Stops after an interrupted row. */
export async function runSelftests(proposal: Proposal, opts: CheckOptions = {}, rows: readonly SelftestRow[] = SELFTEST_ROWS): Promise<RowOutcome[]> {
  const out: RowOutcome[] = [];
  for (const [i, row] of rows.entries()) {
    if (!row.modelled) {
      out.push({ n: i + 1, row });
      continue;
    }
    const model = buildRowModel(row, proposal);
    let result: CheckResult;
    try {
      result = await runInterruptibly(new Checker(model, opts));
    } catch (e) {
      throw e instanceof ModelFault ? e.in(model) : e;
    }
    out.push({ n: i + 1, row, result, verdict: judgeRow(row, result) });
    if (result.stopReason === 'interrupted') break;
  }
  return out;
}

/** The proposal --model names: a shipped one, or a proposal module by path. */
export async function findSelftestProposal(name: string): Promise<Proposal> {
  if (isModulePath(name)) {
    const loaded = await loadModule(name);
    if (loaded.kind !== 'proposal') throw new BadInput(`--model ${name}: selftest runs kernel scenarios, so it needs a proposal module, not a model`);
    return loaded.proposal;
  }
  const p = findProposal(name);
  if (p === undefined) throw new UsageError(`--model: unknown proposal '${name}'${didYouMean(name, PROPOSALS.map((x) => x.name))} (proposals: ${PROPOSALS.map((x) => x.name).join(', ')}; or a path to a proposal module)`);
  return p;
}

/** The rows --scenario picks: those whose row file is ROW (cow/basic-cow-after-fork, with or without .json, or a path to it). */
export function pickRows(which: string | undefined): readonly SelftestRow[] {
  if (which === undefined) return SELFTEST_ROWS;
  const key = which.replace(/\\/g, '/').replace(/\.json$/, '');
  const rows = SELFTEST_ROWS.filter((r) => r.modelled && (key === r.scenario.replace(/\.json$/, '') || key.endsWith(`/${r.scenario.replace(/\.json$/, '')}`)));
  if (rows.length === 0) throw new UsageError(`--scenario ${which}: no modelled selftest row has that scenario (rows: ${SELFTEST_ROWS.filter((r) => r.modelled).map((r) => (r as ModelledRow).scenario.replace(/\.json$/, '')).join(', ')})`);
  return rows;
}

const statusOf = (o: RowOutcome): SelftestRowReport['status'] =>
  o.verdict === undefined ? 'skip' : o.verdict.ok ? 'ok' : o.verdict.findings.length === 1 && o.verdict.incomplete ? 'error' : 'not ok';

const labels = (trace: readonly TraceStep[]) => trace.map((st) => `${String(st.index).padStart(2)}  ${st.actor !== undefined && !st.label.startsWith(`${st.actor}:`) ? `[${st.actor}] ` : ''}${st.label}`);

function totalsOf(outcomes: readonly RowOutcome[]) {
  const s = outcomes.map(statusOf);
  return { pass: s.filter((x) => x === 'ok').length, fail: s.filter((x) => x === 'not ok').length, skip: s.filter((x) => x === 'skip').length, error: s.filter((x) => x === 'error').length };
}

/** 1 if a row failed; else 3 if a search did not finish or rows were not run; else 0. */
function exitOf(outcomes: readonly RowOutcome[], planned: number): number {
  const t = totalsOf(outcomes);
  if (t.fail > 0) return 1;
  if (t.error > 0 || outcomes.length < planned) return 3;
  return 0;
}

/** The kselftest-like text of a run. */
export function renderSelftests(proposal: Proposal, outcomes: readonly RowOutcome[], planned: number = SELFTEST_ROWS.length): string {
  const lines: string[] = ['TAP version 13', `# gupcheck selftest: the kernel's mm selftests on model ${proposal.name} (${proposal.title})`, `1..${planned}`];
  for (const o of outcomes) {
    const r = o.row;
    const head = `${r.file}: ${r.case}`;
    if (o.verdict === undefined) {
      lines.push(`ok ${o.n} ${head} # SKIP ${(r as { reason: string }).reason}`);
      continue;
    }
    const m = r as ModelledRow;
    const facts = expectationFacts(m.expect).join(', ');
    const states = o.result?.stats.states ?? 0;
    if (o.verdict.ok) {
      lines.push(`ok ${o.n} ${head}: expected ${m.expected} [${facts}; ${states.toLocaleString('en-US')} states]`);
      continue;
    }
    lines.push(`not ok ${o.n} ${head}: expected ${m.expected} [${facts}]; found: ${o.verdict.findings.join('; ')}`);
    lines.push(`#   scenario models/selftests/${m.scenario}${m.variant !== undefined ? ` (${m.variant})` : ''}, ${states.toLocaleString('en-US')} states`);
    const tr = o.verdict.trace;
    if (tr !== undefined) {
      lines.push(`#   shortest counterexample to ${tr.property} (${tr.description}):`);
      for (const l of labels(tr.steps)) lines.push(`#     ${l}`);
    }
  }
  const t = totalsOf(outcomes);
  if (outcomes.length < planned) lines.push(`# interrupted: ${planned - outcomes.length} rows not run`);
  lines.push(`# Totals: pass:${t.pass} fail:${t.fail} xfail:0 xpass:0 skip:${t.skip} error:${t.error}`);
  return lines.join('\n');
}

/** The JSON document of a run. */
export function selftestReport(proposal: Proposal, outcomes: readonly RowOutcome[], planned: number = SELFTEST_ROWS.length): SelftestReport {
  return {
    schemaVersion: 1,
    exitCode: exitOf(outcomes, planned),
    model: proposal.name,
    totals: totalsOf(outcomes),
    rows: outcomes.map((o): SelftestRowReport => {
      const r = o.row;
      const common = { n: o.n, file: r.file, case: r.case, modelled: r.modelled, expected: r.expected, status: statusOf(o) };
      if (!r.modelled) return { ...common, reason: r.reason };
      const v = o.verdict!;
      return {
        ...common,
        scenario: r.scenario,
        ...(r.variant !== undefined ? { variant: r.variant } : {}),
        expect: expectationFacts(r.expect),
        findings: [...v.findings],
        ...(r.note !== undefined ? { note: r.note } : {}),
        states: o.result!.stats.states,
        ...(v.trace !== undefined ? { trace: { property: v.trace.property, steps: labels(v.trace.steps).map((l) => l.trim()) } } : {}),
      };
    }),
  };
}

/** `gupcheck selftest [--model NAME] [--json] [bounds]`; `write` receives stdout (tests capture it). */
export async function cmdSelftest(argv: string[], write: (text: string) => void = (s) => { process.stdout.write(s); }): Promise<number> {
  const args = parseArgs(argv, SELFTEST_FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const { model, scenario, help, ...rest } = args.flags;
  if (help === true) {
    write(SELFTEST_HELP + '\n');
    return 0;
  }
  const flags = decodeCheckFlags(rest);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const proposal = await findSelftestProposal(typeof model === 'string' ? model : DEFAULT_SELFTEST_MODEL);
  const rows = pickRows(typeof scenario === 'string' ? scenario : undefined);
  const outcomes = await runSelftests(proposal, toCheckOptions(flags.right), rows);
  if (flags.right.json === true) {
    const report = selftestReport(proposal, outcomes, rows.length);
    write(JSON.stringify(report) + '\n');
    return report.exitCode;
  }
  write(renderSelftests(proposal, outcomes, rows.length) + '\n');
  return exitOf(outcomes, rows.length);
}
