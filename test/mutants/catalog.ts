// Seeded bugs: single-point mistakes a kernel developer could make, applied
// to a built kernel model without touching the model's source. Each mutant
// is either a hook point done wrong (a one-file proposal on top of the
// original that replaces one hook: a fix left out, a check forgotten) or one
// action of the built model rewritten by name with the Kernel's own field
// handles and functions (a step done wrong, in the wrong order, or not at
// all).
//
// A mutant names the scenario(s) that should catch it and the property
// expected to flip; test/mutants/mutants.test.ts checks the unmutated and
// the mutated model on each and reports the flips (the kill table).

import type { Action, Model } from '../../src/engine/model.js';
import { buildKernel } from '../../models/kernel/build.js';
import { putRelease, type KernelHooks } from '../../models/kernel/hooks.js';
import { HOLDER, OWNER, TRUNCATE, type Kernel } from '../../models/kernel/kernel.js';
import type { Scenario } from '../../models/kernel/scenario.js';
import { anonExclusive } from '../../models/proposals/anon-exclusive.js';
import { baseline } from '../../models/proposals/baseline.js';
import { gupBias } from '../../models/proposals/gup-bias.js';
import { lockPageOverGup } from '../../models/proposals/lock-page-over-gup.js';
import { modern } from '../../models/proposals/modern.js';
import { defineProposal, type HookContext, type Proposal } from '../../models/kernel/proposal.js';
import { scenario as decode, shipped } from '../helpers/kernel.js';

/** A scenario: a shipped one by name, or one written here (decoded like a file). */
export type ScenarioRef = string | { readonly name: string; readonly json: unknown };

export interface Mutant {
  readonly name: string;
  /** The mistake, in the kernel's words. */
  readonly mistake: string;
  /** The proposal the mistake is made in (the unmutated model). */
  readonly proposal: Proposal;
  /** Hook points done wrong: a fix left out, or a check the code forgets. */
  readonly hooks?: (ctx: HookContext) => Partial<KernelHooks>;
  /** Actions rewritten in the built model. */
  readonly rewrite?: (model: Model, k: Kernel) => Model;
  /** Where it should be caught. */
  readonly scenarios: readonly ScenarioRef[];
  /** The property (family) expected to flip on at least one of them. */
  readonly expect: string;
}

export const scenarioName = (r: ScenarioRef): string => (typeof r === 'string' ? r : r.name);
export const scenarioOf = (r: ScenarioRef): Scenario => (typeof r === 'string' ? shipped(r) : decode(r.json));

/** Build the unmutated model, or the mutant (with the Kernel behind it). */
export function buildMutant(m: Mutant, ref: ScenarioRef, mutated: boolean): { model: Model; kernel: Kernel } {
  const proposal: Proposal = mutated && m.hooks !== undefined
    ? defineProposal({ name: `mutant-${m.name}`, base: m.proposal, title: m.mistake, changes: m.mistake, notes: 'a seeded mistake', hooks: m.hooks })
    : m.proposal;
  const { model, kernel } = buildKernel(scenarioOf(ref), proposal);
  return { model: mutated && m.rewrite !== undefined ? m.rewrite(model, kernel) : model, kernel };
}

/**
 * Rewrite every action named `name` (throws if there is none, so a renamed
 * action cannot make a mutant silently equal to the original). The built
 * model's guards already include "no BUG() happened"; a new guard gets the
 * same gate.
 */
function rewriteAction(model: Model, k: Kernel, name: string, change: (a: Action) => { enabled?: (s: Uint32Array) => boolean; apply?: (s: Uint32Array) => void }): Model {
  let hits = 0;
  const oops = k.root.oops;
  const actions = model.actions.map((a): Action => {
    if (a.name !== name) return a;
    hits++;
    const c = change(a);
    return {
      ...a,
      ...(c.enabled !== undefined ? { enabled: (s: Uint32Array) => !oops.test(s) && c.enabled!(s) } : {}),
      ...(c.apply !== undefined ? { apply: c.apply } : {}),
    };
  });
  if (hits === 0) throw new Error(`mutant: model ${model.name} has no action '${name}'`);
  return { ...model, actions };
}

/** The holder index an action's `holder` parameter names. */
function holderOf(k: Kernel, a: Action): number {
  const i = k.sh.holders.findIndex((h) => h.id === a.params['holder']);
  if (i < 0) throw new Error(`mutant: action ${a.label} names no holder`);
  return i;
}

// --- scenarios written for the mutants --------------------------------------

const sharedExt4 = (extra: Record<string, unknown>, holders: unknown[], actors: Record<string, boolean>) => ({
  name: 'x', description: 'mutant scenario',
  pages: [{ id: 'P', kind: 'file', fs: 'ext4' }],
  processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, writable: true, ...extra }] }],
  holders, actors,
});

/** A driver that dirties without the page lock (set_page_dirty, then put_page): the §5.7 race. */
const unlockedDirty: ScenarioRef = {
  name: 'unlocked-dirty',
  json: sharedExt4({ present: false }, [{ id: 'drv', process: 'app', page: 'P', kind: 'GET', write: true, release: 'set_page_dirty+put_page' }], { flusher: true, reclaim: true }),
};
/** A user store to a shared ext4 page while the flusher writes it back. */
const storeWriteback: ScenarioRef = {
  name: 'store-writeback',
  json: sharedExt4({ present: true, store: true }, [], { flusher: true }),
};
/** ext4-gup-write with truncate instead of kswapd: truncate races writeback and the GUP holder. */
const gupWriteTruncate: ScenarioRef = {
  name: 'ext4-gup-write+truncate',
  json: sharedExt4({ present: false }, [{ id: 'dio', process: 'app', page: 'P', kind: 'GET', write: true }], { flusher: true, truncate: true }),
};
/** fork-vmsplice with a R/O FOLL_PIN instead of FOLL_GET: 5.19's unshare applies to it. */
const forkRoPin: ScenarioRef = {
  name: 'fork-vmsplice (R/O pin)',
  json: {
    name: 'x', description: 'mutant scenario',
    pages: [{ id: 'A', kind: 'anon' }],
    processes: [{ id: 'parent', mappings: [{ page: 'A', writable: true, store: true }] }, { id: 'child', childOf: 'parent', mappings: [{ page: 'A', munmap: true }] }],
    holders: [{ id: 'vmsplice', process: 'child', page: 'A', kind: 'PIN', write: false }],
  },
};
/** A R/O long-term pin of a private file mapping, then the process writes it (6.2's COW unshare). */
const longtermPrivateFile: ScenarioRef = {
  name: 'longterm-ro-private-file',
  json: {
    name: 'x', description: 'mutant scenario',
    pages: [{ id: 'P', kind: 'file', fs: 'ext4' }],
    processes: [{ id: 'app', mappings: [{ page: 'P', shared: false, writable: true, store: true }] }],
    holders: [{ id: 'mr', process: 'app', page: 'P', kind: 'PIN', write: false, longterm: true }],
  },
};

// --- the mutants -------------------------------------------------------------

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'reclaim-forgets-pinned-check',
    mistake: '6.4 without d824ec2a1546: shrink_folio_list strips the buffers of a folio_maybe_dma_pinned() page',
    proposal: modern,
    hooks: () => ({ reclaimAfterUnmap: () => [] }),
    scenarios: ['ext4-pin-write'],
    expect: 'I1',
  },
  {
    name: 'remove-mapping-dirty-before-freeze',
    mistake: '__remove_mapping tests PageDirty before page_ref_freeze (reference §5.7): a set_page_dirty + put_page in between is lost',
    proposal: baseline,
    // The dirty test happened in the step before (try_to_free_buffers saw a clean
    // page); the freeze step then deletes the page whatever PG_dirty says now.
    rewrite: (model, k) => rewriteAction(model, k, 'reclaim: __remove_mapping', (a) => ({
      apply: (s) => {
        const p = k.root.kswapd!.page.get(s);
        if (k.inCache(s, p) && k.pg[p]!.ref.get(s) === 2) k.pg[p]!.PG_dirty.set(s, 0);
        a.apply(s);
      },
    })),
    scenarios: [unlockedDirty],
    expect: 'I6',
  },
  {
    name: 'unpin-subtracts-one',
    mistake: 'unpin_user_page() drops 1 instead of GUP_PIN_COUNTING_BIAS',
    proposal: gupBias,
    rewrite: (model, k) => rewriteAction(model, k, 'release: unpin_user_page', (a) => {
      const hi = holderOf(k, a);
      const H = k.hd[hi]!;
      return {
        apply: (s) => {
          const p = H.page.get(s);
          k.hooks.released(s, hi, p, 'unpin_user_page');
          k.putPage(s, p, 1);
          H.pc.set(s, HOLDER.released);
        },
      };
    }),
    scenarios: ['ext4-pin-write', 'fork-iouring'],
    expect: 'I2',
  },
  {
    name: 'pin-grabs-one',
    mistake: 'try_grab_page(FOLL_PIN) adds 1 instead of GUP_PIN_COUNTING_BIAS',
    proposal: gupBias,
    rewrite: (model, k) => rewriteAction(model, k, 'gup: follow_page_pte + try_grab_page', (a) => {
      const hi = holderOf(k, a);
      const h = k.sh.holders[hi]!;
      return { apply: (s) => { a.apply(s); if (h.inc > 1) k.putPage(s, k.hd[hi]!.page.get(s), h.inc - 1); } };
    }),
    scenarios: ['ext4-pin-write'],
    expect: 'I8',
  },
  {
    name: 'fork-shares-pinned-anon',
    mistake: 'copy_present_pte shares a pinned PageAnonExclusive page with the child (page_try_dup_anon_rmap\'s -EBUSY ignored)',
    proposal: modern,
    // copy_present_pte decides to share even a pinned exclusive page; the share step then shares it.
    rewrite: (model, k) => rewriteAction(model, k, 'fork: copy_present_pte decides', () => {
      const P = k.sh.forkParent;
      const C = k.sh.forkChild;
      return {
        apply: (s) => {
          k.root.forked.set(s, 1);
          k.sh.procs[P]!.vmas.forEach((vma, v) => {
            k.pr[C]!.vma[v]!.unmapped.setBool(s, k.pr[P]!.vma[v]!.unmapped.test(s) || vma.dontfork);
          });
        },
      };
    }),
    scenarios: ['fork-iouring'],
    expect: 'I3',
  },
  {
    name: 'clear-dirty-without-mkclean',
    mistake: 'clear_page_dirty_for_io forgets page_mkclean: the PTE stays writable, and a later store never dirties the page',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'flusher: clear_page_dirty_for_io', () => ({
      apply: (s) => {
        const F = k.root.flusher!;
        k.pg[F.page.get(s)]!.PG_dirty.set(s, 0);
        F.pc.set(s, 2 /* FLUSHER.cleaned */);
      },
    })),
    scenarios: [storeWriteback],
    expect: 'I6',
  },
  {
    name: 'isolate-without-get-page',
    mistake: 'isolate_lru_page takes the page off the LRU without get_page',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'reclaim: isolate_lru_page', (a) => ({
      apply: (s) => {
        a.apply(s);
        const g = k.pg[k.root.kswapd!.page.get(s)]!;
        g.ref.set(s, g.ref.get(s) - 1);
      },
    })),
    scenarios: ['ext4-gup-write'],
    expect: 'I2',
  },
  {
    name: 'truncate-without-lock-page',
    mistake: 'truncate_inode_pages_range cleans and deletes a page without lock_page',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: lock_page', () => {
      const T = k.root.truncate!;
      return {
        enabled: (s) => T.pc.get(s) === TRUNCATE.scanning && k.inCache(s, k.sh.fileSlots[T.idx.get(s)]!),
        apply: (s) => { T.pc.set(s, TRUNCATE.locked); },
      };
    }),
    scenarios: ['rdma-file-mr'],
    expect: 'I11',
  },
  {
    name: 'cow-reuse-by-mapcount',
    mistake: 'do_wp_page reuses an anonymous page when its mapcount is 1 (the pre-5.8 rule), ignoring PageAnonExclusive and GUP references',
    proposal: anonExclusive,
    // The pre-5.9 rule: reuse by mapcount (and sleep on the page lock for it).
    hooks: ({ k }) => ({ wpCanReuse: (s, p) => !k.locked(s, p) && k.pg[p]!.map.get(s) === 1, wpSleepsOnPageLock: (s, p) => k.locked(s, p) }),
    scenarios: ['fork-vmsplice'],
    expect: 'I10',
  },
  {
    name: 'longterm-cow-unshare-missing',
    mistake: 'gup_must_unshare ignores R/O FOLL_LONGTERM pins of private file mappings (6.2\'s fix left out)',
    proposal: modern,
    // gup_must_unshare without 6.2's is_cow_mapping case: only the anonymous rule.
    hooks: ({ k }) => ({ gupMustUnshare: (s, h, p) => h.kind === 'PIN' && !h.write && k.isAnon(s, p) && !k.pg[p]!.PG_anon_exclusive.test(s) }),
    scenarios: [longtermPrivateFile],
    expect: 'I3c',
  },
  {
    name: 'bio-release-ignores-pinned-flag',
    mistake: 'bio_release_pages put_page()s every page of a BIO_PAGE_PINNED bio',
    proposal: modern,
    // bio_release_pages ignores BIO_PAGE_PINNED: put_page every bvec page.
    hooks: ({ k }) => ({
      bioReleases: (s, hi) => {
        const h = k.sh.holders[hi]!;
        const out = [];
        if (k.hd[hi]!.pc.get(s) === HOLDER.held) out.push(putRelease(k.hd[hi]!.page.get(s), h.kind));
        if (h.bio === 'zero-page') out.push(putRelease(h.bioPage, 'PIN'));
        return out;
      },
    }),
    scenarios: ['dio-merge', 'dio-zero-page'],
    expect: 'I2',
  },
  {
    name: 'release-keeps-page-lock',
    mistake: 'lock-page-over-gup: the release path forgets unlock_page',
    proposal: lockPageOverGup,
    rewrite: (model, k) => rewriteAction(model, k, 'release: put_page', (a) => {
      const hi = holderOf(k, a);
      return {
        apply: (s) => {
          const p = k.hd[hi]!.page.get(s);
          const lock = k.pg[p]!.PG_locked.get(s);
          a.apply(s);
          if (lock === OWNER.holderBase + hi && !k.isFree(s, p)) k.pg[p]!.PG_locked.set(s, lock);
        },
      };
    }),
    scenarios: [gupWriteTruncate],
    expect: 'deadlock',
  },
  {
    name: 'gup-write-follows-ro-pte',
    mistake: 'follow_page_pte lets FOLL_WRITE through a read-only PTE without breaking COW (Dirty COW, CVE-2016-5195)',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'gup: follow_page_pte + try_grab_page', (a) => {
      const h = k.sh.holders[holderOf(k, a)]!;
      const E = k.pr[h.proc]!.vma[h.va]!;
      return {
        enabled: (s) => {
          if (!h.write || !E.present.test(s)) return a.enabled(s);
          const c = s.slice();
          E.w.set(c, 1);
          return a.enabled(c);
        },
      };
    }),
    scenarios: ['well-behaved'],
    expect: 'I9',
  },
  {
    name: 'ro-pin-skips-unshare',
    mistake: 'gup_must_unshare answers false for a shared anonymous page: a R/O FOLL_PIN pins the page fork shares (5.19\'s FAULT_FLAG_UNSHARE left out)',
    proposal: anonExclusive,
    // follow_page_pte decides as if the page were PageAnonExclusive.
    rewrite: (model, k) => rewriteAction(model, k, 'gup: follow_page_pte + try_grab_page', (a) => {
      const h = k.sh.holders[holderOf(k, a)]!;
      const E = k.pr[h.proc]!.vma[h.va]!;
      return {
        enabled: (s) => {
          if (!E.present.test(s) || !k.isAnon(s, E.pfn.get(s))) return a.enabled(s);
          const c = s.slice();
          k.pg[E.pfn.get(c)]!.PG_anon_exclusive.set(c, 1);
          return a.enabled(c);
        },
      };
    }),
    scenarios: [forkRoPin],
    expect: 'I3',
  },
  {
    name: 'munmap-leaks-reference',
    mistake: 'zap_pte_range clears the PTE but forgets the page reference it held (no tlb_remove_page / put_page)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'munmap: zap_pte_range', (a) => {
      const q = k.sh.procs.findIndex((p) => p.id === a.params['process']);
      const v = k.sh.procs[q]!.vmas.findIndex((x) => k.sh.pages[x.page]!.id === a.params['address']);
      const E = k.pr[q]!.vma[v]!;
      return { apply: (s) => { if (E.present.test(s)) k.getPage(s, E.pfn.get(s), 1); a.apply(s); } };
    }),
    scenarios: ['well-behaved', 'fork-vmsplice'],
    expect: 'I2',
  },
  {
    name: 'truncate-skips-writeback-wait',
    mistake: 'truncate_inode_pages_range drops wait_on_page_writeback: the page is cleaned and deleted while its write is in flight',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: truncate_cleanup_page', () => ({
      enabled: (s) => k.root.truncate!.pc.get(s) === TRUNCATE.locked,
    })),
    scenarios: [gupWriteTruncate],
    expect: 'I4',
  },
];

/**
 * Mistakes the model cannot see yet: each is run to show it still survives,
 * with the property that would catch it (a note for the model's owner).
 */
export interface Survivor extends Mutant {
  /** Why no property flips, and what would catch it. */
  readonly gap: string;
}

export const SURVIVORS: readonly Survivor[] = [
];
