// What a model is, to the engine: a layout, initial states, a deterministic
// list of concrete actions (guard + effect over a packed state), properties,
// and two optional state classifiers (legal end states, quiescent states).
//
// The engine knows nothing about what the fields mean. Models are written in
// their own domain's words on top of these types.

import { Field, Layout, type FieldSpec, type JsonValue } from './schema.js';
import type { LivenessProperty } from './liveness.js';

export type ParamValue = number | string | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

/** One concrete action: a family name plus fixed parameters (an actor, a resource…). */
export interface Action {
  /** Family name, e.g. "P.enter" or "reclaim: try_to_free_buffers". */
  readonly name: string;
  /** Parameters that distinguish this instance within its family. */
  readonly params: Params;
  /** Who performs it (shown in traces); optional. */
  readonly actor?: string;
  /** A human-readable label for traces; defaults to name(params). */
  readonly label: string;
  /**
   * What the step does, where models spell it differently (e.g. two release
   * APIs for the same release). Cross-model replay matches a recorded step
   * by name first, then by role with the same parameters.
   */
  readonly role?: string;
  /** A progress step: a cycle that takes none (and passes no progress state) is a non-progress cycle. */
  readonly progress?: boolean;
  /**
   * false: the environment's choice (a user who may never do it); weak
   * fairness never forces it. Default true.
   */
  readonly fair?: boolean;
  /**
   * Footprint for partial-order reduction (por.ts): every field the guard or
   * the effect may read, in any state. Absent: unknown, and the search
   * cannot reduce.
   */
  readonly reads?: readonly Field[];
  /** Every field the effect may write, in any state. */
  readonly writes?: readonly Field[];
  /**
   * A conjunct of the guard that reads only `reads` (a process's location,
   * as in SPIN): while it is false, only an action writing one of those
   * fields can enable this one.
   */
  readonly necessary?: { readonly reads: readonly Field[]; readonly holds: (s: Uint32Array) => boolean };
  /**
   * A location the step moves its actor between (SPIN's process graph): the
   * guard implies field = from, and the effect sets field = to (its only
   * write to the field). `check --check-footprints` proves it (footprint-check.ts).
   */
  readonly moves?: Move;
  /**
   * How `enabled` is made (guardParts): field tests the expander inlines,
   * then the rest of the guard, called from a call site of this action's
   * own. Used only while `enabled` is still `guardParts.of`: a copy of the
   * action with another guard falls back to calling `enabled`.
   */
  readonly guardParts?: GuardParts;
  /** Guard: read-only over s. */
  enabled(s: Uint32Array): boolean;
  /** Effect: mutates s, which is a private copy of the source state. */
  apply(s: Uint32Array): void;
}

/**
 * A test of one field: equal to `value` (or, with equal: false, not). The
 * generated expander inlines it as a mask compare on the word (expand.ts).
 */
export interface FieldTest { readonly field: Field; readonly value: number; readonly equal?: boolean }

/** Action.enabled as its parts: every test in `requires`, then `rest`. */
export interface GuardParts {
  /** The guard these parts make up (Action.enabled when they are current). */
  readonly of: (s: Uint32Array) => boolean;
  readonly requires: readonly FieldTest[];
  readonly rest: (s: Uint32Array) => boolean;
}

/** Does f's value in s pass the test? */
const passes = (t: FieldTest, s: Uint32Array): boolean => (t.field.get(s) === t.value) === (t.equal !== false);

/** The guard made of its parts: the tests in order, then rest. */
function composeGuard(requires: readonly FieldTest[], rest: (s: Uint32Array) => boolean): (s: Uint32Array) => boolean {
  return (s) => {
    for (let i = 0; i < requires.length; i++) if (!passes(requires[i]!, s)) return false;
    return rest(s);
  };
}

/** The parts of a's guard, if they still make it up. */
export const currentGuardParts = (a: Action): GuardParts | undefined => (a.guardParts !== undefined && a.guardParts.of === a.enabled ? a.guardParts : undefined);

/**
 * a with one more test in front of its guard (a condition every action of the model shares, such as "not crashed"), kept as
 * a part the expander inlines: V8 then calls each action's own guard from a
 * call site of its own instead of through one wrapper shared by all.
 */
export function requireFirst<A extends Action>(a: A, t: FieldTest): A {
  const parts = currentGuardParts(a);
  const requires = [t, ...(parts?.requires ?? [])];
  const rest = parts?.rest ?? a.enabled;
  const enabled = composeGuard(requires, rest);
  return { ...a, enabled, guardParts: { of: enabled, requires, rest } };
}

export interface ActionDef {
  readonly name: string;
  readonly params?: Params;
  readonly actor?: string;
  readonly label?: string;
  readonly role?: string;
  readonly progress?: boolean;
  readonly fair?: boolean;
  /** Footprint (see Action.reads): fields, or handle trees of fields (a record, an array). */
  readonly reads?: FieldRefs;
  readonly writes?: FieldRefs;
  readonly necessary?: { readonly reads: FieldRefs; readonly holds: (s: Uint32Array) => boolean };
  readonly moves?: Move;
  /** Field tests the guard starts with (its actor's program counter): inlined by the expander. */
  readonly requires?: readonly FieldTest[];
  /** The guard (after `requires`). */
  readonly guard: (s: Uint32Array) => boolean;
  readonly effect: (s: Uint32Array) => void;
}

/** A step from one value of a location field to another (Action.moves). */
export interface Move { readonly field: Field; readonly from: number; readonly to: number }

/** Fields named directly or by a handle tree (a record or array of fields, as Layout.root gives). */
export type FieldRefs = readonly unknown[];

/** The leaf fields of handle trees, in order, each once. */
export function fieldsOf(refs: FieldRefs): Field[] {
  const out: Field[] = [];
  const seen = new Set<Field>();
  const walk = (x: unknown): void => {
    if (x instanceof Field) {
      if (!seen.has(x)) { seen.add(x); out.push(x); }
    } else if (Array.isArray(x)) for (const y of x) walk(y);
    else if (typeof x === 'object' && x !== null) for (const y of Object.values(x)) walk(y);
    else throw new ModelError(`a footprint names ${String(x)}, not a field`);
  };
  for (const r of refs) walk(r);
  return out;
}

export function formatLabel(name: string, params: Params | undefined): string {
  const ps = params ? Object.entries(params) : [];
  if (ps.length === 0) return name;
  return `${name}(${ps.map(([k, v]) => `${k}=${v}`).join(', ')})`;
}

export function action(def: ActionDef): Action {
  const { guard, effect } = def;
  const requires = def.requires ?? [];
  const enabled = requires.length > 0 ? composeGuard(requires, guard) : guard;
  return {
    name: def.name,
    params: Object.freeze({ ...(def.params ?? {}) }),
    ...(def.actor !== undefined ? { actor: def.actor } : {}),
    ...(def.role !== undefined ? { role: def.role } : {}),
    ...(def.progress === true ? { progress: true } : {}),
    ...(def.fair === false ? { fair: false } : {}),
    label: def.label ?? formatLabel(def.name, def.params),
    ...(def.reads !== undefined ? { reads: fieldsOf(def.reads) } : {}),
    ...(def.writes !== undefined ? { writes: fieldsOf(def.writes) } : {}),
    ...(def.necessary !== undefined ? { necessary: { reads: fieldsOf(def.necessary.reads), holds: def.necessary.holds } } : {}),
    ...(def.moves !== undefined ? { moves: def.moves } : {}),
    ...(requires.length > 0 ? { guardParts: { of: enabled, requires, rest: guard } } : {}),
    enabled,
    apply: effect,
  };
}

// --- properties --------------------------------------------------------------

interface PropertyBase {
  readonly name: string;
  /** One line: what must hold (and, where the model knows it, the symptom when it does not). */
  readonly description: string;
  /**
   * Every field the property may read (por.ts: the actions writing them are
   * visible). Absent: unknown, and the search cannot reduce.
   */
  readonly reads?: readonly Field[];
  /**
   * Fields among `reads` that the property tests only for membership in a
   * set of values (a process being in its critical section): a step that
   * moves such a field (Action.moves) within the set or within its
   * complement is invisible to the property.
   */
  readonly locations?: readonly PropertyLocation[];
}
export interface PropertyLocation { readonly field: Field; readonly values: readonly number[] }
/** A state invariant, checked in every reachable state. */
export interface AlwaysProperty extends PropertyBase {
  readonly kind: 'always';
  readonly holds: (s: Uint32Array) => boolean;
}
/** A predicate over every transition (prev, action, next), duplicates included. */
export interface StepProperty extends PropertyBase {
  readonly kind: 'step';
  readonly holds: (prev: Uint32Array, action: Action, next: Uint32Array) => boolean;
  /** For partial-order reduction: the actions it can fail on (they are visible); absent: any. */
  readonly watches?: (a: Action) => boolean;
}
/** An invariant checked only in states the model calls quiescent (no work pending). */
export interface QuiescentProperty extends PropertyBase {
  readonly kind: 'quiescent';
  readonly holds: (s: Uint32Array) => boolean;
}
/** Must be witnessed by at least one reachable state, else the run reports it vacuous. */
export interface SometimesProperty extends PropertyBase {
  readonly kind: 'sometimes';
  readonly witness: (s: Uint32Array) => boolean;
}
export type Property = AlwaysProperty | StepProperty | QuiescentProperty | SometimesProperty;
export type PropertyKind = Property['kind'] | 'deadlock' | 'range';

/** What a property may read, for partial-order reduction (see PropertyBase.reads). */
export interface Footprint { readonly reads?: FieldRefs; readonly locations?: readonly PropertyLocation[] }
const readsOf = (f: Footprint | undefined) => ({
  ...(f?.reads !== undefined ? { reads: fieldsOf(f.reads) } : {}),
  ...(f?.locations !== undefined ? { locations: f.locations } : {}),
});

export const always = (name: string, description: string, holds: (s: Uint32Array) => boolean, f?: Footprint): AlwaysProperty =>
  ({ kind: 'always', name, description, holds, ...readsOf(f) });
export const step = (name: string, description: string, holds: StepProperty['holds'], f?: Footprint & { readonly watches?: (a: Action) => boolean }): StepProperty =>
  ({ kind: 'step', name, description, holds, ...readsOf(f), ...(f?.watches !== undefined ? { watches: f.watches } : {}) });
export const quiescent = (name: string, description: string, holds: (s: Uint32Array) => boolean, f?: Footprint): QuiescentProperty =>
  ({ kind: 'quiescent', name, description, holds, ...readsOf(f) });
export const sometimes = (name: string, description: string, witness: (s: Uint32Array) => boolean, f?: Footprint): SometimesProperty =>
  ({ kind: 'sometimes', name, description, witness, ...readsOf(f) });

// --- the model ---------------------------------------------------------------

export interface Model<S extends FieldSpec = FieldSpec> {
  readonly name: string;
  readonly params: Params;
  readonly layout: Layout<S>;
  /** Initial states, packed; their order is part of the model (trace step 0 names the index). */
  readonly init: readonly Uint32Array[];
  /** Concrete actions in a fixed order: the order successors are generated in. */
  readonly actions: readonly Action[];
  readonly properties: readonly Property[];
  /** A state with no enabled action is a deadlock unless this says it is a legal end state. */
  readonly isLegalEnd?: (s: Uint32Array) => boolean;
  /** States where `quiescent` properties are checked. Without it, quiescent properties are never checked. */
  readonly isQuiescent?: (s: Uint32Array) => boolean;
  /** The fields isQuiescent reads (partial-order reduction with quiescent properties). */
  readonly quiescentReads?: readonly Field[];
  /** Report deadlocks (default true). */
  readonly checkDeadlock?: boolean;
  /** Liveness properties (liveness.ts): checked on the full graph after a complete safety search. */
  readonly liveness?: readonly LivenessProperty[];
  /** The fairness liveness is checked under unless the caller says otherwise (default 'weak'). */
  readonly fairness?: 'strong' | 'weak' | 'none';
  /** Progress states (SPIN's progress labels): with progress steps, what a non-progress cycle must avoid. */
  readonly progress?: (s: Uint32Array) => boolean;
  /** Optional renderer for a state in traces (defaults to layout.toJSON). */
  readonly describe?: (s: Uint32Array) => JsonValue;
  /**
   * Why partial-order reduction cannot help this model, in one line, where
   * the model knows (then --por says so instead of naming the first action
   * without a footprint).
   */
  readonly porUnsupported?: string;
  /**
   * Symmetry reduction: rewrite s in place into the representative of its
   * orbit under the model's symmetry group (the same for every state of the
   * orbit). Properties must be invariant under the group. Absent: no
   * reduction.
   */
  readonly canonicalize?: (s: Uint32Array) => void;
}

export class ModelError extends Error {}

/**
 * The model's own code threw during the search (an action's guard or
 * effect, a property, a classifier): where, from which state, and the
 * error. The search stops; this is never a verdict.
 */
export class ModelFault extends Error {
  constructor(
    /** "action 'dio: put_page' (effect)", "a property or state classifier" */
    readonly where: string,
    /** The state the step started from, when known (packed). */
    readonly state: Uint32Array | undefined,
    override readonly cause: unknown,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)} — in ${where}`);
    this.name = 'ModelFault';
  }

  /** The same fault, its message naming the model (and its parameters) and the state, as the model describes it. */
  in(m: Model): ModelFault {
    const params = Object.entries(m.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    let state = '';
    if (this.state !== undefined) {
      try {
        state = `, from state ${JSON.stringify((m.describe ?? ((s: Uint32Array) => m.layout.toJSON(s)))(this.state))}`;
      } catch {
        state = '';
      }
    }
    const f = new ModelFault(this.where, this.state, this.cause);
    f.message = `${m.name}${params !== '' ? ` (${params})` : ''}: ${this.message}${state}`;
    return f;
  }
}

/** Validate a model once, before exploring, so mistakes surface as one clear line. */
export function validateModel(m: Model): void {
  if (m.init.length === 0) throw new ModelError(`model ${m.name} has no initial state`);
  for (const s of m.init) {
    if (s.length !== m.layout.words) throw new ModelError(`model ${m.name}: an initial state has ${s.length} words, the layout ${m.layout.words}`);
  }
  const names = new Set<string>();
  for (const p of m.properties) {
    if (names.has(p.name)) throw new ModelError(`model ${m.name}: property ${p.name} is declared twice`);
    names.add(p.name);
  }
  if (m.actions.length >= 0xffffffff) throw new ModelError(`model ${m.name}: too many actions`);
}
