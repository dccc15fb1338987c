// Fuzzing scenario files (issue 7 §1): malformed and adversarial input to
// `gupcheck check <proposal> --scenario FILE` never crashes and never
// passes. Every case is a file on disk run through the CLI's main() in this
// process (scenario loading, io-ts decoding, cross-reference validation,
// model building: exactly what the binary runs); a sample of each kind also
// goes through the real binary, which must agree.
//
// Kinds of input: not JSON at all; JSON that is not an object; a valid
// scenario with one value of the wrong JSON type, a required field
// removed, or an unknown field added (the message must name that exact
// path); type-correct but wrong content (out-of-range and negative bounds,
// huge numbers, unknown pages/processes, duplicate and malformed ids, too
// many pages/holders, unknown enum values; the message names a path that
// exists in the file); and generated well-formed scenarios, which must
// decode or be refused with one line, and when they decode must build and
// search without an internal error.
//
// FUZZ_RUNS (default 3,000; `npm run fuzz` 100,000) is split two thirds
// here, one third in fuzz-trace.test.ts.

import test, { type ExecutionContext } from 'ava';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isRight } from 'fp-ts/lib/Either.js';
import { SCENARIO_DIR, scenarioNames } from '../models/kernel/build.js';
import { decodeScenario } from '../models/kernel/scenario.js';
import { MAX_JSON_DEPTH } from '../src/io/decode.js';
import { badInputProblem, caseDir, FUZZ_RUNS, messagePath, parsePath, pathNamesPlaceIn, pool, renderPath, runBinary, runInProcess, type InProcessRun } from './fuzz-cli.js';
import { nesting, places, setAt, type Json } from './helpers/json-edit.js';

const TOTAL = Math.max(60, Math.round((FUZZ_RUNS * 2) / 3));
const share = (fraction: number) => Math.max(10, Math.round(TOTAL * fraction));
const BINARY_SAMPLE = Number(process.env['FUZZ_BINARY_SAMPLE'] ?? 4); // per kind (7 kinds)

const files = caseDir('gupcheck-fuzz-scenario-');
let seq = 0;
const counts: Record<string, number> = {};
/** Exit codes of the decodable scenarios that were searched. */
const searched: Record<number, number> = {};

// --- the documents ----------------------------------------------------------------

const SHIPPED: readonly Json[] = scenarioNames().map((n) => JSON.parse(readFileSync(`${SCENARIO_DIR}${n}.json`, 'utf8')) as Json);
const SHIPPED_TEXT: readonly string[] = scenarioNames().map((n) => readFileSync(`${SCENARIO_DIR}${n}.json`, 'utf8').trim());

/** Well-formed scenarios: up to 3 pages, 2 processes and a fork child, 2 holders, any actors and bounds. */
const wellFormed: fc.Arbitrary<Json> = fc.record({
  pages: fc.array(fc.record({ anon: fc.boolean(), fs: fc.option(fc.constantFrom('ext4', 'tmpfs'), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
  maps: fc.array(fc.record({ shared: fc.boolean(), writable: fc.option(fc.boolean(), { nil: undefined }), present: fc.option(fc.boolean(), { nil: undefined }), store: fc.boolean(), munmap: fc.boolean() }), { minLength: 3, maxLength: 3 }),
  second: fc.boolean(),
  child: fc.option(fc.record({ store: fc.boolean(), munmap: fc.boolean() }), { nil: undefined }),
  holders: fc.array(fc.record({
    proc: fc.nat(2), page: fc.nat(2), pin: fc.boolean(), write: fc.boolean(), longterm: fc.boolean(), fast: fc.boolean(),
    release: fc.option(fc.constantFrom('put_page', 'set_page_dirty+put_page', 'set_page_dirty_lock+put_page', 'put_user_page', 'put_user_pages_dirty_lock', 'unpin_user_page', 'unpin_user_pages_dirty_lock'), { nil: undefined }),
    bio: fc.option(fc.constantFrom('zero-page', 'same-page'), { nil: undefined }),
  }), { maxLength: 2 }),
  actors: fc.record({ flusher: fc.boolean(), reclaim: fc.boolean(), truncate: fc.boolean() }, { requiredKeys: [] }),
  bounds: fc.option(fc.record({ bias: fc.integer({ min: 2, max: 16 }), refMax: fc.integer({ min: 4, max: 255 }), spares: fc.integer({ min: 0, max: 4 }) }, { requiredKeys: [] }), { nil: undefined }),
}).map((g): Json => {
  const pages = g.pages.map((p, i) => ({ id: `P${i}`, kind: p.anon ? 'anon' : 'file', ...(!p.anon && p.fs !== undefined ? { fs: p.fs } : {}) }));
  const mapping = (i: number) => {
    const p = pages[i]!;
    const m = g.maps[i]!;
    return {
      page: p.id,
      ...(p.kind === 'file' ? { shared: m.shared } : {}),
      ...(m.writable !== undefined ? { writable: m.writable } : {}),
      ...(p.kind === 'file' && m.present !== undefined ? { present: m.present } : {}),
      ...(m.writable !== false ? { store: m.store } : {}),
      munmap: m.munmap,
    };
  };
  const p0 = { id: 'p0', mappings: pages.map((_, i) => mapping(i)) };
  const processes: Json[] = [p0];
  if (g.second) processes.push({ id: 'p1', mappings: pages.flatMap((p, i) => (p.kind === 'file' ? [mapping(i)] : [])) });
  if (g.child !== undefined) {
    processes.push({ id: 'c', childOf: 'p0', mappings: [{ page: pages[0]!.id, ...(g.maps[0]!.writable !== false ? { store: g.child.store } : {}), munmap: g.child.munmap }] });
  }
  const holders = g.holders.map((h, i) => {
    const proc = processes[h.proc % processes.length] as { id: string; childOf?: string; mappings: { page: string }[] };
    const space = proc.childOf !== undefined ? p0 : proc;
    const page = space.mappings[h.page % space.mappings.length]?.page ?? 'P0';
    const bio = h.bio !== undefined && !h.write ? { bio: h.bio } : {};
    const dirtying = h.release !== undefined && !['put_page', 'put_user_page', 'unpin_user_page'].includes(h.release);
    const release = h.release !== undefined && bio.bio === undefined && (h.write || !dirtying) ? { release: h.release } : {};
    return {
      id: `h${i}`, process: proc.id, page, kind: h.pin ? 'PIN' : 'GET', write: h.write,
      ...(h.pin ? { longterm: h.longterm } : {}), fast: h.fast, ...release, ...bio,
    };
  });
  return {
    name: 'fuzz', description: 'a generated scenario', pages, processes, holders, actors: g.actors,
    ...(g.bounds !== undefined ? { bounds: g.bounds } : {}),
  } as Json;
});

/** A valid scenario: a shipped one or a generated one that decodes. */
const validBase: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...SHIPPED),
  wellFormed.filter((j) => isRight(decodeScenario(j))),
);

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Does a value placed `at` this path make the document nest deeper than the decoder accepts? */
const tooDeepAt = (path: readonly unknown[], v: unknown): boolean => path.length + nesting(v) >= MAX_JSON_DEPTH;


/** Nested arrays (or objects) `depth` levels deep, built without recursion. */
const nested = (depth: number, objects: boolean): Json => {
  let v: Json = 1;
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
};

/** Any JSON value, adversarial ones weighted in: huge and odd numbers, odd strings, deep nesting. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(1e308, -1e308, 2 ** 53 + 2, -1, 0, -0, 0.5, 1e-300, Number.MAX_SAFE_INTEGER, 4294967296, '', ' ', '\n', 'null', '{}', '\u2028', '\u0000', '🦀', 'x'.repeat(10_000), true, false, null, [], {}),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 65, max: 3000 }).chain((d) => fc.boolean().map((o) => nested(d, o))),
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>,
);

// --- the harness -------------------------------------------------------------------

interface Case { readonly kind: string; readonly text: string; readonly doc?: Json; readonly expect: Expect }
type Expect =
  | { readonly t: 'not-json' }
  | { readonly t: 'path'; readonly keys: readonly (string | number)[] }
  | { readonly t: 'deep'; readonly keys: readonly (string | number)[] }
  | { readonly t: 'somewhere' }
  | { readonly t: 'any' };

const argv = (file: string) => ['check', 'modern', '--scenario', file, '--max-states', '300', '--json'];

/** Undefined when the run is what the case expects, else why not. */
function judge(c: Case, file: string, r: InProcessRun): string | undefined {
  if (r.threw !== undefined) return `an exception escaped: ${r.threw instanceof Error ? r.threw.stack : String(r.threw)}`;
  if (c.expect.t === 'any' && r.code !== 2) {
    return [0, 1, 3].includes(r.code) && r.stderr === '' ? undefined : `a decodable scenario gave exit ${r.code}: ${r.stderr.slice(0, 300)}`;
  }
  const b = badInputProblem(r, file);
  if ('problem' in b) return b.problem;
  const msg = b.message;
  switch (c.expect.t) {
    case 'not-json':
      return /^not valid JSON \(/.test(msg) ? undefined : `expected 'not valid JSON', got: ${msg}`;
    case 'deep': {
      if (!/^nested more than \d+ levels deep \(at /.test(msg)) return `expected 'nested more than … levels deep', got: ${msg}`;
      const at = renderPath(c.expect.keys);
      return at === '(top level)' || msg.includes(`(at ${at}`) || msg.includes(`(at ${at.slice(0, 40)}`) ? undefined : `expected the deep value's path ${at}, got: ${msg}`;
    }
    case 'path': {
      const want = renderPath(c.expect.keys);
      if (msg.startsWith(`at ${want}: `)) return undefined;
      // A long key is cut in the message: then the message's path must at least lead to it.
      const got = messagePath(msg);
      if (got !== undefined && got.includes('...') && want.startsWith(got.slice(0, got.indexOf('...') - 5))) return undefined;
      return `expected the message to name ${want}, got: ${msg}`;
    }
    case 'somewhere':
    case 'any': {
      const path = messagePath(msg);
      if (path === undefined) return `expected 'at PATH: …', got: ${msg}`;
      if (path.includes('...')) return undefined;
      const keys = parsePath(path);
      if (keys === undefined || !pathNamesPlaceIn(c.doc, keys)) return `the message's path ${path} is not a place in the file: ${msg}`;
      return undefined;
    }
  }
}

async function runCase(t: ExecutionContext, c: Case): Promise<boolean> {
  const file = files.write(`case-${seq++}.json`, c.text);
  const r = await runInProcess(argv(file));
  const why = judge(c, file, r);
  counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  if (c.expect.t === 'any' && r.code !== 2) searched[r.code] = (searched[r.code] ?? 0) + 1;
  if (why !== undefined) t.log(`${c.kind}: ${why}\n  file: ${c.text.slice(0, 400)}`);
  return why === undefined;
}

/** How fast-check prints a case: its kind and file. */
const printable = (c: Case): Case => Object.assign(c, { [fc.toStringMethod]: () => `${c.kind}: ${c.text.length > 600 ? `${c.text.slice(0, 600)}…` : c.text}` });

const property = (t: ExecutionContext, arb: fc.Arbitrary<Case>, numRuns: number) =>
  fc.assert(fc.asyncProperty(arb.map(printable), (c) => runCase(t, c)), { numRuns });

// --- the kinds of input ------------------------------------------------------------

const notJson: fc.Arbitrary<Case> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.tuple(fc.constantFrom(...SHIPPED_TEXT), fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => s.slice(0, Math.floor(f * (s.length - 1)))),
  fc.constantFrom('', '{', '}', '[1,]', '{"name":}', "{'name': 'x'}", 'NaN', 'undefined', '{"a":1}}', '\u0000', '\ufeff{}', '{"pages": [1, 2'),
).filter((s) => { try { JSON.parse(s); return false; } catch { return true; } })
  .map((text): Case => ({ kind: 'not JSON', text, expect: { t: 'not-json' } }));

const notObject: fc.Arbitrary<Case> = fc.oneof(junk, fc.array(junk, { maxLength: 3 }))
  .filter((v) => jsonType(v) !== 'object')
  .map((v): Case => {
    return { kind: 'JSON, not an object', text: JSON.stringify(v), doc: v, expect: tooDeepAt([], v) ? { t: 'deep', keys: [] } : { t: 'path', keys: [] } };
  });

/** Which required fields an object at this path has (by its place in a scenario). */
function requiredAt(path: readonly (string | number)[]): readonly string[] {
  const p = path.map((k) => (typeof k === 'number' ? '#' : k)).join('/');
  switch (p) {
    case '': return ['name', 'description', 'pages', 'processes', 'holders'];
    case 'pages/#': return ['id', 'kind'];
    case 'processes/#': return ['id', 'mappings'];
    case 'processes/#/mappings/#': return ['page'];
    case 'holders/#': return ['id', 'process', 'page', 'kind', 'write'];
    default: return [];
  }
}
const KNOWN_KEYS = new Set(['name', 'description', 'pages', 'processes', 'holders', 'actors', 'bounds', 'id', 'kind', 'fs', 'page', 'shared', 'writable', 'present', 'store', 'munmap', 'mappings', 'childOf', 'process', 'write', 'longterm', 'fast', 'release', 'bio', 'flusher', 'reclaim', 'truncate', 'bias', 'refMax', 'spares']);

const wrongType: fc.Arbitrary<Case> = fc.tuple(validBase, fc.nat(), junk).map(([doc, pick, value]): Case => {
  const all = places(doc).filter(([path]) => path.length > 0);
  const [path, orig] = all[pick % all.length]!;
  let v = value;
  if (jsonType(v) === jsonType(orig)) v = jsonType(orig) === 'string' ? 7 : 'wrong';
  const bad = setAt(doc, path, v);
  const text = JSON.stringify(bad);
  return { kind: 'one value of the wrong type', text, doc: bad, expect: tooDeepAt(path, v) ? { t: 'deep', keys: path } : { t: 'path', keys: path } };
});

const missingField: fc.Arbitrary<Case> = fc.tuple(validBase, fc.nat(), fc.nat()).map(([doc, a, b]): Case | undefined => {
  const objects = places(doc).filter(([path, v]) => jsonType(v) === 'object' && requiredAt(path).length > 0);
  const [path] = objects[a % objects.length]!;
  const req = requiredAt(path);
  const key = req[b % req.length]!;
  const bad = setAt(doc, [...path, key], undefined);
  return { kind: 'a required field missing', text: JSON.stringify(bad), doc: bad, expect: { t: 'path', keys: [...path, key] } };
}).filter((c): c is Case => c !== undefined);

const unknownField: fc.Arbitrary<Case> = fc.tuple(validBase, fc.nat(), fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'kswapd', 'Name', 'pages ', 'actor', 'refmax', 'a\nb', '')), junk)
  .filter(([, , key]) => !KNOWN_KEYS.has(key))
  .map(([doc, pick, key, value]): Case => {
    const objects = places(doc).filter(([, v]) => jsonType(v) === 'object');
    const [path] = objects[pick % objects.length]!;
    const bad = setAt(doc, [...path, key], value);
    const keys = [...path, key];
    return { kind: 'an unknown field', text: JSON.stringify(bad), doc: bad, expect: tooDeepAt(keys, value) ? { t: 'deep', keys } : { t: 'path', keys } };
  });

/** Type-correct content that is wrong: each names the place it breaks. */
const wrongContent: fc.Arbitrary<Case> = fc.tuple(validBase, fc.nat(), fc.nat(), fc.integer({ min: 7, max: 1000 }), fc.oneof(fc.integer({ min: -1e6, max: 1 }), fc.integer({ min: 256, max: 1e6 }), fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, 0.5, -0.5, 2.000001)))
  .map(([doc0, which, pick, many, num]): Case => {
    const doc = structuredClone(doc0) as { [k: string]: Json } & { pages: { id: string; kind: string }[]; processes: { id: string; childOf?: string; mappings: { page: string }[] }[]; holders: { id: string; kind: string; process: string; page: string }[] };
    const i = pick % doc.pages.length;
    const q = pick % doc.processes.length;
    const faults: (() => [(string | number)[] | undefined, Json])[] = [
      () => [['bounds', 'bias'], setAt(doc, ['bounds'], { bias: num })],
      () => [['bounds', 'refMax'], setAt(doc, ['bounds'], { refMax: num })],
      () => [['bounds', 'spares'], setAt(doc, ['bounds'], { spares: num < 0 ? num : num + 5 })],
      () => [['pages'], setAt(doc, ['pages'], Array.from({ length: many }, (_, k) => ({ id: `X${k}`, kind: 'file' })))],
      () => [['pages'], setAt(doc, ['pages'], [])],
      () => [['processes'], setAt(doc, ['processes'], [])],
      () => [['holders'], setAt(doc, ['holders'], Array.from({ length: Math.min(many, 50) }, (_, k) => ({ id: `h${k}`, process: doc.processes[0]!.id, page: doc.processes[0]!.mappings[0]?.page ?? 'P', kind: 'GET', write: false })))],
      () => [['pages', i, 'id'], setAt(doc, ['pages', i, 'id'], ['', '1P', 'a b', 'x'.repeat(25), 'P\n', 'Ω', '-P'][pick % 7]!)],
      () => [['pages', i, 'kind'], setAt(doc, ['pages', i, 'kind'], ['FILE', 'shmem', 'zero', ''][pick % 4]!)],
      () => [['processes', q, 'id'], setAt(doc, ['processes', q, 'id'], ['', '0', 'p q', 'ß'][pick % 4]!)],
      () => (doc.processes[q]!.mappings.length > 0 ? [['processes', q, 'mappings', 0, 'page'], setAt(doc, ['processes', q, 'mappings', 0, 'page'], 'Nowhere')] : [undefined, doc]),
      () => (doc.holders.length > 0 ? [['holders', 0, 'process'], setAt(doc, ['holders', 0, 'process'], 'ghost')] : [undefined, doc]),
      () => (doc.holders.length > 0 ? [['holders', 0, 'kind'], setAt(doc, ['holders', 0, 'kind'], ['get', 'BORROW', 'FOLL_PIN'][pick % 3]!)] : [undefined, doc]),
      () => (doc.holders.length > 0 ? [['holders', 0, 'release'], setAt(doc, ['holders', 0, 'release'], 'free_page')] : [undefined, doc]),
      () => (doc.pages.length > 1 ? [['pages', 1, 'id'], setAt(doc, ['pages', 1, 'id'], doc.pages[0]!.id)] : [undefined, doc]),
      () => [['processes', q, 'childOf'], setAt(doc, ['processes', q, 'childOf'], 'nobody')],
    ];
    const [keys, bad] = faults[which % faults.length]!();
    // A fault that does not apply leaves the scenario valid. A childOf can trip the
    // one-fork-child check first: there only "names a place in the file" is asserted.
    const expect: Expect = keys === undefined ? { t: 'any' } : keys[keys.length - 1] === 'childOf' ? { t: 'somewhere' } : { t: 'path', keys };
    return { kind: 'wrong content (bounds, ids, references, sizes)', text: JSON.stringify(bad), doc: bad, expect };
  });

/** Generated well-formed scenarios: decode and search without an internal error, or one line naming the place. */
const generated: fc.Arbitrary<Case> = wellFormed.map((doc): Case => ({
  kind: 'generated well-formed scenario', text: JSON.stringify(doc), doc,
  expect: isRight(decodeScenario(doc)) ? { t: 'any' } : { t: 'somewhere' },
}));

const KINDS: readonly [string, fc.Arbitrary<Case>, number][] = [
  ['not JSON', notJson, 0.12],
  ['JSON, not an object', notObject, 0.06],
  ['one value of the wrong type', wrongType, 0.25],
  ['a required field missing', missingField, 0.1],
  ['an unknown field', unknownField, 0.12],
  ['wrong content', wrongContent, 0.2],
  ['generated well-formed', generated, 0.15],
];

for (const [name, arb, fraction] of KINDS) {
  test.serial(`scenario fuzz, ${name}: exit 2 with one line naming what is wrong, never a crash or a pass (${share(fraction)} cases)`, async (t) => {
    await property(t, arb, share(fraction));
    t.pass();
  });
}

test.serial('the fuzz counts', (t) => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  t.log(`scenario fuzz: ${total} cases in process (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`);
  t.log(`decodable scenarios searched (--max-states 300), by exit code: ${JSON.stringify(searched)}`);
  t.true(total >= share(0.12) + share(0.06) + share(0.25) + share(0.1) + share(0.12) + share(0.2) + share(0.15));
});

test.serial('a sample of each kind through the real binary agrees with main() in process', async (t) => {
  const cases = KINDS.flatMap(([, arb]) => fc.sample(arb, { numRuns: BINARY_SAMPLE, seed: 7 }));
  const jobs = cases.map((c) => async () => {
    const file = files.write(`bin-${seq++}.json`, c.text);
    const [bin, inproc] = [await runBinary(argv(file)), await runInProcess(argv(file))];
    return { c, file, bin, inproc };
  });
  for (const { c, file, bin, inproc } of await pool(jobs, 2)) {
    const why = judge(c, file, bin);
    t.is(why, undefined, `${c.kind}: ${why}`);
    t.is(bin.code, inproc.code, `${c.kind}: binary exit ${bin.code}, in process ${inproc.code}`);
    t.is(bin.stderr, inproc.stderr);
  }
  t.log(`${cases.length} cases through the binary`);
});
