// Build the kernel page model for one scenario under one proposal: the
// initial state, every action the scenario's actors can take, and the
// properties I1–I11 that the scenario and era can exercise.

import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { Action, Model } from '../../src/engine/model.js';
import { InputError, type ModelEntry } from '../../src/engine/registry.js';
import { KERNEL_PROPERTIES } from '../../properties/index.js';
import type { Proposal } from '../proposals/proposal.js';
import { bioActions } from './bio.js';
import { flusherActions, ioCompletionActions, reclaimActions, truncateActions } from './background.js';
import { holderActions } from './gup.js';
import { BH, FLUSHER, HOLDER, Kernel, MAPPING, RECLAIM, TRUNCATE } from './kernel.js';
import { forkActions, userActions } from './process.js';
import { loadScenario, type Scenario } from './scenario.js';
import { shapeOf } from './shape.js';
import { kernelCanonicalizer } from './symmetry.js';

export const SCENARIO_DIR = fileURLToPath(new URL('../../../models/scenarios/', import.meta.url));
export const DEFAULT_SCENARIO = 'ext4-gup-write';

/** The initial state: file pages cached, clean, with clean buffers (ext4), on the LRU; anon pages mapped and exclusive. */
function initialState(k: Kernel): Uint32Array {
  const s = k.L.blank();
  for (const p of k.sh.fileSlots) {
    const g = k.pg[p]!;
    g.mapping.set(s, MAPPING.file);
    g.ref.set(s, 1);
    g.lru.set(s, 1);
    if (k.isExt4(p)) k.attachBuffers(s, p, BH.clean);
  }
  if (k.sh.zeroSlot >= 0) k.pg[k.sh.zeroSlot]!.ref.set(s, 1); // reserved: the kernel's own reference
  k.sh.pages.forEach((slot, p) => {
    if (slot.kind !== 'anon') return;
    k.pg[p]!.mapping.set(s, MAPPING.anon);
    k.pg[p]!.exclusive.set(s, 1);
    k.pg[p]!.lru.set(s, 1);
  });
  k.sh.procs.forEach((pr, q) => {
    if (pr.child) return;
    k.pr[q]!.alive.set(s, 1);
    pr.vmas.forEach((vma, v) => {
      // Anonymous pages start writable (exclusive); file pages start clean and write-protected (write-notify).
      if (vma.present) k.mapPte(s, q, v, vma.page, !vma.file && vma.writable, false);
    });
  });
  return s;
}

export function buildKernelModel(scenario: Scenario, proposal: Proposal): Model {
  return buildKernel(scenario, proposal).model;
}

/** The model and the Kernel behind it (tests use the Kernel's field handles and functions). */
export function buildKernel(scenario: Scenario, proposal: Proposal): { model: Model; kernel: Kernel } {
  const sh = shapeOf(scenario, proposal.era);
  const k = new Kernel(sh);
  const oops = k.L.root.oops;
  const raw: Action[] = [
    ...sh.holders.flatMap((_, h) => [...holderActions(k, h), ...bioActions(k, h)]),
    ...(sh.flusher ? flusherActions(k) : []),
    ...(sh.flusher || sh.reclaim ? ioCompletionActions(k) : []),
    ...(sh.reclaim ? reclaimActions(k) : []),
    ...(sh.truncate ? truncateActions(k) : []),
    ...forkActions(k),
    ...userActions(k),
  ];
  // After a BUG() nothing runs.
  const actions = raw.map((a): Action => ({ ...a, enabled: (s) => !oops.test(s) && a.enabled(s) }));
  const properties = KERNEL_PROPERTIES.filter((p) => p.applies(k)).flatMap((p) => p.properties(k));
  const F = k.L.root.flusher;
  const R = k.L.root.reclaim;
  const T = k.L.root.truncate;
  const quiet = (s: Uint32Array): boolean => {
    if (oops.test(s)) return false;
    for (let h = 0; h < k.NH; h++) {
      const pc = k.hd[h]!.pc.get(s);
      if (pc !== HOLDER.released && pc !== HOLDER.refused) return false;
    }
    if (F.pc.get(s) !== FLUSHER.idle || R.pc.get(s) !== RECLAIM.idle) return false;
    const t = T.pc.get(s);
    if (t !== TRUNCATE.idle && t !== TRUNCATE.done) return false;
    for (let p = 0; p < k.NP; p++) if (k.pg[p]!.writeback.test(s) || k.locked(s, p)) return false;
    return true;
  };
  const canonicalize = kernelCanonicalizer(k);
  const model: Model = {
    name: proposal.name,
    params: { scenario: scenario.name },
    layout: k.L,
    init: [initialState(k)],
    actions,
    properties,
    isQuiescent: quiet,
    // A BUG() ends the run (its property reports it); so does having nothing left to do.
    isLegalEnd: (s) => oops.test(s) || quiet(s),
    describe: (s) => describeKernelState(k, s),
    ...(canonicalize !== undefined ? { canonicalize } : {}),
  };
  return { model, kernel: k };
}

/** Trace rendering: pages by name with their flags; PTEs per process; holders; actors. Only what matters. */
function describeKernelState(k: Kernel, s: Uint32Array) {
  const pages: Record<string, unknown> = {};
  k.sh.pages.forEach((slot, p) => {
    const g = k.pg[p]!;
    if (slot.kind === 'spare' && k.isFree(s, p)) return;
    pages[slot.id] = {
      ref: g.ref.get(s), map: g.map.get(s),
      locked: ['-', 'flusher', 'kswapd', 'truncate', ...k.sh.holders.map((h) => h.id)][g.lock.get(s)]!,
      PG_dirty: g.dirty.test(s), PG_writeback: g.writeback.test(s),
      buffers: (['none', 'clean', 'dirty'] as const)[g.bh.get(s)]!,
      PG_lru: g.lru.test(s), isolated: g.isolated.test(s),
      mapping: (['none', 'file', 'anon'] as const)[g.mapping.get(s)]!,
      ...(slot.kind !== 'file' ? { PG_anon_exclusive: g.exclusive.test(s) } : {}),
      data: g.data.get(s),
      ...(slot.kind === 'file' ? { disk: g.disk.get(s) } : {}),
      ...(g.writer.get(s) !== 0 ? { writtenBy: k.sh.procs[g.writer.get(s) - 1]!.id } : {}),
      ...(g.underflow.test(s) ? { refcountUnderflow: true } : {}),
      ...(k.sh.era.pinIsolatesFromLru ? { dma_pinned_count: g.dmaPins.get(s) } : {}),
    };
  });
  const ptes: Record<string, unknown> = {};
  k.sh.procs.forEach((pr, q) => pr.vmas.forEach((vma, v) => {
    const e = k.pr[q]!.vma[v]!;
    const key = `${pr.id}:${k.sh.pages[vma.page]!.id}`;
    if (!k.pr[q]!.alive.test(s)) return;
    ptes[key] = e.unmapped.test(s) ? 'munmapped' : e.present.test(s)
      ? `${k.sh.pages[e.pfn.get(s)]!.id}${e.w.test(s) ? ' W' : ''}${e.d.test(s) ? ' D' : ''}` : 'none';
  }));
  const holders: Record<string, unknown> = {};
  k.sh.holders.forEach((h, i) => {
    const pc = (['start', 'grabbed', 'held', 'dirtied', 'released', 'refused'] as const)[k.hd[i]!.pc.get(s)]!;
    const added = h.bio !== null && k.hd[i]!.bioAdded.test(s);
    const bio = added && h.bio === 'zero-page' && pc !== 'released' ? ', bio also holds ZERO_PAGE' : added && h.bio === 'same-page' ? ', second iovec merged' : '';
    holders[h.id] = (pc === 'start' || pc === 'refused' ? pc : `${pc} ${k.sh.pages[k.hd[i]!.page.get(s)]!.id}${k.hd[i]!.wrote.test(s) ? ', DMA written' : ''}`) + bio;
  });
  const R = k.L.root;
  return {
    page: pages, pte: ptes, holder: holders,
    ...(k.sh.flusher ? { flusher: (['idle', 'locked', 'cleaned'] as const)[R.flusher.pc.get(s)]! } : {}),
    ...(k.sh.reclaim ? { kswapd: (['idle', 'isolated', 'locked', 'unmapped', 'released'] as const)[R.reclaim.pc.get(s)]! } : {}),
    ...(k.sh.truncate ? { truncate: (['idle', 'scanning', 'locked', 'cleaned', 'done'] as const)[R.truncate.pc.get(s)]! } : {}),
    ...(k.sh.forkChild >= 0 ? { forked: R.forked.test(s) } : {}),
    ...(R.oops.test(s) ? { BUG: true } : {}),
  } as never;
}

/** Scenario names shipped in models/scenarios/. */
export function scenarioNames(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** A scenario by name (models/scenarios/NAME.json) or by path. */
export function resolveScenario(arg: string | undefined): Scenario {
  const name = arg ?? DEFAULT_SCENARIO;
  const file = name.includes('/') || name.endsWith('.json') ? name : `${SCENARIO_DIR}${name}.json`;
  if (!name.includes('/') && !name.endsWith('.json') && !existsSync(file)) {
    throw new InputError(`unknown scenario '${name}' (scenarios: ${scenarioNames().join(', ')}; or give a path to a .json file)`);
  }
  const r = loadScenario(file);
  if (isLeft(r)) throw new InputError(r.left);
  return r.right;
}

/** A scenario's description, or undefined if it cannot be read. */
function scenarioAbout(input: string): string | undefined {
  try {
    return resolveScenario(input).description;
  } catch {
    return undefined;
  }
}

/** The registry entry of a proposal: `gupcheck check <proposal> --scenario NAME`. */
export function proposalEntry(p: Proposal): ModelEntry {
  return {
    name: p.name,
    group: 'proposal',
    description: `${p.title}. Changes: ${p.changes}`,
    params: [],
    input: { option: 'scenario', default: DEFAULT_SCENARIO, names: scenarioNames, about: scenarioAbout },
    build: (_params, input) => buildKernelModel(resolveScenario(input), p),
  };
}
