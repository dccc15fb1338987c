// The proposal API: a design (or a kernel release) is one module that names
// the proposal it builds on and states its whole delta — its settings, the
// code it runs at the kernel core's hook points (hooks.ts), and any state
// fields, actions and properties of its own. Everything else is the base's.
//
//   export default defineProposal({
//     name: 'wb-skip-pinned', base: modern,
//     title: '…', changes: '…', notes: '…',
//     settings: { longtermFileWriteBan: false },
//     hooks: ({ k, base }) => ({ writebackSteps: (point, mode) => … }),
//   });

import { ModelFault, type Action, type Property } from '../../src/engine/model.js';
import { FieldRangeError, type FieldSpec } from '../../src/engine/schema.js';
import { HOOK_NAMES, baselineHooks, type BranchStep, type KernelHooks, type NoBuffersStep } from './hooks.js';
import { coreFieldNames, type ExtraState, type Kernel } from './kernel.js';
import type { Shape } from './shape.js';

export type SettingValue = boolean | number | string;
/** A setting a proposal introduces: its value and what it switches. */
export interface SettingDecl {
  readonly default: SettingValue;
  readonly about: string;
}
export type Settings = Readonly<Record<string, SettingValue>>;

/** What a proposal's hook code is given: the kernel it runs in, the hooks it builds on, and every setting. */
export interface HookContext {
  /** The built kernel: field handles (k.pg[p].PG_dirty, k.hd[h].pc, k.pageField('mine')), queries and kernel functions. */
  readonly k: Kernel;
  /** The hooks of the base proposal: call them for "otherwise as before". */
  readonly base: KernelHooks;
  /** Every setting of the chain, with overrides applied (a derived proposal's override reaches its base's code). */
  readonly settings: Settings;
}

/**
 * A commit a kernel release merged: its id and subject (as in the kernel's
 * history), and its code at the hook points — the same parts a proposal
 * has. A release is its base release plus its commits, applied in order,
 * so `gupcheck history` can name the commit that flips a verdict.
 */
export interface Commit {
  /** The commit id, 12 hex digits. */
  readonly id: string;
  /** Its subject line. */
  readonly subject: string;
  /** What it changes, in the model's terms (one line). */
  readonly what: string;
  /** Stable releases it was backported to, where that changes what a distribution kernel does. */
  readonly backports?: readonly string[];
  readonly state?: (sh: Shape, settings: Settings) => ExtraState;
  readonly hooks?: (ctx: HookContext) => Partial<KernelHooks>;
  readonly actions?: (k: Kernel, settings: Settings) => readonly Action[];
  readonly properties?: (k: Kernel, settings: Settings) => readonly Property[];
  /** Function names this commit renames (the model's key → the new name), for trace labels. */
  readonly words?: Readonly<Record<string, string>>;
}

export interface ProposalDef {
  /** CLI name, e.g. "wb-skip-pinned" ([a-z0-9][a-z0-9.+-]*). */
  readonly name: string;
  /** One line: what it is, with its year or release. */
  readonly title: string;
  /** What it changes relative to its base. */
  readonly changes: string;
  /** What the checker finds, in words (docs/proposals.md prints it beside the verdicts). */
  readonly notes: string;
  /** A short name of the kernel or design era shown in docs (default: the base's). */
  readonly era?: string;
  /**
   * When it was posted or released (YYYY-MM or YYYY-MM-DD): proposals are
   * listed in this order, each after its base.
   */
  readonly date?: string;
  /** The proposal this one changes (absent only for the oldest kernel). */
  readonly base?: Proposal;
  /** A kernel release (listed by `gupcheck list releases`, walked by `gupcheck history`), not a design. */
  readonly release?: boolean;
  /** The commits it merged, in order (a release), applied before its own code. */
  readonly commits?: readonly Commit[];
  /** Function names as this proposal's kernel spells them (the model's key → the name), for trace labels. */
  readonly words?: Readonly<Record<string, string>>;
  /**
   * Settings: a new one as { default, about }; a plain value overrides an
   * inherited setting of that name (e.g. lifting a ban the base imposes).
   */
  readonly settings?: Readonly<Record<string, SettingValue | SettingDecl>>;
  /**
   * Extra state fields (with their ranges) on every page, holder or process,
   * or at the top. The layout exists before the hooks do, so `sh.holders`
   * carry the scenario's own kind and release here (a direct-I/O holder's
   * kind, and every holder's refcount increment, are settled later by the
   * hooks).
   */
  readonly state?: (sh: Shape, settings: Settings) => ExtraState;
  /**
   * Code at the hook points; what it leaves out stays the base's. It is
   * called more than once per built model (before and after the holders
   * are settled): keep it free of side effects.
   */
  readonly hooks?: (ctx: HookContext) => Partial<KernelHooks>;
  /** Extra actions (after the kernel's). */
  readonly actions?: (k: Kernel, settings: Settings) => readonly Action[];
  /** Extra properties (after the kernel's); return none where the scenario cannot exercise them. */
  readonly properties?: (k: Kernel, settings: Settings) => readonly Property[];
}

/** A checked proposal definition. */
export interface Proposal extends ProposalDef {
  readonly kind: typeof PROPOSAL_KIND;
  /** The era: its own, else the base's. */
  readonly era: string;
}

export const PROPOSAL_KIND = 'gupcheck/proposal';

/** Something wrong with a proposal module itself (its shape, a setting, a hook name): one line, exit 2. */
export class ProposalError extends Error {}

/** A hook threw: which proposal's code, which hook, and the error. */
export class HookError extends Error {
  constructor(readonly proposal: string, readonly hook: string, override readonly cause: unknown) {
    super(`proposal ${proposal}: hook ${hook} threw: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const NAME = /^[a-z0-9][a-z0-9.+~-]{0,62}$/;

/** Check a definition and return the proposal. Throws ProposalError naming the field. */
export function defineProposal(def: ProposalDef): Proposal {
  const where = `proposal ${typeof def?.name === 'string' ? def.name : '(unnamed)'}`;
  if (typeof def !== 'object' || def === null) throw new ProposalError('a proposal must be an object');
  for (const f of ['name', 'title', 'changes', 'notes'] as const) {
    if (typeof def[f] !== 'string' || def[f] === '') throw new ProposalError(`${where}: '${f}' must be a non-empty string`);
  }
  if (!NAME.test(def.name)) throw new ProposalError(`${where}: name must match ${NAME.source}`);
  if (def.base !== undefined && (typeof def.base !== 'object' || def.base === null || (def.base as Proposal).kind !== PROPOSAL_KIND)) {
    throw new ProposalError(`${where}: 'base' must be a proposal (e.g. import { modern } from 'gupcheck')`);
  }
  for (const f of ['state', 'hooks', 'actions', 'properties'] as const) {
    if (def[f] !== undefined && typeof def[f] !== 'function') throw new ProposalError(`${where}: '${f}' must be a function`);
  }
  if (def.commits !== undefined && !Array.isArray(def.commits)) throw new ProposalError(`${where}: 'commits' must be an array`);
  for (const [i, c] of (def.commits ?? []).entries()) {
    if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || !/^[0-9a-f]{12}$/.test(c.id)) throw new ProposalError(`${where}: commits[${i}].id must be 12 hex digits`);
    if (typeof c.subject !== 'string' || c.subject === '' || typeof c.what !== 'string') throw new ProposalError(`${where}: commits[${i}] (${c.id}) needs a subject and what it changes`);
    for (const f of ['state', 'hooks', 'actions', 'properties'] as const) {
      if (c[f] !== undefined && typeof c[f] !== 'function') throw new ProposalError(`${where}: commits[${i}] (${c.id}).${f} must be a function`);
    }
  }
  if (def.era !== undefined && typeof def.era !== 'string') throw new ProposalError(`${where}: 'era' must be a string`);
  if (def.date !== undefined && (typeof def.date !== 'string' || !/^\d{4}-\d{2}(-\d{2})?$/.test(def.date))) throw new ProposalError(`${where}: 'date' must be YYYY-MM or YYYY-MM-DD`);
  const p: Proposal = Object.freeze({ ...def, kind: PROPOSAL_KIND, era: def.era ?? def.base?.era ?? def.name });
  resolveSettings(p); // settings errors surface at definition
  return p;
}

/** The chain from the root (baseline) to p. */
export function chainOf(p: Proposal): Proposal[] {
  const out: Proposal[] = [];
  const seen = new Set<Proposal>();
  for (let x: Proposal | undefined = p; x !== undefined; x = x.base) {
    if (seen.has(x)) throw new ProposalError(`proposal ${p.name}: its bases form a cycle`);
    seen.add(x);
    out.unshift(x);
  }
  return out;
}

/** One layer of code: a commit of a release, or a proposal's own. */
interface Layer {
  /** "v5.9", or "v5.9 commit 09854ba94c6a" */
  readonly name: string;
  readonly state?: (sh: Shape, settings: Settings) => ExtraState;
  readonly hooks?: (ctx: HookContext) => Partial<KernelHooks>;
  readonly actions?: (k: Kernel, settings: Settings) => readonly Action[];
  readonly properties?: (k: Kernel, settings: Settings) => readonly Property[];
  readonly words?: Readonly<Record<string, string>>;
}

/** Every layer of p, oldest first: each proposal's commits in order, then its own code. */
export function layersOf(p: Proposal): Layer[] {
  return chainOf(p).flatMap((x): Layer[] => [
    ...(x.commits ?? []).map((c) => ({ ...c, name: `${x.name} commit ${c.id}` })),
    x,
  ]);
}

/** The function names p's kernel uses in trace labels: every layer's renames, oldest first. */
export function wordsOf(p: Proposal): Readonly<Record<string, string>> {
  return Object.assign({}, ...layersOf(p).map((l) => l.words ?? {}));
}

/** The release p runs as: p itself if it is one, else the nearest release it builds on (v4.8 if none). */
export function releaseOf(p: Proposal): string {
  for (let x: Proposal | undefined = p; x !== undefined; x = x.base) if (x.release === true) return x.name.replace(/~\d+$/, '');
  return 'v4.8';
}

/** p with only its first n commits (the release half-way through its merge window): for finding the commit that flips a verdict. */
export function withFirstCommits(p: Proposal, n: number): Proposal {
  const commits = p.commits ?? [];
  return defineProposal({ ...p, name: `${p.name}~${commits.length - n}`, commits: commits.slice(0, n) });
}

/** What every setting of the chain is, and where each was declared (for docs and errors). */
export function settingsOf(p: Proposal): { values: Settings; declared: Readonly<Record<string, { by: string; about: string }>> } {
  const values: Record<string, SettingValue> = {};
  const declared: Record<string, { by: string; about: string }> = {};
  for (const x of chainOf(p)) {
    for (const [name, v] of Object.entries(x.settings ?? {})) {
      if (typeof v === 'object' && v !== null) {
        if (declared[name] !== undefined) throw new ProposalError(`proposal ${x.name}: setting '${name}' is already declared by ${declared[name]!.by}; override it with a plain value`);
        const d = v as SettingDecl;
        if (!isSettingValue(d.default) || typeof d.about !== 'string') throw new ProposalError(`proposal ${x.name}: setting '${name}' must be { default: boolean | number | string, about: string }`);
        declared[name] = { by: x.name, about: d.about };
        values[name] = d.default;
      } else {
        if (declared[name] === undefined) {
          const known = Object.keys(declared);
          throw new ProposalError(`proposal ${x.name}: unknown setting '${name}' (${known.length > 0 ? `settings: ${known.join(', ')}` : 'its bases declare none'}; declare a new one as { default, about })`);
        }
        if (!isSettingValue(v) || typeof v !== typeof values[name]) throw new ProposalError(`proposal ${x.name}: setting '${name}' must be a ${typeof values[name]}`);
        values[name] = v;
      }
    }
  }
  return { values, declared };
}

export const resolveSettings = (p: Proposal): Settings => settingsOf(p).values;

/** A proposal with some settings changed (a seeded mistake, a what-if), under a new name. */
export function withSettings(p: Proposal, name: string, settings: Readonly<Record<string, SettingValue>>): Proposal {
  return defineProposal({ name, title: p.title, changes: p.changes, notes: p.notes, era: p.era, base: p, settings });
}

const isSettingValue = (v: unknown): v is SettingValue => typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string';

/** Every proposal's extra fields for this shape, merged; two proposals declaring one name is an error. */
export function extraStateOf(p: Proposal, sh: Shape, settings: Settings): ExtraState {
  const merged: Record<keyof ExtraState, Record<string, FieldSpec>> = { page: {}, holder: {}, proc: {}, global: {} };
  const owner = new Map<string, string>();
  const core = coreFieldNames(sh);
  for (const x of layersOf(p)) {
    if (x.state === undefined) continue;
    let extra: ExtraState;
    try {
      extra = x.state(sh, settings);
    } catch (e) {
      throw new HookError(x.name, 'state', e);
    }
    for (const where of ['page', 'holder', 'proc', 'global'] as const) {
      for (const [name, spec] of Object.entries(extra[where] ?? {})) {
        const key = `${where}.${name}`;
        if (core[where].includes(name)) throw new ProposalError(`proposal ${x.name}: ${where} field '${name}' is already a field of the kernel core`);
        if (owner.has(key)) throw new ProposalError(`proposal ${x.name}: ${where} field '${name}' is already declared by ${owner.get(key)}`);
        owner.set(key, x.name);
        merged[where][name] = spec;
      }
    }
  }
  return merged;
}

/**
 * The hooks of p in kernel k: the baseline's, then each proposal of the
 * chain over its base's. Every hook a proposal supplies is wrapped so that
 * an exception names the proposal and the hook (HookError).
 */
export function composeHooks(p: Proposal, k: Kernel, settings: Settings): KernelHooks {
  let hooks = baselineHooks(k);
  for (const x of layersOf(p)) {
    if (x.hooks === undefined) continue;
    let mine: Partial<KernelHooks>;
    try {
      mine = x.hooks({ k, base: hooks, settings });
    } catch (e) {
      if (e instanceof HookError || e instanceof ProposalError) throw e;
      throw new HookError(x.name, 'hooks', e);
    }
    if (typeof mine !== 'object' || mine === null) throw new ProposalError(`proposal ${x.name}: hooks() must return an object of hook functions`);
    const next: Record<string, unknown> = { ...hooks };
    for (const [name, fn] of Object.entries(mine)) {
      if (!(HOOK_NAMES as readonly string[]).includes(name)) throw new ProposalError(`proposal ${x.name}: unknown hook '${name}' (hooks: ${HOOK_NAMES.join(', ')})`);
      if (fn === undefined && OPTIONAL_HOOKS.has(name)) { next[name] = undefined; continue; }
      if (typeof fn !== 'function') throw new ProposalError(`proposal ${x.name}: hook '${name}' must be a function`);
      next[name] = guarded(x.name, name, fn as (...a: unknown[]) => unknown);
    }
    hooks = next as unknown as KernelHooks;
  }
  return hooks;
}

/** The most arguments a hook takes (the wrapper below passes this many). */
export const MAX_HOOK_ARITY = 6;

/** Hooks that hand back step descriptions: wrap the functions inside them too. */
const STEP_HOOKS = new Set(['writebackSteps', 'reclaimAfterUnmap', 'noBuffersAtWriteback', 'reclaimBeforeAddToSwap', 'reclaimUnmapAnon', 'migrateRefuses']);
/** Hooks a kernel may lack altogether (undefined: the kernel has no such check). */
const OPTIONAL_HOOKS = new Set(['folioMaybeDmaPinned', 'gupLongtermMigrate']);

function guarded(proposal: string, hook: string, fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
  // A write out of a field's range is a verdict (field-range), and a fault already names its place.
  const fail = (e: unknown): never => {
    throw e instanceof HookError || e instanceof FieldRangeError || e instanceof ModelFault ? e : new HookError(proposal, hook, e);
  };
  if (STEP_HOOKS.has(hook)) {
    return (a: unknown, b: unknown) => {
      let out: unknown;
      try {
        out = fn(a, b);
      } catch (e) {
        return fail(e);
      }
      if (hook === 'noBuffersAtWriteback') {
        const st = out as NoBuffersStep;
        if (typeof st !== 'object' || st === null || typeof st.handle !== 'function') return fail(new Error('must return { name, label, handle }'));
        return { ...st, handle: guarded(proposal, `${hook}.handle`, st.handle as (...a: unknown[]) => unknown) };
      }
      if (!Array.isArray(out)) return fail(new Error('must return an array of branch steps'));
      return (out as BranchStep[]).map((st) => ({
        ...st,
        when: guarded(proposal, `${hook} ${st.name}.when`, st.when as (...a: unknown[]) => unknown),
        ...(st.effect !== undefined ? { effect: guarded(proposal, `${hook} ${st.name}.effect`, st.effect as (...a: unknown[]) => unknown) } : {}),
      }));
    };
  }
  // Fixed arity (no rest parameters): the wrapper allocates nothing per call. It passes
  // MAX_HOOK_ARITY arguments (a test checks every hook declares at most that many).
  return (a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown) => {
    try {
      return fn(a, b, c, d, e, f);
    } catch (e) {
      return fail(e);
    }
  };
}

/** Extra actions or properties of the whole chain, base first; an exception names the proposal. */
function extrasOf<T>(p: Proposal, which: 'actions' | 'properties', k: Kernel, settings: Settings): T[] {
  return layersOf(p).flatMap((x) => {
    const make = x[which] as ((k: Kernel, s: Settings) => readonly T[]) | undefined;
    if (make === undefined) return [];
    try {
      return [...make(k, settings)];
    } catch (e) {
      throw e instanceof HookError || e instanceof ProposalError ? e : new HookError(x.name, which, e);
    }
  });
}

export const extraActionsOf = (p: Proposal, k: Kernel, settings: Settings): Action[] => extrasOf<Action>(p, 'actions', k, settings);
export const extraPropertiesOf = (p: Proposal, k: Kernel, settings: Settings): Property[] => extrasOf<Property>(p, 'properties', k, settings);

/**
 * Proposals in the order of history: each after its base, and among those
 * whose base is listed, the earliest date first (then by name).
 */
export function historicalOrder(ps: readonly Proposal[]): Proposal[] {
  const out: Proposal[] = [];
  const left = [...ps];
  const key = (p: Proposal) => `${p.date ?? ''}\u0000${p.name}`;
  while (left.length > 0) {
    const ready = left.filter((p) => p.base === undefined || out.includes(p.base) || !ps.includes(p.base));
    if (ready.length === 0) throw new ProposalError(`proposals ${left.map((p) => p.name).join(', ')}: their bases form a cycle`);
    ready.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const next = ready[0]!;
    out.push(next);
    left.splice(left.indexOf(next), 1);
  }
  return out;
}
