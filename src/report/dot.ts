// The explored state graph of a small model as Graphviz DOT, with a
// counterexample's path drawn in red. The checker keeps no edges (only a
// parent per state), so the graph is rebuilt here by a plain breadth-first
// search over model.actions from model.init, keyed by the packed state,
// bounded: past `limit` states it stops and says so.

import { formatLabel, type Model } from '../engine/model.js';
import type { TraceStep } from '../engine/result.js';
import { FieldRangeError } from '../engine/schema.js';
import type { Failure } from './lanes.js';
import { flatten, isBlankValue } from './state.js';

export interface GraphEdge {
  readonly from: number;
  readonly to: number;
  /** Index into model.actions. */
  readonly action: number;
}

export interface StateGraph {
  /** Packed states in BFS order (node i is states[i]). */
  readonly states: readonly Uint32Array[];
  /** For each node, the index of its initial state, or -1. */
  readonly initOf: readonly number[];
  readonly edges: readonly GraphEdge[];
  /** Transitions whose effect left a field's range (the built-in field-range property). */
  readonly rangeErrors: readonly { from: number; action: number; message: string }[];
}

/** The graph has more states than the limit. */
export class GraphTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} states`);
  }
}

const keyOf = (s: Uint32Array): string => s.join(',');

/** Every reachable state and transition, breadth first; throws GraphTooLarge past `limit` states. */
export function exploreGraph(model: Model, limit: number, maxDepth = Infinity): StateGraph {
  const index = new Map<string, number>();
  const states: Uint32Array[] = [];
  const depth: number[] = [];
  const initOf: number[] = [];
  const edges: GraphEdge[] = [];
  const rangeErrors: { from: number; action: number; message: string }[] = [];
  const add = (s: Uint32Array, d: number, init: number): number => {
    const k = keyOf(s);
    const known = index.get(k);
    if (known !== undefined) return known;
    if (states.length >= limit) throw new GraphTooLarge(limit);
    index.set(k, states.length);
    states.push(s);
    depth.push(d);
    initOf.push(init);
    return states.length - 1;
  };
  model.init.forEach((s, i) => add(Uint32Array.from(s), 0, i));
  for (let i = 0; i < states.length; i++) {
    if (depth[i]! >= maxDepth) continue;
    const src = states[i]!;
    model.actions.forEach((a, ai) => {
      if (!a.enabled(src)) return;
      const dst = Uint32Array.from(src);
      try {
        a.apply(dst);
      } catch (e) {
        if (!(e instanceof FieldRangeError)) throw e;
        rangeErrors.push({ from: i, action: ai, message: e.message });
        return;
      }
      edges.push({ from: i, to: add(dst, depth[i]! + 1, -1), action: ai });
    });
  }
  return { states, initOf, edges, rangeErrors };
}

export interface GraphPath {
  readonly nodes: readonly number[];
  /** Edge indices, in step order. */
  readonly edges: readonly number[];
  /** The last step's transition left a field's range (it has no target node). */
  readonly rangeError?: { from: number; action: number };
}

/** Follow a trace's steps through the graph (by action name and parameters); undefined if it leaves it. */
export function tracePath(model: Model, g: StateGraph, trace: readonly TraceStep[]): GraphPath | undefined {
  const init = Number(trace[0]?.params['init'] ?? 0);
  let at = g.initOf.indexOf(init);
  if (at < 0) return undefined;
  const nodes = [at];
  const edges: number[] = [];
  const same = (ai: number, st: TraceStep) => {
    const a = model.actions[ai]!;
    return a.name === st.action && JSON.stringify(a.params) === JSON.stringify(st.params);
  };
  for (let i = 1; i < trace.length; i++) {
    const st = trace[i]!;
    const e = g.edges.findIndex((x) => x.from === at && same(x.action, st));
    if (e < 0) {
      const r = g.rangeErrors.find((x) => x.from === at && same(x.action, st));
      if (r !== undefined && i === trace.length - 1) return { nodes, edges, rangeError: { from: r.from, action: r.action } };
      return undefined;
    }
    edges.push(e);
    at = g.edges[e]!.to;
    nodes.push(at);
  }
  return { nodes, edges };
}

/** A DOT double-quoted string. */
export const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;

/** Left-justified multi-line label (`\l` ends each line). */
const leftLines = (lines: readonly string[]): string =>
  `"${lines.map((l) => l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')).join('\\l')}\\l"`;

export interface DotOptions {
  readonly title: string;
  /** The counterexample to draw in red, with what breaks along it. */
  readonly highlight?: { readonly trace: readonly TraceStep[]; readonly property: string; readonly failures: readonly Failure[] };
  /** Whole states in the node labels (default: only fields that are not 0/false). */
  readonly full?: boolean;
}

export function graphToDot(model: Model, g: StateGraph, opts: DotOptions): string {
  const describe = model.describe ?? ((s: Uint32Array) => model.layout.toJSON(s));
  const path = opts.highlight !== undefined ? tracePath(model, g, opts.highlight.trace) : undefined;
  const onPath = new Map<number, number>(); // node -> step
  path?.nodes.forEach((n, i) => onPath.set(n, i));
  const pathEdge = new Map<number, number>(); // edge -> step
  path?.edges.forEach((e, i) => pathEdge.set(e, i + 1));
  const failAt = new Map<number, string[]>();
  for (const f of opts.highlight?.failures ?? []) {
    const n = path?.nodes[f.step];
    if (n !== undefined) failAt.set(n, [...(failAt.get(n) ?? []), f.property]);
  }
  const edgeLabel = (ai: number): string => {
    const a = model.actions[ai]!;
    return a.label.length <= 40 ? a.label : formatLabel(a.name, a.params);
  };
  const out: string[] = [
    `digraph ${dotString(opts.title)} {`,
    `  graph [label=${dotString(opts.title + (path !== undefined ? `\n(red: the ${opts.highlight!.property} counterexample, ${path.edges.length + (path.rangeError ? 1 : 0)} steps)` : ''))}, labelloc=t, fontname="Helvetica", fontsize=12];`,
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=9];',
    '  edge [fontname="Helvetica", fontsize=8, color="#777777", fontcolor="#555555"];',
  ];
  g.states.forEach((s, i) => {
    const fields = [...flatten(describe(s))].filter(([, v]) => opts.full === true || !isBlankValue(v)).map(([k, v]) => `${k}=${v}`);
    const step = onPath.get(i);
    const head = `#${i}${g.initOf[i]! >= 0 ? ' (initial)' : ''}${step !== undefined ? ` step ${step}` : ''}`;
    const attrs = [`label=${leftLines([head, ...fields])}`, `tooltip=${dotString(fields.join('\n'))}`];
    if (g.initOf[i]! >= 0) attrs.push('peripheries=2');
    if (step !== undefined) attrs.push('color=red', 'penwidth=2');
    const fails = failAt.get(i);
    if (fails !== undefined) attrs.push('style="rounded,filled"', 'fillcolor="#ffdddd"', `xlabel=${dotString(`${fails.join(', ')} ${fails.length === 1 && fails[0] === 'deadlock' ? 'here' : 'fails here'}`)}`, 'fontcolor=red');
    out.push(`  s${i} [${attrs.join(', ')}];`);
  });
  g.edges.forEach((e, i) => {
    const step = pathEdge.get(i);
    const label = step !== undefined ? `${step}. ${edgeLabel(e.action)}` : edgeLabel(e.action);
    const attrs = [`label=${dotString(label)}`];
    if (step !== undefined) attrs.push('color=red', 'fontcolor=red', 'penwidth=2.5');
    out.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`);
  });
  if (g.rangeErrors.length > 0) {
    out.push('  range [label="field out of range", shape=octagon, color=red, fontcolor=red];');
    for (const r of g.rangeErrors) {
      const last = path?.rangeError !== undefined && path.rangeError.from === r.from && path.rangeError.action === r.action;
      out.push(`  s${r.from} -> range [label=${dotString(edgeLabel(r.action))}, style=dashed, color=red${last ? ', penwidth=2.5' : ''}];`);
    }
  }
  out.push('}');
  return out.join('\n') + '\n';
}
