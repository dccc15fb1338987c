// What a design-review report holds, whatever it is written as (HTML, plain
// text for a mailing list, Markdown): the comparison of proposals on each
// scenario, each distinct counterexample with what breaks where along it,
// the cross-replay of the reference proposal's traces, and each run's
// statistics and coverage.

import type { Model } from '../engine/model.js';
import type { CrossReplay } from '../engine/result.js';
import { cellOf, cellTraces, columnsOf, type Cell, type CellTrace, type CompareRow } from '../compare/matrix.js';
import { failuresAlong } from './failures.js';
import type { Failure } from './lanes.js';

export interface ReportTrace extends CellTrace {
  /** A stable anchor: t1, t2, … in the order the traces are listed. */
  readonly id: string;
  readonly failures: readonly Failure[];
}

export interface ReportScenario {
  readonly name: string;
  readonly about?: string;
  /** The property families some proposal can exercise here (the table's columns). */
  readonly columns: readonly string[];
  readonly rows: readonly CompareRow[];
}

export interface ReportData {
  readonly title: string;
  /** The command that made the report (shown, so a reader can rerun it). */
  readonly command: string;
  readonly proposals: readonly string[];
  readonly scenarios: readonly ReportScenario[];
  readonly traces: readonly ReportTrace[];
  readonly cross: readonly CrossReplay[];
  /** The proposal whose counterexamples are cross-replayed. */
  readonly reference?: string;
}

/** The trace a matrix cell links to, if it is violated. */
export function traceOfCell(data: ReportData, scenario: string, proposal: string, family: string): ReportTrace | undefined {
  return data.traces.find((t) => t.scenario === scenario && t.family === family && t.proposals.includes(proposal));
}

export function cellFor(row: CompareRow, family: string): Cell {
  return cellOf(row.result, family);
}

export interface ReportInput {
  readonly title: string;
  readonly command: string;
  readonly rows: readonly CompareRow[];
  readonly cross: readonly CrossReplay[];
  readonly reference?: string;
  readonly about: (scenario: string) => string | undefined;
  /** The model a row ran, to find what else breaks along its traces (optional). */
  readonly modelOf?: (row: CompareRow) => Model | undefined;
}

export function reportData(input: ReportInput): ReportData {
  const scenarioNames = [...new Set(input.rows.map((r) => r.scenario))];
  const scenarios = scenarioNames.map((name): ReportScenario => {
    const rows = input.rows.filter((r) => r.scenario === name);
    const columns = columnsOf(rows.map((r) => r.result)).filter((c) => rows.some((r) => cellOf(r.result, c).status !== 'n/a'));
    const about = input.about(name);
    return { name, ...(about !== undefined ? { about } : {}), columns, rows };
  });
  const traces = cellTraces(input.rows).map((c, i): ReportTrace => {
    const row = input.rows.find((r) => r.scenario === c.scenario && r.proposal === c.proposals[0]);
    const model = row !== undefined ? input.modelOf?.(row) : undefined;
    return { ...c, id: `t${i + 1}`, failures: failuresAlong(c.property, model) };
  });
  return {
    title: input.title,
    command: input.command,
    proposals: [...new Set(input.rows.map((r) => r.proposal))],
    scenarios,
    traces,
    cross: input.cross,
    ...(input.reference !== undefined ? { reference: input.reference } : {}),
  };
}

/** Totals over every run: searches, complete ones, states, seconds. */
export function totals(data: ReportData): { searches: number; complete: number; states: number; seconds: number } {
  const rows = data.scenarios.flatMap((s) => s.rows);
  return {
    searches: rows.length,
    complete: rows.filter((r) => r.result.complete).length,
    states: rows.reduce((a, r) => a + r.result.stats.states, 0),
    seconds: rows.reduce((a, r) => a + r.result.stats.seconds, 0),
  };
}
