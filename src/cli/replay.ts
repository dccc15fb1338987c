// `gupcheck replay TRACE.json [--model OTHER] [--property NAME] [--json]`:
// load a counterexample saved from `gupcheck check --json`, replay it on the
// model it came from (which also verifies every recorded state) or on
// another one, and say where it stops or whether the violation is still
// there (src/replay/saved.ts does the replaying).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Model } from '../engine/model.js';
import { InputError, ParamError, resolveParams, type ModelEntry } from '../engine/registry.js';
import { CheckReportC, type PropertyResult, type TraceStep } from '../engine/result.js';
import { SchemaError } from '../engine/schema.js';
import { describeErrors, parseJson } from '../io/decode.js';
import { paramText, type SavedTrace } from '../replay/saved.js';
import { UsageError } from './args.js';

export { renderReplay, replayReport, replaySaved, verdictLine, type SavedTrace } from '../replay/saved.js';

const bad = (file: string, what: string) => new InputError(`${file}: ${what}`);

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw bad(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Read, parse and decode a `check --json` report; pick the property to replay (default: the first violated one). */
export function loadTrace(file: string, property: string | undefined): SavedTrace {
  const json = parseJson(readText(file));
  if (isLeft(json)) throw bad(file, json.left);
  const decoded = CheckReportC.decode(json.right);
  if (isLeft(decoded)) throw bad(file, `not a 'gupcheck check --json' report: ${describeErrors(decoded.left)}`);
  const report = decoded.right;
  const withTrace = report.properties.filter((p): p is PropertyResult & { trace: TraceStep[] } => p.status === 'violated' && p.trace !== undefined);
  const names = withTrace.map((p) => p.name).join(', ') || 'none';
  if (property === undefined) {
    const first = withTrace[0];
    if (first === undefined) throw bad(file, `no violated property with a trace (${report.model} ${paramText(report.params)})`);
    return { model: report.model, params: report.params, property: first.name, trace: first.trace, ...lassoOf(report, first), ...(report.inputFile !== undefined ? { inputFile: report.inputFile } : {}) };
  }
  const chosen = withTrace.find((p) => p.name === property);
  if (chosen === undefined) throw bad(file, `no violated property '${property}' with a trace (violated with a trace: ${names})`);
  return { model: report.model, params: report.params, property, trace: chosen.trace, ...lassoOf(report, chosen), ...(report.inputFile !== undefined ? { inputFile: report.inputFile } : {}) };
}

/** A lasso's cycle start and the fairness it was found under. */
const lassoOf = (report: { liveness?: { fairness: 'strong' | 'weak' | 'none' } }, p: PropertyResult): { loop?: number; fairness?: 'strong' | 'weak' | 'none' } =>
  (p.loop === undefined ? {} : { loop: p.loop, ...(report.liveness !== undefined ? { fairness: report.liveness.fairness } : {}) });

/** Build `entry` with the parameters a trace was recorded with (those it declares; its input from `scenario`). */
export function buildFor(entry: ModelEntry, params: Readonly<Record<string, unknown>>, file: string): Model {
  try {
    const sets = entry.params.filter((p) => params[p.name] !== undefined).map((p) => `${p.name}=${String(params[p.name])}`);
    const input = params['scenario'];
    if (input !== undefined && entry.input === undefined) throw new UsageError(`model ${entry.name} takes no scenario, the trace has scenario '${String(input)}'`);
    return entry.build(resolveParams(entry, sets), input === undefined ? undefined : String(input));
  } catch (e) {
    if (e instanceof InputError || e instanceof ParamError || e instanceof UsageError || e instanceof SchemaError) throw bad(file, e.message);
    throw e;
  }
}


/** The scenario file a report recorded, if it is still there and unchanged; bad input if it changed or is gone. */
export function recordedInput(saved: SavedTrace, file: string): string | undefined {
  const f = saved.inputFile;
  if (f === undefined) return undefined;
  let text: Buffer;
  try {
    text = readFileSync(f.path);
  } catch {
    throw bad(file, `the trace was recorded on the scenario file ${f.path}, which is gone; give --scenario FILE`);
  }
  if (createHash('sha256').update(text).digest('hex') !== f.sha256) throw bad(file, `the scenario file ${f.path} has changed since the trace was recorded; give --scenario FILE to replay it on the file as it is now`);
  return f.path;
}
