// 64-bit state fingerprints over packed states, as two independent 32-bit
// lanes (murmur3-style mixing with different constants per lane). Returned
// through a shared two-slot array so the hot loop allocates nothing.

/** FP[0] = high lane, FP[1] = low lane of the last fingerprint computed. */
export const FP = new Int32Array(2);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Fingerprint words [off, off+n) of buf into FP; never (0, 0). */
export function fingerprint(buf: Uint32Array, off: number, n: number): void {
  let h1 = 0x9747b28c ^ n;
  let h2 = 0x3c6ef372 ^ Math.imul(n, 0x27d4eb2f);
  for (let i = 0; i < n; i++) {
    const k = buf[off + i]! | 0;
    let k1 = Math.imul(k, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    h1 ^= k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(k ^ 0x5bd1e995, 0x85ebca77);
    k2 = (k2 << 17) | (k2 >>> 15);
    k2 = Math.imul(k2, 0x165667b1);
    h2 ^= k2;
    h2 = (h2 << 11) | (h2 >>> 21);
    h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
  const hi = fmix(h1 ^ (h2 >>> 7));
  const lo = fmix(h2 + Math.imul(h1, 0x9e3779b1));
  FP[0] = hi;
  FP[1] = hi === 0 && lo === 0 ? 1 : lo;
}
