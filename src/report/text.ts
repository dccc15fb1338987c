// The design-review report as plain text for a mailing-list reply: ASCII
// only, no colour, no box art, every line at most 72 columns. The matrix is
// an aligned table (compact cells, split into column groups when too wide),
// each trace numbered steps with the kernel functions, wrapped with hanging
// indents.

import { coverageAcross, renderCoverageAcross, crossLine, traceVerb } from '../compare/matrix.js';
import type { Cell } from '../compare/matrix.js';
import { cellFor, totals, type ReportData, type ReportTrace } from './data.js';
import { changes, isBlankValue } from './state.js';

export const WIDTH = 72;

const ASCII: Record<string, string> = {
  '→': '->', '←': '<-', '⇒': '=>', '×': 'x', '≈': '~', '…': '...', '—': '--', '–': '-', '−': '-', '∅': '(none)',
  '≤': '<=', '≥': '>=', '≠': '!=', '±': '+/-', '·': '-', '•': '*', '§': 'section ', '‘': "'", '’': "'", '“': '"', '”': '"',
  '\u00a0': ' ', '²': '^2', '▶': '>', '◀': '<',
};

/** Plain ASCII: common symbols spelled out, accents dropped, anything else as '?'. */
export function ascii(s: string): string {
  let out = '';
  for (const ch of s) {
    const mapped = ASCII[ch];
    if (mapped !== undefined) out += mapped;
    else if (ch === '\t') out += '  ';
    else if (ch >= ' ' && ch <= '~') out += ch;
    else if (ch === '\n') out += ch;
    else {
      const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += /^[ -~]+$/.test(base) ? base : '?';
    }
  }
  return out;
}

/**
 * Word-wrap `text` to `width` columns: the first line starts with `first`,
 * the others with `rest` (a hanging indent). A word longer than a line is cut.
 */
export function wrap(text: string, first: string, rest: string, width = WIDTH): string[] {
  const words = ascii(text).split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  const room = () => width - line.length;
  for (let w of words) {
    if (!fresh && w.length + 1 > room()) {
      lines.push(line.trimEnd());
      line = rest;
      fresh = true;
    }
    while (w.length > room() && fresh) {
      const cut = Math.max(1, room());
      lines.push(line + w.slice(0, cut));
      w = w.slice(cut);
      line = rest;
    }
    if (w === '') continue;
    line += (fresh ? '' : ' ') + w;
    fresh = false;
  }
  lines.push(line.trimEnd());
  return lines;
}

/** Compact matrix cells for 72 columns. */
export function shortCell(c: Cell): string {
  switch (c.status) {
    case 'holds': return 'ok';
    case 'violated': return `V${c.steps}`;
    case 'latent': return `L${c.steps}`;
    case 'vacuous': return 'vac';
    case 'n/a': return '-';
    case 'incomplete': return '?';
    default: return c.status;
  }
}

const SHORT_HEAD: Record<string, string> = { deadlock: 'dlock', 'field-range': 'range', 'stable-pages': 'stable', 'non-progress': 'nprog' };

/**
 * An aligned table in column groups that each fit `width` (the first column
 * repeats in each); two spaces between columns, one if that saves a split.
 */
export function fitTable(header: readonly string[], body: readonly (readonly string[])[], indent = '  ', width = WIDTH, right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const groupsFor = (gap: number): number[][] => {
    const groups: number[][] = [];
    let cur: number[] = [];
    let used = indent.length + widths[0]!;
    for (let i = 1; i < header.length; i++) {
      if (cur.length > 0 && used + gap + widths[i]! > width) {
        groups.push(cur);
        cur = [];
        used = indent.length + widths[0]!;
      }
      cur.push(i);
      used += gap + widths[i]!;
    }
    if (cur.length > 0 || groups.length === 0) groups.push(cur);
    return groups;
  };
  let gap = 2;
  let groups = groupsFor(gap);
  if (groups.length > 1 && groupsFor(1).length < groups.length) groups = groupsFor((gap = 1));
  const sep = ' '.repeat(gap);
  const out: string[] = [];
  groups.forEach((g, k) => {
    const cols = [0, ...g];
    const line = (cells: readonly string[]) => indent + cols.map((c) => (right.has(c) ? cells[c]!.padStart(widths[c]!) : cells[c]!.padEnd(widths[c]!))).join(sep).trimEnd();
    if (k > 0) out.push('');
    out.push(line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line));
  });
  return out;
}

function heading(text: string, under: string): string[] {
  const t = ascii(text);
  return [t, under.repeat(Math.min(WIDTH, t.length))];
}

/** A trace as numbered steps: the label (kernel function), `- field a->b` per change, `>>>` where a property breaks. */
export function traceText(t: ReportTrace): string[] {
  const trace = t.property.trace;
  const w = String(trace.length - 1).length;
  const out: string[] = [];
  trace.forEach((st, i) => {
    const num = `  ${String(st.index).padStart(w)}  `;
    const cont = ' '.repeat(num.length + 4);
    const sub = ' '.repeat(num.length + 2);
    const who = st.actor !== undefined && !st.label.startsWith(`${st.actor}:`) ? `[${st.actor}] ` : '';
    out.push(...wrap(`${who}${st.label}`, num, cont));
    if (i === 0) {
      for (const c of changes({}, st.state)) if (!isBlankValue(c.after ?? '0')) out.push(...wrap(`${c.path}: ${c.after}`, `${sub}  `, `${sub}    `));
    } else {
      for (const c of changes(trace[i - 1]!.state, st.state)) out.push(...wrap(`${c.path}: ${c.before ?? '(none)'} -> ${c.after ?? '(none)'}`, `${sub}- `, `${sub}    `));
    }
    for (const f of t.failures) {
      if (f.step !== i) continue;
      const what = f.property === 'deadlock' ? `here deadlock: ${f.description}` : `here ${f.property} fails: ${f.description}`;
      out.push(...wrap(what, `${' '.repeat(num.length - 4)}>>> `, cont));
    }
  });
  return out;
}

export function reportText(data: ReportData): string {
  const tot = totals(data);
  const out: string[] = [
    ...heading(data.title, '='),
    ...wrap(`${data.proposals.length} proposals x ${data.scenarios.length} scenarios, ${tot.complete} of ${tot.searches} searches complete, ${tot.states.toLocaleString('en-US')} states, ${tot.seconds.toFixed(1)} s; ${data.traces.length} distinct counterexamples.`, '', ''),
    ...wrap(`Made by: ${data.command}`, '', '  '),
    '',
    ...wrap('Cells: ok = holds; Vn = violated, the shortest counterexample takes n steps (listed under the table, shown in section 2); Ln = latent, a wrong release with no effect in that era yet (n steps); vac = vacuous (the situation the property guards was never reached); - = n/a (the scenario or era cannot exercise it); ? = incomplete (a bound stopped the search).', '', ''),
    ...wrap(`Columns: ${Object.entries(SHORT_HEAD).filter(([k]) => data.scenarios.some((sc) => sc.columns.includes(k))).map(([k, v]) => `${v} = ${k}`).join(', ')}.`, '', ''),
    '',
    ...heading('1. Comparison', '-'),
  ];
  for (const sc of data.scenarios) {
    out.push('');
    out.push(...wrap(`${sc.name}${sc.about !== undefined ? `: ${sc.about}` : ''}`, '', '  '));
    out.push('');
    const header = ['proposal', ...sc.columns.map((c) => SHORT_HEAD[c] ?? c)];
    out.push(...fitTable(header, sc.rows.map((r) => [r.proposal, ...sc.columns.map((c) => shortCell(cellFor(r, c)))])));
    const refs = data.traces.filter((t) => t.scenario === sc.name);
    if (refs.length > 0) {
      out.push('');
      for (const t of refs) out.push(...wrap(`[${t.id}] ${t.property.name} in ${t.property.trace.length - 1} steps on ${t.proposals.join(', ')}`, '  ', '      '));
    }
  }
  out.push('', ...heading('2. Counterexamples', '-'));
  if (data.traces.length === 0) out.push('', 'No property is violated.');
  for (const t of data.traces) {
    out.push('');
    out.push(...wrap(`[${t.id}] ${t.scenario} / ${t.property.name} ${traceVerb(t.property.name)} in ${t.property.trace.length - 1} steps`, '', '     '));
    out.push(...wrap(`on ${t.proposals.join(', ')}`, '     ', '     '));
    out.push(...wrap(`${t.property.name}: ${t.property.description}${t.property.detail !== undefined ? ` (${t.property.detail})` : ''}`, '     ', '     '));
    out.push('');
    out.push(...traceText(t));
  }
  const blocks = data.cross.filter((b) => b.on.length > 0);
  if (blocks.length > 0) {
    out.push('', ...heading('3. Cross-replay', '-'), '');
    out.push(...wrap(`Each ${data.reference ?? ''} counterexample replayed on the other proposals of its scenario: does the proposal stop this interleaving, and where?`, '', ''));
    for (const b of blocks) {
      const row = data.scenarios.find((s) => s.name === b.scenario)?.rows.find((r) => r.proposal === b.from);
      const trace = row?.result.properties.find((p) => p.name === b.property)?.trace ?? [];
      out.push('', ...wrap(`${b.from} / ${b.scenario}: ${b.property} trace (${b.steps} steps):`, '', '  '));
      for (const v of b.on) out.push(...wrap(`${v.model}: ${crossLine(v, trace)}`, '  ', '      '));
    }
  }
  out.push('', ...heading(`${blocks.length > 0 ? 4 : 3}. Statistics and coverage`, '-'));
  for (const sc of data.scenarios) {
    out.push('', ascii(sc.name), '');
    out.push(...fitTable(['proposal', 'states', 'trans', 'levels', 'sec', 'actions'], sc.rows.map((r) => {
      const s = r.result.stats;
      const fired = r.result.coverage.filter((c) => c.fired > 0).length;
      return [r.proposal + (r.result.complete ? '' : ' (incomplete)'), s.states.toLocaleString('en-US'), s.transitions.toLocaleString('en-US'), String(s.levels), s.seconds.toFixed(2), `${fired}/${r.result.coverage.length}`];
    }), '  ', WIDTH, new Set([1, 2, 3, 4, 5])));
    for (const r of sc.rows) {
      const never = r.result.coverage.filter((c) => c.fired === 0).map((c) => c.label);
      if (never.length > 0) out.push(...wrap(`${r.proposal} never fired: ${never.join('; ')}`, '  ', '      '));
    }
  }
  out.push('', ...renderCoverageAcross(coverageAcross(data.scenarios.flatMap((sc) => sc.rows))).flatMap((l) => wrap(l, '  ', '      ')));
  return out.map((l) => ascii(l)).join('\n') + '\n';
}

