// Shared by the fuzz tests: run the CLI's main() in this process (what the
// binary runs, minus process start-up, so thousands of cases fit in CI),
// the same case through the real binary, and the assertions every bad
// input must pass: exit 2, nothing on stdout, exactly one line on stderr
// naming the file and what is wrong, no stack trace.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { BIN, type Run } from './helpers/cli.js';

/** How many fuzz cases in all (npm test: 3,000; npm run fuzz: 100,000). */
export const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 3000);

/** A run of main(); `threw` is set when an exception escaped it (the binary would print "internal error", exit 70). */
export interface InProcessRun extends Run { threw?: unknown }

/**
 * main(argv) in this process with stdout and stderr captured. Not
 * reentrant: callers run cases one at a time (test.serial, awaited in turn).
 */
export async function runInProcess(argv: readonly string[]): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const capture = (into: string[]) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  let code: number;
  let threw: unknown;
  try {
    code = await main([...argv]);
  } catch (e) {
    threw = e;
    code = 70;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
  }
  return { code, stdout: out.join(''), stderr: err.join(''), ...(threw !== undefined ? { threw } : {}) };
}

/** The binary, asynchronously (so a sample can run two at a time). */
export function runBinary(argv: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('close', (code, signal) => resolve({ code: code ?? (signal !== null ? 128 : -1), stdout, stderr }));
  });
}

/** Run `jobs` with at most `n` at a time, results in order. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}

/** A fresh temporary directory for one test file's cases. */
export function caseDir(prefix: string): { dir: string; write(name: string, content: string): string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, content) {
      const f = join(dir, name);
      writeFileSync(f, content);
      return f;
    },
  };
}

/**
 * Why a run is not a clean bad-input rejection, or undefined if it is:
 * exit 2, empty stdout, one stderr line `gupcheck: FILE: MESSAGE`, no stack.
 * Returns the message after the file name.
 */
export function badInputProblem(r: InProcessRun, file: string): { problem: string } | { message: string } {
  if (r.threw !== undefined) return { problem: `an exception escaped main(): ${r.threw instanceof Error ? r.threw.stack ?? r.threw.message : String(r.threw)}` };
  if (r.code !== 2) return { problem: `exit ${r.code}, not 2 (stderr: ${JSON.stringify(r.stderr.slice(0, 300))})` };
  if (r.stdout !== '') return { problem: `stdout is not empty: ${JSON.stringify(r.stdout.slice(0, 200))}` };
  if (!r.stderr.endsWith('\n') || r.stderr.indexOf('\n') !== r.stderr.length - 1) return { problem: `stderr is not exactly one line: ${JSON.stringify(r.stderr.slice(0, 300))}` };
  if (/\n\s+at |\bat .*\.js:\d+:\d+/.test(r.stderr)) return { problem: `stderr has a stack trace: ${r.stderr}` };
  const prefix = `gupcheck: ${file}: `;
  if (!r.stderr.startsWith(prefix)) return { problem: `stderr does not start with '${prefix}': ${JSON.stringify(r.stderr.slice(0, 300))}` };
  return { message: r.stderr.slice(prefix.length, -1) };
}

// --- JSON paths as the messages write them ---------------------------------------

/** Split a message's JSON path (`a.b[2]["odd key"]`) into keys; undefined if it does not parse. */
export function parsePath(path: string): string[] | undefined {
  if (path === '(top level)') return [];
  const keys: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '.') i++;
    if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) keys.push(inner);
      else {
        try {
          keys.push(JSON.parse(inner) as string);
        } catch {
          return undefined;
        }
      }
      i = close + 1;
      continue;
    }
    const m = /^[A-Za-z_$][A-Za-z0-9_$-]*/.exec(path.slice(i));
    if (m === null) return undefined;
    keys.push(m[0]);
    i += m[0].length;
  }
  return keys;
}

/** A key as JSON, with the characters a message escapes to stay on one line (C1 controls, DEL, line separators) escaped too. */
const quoteKey = (s: string): string =>
  JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Render keys the way messages do (the inverse of parsePath for plain keys). */
export function renderPath(keys: readonly (string | number)[]): string {
  let p = '';
  for (const k of keys) {
    const s = String(k);
    if (/^\d+$/.test(s)) p += `[${s}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s) && s.length <= 40) p += p === '' ? s : `.${s}`;
    else p += `[${quoteKey(s)}]`;
  }
  return p === '' ? '(top level)' : p;
}

/** Does the path name a place in `doc`: every key but the last present, the last present or missing (a missing field)? */
export function pathNamesPlaceIn(doc: unknown, keys: readonly string[]): boolean {
  let cur: unknown = doc;
  for (let i = 0; i < keys.length; i++) {
    if (typeof cur !== 'object' || cur === null) return false;
    const k = keys[i]!;
    const has = Object.prototype.hasOwnProperty.call(cur, k);
    if (!has) return i === keys.length - 1;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

/** The path of an "at PATH: ..." message, or undefined. */
export function messagePath(message: string): string | undefined {
  // Paths never contain ': ' outside a quoted key; quoted keys are JSON strings.
  const m = /^at ((?:[^:"[]|\[(?:\d+|"(?:[^"\\]|\\.)*")\])+|\(top level\)): /.exec(message);
  return m?.[1];
}
