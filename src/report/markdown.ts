// The design-review report as GitHub Markdown: the matrix as tables (violated
// cells link to their trace), each counterexample as a text trace and a
// ```mermaid sequence diagram (GitHub draws it), the cross-replay, and each
// run's statistics. Text from models and scenario files is escaped.

import { coverageAcross, renderCoverageAcross, cellText, crossLine, traceVerb } from '../compare/matrix.js';
import { renderTrace } from '../report/render.js';
import { cellFor, totals, traceOfCell, type ReportData } from './data.js';
import { traceToMermaid } from './mermaid.js';

/** Markdown-inert text: backslash, backtick, *, [, ], | escaped; <, >, & as entities. */
export function mdText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/[\\`*[\]|]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ');
}

/** A code span that cannot be closed early by a backtick inside. */
const code = (s: string): string => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

export function reportMarkdown(data: ReportData): string {
  const tot = totals(data);
  const out: string[] = [
    `# ${mdText(data.title)}`,
    '',
    `${data.proposals.length} proposals × ${data.scenarios.length} scenarios, ${tot.complete} of ${tot.searches} searches complete, ${tot.states.toLocaleString('en-US')} states, ${tot.seconds.toFixed(1)} s; ${data.traces.length} distinct counterexamples. Made by ${code(data.command)}.`,
    '',
    'Cells: `holds`; `violated (N steps)`, the shortest counterexample (linked); `latent (N steps)`, a wrong release with no effect in that era yet; `vacuous`, the situation the property guards was never reached; `n/a`, the scenario or era cannot exercise it; `incomplete`, a bound stopped the search.',
    '',
    '## Comparison',
  ];
  for (const sc of data.scenarios) {
    out.push('', `### ${mdText(sc.name)}`, '');
    if (sc.about !== undefined) out.push(mdText(sc.about), '');
    out.push(`| proposal | ${sc.columns.map(mdText).join(' | ')} |`, `|---|${sc.columns.map(() => '---').join('|')}|`);
    for (const r of sc.rows) {
      const cells = sc.columns.map((c) => {
        const cell = cellFor(r, c);
        const t = cell.status === 'violated' || cell.status === 'latent' ? traceOfCell(data, sc.name, r.proposal, c) : undefined;
        const text = cell.status === 'violated' ? `**${cellText(cell)}**` : cellText(cell);
        return t !== undefined ? `[${text}](#${t.id})` : text;
      });
      out.push(`| ${mdText(r.proposal)} | ${cells.join(' | ')} |`);
    }
  }
  out.push('', '## Counterexamples');
  if (data.traces.length === 0) out.push('', 'No property is violated.');
  for (const t of data.traces) {
    const p = t.property;
    out.push('', `<a id="${t.id}"></a>`, '', `### ${mdText(t.scenario)} / ${mdText(p.name)} ${traceVerb(p.name)} in ${p.trace.length - 1} steps`, '');
    out.push(`On ${t.proposals.map(code).join(', ')}: ${mdText(p.description)}${p.detail !== undefined ? ` (${mdText(p.detail)})` : ''}`, '');
    out.push('```text', ...renderTrace(p.trace, { failures: t.failures }), '```', '');
    out.push('```mermaid', traceToMermaid(p.trace, { failures: t.failures, caption: `${t.scenario} / ${p.name} on ${t.proposals.join(', ')}` }).trimEnd(), '```');
  }
  const blocks = data.cross.filter((b) => b.on.length > 0);
  if (blocks.length > 0) {
    out.push('', '## Cross-replay', '', `Each ${code(data.reference ?? '')} counterexample replayed on the other proposals of its scenario.`);
    for (const b of blocks) {
      const row = data.scenarios.find((s) => s.name === b.scenario)?.rows.find((r) => r.proposal === b.from);
      const trace = row?.result.properties.find((p) => p.name === b.property)?.trace ?? [];
      out.push('', `**${mdText(b.from)} / ${mdText(b.scenario)}: ${mdText(b.property)} trace (${b.steps} steps)**`, '');
      for (const v of b.on) out.push(`- ${code(v.model)}: ${mdText(crossLine(v, trace))}`);
    }
  }
  out.push('', '## Statistics and coverage');
  for (const sc of data.scenarios) {
    out.push('', `### ${mdText(sc.name)}`, '', '| proposal | search | states | transitions | BFS levels | seconds | actions fired | never fired |', '|---|---|---:|---:|---:|---:|---:|---|');
    for (const r of sc.rows) {
      const s = r.result.stats;
      const fired = r.result.coverage.filter((c) => c.fired > 0).length;
      const never = r.result.coverage.filter((c) => c.fired === 0).map((c) => mdText(c.label)).join('; ');
      out.push(`| ${mdText(r.proposal)} | ${r.result.complete ? 'complete' : `incomplete (${r.result.stopReason ?? 'bound'})`} | ${s.states.toLocaleString('en-US')} | ${s.transitions.toLocaleString('en-US')} | ${s.levels} | ${s.seconds.toFixed(3)} | ${fired} of ${r.result.coverage.length} | ${never || '—'} |`);
    }
  }
  out.push('', ...renderCoverageAcross(coverageAcross(data.scenarios.flatMap((sc) => sc.rows))).map((l) => mdText(l)));
  return out.join('\n') + '\n';
}
