// A trace as a sequence diagram sees it: one lane per actor, one per page,
// and per step who acts, on which pages, what changed, and which properties
// break there. Kernel traces (states with `page` and `holder`) get the
// kernel's cast: processes, GUP holders, their devices, the flusher, kswapd,
// truncate, the disk, then the pages. Any other model gets its actors and
// one lane for the state.

import type { TraceStep } from '../engine/result.js';
import type { JsonValue } from '../engine/schema.js';
import { changes, flatten, type Change } from './state.js';

export type LaneKind = 'process' | 'holder' | 'device' | 'flusher' | 'kswapd' | 'truncate' | 'fsync' | 'disk' | 'actor' | 'page' | 'state';

export interface Lane {
  /** The actor or page name, as traces spell it (`dio`, `dio/device`, `P`). */
  readonly name: string;
  readonly kind: LaneKind;
  /** What it is, in a few words ("GUP holder", "page"). */
  readonly role: string;
}

/** A property that breaks at a step of a trace. */
export interface Failure {
  readonly step: number;
  readonly property: string;
  readonly description: string;
}

export interface StepView {
  readonly index: number;
  /** The full label, e.g. "flusher: ext4_writepages: … lock_page(P)". */
  readonly label: string;
  /** The label without its leading "actor: ". */
  readonly text: string;
  /** The acting lane (for step 0, none). */
  readonly from?: string;
  /** Page (or state) lanes the step changed; empty: it changed only its actor's own progress. */
  readonly to: readonly string[];
  readonly changes: readonly Change[];
  readonly failures: readonly Failure[];
}

export interface TraceView {
  readonly kernel: boolean;
  /** The initial state's fields (path -> value). */
  readonly initial?: ReadonlyMap<string, string>;
  readonly lanes: readonly Lane[];
  readonly steps: readonly StepView[];
}

const ROLE: Record<LaneKind, string> = {
  process: 'process', holder: 'GUP holder', device: 'device (DMA)', flusher: 'writeback', kswapd: 'reclaim',
  truncate: 'truncate', fsync: 'data-integrity writeback', disk: 'block I/O', actor: 'actor', page: 'page', state: 'state',
};

const isRecord = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A kernel model state (the kernel layout rendered by its schema): page, proc (with each PTE), holder, background actors. */
export function isKernelTrace(trace: readonly TraceStep[]): boolean {
  const s = trace[0]?.state;
  return isRecord(s) && isRecord(s['page']) && isRecord(s['holder']);
}

/** The label without its "actor: " prefix. */
export function stepText(st: TraceStep): string {
  return st.actor !== undefined && st.label.startsWith(`${st.actor}: `) ? st.label.slice(st.actor.length + 2) : st.label;
}

function keysOver(trace: readonly TraceStep[], field: string): string[] {
  const out = new Set<string>();
  for (const st of trace) {
    const v = isRecord(st.state) ? st.state[field] : undefined;
    if (isRecord(v)) for (const k of Object.keys(v)) out.add(k);
  }
  return [...out];
}

function kernelLanes(trace: readonly TraceStep[]): Lane[] {
  const actors = [...new Set(trace.flatMap((s) => (s.actor !== undefined ? [s.actor] : [])))];
  const holders = keysOver(trace, 'holder');
  const pages = keysOver(trace, 'page');
  const procs = new Set(keysOver(trace, 'proc'));
  const known = new Set(['flusher', 'kswapd', 'truncate', 'fsync', 'disk']);
  for (const a of actors) if (!known.has(a) && !holders.includes(a) && !a.endsWith('/device')) procs.add(a);
  const lane = (name: string, kind: LaneKind): Lane => ({ name, kind, role: ROLE[kind] });
  const out: Lane[] = [...procs].map((p) => lane(p, 'process'));
  for (const h of holders) {
    out.push(lane(h, 'holder'));
    if (actors.includes(`${h}/device`)) out.push(lane(`${h}/device`, 'device'));
  }
  for (const a of actors) if (a.endsWith('/device') && !out.some((l) => l.name === a)) out.push(lane(a, 'device'));
  const first = trace[0]?.state;
  for (const k of ['flusher', 'kswapd', 'truncate', 'fsync'] as const) {
    if ((isRecord(first) && first[k] !== undefined) || actors.includes(k)) out.push(lane(k, k));
  }
  if (actors.includes('disk')) out.push(lane('disk', 'disk'));
  for (const p of pages) out.push(lane(p, 'page'));
  return out;
}

/** Pages a kernel step touched: page.X.* fields, and PTEs (proc.Q.vma.X.*, and the pages a PTE's pfn moved between). */
function touchedPages(cs: readonly Change[], pages: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const c of cs) {
    const pg = /^page\.([^.]+)\./.exec(c.path);
    if (pg !== null && pages.has(pg[1]!)) out.add(pg[1]!);
    const pte = /^proc\.[^.]+\.vma\.([^.]+)\.(\w+)$/.exec(c.path);
    if (pte !== null) {
      for (const v of [pte[1]!, ...(pte[2] === 'pfn' ? [c.before ?? '', c.after ?? ''] : [])]) if (pages.has(v)) out.add(v);
    }
  }
  return [...pages].filter((p) => out.has(p));
}

/** The trace as lanes and steps; `failures` (from a replay along it) are attached to their steps. */
export function viewTrace(trace: readonly TraceStep[], failures: readonly Failure[] = []): TraceView {
  const kernel = isKernelTrace(trace);
  let lanes: Lane[];
  if (kernel) lanes = kernelLanes(trace);
  else {
    const actors = [...new Set(trace.flatMap((s) => (s.actor !== undefined ? [s.actor] : [])))];
    lanes = [...actors.map((a): Lane => ({ name: a, kind: 'actor', role: ROLE.actor })), { name: 'state', kind: 'state', role: ROLE.state }];
    if (trace.some((s) => s.index > 0 && s.actor === undefined)) lanes.unshift({ name: 'model', kind: 'actor', role: ROLE.actor });
  }
  const pages = new Set(lanes.filter((l) => l.kind === 'page').map((l) => l.name));
  const steps = trace.map((st, i): StepView => {
    const cs = i === 0 ? [] : changes(trace[i - 1]!.state, st.state);
    const fails = failures.filter((f) => f.step === i);
    if (i === 0) return { index: st.index, label: st.label, text: st.label, to: [], changes: cs, failures: fails };
    const from = st.actor ?? 'model';
    const to = kernel ? touchedPages(cs, pages) : cs.length > 0 ? ['state'] : [];
    return { index: st.index, label: st.label, text: stepText(st), from, to, changes: cs, failures: fails };
  });
  const first = trace[0];
  return { kernel, lanes, steps, ...(first !== undefined ? { initial: flatten(first.state) } : {}) };
}
