// Build the kernel page model for one scenario under one proposal: the
// shape, the state with the proposal's extra fields, the hooks as the
// proposal fills them, the initial state, every action the scenario's actors
// can take (the proposal's own after the kernel's), and the properties the
// scenario and kernel can exercise.

import { didYouMean } from '../../src/io/suggest.js';
import { withLivenessFlags } from './progress.js';
import { fileURLToPath } from 'node:url';
import { existsSync, readdirSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import { requireFirst, type Action, type Model } from '../../src/engine/model.js';
import { InputError, type ModelEntry } from '../../src/engine/registry.js';
import { KERNEL_PROPERTIES } from '../../properties/index.js';
import { bioActions } from './bio.js';
import { flusherActions, fsyncActions, ioCompletionActions, reclaimActions, truncateActions } from './background.js';
import { holderActions } from './gup.js';
import { BH, COLLAPSE, FLUSHER, FSYNC, HOLDER, Kernel, MAPPING, OFFLINE, RECLAIM, TRUNCATE, exclusiveFieldName, pincountFieldName } from './kernel.js';
import { forkActions, userActions } from './process.js';
import { compactionActions, offlineActions } from './migrate.js';
import { khugepagedActions } from './khugepaged.js';
import { holderOwner } from './hooks.js';
import { composeHooks, extraActionsOf, extraPropertiesOf, extraStateOf, releaseOf, resolveSettings, wordsOf, type Proposal } from './proposal.js';
import { loadScenario, type Scenario } from './scenario.js';
import { settleHolders, shapeOf } from './shape.js';
import { kernelCanonicalizer } from './symmetry.js';
import { bugScenario, bugScenarioNames } from '../bugs/index.js';

export const SCENARIO_DIR = fileURLToPath(new URL('../../../models/scenarios/', import.meta.url));
export const DEFAULT_SCENARIO = 'ext4-gup-write';

/** The initial state: file pages cached, clean, with clean buffers (ext4), on the LRU; anon pages mapped and exclusive. */
function initialState(k: Kernel): Uint32Array {
  const s = k.L.blank();
  // A blank field holds its minimum; the refcount's is negative (an underflow must be representable).
  // (Every slot's own: a THP tail's refcount and pin count are its head's, its own stay 0.)
  const pc = pincountFieldName(k.release);
  for (const id of Object.keys(k.root.page)) {
    const g = k.root.page[id]! as unknown as Record<string, { set(s: Uint32Array, v: number): void } | undefined>;
    g['ref']!.set(s, 0);
    if (pc !== undefined) g[pc]?.set(s, 0);
  }
  for (const p of k.sh.fileSlots) {
    const g = k.pg[p]!;
    g.mapping.set(s, MAPPING.file);
    g.ref.set(s, 1);
    g.PG_lru.set(s, 1);
    if (k.isExt4(p)) k.attachBuffers(s, p, BH.clean);
  }
  if (k.sh.zeroSlot >= 0) k.pg[k.sh.zeroSlot]!.ref.set(s, 1); // reserved: the kernel's own reference
  if (k.sh.hugeZeroSlot >= 0) k.pg[k.sh.hugeZeroSlot]!.ref.set(s, 1); // the huge zero page's (huge_zero_refcount keeps it)
  // An anonymous page that starts as the zero page (the process only read it) is not allocated yet.
  const notYet = new Set(k.sh.procs.flatMap((pr) => pr.vmas.filter((v) => v.zeropage).map((v) => v.page)));
  k.sh.pages.forEach((slot, p) => {
    if (slot.kind !== 'anon' || notYet.has(p)) return;
    k.pg[p]!.mapping.set(s, MAPPING.anon);
    // A page an earlier fork shared: PG_anon_exclusive (5.19+) stays clear; the earlier releases'
    // ghost says whether one process alone maps it, which it does again.
    k.pg[p]!.PG_anon_exclusive.setBool(s, !(slot.forkedBefore && exclusiveFieldName(k.release) === 'PG_anon_exclusive'));
    k.pg[p]!.PG_lru.set(s, 1);
  });
  k.sh.procs.forEach((pr, q) => {
    if (pr.child) return;
    k.pr[q]!.alive.set(s, 1);
    pr.vmas.forEach((vma, v) => {
      // Anonymous pages start writable (exclusive); file pages start clean and write-protected (write-notify).
      // A THP range only read: the huge zero page's PMD (set_huge_zero_page), read-only.
      if (vma.zeropage && vma.thp !== null) { if (vma.thp.head === v) k.mapPmd(s, q, v, k.sh.hugeZeroSlot, false, false); }
      else if (vma.zeropage) k.mapPte(s, q, v, k.sh.zeroSlot, false, false);
      else if (vma.thp !== null && k.sh.pages[k.sh.pages[vma.page]!.folio]!.thp === 'pmd') {
        // A THP written before the scenario (do_huge_pmd_anonymous_page, then the memset): one writable, dirty PMD.
        if (vma.thp.head === v) k.mapPmd(s, q, v, vma.page, vma.writable, true);
      // (A page an earlier fork shared stays write-protected until a write fault.)
      } else if (vma.present) k.mapPte(s, q, v, vma.page, !vma.file && vma.writable && !k.sh.pages[vma.page]!.forkedBefore, vma.thp !== null);
    });
  });
  // A holder whose GUP ran before the scenario: it holds the page its PTE maps (follow_page_pte + try_grab_page).
  k.sh.holders.forEach((h, hi) => {
    if (!h.held) return;
    let p = k.pr[h.proc]!.vma[h.va]!.pfn.get(s);
    const H = k.hd[hi]!;
    // A GUP the kernel refuses for this VMA (check_vma_flags) failed before the scenario, too.
    if (k.hooks.checkVmaFlags(h) !== undefined) { H.pc.set(s, HOLDER.refused); return; }
    // From 5.13 a long-term GUP moved a page of the movable block out before it pinned it
    // (check_and_migrate_movable_pages), or failed if it could not.
    const migrate = k.hooks.gupLongtermMigrate;
    if (h.longterm && migrate !== undefined && migrate(s, hi, p)) {
      k.isolateLruPage(s, p);
      if (!k.migrateAnonPage(s, p)) {
        k.putbackLruPage(s, p);
        H.pc.set(s, HOLDER.refused);
        return;
      }
      p = k.pr[h.proc]!.vma[h.va]!.pfn.get(s);
    }
    k.grabGupRef(s, hi, p);
    H.page.set(s, p);
    H.pc.set(s, HOLDER.held);
    if (k.hooks.gupLocksPage(s, hi, p)) k.pg[p]!.PG_locked.set(s, holderOwner(hi));
    k.hooks.gupPinned(s, hi, p);
  });
  // A page swapped out at the start (MADV_PAGEOUT after the page was written): reclaim_pages ran
  // add_to_swap, try_to_unmap, swap_writepage and __remove_mapping on it; what is left is its
  // swap PTE (exclusive where the release keeps the bit: the page was its process's alone) and
  // the slot's contents. Slots in page order.
  let slot = 0;
  k.sh.pages.forEach((pg, p) => {
    if (!pg.swapped) return;
    const x = slot++;
    k.addToSwapCache(s, p, x);
    k.unmapToSwap(s, p, k.hooks.swapPteExclusive(s, p));
    k.swapWritepage(s, p);
    k.deleteFromSwapCache(s, p); // the last reference: the page is freed
  });
  return s;
}

export function buildKernelModel(scenario: Scenario, proposal: Proposal): Model {
  return buildKernel(scenario, proposal).model;
}

/**
 * The Kernel of a scenario under a proposal, hooks attached: the layout
 * holds the proposal's extra fields; the hooks settle each holder's
 * accounting, and are then composed again over the settled shape (hook code
 * may look at the holders when it is built).
 */
export function kernelOf(scenario: Scenario, proposal: Proposal): Kernel {
  const settings = resolveSettings(proposal);
  const geometry = shapeOf(scenario);
  const k = new Kernel(geometry, extraStateOf(proposal, geometry, settings), releaseOf(proposal));
  k.words = wordsOf(proposal);
  k.hooks = composeHooks(proposal, k, settings);
  k.settle(settleHolders(geometry, k.hooks));
  k.hooks = composeHooks(proposal, k, settings);
  return k;
}

/** The model and the Kernel behind it (tests use the Kernel's field handles and functions). */
export function buildKernel(scenario: Scenario, proposal: Proposal): { model: Model; kernel: Kernel } {
  const settings = resolveSettings(proposal);
  const k = kernelOf(scenario, proposal);
  const sh = k.sh;
  const oops = k.root.oops;
  const raw: Action[] = [
    ...sh.holders.flatMap((_, h) => [...holderActions(k, h), ...bioActions(k, h)]),
    ...(sh.flusher ? flusherActions(k) : []),
    ...(sh.fsync ? fsyncActions(k) : []),
    ...(sh.flusher || sh.reclaim || sh.fsync ? ioCompletionActions(k) : []),
    ...(sh.reclaim || sh.swap ? reclaimActions(k) : []),
    ...(sh.truncate ? truncateActions(k) : []),
    ...(sh.offline ? offlineActions(k) : []),
    ...(sh.compaction ? compactionActions(k) : []),
    ...(sh.collapse ? khugepagedActions(k) : []),
    ...forkActions(k),
    ...userActions(k),
    ...extraActionsOf(proposal, k, settings),
  ];
  // After a BUG() nothing runs.
  // Each step declares whether it is progress and whether fairness may force it (progress.ts).
  const actions = raw.map((a): Action => withLivenessFlags(k, requireFirst(a, { field: oops, value: 0 })));
  const properties = [
    ...KERNEL_PROPERTIES.filter((p) => p.applies(k)).flatMap((p) => p.properties(k)),
    ...extraPropertiesOf(proposal, k, settings),
  ];
  const liveness = KERNEL_PROPERTIES.filter((p) => p.applies(k)).flatMap((p) => p.liveness?.(k) ?? []);
  const F = k.root.flusher;
  const R = k.root.kswapd;
  const T = k.root.truncate;
  const Y = k.root.fsync;
  const O = k.root.offline;
  const quiet = (s: Uint32Array): boolean => {
    if (oops.test(s)) return false;
    for (let h = 0; h < k.NH; h++) {
      const pc = k.hd[h]!.pc.get(s);
      if (pc !== HOLDER.released && pc !== HOLDER.refused) return false;
    }
    if ((F !== undefined && F.pc.get(s) !== FLUSHER.idle) || (R !== undefined && R.pc.get(s) !== RECLAIM.idle)) return false;
    if (T !== undefined && T.pc.get(s) !== TRUNCATE.idle && T.pc.get(s) !== TRUNCATE.done) return false;
    if (Y !== undefined && Y.pc.get(s) !== FSYNC.idle && Y.pc.get(s) !== FSYNC.done) return false;
    // offline_pages between two passes over the block is as quiet as kswapd between pages.
    if (O !== undefined && O.pc.get(s) === OFFLINE.isolated) return false;
    if (k.root.kcompactd !== undefined && k.root.kcompactd.pc.get(s) !== 0) return false;
    // khugepaged holds mmap_lock for writing between the flush and set_pmd_at.
    if (k.root.khugepaged !== undefined && (k.root.khugepaged.pc.get(s) === COLLAPSE.flushed || k.root.khugepaged.pc.get(s) === COLLAPSE.isolated)) return false;
    for (let p = 0; p < k.NP; p++) if (k.pg[p]!.PG_writeback.test(s) || k.locked(s, p)) return false;
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
    liveness,
    // The kernel's retry loops (GUP's fault and follow, a sleeping lock_page) end unless
    // another thread wins the race every time: strong fairness per step (progress.ts).
    fairness: 'strong',
    isQuiescent: quiet,
    // A BUG() ends the run (its property reports it); so does having nothing left to do.
    isLegalEnd: (s) => oops.test(s) || quiet(s),
    // Traces show every field of the state, by the scenario's names, straight from the schema.
    describe: (s) => k.L.toJSON(s),
    // Measured, not assumed: bench/por-bound.ts (README, "Fewer states").
    porUnsupported: 'the kernel model declares no footprints: kswapd, the flusher and truncate share each page\'s refcount, lock and flags with its driver, so even traced footprints keep 98.7 % of the states (bench/por-bound.ts); a "symmetry" group and --workers are what shrink a kernel search',
    ...(canonicalize !== undefined ? { canonicalize } : {}),
  };
  return { model, kernel: k };
}

/** Scenario names shipped in models/scenarios/. */
export function scenarioNames(): string[] {
  if (!existsSync(SCENARIO_DIR)) return [];
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** A scenario by name (models/scenarios/NAME.json, or a bug's own in models/bugs/) or by path. */
export function resolveScenario(arg: string | undefined): Scenario {
  const name = arg ?? DEFAULT_SCENARIO;
  const file = name.includes('/') || name.endsWith('.json') ? name : `${SCENARIO_DIR}${name}.json`;
  if (!name.includes('/') && !name.endsWith('.json') && !existsSync(file)) {
    const bug = bugScenario(name);
    if (bug !== undefined) return bug;
    throw new InputError(`unknown scenario '${name}'${didYouMean(name, [...scenarioNames(), ...bugScenarioNames()])} (scenarios: ${scenarioNames().join(', ')}; the bug corpus's: ${bugScenarioNames().join(', ')}; or give a path to a .json file)`);
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
    group: p.release === true ? 'release' : 'proposal',
    description: `${p.title}. Changes: ${p.changes}`,
    params: [],
    input: { option: 'scenario', default: DEFAULT_SCENARIO, names: scenarioNames, about: scenarioAbout },
    build: (_params, input) => buildKernelModel(resolveScenario(input), p),
  };
}
