// A deliberately naive reference explorer, used only to cross-check the engine
// (src/engine/checker.ts) in test/differential.test.ts. It shares nothing with
// the checker except the Model interface and FieldRangeError:
//
// - the visited set is a JS Map keyed by a string copy of the state's words
//   (no fingerprints, no hash table, no level buffers); each entry keeps the
//   state, its BFS depth, its parent key and the action that first reached it;
// - the search records the graph (every transition with its successor, every
//   range error); properties are judged afterwards on that graph, each by its
//   plain definition: the shortest counterexample/witness is the minimum BFS
//   depth over all offending states (or offending transitions' sources, plus
//   one step).
//
// Conventions, stated once (they are the engine's, checked against checker.ts):
// - an action is enabled when its guard holds; an enabled action whose effect
//   throws FieldRangeError produces no successor and no transition, and makes
//   `field-range` violated with a trace ending with that action (its last
//   state is whatever the effect had written before it threw);
// - such an action still counts as enabled for deadlock purposes;
// - a transition is every successor generated, duplicates included; `step`
//   properties are checked on every transition, duplicates included;
// - deadlock: no enabled action and not isLegalEnd, when deadlock checking is
//   on (model.checkDeadlock !== false, unless overridden);
// - quiescent properties are checked only where isQuiescent holds (never when
//   the model has no isQuiescent);
// - duplicate initial states are kept once, under their first index;
// - after an incomplete search a violation is still 'violated'; everything
//   not decided is 'unknown'; a witnessed `sometimes` is 'holds' however the
//   search ended (a witness is a fact; only an unwitnessed one is unknown).
//
// Tie-breaking between equally short counterexamples follows discovery order
// (FIFO queue, actions in model order), which is also the engine's order, so
// the returned paths are comparable, not only their lengths.

import type { Model, Property } from '../src/engine/model.js';
import { FieldRangeError } from '../src/engine/schema.js';

export type RefKind = Property['kind'] | 'deadlock' | 'range';
export type RefStatus = 'holds' | 'violated' | 'vacuous' | 'unknown';

export interface RefProperty {
  readonly name: string;
  readonly kind: RefKind;
  readonly status: RefStatus;
  /** Steps (transitions) in the shortest counterexample / witness. */
  readonly steps?: number;
  /** The path: [initial-state index, action index, action index, …]. */
  readonly path?: readonly number[];
}

export interface RefResult {
  /** False when a bound cut the search short (some status is then 'unknown'). */
  readonly complete: boolean;
  readonly stopReason?: 'max-depth' | 'max-states';
  readonly states: number;
  readonly transitions: number;
  /** BFS levels whose exploration began. */
  readonly levels: number;
  /** States stored but not fully expanded when a bound stopped the search. */
  readonly queued: number;
  /** Transitions per action (duplicates included). */
  readonly fired: readonly number[];
  /** New distinct states first discovered by each action. */
  readonly distinct: readonly number[];
  readonly properties: readonly RefProperty[];
}

export interface RefOptions {
  /** Give up (throw RefTooBig) beyond this many distinct states. */
  readonly giveUpAfter?: number;
  /** Override the model's deadlock setting, as CheckOptions.checkDeadlock does. */
  readonly checkDeadlock?: boolean;
  /**
   * As CheckOptions.maxDepth: states at this depth are stored and checked, and
   * their enabled actions are evaluated (for deadlock and field-range). A
   * successor of theirs that is already stored is a transition like any other
   * (counted, step-checked); one that is not is cut off, and makes the search
   * incomplete, as does a range error there.
   */
  readonly maxDepth?: number;
  /**
   * As CheckOptions.maxStates: the search stops at the transition that would
   * store one state more. That transition is counted and step-checked; the
   * state it leads to is not stored; the state being expanded stays queued.
   */
  readonly maxStates?: number;
}

export class RefTooBig extends Error {}

type Edge =
  | { readonly action: number; readonly to: string; readonly next: Uint32Array }
  | { readonly action: number; readonly rangeError: string };

interface Node {
  readonly key: string;
  readonly state: Uint32Array;
  readonly depth: number;
  readonly parent: string | null;
  /** Action index that first reached it; for an initial state, its init index. */
  readonly via: number;
  /** Counted transitions and range errors out of it, in model order. */
  readonly edges: Edge[];
  /** Some action is enabled here (range errors and transitions past maxDepth included). */
  anyEnabled: boolean;
  /** All its actions were tried (false if a bound stopped the search mid-way or before). */
  expanded: boolean;
}

const keyOf = (s: Uint32Array): string => Array.prototype.join.call(s, ',');

class Stop extends Error {}

export function referenceExplore(model: Model, opts: RefOptions = {}): RefResult {
  const giveUp = opts.giveUpAfter ?? Infinity;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const nodes = new Map<string, Node>();
  const order: Node[] = [];
  const nA = model.actions.length;
  const fired = new Array<number>(nA).fill(0);
  const distinct = new Array<number>(nA).fill(0);
  let transitions = 0;
  let depthCut = false;
  /** The node being expanded when maxStates stopped the search (null: while seeding). */
  let stoppedAt: Node | null | undefined;

  const add = (state: Uint32Array, depth: number, parent: string | null, via: number): boolean => {
    const key = keyOf(state);
    if (nodes.has(key)) return false;
    if (nodes.size >= maxStates) throw new Stop();
    if (nodes.size >= giveUp) throw new RefTooBig(`more than ${giveUp} states`);
    const n: Node = { key, state, depth, parent, via, edges: [], anyEnabled: false, expanded: false };
    nodes.set(key, n);
    order.push(n);
    return true;
  };

  // Plain FIFO breadth-first search.
  let head = 0;
  try {
    stoppedAt = null;
    model.init.forEach((s, i) => add(Uint32Array.from(s), 0, null, i));
    for (; head < order.length; head++) {
      const n = order[head]!;
      stoppedAt = n;
      model.actions.forEach((act, a) => {
        if (!act.enabled(n.state)) return;
        n.anyEnabled = true;
        const next = Uint32Array.from(n.state);
        try {
          act.apply(next);
        } catch (e) {
          if (e instanceof FieldRangeError) {
            // Past maxDepth nothing is explored, range errors included.
            if (n.depth >= maxDepth) depthCut = true;
            else n.edges.push({ action: a, rangeError: e.message });
            return;
          }
          throw e;
        }
        if (n.depth >= maxDepth && !nodes.has(keyOf(next))) {
          depthCut = true;
          return;
        }
        transitions++;
        fired[a]!++;
        n.edges.push({ action: a, to: keyOf(next), next });
        if (add(next, n.depth + 1, n.key, a)) distinct[a]!++;
      });
      n.expanded = true;
    }
    stoppedAt = undefined;
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const complete = stoppedAt === undefined && !depthCut;
  const pathTo = (n: Node): number[] => {
    const rev: number[] = [];
    let cur: Node | undefined = n;
    while (cur !== undefined) {
      rev.push(cur.via);
      cur = cur.parent === null ? undefined : nodes.get(cur.parent);
    }
    return rev.reverse();
  };

  // First offending node in discovery order (== a minimum-depth one, checked).
  const firstNode = (bad: (n: Node) => boolean): { steps: number; path: number[] } | undefined => {
    let best: Node | undefined;
    for (const n of order) if (bad(n) && (best === undefined || n.depth < best.depth)) best = n;
    return best === undefined ? undefined : { steps: best.depth, path: pathTo(best) };
  };
  // First offending edge in discovery order.
  const firstEdge = (bad: (n: Node, e: Edge) => boolean): { steps: number; path: number[] } | undefined => {
    let best: { n: Node; e: Edge } | undefined;
    for (const n of order) {
      for (const e of n.edges) if (bad(n, e) && (best === undefined || n.depth < best.n.depth)) best = { n, e };
    }
    return best === undefined ? undefined : { steps: best.n.depth + 1, path: [...pathTo(best.n), best.e.action] };
  };

  const unknown = 'unknown' as const;
  const witnessed = 'holds' as const;
  const verdict = (name: string, kind: RefKind, found: { steps: number; path: number[] } | undefined, ifFound: RefStatus, ifNot: RefStatus): RefProperty =>
    found === undefined
      ? { name, kind, status: complete ? ifNot : unknown }
      : { name, kind, status: ifFound, steps: found.steps, path: found.path };

  const properties: RefProperty[] = [];
  for (const p of model.properties) {
    switch (p.kind) {
      case 'always':
        properties.push(verdict(p.name, p.kind, firstNode((n) => !p.holds(n.state)), 'violated', 'holds'));
        break;
      case 'quiescent': {
        const q = model.isQuiescent;
        properties.push(verdict(p.name, p.kind, q === undefined ? undefined : firstNode((n) => q(n.state) && !p.holds(n.state)), 'violated', 'holds'));
        break;
      }
      case 'sometimes':
        properties.push(verdict(p.name, p.kind, firstNode((n) => p.witness(n.state)), witnessed, 'vacuous'));
        break;
      case 'step': {
        const act = model.actions;
        properties.push(verdict(p.name, p.kind, firstEdge((n, e) => 'next' in e && !p.holds(n.state, act[e.action]!, e.next)), 'violated', 'holds'));
        break;
      }
    }
  }
  if (opts.checkDeadlock ?? model.checkDeadlock ?? true) {
    const legal = model.isLegalEnd;
    properties.push(verdict('deadlock', 'deadlock', firstNode((n) => n.expanded && !n.anyEnabled && !(legal?.(n.state) ?? false)), 'violated', 'holds'));
  }
  properties.push(verdict('field-range', 'range', firstEdge((_n, e) => 'rangeError' in e), 'violated', 'holds'));

  // Levels whose exploration began: all of them after a full search; after a
  // maxStates stop, up to the one being expanded (the next one is partly stored).
  const levels = stoppedAt === undefined ? order.reduce((m, n) => Math.max(m, n.depth + 1), 0)
    : stoppedAt === null ? (order.length > 0 ? 1 : 0) : stoppedAt.depth + 1;
  return {
    complete,
    ...(stoppedAt !== undefined ? { stopReason: 'max-states' as const } : depthCut ? { stopReason: 'max-depth' as const } : {}),
    states: order.length,
    transitions,
    levels,
    queued: stoppedAt === undefined ? 0 : order.length - head,
    fired,
    distinct,
    properties,
  };
}
