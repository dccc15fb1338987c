// What `gupcheck history` prints: the verdict table (a row per release, a
// column per property family, or the one property asked for), then each
// flip with its commit, the bisection, the shortest counterexample and what
// the other release does with it. Also the JSON document.

import { cellOf, cellText, columnsOf, crossLine, familyOf } from '../compare/matrix.js';
import type { CheckResult } from '../engine/result.js';
import { renderTrace } from '../report/render.js';
import type { Flip, HistoryRun } from './run.js';
import { verdictOf } from './run.js';

export const HISTORY_SCHEMA_VERSION = 1;

/** The cell for a column: a family's worst member, or one exact property. */
function cell(r: CheckResult, column: string, exact: boolean): string {
  if (!exact) return cellText(cellOf(r, column));
  const p = r.properties.find((x) => x.name === column);
  if (p === undefined) return 'n/a';
  return p.status === 'violated' ? `violated (${(p.trace?.length ?? 1) - 1} steps)` : p.status === 'unknown' ? 'incomplete' : p.status;
}

/** The columns: the selected property if it is one exact name, else the families of the selection. */
export function historyColumns(run: HistoryRun): { columns: string[]; exact: boolean } {
  const exact = run.selected.length === 1 && run.releases.some((r) => r.result.properties.some((p) => p.name === run.selected[0]));
  if (exact) return { columns: [...run.selected], exact };
  const fams = columnsOf(run.releases.map((r) => r.result)).filter((f) => run.selected.some((n) => familyOf(n) === f));
  return { columns: fams, exact };
}

export function flipHead(f: Flip): string {
  const by = f.commit !== undefined ? `${f.commit.id} ("${f.commit.subject}")` : `${f.after}'s own changes (not one of its commits)`;
  return `${f.property}: ${f.from} on ${f.before} → ${f.to} on ${f.after}, by ${by}`;
}

export function renderHistory(run: HistoryRun): string {
  const { columns, exact } = historyColumns(run);
  const states = run.releases.reduce((a, r) => a + r.result.stats.states, 0);
  const seconds = run.releases.reduce((a, r) => a + r.result.stats.seconds, 0);
  const first = run.releases[0]?.release ?? '-';
  const last = run.releases.at(-1)?.release ?? '-';
  const out: string[] = [
    `gupcheck history ${run.scenario}: ${run.releases.length} releases (${first} … ${last}), ${run.releases.filter((r) => r.result.complete).length} of ${run.releases.length} searches complete, ${states.toLocaleString('en-US')} states, ${seconds.toFixed(1)} s`,
    `${run.scenario}: ${run.about}`,
    '',
  ];
  const header = ['release', 'date', ...columns];
  const body = run.releases.map((r) => [r.release, r.date, ...columns.map((c) => cell(r.result, c, exact))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '');
  if (run.flips.length === 0) {
    out.push(`No verdict of ${exact ? run.selected[0] : 'the selected properties'} flips between ${first} and ${last}.`);
    return out.join('\n');
  }
  out.push(`== ${run.flips.length} flip${run.flips.length === 1 ? '' : 's'}`, '');
  for (const f of run.flips) {
    out.push(flipHead(f));
    if (f.commit?.backports !== undefined) out.push(`  backported to ${f.commit.backports.join(', ')}`);
    if (f.bisect.length > 1) {
      out.push(`  bisect (${f.after} rebuilt on ${f.before} with its first n commits):`);
      for (const s of f.bisect) out.push(`    ${s.applied === 0 ? `${f.before} + ${f.after}'s own code` : `+ ${s.commit!.id} ${s.commit!.subject}`}: ${s.verdict}`);
    }
    out.push(`  shortest counterexample on ${f.traceFrom} (${f.trace.length - 1} steps):`);
    out.push(...renderTrace(f.trace).map((l) => `  ${l}`));
    out.push(`  on ${f.replay.model}: ${crossLine(f.replay, f.trace)}`, '');
  }
  return out.join('\n');
}

export function historyJson(run: HistoryRun): unknown {
  return {
    schemaVersion: HISTORY_SCHEMA_VERSION,
    scenario: run.scenario,
    about: run.about,
    complete: run.complete,
    properties: run.selected,
    releases: run.releases.map((r) => ({
      release: r.release,
      date: r.date,
      complete: r.result.complete,
      states: r.result.stats.states,
      verdicts: Object.fromEntries(run.selected.map((n) => [n, verdictOf(r.result, n)])),
    })),
    flips: run.flips.map((f) => ({
      property: f.property, before: f.before, after: f.after, from: f.from, to: f.to,
      ...(f.commit !== undefined ? { commit: f.commit } : {}),
      bisect: f.bisect,
      traceFrom: f.traceFrom,
      trace: f.trace,
      replay: f.replay,
    })),
  };
}
