// 75-bit state fingerprints over packed states, as three lanes: two of 32
// bits and the top 11 bits of a third.
//
// Each lane is a sum (mod 2^32) over the state's words of a per-word mix:
// lane 1 sums mix1(i, word i), lane 2 mix2(i, word i), lane 3 mix3(i, word
// i), three different bijective 32-bit mixers keyed by the word's index (so, per lane, two
// states that differ in one word never collide). Being a sum, a fingerprint can be updated
// from its parent's by re-mixing only the words a step changed (most steps
// change one or two): `Incremental` below, used by the search. The full and
// the incremental computation give the same fingerprint.
//
// Neither of the first two lanes is ever 0 (a visited-set slot whose first
// lane is 0 is empty), nor the third's 11 bits (0 there marks a fingerprint
// stored without them), so a fingerprint is one of (2^32 - 1)^2 * 2047
// values, FINGERPRINT_SPACE. Why 75 bits: the visited set stores a big
// table's fingerprints in 8 bytes a slot all the same (visited.ts), and the
// TLC collision estimate at 10^9 states and 7 * 10^9 transitions is then
// about 2e-4 (it was 0.4 with 64 bits). A table under a million states keeps
// 64 bits (NARROW_SPACE). Results go through a shared three-slot array so
// the hot loop allocates nothing.

/** FP[0], FP[1]: the first two lanes of the last fingerprint computed (both non-zero); FP[2]: the third lane's top M3_BITS bits (1 if they are 0). */
export const FP = new Int32Array(3);

/** Bits of the third lane a fingerprint keeps. */
export const M3_BITS = 11;
/** The third lane's sum to the bits kept (its top M3_BITS). */
export const M3_SHIFT = 32 - M3_BITS;

/** How many distinct fingerprints there are (for the collision estimate). */
export const FINGERPRINT_SPACE = (2 ** 32 - 1) ** 2 * (2 ** M3_BITS - 1);
/** How many distinct values the first two lanes take: what a fingerprint stored without the third is. */
export const NARROW_SPACE = (2 ** 32 - 1) ** 2;

/**
 * Word i's key index under a seed: seed 0 is the default fingerprint; any
 * other seed gives every word other keys, an independent fingerprint for a
 * second pass (CheckOptions.fingerprintSeed).
 */
const keyIndex = (i: number, seed: number): number => (i + 1 + Math.imul(seed, 0x01000193)) | 0;

/** Lane 1's mix of word i with value x: murmur3's finaliser of x ^ key(i); a bijection of x. */
export function mix1(i: number, x: number, seed = 0): number {
  let h = x ^ Math.imul(keyIndex(i, seed), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Lane 2's mix of word i with value x: another finaliser (Wellons' lowbias32) of x + key(i); a bijection of x. */
export function mix2(i: number, x: number, seed = 0): number {
  let h = (x + Math.imul(keyIndex(i, seed), 0x7feb352d) + 0x3c6ef372) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad);
  h ^= h >>> 15;
  h = Math.imul(h, 0x735a2d97);
  h ^= h >>> 15;
  return h;
}

/** Lane 3's mix of word i with value x: a third finaliser (Wellons' triple32 constants, two rounds) of x ^ key3(i); a bijection of x. */
export function mix3(i: number, x: number, seed = 0): number {
  let h = x ^ ((Math.imul(keyIndex(i, seed), 0x27d4eb2f) + 0x165667b1) | 0);
  h ^= h >>> 17;
  h = Math.imul(h, 0xed5ad4bb);
  h ^= h >>> 11;
  h = Math.imul(h, 0xac4c1b51);
  h ^= h >>> 15;
  return h;
}

/** What a lane whose sum is 0 becomes (0 marks an empty slot). */
export const FP_ZERO = [0x5bd1e995, 0x1b873593] as const;

/** The fingerprint of the three sums, into FP: the sums themselves (they are sums of well-mixed words), 0 moved away, the third's top bits. */
export function finish(s1: number, s2: number, s3: number): void {
  FP[0] = s1 === 0 ? FP_ZERO[0] : s1;
  FP[1] = s2 === 0 ? FP_ZERO[1] : s2;
  FP[2] = s3 >>> M3_SHIFT || 1;
}

/**
 * mix1, mix2 and mix3(i, x) as JavaScript expressions of the variable named
 * `x`, with word i's key folded to a constant, calling the finalisers that
 * MIX_HELPERS defines (batch.ts generates unrolled fingerprinting code from
 * them; test/hash.test.ts checks they agree with mix1, mix2 and mix3).
 */
export const MIX_HELPERS = [
  'function M1(h) { h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); return h ^ (h >>> 16); }',
  'function M2(h) { h ^= h >>> 16; h = Math.imul(h, 0x21f0aaad); h ^= h >>> 15; h = Math.imul(h, 0x735a2d97); return h ^ (h >>> 15); }',
  'function M3(h) { h ^= h >>> 17; h = Math.imul(h, 0xed5ad4bb); h ^= h >>> 11; h = Math.imul(h, 0xac4c1b51); return h ^ (h >>> 15); }',
].join('\n');
export function mixSource1(i: number, x: string, seed = 0): string {
  return `M1((${x}) ^ ${Math.imul(keyIndex(i, seed), 0x9e3779b1)})`;
}
export function mixSource2(i: number, x: string, seed = 0): string {
  return `M2(((${x}) + ${(Math.imul(keyIndex(i, seed), 0x7feb352d) + 0x3c6ef372) | 0}) | 0)`;
}

export function mixSource3(i: number, x: string, seed = 0): string {
  return `M3((${x}) ^ ${(Math.imul(keyIndex(i, seed), 0x27d4eb2f) + 0x165667b1) | 0})`;
}

/** Fingerprint words [off, off+n) of buf into FP; neither of the first two lanes is 0. */
export function fingerprint(buf: Uint32Array, off: number, n: number, seed = 0): void {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    const x = buf[off + i]! | 0;
    s1 = (s1 + mix1(i, x, seed)) | 0;
    s2 = (s2 + mix2(i, x, seed)) | 0;
    s3 = (s3 + mix3(i, x, seed)) | 0;
  }
  finish(s1, s2, s3);
}
