// Typed CLI options, decoded from parsed argv with io-ts so that every bad
// value becomes one line naming the option and what it expected.

import * as t from 'io-ts';
import { pipe } from 'fp-ts/lib/function.js';
import * as E from 'fp-ts/lib/Either.js';
import { describeErrors } from '../io/decode.js';
import { didYouMean } from '../io/suggest.js';
import { defaultMaxMemoryBytes, type CheckOptions } from '../engine/checker.js';

/** A decimal string holding a number within [min, max]. */
const numberFromString = (name: string, min: number, max: number, integer: boolean) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      if (typeof u !== 'string' || !/^\d+(\.\d+)?$/.test(u)) return t.failure(u, c, `expected ${name}, got '${String(u)}'`);
      const n = Number(u);
      if ((integer && !Number.isSafeInteger(n)) || n < min || n > max) return t.failure(u, c, `expected ${name}, got '${u}'`);
      return t.success(n);
    },
    String,
  );

const flag = t.union([t.boolean, t.undefined]);

/** What `check` prints: text (default), the JSON report, an ITF trace, a Mermaid sequence diagram, the DOT state graph. */
export const FormatC = t.keyof({ text: null, json: null, itf: null, mermaid: null, dot: null }, '--format: one of text, json, itf, mermaid, dot');
export type Format = t.TypeOf<typeof FormatC>;

/** --format's value, with a one-line error that lists the formats. */
const formatFlag = new t.Type<Format | undefined, unknown, unknown>(
  '--format',
  (u): u is Format | undefined => u === undefined || FormatC.is(u),
  (u, c) => (u === undefined || FormatC.is(u) ? t.success(u) : t.failure(u, c, `--format ${String(u)}: expected one of text, json, itf, mermaid, dot${typeof u === 'string' ? didYouMean(u, Object.keys(FormatC.keys)) : ''}`)),
  (a) => a,
);

/** A flag taking one of a few words, with a one-line error that lists them (and the nearest). */
const enumFlag = <V extends string>(flag: string, values: readonly V[]) => new t.Type<V | undefined, unknown, unknown>(
  flag,
  (u): u is V | undefined => u === undefined || (values as readonly unknown[]).includes(u),
  (u, c) => (u === undefined || (values as readonly unknown[]).includes(u) ? t.success(u as V | undefined)
    : t.failure(u, c, `${flag} ${String(u)}: expected one of ${values.join(', ')}${typeof u === 'string' ? didYouMean(u, values) : ''}`)),
  (a) => a,
);

export const CheckFlagsC = t.type({
  'set': t.union([t.array(t.string), t.undefined]),
  'scenario': t.union([t.string, t.undefined]),
  'json': flag,
  'format': formatFlag,
  'full': flag,
  'property': t.union([t.string, t.undefined]),
  'exact': flag,
  'quiet': flag,
  'no-deadlock': flag,
  'max-depth': t.union([numberFromString('--max-depth: an integer from 0', 0, 1e9, true), t.undefined]),
  'max-states': t.union([numberFromString('--max-states: an integer from 1', 1, 4e9, true), t.undefined]),
  'time-limit': t.union([numberFromString('--time-limit: seconds, a positive number', 0.001, 1e7, false), t.undefined]),
  'max-memory': t.union([numberFromString('--max-memory: MiB, an integer from 1', 1, 1 << 30, true), t.undefined]),
  'workers': t.union([numberFromString('--workers: an integer from 1 to 64', 1, 64, true), t.undefined]),
  'no-symmetry': flag,
  'fairness': enumFlag('--fairness', ['strong', 'weak', 'none'] as const),
  'no-liveness': flag,
  'por': flag,
  'shortest': flag,
  'check-footprints': flag,
  'second-pass': flag,
});
export type CheckFlags = t.TypeOf<typeof CheckFlagsC>;

export const CHECK_FLAGS = {
  set: 'multi', scenario: 'value', json: 'bool', format: 'value', full: 'bool', property: 'value', exact: 'bool', quiet: 'bool', 'no-deadlock': 'bool',
  'max-depth': 'value', 'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value', workers: 'value', 'no-symmetry': 'bool',
  fairness: 'value', 'no-liveness': 'bool', por: 'bool', shortest: 'bool', 'check-footprints': 'bool', 'second-pass': 'bool',
} as const;

/** Default memory bound: half the machine, so the search stops cleanly before the OS kills it. */


export function decodeCheckFlags(flags: Record<string, unknown>): E.Either<string, CheckFlags> {
  return pipe(CheckFlagsC.decode(flags), E.mapLeft(describeErrors));
}

export function toCheckOptions(f: Partial<CheckFlags>): CheckOptions {
  return {
    exact: f.exact === true,
    ...(f['max-depth'] !== undefined ? { maxDepth: f['max-depth'] } : {}),
    ...(f['max-states'] !== undefined ? { maxStates: f['max-states'] } : {}),
    ...(f['time-limit'] !== undefined ? { timeLimitMs: f['time-limit'] * 1000 } : {}),
    maxMemoryBytes: f['max-memory'] !== undefined ? f['max-memory'] * 2 ** 20 : defaultMaxMemoryBytes(),
    ...(f['no-deadlock'] === true ? { checkDeadlock: false } : {}),
    ...(f['no-symmetry'] === true ? { symmetry: false } : {}),
    ...(f.fairness !== undefined ? { fairness: f.fairness } : {}),
    ...(f['no-liveness'] === true ? { liveness: false } : {}),
    ...(f.por === true ? { por: true } : {}),
  };
}
