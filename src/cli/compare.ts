// `gupcheck compare`: every proposal against every property on the same
// scenarios, as a matrix. A column is a property family (I1 with I1.crash,
// I1.witness…); a cell is the worst of its members: violated (shortest
// trace length) > vacuous > incomplete > holds; n/a when the scenario or
// era cannot exercise it.

import type { CheckResult, PropertyResult } from '../engine/result.js';

export type Cell = { readonly status: 'holds' | 'violated' | 'vacuous' | 'n/a' | 'incomplete'; readonly steps?: number; readonly by?: string };

/** Column order: I1..I11 numerically, then deadlock and field-range. */
export function familyOf(name: string): string {
  const inv = /^(I\d+)/.exec(name);
  if (inv) return inv[1]!;
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(0, dot);
}

function familyRank(f: string): number {
  const m = /^I(\d+)$/.exec(f);
  if (m) return Number(m[1]);
  return f === 'deadlock' ? 100 : 101;
}

export function columnsOf(results: readonly CheckResult[]): string[] {
  const fams = new Set<string>();
  for (const r of results) for (const p of r.properties) fams.add(familyOf(p.name));
  return [...fams].sort((a, b) => familyRank(a) - familyRank(b) || a.localeCompare(b));
}

export function cellOf(r: CheckResult, family: string): Cell {
  const members = r.properties.filter((p) => familyOf(p.name) === family);
  if (members.length === 0) return { status: 'n/a' };
  let worst: PropertyResult | undefined;
  for (const p of members) {
    if (p.status !== 'violated') continue;
    if (worst === undefined || (p.trace?.length ?? 0) < (worst.trace?.length ?? 0)) worst = p;
  }
  if (worst !== undefined) return { status: 'violated', steps: (worst.trace?.length ?? 1) - 1, by: worst.name };
  if (members.some((p) => p.status === 'vacuous')) return { status: 'vacuous', by: members.find((p) => p.status === 'vacuous')!.name };
  if (members.some((p) => p.status === 'unknown')) return { status: 'incomplete' };
  return { status: 'holds' };
}

export const cellText = (c: Cell): string => (c.status === 'violated' ? `violated (${c.steps} steps)` : c.status);

/** The matrix as aligned plain text: one row per (proposal, scenario). */
export function renderMatrix(rows: readonly { proposal: string; scenario: string; result: CheckResult }[]): string {
  const cols = columnsOf(rows.map((r) => r.result));
  const header = ['proposal', 'scenario', ...cols];
  const body = rows.map((r) => [r.proposal, r.scenario, ...cols.map((c) => cellText(cellOf(r.result, c)))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
