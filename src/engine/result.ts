// The shape of a check result, defined once as io-ts codecs. The TypeScript
// types the checker produces are derived from these, and the same codecs
// decode `--json` output and saved trace files at the edges.

import * as t from 'io-ts';
import type { JsonValue } from './schema.js';

export const JsonValueC: t.Type<JsonValue> = t.recursion('JsonValue', () =>
  t.union([t.boolean, t.number, t.string, t.array(JsonValueC), t.record(t.string, JsonValueC)]));

export const ParamValueC = t.union([t.number, t.string, t.boolean]);
export const ParamsC = t.record(t.string, ParamValueC);

export const PropertyStatusC = t.keyof({ holds: null, violated: null, vacuous: null, unknown: null });
export type PropertyStatus = t.TypeOf<typeof PropertyStatusC>;

export const PropertyKindC = t.keyof({ always: null, step: null, quiescent: null, sometimes: null, deadlock: null, range: null });

export const StopReasonC = t.keyof({ 'max-depth': null, 'max-states': null, 'time-limit': null, 'max-memory': null, interrupted: null });
export type StopReason = t.TypeOf<typeof StopReasonC>;

export const TraceStepC = t.intersection([
  t.type({
    index: t.number,
    /** Action family name; "init" for step 0. */
    action: t.string,
    params: ParamsC,
    label: t.string,
    state: JsonValueC,
  }),
  t.partial({ actor: t.string }),
], 'TraceStep');
export type TraceStep = t.TypeOf<typeof TraceStepC>;

export const TraceC = t.array(TraceStepC, 'Trace');

export const PropertyResultC = t.intersection([
  t.type({ name: t.string, kind: PropertyKindC, description: t.string, status: PropertyStatusC }),
  t.partial({
    /** Shortest counterexample, for a violated property. */
    trace: TraceC,
    /** Shortest witness, for a witnessed `sometimes` property. */
    witness: TraceC,
    /** What went wrong, when the trace alone does not say (e.g. a range error). */
    detail: t.string,
  }),
], 'PropertyResult');
export type PropertyResult = t.TypeOf<typeof PropertyResultC>;

export const CoverageEntryC = t.type({
  action: t.string,
  label: t.string,
  params: ParamsC,
  /** Transitions this action produced (duplicates included). */
  fired: t.number,
  /** New distinct states it discovered. */
  distinct: t.number,
}, 'CoverageEntry');
export type CoverageEntry = t.TypeOf<typeof CoverageEntryC>;

export const StatsC = t.type({
  states: t.number,
  transitions: t.number,
  levels: t.number,
  maxDepth: t.number,
  seconds: t.number,
  statesPerSecond: t.number,
  bytesPerState: t.number,
  storedBytes: t.number,
  stateWords: t.number,
  /** TLC's estimate distinct × (generated − distinct) / 2^64; 0 in exact mode. */
  collisionProbability: t.number,
  /** States still queued when the search stopped (0 when complete). */
  queued: t.number,
}, 'Stats');
export type Stats = t.TypeOf<typeof StatsC>;

export const CheckResultC = t.intersection([
  t.type({
    model: t.string,
    params: ParamsC,
    mode: t.keyof({ fingerprint: null, exact: null }),
    complete: t.boolean,
    stats: StatsC,
    coverage: t.array(CoverageEntryC),
    warnings: t.array(t.string),
    properties: t.array(PropertyResultC),
  }),
  t.partial({ stopReason: StopReasonC }),
], 'CheckResult');
export type CheckResult = t.TypeOf<typeof CheckResultC>;

/** The JSON document `gupcheck check --json` prints: a result plus a schema version. */
export const CHECK_SCHEMA_VERSION = 1;
export const CheckReportC = t.intersection([
  t.type({ schemaVersion: t.literal(CHECK_SCHEMA_VERSION), exitCode: t.number }),
  CheckResultC,
], 'CheckReport');
export type CheckReport = t.TypeOf<typeof CheckReportC>;
