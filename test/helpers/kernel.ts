// Small helpers for the kernel-model unit tests: build a model from a
// scenario, find a concrete action by name and params, and apply it to a copy
// of a state after checking its guard. Everything throws on a mismatch, so a
// test that takes a wrong turn fails loudly instead of asserting on the wrong
// state.

import { isLeft } from 'fp-ts/lib/Either.js';
import type { Action, Model, ParamValue, Property } from '../../src/engine/model.js';
import { buildKernel, SCENARIO_DIR } from '../../models/kernel/build.js';
import type { Kernel } from '../../models/kernel/kernel.js';
import { decodeScenario, loadScenario, type Scenario } from '../../models/kernel/scenario.js';
import { baseline } from '../../models/proposals/baseline.js';
import type { Proposal } from '../../models/kernel/proposal.js';

export type Params = Readonly<Record<string, ParamValue>>;

/** Decode a scenario object (the same path a scenario file takes); throws with the decoder's message. */
export function scenario(json: unknown): Scenario {
  const r = decodeScenario(json);
  if (isLeft(r)) throw new Error(`scenario does not decode: ${r.left}`);
  return r.right;
}

/** A shipped scenario from models/scenarios/NAME.json. */
export function shipped(name: string): Scenario {
  const r = loadScenario(`${SCENARIO_DIR}${name}.json`);
  if (isLeft(r)) throw new Error(r.left);
  return r.right;
}

export interface Built {
  readonly model: Model;
  readonly kernel: Kernel;
  /** A fresh copy of the initial state (callers may mutate it). */
  init(): Uint32Array;
}

/** Build the kernel model of a scenario (a decoded one, or a plain object that is decoded here). */
export function build(sc: unknown, proposal: Proposal = baseline): Built {
  const { model, kernel } = buildKernel(scenario(sc), proposal);
  return { model, kernel, init: () => model.init[0]!.slice() };
}

function matches(a: Action, name: string, params: Params): boolean {
  if (a.name !== name) return false;
  for (const [k, v] of Object.entries(params)) if (a.params[k] !== v) return false;
  return true;
}

/** The one action with this name whose params include `params`; throws if there is none or more than one. */
export function findAction(model: Model, name: string, params: Params = {}): Action {
  const found = model.actions.filter((a) => matches(a, name, params));
  if (found.length !== 1) {
    throw new Error(`expected exactly one action ${name} ${JSON.stringify(params)}, found ${found.length}` +
      (found.length === 0 ? ` (actions: ${[...new Set(model.actions.map((a) => a.name))].join('; ')})` : ''));
  }
  return found[0]!;
}

export function hasAction(model: Model, name: string, params: Params = {}): boolean {
  return model.actions.some((a) => matches(a, name, params));
}

export function isEnabled(model: Model, s: Uint32Array, name: string, params: Params = {}): boolean {
  return findAction(model, name, params).enabled(s);
}

/** Apply the named action to a copy of s; throws if its guard is false. */
export function apply(model: Model, s: Uint32Array, name: string, params: Params = {}): Uint32Array {
  const a = findAction(model, name, params);
  if (!a.enabled(s)) throw new Error(`${a.label} is not enabled in ${JSON.stringify(model.describe?.(s))}`);
  const n = s.slice();
  a.apply(n);
  return n;
}

/** Apply the named action's effect to a copy of s without looking at its guard (for hand-built illegal steps). */
export function force(model: Model, s: Uint32Array, name: string, params: Params = {}): Uint32Array {
  const n = s.slice();
  findAction(model, name, params).apply(n);
  return n;
}

/** Apply a sequence of [name, params?] steps, each checked against its guard. */
export function run(model: Model, s: Uint32Array, ...steps: ReadonlyArray<readonly [string, Params?]>): Uint32Array {
  let cur = s;
  for (const [name, params] of steps) cur = apply(model, cur, name, params ?? {});
  return cur;
}

/** A copy of s changed by `edit` (for hand-built states). */
export function edit(s: Uint32Array, change: (n: Uint32Array) => void): Uint32Array {
  const n = s.slice();
  change(n);
  return n;
}

export function names(model: Model): string[] {
  return model.properties.map((p) => p.name);
}

export function property(model: Model, name: string): Property {
  const p = model.properties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`model has no property ${name} (has: ${names(model).join(', ')})`);
  return p;
}

/** holds(s) of an always or quiescent property. */
export function holds(model: Model, name: string, s: Uint32Array): boolean {
  const p = property(model, name);
  if (p.kind !== 'always' && p.kind !== 'quiescent') throw new Error(`${name} is a ${p.kind} property`);
  return p.holds(s);
}

/** holds(prev, action, next) of a step property. */
export function stepHolds(model: Model, name: string, prev: Uint32Array, action: Action, next: Uint32Array): boolean {
  const p = property(model, name);
  if (p.kind !== 'step') throw new Error(`${name} is a ${p.kind} property`);
  return p.holds(prev, action, next);
}

export function witness(model: Model, name: string, s: Uint32Array): boolean {
  const p = property(model, name);
  if (p.kind !== 'sometimes') throw new Error(`${name} is a ${p.kind} property`);
  return p.witness(s);
}

// --- indices by name ---------------------------------------------------------

export function pageSlot(k: Kernel, id: string): number {
  const i = k.sh.pages.findIndex((p) => p.id === id);
  if (i < 0) throw new Error(`no page ${id}`);
  return i;
}
/** The first spare slot (where alloc_page puts the first COW copy). */
export function firstSpare(k: Kernel): number {
  const i = k.sh.pages.findIndex((p) => p.kind === 'spare');
  if (i < 0) throw new Error('no spare page slot');
  return i;
}
export function procIdx(k: Kernel, id: string): number {
  const i = k.sh.procs.findIndex((p) => p.id === id);
  if (i < 0) throw new Error(`no process ${id}`);
  return i;
}
export function holderIdx(k: Kernel, id: string): number {
  const i = k.sh.holders.findIndex((h) => h.id === id);
  if (i < 0) throw new Error(`no holder ${id}`);
  return i;
}
/** The PTE handles of process `proc` at the address that maps page `page` at the start. */
export function pte(k: Kernel, proc: string, page: string) {
  const q = procIdx(k, proc);
  const v = k.sh.procs[q]!.vmas.findIndex((x) => k.sh.pages[x.page]!.id === page);
  if (v < 0) throw new Error(`${proc} has no mapping of ${page}`);
  return k.pr[q]!.vma[v]!;
}

// --- scenario builders and action names shared by the kernel tests ----------

export interface FileOpts {
  present?: boolean;
  store?: boolean;
  munmap?: boolean;
  fs?: 'ext4' | 'tmpfs';
  holders?: unknown[];
  actors?: Record<string, boolean>;
}
/** One file page P, mapped MAP_SHARED|PROT_WRITE by process app. */
export function sharedFile(o: FileOpts = {}) {
  return {
    name: 'shared-file', description: 'one shared file page',
    pages: [{ id: 'P', kind: 'file', fs: o.fs ?? 'ext4' }],
    processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, writable: true, present: o.present ?? false, store: o.store ?? false, munmap: o.munmap ?? false }] }],
    holders: o.holders ?? [],
    actors: o.actors ?? {},
  };
}
export const getW = (extra: Record<string, unknown> = {}) => ({ id: 'dio', process: 'app', page: 'P', kind: 'GET', write: true, ...extra });
export const getR = (extra: Record<string, unknown> = {}) => ({ id: 'rd', process: 'app', page: 'P', kind: 'GET', write: false, ...extra });

/** One anonymous page A, mapped writable by process app. */
export function anon(holders: unknown[], mapping: Record<string, unknown> = {}) {
  return {
    name: 'anon', description: 'one anonymous page',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', writable: true, ...mapping }] }],
    holders,
  };
}

export const dio: Params = { holder: 'dio' };
export const FAULT = 'gup: faultin_page';
export const FOLLOW = 'gup: follow_page_pte + try_grab_page';
export const EFAULT = 'gup: check_vma_flags → EFAULT';
export const GRAB = 'gup_fast: try_grab_folio_fast';
export const RECHECK = 'gup_fast: recheck pte';
export const FALLBACK = 'gup_fast: fall back to the slow path';
export const DMA = 'dma: device writes page';
export const F_LOCK = 'flusher: lock_page';
export const F_CLEAN = 'flusher: clear_page_dirty_for_io';
export const F_SUBMIT = 'flusher: submit page';
export const F_BUG = 'flusher: BUG in page_buffers';
export const F_SKIP_WB = 'flusher: skip page under writeback';
export const END_WB = 'disk: end_page_writeback';
export const R_ISOLATE = 'reclaim: isolate_lru_page';
export const R_LOCK = 'reclaim: trylock_page';
export const R_LOCK_FAIL = 'reclaim: trylock failed, keep';
export const R_WB_KEEP = 'reclaim: PageWriteback, keep';
export const R_UNMAP = 'reclaim: try_to_unmap';
export const R_PAGEOUT = 'reclaim: pageout';
export const R_ACTIVATE = 'reclaim: dirty, activate';
export const R_FREE_BH = 'reclaim: try_to_free_buffers';
export const R_REMOVE = 'reclaim: __remove_mapping';
export const T_START = 'truncate: i_size_write + unmap_mapping_range';
export const T_LOCK = 'truncate: lock_page';
export const T_CLEAN = 'truncate: truncate_cleanup_page';
export const T_DELETE = 'truncate: delete_from_page_cache';
export const FORK = 'fork: copy_present_pte decides';
export const FORK_SHARE = 'fork: share write-protected';
/** fork() of process 'parent' to the end: both steps (decide, then write-protect and share). */
export const FORK_STEPS = [[FORK, { process: 'parent' }], [FORK_SHARE, { process: 'parent' }]] as const;
export const STORE_FAULT = 'store: write fault';
export const STORE = 'store: user writes';
export const MUNMAP = 'munmap: zap_pte_range';
export const PAGE_P = { page: 'P' };
