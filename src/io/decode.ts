// Turning io-ts decode failures into one line a person can act on: the JSON
// path of the first bad value and the type that was expected there.
//
// Everything here may be fed a hostile file, so every message is one line
// (control characters escaped, long values cut), and a document nested
// deeper than MAX_JSON_DEPTH is refused before anything recursive (io-ts,
// JSON.stringify, String()) can overflow the stack on it.

import * as t from 'io-ts';
import { didYouMean } from './suggest.js';
import { isLeft, type Either, left, right } from 'fp-ts/lib/Either.js';

/** Deepest nesting accepted in an input document (gupcheck's own files nest fewer than 10 levels). */
export const MAX_JSON_DEPTH = 64;

/** Longest text a message quotes from the input. */
const MAX_QUOTE = 120;

/** `text` on one line: control and line-separator characters escaped, cut to `max` characters. */
export function oneLine(text: string, max = MAX_QUOTE): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    switch (ch) {
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/**
 * One segment of a JSON path: `[3]`, `.name`, or `["odd key"]` for a key
 * that is not a plain identifier. `colons` lets `a:b` stand bare (state
 * paths such as `pte.app:P`, which never sit before a `: ` in a message).
 */
export function pathSegment(key: string, first: boolean, colons = false): string {
  if (/^\d+$/.test(key)) return `[${key}]`;
  if ((colons ? /^[A-Za-z_$][A-Za-z0-9_$:-]*$/ : /^[A-Za-z_$][A-Za-z0-9_$-]*$/).test(key) && key.length <= 40) return first ? key : `.${key}`;
  return `[${oneLine(JSON.stringify(key.length > 40 ? `${key.slice(0, 37)}...` : key), 80)}]`;
}

/** A codec with its recursion wrappers taken off (t.recursion hides a union or an intersection). */
function unwrap(type: t.Decoder<unknown, unknown>): t.Decoder<unknown, unknown> {
  let u = type;
  for (let i = 0; i < 8 && u instanceof t.RecursiveType; i++) u = (u as t.RecursiveType<t.Any>).type;
  return u;
}

/** Does entry i of a context key a member of a union or an intersection (not a JSON key)? */
const isMemberKey = (context: t.Context, i: number): boolean => {
  const parent = unwrap(context[i - 1]!.type);
  return parent instanceof t.UnionType || parent instanceof t.IntersectionType;
};

/** The JSON keys of a decode context. */
function jsonKeys(context: t.Context): string[] {
  const keys: string[] = [];
  for (let i = 1; i < context.length; i++) {
    if (isMemberKey(context, i)) continue;
    const key = context[i]!.key;
    if (key !== '') keys.push(key);
  }
  return keys;
}

/** The JSON path of a decode context ('' at the top level). */
export function jsonPath(context: t.Context): string {
  return jsonKeys(context).reduce((path, key) => path + pathSegment(key, path === ''), '');
}

/**
 * What was expected at the end of a context: the leaf's type, or, when the
 * leaf is one member of a union (a parameter value, a JSON value), the union.
 */
function expectedAt(context: t.Context): string {
  let name = context[context.length - 1]?.type.name ?? 'a valid value';
  for (let i = context.length - 1; i > 0; i--) {
    const parent = unwrap(context[i - 1]!.type);
    if (parent instanceof t.UnionType) name = context[i - 1]!.type.name;
    else if (!(parent instanceof t.IntersectionType)) break;
  }
  return name;
}

/** A value as a message quotes it: JSON, cut short; never throws. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  try {
    const s = JSON.stringify(v);
    if (s !== undefined) return oneLine(s.length > 40 ? `${s.slice(0, 37)}...` : s);
  } catch {
    // too deep or cyclic: describe it instead
  }
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : typeof v;
}

/**
 * One line naming the path and expected type of a decode error: the most
 * specific one (the deepest JSON path; the first of those), since a union
 * reports a failure for each of its members.
 */
export function describeErrors(errors: t.Errors): string {
  let e = errors[0];
  if (e === undefined) return 'invalid value';
  let depth = jsonKeys(e.context).length;
  for (const x of errors) {
    const d = jsonKeys(x.context).length;
    if (d > depth) {
      e = x;
      depth = d;
    }
  }
  if (e.message !== undefined) return oneLine(e.message, 400);
  const path = jsonPath(e.context);
  // A closed set of values (a keyof, a union of literals): list them, and offer the nearest.
  const allowed = allowedValues(e.context);
  const listed = allowed !== undefined && !/\bone of\b|"/.test(expectedAt(e.context)) ? ` (one of ${allowed.join(', ')})` : '';
  const near = allowed !== undefined && typeof e.value === 'string' ? didYouMean(e.value, allowed) : '';
  return `at ${path === '' ? '(top level)' : path}: expected ${oneLine(expectedAt(e.context), 200)}${oneLine(listed, 400)}, got ${show(e.value)}${oneLine(near, 80)}`;
}

/** The values a closed type at the end of a context allows (keyof, literal, union of literals), if it is one. */
function allowedValues(context: t.Context): string[] | undefined {
  const of = (type: t.Decoder<unknown, unknown>): string[] | undefined => {
    const u = unwrap(type);
    if (u instanceof t.KeyofType) return Object.keys(u.keys as Record<string, unknown>);
    if (u instanceof t.LiteralType) return [String(u.value)];
    if (u instanceof t.UnionType) {
      const parts = (u.types as t.Decoder<unknown, unknown>[]).map(of);
      return parts.every((x) => x !== undefined) ? parts.flat() as string[] : undefined;
    }
    return undefined;
  };
  // The union a literal belongs to, else the leaf itself.
  for (let i = context.length - 1; i >= 0; i--) {
    const v = of(context[i]!.type);
    if (v !== undefined && (i === 0 || !(unwrap(context[i - 1]!.type) instanceof t.UnionType))) return v;
    if (v === undefined) return undefined;
  }
  return undefined;
}

/** Decode with a codec; Left is the one-line message. */
export function decodeWith<A, O>(codec: t.Type<A, O, unknown>, value: unknown): Either<string, A> {
  const r = codec.decode(value);
  return isLeft(r) ? left(describeErrors(r.left)) : right(r.right);
}

/** The path of the first value nested deeper than `max` levels, or undefined. Iterative: any depth is safe. */
export function tooDeep(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  interface Node { readonly v: unknown; readonly depth: number; readonly key: string; readonly up: Node | undefined }
  const stack: Node[] = [{ v: value, depth: 0, key: '', up: undefined }];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (typeof n.v !== 'object' || n.v === null) continue;
    if (n.depth >= max) {
      const keys: string[] = [];
      for (let x: Node | undefined = n; x !== undefined && x.up !== undefined; x = x.up) keys.push(x.key);
      const path = keys.reverse().reduce((p, k) => p + pathSegment(k, p === ''), '');
      return oneLine(path, 80);
    }
    const entries: [string, unknown][] = Array.isArray(n.v) ? n.v.map((x, i) => [String(i), x]) : Object.entries(n.v);
    for (const [k, v] of entries) if (typeof v === 'object' && v !== null) stack.push({ v, depth: n.depth + 1, key: k, up: n });
  }
  return undefined;
}

/** Parse JSON text; Left says where it broke (or that it nests too deep to be one of gupcheck's files). */
export function parseJson(text: string): Either<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return left(`not valid JSON (${oneLine(e instanceof Error ? e.message : String(e))})`);
  }
  const deep = tooDeep(value);
  if (deep !== undefined) return left(`nested more than ${MAX_JSON_DEPTH} levels deep (at ${deep})`);
  return right(value);
}
