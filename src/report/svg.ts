// The sequence diagram of a trace as inline SVG, drawn here (no library, no
// network): a column per lane (actors, then pages) with its lifeline, a row
// per step with an arrow from the actor to the pages it touched (a loop when
// it only advanced itself) and the step's full label to the right, and a red
// row naming each property where it breaks. Rows carry data-step so the
// report's stepper can mark the current step and a click can jump to one.

import type { Lane, TraceView } from './lanes.js';
import { esc } from './html-escape.js';

const LANE_MIN_W = 96;
const GUTTER = 34;
const HEAD_H = 42;
const ROW_H = 24;
// A generous width per character of the 12px labels (the report's script then measures the
// rendered text and widens the drawing if a font is wider still).
const CHAR_W = 7.2;

const FILL: Record<Lane['kind'], string> = {
  process: '#e3ecfb', holder: '#fbe3e3', device: '#fcebd9', flusher: '#e2f2e4', kswapd: '#e2f2e4', truncate: '#e2f2e4', fsync: '#e2f2e4',
  disk: '#ececec', actor: '#e3ecfb', page: '#fff4c7', state: '#fff4c7',
};

/** `uid` keeps the SVG's ids (its arrow marker) unique in a page holding several diagrams. */
export function traceSvg(view: TraceView, uid: string): string {
  const lanes = view.lanes;
  // Lanes as wide as their longest header line (name or role), at least LANE_MIN_W.
  const LANE_W = Math.max(LANE_MIN_W, ...lanes.map((l) => Math.ceil(Math.max((l.kind === 'page' ? `page ${l.name}` : l.name).length * (CHAR_W + 0.6), l.role.length * CHAR_W) + 16)));
  const x = new Map(lanes.map((l, i) => [l.name, GUTTER + i * LANE_W + LANE_W / 2]));
  const laneX = (name: string | undefined) => x.get(name ?? '') ?? x.get('model') ?? GUTTER + LANE_W / 2;
  const labelX = GUTTER + lanes.length * LANE_W + 14;
  type Row = { kind: 'step' | 'fail'; step: number; text: string };
  const rows: Row[] = [];
  view.steps.forEach((st, i) => {
    rows.push({ kind: 'step', step: i, text: `${st.index}. ${st.label}` });
    for (const f of st.failures) rows.push({ kind: 'fail', step: i, text: f.property === 'deadlock' ? `deadlock: ${f.description}` : `${f.property} fails: ${f.description}` });
  });
  const longest = Math.max(20, ...rows.map((r) => r.text.length));
  const width = Math.ceil(labelX + longest * CHAR_W + 16);
  const height = HEAD_H + rows.length * ROW_H + 12;
  const marker = `ah-${uid}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="seq" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
    `<defs><marker id="${esc(marker)}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>`,
  ];
  // Lanes: header boxes and lifelines.
  lanes.forEach((l) => {
    const cx = laneX(l.name);
    out.push(`<g class="lane"><rect x="${cx - LANE_W / 2 + 4}" y="4" width="${LANE_W - 8}" height="${HEAD_H - 10}" rx="5" fill="${FILL[l.kind]}" stroke="#8a8a8a"/>`,
      `<text x="${cx}" y="19" text-anchor="middle" font-weight="bold">${esc(l.kind === 'page' ? `page ${l.name}` : l.name)}</text>`,
      `<text x="${cx}" y="31" text-anchor="middle" class="role">${esc(l.role)}</text>`,
      `<line x1="${cx}" y1="${HEAD_H - 6}" x2="${cx}" y2="${height - 4}" stroke="#b5b5b5" stroke-dasharray="4 3"/></g>`);
  });
  rows.forEach((r, k) => {
    const y = HEAD_H + k * ROW_H;
    const mid = y + ROW_H / 2;
    const st = view.steps[r.step]!;
    const parts: string[] = [];
    if (r.kind === 'fail') {
      const at = laneX(st.to[0] ?? st.from);
      parts.push(`<rect class="fail-band" x="${GUTTER}" y="${y + 2}" width="${width - GUTTER - 4}" height="${ROW_H - 4}" rx="3"/>`,
        `<circle cx="${at}" cy="${mid}" r="6" fill="#d22" />`,
        `<text x="${labelX}" y="${mid + 4}" class="fail-text">${esc(r.text)}</text>`);
    } else {
      parts.push(`<rect class="hit" x="0" y="${y}" width="${width}" height="${ROW_H}"/>`,
        `<text x="${GUTTER - 6}" y="${mid + 4}" text-anchor="end" class="num">${st.index}</text>`);
      if (r.step === 0) {
        const x0 = laneX(lanes[0]?.name);
        const x1 = laneX(lanes[lanes.length - 1]?.name);
        parts.push(`<rect x="${x0 - 30}" y="${y + 4}" width="${x1 - x0 + 60}" height="${ROW_H - 8}" rx="3" fill="#f4f4f4" stroke="#c8c8c8"/>`);
      } else {
        const from = laneX(st.from);
        const targets = st.to.length > 0 ? st.to : [];
        if (targets.length === 0) {
          parts.push(`<path d="M${from},${mid - 6} h18 v12 h-16" fill="none" stroke="#333" stroke-width="1.4" marker-end="url(#${esc(marker)})"/>`);
        }
        targets.forEach((t, i) => {
          const to = laneX(t);
          const dir = to >= from ? 1 : -1;
          parts.push(`<line x1="${from}" y1="${mid}" x2="${to - dir * 3}" y2="${mid}" stroke="#333" stroke-width="${i === 0 ? 1.4 : 1}" marker-end="url(#${esc(marker)})"/>`);
        });
        parts.push(`<circle cx="${from}" cy="${mid}" r="3" fill="#333"/>`);
      }
      parts.push(`<text x="${labelX}" y="${mid + 4}" class="label">${esc(r.text)}</text>`);
    }
    out.push(`<g class="sq-${r.kind}" data-step="${r.step}"><title>${esc(r.text)}</title>${parts.join('')}</g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
