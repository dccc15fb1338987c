// Symmetry of interchangeable pages (models/kernel/symmetry.ts), checked by
// brute force on small scenarios: exploring with canonicalize() must reach
// exactly the canonical images of the full state space, canonicalize must
// be a projection (idempotent) that gives every state of an orbit the same
// image (each state renamed by the declared permutation, in its JSON form,
// independently of the canonicaliser's own code), every property must get
// the same verdict, and the declaration is refused where the pages are not
// alike.
import test, { type ExecutionContext } from 'ava';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Model } from '../src/engine/model.js';
import { check, type CheckResult } from '../src/engine/checker.js';
import { buildKernelModel, kernelOf } from '../models/kernel/build.js';
import { holderOutcomeProperties } from '../models/selftests/run.js';
import { decodeScenario } from '../models/kernel/scenario.js';
import { PROPOSALS } from '../models/index.js';
import { scenario } from './helpers/kernel.js';
import { fsyncPages } from '../models/kernel/kernel.js';
import type { JsonValue } from '../src/engine/schema.js';

const key = (s: Uint32Array) => s.join(',');

/** Plain BFS with a Set, optionally canonicalising every state it stores. */
function explore(m: Model, canon: boolean): Map<string, Uint32Array> {
  const seen = new Map<string, Uint32Array>();
  const queue: Uint32Array[] = [];
  const add = (s: Uint32Array) => {
    if (canon) m.canonicalize!(s);
    const k = key(s);
    if (!seen.has(k)) { seen.set(k, s); queue.push(s); }
  };
  for (const s of m.init) add(s.slice());
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    for (const a of m.actions) {
      if (!a.enabled(s)) continue;
      const n = s.slice();
      a.apply(n);
      add(n);
    }
  }
  return seen;
}

/** Per always-property: violated somewhere in these states? */
function verdicts(m: Model, states: Iterable<Uint32Array>): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const p of m.properties) {
    if (p.kind !== 'always' && p.kind !== 'sometimes') continue;
    let hit = false;
    for (const s of states) if (p.kind === 'always' ? !p.holds(s) : p.witness(s)) { hit = true; break; }
    out[p.name] = hit;
  }
  return out;
}

const twoPages = (extra: Record<string, unknown> = {}) => scenario({
  name: 'sym-2', description: 'two interchangeable ext4 pages, each GUP-written by its own driver, with the flusher, kswapd and truncate',
  pages: [{ id: 'P0', kind: 'file', fs: 'ext4' }, { id: 'P1', kind: 'file', fs: 'ext4' }],
  processes: [{ id: 'app', mappings: [
    { page: 'P0', shared: true, writable: true, present: false },
    { page: 'P1', shared: true, writable: true, present: false },
  ] }],
  holders: [
    { id: 'd0', process: 'app', page: 'P0', kind: 'PIN', write: true },
    { id: 'd1', process: 'app', page: 'P1', kind: 'PIN', write: true },
  ],
  actors: { flusher: true, reclaim: true, truncate: true },
  symmetry: [['P0', 'P1']],
  ...extra,
});

for (const name of ['baseline', 'lock-page-over-gup', 'modern'] as const) {
  test(`${name}: the reduced state space is exactly the canonical images of the full one, with the same verdicts`, (t) => {
    bruteForce(t, buildKernelModel(twoPages(), PROPOSALS.find((p) => p.name === name)!), name, 0.6);
  });
}

/** Two interchangeable pages, a fork child that stores to both and unmaps them, and an anonymous page the parent writes around fork. */
const withFork = () => scenario({
  name: 'sym-fork', description: 'two interchangeable ext4 pages GUP-written by their drivers and truncated, a fork child storing to both and unmapping them; an anonymous page the parent writes',
  pages: [{ id: 'P0', kind: 'file', fs: 'ext4' }, { id: 'P1', kind: 'file', fs: 'ext4' }, { id: 'A', kind: 'anon' }],
  processes: [
    { id: 'app', mappings: [
      { page: 'P0', shared: true, writable: true, present: false },
      { page: 'P1', shared: true, writable: true, present: false },
      { page: 'A', store: true },
    ] },
    { id: 'kid', childOf: 'app', mappings: [{ page: 'P0', store: true, munmap: true }, { page: 'P1', store: true, munmap: true }] },
  ],
  holders: [
    { id: 'd0', process: 'app', page: 'P0', kind: 'GET', write: true },
    { id: 'd1', process: 'app', page: 'P1', kind: 'GET', write: true },
  ],
  actors: { truncate: true },
  symmetry: [['P0', 'P1']],
});

for (const name of ['baseline', 'modern'] as const) {
  test(`${name} with a fork child: the reduced state space is exactly the canonical images of the full one, with the same verdicts`, (t) => {
    bruteForce(t, buildKernelModel(withFork(), PROPOSALS.find((p) => p.name === name)!), `${name} with fork`, 0.7);
  });
}

/**
 * State s with the two members of a two-page group swapped, done on its JSON
 * form (the canonicaliser's tables play no part): page names and their
 * holders' names swapped wherever they are keys or values, and the two
 * integer positions that name a page (truncate's file slot, fsync's page)
 * re-pointed.
 */
function swapped(m: Model, sc: { symmetry?: string[][]; holders: { id: string; page: string }[] }, slots: { truncate: readonly string[]; fsync: readonly string[] }, s: Uint32Array): Uint32Array {
  const [a, b] = sc.symmetry![0]!;
  const names = new Map<string, string>([[a!, b!], [b!, a!]]);
  const ha = sc.holders.filter((h) => h.page === a).map((h) => h.id);
  const hb = sc.holders.filter((h) => h.page === b).map((h) => h.id);
  ha.forEach((h, i) => { names.set(h, hb[i]!); names.set(hb[i]!, h); });
  const rename = (v: JsonValue): JsonValue => {
    if (typeof v === 'string') return names.get(v) ?? v;
    if (Array.isArray(v)) return v.map(rename);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [names.get(k) ?? k, rename(x)]));
    return v;
  };
  const j = rename(m.layout.toJSON(s)) as Record<string, Record<string, JsonValue>>;
  const repoint = (idx: JsonValue, order: readonly string[]) => {
    const page = order[idx as number];
    return page === undefined ? idx : order.indexOf(names.get(page) ?? page);
  };
  if (j['truncate'] !== undefined) j['truncate']['idx'] = repoint(j['truncate']['idx']!, slots.truncate);
  if (j['fsync'] !== undefined) j['fsync']['idx'] = repoint(j['fsync']['idx']!, slots.fsync);
  return Uint32Array.from(m.layout.fromJSON(j));
}

/**
 * A state's JSON without the pointers that mean nothing in their actor's pc
 * (the canonicaliser neither orders by them nor re-points them): the
 * flusher's and kswapd's page while idle, truncate's and fsync's position
 * unless they hold a page locked, a PTE's pfn while it is not present.
 */
function livePointers(m: Model, s: Uint32Array): JsonValue {
  const j = m.layout.toJSON(s) as Record<string, Record<string, JsonValue>>;
  const holding = (x: JsonValue) => x === 'locked' || x === 'cleaned';
  if (j['flusher']?.['pc'] === 'idle') delete j['flusher']['page'];
  if (j['kswapd']?.['pc'] === 'idle') delete j['kswapd']['page'];
  if (j['truncate'] !== undefined && !holding(j['truncate']['pc']!)) delete j['truncate']['idx'];
  if (j['fsync'] !== undefined && !holding(j['fsync']['pc']!)) delete j['fsync']['idx'];
  // and a PTE's pfn while it is not present
  for (const proc of Object.values(j['proc'] ?? {}) as Record<string, Record<string, Record<string, JsonValue>>>[]) {
    for (const pte of Object.values(proc['vma'] ?? {})) if (pte['present'] === false) delete pte['pfn'];
  }
  return j;
}

/** Every reachable state and the same state with the two members swapped have one canonical image (live pointers compared). */
function orbitInvariant(t: ExecutionContext, m: Model, sc: Parameters<typeof swapped>[1], proposal: (typeof PROPOSALS)[number], label: string): void {
  const k = kernelOf(sc as never, proposal);
  const slots = { truncate: k.sh.fileSlots.map((p) => k.sh.pages[p]!.id), fsync: fsyncPages(k.sh).map((p) => k.sh.pages[p]!.id) };
  let moved = 0;
  let i = 0;
  for (const s of explore(m, false).values()) {
    if (i++ % 4 !== 0) continue; // every fourth state: JSON both ways is slow
    const other = swapped(m, sc, slots, s);
    if (key(other) !== key(s)) moved++;
    const c1 = s.slice();
    m.canonicalize!(c1);
    const c2 = other.slice();
    m.canonicalize!(c2);
    if (JSON.stringify(livePointers(m, c1)) !== JSON.stringify(livePointers(m, c2))) {
      t.fail(`${label}: ${JSON.stringify(m.layout.toJSON(s))} and its swap have different canonical forms`);
      return;
    }
  }
  // the swap moved something: the check compared distinct states
  t.true(moved > 0, label);
}

for (const [label, make, name] of [['two pages', () => twoPages(), 'baseline'], ['two pages, page locks held by holders', () => twoPages(), 'lock-page-over-gup'], ['two pages and fsync', () => withFsync(), 'modern'], ['two pages and a fork child', () => withFork(), 'baseline']] as const) {
  test(`${label} (${name}): a state and the same state with its pages swapped have one canonical form`, (t) => {
    const proposal = PROPOSALS.find((p) => p.name === name)!;
    const sc = make();
    orbitInvariant(t, buildKernelModel(sc, proposal), sc as never, proposal, label);
  });
}

/** Explore with and without canonicalize: the reduced space must be the canonical images of the full one (canonicalize idempotent), smaller by `atMost`, with the same verdicts. */
function bruteForce(t: ExecutionContext, m: Model, label: string, atMost: number): void {
  t.truthy(m.canonicalize);
  const full = explore(m, false);
  const reduced = explore(m, true);
  const images = new Set<string>();
  for (const s of full.values()) {
    const c = s.slice();
    m.canonicalize!(c);
    images.add(key(c));
    const again = c.slice();
    m.canonicalize!(again);
    if (key(again) !== key(c)) t.fail(`canonicalize is not idempotent on ${key(s)}`);
  }
  t.deepEqual([...reduced.keys()].sort(), [...images].sort());
  t.true(reduced.size < full.size * atMost, `${full.size} states, ${reduced.size} reduced`);
  t.deepEqual(verdicts(m, reduced.values()), verdicts(m, full.values()));
  t.log(`${label}: ${full.size} states, ${reduced.size} with symmetry (${(full.size / reduced.size).toFixed(2)}×)`);
}

test('a symmetry group of pages that are not alike is refused with the path', (t) => {
  const bad = (patch: (sc: Record<string, any>) => void) => {
    const sc = JSON.parse(JSON.stringify(twoPages())) as Record<string, any>;
    patch(sc);
    const r = decodeScenario(sc);
    return isLeft(r) ? r.left : 'accepted';
  };
  t.regex(bad((sc) => { sc.holders[1].write = false; }), /^at symmetry\[0\]: 'P1' is not set up like 'P0'/);
  t.regex(bad((sc) => { sc.pages[1].fs = 'tmpfs'; }), /'P1' is not set up like 'P0'/);
  t.regex(bad((sc) => { sc.processes[0].mappings[1].shared = false; }), /must be mapped MAP_SHARED/);
  t.regex(bad((sc) => { sc.symmetry = [['P0', 'Q']]; }), /unknown page 'Q'/);
  t.regex(bad((sc) => { sc.symmetry = [['P0']]; }), /at least two pages/);
  t.is(bad(() => undefined), 'accepted');
});

test('without a symmetry declaration the model has no canonicalize and truncate keeps index order', (t) => {
  const sc = twoPages();
  const plain = buildKernelModel({ ...sc, symmetry: undefined } as never, PROPOSALS[0]!);
  t.is(plain.canonicalize, undefined);
  t.false(plain.actions.some((a) => a.name === 'truncate: lock_page' && a.params['page'] !== undefined));
  const sym = buildKernelModel(sc, PROPOSALS[0]!);
  t.deepEqual(sym.actions.filter((a) => a.name === 'truncate: lock_page').map((a) => a.params['page']), ['P0', 'P1']);
});

/** Two interchangeable pages written by their drivers, with the flusher and an fsync: fsync takes them in any order. */
const withFsync = () => twoPages({ actors: { flusher: true, fsync: true } });

for (const name of ['baseline', 'modern', 'wb-bounce-pinned'] as const) {
  test(`${name} with fsync: the reduced space is the canonical images of the full one, and every verdict is the index-order model's`, (t) => {
    const proposal = PROPOSALS.find((p) => p.name === name)!;
    const sym = buildKernelModel(withFsync(), proposal);
    bruteForce(t, sym, `${name} with fsync`, 0.75);
    // any order with symmetry against index order without it: the same verdicts, liveness included
    const plain = buildKernelModel({ ...withFsync(), symmetry: undefined } as never, proposal);
    const statuses = (r: CheckResult) => Object.fromEntries(r.properties.map((p) => [p.name, `${p.status}${p.trace !== undefined && p.loop === undefined ? `/${p.trace.length}` : ''}`]));
    t.deepEqual(statuses(check(sym, { exact: true })), statuses(check(plain, { exact: true })));
  });
}

/** One ext4 page that two alike holders GUP-write, with the flusher and kswapd: the holders are interchangeable. */
const twoHolders = (actors: Record<string, boolean> = { flusher: true, reclaim: true }) => scenario({
  name: 'sym-holders', description: 'one ext4 page written by two alike GUP holders, with the flusher and kswapd (or what actors says)',
  pages: [{ id: 'P', kind: 'file', fs: 'ext4' }],
  processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, writable: true, present: false }] }],
  holders: [
    { id: 'h0', process: 'app', page: 'P', kind: 'PIN', write: true },
    { id: 'h1', process: 'app', page: 'P', kind: 'PIN', write: true },
  ],
  actors,
  symmetry: [['h0', 'h1']],
});

for (const name of ['baseline', 'modern', 'lock-page-over-gup', 'dma-pinned-flags'] as const) {
  test(`${name} with two alike holders: the reduced space is the canonical images of the full one, and every verdict is the undeclared model's`, (t) => {
    const proposal = PROPOSALS.find((p) => p.name === name)!;
    const statuses = (r: CheckResult) => Object.fromEntries(r.properties.map((p) => [p.name, `${p.status}${p.trace !== undefined && p.loop === undefined ? `/${p.trace.length}` : ''}`]));
    const sym = buildKernelModel(twoHolders(), proposal);
    bruteForce(t, sym, `${name} with two holders`, 0.8);
    const plain = buildKernelModel({ ...twoHolders(), symmetry: undefined } as never, proposal);
    // and with fsync, whose DMA ghost is per holder
    const withFsync = twoHolders({ flusher: true, fsync: true });
    const symF = buildKernelModel(withFsync, proposal);
    bruteForce(t, symF, `${name} with two holders and fsync`, 0.8);
    t.deepEqual(statuses(check(symF, { exact: true })), statuses(check(buildKernelModel({ ...withFsync, symmetry: undefined } as never, proposal), { exact: true })));
    t.deepEqual(statuses(check(sym, { exact: true })), statuses(check(plain, { exact: true })));
  });
}

test('a holder group is refused where the holders are not alike, mixed with pages, or already moved by a page group', (t) => {
  const bad = (edit: (sc: Record<string, any>) => void) => {
    const sc = structuredClone(twoHolders()) as Record<string, any>;
    edit(sc);
    const r = decodeScenario(sc);
    return isLeft(r) ? r.left : 'accepted';
  };
  t.regex(bad((sc) => { sc.holders[1].write = false; }), /^at symmetry\[0\]: holder 'h1' is not set up like 'h0'/);
  t.regex(bad((sc) => { sc.symmetry = [['h0', 'P']]; }), /names pages or holders, not both|not set up like/);
  t.regex(bad((sc) => {
    sc.pages.push({ id: 'Q', kind: 'file', fs: 'ext4' });
    sc.processes[0].mappings.push({ page: 'Q', shared: true, writable: true, present: false });
    sc.holders.push({ id: 'h2', process: 'app', page: 'Q', kind: 'PIN', write: true }, { id: 'h3', process: 'app', page: 'Q', kind: 'PIN', write: true });
    sc.symmetry = [['P', 'Q'], ['h0', 'h1']];
  }), /holder 'h0' holds 'P', whose page group already moves its holders/);
});

test('a holder with outcome properties of its own (a selftest row) cannot be in a holder group', (t) => {
  const k = kernelOf(twoHolders(), PROPOSALS.find((p) => p.name === 'modern')!);
  t.throws(() => holderOutcomeProperties(k, 'h0', 'pinned'), { message: /holder 'h0' has outcome properties of its own, so it cannot be in a symmetry group of holders/ });
});
