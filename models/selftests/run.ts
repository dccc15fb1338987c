// Build and judge the selftest rows of table.ts: load a row's scenario,
// build the kernel model under a proposal, add the holder-outcome
// properties the row expects (built from the Kernel's holder program
// counters), and compare a check result with the row's expectation.

import { fileURLToPath } from 'node:url';
import { isLeft } from 'fp-ts/lib/Either.js';
import { always, quiescent, sometimes, type Model, type Property } from '../../src/engine/model.js';
import { InputError } from '../../src/engine/registry.js';
import type { CheckResult, PropertyResult, TraceStep } from '../../src/engine/result.js';
import { buildKernel } from '../kernel/build.js';
import { HOLDER, type Kernel } from '../kernel/kernel.js';
import { decodeScenario, loadScenario, type Scenario } from '../kernel/scenario.js';
import type { Proposal } from '../kernel/proposal.js';
import type { Expectation, HolderOutcome, ModelledRow, RowVariant } from './table.js';

/** Where the row scenarios live (models/selftests/, next to this file's source). */
export const SELFTEST_DIR = fileURLToPath(new URL('../../../models/selftests/', import.meta.url));

/** A row's scenario, decoded like any scenario file (a bad file is an InputError naming it), with the row's variant applied. */
export function loadRowScenario(row: ModelledRow): Scenario {
  const r = loadScenario(`${SELFTEST_DIR}${row.scenario}`);
  if (isLeft(r)) throw new InputError(r.left);
  if (row.variant === undefined) return r.right;
  const swapped = withVariant(r.right, row.variant);
  // The variant must still be a valid scenario (e.g. no page both swapped out and the zero page).
  const d = decodeScenario(swapped);
  if (isLeft(d)) throw new InputError(`${row.scenario} (${row.variant}): ${d.left}`);
  return d.right;
}

/** The scenario with its pages set up as the variant says. */
export function withVariant(s: Scenario, variant: RowVariant): Scenario {
  switch (variant) {
    case 'swapped-out':
      return {
        ...s,
        name: `${s.name}-swapped-out`,
        description: `${s.description} The anonymous page starts swapped out (MADV_PAGEOUT).`,
        pages: s.pages.map((p) => (p.kind === 'anon' ? { ...p, swapped: true } : p)),
      };
    case 'thp': return asThp(s, variant, 'pmd', 'whole', 'mapped by one PMD');
    case 'pte-mapped-thp': return asThp(s, variant, 'pte', 'whole', 'its PMD split into PTEs (mprotect of one subpage and back)');
    case 'single-pte-thp': return asThp(s, variant, 'pte', 'head', 'PTE-mapped, every subpage but the first zapped (MADV_DONTNEED)');
    // cow.c runs the case on the half left in place; the model mirrors it (the tail's VMA, the head untouched): see table.ts.
    case 'partially-mremapped-thp': return asThp(s, variant, 'pte', 'tail', 'PTE-mapped, half of it mremap()ed to another address; the case runs on one half, the other stays mapped');
    case 'partially-shared-thp': {
      const t = asThp(s, variant, 'pte', 'whole', 'PTE-mapped, its first subpage shared by an earlier fork() with a child that has exited');
      return { ...t, pages: t.pages.map((p) => (p.thp !== undefined ? { ...p, forkedBefore: true } : p)) };
    }
    case 'huge-zeropage': return asHugeZeropage(s, variant);
    case 'collapse': case 'collapse-lower-shared': case 'collapse-upper-shared': {
      // do_test_anon_thp_collapse: a PTE-mapped THP (the mprotect trick), MADV_COLLAPSE before or after fork();
      // LOWER/UPPER_SHARED: MADV_DONTFORK on the other half, so fork shares only one subpage.
      const t = asThp(s, variant, 'pte', 'whole', 'PTE-mapped, collapsed into a new THP by MADV_COLLAPSE (khugepaged\'s collapse_huge_page)');
      const noFork = variant === 'collapse-lower-shared' ? t.pages.find((p) => p.tailOf !== undefined)!.id : variant === 'collapse-upper-shared' ? t.pages.find((p) => p.thp !== undefined)!.id : undefined;
      return {
        ...t,
        actors: { ...t.actors, collapse: true },
        processes: t.processes.map((pr) => (pr.childOf !== undefined ? pr : { ...pr, mappings: pr.mappings.map((m) => (m.page === noFork ? { ...m, dontfork: true } : m)) })),
      };
    }
    case 'swapped-out-thp': return asSwappedThp(s, variant, 2);
    case 'swapped-out-pte-mapped-thp': return asSwappedThp(s, variant, 2);
    case 'single-pte-swapped-out-thp': return asSwappedThp(s, variant, 1);
  }
}

/**
 * cow.c's "with huge zeropage" set-up (run_with_huge_zeropage): each
 * anonymous range that starts on the zero page is a THP range read after
 * MADV_HUGEPAGE, so its PMD maps the huge zero page (two subpages in the
 * model); a store covers both subpages.
 */
function asHugeZeropage(s: Scenario, variant: RowVariant): Scenario {
  const zero = new Set(s.processes.flatMap((pr) => pr.mappings.filter((m) => m.zeropage === true).map((m) => m.page)));
  return {
    ...s,
    name: `${s.name}-${variant}`,
    description: `${s.description} The ranges start on the huge zero page (a read fault after MADV_HUGEPAGE).`,
    pages: s.pages.flatMap((p) => (zero.has(p.id) ? [{ ...p, thp: 'pmd' as const }, { id: `${p.id}_tail`, kind: 'anon' as const, tailOf: p.id }] : [p])),
    processes: s.processes.map((pr) => ({
      ...pr,
      mappings: pr.mappings.flatMap((m) => (zero.has(m.page)
        ? [m, { page: `${m.page}_tail`, zeropage: true, ...(m.writable !== undefined ? { writable: m.writable } : {}), ...(m.store === true ? { store: true } : {}) }]
        : [m])),
    })),
  };
}

/**
 * cow.c's swapped-out THP set-ups taken to their end: MADV_PAGEOUT splits
 * the PMD into swap PTEs (TTU_SPLIT_HUGE_PMD), the folio is written to swap
 * and freed; what is left is a swap entry per subpage, and 6.6's
 * do_swap_page reads each back as a small folio. So the model starts with
 * `pages` small swapped-out pages: the head's, and for the whole THP the
 * tail's, which gets the head mapping's user steps too (no PMD is left to
 * make them one range).
 */
function asSwappedThp(s: Scenario, variant: RowVariant, pages: 1 | 2): Scenario {
  const head = s.pages.find((p) => p.kind === 'anon')!.id;
  const tail = `${head}_tail`;
  return {
    ...s,
    name: `${s.name}-${variant}`,
    description: `${s.description} The anonymous page is a THP swapped out (MADV_PAGEOUT): ${pages === 2 ? 'a swap entry per subpage' : 'its one mapped subpage'}, read back as small pages.`,
    pages: s.pages.flatMap((p) => (p.id !== head ? [p] : [{ ...p, swapped: true }, ...(pages === 2 ? [{ id: tail, kind: 'anon' as const, swapped: true }] : [])])),
    processes: s.processes.map((pr) => ({
      ...pr,
      mappings: pr.mappings.flatMap((m) => (m.page === head && pages === 2 ? [m, { ...m, page: tail }] : [m])),
    })),
  };
}

/**
 * cow.c's do_run_with_thp set-ups on the model's THP of two subpages: the
 * base-page row's anonymous page becomes the THP's head, with a tail
 * subpage `<id>_tail` next to it. `on`: where the case runs —
 * 'whole': the THP's range (stores to both subpages; munmap, MADV_DONTNEED,
 * mprotect and clear_refs on the head's mapping cover the range; GUP on the
 * head subpage, which pins the folio); 'head': the first subpage alone (the
 * tail is zapped); 'tail': the tail subpage alone (its own VMA after the
 * mremap, the head mapped and untouched: cow.c's set-up mirrored).
 */
function asThp(s: Scenario, variant: RowVariant, mapped: 'pmd' | 'pte', on: 'whole' | 'head' | 'tail', how: string): Scenario {
  const anon = s.pages.find((p) => p.kind === 'anon')!;
  const head = anon.id;
  const tail = `${head}_tail`;
  const caseOn = on === 'tail' ? tail : head;
  type M = Scenario['processes'][number]['mappings'][number];
  const plain = (m: M, page: string): M => ({
    page,
    ...(m.writable !== undefined ? { writable: m.writable } : {}),
    ...(m.dontfork !== undefined ? { dontfork: m.dontfork } : {}),
  });
  const processes = s.processes.map((pr) => ({
    ...pr,
    mappings: pr.mappings.flatMap((m): M[] => {
      if (m.page !== head) return [m];
      const own = pr.childOf === undefined;
      switch (on) {
        case 'whole': {
          const t: M = { ...(own ? plain(m, tail) : { page: tail }), ...(m.store === true ? { store: true } : {}) };
          return [m, t];
        }
        case 'head': return [m, { ...(own ? plain(m, tail) : { page: tail }), ...(own ? { present: false } : {}) }];
        case 'tail': {
          // clear_refs is process-wide: it stays on the head's mapping, which covers the range.
          const { clearSoftDirty, ...rest } = m;
          const sd = clearSoftDirty === true ? { clearSoftDirty: true } : {};
          return [{ ...(own ? plain(m, head) : { page: head }), ...sd }, { ...rest, page: tail }];
        }
      }
    }),
  }));
  return {
    ...s,
    name: `${s.name}-${variant}`,
    description: `${s.description} The anonymous page is a THP (${how}).`,
    pages: s.pages.flatMap((p) => (p.id === head ? [{ ...p, thp: mapped }, { id: tail, kind: 'anon' as const, tailOf: head }] : [p])),
    processes,
    holders: s.holders.map((h) => (h.page === head ? { ...h, page: caseOn } : h)),
  };
}

/** Names of the outcome properties of a holder, e.g. pinned(gup_test), pinned(gup_test).quiescent. */
export const outcomeNames = (id: string, outcome: HolderOutcome) =>
  ({ always: `${outcome}(${id})`, quiescent: `${outcome}(${id}).quiescent`, witness: `${outcome}(${id}).witness` });

/**
 * The outcome of holder `id` as engine properties over its program counter:
 * - pinned: never refused; in every quiescent state released (it got the page and gave it back);
 *   witnessed by a state where it holds the page.
 * - efault: never held, dirtied or released (a GUP-fast grab its recheck undoes is only
 *   `grabbed`); in every quiescent state refused; witnessed by a refusal.
 */
export function holderOutcomeProperties(k: Kernel, id: string, outcome: HolderOutcome): Property[] {
  const h = k.sh.holders.findIndex((x) => x.id === id);
  if (h < 0) throw new InputError(`the scenario has no holder '${id}' (holders: ${k.sh.holders.map((x) => x.id).join(', ') || 'none'})`);
  // A property of one holder is not invariant under renaming it with others: no symmetry over it.
  if (k.sh.holderSymmetry.some((g) => g.includes(h))) throw new InputError(`holder '${id}' has outcome properties of its own, so it cannot be in a symmetry group of holders`);
  const pc = k.hd[h]!.pc;
  const n = outcomeNames(id, outcome);
  if (outcome === 'pinned') {
    return [
      always(n.always, `holder ${id} is never refused (no EFAULT)`, (s) => pc.get(s) !== HOLDER.refused),
      quiescent(n.quiescent, `in every quiescent state holder ${id} got its page and released it`, (s) => pc.get(s) === HOLDER.released),
      sometimes(n.witness, `holder ${id} holds its page`, (s) => pc.get(s) === HOLDER.held),
    ];
  }
  return [
    always(n.always, `holder ${id} never gets its page (a GUP-fast grab that the recheck undoes does not count)`, (s) => {
      const v = pc.get(s);
      return v !== HOLDER.held && v !== HOLDER.dirtied && v !== HOLDER.released;
    }),
    quiescent(n.quiescent, `every run ends with holder ${id} refused (EFAULT)`, (s) => pc.get(s) === HOLDER.refused),
    sometimes(n.witness, `holder ${id} is refused (EFAULT)`, (s) => pc.get(s) === HOLDER.refused),
  ];
}

/** The row's model on a proposal: the kernel model of its scenario plus its holder-outcome properties. */
export function buildRowModel(row: ModelledRow, proposal: Proposal): Model {
  const { model, kernel } = buildKernel(loadRowScenario(row), proposal);
  const h = row.expect.holder;
  if (h === undefined) return model;
  return { ...model, properties: [...model.properties, ...holderOutcomeProperties(kernel, h.id, h.outcome)] };
}

/** The expectation as short facts: "I10 holds", "gup_test efault". */
export function expectationFacts(e: Expectation): string[] {
  return [
    ...Object.entries(e.properties ?? {}).map(([name, status]) => `${name} ${status}`),
    ...Object.entries(e.wherePresent ?? {}).map(([name, status]) => `${name} ${status} (where the release has it)`),
    ...(e.holder !== undefined ? [`${e.holder.id} ${e.holder.outcome === 'pinned' ? 'pinned' : 'refused (EFAULT)'}`] : []),
  ];
}

export interface RowVerdict {
  /** The row met its expectation on a complete search. */
  readonly ok: boolean;
  /** The search did not finish (a bound or an interrupt): never a verdict. */
  readonly incomplete: boolean;
  /** What was found instead of the expectation, one fact each. */
  readonly findings: readonly string[];
  /** The shortest counterexample behind the first finding, if there is one. */
  readonly trace?: { readonly property: string; readonly description: string; readonly steps: readonly TraceStep[] };
}

const steps = (p: PropertyResult) => (p.trace?.length ?? 1) - 1;
const nSteps = (p: PropertyResult) => `${steps(p)} step${steps(p) === 1 ? '' : 's'}`;
const statusText = (p: PropertyResult) => (p.status === 'violated' ? `violated (${nSteps(p)})` : p.status);

/**
 * What the holder-outcome properties found, as one fact: the witness says
 * whether the expected outcome ever happens, the invariant whether the other
 * one does, the quiescent check whether a run ends some third way.
 */
function outcomeFinding(id: string, outcome: HolderOutcome, inv: PropertyResult, end: PropertyResult, wit: PropertyResult): string | undefined {
  const bad = (p: PropertyResult) => p.status === 'violated' || p.status === 'vacuous';
  if (!bad(inv) && !bad(end) && !bad(wit)) return undefined;
  const other = outcome === 'pinned' ? `refused (EFAULT) in ${nSteps(inv)}` : `gets its page in ${nSteps(inv)}`;
  if (bad(wit) && inv.status === 'violated') return `${id} ${outcome === 'pinned' ? 'never holds its page' : 'is never refused'}: ${other} [${inv.name} violated, ${wit.name} ${wit.status}]`;
  if (inv.status === 'violated') return `${id} ${other} in some runs [${inv.name} violated]`;
  if (end.status === 'violated') return `a run ends without ${id} ${outcome === 'pinned' ? 'having released its page' : 'refused'} (${nSteps(end)}) [${end.name} violated]`;
  return `${id} ${outcome === 'pinned' ? 'never holds its page' : 'is never refused'} [${wit.name} ${wit.status}]`;
}

/** Compare a check result of a row's model with the row's expectation. */
export function judgeRow(row: ModelledRow, r: CheckResult): RowVerdict {
  const findings: string[] = [];
  let trace: RowVerdict['trace'];
  const note = (finding: string, p?: PropertyResult) => {
    findings.push(finding);
    if (trace === undefined && p?.trace !== undefined) trace = { property: p.name, description: p.description, steps: p.trace };
  };
  const byName = new Map(r.properties.map((p) => [p.name, p]));
  const incomplete = !r.complete;
  if (incomplete) findings.push(`search incomplete (stopped by ${r.stopReason ?? 'a bound'}): no verdict`);
  // The model's own sanity: a bound that cut behaviour off, or a state with nothing to do.
  for (const name of ['field-range', 'deadlock']) {
    const p = byName.get(name);
    if (p !== undefined && p.status === 'violated') note(`${name} ${statusText(p)}${p.detail !== undefined ? `: ${p.detail}` : ''}`, p);
  }
  for (const [name, want] of Object.entries(row.expect.properties ?? {})) {
    const p = byName.get(name);
    if (p === undefined) note(`${name} n/a (the scenario or era cannot exercise it)`);
    else if (p.status !== want && !(incomplete && p.status === 'unknown')) note(`${name} ${statusText(p)}`, p);
  }
  for (const [name, want] of Object.entries(row.expect.wherePresent ?? {})) {
    const p = byName.get(name);
    if (p !== undefined && p.status !== want && !(incomplete && p.status === 'unknown')) note(`${name} ${statusText(p)}`, p);
  }
  const h = row.expect.holder;
  if (h !== undefined) {
    const names = outcomeNames(h.id, h.outcome);
    const [inv, end, wit] = [names.always, names.quiescent, names.witness].map((n) => byName.get(n));
    if (inv === undefined || end === undefined || wit === undefined) note(`the outcome properties of ${h.id} are missing`);
    else {
      const f = outcomeFinding(h.id, h.outcome, inv, end, wit);
      if (f !== undefined) note(f, inv.status === 'violated' ? inv : end);
    }
  }
  return { ok: findings.length === 0, incomplete, findings, ...(trace !== undefined ? { trace } : {}) };
}
