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
import { FLUSHER, FSYNC, HOLDER, OWNER, RECLAIM, TRUNCATE, type Kernel } from '../../models/kernel/kernel.js';
import type { Scenario } from '../../models/kernel/scenario.js';
import { anonExclusive } from '../../models/proposals/anon-exclusive.js';
import { baseline } from '../../models/proposals/baseline.js';
import { gupBias } from '../../models/proposals/gup-bias.js';
import { lockPageOverGup } from '../../models/proposals/lock-page-over-gup.js';
import { modern } from '../../models/proposals/modern.js';
import { defineProposal, type HookContext, type Proposal } from '../../models/kernel/proposal.js';
import { shipped } from '../helpers/kernel.js';
import { isLeft } from 'fp-ts/lib/Either.js';
import { loadScenario } from '../../models/kernel/scenario.js';
import { SELFTEST_DIR, withVariant } from '../../models/selftests/run.js';
import type { RowVariant } from '../../models/selftests/table.js';
import { bugScenario } from '../../models/bugs/index.js';

/**
 * Where a mutant is caught: a scenario of `gupcheck compare` (a shipped one, by name), a bug of the
 * corpus (its scenario, by the bug's name) or a row of `gupcheck selftest` (its scenario file under
 * models/selftests/, e.g. "cow/ro-pin-on-shared.json", and "#variant" for a row with another backing:
 * "cow/iouring-fork.json#thp").
 */
export type ScenarioRef = string;

/** The kernel operation files of the model, each of which must have mutants. */
export const AREAS = ['gup', 'fault', 'fork/COW', 'truncate', 'reclaim', 'writeback', 'release', 'bio', 'munmap', 'swap', 'migration', 'thp'] as const;
export type Area = (typeof AREAS)[number];

export interface Mutant {
  readonly name: string;
  /** The kernel operation the mistake is in. */
  readonly area: Area;
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

export const scenarioName = (r: ScenarioRef): string => (r.includes('/') ? `selftest ${r}` : r);
export const scenarioOf = (r: ScenarioRef): Scenario => {
  if (!r.includes('/')) return bugScenario(r) ?? shipped(r);
  const [file, variant] = r.split('#') as [string, string | undefined];
  const sc = loadScenario(`${SELFTEST_DIR}${file}`);
  if (isLeft(sc)) throw new Error(sc.left);
  return variant === undefined ? sc.right : withVariant(sc.right, variant as RowVariant);
};

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

/** The (process, VMA) an action's `process` and `address` parameters name. */
function vmaOf(k: Kernel, a: Action): [number, number] {
  const q = k.sh.procs.findIndex((p) => p.id === a.params['process']);
  if (q < 0) throw new Error(`mutant: action ${a.label} names no process`);
  return [q, k.sh.procs[q]!.vmas.findIndex((x) => k.sh.pages[x.page]!.id === a.params['address'])];
}

/** The holder index an action's `holder` parameter names. */
function holderOf(k: Kernel, a: Action): number {
  const i = k.sh.holders.findIndex((h) => h.id === a.params['holder']);
  if (i < 0) throw new Error(`mutant: action ${a.label} names no holder`);
  return i;
}

// --- the mutants -------------------------------------------------------------

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'reclaim-forgets-pinned-check',
    area: 'reclaim',
    mistake: '6.4 without d824ec2a1546: shrink_folio_list strips the buffers of a folio_maybe_dma_pinned() page',
    proposal: modern,
    hooks: () => ({ reclaimAfterUnmap: () => [] }),
    scenarios: ['ext4-pin-write'],
    expect: 'I1',
  },
  {
    name: 'remove-mapping-dirty-before-freeze',
    area: 'reclaim',
    mistake: '__remove_mapping tests PageDirty before page_ref_freeze (the order the comment in __remove_mapping explains): a set_page_dirty + put_page in between is lost',
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
    scenarios: ['userptr-unlocked-dirty', 'gup-fast-truncate-reclaim'],
    expect: 'I6',
  },
  {
    name: 'unpin-subtracts-one',
    area: 'release',
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
    area: 'gup',
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
    area: 'fork/COW',
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
    area: 'writeback',
    mistake: 'clear_page_dirty_for_io forgets page_mkclean: the PTE stays writable, and a later store never dirties the page',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'flusher: clear_page_dirty_for_io', () => ({
      apply: (s) => {
        const F = k.root.flusher!;
        k.pg[F.page.get(s)]!.PG_dirty.set(s, 0);
        F.pc.set(s, 2 /* FLUSHER.cleaned */);
      },
    })),
    scenarios: ['rdma-file-mr-fsync'],
    expect: 'I6',
  },
  {
    name: 'isolate-without-get-page',
    area: 'reclaim',
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
    area: 'truncate',
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
    area: 'fork/COW',
    mistake: 'do_wp_page reuses an anonymous page when its mapcount is 1 (the pre-5.8 rule), ignoring PageAnonExclusive and GUP references',
    proposal: anonExclusive,
    // The pre-5.9 rule: reuse by mapcount (and sleep on the page lock for it).
    hooks: ({ k }) => ({ wpCanReuse: (s, p) => !k.locked(s, p) && k.pg[p]!.map.get(s) === 1, wpSleepsOnPageLock: (s, p) => k.locked(s, p) }),
    scenarios: ['fork-vmsplice'],
    expect: 'I10',
  },
  {
    name: 'longterm-cow-unshare-missing',
    area: 'gup',
    mistake: 'gup_must_unshare ignores R/O FOLL_LONGTERM pins of private file mappings (6.2\'s fix left out)',
    proposal: modern,
    // gup_must_unshare without 6.2's is_cow_mapping case: only the anonymous rule.
    hooks: ({ k }) => ({ gupMustUnshare: (s, h, p) => h.kind === 'PIN' && !h.write && k.isAnon(s, p) && !k.pg[p]!.PG_anon_exclusive.test(s) }),
    scenarios: ['cow/ro-longterm-pin-tmpfile.json'],
    expect: 'I3c',
  },
  {
    name: 'bio-release-ignores-pinned-flag',
    area: 'bio',
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
    area: 'release',
    mistake: 'lock-page-over-gup: the release path forgets unlock_page',
    proposal: lockPageOverGup,
    // The holder's last release step (put_page, or unpin_user_page for a FOLL_PIN holder) leaves the lock held.
    rewrite: (model, k) => ['release: put_page', 'release: unpin_user_page'].reduce((m, name) => (m.actions.some((a) => a.name === name)
      ? rewriteAction(m, k, name, (a) => {
        const hi = holderOf(k, a);
        return {
          apply: (s) => {
            const p = k.hd[hi]!.page.get(s);
            const lock = k.pg[p]!.PG_locked.get(s);
            a.apply(s);
            if (lock === OWNER.holderBase + hi && !k.isFree(s, p)) k.pg[p]!.PG_locked.set(s, lock);
          },
        };
      })
      : m), model),
    // Nothing deadlocks (kswapd keeps isolating and putting the page back): the flusher waits forever.
    scenarios: ['rdma-file-mr', 'ext4-gup-write', 'ext4-pin-write'],
    expect: 'L',
  },
  {
    name: 'gup-write-follows-ro-pte',
    area: 'gup',
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
    area: 'gup',
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
    scenarios: ['cow/ro-pin-on-shared.json'],
    expect: 'I3',
  },
  {
    name: 'munmap-leaks-reference',
    area: 'munmap',
    mistake: 'zap_pte_range clears the PTE but forgets the page reference it held (no tlb_remove_page / put_page)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'munmap: zap_pte_range', (a) => {
      const [q, v] = vmaOf(k, a);
      const E = k.pr[q]!.vma[v]!;
      return { apply: (s) => { if (E.present.test(s)) k.getPage(s, E.pfn.get(s), 1); a.apply(s); } };
    }),
    scenarios: ['well-behaved', 'fork-vmsplice'],
    expect: 'I2',
  },
  {
    name: 'truncate-skips-writeback-wait',
    area: 'truncate',
    mistake: 'truncate_inode_pages_range drops wait_on_page_writeback: the page is cleaned and deleted while its write is in flight',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: truncate_cleanup_page', () => ({
      enabled: (s) => k.root.truncate!.pc.get(s) === TRUNCATE.locked,
    })),
    scenarios: ['rdma-file-mr-fsync', 'rdma-file-mr'],
    expect: 'I4',
  },
  // --- gup ---------------------------------------------------------------------
  {
    name: 'gup-fast-skips-recheck',
    area: 'gup',
    mistake: 'gup_fast skips the PTE recheck after the speculative grab: a PTE that changed (fork write-protected it, COW replaced it) keeps the reference',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'gup_fast: recheck pte', (a) => {
      const hi = holderOf(k, a);
      return {
        apply: (s) => {
          k.hd[hi]!.pc.set(s, HOLDER.held);
          k.hooks.gupPinned(s, hi, k.hd[hi]!.page.get(s));
        },
      };
    }),
    scenarios: ['fork-child-cow', 'cow/ro-fast-pin-on-shared.json'],
    expect: 'I3c',
  },
  {
    name: 'longterm-file-write-ban-missing',
    area: 'gup',
    mistake: '6.5 without the long-term file-write ban: check_vma_flags lets FOLL_LONGTERM|FOLL_WRITE pin a page of a dirty-tracked shared file mapping',
    proposal: modern,
    hooks: () => ({ checkVmaFlags: () => undefined }),
    scenarios: ['rdma-file-mr', 'rdma-file-mr-fsync', 'rdma-file-mr-fsync-stable', 'gup_longterm/shared-rw-pin-local-tmpfile.json'],
    expect: 'stable-pages',
  },
  {
    name: 'pin-forgets-has-pinned',
    area: 'gup',
    mistake: 'FOLL_PIN forgets to set MMF_HAS_PINNED (mm->has_pinned): fork then shares a pinned page instead of copying it',
    proposal: modern,
    // Every GUP step leaves mm->has_pinned as it found it.
    rewrite: (model, k) => {
      const hasPinned = k.procField('has_pinned');
      return ['gup: follow_page_pte + try_grab_page', 'gup_fast: try_grab_folio_fast', 'gup_fast: recheck pte'].reduce((m, name) => (m.actions.some((a) => a.name === name)
        ? rewriteAction(m, k, name, (a) => {
          const f = hasPinned[k.sh.holders[holderOf(k, a)]!.proc]!;
          return { apply: (s) => { const was = f.get(s); a.apply(s); f.set(s, was); } };
        })
        : m), model);
    },
    scenarios: ['fork-iouring', 'cow/iouring-fork.json'],
    expect: 'I3c',
  },
  {
    name: 'gup-fast-ignores-write-protect-seq',
    area: 'gup',
    mistake: 'gup_fast pins without reading mm->write_protect_seq (57efa1fe5957 left out): a pin taken while fork copies survives into a shared page',
    proposal: modern,
    hooks: () => ({ gupFastPinAllowed: () => true }),
    scenarios: ['fork-child-cow'],
    expect: 'I3c',
  },
  {
    name: 'unshare-never-satisfied',
    area: 'gup',
    mistake: 'gup_must_unshare asks for an unshare on every anonymous page a R/O FOLL_PIN meets, even a PageAnonExclusive one: FAULT_FLAG_UNSHARE reuses the page and GUP retries forever',
    proposal: modern,
    hooks: ({ k }) => ({ gupMustUnshare: (s, h, p) => h.kind === 'PIN' && !h.write && k.isAnon(s, p) }),
    scenarios: ['cow/ro-pin-on-ro-exclusive.json', 'fork-child-cow'],
    expect: 'L',
  },
  {
    name: 'faultin-ignores-munmap',
    area: 'gup',
    mistake: 'GUP\'s faultin_page runs on an address whose VMA was munmapped (find_extend_vma not rechecked): a PTE appears in a dead VMA',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'gup: faultin_page', (a) => {
      const h = k.sh.holders[holderOf(k, a)]!;
      const E = k.pr[h.proc]!.vma[h.va]!;
      return {
        enabled: (s) => {
          if (!E.unmapped.test(s)) return a.enabled(s);
          const c = s.slice();
          E.unmapped.set(c, 0);
          return a.enabled(c);
        },
      };
    }),
    scenarios: ['well-behaved', 'fork-child-cow'],
    expect: 'S',
  },

  // --- fault -------------------------------------------------------------------
  {
    name: 'store-fault-ignores-munmap',
    area: 'fault',
    mistake: 'the user\'s write fault proceeds on an address munmapped meanwhile (no SIGSEGV): handle_mm_fault installs a PTE in a dead VMA',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'store: write fault', (a) => {
      const [q, v] = vmaOf(k, a);
      const E = k.pr[q]!.vma[v]!;
      const unmappedFault = (s: Uint32Array, f: (c: Uint32Array) => void) => {
        const c = s.slice();
        E.unmapped.set(c, 0);
        f(c);
        s.set(c);
        E.unmapped.set(s, 1);
      };
      return {
        enabled: (s) => {
          if (!E.unmapped.test(s)) return a.enabled(s);
          const c = s.slice();
          E.unmapped.set(c, 0);
          return a.enabled(c);
        },
        apply: (s) => {
          if (!E.unmapped.test(s)) { a.apply(s); return; }
          unmappedFault(s, a.apply);
        },
      };
    }),
    scenarios: ['fork-child-cow'],
    expect: 'S',
  },
  {
    name: 'page-mkwrite-forgets-buffers',
    area: 'fault',
    mistake: 'ext4_page_mkwrite makes the PTE writable and dirties the page without attaching buffers (block_page_mkwrite\'s create_empty_buffers left out)',
    proposal: modern,
    hooks: ({ k }) => ({
      pageMkwrite: (s, q, v) => {
        const e = k.pr[q]!.vma[v]!;
        e.w.set(s, 1);
        e.d.set(s, 1);
        k.pg[e.pfn.get(s)]!.PG_dirty.set(s, 1);
      },
    }),
    scenarios: ['rdma-file-mr', 'gup-fast-truncate-reclaim', 'rdma-file-mr-fsync'],
    expect: 'I1',
  },
  {
    name: 'cow-fault-maps-file-page',
    area: 'fault',
    mistake: 'a write fault on a private file mapping makes the page-cache page writable instead of copying it (do_cow_fault / wp_page_copy skipped)',
    proposal: modern,
    rewrite: (model, k) => {
      // The same mistake in both callers of handle_mm_fault: the user's store and GUP's faultin_page.
      const at = (a: Action): [number, number] => {
        if (a.params['holder'] !== undefined) {
          const h = k.sh.holders[holderOf(k, a)]!;
          return [h.proc, h.va];
        }
        return vmaOf(k, a);
      };
      return ['store: write fault', 'gup: faultin_page'].reduce((m, name) => (m.actions.some((a) => a.name === name)
        ? rewriteAction(m, k, name, (a) => {
          const [q, v] = at(a);
          const vma = k.sh.procs[q]!.vmas[v]!;
          const E = k.pr[q]!.vma[v]!;
          const holder = a.params['holder'] !== undefined ? k.sh.holders[holderOf(k, a)]! : undefined;
          const writes = holder === undefined || holder.write;
          return {
            apply: (s) => {
              const fileCopyDue = vma.file && !vma.shared && vma.writable && writes && !k.root.truncated.test(s) && k.inCache(s, vma.page) &&
                (!E.present.test(s) || E.pfn.get(s) === vma.page);
              if (!fileCopyDue) { a.apply(s); return; }
              if (!E.present.test(s)) k.mapPte(s, q, v, vma.page, true, true);
              else { E.w.set(s, 1); E.d.set(s, 1); }
            },
          };
        })
        : m), model);
    },
    scenarios: ['well-behaved', 'cow/basic-cow-tmpfile.json', 'gup_longterm/private-rw-pin-local-tmpfile.json'],
    expect: 'I9',
  },
  {
    name: 'zero-page-written-in-place',
    area: 'fault',
    mistake: 'do_anonymous_page maps the shared zero page writable on a write fault instead of allocating a page',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'store: write fault', (a) => {
      const [q, v] = vmaOf(k, a);
      const vma = k.sh.procs[q]!.vmas[v]!;
      const E = k.pr[q]!.vma[v]!;
      return {
        apply: (s) => {
          const z = k.sh.zeroSlot;
          if (vma.file || z < 0 || !vma.writable || (E.present.test(s) && E.pfn.get(s) !== z)) { a.apply(s); return; }
          k.mapPte(s, q, v, z, true, true);
        },
      };
    }),
    scenarios: ['cow/basic-cow-zeropage.json', 'cow/ro-longterm-pin-zeropage.json'],
    expect: 'I9',
  },

  // --- fork/COW ----------------------------------------------------------------
  {
    name: 'cow-reuse-forgets-exclusive',
    area: 'fork/COW',
    mistake: 'do_wp_page reuses a shared anonymous page without SetPageAnonExclusive (wp_page_reuse after page_move_anon_rmap without the flag)',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'store: write fault', (a) => {
      const [q, v] = vmaOf(k, a);
      const E = k.pr[q]!.vma[v]!;
      return {
        apply: (s) => {
          const before = E.present.test(s) ? E.pfn.get(s) : -1;
          const wasExclusive = before >= 0 && k.pg[before]!.PG_anon_exclusive.test(s);
          a.apply(s);
          if (before >= 0 && !wasExclusive && E.present.test(s) && E.pfn.get(s) === before && k.isAnon(s, before)) k.pg[before]!.PG_anon_exclusive.set(s, 0);
        },
      };
    }),
    scenarios: ['fork-child-cow', 'fork-vmsplice'],
    expect: 'S',
  },
  {
    name: 'fork-share-keeps-writable',
    area: 'fork/COW',
    mistake: 'copy_present_pte shares an anonymous page with the child but forgets ptep_set_wrprotect on the parent\'s PTE',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'fork: share write-protected', (a) => {
      const P = k.sh.forkParent;
      return {
        apply: (s) => {
          const w = k.sh.procs[P]!.vmas.map((_, v) => k.pr[P]!.vma[v]!.w.get(s));
          a.apply(s);
          k.sh.procs[P]!.vmas.forEach((_, v) => { if (k.pr[P]!.vma[v]!.present.test(s)) k.pr[P]!.vma[v]!.w.set(s, w[v]!); });
        },
      };
    }),
    scenarios: ['fork-vmsplice', 'fork-child-cow'],
    expect: 'I10',
  },
  {
    name: 'fork-share-keeps-exclusive',
    area: 'fork/COW',
    mistake: 'copy_present_pte shares an anonymous page with the child without clearing PageAnonExclusive (page_try_dup_anon_rmap\'s ClearPageAnonExclusive left out)',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'fork: share write-protected', (a) => {
      const P = k.sh.forkParent;
      return {
        apply: (s) => {
          const ex = k.sh.procs[P]!.vmas.map((_, v) => {
            const e = k.pr[P]!.vma[v]!;
            return e.present.test(s) ? k.pg[e.pfn.get(s)]!.PG_anon_exclusive.get(s) : 0;
          });
          const pfn = k.sh.procs[P]!.vmas.map((_, v) => k.pr[P]!.vma[v]!.pfn.get(s));
          a.apply(s);
          k.sh.procs[P]!.vmas.forEach((_, v) => { if (ex[v] === 1) k.pg[pfn[v]!]!.PG_anon_exclusive.set(s, 1); });
        },
      };
    }),
    scenarios: ['fork-vmsplice', 'fork-child-cow'],
    expect: 'I10',
  },
  {
    name: 'fork-copies-nothing',
    area: 'fork/COW',
    mistake: 'copy_present_pte never copies a pinned page for the child (70e806e4e645 and 5.19\'s page_try_dup_anon_rmap check left out)',
    proposal: modern,
    hooks: () => ({ forkCopiesForChild: () => false }),
    scenarios: ['fork-iouring', 'cow/iouring-fork.json'],
    expect: 'I3c',
  },

  // --- truncate ----------------------------------------------------------------
  {
    name: 'truncate-forgets-unmap',
    area: 'truncate',
    mistake: 'truncate_pagecache sets i_size but skips unmap_mapping_range: user PTEs keep mapping pages beyond EOF until each page is cleaned',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: i_size_write + unmap_mapping_range', () => ({
      apply: (s) => {
        k.root.truncated.set(s, 1);
        k.root.truncate!.pc.set(s, k.sh.fileSlots.length === 0 ? TRUNCATE.done : TRUNCATE.scanning);
      },
    })),
    scenarios: ['rdma-file-mr', 'gup-fast-truncate-reclaim'],
    expect: 'S',
  },
  {
    name: 'truncate-delete-forgets-put',
    area: 'truncate',
    mistake: 'truncate_inode_pages_range removes the page from the page cache but forgets the page cache\'s reference (the put_page after delete_from_page_cache)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: delete_from_page_cache', (a) => ({
      apply: (s) => {
        const p = k.sh.fileSlots[k.root.truncate!.idx.get(s)]!;
        a.apply(s);
        if (!k.isFree(s, p) || k.pg[p]!.ref.get(s) !== 0) k.getPage(s, p, 1);
      },
    })),
    scenarios: ['rdma-file-mr', 'gup-fast-truncate-reclaim'],
    expect: 'I2',
  },
  {
    name: 'truncate-deletes-dirty-page',
    area: 'truncate',
    mistake: 'truncate_cleanup_page forgets cancel_dirty_page: a dirty page leaves the page cache still PG_dirty, counted as dirty forever',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'truncate: truncate_cleanup_page', () => ({
      apply: (s) => {
        const T = k.root.truncate!;
        const p = k.sh.fileSlots[T.idx.get(s)]!;
        k.unmapAll(s, p);
        k.dropBuffers(s, p);
        T.pc.set(s, TRUNCATE.cleaned);
      },
    })),
    scenarios: ['rdma-file-mr', 'gup-fast-truncate-reclaim'],
    expect: 'I1',
  },

  // --- reclaim -----------------------------------------------------------------
  {
    name: 'remove-mapping-ignores-dirty',
    area: 'reclaim',
    mistake: '__remove_mapping frees a page whose refcount freezes at 2 without testing PageDirty',
    proposal: baseline,
    hooks: ({ k }) => ({ removeMappingCanFree: (s, p) => k.pg[p]!.ref.get(s) === 2 }),
    scenarios: ['userptr-unlocked-dirty', 'ext4-gup-write'],
    expect: 'I6',
  },
  {
    name: 'reclaim-ignores-page-lock',
    area: 'reclaim',
    mistake: 'shrink_page_list takes a page someone else holds locked (trylock_page\'s result ignored)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'reclaim: trylock_page', () => ({
      enabled: (s) => k.root.kswapd!.pc.get(s) === RECLAIM.isolated,
    })),
    scenarios: ['ext4-gup-write', 'gup-fast-truncate-reclaim'],
    expect: 'I11',
  },

  // --- writeback ---------------------------------------------------------------
  {
    name: 'flusher-lock-page-ignores-owner',
    area: 'writeback',
    mistake: 'the flusher\'s lock_page does not wait for the page lock\'s owner: writeback runs on a page truncate or reclaim holds',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'flusher: lock_page', (a) => {
      const p = k.sh.fileSlots.find((x) => k.sh.pages[x]!.id === a.params['page'])!;
      return { enabled: (s) => k.root.flusher!.pc.get(s) === FLUSHER.idle && k.inCache(s, p) && k.pg[p]!.PG_dirty.test(s) };
    }),
    scenarios: ['ext4-gup-write', 'rdma-file-mr'],
    expect: 'I11',
  },
  {
    name: 'end-writeback-forgets-disk',
    area: 'writeback',
    mistake: 'end_page_writeback clears PG_writeback but the completion is not the bio\'s data (the disk keeps the old version)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'disk: end_page_writeback', (a) => {
      const p = k.sh.fileSlots.find((x) => k.sh.pages[x]!.id === a.params['page'])!;
      return {
        apply: (s) => {
          const g = k.pg[p]!;
          const disk = g.disk.get(s);
          k.endWriteback(s, p);
          g.disk.set(s, disk);
        },
      };
    }),
    scenarios: ['rdma-file-mr-fsync', 'ext4-gup-write'],
    expect: 'I6',
  },
  {
    name: 'fsync-skips-fdatawait',
    area: 'writeback',
    mistake: 'file_write_and_wait_range returns without __filemap_fdatawait_range waiting for writeback in flight',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'fsync: __filemap_fdatawait_range', (a) => ({
      enabled: (s) => k.root.fsync!.pc.get(s) === FSYNC.waiting || a.enabled(s),
    })),
    scenarios: ['rdma-file-mr-fsync', 'gup-write-fsync'],
    expect: 'durability',
  },
  {
    name: 'fsync-tags-nothing',
    area: 'writeback',
    mistake: 'fsync runs WB_SYNC_NONE semantics: tag_pages_for_writeback is skipped, so no page is tagged and fsync writes nothing itself',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'fsync: tag_pages_for_writeback', () => ({
      apply: (s) => {
        const Y = k.root.fsync!;
        for (const id of Object.keys(Y.want)) Y.want[id]!.set(s, Y.completed[id]!.get(s));
        Y.idx.set(s, 0);
        Y.pc.set(s, FSYNC.waiting);
      },
    })),
    scenarios: ['rdma-file-mr-fsync', 'gup-write-fsync'],
    expect: 'durability',
  },

  // --- release -----------------------------------------------------------------
  {
    name: 'set-page-dirty-lock-without-lock',
    area: 'release',
    mistake: 'set_page_dirty_lock dirties the page without lock_page (it races truncate\'s and writeback\'s page-locked sections)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'release: set_page_dirty_lock', (a) => {
      const hi = holderOf(k, a);
      return { enabled: (s) => k.hd[hi]!.pc.get(s) === HOLDER.held && k.pr[k.sh.holders[hi]!.proc]!.alive.test(s) };
    }),
    scenarios: ['gup-fast-truncate-reclaim', 'ext4-gup-write'],
    expect: 'I11',
  },
  {
    name: 'unpin-dirty-lock-skips-dirty',
    area: 'release',
    mistake: 'unpin_user_pages_dirty_lock(make_dirty=true) unpins without folio_mark_dirty: the device\'s write is never written back',
    proposal: modern,
    rewrite: (model, k) => rewriteAction(model, k, 'release: unpin_user_pages_dirty_lock: folio_mark_dirty', (a) => {
      const hi = holderOf(k, a);
      return { apply: (s) => { k.hd[hi]!.pc.set(s, HOLDER.dirtied); } };
    }),
    scenarios: ['ext4-pin-write', 'rdma-file-mr-fsync'],
    expect: 'I6',
  },
  {
    name: 'put-page-leaves-reference',
    area: 'release',
    mistake: 'the driver\'s release path forgets put_page after set_page_dirty_lock: the GUP reference leaks',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'release: put_page', (a) => {
      const hi = holderOf(k, a);
      return { apply: (s) => { k.hd[hi]!.pc.set(s, HOLDER.released); } };
    }),
    scenarios: ['ext4-gup-write', 'well-behaved'],
    expect: 'I2',
  },

  // --- bio ---------------------------------------------------------------------
  {
    name: 'bio-merge-forgets-put',
    area: 'bio',
    mistake: '__bio_iov_iter_get_pages merges a second iovec of the same page into its bvec without dropping the duplicate reference (same_page put_page left out)',
    proposal: baseline,
    hooks: ({ k }) => ({ bioMergeRelease: (hi) => ({ ...putRelease(k.sh.holders[hi]!.bioPage, k.sh.holders[hi]!.kind), amount: 0 }) }),
    scenarios: ['dio-merge'],
    expect: 'I2',
  },
  {
    name: 'dio-pins-zero-page',
    area: 'bio',
    mistake: '6.5\'s "never pin the zero page" only half done: dio_zero_block takes a reference on ZERO_PAGE that bio_release_pages, by BIO_PAGE_PINNED, treats as a no-op',
    proposal: modern,
    hooks: () => ({ bioZeroPageRef: () => 1 }),
    scenarios: ['dio-zero-page'],
    expect: 'I2',
  },
  {
    name: 'bio-endio-skips-zero-page',
    area: 'bio',
    mistake: 'bio_release_pages puts the user page but skips the ZERO_PAGE bvec dio_zero_block added',
    proposal: baseline,
    hooks: ({ k }) => ({
      bioReleases: (s, hi) => {
        const H = k.hd[hi]!;
        return H.pc.get(s) === HOLDER.held ? [putRelease(H.page.get(s), k.sh.holders[hi]!.kind)] : [];
      },
    }),
    scenarios: ['dio-zero-page'],
    expect: 'I2',
  },

  // --- munmap ------------------------------------------------------------------
  {
    name: 'munmap-keeps-pte',
    area: 'munmap',
    mistake: 'munmap removes the VMA but zap_pte_range is skipped: the PTE (and its reference) outlives the VMA',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'munmap: zap_pte_range', (a) => {
      const [q, v] = vmaOf(k, a);
      return { apply: (s) => { k.pr[q]!.vma[v]!.unmapped.set(s, 1); } };
    }),
    scenarios: ['well-behaved', 'fork-child-cow'],
    expect: 'S',
  },
  {
    name: 'swap-unmaps-pinned-page',
    area: 'swap',
    mistake: '5.19 without try_to_unmap_one\'s page_try_share_anon_rmap back-off (6c287605fd56): reclaim unmaps an exclusive page that may be pinned to swap',
    proposal: modern,
    hooks: () => ({ reclaimUnmapAnon: () => [] }),
    scenarios: ['anon-swap'],
    expect: 'I5',
  },
  {
    name: 'longterm-pin-stays-movable',
    area: 'migration',
    mistake: '5.13 without check_and_migrate_movable_pages (d1e153fea2a8): a FOLL_LONGTERM pin stays on its ZONE_MOVABLE page',
    proposal: modern,
    hooks: () => ({ gupLongtermMigrate: undefined }),
    scenarios: ['offline-movable'],
    expect: 'M',
  },
  {
    name: 'thp-reuse-by-mapcount',
    area: 'thp',
    mistake: '6.6\'s do_huge_pmd_wp_page reusing a THP by reuse_swap_page\'s mapcount, as before 5.18 (3bff7e3f1f16 and the PageAnonExclusive check left out): a THP the child\'s vmsplice still references is written in place once the child has unmapped it',
    proposal: modern,
    hooks: ({ k }) => ({ hugeWpCanReuse: (s, f) => !k.locked(s, f) && k.thpMaxMapcount(s, f) === 1 }),
    scenarios: ['cow/vmsplice-unmap-in-child.json#thp'],
    expect: 'I10',
  },
  {
    name: 'fork-shares-pinned-thp',
    area: 'thp',
    mistake: 'copy_huge_pmd without d042035eaf5f\'s split: fork shares a pinned exclusive THP under both PMDs, so the parent\'s next write faults away from the pin',
    proposal: modern,
    hooks: () => ({ forkSplitsPinnedHugePmd: () => false }),
    scenarios: ['cow/iouring-fork.json#thp'],
    expect: 'I3c',
  },
  {
    name: 'collapse-ignores-pins',
    area: 'thp',
    mistake: '__collapse_huge_page_isolate without is_refcount_suitable: khugepaged collapses a range whose page an RDMA registration has pinned, and the process maps the new THP while the pin stays on the old page',
    proposal: modern,
    hooks: () => ({ collapseIsolates: () => true }),
    scenarios: ['gup-fast-thp-collapse'],
    expect: 'I3c',
  },
];

/**
 * Equivalent mutants: mistakes no verdict can tell apart from the original,
 * each with the argument why (the test checks that none flips).
 */
export interface Equivalent extends Mutant {
  /** Why no observation distinguishes it from the unmutated model. */
  readonly argument: string;
}

export const EQUIVALENT: readonly Equivalent[] = [
  {
    name: 'swap-in-drops-exclusive-bit',
    area: 'swap',
    mistake: 'do_swap_page ignores the swap PTE\'s exclusive bit (1493a1913e34 left out) and reuses by page_count alone, so an exclusive page read back shares a pinned page\'s fate with its swap-cache reference',
    proposal: modern,
    hooks: ({ k }) => ({
      doSwapPageExclusive: (s, p, _swpExclusive, write) => {
        if (write && k.pg[p]!.ref.get(s) === 2) k.tryToFreeSwap(s, p);
        return k.pg[p]!.ref.get(s) === 1;
      },
    }),
    argument: 'The bit saves a copy, not a pin: without it an exclusive page read back from swap is mapped shared, and the next write fault or R/O pin goes through do_wp_page, which (5.18\'s 53a05ad9f21d) frees the swap cache first and then reuses the page at page_count 1 — no pin can be on a page swap unmapped, since 5.19\'s try_to_unmap_one refuses one. Slower, not wrong: the kernel added the bit to avoid the copies (1493a1913e34\'s message), and it matters for a page under swap writeback on a device that needs stable pages, which the model does not have.',
    scenarios: ['anon-swap', 'cow/iouring-ro-mapping.json'],
    expect: 'I3',
  },
  {
    name: 'try-to-unmap-loses-dirty-bit',
    area: 'reclaim',
    mistake: 'try_to_unmap_one clears a dirty PTE without set_page_dirty: the store through it is lost when the clean page is freed',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'reclaim: try_to_unmap', (a) => ({
      apply: (s) => {
        const p = k.root.kswapd!.page.get(s);
        k.sh.procs.forEach((pr, q) => pr.vmas.forEach((_, v) => {
          const e = k.pr[q]!.vma[v]!;
          if (e.present.test(s) && e.pfn.get(s) === p) e.d.set(s, 0);
        }));
        a.apply(s);
      },
    })),
    argument: 'In this model a file PTE is dirty only after a write fault ran page_mkwrite, which sets PG_dirty, and folio_mkclean write-protects every PTE when it cleans the page: a dirty PTE therefore always maps a PG_dirty page, and the transfer in try_to_unmap_one never changes PG_dirty. The kernel needs it for filesystems without ->page_mkwrite (and for the dirty bit set by hardware after a clean), which the model does not have.',
    scenarios: ['rdma-file-mr', 'gup-fast-truncate-reclaim', 'ext4-gup-write'],
    expect: 'I6',
  },
  {
    name: 'reclaim-ignores-writeback',
    area: 'reclaim',
    mistake: 'shrink_page_list unmaps and frees a page under writeback (the PageWriteback check left out)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'reclaim: try_to_unmap', () => ({
      enabled: (s) => k.root.kswapd!.pc.get(s) === RECLAIM.locked,
    })),
    argument: 'The kernel checks writeback twice on the way to freeing a page, and so does the model: after the missing PageWriteback check, a page under writeback still has its buffers (folio_start_writeback runs with them attached and clean), and try_to_free_buffers keeps them while I/O is in flight (buffer_busy), so the page is put back before __remove_mapping; a dirty page is activated. The only difference is the extra try_to_unmap, which the page survives as any unmapped page does.',
    scenarios: ['ext4-gup-write', 'rdma-file-mr-fsync'],
    expect: 'I4',
  },
  {
    name: 'munmap-loses-dirty-bit',
    area: 'munmap',
    mistake: 'zap_pte_range drops a dirty PTE of a file page without set_page_dirty (the pte_dirty → folio_mark_dirty transfer left out)',
    proposal: baseline,
    rewrite: (model, k) => rewriteAction(model, k, 'munmap: zap_pte_range', (a) => {
      const [q, v] = vmaOf(k, a);
      return { apply: (s) => { k.pr[q]!.vma[v]!.d.set(s, 0); a.apply(s); } };
    }),
    argument: 'As for try_to_unmap: a dirty file PTE maps a page page_mkwrite already made PG_dirty, and nothing cleans the page without write-protecting its PTEs first (folio_mkclean), so zap_pte_range\'s transfer of the dirty bit never changes PG_dirty in this model.',
    scenarios: ['well-behaved', 'fork-child-cow'],
    expect: 'I6',
  },
];
