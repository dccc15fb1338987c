// gupcheck command line. Every failure is one line on stderr and a distinct
// exit code; a search that did not finish never reports "holds".

import { isLeft } from 'fp-ts/lib/Either.js';
import { Checker, type CheckOptions } from '../engine/checker.js';
import { ModelError } from '../engine/model.js';
import { InputError, ParamError, resolveParams, type ModelEntry } from '../engine/registry.js';
import { CHECK_SCHEMA_VERSION, type CheckReport, type CheckResult } from '../engine/result.js';
import { SchemaError } from '../engine/schema.js';
import { MODELS, findModel } from '../../models/index.js';
import { parseArgs, UsageError } from './args.js';
import { CHECK_FLAGS, decodeCheckFlags, toCheckOptions } from './options.js';
import { renderResult } from './render.js';

export const EXIT = { OK: 0, VIOLATED: 1, BAD_INPUT: 2, INCOMPLETE: 3 } as const;

/** 1 if anything was violated or vacuous; else 3 if the search did not finish; else 0. */
export function exitCodeOf(r: CheckResult): number {
  if (r.properties.some((p) => p.status === 'violated' || p.status === 'vacuous')) return EXIT.VIOLATED;
  if (!r.complete) return EXIT.INCOMPLETE;
  return EXIT.OK;
}

class BadInput extends Error {}

const HELP: Record<string, string> = {
  main: `gupcheck: a bounded, exhaustive model checker for get_user_pages / pinning designs

usage: gupcheck <command> [options]

commands:
  check <model>   explore every reachable state of one model and check its properties
  list            list the models and their parameters
  start           the main job (today: every classic model at its default parameters)
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
  start: `usage: gupcheck start [--json]

The main job. Until the kernel models land it checks every classic model at its
default parameters and prints one summary line each.`,
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
    process.stdout.write(JSON.stringify(MODELS.map((m) => ({ name: m.name, group: m.group, description: m.description, params: m.params }))) + '\n');
    return EXIT.OK;
  }
  const lines: string[] = [];
  for (const group of [...new Set(MODELS.map((m) => m.group))]) {
    lines.push(`${group} models:`);
    for (const m of MODELS.filter((x) => x.group === group)) {
      lines.push(`  ${m.name.padEnd(16)} ${m.description}`);
      for (const p of m.params) {
        const range = p.kind === 'int' ? `${p.min}..${p.max}` : p.kind === 'bool' ? 'true|false' : p.values.join('|');
        lines.push(`    --set ${`${p.name}=${range}`.padEnd(36)} ${p.description} (default ${p.default})`);
      }
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.OK;
}

async function cmdStart(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { json: 'bool' });
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'`);
  const results: CheckResult[] = [];
  for (const entry of MODELS) {
    const checker = new Checker(buildModel(entry, []), toCheckOptions({}));
    results.push(await runInterruptibly(checker, false));
  }
  if (args.flags['json'] === true) {
    process.stdout.write(JSON.stringify(results.map((r) => ({ schemaVersion: CHECK_SCHEMA_VERSION, exitCode: exitCodeOf(r), ...r }))) + '\n');
  } else {
    const rows = results.map((r) => {
      const verdicts = r.properties.map((p) => `${p.name}: ${p.status === 'violated' ? `violated (${(p.trace?.length ?? 1) - 1} steps)` : p.status}`).join(', ');
      const ps = Object.entries(r.params).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k}=${v}`).join(' ');
      return `  ${`${r.model} ${ps}`.padEnd(26)} ${r.stats.states.toLocaleString('en-US').padStart(11)} states ${r.stats.seconds.toFixed(2).padStart(6)} s  ${r.complete ? '' : 'INCOMPLETE  '}${verdicts}`;
    });
    process.stdout.write(['gupcheck: classic models at their default parameters', ...rows].join('\n') + '\n');
  }
  // The main job succeeds when every search finished; its violations are findings, not failures.
  return results.every((r) => r.complete) ? EXIT.OK : EXIT.INCOMPLETE;
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
      if (text === undefined) throw new UsageError(`unknown command '${cmd}' (commands: check, list, start, help)`);
      process.stdout.write(text + '\n');
      return EXIT.OK;
    }
    switch (cmd) {
      case 'check': return await cmdCheck(rest);
      case 'list': return cmdList(rest);
      case 'start': return await cmdStart(rest);
      default: throw new UsageError(`unknown command '${cmd}' (commands: check, list, start, help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof BadInput || e instanceof ParamError || e instanceof InputError || e instanceof SchemaError || e instanceof ModelError) {
      process.stderr.write(`gupcheck: ${e.message}\n`);
      return EXIT.BAD_INPUT;
    }
    throw e;
  }
}
