// Run SPIN on a Promela model and read its figures, for cross-checking the
// engine's state counts (test/spin.test.ts) and for timing comparisons.
//
// Steps: `spin -a` (generates pan.c) in a scratch directory, `gcc` to build
// pan, run pan, parse its report. pan exits 0 even when it finds errors, so
// everything of interest comes from its output, never from its exit code.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface SpinOptions {
  /** Path to the .pml file. */
  readonly pml: string;
  /** Preprocessor macros, passed to spin as -DNAME=VALUE (a value of '' gives plain -DNAME). */
  readonly defines?: Record<string, string | number>;
  /** Options for spin itself besides -a and the defines, e.g. ['-o1']. Default: none. */
  readonly spinArgs?: readonly string[];
  /** gcc flags for compiling pan.c. Default: DEFAULT_CFLAGS (a full search, no partial-order reduction). */
  readonly cflags?: readonly string[];
  /** Arguments for pan. Default: DEFAULT_PAN_ARGS. */
  readonly panArgs?: readonly string[];
  /**
   * Directory to generate and build in. Default: a fresh directory under
   * os.tmpdir(), removed afterwards. A given directory is kept, so pan.c and
   * any trail file can be inspected.
   */
  readonly workDir?: string;
}

export interface SpinResult {
  /** "N states, stored". */
  readonly statesStored: number;
  /** "N states, matched". */
  readonly statesMatched: number;
  /** "N transitions (= stored+matched)": every arrival at a state, the initial one included. */
  readonly transitions: number;
  /** "depth reached N": the longest DFS stack, or the number of BFS levels - 1 with -DBFS. */
  readonly depthReached: number;
  /** "errors: N". */
  readonly errors: number;
  /** pan's "error: max search depth too small": the search was cut off (raise -m). */
  readonly depthLimitHit: boolean;
  /** pan's own "pan: elapsed time" (in 0.01 s clock ticks). */
  readonly seconds: number;
  /** pan's "pan: rate" line; null when pan prints none, which it does when elapsed time <= 0.01 s. */
  readonly ratePerSecond: number | null;
  /** The exact commands run, for messages. */
  readonly commands: readonly string[];
  /** pan's standard output. */
  readonly output: string;
}

export const DEFAULT_CFLAGS: readonly string[] = ['-O2', '-DSAFETY', '-DNOREDUCE'];
export const DEFAULT_PAN_ARGS: readonly string[] = ['-m1000000'];

const INSTALL_HINT = "install Debian's `spin` package (apt-get install spin) and gcc";

function canRun(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}

/** Are both spin and gcc installed and runnable? */
export function spinAvailable(): boolean {
  return canRun('spin', ['-V']) && canRun('gcc', ['--version']);
}

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new Error(`\`${cmd}\` was not found on PATH: ${INSTALL_HINT}`));
      else reject(new Error(`could not run \`${cmd}\`: ${e.message}`));
    });
    child.on('close', (code) => {
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const show = (cmd: string, args: readonly string[]) => [cmd, ...args].join(' ');

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Parse pan's report. Throws if a figure that every complete report carries is missing. */
export function parsePanOutput(output: string): Omit<SpinResult, 'commands' | 'output'> {
  const num = (re: RegExp, what: string): number => {
    const m = re.exec(output);
    const v = m === null ? NaN : Number(m[1]);
    if (!Number.isFinite(v)) {
      throw new Error(`could not parse ${what} from pan's output:\n${output}`);
    }
    return v;
  };
  // Figures are printed with %9.8g; for counts of 10^8 or more that switches to
  // e-notation and Number() still reads it (to 8 significant digits).
  const n = String.raw`([0-9][0-9.]*(?:e[+-]?[0-9]+)?)`;
  const rate = new RegExp(String.raw`^pan: rate\s+${n} states/second`, 'm').exec(output);
  return {
    statesStored: num(new RegExp(String.raw`^\s*${n} states, stored`, 'm'), '"states, stored"'),
    statesMatched: num(new RegExp(String.raw`^\s*${n} states, matched`, 'm'), '"states, matched"'),
    transitions: num(new RegExp(String.raw`^\s*${n} transitions \(= (?:stored|visited)\+matched\)`, 'm'), '"transitions"'),
    depthReached: num(/depth reached ([0-9]+)/, '"depth reached"'),
    errors: num(/errors: ([0-9]+)/, '"errors"'),
    depthLimitHit: /max search depth too small/.test(output),
    seconds: num(new RegExp(String.raw`^pan: elapsed time ${n} seconds`, 'm'), '"pan: elapsed time"'),
    ratePerSecond: rate === null ? null : Number(rate[1]),
  };
}

/** Generate, compile and run a SPIN verifier for `opts.pml`, and parse its report. */
export async function runSpin(opts: SpinOptions): Promise<SpinResult> {
  const pml = resolve(opts.pml);
  if (!(await exists(pml))) throw new Error(`Promela file not found: ${pml}`);
  const own = opts.workDir === undefined;
  const dir = own ? await mkdtemp(join(tmpdir(), 'gupcheck-spin-')) : resolve(opts.workDir!);
  const commands: string[] = [];
  try {
    const defines = Object.entries(opts.defines ?? {}).map(([k, v]) => (v === '' ? `-D${k}` : `-D${k}=${v}`));
    const spinArgs = [...(opts.spinArgs ?? []), ...defines, '-a', pml];
    commands.push(show('spin', spinArgs));
    const gen = await run('spin', spinArgs, dir);
    if (gen.code !== 0 || !(await exists(join(dir, 'pan.c')))) {
      throw new Error(`\`${show('spin', spinArgs)}\` failed (exit ${gen.code}):\n${gen.stdout}${gen.stderr}`);
    }

    const gccArgs = [...(opts.cflags ?? DEFAULT_CFLAGS), '-o', 'pan', 'pan.c'];
    commands.push(show('gcc', gccArgs));
    const cc = await run('gcc', gccArgs, dir);
    if (cc.code !== 0) {
      throw new Error(`\`${show('gcc', gccArgs)}\` failed (exit ${cc.code}):\n${cc.stdout}${cc.stderr}`);
    }

    const panArgs = [...(opts.panArgs ?? DEFAULT_PAN_ARGS)];
    commands.push(show('./pan', panArgs));
    const pan = await run(join(dir, 'pan'), panArgs, dir);
    let parsed: Omit<SpinResult, 'commands' | 'output'>;
    try {
      parsed = parsePanOutput(pan.stdout);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n(pan exit ${pan.code}; commands: ${commands.join(' && ')})\n${pan.stderr}`);
    }
    return { ...parsed, commands, output: pan.stdout };
  } finally {
    if (own) await rm(dir, { recursive: true, force: true });
  }
}
