// check --format json|itf|mermaid|dot: the JSON report round-trips through
// `gupcheck replay`; the ITF trace decodes with an io-ts codec of the
// published format (Apalache ADR-015, as Quint writes it); the Mermaid
// sequence diagram parses with the mermaid package's own parser; the DOT
// graph of a tiny model has every state and transition, the counterexample
// in red, and a guard above --max-states.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import mermaid from 'mermaid';
import { CheckReportC } from '../src/engine/result.js';
import { gupcheck } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-formats-'));

// --- JSON ---------------------------------------------------------------------

test('--format json is --json: one CheckReport; saved, it replays to the same violation', (t) => {
  const a = gupcheck('check', 'baseline', '--format', 'json');
  const b = gupcheck('check', 'baseline', '--json');
  t.is(a.code, 1);
  t.is(b.code, 1);
  const ra = CheckReportC.decode(JSON.parse(a.stdout));
  const rb = CheckReportC.decode(JSON.parse(b.stdout));
  if (!isRight(ra) || !isRight(rb)) return t.fail('not a CheckReport');
  const noTime = (r: typeof ra.right) => ({ ...r, stats: { ...r.stats, seconds: 0, statesPerSecond: 0 }, ...(r.liveness !== undefined ? { liveness: { ...r.liveness, seconds: 0 } } : {}) });
  t.deepEqual(noTime(ra.right), noTime(rb.right));
  const file = path.join(dir, 'trace.json');
  writeFileSync(file, a.stdout);
  const rep = gupcheck('replay', file);
  t.is(rep.code, 1, rep.stderr);
  t.is(rep.stdout.trimEnd().split('\n').at(-1), 'every step runs on baseline; I1 still violated at step 12');
  const crash = gupcheck('replay', file, '--property', 'I1.crash', '--json');
  t.is(crash.code, 1, crash.stderr);
  t.like(JSON.parse(crash.stdout), { property: 'I1.crash', outcome: 'violated', violations: [{ property: 'I1', step: 12 }, { property: 'I1.crash', step: 14 }] });
  const both = gupcheck('check', 'baseline', '--json', '--format', 'itf');
  t.is(both.code, 2);
  t.regex(both.stderr, /^gupcheck: --json is --format json; give only one of/);
});

// --- ITF ----------------------------------------------------------------------

/** An object with exactly the given keys. */
const exactly = <P extends t.Props>(name: string, props: P) => {
  const base = t.type(props);
  return new t.Type<t.TypeOf<typeof base>, unknown, unknown>(name, base.is, (u, c) => {
    if (typeof u === 'object' && u !== null && Object.keys(u).some((k) => !(k in props))) return t.failure(u, c, `${name}: unexpected key`);
    return base.validate(u, c);
  }, (a) => a);
};

// The Informal Trace Format, as published (https://apalache-mc.org/docs/adr/015adr-trace.html).
type Itf = boolean | string | number | Itf[] | { [k: string]: Itf };
const SafeInt = t.refinement(t.number, (n) => Number.isInteger(n) && Math.abs(n) <= 2 ** 53 - 1, 'JSON integer in [-(2^53)+1, 2^53-1]');
const BigIntLit = t.refinement(t.string, (s) => /^-?[0-9]+$/.test(s), '[-][0-9]+');
const ItfExprC: t.Type<Itf> = t.recursion('ItfExpr', () => t.union([
  t.boolean,
  t.string,
  SafeInt,
  exactly('#bigint', { '#bigint': BigIntLit }) as unknown as t.Type<Itf>,
  exactly('#tup', { '#tup': t.array(ItfExprC) }) as unknown as t.Type<Itf>,
  exactly('#set', { '#set': t.array(ItfExprC) }) as unknown as t.Type<Itf>,
  exactly('#map', { '#map': t.array(t.tuple([ItfExprC, ItfExprC])) }) as unknown as t.Type<Itf>,
  t.array(ItfExprC),
  // A record: field names do not start with '#'.
  t.refinement(t.record(t.string, ItfExprC), (r) => Object.keys(r).every((k) => !k.startsWith('#')), 'record') as unknown as t.Type<Itf>,
]));
const ItfStateC = t.intersection([t.partial({ '#meta': t.UnknownRecord }), t.record(t.string, t.unknown)]);
const ItfTraceC = t.refinement(
  t.intersection([
    t.type({ vars: t.array(t.string), states: t.array(ItfStateC) }),
    t.partial({ '#meta': t.UnknownRecord, params: t.array(t.string), loop: SafeInt }),
  ]),
  // Each state defines every variable, and only variables (besides #meta), each an ITF expression.
  (tr) => tr.states.every((s) => {
    const keys = Object.keys(s).filter((k) => k !== '#meta');
    return keys.length === tr.vars.length && tr.vars.every((v) => v in s && isRight(ItfExprC.decode(s[v])));
  }),
  'ItfTrace',
);

test('--format itf: the ext4 trace decodes as ITF; integers are #bigint; every state has every variable', (t) => {
  const r = gupcheck('check', 'baseline', '--format', 'itf');
  t.is(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { vars: string[]; states: Record<string, unknown>[]; '#meta': Record<string, unknown> };
  t.true(isRight(ItfTraceC.decode(doc)), 'decodes with the ITF codec');
  t.false(isRight(ItfTraceC.decode({ ...doc, states: [{ ...doc.states[0], page: 1.5 }] })), 'the codec rejects a non-ITF value');
  t.false(isRight(ItfTraceC.decode({ ...doc, states: [{ '#meta': {}, page: {} }] })), 'the codec rejects a state missing a variable');
  t.deepEqual(doc.vars, ['page', 'proc', 'holder', 'flusher', 'kswapd', 'forked', 'truncated', 'oops', 'lostWrite', 'noFreePage'], 'every field of the schema, nothing hand-picked');
  t.is(doc.states.length, 13);
  t.like(doc['#meta'], { format: 'ITF', status: 'violation', property: 'I1' });
  doc.states.forEach((s, i) => t.is((s['#meta'] as { index: number }).index, i));
  const last = doc.states[12]!;
  t.like(last, { '#meta': { label: 'dio: set_page_dirty_lock', actor: 'dio' }, page: { P: { ref: { '#bigint': '2' }, PG_dirty: true, buffers: 'none' } } });
  // A witness of a sometimes property, by name.
  const w = gupcheck('check', 'peterson', '--set', 'N=2', '--format', 'itf', '--property', 'someone-enters');
  t.is(w.code, 0, w.stderr);
  const wd = JSON.parse(w.stdout);
  t.true(isRight(ItfTraceC.decode(wd)));
  t.like(wd['#meta'], { status: 'witness', property: 'someone-enters' });
  t.deepEqual(wd.vars, ['pos', 'step', 'P']);
});

// --- Mermaid ------------------------------------------------------------------

test('--format mermaid: a sequenceDiagram the mermaid parser accepts, one participant per actor plus the page', async (t) => {
  const r = gupcheck('check', 'baseline', '--format', 'mermaid');
  t.is(r.code, 1, r.stderr);
  const text = r.stdout;
  t.like(await mermaid.parse(text), { diagramType: 'sequence' });
  const participants = [...text.matchAll(/^ {2}participant (\S+) as (.*)$/gm)].map((m) => [m[1], m[2]]);
  t.deepEqual(participants, [
    ['proc_app', 'app (process)'], ['gup_dio', 'dio (GUP holder)'], ['bg_flusher', 'flusher (writeback)'],
    ['bg_kswapd', 'kswapd (reclaim)'], ['bg_disk', 'disk (block I/O)'], ['page_P', 'page P'],
  ]);
  const messages = [...text.matchAll(/^ +(\w+)->>(\w+): (\d+)\./gm)];
  t.deepEqual(messages.map((m) => Number(m[3])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  t.true(messages.every((m) => participants.some((p) => p[0] === m[1]) && participants.some((p) => p[0] === m[2])));
  t.regex(text, /gup_dio->>page_P: 12\. set_page_dirty_lock\n {4}Note right of page_P: PG_dirty false→true/);
  t.regex(text, /Note over page_P: I1 fails: an ext4 page-cache page that is PG_dirty has buffers/);
  t.regex(text, /try_to_unmap \(zap every PTE#59; a dirty PTE/, 'a ";" in a label is an entity, not a statement break');
  // The parser rejects what is not a diagram, so the test above means something.
  await t.throwsAsync(mermaid.parse(text.replace('->>', '->>>')));
  // A fork scenario (parent, child, holder, device) and a classic model parse too.
  for (const args of [['baseline', '--scenario', 'fork-rdma'], ['anon-exclusive', '--scenario', 'fork-rdma'], ['phils']]) {
    const m = gupcheck('check', ...args, '--format', 'mermaid');
    t.like(await mermaid.parse(m.stdout), { diagramType: 'sequence' }, args.join(' '));
  }
});

// --- DOT ----------------------------------------------------------------------

/** The DOT we write, line by line: a strict grammar of the subset we emit. */
function parseDot(text: string): { nodes: Map<string, string>; edges: { from: string; to: string; attrs: string }[] } {
  const lines = text.trimEnd().split('\n');
  if (!/^digraph "(?:[^"\\]|\\.)*" \{$/.test(lines[0]!)) throw new Error(`bad header: ${lines[0]}`);
  if (lines.at(-1) !== '}') throw new Error('no closing brace');
  const attrList = '\\[(?:[\\w-]+=(?:"(?:[^"\\\\]|\\\\.)*"|[\\w.#-]+)(?:, )?)+\\]';
  const nodeRe = new RegExp(`^ {2}(s\\d+|range) (${attrList});$`);
  const edgeRe = new RegExp(`^ {2}(s\\d+) -> (s\\d+|range) (${attrList});$`);
  const globalRe = new RegExp(`^ {2}(graph|node|edge) ${attrList};$`);
  const nodes = new Map<string, string>();
  const edges: { from: string; to: string; attrs: string }[] = [];
  for (const l of lines.slice(1, -1)) {
    let m: RegExpExecArray | null;
    if ((m = edgeRe.exec(l)) !== null) edges.push({ from: m[1]!, to: m[2]!, attrs: m[3]! });
    else if ((m = nodeRe.exec(l)) !== null) nodes.set(m[1]!, m[2]!);
    else if (!globalRe.test(l)) throw new Error(`not a DOT statement of ours: ${l}`);
  }
  for (const e of edges) if (!nodes.has(e.from) || !nodes.has(e.to)) throw new Error(`edge to an undeclared node: ${e.from} -> ${e.to}`);
  return { nodes, edges };
}

for (const [args, states, transitions, steps, property] of [
  [['phils'], 80, 212, 4, 'deadlock'],
  [['peterson', '--set', 'N=2', '--set', 'mutant=true'], 525, 1117, 10, 'mutual-exclusion'],
] as const) {
  test(`--format dot on ${args.join(' ')}: ${states} states, ${transitions} transitions, the ${steps}-step ${property} trace in red`, (t) => {
    const r = gupcheck('check', ...args, '--format', 'dot');
    t.is(r.code, 1, r.stderr);
    const g = parseDot(r.stdout);
    const json = JSON.parse(gupcheck('check', ...args, '--json').stdout);
    t.is(g.nodes.size, states);
    t.is(json.stats.states, states);
    t.is(g.edges.length, transitions, 'one edge per transition the checker counts');
    t.is(json.stats.transitions, transitions);
    const red = g.edges.filter((e) => e.attrs.includes('color=red'));
    t.is(red.length, steps);
    // The red edges form a path from the initial state, numbered 1..steps.
    t.is(red[0] !== undefined && [...red].sort((a, b) => Number(/"(\d+)\./.exec(a.attrs)![1]) - Number(/"(\d+)\./.exec(b.attrs)![1]))[0]!.from, 's0');
    const last = [...g.nodes].filter(([, a]) => a.includes('fillcolor'));
    t.is(last.length, 1);
    t.regex(last[0]![1], new RegExp(`xlabel="${property}`));
    // Where Graphviz is installed (CI does not need it), it lays the small one out.
    if (args[0] === 'phils') {
      const dot = spawnSync('dot', ['-Tsvg'], { input: r.stdout, encoding: 'utf8', timeout: 20_000 });
      if (dot.error === undefined) t.is(dot.status, 0, `graphviz accepts it: ${dot.stderr}`);
    }
  });
}

test('--format dot refuses a graph above --max-states (default 2,000): one line, exit 2; --max-states raises the guard', (t) => {
  const r = gupcheck('check', 'peterson', '--format', 'dot');
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.is(r.stderr, 'gupcheck: --format dot draws at most 2,000 states and peterson N=3 mutant=false unreachableWitness=false has more; pick a smaller model (e.g. --set N=2) or raise --max-states\n');
  const small = gupcheck('check', 'phils', '--format', 'dot', '--max-states', '50');
  t.is(small.code, 2);
  t.regex(small.stderr, /at most 50 states/);
  const raised = gupcheck('check', 'phils', '--set', 'N=5', '--format', 'dot', '--max-states', '300');
  t.is(raised.code, 1, raised.stderr);
  t.is(parseDot(raised.stdout).nodes.size, 242);
});
