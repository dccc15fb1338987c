// A small argv parser: flags are declared per command, so an unknown flag is
// a usage error rather than something silently ignored. Values stay strings
// here; io-ts codecs in options.ts turn them into typed options.

import { didYouMean } from '../io/suggest.js';


export type FlagKind = 'bool' | 'value' | 'multi';
export type FlagSpec = Readonly<Record<string, FlagKind>>;

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | boolean | string[]>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}${didYouMean(name, Object.keys(spec), (c) => `--${c}`)}`);
    if (kind === 'bool') {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (kind === 'multi') {
      const prev = flags[name];
      flags[name] = Array.isArray(prev) ? [...prev, value] : [value];
    } else {
      if (flags[name] !== undefined) throw new UsageError(`--${name} given twice`);
      flags[name] = value;
    }
  }
  return { positionals, flags };
}
