// The visited set (visited.ts) against a plain Map of the same fingerprints:
// both layouts (64-bit fingerprints below COMPACT_FROM home slots, the
// quotient layout's 75 bits from there on, with the fingerprints stored before
// the switch matching any third lane), the crossing between them, growth in
// place and into fresh tables, the edges of the first lane (home 0, the last
// home), distances that pass what a slot holds, and the searches themselves
// (fingerprint mode against --exact across the switch, one thread and two
// workers).
import test, { type ExecutionContext } from 'ava';
import { COMPACT_FROM, FingerprintSet, INITIAL_SLOTS, LOAD_MAX, MAX_DISTANCE, grownSlots, lanesFor } from '../src/engine/visited.js';
import { growFingerprintSet } from '../src/engine/search.js';
import { Checker, check } from '../src/engine/checker.js';
import { peterson } from '../models/classic/peterson.js';
import { rng } from './helpers/rng.js';

const key = (h: number, l: number, m: number): string => `${h >>> 0}:${l >>> 0}:${m}`;

/** What the set should hold: per (h, l), the third lanes stored, or 'any' for one stored without it. */
class Reference {
  readonly byHL = new Map<string, Set<number> | 'any'>();
  size = 0;
  has(h: number, l: number, m: number): boolean {
    const e = this.byHL.get(`${h >>> 0}:${l >>> 0}`);
    return e === 'any' || (e !== undefined && e.has(m));
  }
  add(h: number, l: number, m: number, compact: boolean): void {
    const k = `${h >>> 0}:${l >>> 0}`;
    this.size++;
    if (!compact) this.byHL.set(k, 'any');
    else {
      const e = this.byHL.get(k);
      if (e === undefined) this.byHL.set(k, new Set([m]));
      else if (e !== 'any') e.add(m);
    }
  }
}

/** Grow as the search does (every growth allowed; `reserve` bytes reserved for in-place growth). */
function budget(reserve: number) {
  return { memoryAllows: () => true, allocate: <T>(make: () => T) => make(), reserveBytes: reserve };
}

/** Add as the search does: grow before passing growAt, and whenever an insert has no room. */
function addGrowing(s: FingerprintSet, h: number, l: number, m: number, reserve: number): number {
  for (;;) {
    if (s.count + 1 > s.growAt && !growFingerprintSet(s, budget(reserve))) throw new Error('growth refused');
    const r = s.add(h, l, m);
    if (r >= 0) return r;
    if (!growFingerprintSet(s, budget(reserve))) throw new Error('growth refused');
  }
}

/** The table's order (increasing unsigned h, l, m), each compact slot's distance, and its count. */
function wellFormed(t: ExecutionContext, s: FingerprintSet, label: string): void {
  const f = new Int32Array(3);
  let prev: [number, number, number] | undefined;
  let n = 0;
  let bad = 0;
  for (let i = 0; i < s.len; i++) {
    if (!s.occupied(i)) continue;
    n++;
    s.read(i, f);
    const cur: [number, number, number] = [f[0]! >>> 0, f[1]! >>> 0, f[2]!];
    if (s.home(f[0]!) > i) bad++;
    if (s.compact && i - s.home(f[0]!) > MAX_DISTANCE) bad++;
    if (prev !== undefined && !(cur[0] > prev[0] || (cur[0] === prev[0] && (cur[1] > prev[1] || (cur[1] === prev[1] && cur[2] > prev[2]))))) bad++;
    prev = cur;
  }
  t.is(n, s.count, `${label}: occupied slots = count`);
  t.is(bad, 0, `${label}: slots out of order, before their home, or too far from it`);
}

for (const [name, reserve] of [['into fresh tables', 0], ['in place', 64 << 20]] as const) {
  test(`1.7 M random fingerprints, growing ${name} across the switch to the compact layout: the same set as a Set`, (t) => {
    const next = rng(name.length);
    const s = new FingerprintSet();
    const ref = new Reference();
    const inserted: number[] = [];
    let compactSeen = false;
    const compactCaps = new Set<number>();
    for (let k = 0; k < 1_700_000; k++) {
      // a fifth of them again (present), a few differing from an earlier one in the third lane only
      let h: number, l: number, m: number;
      if (k > 0 && k % 5 === 0) {
        const j = 3 * (next() % (inserted.length / 3));
        [h, l, m] = [inserted[j]!, inserted[j + 1]!, inserted[j + 2]!];
        if (k % 15 === 0) m = (m % 2047) + 1;
      } else {
        h = next() | 1; // never 0, as hash.ts guarantees
        l = next() | 0;
        m = 1 + (next() % 2047); // never 0 either
      }
      const fresh = !ref.has(h, l, m);
      const compactBefore = s.compact;
      const r = addGrowing(s, h, l, m, reserve);
      if (r !== (fresh ? 1 : 0)) {
        t.fail(`fingerprint ${k}: add said ${r}, the Set ${fresh ? 'new' : 'present'} (${s.compact ? 'compact' : 'wide'}, ${s.cap} slots)`);
        return;
      }
      if (fresh) {
        // stored as 64 bits if the table was not compact then (it may have turned compact growing for it: then 75)
        ref.add(h, l, m, compactBefore || s.compact);
        inserted.push(h, l, m);
      }
      compactSeen ||= s.compact;
      if (s.compact) compactCaps.add(s.cap);
    }
    t.true(compactSeen && s.compact, 'the table went compact');
    t.true(compactCaps.size >= 2, 'and grew again once compact');
    if (reserve > 0) t.true(s.table.buffer.byteLength > s.table.byteLength, 'in a reserved buffer');
    t.is(s.count, ref.size);
    t.true(s.narrow > 900_000 && s.narrow < 1_000_000, `${s.narrow} stored before the switch, with 64 bits`);
    t.is(s.byteLength, lanesFor(s.cap) * 4);
    wellFormed(t, s, name);
    // every stored one found, and near misses (one bit of one lane flipped) not
    let missing = 0;
    let phantom = 0;
    for (let j = 0; j < inserted.length; j += 3) {
      const [h, l, m] = [inserted[j]!, inserted[j + 1]!, inserted[j + 2]!];
      if (s.probe(h, l, m) < 0) missing++;
      const b = j % 75;
      const [h2, l2, m2] = b < 32 ? [h ^ (1 << b), l, m] : b < 64 ? [h, l ^ (1 << (b - 32)), m] : [h, l, m ^ (1 << (b - 64))];
      if (h2 !== 0 && m2 !== 0 && s.probe(h2, l2, m2) >= 0 !== ref.has(h2, l2, m2)) phantom++;
    }
    t.is(missing, 0, 'stored fingerprints not found');
    t.is(phantom, 0, 'one-bit neighbours answered unlike the Set');
  });
}

test('the edges of the first lane in a compact table: home 0, the last home, the top of every home interval', (t) => {
  const s = new FingerprintSet(COMPACT_FROM);
  t.true(s.compact);
  const ref = new Set<string>();
  const hs = [1, 2, 3, 4, 5, 4095, 4096, 4097, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff];
  // the first and last value of a run of homes: found by the home function itself
  for (let i = 0; i < 64; i++) {
    const x = (Math.floor((i + 0.5) * 2 ** 32 / 64) >>> 0) || 1;
    let lo = x;
    while (lo > 1 && s.home(lo - 1) === s.home(x)) lo--;
    let hi = x;
    while (hi < 0xffffffff && s.home(hi + 1) === s.home(x)) hi++;
    hs.push(lo, hi);
  }
  const f = new Int32Array(3);
  for (const h of hs) for (const [l, m] of [[0, 1], [-1, 2047], [0x12345678, 5]] as const) {
    t.is(s.add(h | 0, l, m), ref.has(key(h, l, m)) ? 0 : 1);
    ref.add(key(h, l, m));
    const i = s.probe(h | 0, l, m);
    t.true(i >= 0);
    s.read(i, f);
    t.deepEqual([f[0]! >>> 0, f[1]! >>> 0, f[2]], [h >>> 0, l >>> 0, m], `h=${h} l=${l} m=${m} reads back`);
  }
  t.is(s.count, ref.size);
  wellFormed(t, s, 'edges');
});

test('a run whose distances pass what a compact slot holds makes the table grow, and nothing is lost', (t) => {
  const s = new FingerprintSet(COMPACT_FROM);
  // 340 fingerprints four to a home interval, from home 0: the run's last ones sit about 255 slots from home
  const n = 340;
  let refused = 0;
  for (let k = 0; k < n; k++) {
    const h = 1 + k * 1024;
    const r = s.add(h, k, (k % 2047) + 1);
    if (r === -1) {
      refused++;
      t.true(growFingerprintSet(s, budget(0)));
      t.is(s.add(h, k, (k % 2047) + 1), 1);
    } else t.is(r, 1);
  }
  t.true(refused >= 1, 'the distance bound was reached');
  t.true(s.cap > COMPACT_FROM, 'and the table grew');
  for (let k = 0; k < n; k++) t.true(s.probe(1 + k * 1024, k, (k % 2047) + 1) >= 0);
  wellFormed(t, s, 'long run');
});

test('one first lane 256 times: distances up to 254 fit, the next insert asks for growth, and growth in place keeps them all', (t) => {
  const s = new FingerprintSet(COMPACT_FROM, new Int32Array(new ArrayBuffer(lanesFor(COMPACT_FROM * 2) * 4), 0, lanesFor(COMPACT_FROM)));
  // one home for ever: distances 0, 1, …
  for (let k = 0; k <= MAX_DISTANCE; k++) t.is(s.add(77, k, 1), 1);
  t.is(s.add(77, MAX_DISTANCE + 1, 1), -1, 'a distance past MAX_DISTANCE does not fit: grow');
  t.true(s.roomFor(Math.ceil(COMPACT_FROM * 1.3)));
  t.true(s.growInPlace(Math.ceil(COMPACT_FROM * 1.3)));
  t.is(s.add(77, MAX_DISTANCE + 1, 1), -1, 'still one home: it cannot fit any better');
  t.is(s.add(77, -5, 1), -1, 'nor can one inserted before the others (every one of them would move)');
  for (let k = 0; k <= MAX_DISTANCE; k++) t.true(s.probe(77, k, 1) >= 0);
  t.true(s.probe(77, MAX_DISTANCE + 1, 1) < 0);
  wellFormed(t, s, 'one home');
});

test('searches across the switch: fingerprint mode finds the states --exact finds, on one thread and on two workers', (t) => {
  const exact = check(peterson({ N: 4 }), { exact: true });
  t.true(exact.stats.states > COMPACT_FROM, `${exact.stats.states} states: the table goes compact`);
  const fp = check(peterson({ N: 4 }));
  t.is(fp.stats.states, exact.stats.states);
  t.is(fp.stats.transitions, exact.stats.transitions);
  t.deepEqual(fp.properties.map((p) => p.status), exact.properties.map((p) => p.status));
  const two = new Checker(peterson({ N: 4 }), { workers: 2, source: { module: new URL('../models/classic/peterson.js', import.meta.url).href, export: 'peterson', args: [{ N: 4 }] } }).run();
  t.is(two.stats.states, exact.stats.states);
  t.is(two.stats.transitions, exact.stats.transitions);
  // the states stored before the switch (as many as the last table below COMPACT_FROM slots holds) have 64 bits, the rest 75: the estimate counts both
  const g = fp.stats.transitions + 1;
  let cap = INITIAL_SLOTS;
  while (grownSlots(cap) < COMPACT_FROM) cap = grownSlots(cap);
  const narrow = Math.floor(cap * LOAD_MAX);
  const expected = (g - fp.stats.states) * (narrow / (2 ** 32 - 1) ** 2 + (fp.stats.states - narrow) / ((2 ** 32 - 1) ** 2 * 2047));
  t.true(Math.abs(fp.stats.collisionProbability / expected - 1) < 0.01, `estimate ${fp.stats.collisionProbability} against ${expected}`);
  // on two workers each table holds about half the states, under the switch: all of them are 64-bit
  const all64 = (g - two.stats.states) * (two.stats.states / (2 ** 32 - 1) ** 2);
  t.true(Math.abs(two.stats.collisionProbability / all64 - 1) < 0.01, `two workers: estimate ${two.stats.collisionProbability} against ${all64}`);
});
