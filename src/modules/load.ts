// Proposal and model modules given by path (`gupcheck check ./mine.js`,
// `compare --add ./mine.js`, `selftest --model ./mine.js`): import the file,
// pick its export (default, else `proposal`, else `model`), and decode it at
// the edge — a module of the wrong shape is one line naming the file and
// the missing or ill-typed field, never a stack trace.
//
// What a module may export:
//  - a proposal: defineProposal({...}) from 'gupcheck', or a plain object
//    with name/title/changes/notes (and base, settings, state, hooks,
//    actions, properties), which is checked the same way;
//  - a model entry: { name, description?, params?, build(params, input?) };
//  - a Model: { name, layout, init, actions, properties, … } for the engine.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Model } from '../engine/model.js';
import { InputError, resolveParams, type ModelEntry } from '../engine/registry.js';
import { describeErrors, oneLine } from '../io/decode.js';
import { buildKernel, proposalEntry, resolveScenario } from '../../models/kernel/build.js';
import { ExtraStateError } from '../../models/kernel/kernel.js';
import { defineProposal, PROPOSAL_KIND, ProposalError, HookError, type Proposal, type ProposalDef } from '../../models/kernel/proposal.js';

/** Does this command-line word name a file rather than a registered model? */
export const isModulePath = (arg: string): boolean => /[\\/]/.test(arg) || /\.(m?js|cjs|ts)$/.test(arg);

const fn = new t.Type<(...a: unknown[]) => unknown, unknown, unknown>('a function', (u): u is (...a: unknown[]) => unknown => typeof u === 'function', (u, c) => (typeof u === 'function' ? t.success(u as (...a: unknown[]) => unknown) : t.failure(u, c)), (x) => x);
const text = new t.Type<string, string, unknown>('a non-empty string', (u): u is string => typeof u === 'string' && u !== '', (u, c) => (typeof u === 'string' && u !== '' ? t.success(u) : t.failure(u, c)), String);
const proposalObject = new t.Type<Proposal, Proposal, unknown>('a proposal (defineProposal)', (u): u is Proposal => typeof u === 'object' && u !== null && (u as Proposal).kind === PROPOSAL_KIND, (u, c) => (typeof u === 'object' && u !== null && (u as Proposal).kind === PROPOSAL_KIND ? t.success(u as Proposal) : t.failure(u, c)), (x) => x);
const settingValue = t.union([t.boolean, t.number, t.string]);

/** The shape of a proposal definition (defineProposal checks the rest: names, settings). */
export const ProposalDefC = t.intersection([
  t.type({ name: text, title: text, changes: text, notes: text }),
  t.partial({
    era: t.string,
    base: proposalObject,
    settings: t.record(t.string, t.union([settingValue, t.type({ default: settingValue, about: t.string })])),
    state: fn, hooks: fn, actions: fn, properties: fn,
  }),
], 'proposal');

export const ModelEntryC = t.intersection([
  t.type({ name: text, build: fn }),
  t.partial({ description: t.string, group: t.string, params: t.array(t.unknown) }),
], 'model entry');

export const ModelC = t.type({
  name: text,
  layout: t.type({ words: t.number, blank: fn, toJSON: fn }),
  init: t.array(t.unknown),
  actions: t.array(t.type({ name: t.string, label: t.string, enabled: fn, apply: fn })),
  properties: t.array(t.type({ name: t.string, kind: t.string, description: t.string })),
}, 'model');

export type LoadedModule =
  | { readonly kind: 'proposal'; readonly file: string; readonly proposal: Proposal; readonly entry: ModelEntry }
  | { readonly kind: 'model'; readonly file: string; readonly entry: ModelEntry };

const bad = (file: string, what: string) => new InputError(`${file}: ${what}`);

/** Import a module by path and decode its proposal or model export. */
export async function loadModule(file: string): Promise<LoadedModule> {
  const abs = resolve(file);
  if (!existsSync(abs)) throw bad(file, 'no such file');
  if (/\.ts$/.test(abs)) throw bad(file, 'a TypeScript file: compile it to .js first (tsc), then give the .js file');
  let mod: Record<string, unknown>;
  // Node prints its own multi-line warning for a file it cannot load as an ES module; the error
  // below says what to do in one line, so Node's warnings are held back while the file loads.
  const warned = process.listeners('warning');
  process.removeAllListeners('warning');
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof HookError || e instanceof ProposalError) throw bad(file, e.message);
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    const hint = /gupcheck/.test(msg) && /Cannot find (package|module)/.test(msg) ? ' (install gupcheck where the module can import it: npm install gupcheck)'
      : /import statement outside a module|Unexpected token 'export'/.test(msg) ? ' (it is an ES module: name it .mjs, or set "type": "module" in its package.json)' : '';
    throw bad(file, `cannot load it: ${oneLine(msg, 200)}${hint}`);
  } finally {
    // The warning is emitted on a later tick of the same load: restore once that has run.
    await new Promise<void>((r) => setImmediate(r));
    for (const l of warned) process.on('warning', l);
  }
  const name = ['default', 'proposal', 'model'].find((n) => mod[n] !== undefined);
  if (name === undefined) {
    const have = Object.keys(mod);
    throw bad(file, `exports no proposal or model: export one as default (or as 'proposal' or 'model')${have.length > 0 ? `; it exports ${have.join(', ')}` : ''}`);
  }
  const exp = mod[name];
  const where = name === 'default' ? 'its default export' : `its export '${name}'`;
  const obj = typeof exp === 'object' && exp !== null ? (exp as Record<string, unknown>) : undefined;
  if (obj !== undefined && (obj['kind'] === PROPOSAL_KIND || 'title' in obj || 'changes' in obj || 'hooks' in obj || 'base' in obj)) {
    const d = ProposalDefC.decode(exp);
    if (isLeft(d)) throw bad(file, `${where} is not a proposal: ${describeErrors(d.left)}`);
    let proposal: Proposal;
    try {
      // Checked again even when it says it came from defineProposal (it may have been built by hand).
      proposal = defineProposal(exp as ProposalDef);
    } catch (e) {
      if (e instanceof ProposalError || e instanceof HookError) throw bad(file, e.message);
      throw e;
    }
    // Build it once on the default scenario, so mistakes only a built model shows (a hook name,
    // a field, a hook, action or property that throws while it is set up) name this file.
    try {
      buildKernel(resolveScenario(undefined), proposal);
    } catch (e) {
      if (e instanceof ProposalError || e instanceof HookError || e instanceof ExtraStateError) throw bad(file, e.message);
      throw e;
    }
    return { kind: 'proposal', file, proposal, entry: proposalEntry(proposal) };
  }
  if (obj !== undefined && typeof obj['build'] === 'function') {
    const d = ModelEntryC.decode(exp);
    if (isLeft(d)) throw bad(file, `${where} is not a model entry: ${describeErrors(d.left)}`);
    const e = exp as Partial<ModelEntry> & Pick<ModelEntry, 'name' | 'build'>;
    const entry: ModelEntry = { ...e, group: e.group ?? 'module', description: e.description ?? '', params: e.params ?? [] };
    return { kind: 'model', file, entry };
  }
  if (obj !== undefined && 'layout' in obj) {
    const d = ModelC.decode(exp);
    if (isLeft(d)) throw bad(file, `${where} is not a model: ${describeErrors(d.left)}`);
    const m = exp as Model;
    return { kind: 'model', file, entry: { name: m.name, group: 'module', description: `model from ${file}`, params: [], build: () => m } };
  }
  throw bad(file, `${where} is neither a proposal (defineProposal({ name, title, changes, notes, base, hooks … })), a model entry ({ name, build }) nor a model ({ name, layout, init, actions, properties })`);
}

/**
 * How a worker thread builds a module's model: this module's export, with
 * the file, the entry's parameters and its scenario (CheckOptions.source).
 */
export async function buildModuleModel(file: string, params: Readonly<Record<string, string | number | boolean>>, input?: string): Promise<Model> {
  const loaded = await loadModule(file);
  return loaded.entry.build(resolveParams(loaded.entry, Object.entries(params).map(([k, v]) => `${k}=${String(v)}`)), input);
}
