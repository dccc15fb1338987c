// gupcheck command line. Every failure is one line on stderr and a distinct
// exit code; a search that did not finish never reports "holds".

import { isLeft } from 'fp-ts/lib/Either.js';
import { Checker, type CheckOptions } from '../engine/checker.js';
import { ModelError } from '../engine/model.js';
import { InputError, ParamError, resolveParams, type ModelEntry } from '../engine/registry.js';
import { CHECK_SCHEMA_VERSION, REPLAY_SCHEMA_VERSION, type CheckReport, type CheckResult } from '../engine/result.js';
import { SchemaError } from '../engine/schema.js';
import { MODELS, findModel } from '../../models/index.js';
import { parseArgs, UsageError } from './args.js';
import { CHECK_FLAGS, decodeCheckFlags, toCheckOptions } from './options.js';
import { cellTraces, crossReplays, referenceOf, renderCrossReplays, renderScenarioTables, type CompareRow } from './compare.js';
import { renderResult, renderTrace } from './render.js';
import { cmdSelftest, SELFTEST_HELP } from './selftest.js';
import { buildFor, loadTrace, renderReplay, replayReport, replaySaved } from './replay.js';

export const EXIT = { OK: 0, VIOLATED: 1, BAD_INPUT: 2, INCOMPLETE: 3 } as const;

/** 1 if anything was violated or vacuous; else 3 if the search did not finish; else 0. */
export function exitCodeOf(r: CheckResult): number {
  if (r.properties.some((p) => p.status === 'violated' || p.status === 'vacuous')) return EXIT.VIOLATED;
  if (!r.complete) return EXIT.INCOMPLETE;
  return EXIT.OK;
}

class BadInput extends Error {}

const COMMANDS = 'compare, check, replay, selftest, list, start, help';

const HELP: Record<string, string> = {
  selftest: SELFTEST_HELP,
  main: `gupcheck: a bounded, exhaustive model checker for get_user_pages / pinning designs

usage: gupcheck <command> [options]

commands:
  compare         every proposal against every property on the shipped scenarios (the main job)
  check <model>   explore every reachable state of one model and check its properties
  replay TRACE    replay a saved counterexample (check --json) on its model or another one
  selftest        the rows of the kernel's cow.c and gup_longterm.c selftests, on modern or --model
  list            list the models, their parameters and the scenarios
  start           the main job: compare on the default scenarios
  help [command]  show help for a command

exit codes: 0 complete search, all properties hold; 1 a property violated or vacuous
(or a deadlock); 2 bad input or usage; 3 search incomplete (a bound or an interrupt).`,
  check: `usage: gupcheck check <model> [--scenario NAME|FILE] [--set NAME=VALUE ...] [--json] [--exact]
                       [--max-depth N] [--max-states N] [--time-limit SECONDS]
                       [--max-memory MIB] [--no-deadlock] [--quiet]

  --scenario S      for a kernel proposal: a scenario name (models/scenarios/S.json) or a path
  --set NAME=VALUE  set a model parameter (see 'gupcheck list')
  --json            print one JSON object (schemaVersion ${CHECK_SCHEMA_VERSION}) on stdout
  --exact           store full states instead of 64-bit fingerprints (no collision risk)
  --max-depth N     explore at most N steps from an initial state
  --max-states N    stop after N distinct states
  --time-limit S    stop after S seconds
  --max-memory M    stop before the search's tables exceed M MiB (default: half of RAM)
  --no-deadlock     do not report states without enabled actions
  --quiet           no progress line on stderr

example:
  $ gupcheck check peterson --set N=3
  model peterson N=3 mutant=false unreachableWitness=false
    search: complete, fingerprint mode
    12,498 distinct states, 33,369 transitions, 54 BFS levels (max depth 53)
  ...`,
  list: `usage: gupcheck list [--json]

Lists every model with its description and parameters.`,
  compare: `usage: gupcheck compare [--models a,b,...] [--scenario S ...] [--json] [--exact] [bounds]

Checks every proposal (or those named) against every property on the same
scenarios (default: every shipped scenario but bench-*), prints the matrix
(one row per proposal and scenario, one column per invariant), then the
shortest trace of every violation, then each violation of the baseline row
(or of the first compared proposal) replayed on the other proposals of its
scenario: runs and still violated, runs and not violated, or the first step
the proposal refuses. Exit 0 when every search finished.`,
  replay: `usage: gupcheck replay TRACE.json [--model OTHER] [--property NAME] [--json]

Replays the counterexample saved by 'gupcheck check <model> --json > TRACE.json'
step by step, on the model it was recorded on (every recorded state is then
compared with the re-executed one: an edited trace is bad input) or on another
one with the same scenario and parameters. Reports the first step that cannot
run, with what the same actor can do there instead, or, when every step runs,
which properties the path violates.

  --model OTHER    replay on OTHER instead of the trace's own model
  --property NAME  replay NAME's trace (default: the first violated property)
  --json           print one JSON object (schemaVersion ${REPLAY_SCHEMA_VERSION}) on stdout

exit codes: 1 the trace's property is still violated; 0 a step is refused or the
property is not violated; 2 bad input (unreadable or malformed trace file, unknown
model, scenario or property, a recorded state that does not match).

example:
  $ gupcheck check baseline --scenario ext4-pin-write --json > trace.json
  $ gupcheck replay trace.json --model modern
  replaying baseline / ext4-pin-write: I1 trace (12 steps) on modern
     0. initial state 0 ok
     1. pvw: pin_user_pages(FOLL_PIN|FOLL_WRITE): faultin_page → handle_mm_fault(FAULT_FLAG_WRITE) ok
  ...
     9. kswapd: try_to_unmap (zap every PTE; a dirty PTE dirties the page) ok
  modern refuses step 10 (kswapd: try_to_release_page → try_to_free_buffers (drop clean, idle buffers)): guard false; enabled for kswapd instead: kswapd: folio_maybe_dma_pinned: activate (6.4: no stripping or freeing a pinned page)`,
  start: `usage: gupcheck start [--json]

The main job: gupcheck compare on the default scenarios.`,
};

function buildModel(entry: ModelEntry, sets: readonly string[], input?: string) {
  const params = resolveParams(entry, sets);
  if (input !== undefined && entry.input === undefined) throw new UsageError(`model ${entry.name} takes no --scenario (only the kernel proposals do)`);
  return entry.build(params, input);
}

/** Run a checker in slices so SIGINT/SIGTERM and progress lines get a turn. */
export async function runInterruptibly(checker: Checker, progress: boolean): Promise<CheckResult> {
  const onSignal = () => checker.requestStop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let last = 0;
    while (!checker.runSlice(100)) {
      if (progress) {
        const now = Date.now();
        if (now - last > 500) {
          last = now;
          const p = checker.progress();
          const rate = p.seconds > 0 ? Math.round(p.states / p.seconds) : 0;
          process.stderr.write(`\r  ${p.states.toLocaleString('en-US')} states, level ${p.level}, ${rate.toLocaleString('en-US')} states/s, ${(p.bytes / 2 ** 20).toFixed(0)} MiB   `);
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (progress && last !== 0) process.stderr.write('\r\x1b[K');
    return checker.result();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function cmdCheck(argv: string[]): Promise<number> {
  const args = parseArgs(argv, CHECK_FLAGS);
  const flags = decodeCheckFlags(args.flags);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const [name, ...extra] = args.positionals;
  if (name === undefined) throw new UsageError('check needs a model name (see gupcheck list)');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const entry = findModel(name);
  if (entry === undefined) throw new BadInput(`unknown model '${name}' (models: ${MODELS.map((m) => m.name).join(', ')})`);
  const model = buildModel(entry, flags.right.set ?? [], flags.right.scenario);
  const opts: CheckOptions = toCheckOptions(flags.right);
  const json = flags.right.json === true;
  const checker = new Checker(model, opts);
  const result = await runInterruptibly(checker, !json && flags.right.quiet !== true && process.stderr.isTTY === true);
  const code = exitCodeOf(result);
  if (json) {
    const report: CheckReport = { schemaVersion: CHECK_SCHEMA_VERSION, exitCode: code, ...result };
    process.stdout.write(JSON.stringify(report) + '\n');
  } else {
    process.stdout.write(renderResult(result) + '\n');
  }
  return code;
}

function cmdList(argv: string[]): number {
  const args = parseArgs(argv, { json: 'bool' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  if (args.flags['json'] === true) {
    process.stdout.write(JSON.stringify(MODELS.map((m) => ({
      name: m.name, group: m.group, description: m.description, params: m.params,
      ...(m.input !== undefined ? { [m.input.option]: { default: m.input.default, names: m.input.names() } } : {}),
    }))) + '\n');
    return EXIT.OK;
  }
  const lines: string[] = [];
  for (const group of [...new Set(MODELS.map((m) => m.group))]) {
    lines.push(`${group} models:`);
    for (const m of MODELS.filter((x) => x.group === group)) {
      lines.push(`  ${m.name.padEnd(16)} ${m.description}`);
      if (m.input !== undefined) lines.push(`    --${m.input.option} ${m.input.names().join('|')} (default ${m.input.default}), or a path to a .json file`);
      for (const p of m.params) {
        const range = p.kind === 'int' ? `${p.min}..${p.max}` : p.kind === 'bool' ? 'true|false' : p.values.join('|');
        lines.push(`    --set ${`${p.name}=${range}`.padEnd(36)} ${p.description} (default ${p.default})`);
      }
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.OK;
}

const COMPARE_FLAGS = { models: 'value', scenario: 'multi', json: 'bool', exact: 'bool', quiet: 'bool', 'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value', 'max-depth': 'value' } as const;

/** Every proposal against every property on the same scenarios. */
async function cmdCompare(argv: string[]): Promise<number> {
  const args = parseArgs(argv, COMPARE_FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const { models, scenario, ...rest } = args.flags;
  const flags = decodeCheckFlags(rest);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const proposals = MODELS.filter((m) => m.group === 'proposal');
  let chosen = proposals;
  if (typeof models === 'string') {
    const names = models.split(',').map((x) => x.trim()).filter((x) => x !== '');
    for (const n of names) if (!proposals.some((p) => p.name === n)) throw new BadInput(`unknown proposal '${n}' (proposals: ${proposals.map((p) => p.name).join(', ')})`);
    chosen = names.map((n) => proposals.find((p) => p.name === n)!);
  }
  // Default: every shipped scenario but the benchmarks, the default scenario first.
  const input = chosen[0]?.input;
  const shipped = (input?.names() ?? []).filter((n) => !n.startsWith('bench-'));
  const scenarios = Array.isArray(scenario) ? scenario : [...shipped.filter((n) => n === input?.default), ...shipped.filter((n) => n !== input?.default)];
  const opts = toCheckOptions(flags.right);
  const rows: (CompareRow & { input: string })[] = [];
  for (const sc of scenarios) {
    for (const entry of chosen) {
      const checker = new Checker(buildModel(entry, [], sc), opts);
      const result = await runInterruptibly(checker, false);
      rows.push({ proposal: entry.name, scenario: String(result.params['scenario'] ?? sc), input: sc, result });
      if (result.stopReason === 'interrupted') break;
    }
  }
  const ref = referenceOf(chosen.map((c) => c.name));
  const byName = (n: string) => chosen.find((c) => c.name === n)!;
  const cross = ref === undefined ? [] : crossReplays(rows, ref, (r) => buildModel(byName(r.proposal), [], r.input));
  if (flags.right.json === true) {
    process.stdout.write(JSON.stringify({
      schemaVersion: CHECK_SCHEMA_VERSION,
      rows: rows.map((r) => ({ proposal: r.proposal, scenario: r.scenario, exitCode: exitCodeOf(r.result), result: r.result })),
      crossReplay: cross,
    }) + '\n');
  } else {
    const about = new Map(rows.map((r) => [r.scenario, chosen[0]?.input?.about?.(r.input)]));
    const scenarioAbout = (sc: string) => about.get(sc);
    const states = rows.reduce((a, r) => a + r.result.stats.states, 0);
    const seconds = rows.reduce((a, r) => a + r.result.stats.seconds, 0);
    const out: string[] = [
      `gupcheck compare: ${chosen.length} proposals × ${new Set(rows.map((r) => r.scenario)).size} scenarios, ${rows.filter((r) => r.result.complete).length} of ${rows.length} searches complete, ${states.toLocaleString('en-US')} states, ${seconds.toFixed(1)} s`,
      'cells: holds | violated (N steps: the shortest counterexample) | vacuous (the situation the property guards was never reached) | n/a (the scenario or era cannot exercise it) | incomplete',
      '',
      ...renderScenarioTables(rows, scenarioAbout),
      '== Counterexamples (shortest; proposals that take exactly the same steps share one)',
      '',
    ];
    for (const c of cellTraces(rows)) {
      out.push(`${c.scenario} / ${c.property.name} violated in ${c.property.trace.length - 1} steps on ${c.proposals.join(', ')}: ${c.property.description}`);
      out.push(...renderTrace(c.property.trace));
      out.push('');
    }
    if (cross.length > 0) out.push(`== Cross-replay: each ${ref} counterexample on the other proposals (does the proposal stop this interleaving?)`, '');
    out.push(...renderCrossReplays(cross, rows));
    process.stdout.write(out.join('\n') + '\n');
  }
  // The comparison succeeds when every search finished; its violations are its findings.
  return rows.every((r) => r.result.complete) ? EXIT.OK : EXIT.INCOMPLETE;
}

const REPLAY_FLAGS = { model: 'value', property: 'value', json: 'bool' } as const;

/** Replay a saved counterexample on its own model (verifying it) or on another one. */
function cmdReplay(argv: string[]): number {
  const args = parseArgs(argv, REPLAY_FLAGS);
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('replay needs a trace file (what gupcheck check --json prints)');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const { model: other, property, json } = args.flags;
  const saved = loadTrace(file, typeof property === 'string' ? property : undefined);
  const name = typeof other === 'string' ? other : saved.model;
  const entry = findModel(name);
  if (entry === undefined) throw new BadInput(`${file}: unknown model '${name}' (models: ${MODELS.map((m) => m.name).join(', ')})`);
  const { result, verdict } = replaySaved(saved, buildFor(entry, saved.params, file), file);
  process.stdout.write((json === true ? JSON.stringify(replayReport(verdict)) : renderReplay(saved, result, verdict)) + '\n');
  return verdict.outcome === 'violated' ? EXIT.VIOLATED : EXIT.OK;
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      const topic = cmd === 'help' ? rest[0] : undefined;
      const text = topic === undefined ? HELP['main'] : HELP[topic];
      if (text === undefined) throw new UsageError(`no help for '${topic}'`);
      process.stdout.write(text + '\n');
      return cmd === undefined ? EXIT.BAD_INPUT : EXIT.OK;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const text = HELP[cmd];
      if (text === undefined) throw new UsageError(`unknown command '${cmd}' (commands: ${COMMANDS})`);
      process.stdout.write(text + '\n');
      return EXIT.OK;
    }
    switch (cmd) {
      case 'check': return await cmdCheck(rest);
      case 'replay': return cmdReplay(rest);
      case 'selftest': return await cmdSelftest(rest);
      case 'list': return cmdList(rest);
      case 'compare': return await cmdCompare(rest);
      case 'start': return await cmdCompare(rest);
      default: throw new UsageError(`unknown command '${cmd}' (commands: ${COMMANDS})`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof BadInput || e instanceof ParamError || e instanceof InputError || e instanceof SchemaError || e instanceof ModelError) {
      process.stderr.write(`gupcheck: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    throw e;
  }
}
