// A model entry: how the CLI finds a model and builds it from `--set` parameters.

import type { Model, ParamValue } from './model.js';

export type ParamSpec =
  | { readonly name: string; readonly kind: 'int'; readonly min: number; readonly max: number; readonly default: number; readonly description: string }
  | { readonly name: string; readonly kind: 'bool'; readonly default: boolean; readonly description: string }
  | { readonly name: string; readonly kind: 'enum'; readonly values: readonly string[]; readonly default: string; readonly description: string };

export interface ModelEntry {
  readonly name: string;
  /** Which shelf it sits on in `gupcheck list` (e.g. "classic", "proposal"). */
  readonly group: string;
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Models built from an input document (the CLI's --scenario): its default and the named ones. */
  readonly input?: {
    readonly option: string;
    readonly default: string;
    readonly names: () => readonly string[];
    /** One line about an input (shown above its results), if it can be read. */
    readonly about?: (input: string) => string | undefined;
  };
  /**
   * A module that exports this entry by itself (its URL and export name): a
   * worker thread imports that instead of the whole registry, which starts it
   * sooner (a small model's module can load in a tenth of the time of a
   * registry that imports every model and its input decoders).
   */
  readonly module?: { readonly url: string; readonly export: string };
  /** Build the model; `input` is the --scenario argument (a name or a path) for entries that take one. */
  build(params: Readonly<Record<string, ParamValue>>, input?: string): Model;
}

export class ParamError extends Error {}

/**
 * How a worker thread builds this entry's model (CheckOptions.source): from
 * the entry's own module when it names one, else from the registry (a module
 * exporting an array of entries).
 */
export function entrySource(
  entry: ModelEntry, registry: { readonly url: string; readonly export: string },
  params: Readonly<Record<string, ParamValue>>, input?: string,
): { readonly module: string; readonly export: string; readonly entry: string; readonly params: Readonly<Record<string, ParamValue>>; readonly input?: string } {
  const at = entry.module ?? registry;
  return { module: at.url, export: at.export, entry: entry.name, params, ...(input !== undefined ? { input } : {}) };
}

/** A model's input document (e.g. a scenario file) is missing or malformed: one line, exit 2. */
export class InputError extends Error {}

/** Parse `NAME=VALUE` strings against an entry's parameter specs; defaults fill the rest. */
export function resolveParams(entry: ModelEntry, assignments: readonly string[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of entry.params) out[p.name] = p.default;
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ParamError(`--set ${a}: expected NAME=VALUE`);
    const name = a.slice(0, eq);
    const raw = a.slice(eq + 1);
    const spec = entry.params.find((p) => p.name === name);
    if (spec === undefined) {
      const known = entry.params.map((p) => p.name).join(', ') || 'none';
      throw new ParamError(`model ${entry.name} has no parameter '${name}' (parameters: ${known})`);
    }
    out[name] = parseParam(entry.name, spec, raw);
  }
  return out;
}

function parseParam(model: string, spec: ParamSpec, raw: string): ParamValue {
  switch (spec.kind) {
    case 'int': {
      const v = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(v) || v < spec.min || v > spec.max) {
        throw new ParamError(`${model}: ${spec.name}=${raw} is out of range (expected an integer in ${spec.min}..${spec.max})`);
      }
      return v;
    }
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ParamError(`${model}: ${spec.name}=${raw} is not a boolean (expected true or false)`);
    case 'enum':
      if (!spec.values.includes(raw)) throw new ParamError(`${model}: ${spec.name}=${raw} is not one of ${spec.values.join('|')}`);
      return raw;
  }
}
