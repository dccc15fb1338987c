// Turning io-ts decode failures into one line a person can act on: the JSON
// path of the first bad value and the type that was expected there.

import * as t from 'io-ts';
import { isLeft, type Either, left, right } from 'fp-ts/lib/Either.js';

/** The JSON path of a decode context ('' at the top level). */
export function jsonPath(context: t.Context): string {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]!.type;
    // Members of unions and intersections are keyed by index: not part of the JSON path.
    if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) continue;
    const key = context[i]!.key;
    if (key === '') continue;
    path += /^\d+$/.test(key) ? `[${key}]` : path === '' ? key : `.${key}`;
  }
  return path;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
  } catch {
    return String(v);
  }
}

/** One line naming the path and expected type of the first decode error. */
export function describeErrors(errors: t.Errors): string {
  const e = errors[0];
  if (e === undefined) return 'invalid value';
  if (e.message !== undefined) return e.message;
  const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid value';
  const path = jsonPath(e.context);
  return `at ${path === '' ? '(top level)' : path}: expected ${expected}, got ${show(e.value)}`;
}

/** Decode with a codec; Left is the one-line message. */
export function decodeWith<A, O>(codec: t.Type<A, O, unknown>, value: unknown): Either<string, A> {
  const r = codec.decode(value);
  return isLeft(r) ? left(describeErrors(r.left)) : right(r.right);
}

/** Parse JSON text; Left says where it broke. */
export function parseJson(text: string): Either<string, unknown> {
  try {
    return right(JSON.parse(text));
  } catch (e) {
    return left(`not valid JSON (${(e as Error).message})`);
  }
}
