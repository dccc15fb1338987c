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

export const PropertyKindC = t.keyof({ always: null, step: null, quiescent: null, sometimes: null, deadlock: null, range: null, progress: null, eventually: null, leadsTo: null });

/** Why a search stopped before the end; 'fault': the model's own code threw (ModelFault), never a verdict. */
export const StopReasonC = t.keyof({ 'max-depth': null, 'max-states': null, 'time-limit': null, 'max-memory': null, interrupted: null, fault: null, 'passes-disagree': null });
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
  t.partial({ actor: t.string, role: t.string }),
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
    /** A liveness counterexample is a lasso: the trace's last state is the state of step `loop`, and the steps after it repeat forever (none: it stops there). */
    loop: t.number,
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

/**
 * What an incomplete search left (absent when complete): the BFS level it
 * was expanding, how far into it, and how much of the next level it had
 * found, extrapolated to the whole level. With stats.queued, the estimate
 * of the work that remained.
 */
export const RemainingC = t.intersection([
  t.type({
    /** The BFS level being expanded when the search stopped (its depth). */
    level: t.number,
    /** States in that level. */
    levelStates: t.number,
    /** Of which were expanded. */
    levelExpanded: t.number,
    /** New states found so far for the next level. */
    nextLevelStates: t.number,
    /** nextLevelStates × levelStates / levelExpanded: the next level's size if the rest of this level branches alike. */
    nextLevelEstimate: t.number,
  }),
  t.partial({
    /** Stopped by --max-depth: successors past the bound that were not among the stored states (repeats counted). */
    pastBound: t.number,
    /** The sizes of the last few complete levels, oldest first (the growth the estimate of work left extrapolates). */
    recentLevels: t.array(t.number),
  }),
], 'Remaining');
export type Remaining = t.TypeOf<typeof RemainingC>;

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
  t.partial({
    stopReason: StopReasonC,
    remaining: RemainingC,
    /** The liveness search (liveness.ts), when the model has liveness properties: its graph and fairness. */
    liveness: t.type({ fairness: t.keyof({ strong: null, weak: null, none: null }), complete: t.boolean, states: t.number, edges: t.number, seconds: t.number }),
    /** A second search with an independent fingerprint (secondPass in checker.ts): what it found, whether it agrees, and the chance that a collision changed the outcome unseen (both estimates' product). */
    secondPass: t.type({ states: t.number, transitions: t.number, seconds: t.number, agree: t.boolean, estimate: t.number, collisionProbability: t.number }),
    /** Partial-order reduction (por.ts): states expanded with a proper stubborn set, fully (of which by the cycle proviso), and the visible actions. */
    reduction: t.type({ method: t.literal('stubborn-sets'), reduced: t.number, full: t.number, proviso: t.number, visibleActions: t.number, shortest: t.boolean }),
    /** A random simulation (`gupcheck simulate`), not a search: what it sampled. */
    simulation: t.type({ seed: t.number, runs: t.number, steps: t.number, depth: t.number, runsPerSecond: t.number, stepsPerSecond: t.number, stoppedBy: t.string, notes: t.array(t.string), found: t.array(t.type({ property: t.string, run: t.number, seconds: t.number, steps: t.number })) }),
  }),
], 'CheckResult');
export type CheckResult = t.TypeOf<typeof CheckResultC>;

/** The JSON document `gupcheck check --json` prints: a result plus a schema version. */
export const CHECK_SCHEMA_VERSION = 1;
/** The input file a model was built from (a scenario given by path): where, and its content's hash, so a replay finds it again or says it changed. */
export const InputFileC = t.type({ path: t.string, sha256: t.string }, 'InputFile');
export type InputFile = t.TypeOf<typeof InputFileC>;
export const CheckReportC = t.intersection([
  t.type({ schemaVersion: t.literal(CHECK_SCHEMA_VERSION), exitCode: t.number }),
  CheckResultC,
  t.partial({ inputFile: InputFileC }),
], 'CheckReport');
export type CheckReport = t.TypeOf<typeof CheckReportC>;

// --- replay --------------------------------------------------------------

export const ReplayOutcomeC = t.keyof({ refused: null, violated: null, 'not-violated': null });
export type ReplayOutcome = t.TypeOf<typeof ReplayOutcomeC>;

export const ReplayViolationC = t.type({ property: t.string, step: t.number }, 'ReplayViolation');

/** A trace replayed on one model: how far it ran and what it violated on the way. */
export const ReplayVerdictC = t.intersection([
  t.type({
    /** The model the trace was replayed on. */
    model: t.string,
    /** The model the trace was recorded on. */
    from: t.string,
    /** The replayed model's parameters. */
    params: ParamsC,
    /** The trace's own property (the one it violated where it was recorded). */
    property: t.string,
    /** Steps in the trace after the initial state. */
    steps: t.number,
    /** violated: the trace's own property fails on the replayed path; refused: a step cannot run; else not-violated. */
    outcome: ReplayOutcomeC,
    /** Every property violated along the replayed path, at its first step. */
    violations: t.array(ReplayViolationC),
  }),
  t.partial({
    scenario: t.string,
    /** The first step that cannot run. */
    refusedAt: t.number,
    /** Why it cannot run (e.g. "guard false"). */
    reason: t.string,
    /** Actions of the same actor enabled there instead (labels). */
    enabledInstead: t.array(t.string),
  }),
], 'ReplayVerdict');
export type ReplayVerdict = t.TypeOf<typeof ReplayVerdictC>;

/** The JSON document `gupcheck replay --json` prints. */
export const REPLAY_SCHEMA_VERSION = 1;
export const ReplayReportC = t.intersection([
  t.type({ schemaVersion: t.literal(REPLAY_SCHEMA_VERSION) }),
  ReplayVerdictC,
], 'ReplayReport');
export type ReplayReport = t.TypeOf<typeof ReplayReportC>;

/** In `compare --json`: one violation of the reference row replayed on every other compared model. */
export const CrossReplayC = t.type({
  from: t.string,
  scenario: t.string,
  property: t.string,
  steps: t.number,
  on: t.array(ReplayVerdictC),
}, 'CrossReplay');
export type CrossReplay = t.TypeOf<typeof CrossReplayC>;
