// A counterexample as a Mermaid sequenceDiagram (renders on GitHub): one
// participant per actor (processes, GUP holders, their devices, the flusher,
// kswapd, truncate, the disk) plus the pages; per step an arrow from the
// actor to the pages it touched (to itself when it only advanced), numbered
// as in the text trace, with a note of the fields that changed; the step
// where a property breaks is shaded and says which property and why.

import { isBlankValue, type Change } from './state.js';
import { viewTrace, type Failure, type Lane, type StepView, type TraceView } from './lanes.js';
import type { TraceStep } from '../engine/result.js';

/** Mermaid text: `#`, `;` (a statement break) and `<` (markup) as entity codes; no newlines. */
export function mermaidText(s: string): string {
  return s.replace(/[#;<]/g, (c) => `#${c.charCodeAt(0)};`).replace(/[\r\n]+/g, ' ').trim();
}

const PREFIX: Record<Lane['kind'], string> = {
  process: 'proc', holder: 'gup', device: 'dev', flusher: 'bg', kswapd: 'bg', truncate: 'bg', fsync: 'bg', disk: 'bg', actor: 'act', page: 'page', state: 'st',
};

/** Participant ids: letters, digits and _ only, prefixed by kind (so no id is a keyword like `end`), unique. */
export function laneIds(lanes: readonly Lane[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const l of lanes) {
    const base = `${PREFIX[l.kind]}_${l.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(l.name, id);
  }
  return ids;
}

/** A change shortened for a note: `page.P.ref 2→3` reads `ref 2→3` beside page P; PTEs as `pte app:P none→P W D`. */
export function shortChange(c: Change, page: string | undefined): string {
  let path = c.path;
  if (page !== undefined && path.startsWith(`page.${page}.`)) path = path.slice(page.length + 6);
  else if (path.startsWith('pte.')) path = `pte ${path.slice(4)}`;
  else if (path.startsWith('holder.')) path = path.slice(7);
  return `${path} ${c.before ?? '∅'}→${c.after ?? '∅'}`;
}

/** The changes of one step, one per line. */
function noteLines(step: StepView): string {
  const page = step.to.length === 1 ? step.to[0] : undefined;
  return step.changes.map((c) => mermaidText(shortChange(c, page))).join('<br/>');
}

/** Per page lane (or the state lane), its initial fields that are not 0 or false, as "name = value". */
function startFields(view: TraceView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const init = view.initial;
  if (init === undefined) return out;
  for (const l of view.lanes) {
    if (l.kind !== 'page' && l.kind !== 'state') continue;
    const prefix = l.kind === 'page' ? `page.${l.name}.` : '';
    const fields: string[] = [];
    for (const [k, v] of init) {
      if (!k.startsWith(prefix) || isBlankValue(v)) continue;
      fields.push(`${k.slice(prefix.length)} = ${v}`);
    }
    out.set(l.name, fields);
  }
  return out;
}

export interface MermaidOptions {
  /** A comment line at the top (what the trace is). */
  readonly caption?: string;
  readonly failures?: readonly Failure[];
}

export function traceToMermaid(trace: readonly TraceStep[], opts: MermaidOptions = {}): string {
  return viewToMermaid(viewTrace(trace, opts.failures ?? []), opts.caption);
}

export function viewToMermaid(view: TraceView, caption?: string): string {
  const ids = laneIds(view.lanes);
  const id = (name: string) => ids.get(name) ?? ids.get('model') ?? 'model';
  const out = ['sequenceDiagram'];
  if (caption !== undefined) out.push(`  %% ${caption.replace(/[\r\n]+/g, ' ')}`);
  for (const l of view.lanes) out.push(`  participant ${id(l.name)} as ${mermaidText(l.kind === 'page' ? `page ${l.name}` : l.kind === 'state' ? 'state' : `${l.name} (${l.role})`)}`);
  const first = view.lanes[0];
  const last = view.lanes[view.lanes.length - 1];
  const init = view.steps[0];
  if (init !== undefined && first !== undefined && last !== undefined) {
    const span = first === last ? id(first.name) : `${id(first.name)},${id(last.name)}`;
    out.push(`  Note over ${span}: 0. ${mermaidText(init.label)}`);
    // What each page (or the state) starts as: the fields that are not 0 or false.
    const start = init.changes.length === 0 ? startFields(view) : new Map<string, string[]>();
    for (const [lane, fields] of start) if (fields.length > 0) out.push(`  Note right of ${id(lane)}: ${fields.map(mermaidText).join('<br/>')}`);
  }
  for (const st of view.steps.slice(1)) {
    const from = id(st.from ?? 'model');
    const targets = st.to.length > 0 ? st.to.map(id) : [from];
    const broken = st.failures.length > 0;
    const ind = broken ? '    ' : '  ';
    if (broken) out.push('  rect rgb(255, 221, 221)');
    targets.forEach((to, k) => out.push(`${ind}${from}->>${to}: ${st.index}.${k === 0 ? ` ${mermaidText(st.text)}` : ''}`));
    const anchor = targets[0]!;
    if (st.changes.length > 0) out.push(`${ind}Note right of ${anchor}: ${noteLines(st)}`);
    for (const f of st.failures) {
      const what = f.property === 'deadlock' ? `deadlock: ${f.description}` : `${f.property} fails: ${f.description}`;
      out.push(`${ind}Note over ${anchor}: ${mermaidText(what)}`);
    }
    if (broken) out.push('  end');
  }
  return out.join('\n') + '\n';
}
