// gupcheck command line. Every failure is one line on stderr, saying what to
// do next, and a distinct exit code; a search that did not finish never
// reports "holds". stdout carries only the result; the progress line (a TTY
// only) goes to stderr.

import { cmdSimulate } from './simulate.js';
import { cmdExplore } from './explore.js';
import { didYouMean } from '../io/suggest.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { resolve } from 'node:path';
import { Checker, SECOND_PASS_SEED, shortestCounterexamples, withSecondPass, type CheckOptions } from '../engine/checker.js';
import { checkFootprints } from '../engine/footprint-check.js';
import type { Model } from '../engine/model.js';
import { ModelError, ModelFault } from '../engine/model.js';
import { InputError, ParamError, entrySource, resolveParams } from '../engine/registry.js';
import { CHECK_SCHEMA_VERSION, type CheckReport, type CheckResult, type InputFile, type PropertyResult, type TraceStep } from '../engine/result.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SchemaError } from '../engine/schema.js';
import { MODELS, findModel } from '../../models/index.js';
import { ExtraStateError } from '../../models/kernel/kernel.js';
import { HookError, ProposalError } from '../../models/kernel/proposal.js';
import { BugError } from '../../models/bugs/bug.js';
import { isModulePath, loadModule } from '../modules/load.js';
import { exploreGraph, graphToDot, GraphTooLarge } from '../report/dot.js';
import { failuresAlong } from '../report/failures.js';
import { traceToItf } from '../report/itf.js';
import { traceToMermaid } from '../report/mermaid.js';
import { styleFor } from '../report/style.js';
import { parseArgs, UsageError } from './args.js';
import { BadInput, buildModel, EXIT, exitCodeOf, runInterruptibly } from './common.js';
import { addedProposals, cellTraces, coverageAcross, renderCoverageAcross, renderCrossReplays, renderScenarioTables, runComparisonFromFlags, traceVerb } from './compare.js';
import { renderOverview } from '../compare/overview.js';
import { KERNEL_PROPERTIES } from '../../properties/index.js';
import { COMMANDS, HELP } from './help.js';
import { cmdList } from './list.js';
import { CHECK_FLAGS, decodeCheckFlags, toCheckOptions, type CheckFlags } from './options.js';
import { progressWanted, ProgressLine } from './progress.js';
import { renderResult, renderTrace } from '../report/render.js';
import { cmdReport } from './report.js';
import { cmdSelftest } from './selftest.js';
import { cmdHistory } from './history.js';
import { buildFor, loadTrace, recordedInput, renderReplay, replayReport, replaySaved } from './replay.js';

export { EXIT, exitCodeOf, runInterruptibly } from './common.js';

/** --format dot draws at most this many states unless --max-states says otherwise. */
export const DOT_MAX_STATES = 2000;

type Traced = PropertyResult & { trace: TraceStep[] };

/** The trace --format itf|mermaid|dot draws: --property NAME's (a counterexample or a witness), else the first counterexample. */
function pickTrace(r: CheckResult, property: string | undefined): { p: Traced; kind: 'violation' | 'witness' } | undefined {
  if (property === undefined) {
    const p = r.properties.find((x): x is Traced => x.status === 'violated' && x.trace !== undefined);
    return p === undefined ? undefined : { p, kind: 'violation' };
  }
  const p = r.properties.find((x) => x.name === property);
  if (p === undefined) throw new BadInput(`--property ${property}: ${r.model} has no such property${didYouMean(property, r.properties.map((x) => x.name))} (properties: ${r.properties.map((x) => x.name).join(', ')})`);
  if (p.trace !== undefined) return { p: { ...p, trace: p.trace }, kind: 'violation' };
  if (p.witness !== undefined) return { p: { ...p, trace: p.witness }, kind: 'witness' };
  throw new BadInput(`--property ${property} is ${p.status} with no trace to draw; name a violated property or a witnessed sometimes property`);
}

/** A scenario given by path, recorded in the JSON report so that `replay` finds the same file again (or notices it changed). */
function inputFileOf(arg: string | undefined): { inputFile?: InputFile } {
  if (arg === undefined || !(arg.includes('/') || arg.endsWith('.json'))) return {};
  const path = resolve(arg);
  return { inputFile: { path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') } };
}

const paramText = (r: CheckResult) => Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(' ');

/** `check --check-footprints`: a full exact search tracing every access against the declared footprints (por.ts). */
function checkFootprintsCommand(model: Model, maxStates: number | undefined): number {
  const r = checkFootprints(model, maxStates !== undefined ? { maxStates } : {});
  const params = Object.entries(model.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const name = `${model.name}${params !== '' ? ` ${params}` : ''}`;
  if (r.undeclared === true) throw new BadInput(`--check-footprints: ${name}: ${r.problem}`);
  if (r.problem !== undefined) {
    process.stdout.write(`footprints of ${name}: ${r.problem}\n`);
    return EXIT.VIOLATED;
  }
  if (!r.complete) {
    process.stdout.write(`footprints of ${name}: no access outside the declarations in the first ${r.states.toLocaleString('en-US')} states, but the search stopped there (--max-states): not proven\n`);
    return EXIT.INCOMPLETE;
  }
  process.stdout.write(`footprints of ${name}: every guard, effect and property in all ${r.states.toLocaleString('en-US')} reachable states reads and writes only what it declares\n`);
  return EXIT.OK;
}

async function cmdCheck(argv: string[]): Promise<number> {
  const args = parseArgs(argv, CHECK_FLAGS);
  const decoded = decodeCheckFlags(args.flags);
  if (isLeft(decoded)) throw new UsageError(decoded.left);
  const flags: CheckFlags = decoded.right;
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError('check needs a model name, e.g. gupcheck check baseline (gupcheck list shows them)');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (flags.json === true && flags.format !== undefined && flags.format !== 'json') throw new UsageError(`--json is --format json; give only one of --json and --format ${flags.format}`);
  const format = flags.json === true ? 'json' : flags.format ?? 'text';
  if (flags.property !== undefined && (format === 'text' || format === 'json')) throw new UsageError('--property picks the trace of --format itf, mermaid or dot; text and json show every trace');
  const fromPath = isModulePath(name);
  const entry = fromPath ? (await loadModule(name)).entry : findModel(name);
  if (entry === undefined) throw new BadInput(`unknown model '${name}'${didYouMean(name, MODELS.map((m) => m.name))} (models: ${MODELS.map((m) => m.name).join(', ')}; gupcheck list describes them; or a path to a proposal or model module)`);
  const model = buildModel(entry, flags.set ?? [], flags.scenario);
  const dotLimit = flags['max-states'] ?? DOT_MAX_STATES;
  let opts: CheckOptions = format === 'dot' ? { ...toCheckOptions(flags), exact: true, maxStates: dotLimit } : toCheckOptions(flags);
  if ((flags.workers ?? 1) > 1 && format !== 'dot') {
    // Each worker rebuilds the same model: from the registry, or from the module file.
    const params = resolveParams(entry, flags.set ?? []);
    opts = {
      ...opts, workers: flags.workers!,
      source: fromPath
        ? { module: new URL('../modules/load.js', import.meta.url).href, export: 'buildModuleModel', args: [resolve(name), params, ...(flags.scenario !== undefined ? [flags.scenario] : [])] }
        : entrySource(entry, { url: new URL('../../models/index.js', import.meta.url).href, export: 'MODELS' }, params, flags.scenario),
    };
  }
  if (flags['check-footprints'] === true) {
    if (flags.json === true || flags.format !== undefined) throw new UsageError('--check-footprints prints one line; --json and --format do not apply');
    return checkFootprintsCommand(model, flags['max-states']);
  }
  if (flags.shortest === true && flags.por !== true) throw new UsageError('--shortest shortens the counterexamples of a --por search; without --por they are shortest already');
  const checker = new Checker(model, opts);
  const line = progressWanted(flags.quiet) ? new ProgressLine() : undefined;
  let result: CheckResult;
  try {
    result = await runInterruptibly(checker, line !== undefined ? { line, ...(opts.maxMemoryBytes !== undefined ? { maxMemoryBytes: opts.maxMemoryBytes } : {}) } : undefined);
    if (flags.shortest === true) result = shortestCounterexamples(model, result, opts);
    if (flags['second-pass'] === true) {
      if (result.mode !== 'fingerprint') result = { ...result, warnings: [...result.warnings, 'no second pass: --exact stores whole states, so no collision is possible'] };
      else if (!result.complete) result = { ...result, warnings: [...result.warnings, 'no second pass: the first search did not complete'] };
      else {
        const second = await runInterruptibly(new Checker(model, { ...opts, fingerprintSeed: SECOND_PASS_SEED, liveness: false }), line !== undefined ? { line, ...(opts.maxMemoryBytes !== undefined ? { maxMemoryBytes: opts.maxMemoryBytes } : {}) } : undefined);
        result = withSecondPass(result, second);
      }
    }
  } catch (e) {
    throw e instanceof ModelFault ? e.in(model) : e;
  } finally {
    line?.stop();
  }
  const code = exitCodeOf(result);
  const failures = (p: Traced) => failuresAlong(p, model);
  switch (format) {
    case 'json': {
      const report: CheckReport = { schemaVersion: CHECK_SCHEMA_VERSION, exitCode: code, ...result, ...inputFileOf(flags.scenario) };
      process.stdout.write(JSON.stringify(report) + '\n');
      return code;
    }
    case 'text':
      process.stdout.write(renderResult(result, { full: flags.full === true, style: styleFor(process.stdout), failures }) + '\n');
      return code;
    case 'dot':
      return writeDot(model, result, flags, dotLimit, code, failures);
    case 'itf':
    case 'mermaid': {
      const picked = pickTrace(result, flags.property);
      if (picked === undefined) {
        process.stderr.write(`gupcheck: no counterexample to draw: ${result.complete ? 'no property is violated' : 'the search stopped before finding one'}; draw a witness with --property NAME (a sometimes property)\n`);
        return code;
      }
      const { p, kind } = picked;
      const fails = kind === 'violation' ? failures(p) : [];
      if (format === 'itf') {
        const itf = traceToItf(p.trace, { model: result.model, params: result.params, property: p.name, status: kind, description: p.description, failures: fails });
        process.stdout.write(JSON.stringify(itf) + '\n');
      } else {
        const caption = `gupcheck check ${result.model} ${paramText(result)}: ${p.name} ${kind === 'violation' ? 'violated' : 'witnessed'} in ${p.trace.length - 1} steps`;
        process.stdout.write(traceToMermaid(p.trace, { caption, failures: fails }));
      }
      return code;
    }
  }
}

/** --format dot: the whole state graph (small runs only) with the counterexample in red. */
function writeDot(model: Model, result: CheckResult, flags: CheckFlags, limit: number, code: number, failures: (p: Traced) => ReturnType<typeof failuresAlong>): number {
  const what = `${result.model}${paramText(result) ? ` ${paramText(result)}` : ''}`;
  const tooBig = () => new BadInput(`--format dot draws at most ${limit.toLocaleString('en-US')} states and ${what} has more; pick a smaller model (e.g. --set N=2) or raise --max-states`);
  if (result.stopReason === 'max-states') throw tooBig();
  if (!result.complete) throw new BadInput(`--format dot needs the complete state graph, but the search stopped (${result.stopReason}); remove the bound or pick a smaller model`);
  let graph;
  try {
    graph = exploreGraph(model, limit, flags['max-depth']);
  } catch (e) {
    if (e instanceof GraphTooLarge) throw tooBig();
    throw e;
  }
  const picked = pickTrace(result, flags.property);
  const highlight = picked !== undefined ? { trace: picked.p.trace, property: picked.p.name, failures: picked.kind === 'violation' ? failures(picked.p) : [] } : undefined;
  process.stdout.write(graphToDot(model, graph, { title: `gupcheck check ${what}: ${graph.states.length} states, ${graph.edges.length} transitions`, full: flags.full === true, ...(highlight !== undefined ? { highlight } : {}) }));
  return code;
}

export const COMPARE_FLAGS = { models: 'value', add: 'multi', scenario: 'multi', json: 'bool', detail: 'bool', traces: 'bool', exact: 'bool', quiet: 'bool', 'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value', 'max-depth': 'value', fairness: 'value', 'no-liveness': 'bool' } as const;

/** Every proposal against every property on the same scenarios. */
async function cmdCompare(argv: string[]): Promise<number> {
  const args = parseArgs(argv, COMPARE_FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (scenarios go after --scenario)`);
  const { models, scenario, add, detail, traces, ...rest } = args.flags;
  const flags = decodeCheckFlags(rest);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const run = await runComparisonFromFlags(models, scenario, toCheckOptions(flags.right), flags.right.quiet, await addedProposals(add));
  const { rows, cross, chosen } = run;
  if (flags.right.json === true) {
    process.stdout.write(JSON.stringify({
      schemaVersion: CHECK_SCHEMA_VERSION,
      rows: rows.map((r) => ({ proposal: r.proposal, scenario: r.scenario, exitCode: exitCodeOf(r.result), result: r.result })),
      crossReplay: cross,
      coverage: coverageAcross(rows),
    }) + '\n');
  } else {
    const states = rows.reduce((a, r) => a + r.result.stats.states, 0);
    const seconds = rows.reduce((a, r) => a + r.result.stats.seconds, 0);
    const out: string[] = [
      `gupcheck compare: ${chosen.length} proposals × ${new Set(rows.map((r) => r.scenario)).size} scenarios, ${rows.filter((r) => r.result.complete).length} of ${rows.length} searches complete, ${states.toLocaleString('en-US')} states, ${seconds.toFixed(1)} s`,
      '',
      ...renderOverview(rows, { familyTitle: (f) => KERNEL_PROPERTIES.find((k) => k.id === f)?.title }),
      '',
    ];
    // Per-scenario tables with --detail, or when scenarios were chosen.
    if (detail === true || scenario !== undefined) {
      out.push('cells: holds | violated (N steps: the shortest counterexample; "lasso": a liveness counterexample whose last steps repeat forever) | latent (N steps: a wrong release with no effect in this era, a real one once pins are counted) | vacuous (the situation the property guards was never reached) | n/a (the scenario or era cannot exercise it) | incomplete', '');
      out.push(...renderScenarioTables(rows, run.about));
    }
    if (traces === true) {
      out.push('== Counterexamples (shortest; proposals that take exactly the same steps, labelled alike, share one)', '');
      for (const c of cellTraces(rows)) {
        const loop = c.property.loop;
        out.push(`${c.scenario} / ${c.property.name} ${traceVerb(c.property.name)} in ${c.property.trace.length - 1} steps${loop !== undefined ? ` (a lasso: steps ${loop + 1}–${c.property.trace.length - 1} repeat forever)` : ''} on ${c.proposals.join(', ')}: ${c.property.description}`);
        if (c.property.detail !== undefined && loop !== undefined) out.push(`  (${c.property.detail})`);
        out.push(...renderTrace(c.property.trace, loop !== undefined ? { loop } : {}));
        out.push('');
      }
    }
    out.push(...renderCoverageAcross(coverageAcross(rows)), '');
    if (detail === true && cross.length > 0) {
      out.push(`== Cross-replay: each ${run.reference} counterexample on the other proposals (does the proposal stop this interleaving?)`, '');
      out.push(...renderCrossReplays(cross, rows));
    }
    if (detail !== true || traces !== true) {
      out.push(`more: ${[detail !== true ? '--detail (a table per scenario, the cross-replay)' : '', traces !== true ? '--traces (every counterexample step by step)' : ''].filter((x) => x !== '').join(', ')}; gupcheck report (HTML, or --format text for a mailing list); gupcheck list properties`);
    }
    process.stdout.write(out.join('\n') + '\n');
  }
  // The comparison succeeds when every search finished; its violations are its findings.
  return rows.every((r) => r.result.complete && !r.result.properties.some((p) => p.status === 'unknown')) ? EXIT.OK : EXIT.INCOMPLETE;
}

export const REPLAY_FLAGS = { model: 'value', property: 'value', scenario: 'value', json: 'bool' } as const;

/** Replay a saved counterexample on its own model (verifying it) or on another one. */
async function cmdReplay(argv: string[]): Promise<number> {
  const args = parseArgs(argv, REPLAY_FLAGS);
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('replay needs a trace file: save one with gupcheck check MODEL --format json > trace.json');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const { model: other, property, scenario, json } = args.flags;
  const saved = loadTrace(file, typeof property === 'string' ? property : undefined);
  const name = typeof other === 'string' ? other : saved.model;
  // Only --model may be a path; a trace file's own model name is looked up, never loaded.
  const entry = typeof other === 'string' && isModulePath(other) ? (await loadModule(other)).entry : findModel(name);
  if (entry === undefined) throw new BadInput(`${file}: unknown model '${name}'${didYouMean(name, MODELS.map((m) => m.name))} (models: ${MODELS.map((m) => m.name).join(', ')}; or give --model PATH for a module)`);
  // --scenario: the scenario file the trace was recorded on, when it is not a shipped one; else the
  // file the report recorded, if it did (unchanged since), else the scenario by its name.
  const recorded = typeof scenario === 'string' ? undefined : recordedInput(saved, file);
  const params = typeof scenario === 'string' ? { ...saved.params, scenario } : recorded !== undefined ? { ...saved.params, scenario: recorded } : saved.params;
  const { result, verdict } = replaySaved(saved, buildFor(entry, params, file), file);
  process.stdout.write((json === true ? JSON.stringify(replayReport(verdict)) : renderReplay(saved, result, verdict)) + '\n');
  return verdict.outcome === 'violated' ? EXIT.VIOLATED : EXIT.OK;
}

/** Where to look next after a usage error in `cmd`. */
const nextStep = (cmd: string | undefined): string =>
  cmd !== undefined && HELP[cmd] !== undefined ? `; see gupcheck ${cmd} --help` : '; see gupcheck help';

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      const topic = cmd === 'help' ? (rest[0] === '--help' || rest[0] === '-h' ? 'help' : rest[0]) : undefined;
      const text = topic === undefined ? HELP['main'] : HELP[topic];
      if (text === undefined) throw new UsageError(`no help for '${topic}' (commands: ${COMMANDS})`);
      process.stdout.write(text + '\n');
      return cmd === undefined ? EXIT.BAD_INPUT : EXIT.OK;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const text = HELP[cmd];
      if (text === undefined) throw new UsageError(`unknown command '${cmd}'${didYouMean(cmd, COMMANDS.split(', '))} (commands: ${COMMANDS})`);
      process.stdout.write(text + '\n');
      return EXIT.OK;
    }
    switch (cmd) {
      case 'check': return await cmdCheck(rest);
      case 'replay': return await cmdReplay(rest);
      case 'selftest': return await cmdSelftest(rest);
      case 'list': return cmdList(rest);
      case 'compare': return await cmdCompare(rest);
      case 'history': return await cmdHistory(rest);
      case 'report': return await cmdReport(rest);
      case 'explore': return await cmdExplore(rest);
      case 'simulate': return await cmdSimulate(rest);
      case 'start': return await cmdCompare(rest);
      default: throw new UsageError(`unknown command '${cmd}'${didYouMean(cmd, COMMANDS.split(', '))} (commands: ${COMMANDS})`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`gupcheck: ${e.message}${e.message.includes('gupcheck') ? '' : nextStep(cmd)}\n`);
      return EXIT.BAD_INPUT;
    }
    if (e instanceof BadInput || e instanceof ParamError || e instanceof InputError || e instanceof SchemaError || e instanceof ModelError ||
      e instanceof ModelFault || e instanceof HookError || e instanceof ProposalError || e instanceof ExtraStateError || e instanceof BugError) {
      process.stderr.write(`gupcheck: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    throw e;
  }
}
