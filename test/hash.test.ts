// The fingerprints the search computes incrementally (batch.ts: generated
// unrolled code up to 16 words, a loop above) are the full fingerprint of
// each successor (hash.ts), for every width, including words above 2^31 and
// sums that are 0.
import test from 'ava';
import { compileFingerprinter, loopFingerprinter } from '../src/engine/batch.js';
import { FP, FP_ZERO, M3_SHIFT, MIX_HELPERS, fingerprint, mix1, mix2, mix3, mixSource1, mixSource2, mixSource3 } from '../src/engine/hash.js';
import { rng } from './helpers/rng.js';

test('the generated mixes are mix1, mix2 and mix3', (t) => {
  const next = rng(7);
  const m = new Function(`${MIX_HELPERS}\nreturn [${Array.from({ length: 20 }, (_, i) => `(x) => ${mixSource1(i, 'x')}, (x) => ${mixSource2(i, 'x')}, (x) => ${mixSource3(i, 'x')}`).join(', ')}];`)() as ((x: number) => number)[];
  for (let i = 0; i < 20; i++) {
    for (const x of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, next(), next(), next()]) {
      t.is(m[3 * i]!(x | 0), mix1(i, x), `mix1(${i}, ${x})`);
      t.is(m[3 * i + 1]!(x | 0), mix2(i, x), `mix2(${i}, ${x})`);
      t.is(m[3 * i + 2]!(x | 0), mix3(i, x), `mix3(${i}, ${x})`);
    }
  }
});

test('mix3 is a bijection of the word (no two values of one word collide in the third lane)', (t) => {
  // exhaustively on the low 2^20 values and their images under a top-bit pattern: distinct outputs
  for (const hi of [0, 0x80000000, 0xfff00000]) {
    const seen = new Set<number>();
    for (let x = 0; x < 1 << 20; x++) seen.add(mix3(3, (hi | x) >>> 0));
    t.is(seen.size, 1 << 20);
  }
});

test('incremental fingerprints equal full ones, for widths 1 to 20, unrolled and looped, under the default seed and a second pass\'s', (t) => {
  const next = rng(11);
  for (const seed of [0, 1]) for (let W = 1; W <= 20; W++) {
    const B = 5;
    const per = 6;
    const srcs = Array.from({ length: B }, () => new Uint32Array(W));
    const cviews = Array.from({ length: B * per }, () => new Uint32Array(W));
    const sEnd = new Int32Array(B);
    let n = 0;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < W; i++) srcs[b]![i] = b === 1 ? 0xffffffff : next() & (b === 2 ? 0x7 : 0xffffffff);
      const k = b === 3 ? 0 : per; // a state without successors
      for (let j = 0; j < k; j++, n++) {
        const d = cviews[n]!;
        d.set(srcs[b]!);
        // change none, one, or several words
        for (let c = 0; c < j; c++) d[next() % W] = next();
      }
      sEnd[b] = n;
    }
    for (const [name, fpr] of [['unrolled', compileFingerprinter(W, seed)], ['loop', loopFingerprinter(W, seed)]] as const) {
      const fh = new Int32Array(n);
      const fl = new Int32Array(n);
      const fm = new Int32Array(n);
      fpr(B, srcs, cviews, sEnd, fh, fl, fm);
      for (let j = 0; j < n; j++) {
        fingerprint(cviews[j]!, 0, W, seed);
        t.is(fh[j], FP[0], `${name} W=${W} successor ${j}, first lane`);
        t.is(fl[j], FP[1], `${name} W=${W} successor ${j}, second lane`);
        t.is(fm[j], FP[2], `${name} W=${W} successor ${j}, third lane`);
        t.true(FP[2]! >= 1 && FP[2]! < 2 ** (32 - M3_SHIFT), "the third lane is 1..2047");
      }
    }
  }
});

test('a lane whose sum is 0 is moved off 0 alike by both', (t) => {
  // one word whose mix1 is 0: x = key ^ (the finaliser's preimage of 0), i.e. mix1(0, x) = 0 for x with x ^ key = 0
  const x = Math.imul(1, 0x9e3779b1) >>> 0; // x ^ key(0) = 0 and murmur's finaliser maps 0 to 0
  t.is(mix1(0, x), 0);
  const src = [new Uint32Array([1])];
  const succ = [new Uint32Array([x])];
  const fh = new Int32Array(1);
  const fl = new Int32Array(1);
  const fm = new Int32Array(1);
  compileFingerprinter(1)(1, src, succ, Int32Array.of(1), fh, fl, fm);
  t.is(fh[0], FP_ZERO[0]);
  fingerprint(succ[0]!, 0, 1);
  t.is(FP[0], fh[0]);
  t.is(FP[1], fl[0]);
  t.is(FP[2], fm[0]);
});

test('a second pass\'s seed gives every state another fingerprint (all lanes), and the generated mixes follow it', (t) => {
  const next = rng(13);
  let sameLane = 0;
  for (let k = 0; k < 2000; k++) {
    const W = 1 + (k % 12);
    const s = Uint32Array.from({ length: W }, () => next());
    fingerprint(s, 0, W, 0);
    const a = [FP[0], FP[1]];
    fingerprint(s, 0, W, 1);
    if (FP[0] === a[0] || FP[1] === a[1]) sameLane++;
  }
  t.true(sameLane <= 1, `${sameLane} of 2000 states kept a lane`);
  const m = new Function(`${MIX_HELPERS}\nreturn [${Array.from({ length: 8 }, (_, i) => `(x) => ${mixSource1(i, 'x', 1)}, (x) => ${mixSource2(i, 'x', 1)}, (x) => ${mixSource3(i, 'x', 1)}`).join(', ')}];`)() as ((x: number) => number)[];
  for (let i = 0; i < 8; i++) for (const x of [0, 1, next()]) {
    t.is(m[3 * i]!(x | 0), mix1(i, x, 1));
    t.is(m[3 * i + 1]!(x | 0), mix2(i, x, 1));
    t.is(m[3 * i + 2]!(x | 0), mix3(i, x, 1));
  }
});
