// Editing JSON documents by path, for the fuzz tests' corruptions.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every [path, value] in a document, the root included. */
export function places(doc: Json, at: (string | number)[] = []): [(string | number)[], Json][] {
  const out: [(string | number)[], Json][] = [[at, doc]];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...places(v, [...at, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...places(v, [...at, k]));
  return out;
}

/** A copy of `doc` with `value` at `path` (undefined: the entry removed). */
export function setAt(doc: Json, path: readonly (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const copy = structuredClone(doc) as Record<string | number, Json>;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as unknown as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  }
  else Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
  return copy as Json;
}

/** Nesting of a value: -1 for a primitive, 0 for a flat array or object, … (iterative). */
export function nesting(v: unknown): number {
  let max = -1;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    max = Math.max(max, d);
    for (const y of Array.isArray(x) ? x : Object.values(x)) stack.push([y, d + 1]);
  }
  return max;
}
