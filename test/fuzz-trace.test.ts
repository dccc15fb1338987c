// Fuzzing saved traces (issue 7 §1): a corrupted `check --json` file given
// to `gupcheck replay` is one line on stderr naming what is wrong, exit 2;
// never a stack trace, never exit 0. Each case is a file run through the
// CLI's main() in this process; a sample also goes through the binary.
//
// The traces are real counterexamples (peterson's mutant, the ext4 BUG on
// baseline and modern, the fork/vmsplice leak, a release mismatch), then
// corrupted one way each: the text cut short; a recorded state tampered
// with (a value changed, a key added or removed: the message names the
// step and the JSON path); steps that cannot run (dropped, swapped,
// renamed, re-parameterised, another step's action, step 0 not an initial
// state, no steps at all); the model renamed (unknown, or another model);
// one value of the report given the wrong JSON type (the message names
// its path). Where a corruption could by chance still be a genuine
// counterexample, the engine's own verifying replay is the oracle.
//
// Corruptions that leave every step and state intact but cut or extend
// the end of the path, or rename the property, are rejected by the engine
// when the CLI tells it which property the trace claims (ReplayOptions
// .expect), which replaySaved does on the trace's own model.

import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { Checker } from '../src/engine/checker.js';
import type { Model } from '../src/engine/model.js';
import { resolveParams } from '../src/engine/registry.js';
import { replay, type ReplayStep } from '../src/engine/replay.js';
import { CHECK_SCHEMA_VERSION, type CheckReport, type TraceStep } from '../src/engine/result.js';
import { MAX_JSON_DEPTH } from '../src/io/decode.js';
import { MODELS, findModel } from '../models/index.js';
import { exitCodeOf } from '../src/cli/main.js';
import { badInputProblem, caseDir, FUZZ_RUNS, pool, renderPath, runBinary, runInProcess, type InProcessRun } from './fuzz-cli.js';
import { nesting, places, setAt, type Json } from './helpers/json-edit.js';

const TOTAL = Math.max(40, Math.round(FUZZ_RUNS / 3));
const share = (fraction: number) => Math.max(8, Math.round(TOTAL * fraction));
const BINARY_SAMPLE = Number(process.env['FUZZ_BINARY_SAMPLE'] ?? 4); // per kind (6 kinds)

const files = caseDir('gupcheck-fuzz-trace-');
let seq = 0;
const counts: Record<string, number> = {};

// --- the real traces -------------------------------------------------------------

interface Base {
  readonly label: string;
  readonly model: Model;
  readonly report: CheckReport;
  /** Index in report.properties of the property replay picks (the first violated one). */
  readonly prop: number;
  readonly property: string;
  readonly trace: readonly TraceStep[];
}

function base(modelName: string, sets: string[], input?: string): Base {
  const entry = findModel(modelName)!;
  const model = entry.build(resolveParams(entry, sets), input);
  const result = new Checker(model).run();
  const report: CheckReport = { schemaVersion: CHECK_SCHEMA_VERSION, exitCode: exitCodeOf(result), ...result };
  const prop = report.properties.findIndex((p) => p.status === 'violated' && p.trace !== undefined);
  if (prop < 0) throw new Error(`${modelName} ${input ?? sets.join(' ')}: nothing violated`);
  const p = report.properties[prop]!;
  return { label: `${modelName} ${input ?? sets.join(' ')}`, model, report, prop, property: p.name, trace: p.trace! };
}

const BASES: readonly Base[] = [
  base('peterson', ['N=2', 'mutant=true']),
  base('baseline', [], 'ext4-gup-write'),
  base('modern', [], 'ext4-gup-write'),
  base('baseline', [], 'fork-vmsplice'),
  base('gup-bias', [], 'release-mismatch'),
];

const asJson = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;
const toSteps = (trace: readonly Json[]): ReplayStep[] => trace as unknown as ReplayStep[];

/** The engine's verdict on a trace claimed to be `b`'s counterexample: the first mismatch, if any. */
const oracle = (b: Base, trace: readonly Json[]) => replay(b.model, toSteps(trace), { verify: true, expect: b.property }).mismatch;

/** A report whose replayed trace is `trace`. */
function withTrace(b: Base, trace: Json[]): Json {
  const r = asJson(b.report) as { properties: { trace?: Json }[] };
  r.properties[b.prop]!.trace = trace;
  return r as unknown as Json;
}

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);


/** How a replay message renders a state path: `page.P.ref`, `pte.app:P`, `x["odd key"]`. */
function statePath(keys: readonly (string | number)[]): string {
  let p = '';
  for (const k of keys) {
    const s = String(k);
    if (/^\d+$/.test(s)) p += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$:-]*$/.test(s) && s.length <= 40) p += p === '' ? s : `.${s}`;
    else p += `[${JSON.stringify(s)}]`;
  }
  return p;
}

// --- the harness -------------------------------------------------------------------

interface Case {
  readonly kind: string;
  readonly base: Base;
  readonly text: string;
  readonly expect:
    | { readonly t: 'not-json' }
    /** A mismatch at this step (and, for a tampered state, at this path of it). */
    | { readonly t: 'step'; readonly step: number; readonly path?: string }
    /** Whatever the engine's verifying replay says: a mismatch at its step, or a genuine counterexample (exit 1). */
    | { readonly t: 'oracle'; readonly trace: readonly Json[] }
    | { readonly t: 'message'; readonly pattern: RegExp }
    /** Not a report: the message names this path (or the document nests too deep there). */
    | { readonly t: 'schema'; readonly keys: readonly (string | number)[]; readonly deep: boolean }
    /** Another registered model: refused (exit 2, one line) or a genuine counterexample there (exit 1). */
    | { readonly t: 'two-or-one' };
}

const argv = (file: string) => ['replay', file, '--json'];

function judge(c: Case, file: string, r: InProcessRun): string | undefined {
  if (r.threw !== undefined) return `an exception escaped: ${r.threw instanceof Error ? r.threw.stack : String(r.threw)}`;
  if (r.code === 0) return `exit 0 for a corrupted trace: ${r.stdout.slice(0, 300)}`;
  let e = c.expect;
  if (e.t === 'oracle') {
    const m = oracle(c.base, e.trace);
    if (m === undefined) return r.code === 1 ? undefined : `a genuine counterexample gave exit ${r.code}: ${r.stderr}`;
    if (m.kind === 'end') return r.code === 1 || r.code === 2 ? undefined : `exit ${r.code}`; // needs the CLI to pass expect (see the last test)
    e = { t: 'step', step: m.step };
  }
  if (e.t === 'two-or-one' && r.code === 1) return r.stderr === '' ? undefined : `exit 1 with stderr: ${r.stderr}`;
  const b = badInputProblem(r, file);
  if ('problem' in b) return e.t === 'schema' ? `${renderPath(e.keys)}: ${b.problem}` : b.problem;
  const msg = b.message;
  switch (e.t) {
    case 'not-json': return /^not valid JSON \(/.test(msg) ? undefined : `expected 'not valid JSON', got: ${msg}`;
    case 'step': {
      if (!msg.startsWith(`step ${e.step}: `)) return `expected 'step ${e.step}: …', got: ${msg}`;
      if (e.path !== undefined && !msg.includes(` at ${e.path} (recorded `)) return `expected the path ${e.path}, got: ${msg}`;
      return undefined;
    }
    case 'message': return e.pattern.test(msg) ? undefined : `expected ${e.pattern}, got: ${msg}`;
    case 'schema': {
      if (e.deep) return /^nested more than \d+ levels deep \(at /.test(msg) ? undefined : `expected 'nested more than …', got: ${msg}`;
      const at = renderPath(e.keys);
      return msg.startsWith(`not a 'gupcheck check --json' report: at ${at}: `) ? undefined : `expected the report path ${at}, got exit ${r.code}: ${msg}`;
    }
    case 'two-or-one': return undefined;
  }
}

/** How fast-check prints a case: its kind, base and file (not the model behind it). */
const printable = (c: Case): Case => Object.assign(c, { [fc.toStringMethod]: () => `${c.kind} on ${c.base.label}: ${c.text.length > 600 ? `${c.text.slice(0, 600)}…` : c.text}` });

async function runCase(t: ExecutionContext, c: Case): Promise<boolean> {
  const file = files.write(`case-${seq++}.json`, c.text);
  const r = await runInProcess(argv(file));
  const why = judge(c, file, r);
  counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  if (why !== undefined) t.log(`${c.kind} (${c.base.label}): ${why}`);
  return why === undefined;
}

// --- the corruptions -------------------------------------------------------------------

const baseArb = fc.constantFrom(...BASES);
const traceOf = (b: Base): Json[] => asJson(b.trace) as Json[];

const truncated: fc.Arbitrary<Case> = fc.tuple(baseArb, fc.double({ min: 0, max: 1, noNaN: true })).map(([b, f]): Case => {
  const text = JSON.stringify(b.report);
  return { kind: 'the file cut short', base: b, text: text.slice(0, Math.floor(f * (text.length - 1))), expect: { t: 'not-json' } };
});

const tamperedState: fc.Arbitrary<Case> = fc.tuple(baseArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.oneof(fc.integer({ min: -1000, max: 1000 }).filter((d) => d !== 0), fc.constantFrom(1e308, 0.5, 2 ** 40)))
  .map(([b, a, c, how, delta]): Case => {
    const trace = traceOf(b);
    const i = a % trace.length;
    const state = (trace[i] as { state: Json }).state;
    const leaves = places(state).filter(([p, v]) => p.length > 0 && jsonType(v) !== 'object' && jsonType(v) !== 'array');
    const objects = places(state).filter(([, v]) => jsonType(v) === 'object');
    let keys: (string | number)[];
    let next: Json;
    if (how === 3 && objects.length > 0) {
      // a key the model never renders
      const [p] = objects[c % objects.length]!;
      keys = [...p, 'tampered'];
      next = setAt(state, keys, 1);
    } else if (how === 2 && leaves.some(([p]) => typeof p[p.length - 1] === 'string')) {
      // a key removed
      const keyed = leaves.filter(([p]) => typeof p[p.length - 1] === 'string');
      [keys] = keyed[c % keyed.length]!;
      next = setAt(state, keys, undefined);
    } else {
      const [p, v] = leaves[c % leaves.length]!;
      keys = p;
      const changed: Json = typeof v === 'number' ? v + delta : typeof v === 'boolean' ? !v : typeof v === 'string' ? `${v}~` : 1;
      next = setAt(state, keys, changed);
    }
    (trace[i] as { state: Json }).state = next;
    return { kind: 'a recorded state tampered with', base: b, text: JSON.stringify(withTrace(b, trace)), expect: { t: 'step', step: i, path: statePath(keys) } };
  });

const stepsBroken: fc.Arbitrary<Case> = fc.tuple(baseArb, fc.nat(), fc.nat(), fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 12 }))
  .map(([b, a, c, how, name]): Case => {
    const trace = traceOf(b);
    const n = trace.length - 1;
    const j = 1 + (a % n);
    const step = (k: number) => trace[k] as { action: Json; params: Json; state: Json; label: Json };
    let kind: string;
    let out: Json[];
    switch (how) {
      case 0:
        kind = 'a step dropped';
        out = n > 1 ? trace.filter((_, k) => k !== Math.min(j, n - 1)) : trace.slice(0, 1).concat([{ ...step(1), action: 'gone' }]);
        break;
      case 1: {
        kind = 'two steps swapped';
        const k = Math.min(j, n - 1);
        out = [...trace];
        if (n > 1) [out[k], out[k + 1]] = [out[k + 1]!, out[k]!];
        else out[1] = { ...step(1), action: `${String(step(1).action)}!` };
        break;
      }
      case 2:
        kind = 'a step renamed';
        out = [...trace];
        out[j] = { ...step(j), action: name === String(step(j).action) ? `${name}?` : name };
        break;
      case 3:
        kind = 'a step re-parameterised';
        out = [...trace];
        out[j] = { ...step(j), params: { ...(step(j).params as object), [['i', 'holder', 'page', 'process'][c % 4]!]: ['nobody', 99, -1, true][c % 4]! } };
        break;
      case 4: {
        kind = "another step's action";
        out = [...trace];
        const k = 1 + (c % n);
        out[j] = { ...step(j), action: step(k).action, params: step(k).params };
        break;
      }
      case 5:
        kind = 'step 0 not an initial state';
        out = [...trace];
        out[0] = { ...step(0), action: String(step(Math.min(1, n)).action) };
        break;
      default:
        kind = 'no steps at all';
        out = [];
    }
    return { kind: `steps that cannot run (${kind})`, base: b, text: JSON.stringify(withTrace(b, out)), expect: { t: 'oracle', trace: out } };
  });

const otherModels = MODELS.map((m) => m.name);
const wrongModel: fc.Arbitrary<Case> = fc.tuple(baseArb, fc.oneof(fc.constantFrom(...otherModels), fc.string({ minLength: 1, maxLength: 20 })))
  .filter(([b, m]) => m !== b.report.model)
  .map(([b, m]): Case => {
    const r = asJson(b.report) as { model: Json };
    r.model = m;
    const known = otherModels.includes(m);
    return {
      kind: known ? 'another model named' : 'an unknown model named', base: b, text: JSON.stringify(r),
      expect: known ? { t: 'two-or-one' } : { t: 'message', pattern: /unknown model '/ },
    };
  });

/** Fields of the report the codec types (extra fields a newer CLI writes are ignored by design). */
const TYPED = new Set(['schemaVersion', 'exitCode', 'model', 'params', 'mode', 'complete', 'stopReason', 'stats', 'coverage', 'warnings', 'properties', 'remaining']);
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, 'x', '', 0, -1, 1e308, [], {}, [1, [2]], { a: {} }),
  fc.integer({ min: 65, max: 400 }).map((d) => { let v: Json = 0; for (let i = 0; i < d; i++) v = [v]; return v; }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

const schemaFault: fc.Arbitrary<Case> = fc.tuple(baseArb, fc.nat(), junk).map(([b, pick, value]): Case => {
  const doc = asJson(b.report);
  // Any value but those inside recorded states (which are free JSON: tampering there is a state mismatch).
  const all = places(doc).filter(([p]) => p.length > 0 && TYPED.has(String(p[0])) && !p.includes('state'));
  const [keys, orig] = all[pick % all.length]!;
  let v = value;
  if (jsonType(v) === jsonType(orig)) v = jsonType(orig) === 'string' ? 7 : 'wrong';
  // A parameter value may be a number, a string or a boolean.
  if (keys[keys.length - 2] === 'params' && ['number', 'string', 'boolean'].includes(jsonType(v))) v = { not: 'a parameter' };
  const bad = setAt(doc, keys, v);
  return {
    kind: 'one report value of the wrong type', base: b, text: JSON.stringify(bad),
    expect: { t: 'schema', keys, deep: keys.length + nesting(v) >= MAX_JSON_DEPTH },
  };
});

const KINDS: readonly [string, fc.Arbitrary<Case>, number][] = [
  ['the file cut short', truncated, 0.12],
  ['a recorded state tampered with', tamperedState, 0.25],
  ['steps that cannot run', stepsBroken, 0.3],
  ['the model renamed', wrongModel, 0.1],
  ['one report value of the wrong type', schemaFault, 0.23],
];

test.serial('the base traces replay cleanly: each is its own property\'s counterexample (exit 1)', async (t) => {
  for (const b of BASES) {
    t.is(oracle(b, traceOf(b)), undefined, b.label);
    const file = files.write(`base-${seq++}.json`, JSON.stringify(b.report));
    const r = await runInProcess(argv(file));
    t.is(r.code, 1, `${b.label}: ${r.stderr}`);
  }
});

for (const [name, arb, fraction] of KINDS) {
  test.serial(`trace fuzz, ${name}: exit 2 with one line naming the step or path, never a crash or exit 0 (${share(fraction)} cases)`, async (t) => {
    await fc.assert(fc.asyncProperty(arb.map(printable), (c) => runCase(t, c)), { numRuns: share(fraction) });
    t.pass();
  });
}

test.serial('the trace fuzz counts', (t) => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  t.log(`trace fuzz: ${total} cases in process (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  t.true(total >= KINDS.reduce((a, [, , f]) => a + share(f), 0));
});

test.serial('a sample of each kind through the real binary agrees with main() in process', async (t) => {
  const cases = KINDS.flatMap(([, arb]) => fc.sample(arb, { numRuns: BINARY_SAMPLE, seed: 11 }));
  const jobs = cases.map((c) => async () => {
    const file = files.write(`bin-${seq++}.json`, c.text);
    return { c, file, bin: await runBinary(argv(file)), inproc: await runInProcess(argv(file)) };
  });
  for (const { c, file, bin, inproc } of await pool(jobs, 2)) {
    t.is(judge(c, file, bin), undefined, c.kind);
    t.is(bin.code, inproc.code, c.kind);
    t.is(bin.stderr, inproc.stderr, c.kind);
  }
  t.log(`${cases.length} cases through the binary`);
});

// The engine rejects these when told the claimed property (ReplayOptions.expect).
test.serial('trace fuzz, the end of the path cut or extended, or the property renamed: exit 2', async (t) => {
  const problems: string[] = [];
  for (const b of BASES) {
    const trace = traceOf(b);
    const cut = trace.slice(0, -1);
    const renamed = asJson(b.report) as { properties: { name: Json }[] };
    renamed.properties[b.prop]!.name = `${b.property}-not`;
    const cases: [string, Json][] = [
      ['the last step cut', withTrace(b, cut)],
      ['the violated property renamed', renamed as unknown as Json],
    ];
    for (const [what, doc] of cases) {
      const file = files.write(`end-${seq++}.json`, JSON.stringify(doc));
      const r = await runInProcess(argv(file));
      const b2 = badInputProblem(r, file);
      if ('problem' in b2) problems.push(`${b.label}, ${what}: ${b2.problem}`);
    }
    // The engine already rejects the cut trace.
    t.like(oracle(b, cut), { kind: 'end', step: cut.length - 1 });
  }
  t.deepEqual(problems, []);
});
