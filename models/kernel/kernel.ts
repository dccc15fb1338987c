// The kernel page model: the packed state and the kernel functions that
// act on it, written once and shared by every action.
// Each method names the kernel function it abstracts. What differs between
// kernels and proposals is not here but behind the hooks (hooks.ts).
//
// The state is keyed by the scenario's names (page.P.PG_dirty,
// proc.app.vma.P.pfn, holder.dio.pc) and pointer fields are enums over
// those names, so every trace view renders it straight from the schema.

import { Layout, bool, enumOf, int, record, type Field, type FieldSpec, type Handles } from '../../src/engine/schema.js';
import type { KernelHooks } from './hooks.js';
import { nameAt, releaseAtLeast, type Role, type Version } from './names.js';
import type { Shape } from './shape.js';

export const BH = { none: 0, clean: 1, dirty: 2 } as const;
export const MAPPING = { none: 0, file: 1, anon: 2 } as const;
/** Who holds PG_locked (the model needs the owner for I11 and for deadlocks). */
export const OWNER = { none: 0, flusher: 1, reclaim: 2, truncate: 3, fsync: 4, holderBase: 5 } as const;
export const HOLDER = { start: 0, grabbed: 1, held: 2, dirtied: 3, released: 4, refused: 5, walked: 6 } as const;
/** khugepaged's collapse of the THP range: not begun, PMD cleared (mmap_lock held for writing), pages isolated, finished (or given up). */
export const COLLAPSE = { idle: 0, flushed: 1, isolated: 2, done: 3 } as const;
export const FLUSHER = { idle: 0, locked: 1, cleaned: 2 } as const;
export const RECLAIM = { idle: 0, isolated: 1, locked: 2, unmapped: 3, released: 4 } as const;
export const TRUNCATE = { idle: 0, scanning: 1, locked: 2, cleaned: 3, done: 4 } as const;
export const FSYNC = { idle: 0, scanning: 1, locked: 2, cleaned: 3, waiting: 4, done: 5 } as const;
/** offline_pages: scanning the block for pages to migrate (it starts there), a page isolated, the block empty. */
export const OFFLINE = { scanning: 0, isolated: 1, done: 2 } as const;
/** fork(): not yet; copying page tables (the parent's mmap_lock held for write, write_protect_seq odd); done. */
export const FORK = { no: 0, copying: 1, done: 2 } as const;

/**
 * A step that runs under a page lock declares it where it is defined
 * (underPageLock); I11 checks every declared step, not a list of names.
 * `held`: the actor locked the page in an earlier step and still holds it
 * (clear_page_dirty_for_io, try_to_free_buffers, truncate's cleanup…);
 * `takes`: the step takes and drops the lock itself, so it may not run
 * while someone else holds it (set_page_dirty_lock, filemap_fault,
 * do_page_mkwrite). page(s) < 0: the step takes no lock in this state.
 */
export interface PageLockDecl {
  readonly page: (s: Uint32Array) => number;
  /** The PG_locked owner the step runs as (OWNER.*, or holderOwner). */
  readonly owner: number;
  readonly how: 'held' | 'takes';
}
export const PAGE_LOCK: unique symbol = Symbol('gupcheck.pageLock');
type Locked = { [PAGE_LOCK]?: PageLockDecl };
/** Declare that action `a` runs under a page lock (returns a, for chaining). */
export function underPageLock<A extends object>(a: A, decl: PageLockDecl): A {
  (a as A & Locked)[PAGE_LOCK] = decl;
  return a;
}
/** The page-lock declaration of a step (it survives copies of the action object). */
export const pageLockOf = (a: object): PageLockDecl | undefined => (a as Locked)[PAGE_LOCK];

/** Names no page, process or holder may take: the background actors, who also own page locks. */
export const RESERVED_IDS = ['flusher', 'kswapd', 'truncate', 'fsync', 'disk', 'offline', 'kcompactd', 'khugepaged'] as const;

/** Fields a proposal adds to every page, holder or process record, or to the top of the state (proposal.ts). */
export interface ExtraState {
  readonly page?: Readonly<Record<string, FieldSpec>>;
  readonly holder?: Readonly<Record<string, FieldSpec>>;
  readonly proc?: Readonly<Record<string, FieldSpec>>;
  readonly global?: Readonly<Record<string, FieldSpec>>;
}

const keyed = <S extends FieldSpec>(ids: readonly string[], of: (id: string, i: number) => S) =>
  record(Object.fromEntries(ids.map((id, i) => [id, of(id, i)])) as Record<string, S>);

/**
 * The name of the exclusivity field in the state: PG_anon_exclusive from 5.19 (6c287605fd56);
 * before it the model still tracks whether one process alone maps an anonymous page (what fork
 * and COW reuse decide), as a ghost named for what it is, not for a flag the release lacks.
 */
export const exclusiveFieldName = (release: Version): string => (releaseAtLeast(release, '5.19') ? 'PG_anon_exclusive' : 'exclusive');

/**
 * The name of a large folio's exact pin count in the release, where it has
 * one: 5.7's hpage_pinned_refcount (47e29d32afba, in the second tail page),
 * compound_pincount from 5.18 (page[1]), the folio's _pincount from 6.3.
 * Before 5.7 pins of a huge page are not counted apart from its refcount.
 */
export function pincountFieldName(release: Version): string | undefined {
  if (!releaseAtLeast(release, '5.7')) return undefined;
  if (!releaseAtLeast(release, '5.18')) return 'hpage_pinned_refcount';
  return releaseAtLeast(release, '6.3') ? '_pincount' : 'compound_pincount';
}

function pageSpec(sh: Shape, release: Version = 'v6.6') {
  const NQ = sh.procs.length;
  const pincount = pincountFieldName(release);
  const fields = {
    /** folio->_refcount (an atomic_t: a put too many leaves it negative, and nothing frees the page) */
    ref: int(-sh.refMax, sh.refMax),
    /** _mapcount + 1 */
    map: int(0, NQ),
    /** PG_locked, with its owner */
    PG_locked: enumOf(['-', 'flusher', 'kswapd', 'truncate', 'fsync', ...sh.holders.map((h) => h.id)]),
    PG_dirty: bool(),
    PG_writeback: bool(),
    /** PG_private + one buffer_head: none, clean, dirty */
    buffers: enumOf(['none', 'clean', 'dirty']),
    PG_lru: bool(),
    /** isolated from the LRU by reclaim (holds one reference) */
    isolated: bool(),
    /** folio->mapping: none (free or truncated), the file, or an anon_vma */
    mapping: enumOf(['none', 'file', 'anon']),
    /** PG_anon_exclusive (5.19+); before 5.19 a ghost named `exclusive`: one process alone maps the page */
    PG_anon_exclusive: bool(),
    /** contents, as a version counter */
    data: int(0, sh.dataMax),
    /** the version on disk for this file offset */
    disk: int(0, sh.dataMax),
    /** the version submitted by ->writepage and not yet completed */
    io: int(0, sh.dataMax),
    /** ghost: the process that last wrote the page after fork */
    writtenBy: enumOf(['-', ...sh.procs.map((p) => p.id)]),
    /** ghost: a put took the refcount below zero */
    refcountUnderflow: bool(),
    /** ghost: freed (refcount 0) while still in the page cache or mapped by a PTE */
    freedInUse: bool(),
    ...(sh.swapSlots.length > 0 ? {
      /** PG_swapcache with folio->swap: the swap entry (slot) whose swap cache holds the page (the swap cache holds a reference) */
      PG_swapcache: enumOf(['-', ...sh.swapSlots]),
    } : {}),
    ...(sh.thpHeads.length > 0 ? {
      /** a THP head: the PMDs mapping the whole folio (compound_mapcount + 1; in later releases folio->_entire_mapcount); `map` counts a subpage's PTEs */
      compound_mapcount: int(0, NQ),
      // a THP head: FOLL_PIN references, counted exactly (each adds 1 to the refcount instead of GUP_PIN_COUNTING_BIAS)
      ...(pincount !== undefined ? { [pincount]: int(-sh.holders.length, sh.holders.length) } : {}),
    } : {}),
  };
  return record(fields);
}

/** A record spec with one field renamed, in place (the state layout is unchanged). */
function renamed<S extends FieldSpec & { kind: 'record'; fields: Record<string, FieldSpec> }>(rec: S, from: string, to: string): S {
  if (from === to) return rec;
  return { ...rec, fields: Object.fromEntries(Object.entries(rec.fields).map(([k, v]) => [k === from ? to : k, v])) };
}

function pteSpec(sh: Shape) {
  return record({
    present: bool(),
    pfn: enumOf(sh.pages.map((p) => p.id)),
    /** PTE write bit */
    w: bool(),
    /** PTE dirty bit */
    d: bool(),
    /** the user munmap'ed this address */
    unmapped: bool(),
    /** the user's one store to this address happened */
    stored: bool(),
    ...(sh.anyMprotect ? {
      /** the user's mprotect(PROT_READ), mprotect(PROT_READ|PROT_WRITE) happened */
      mprotected: bool(),
    } : {}),
    ...(sh.forkParent >= 0 && sh.procs[sh.forkParent]!.vmas.some((v) => v.file && !v.shared) ? {
      /** a private file VMA has an anon_vma: a COW copy was made in it (fork then copies its page-cache PTEs too) */
      anon_vma: bool(),
    } : {}),
    ...(sh.anySoftDirty ? {
      /** clear_refs cleared the soft-dirty bits: VM_SOFTDIRTY and the PTE's bit are clear (soft-dirty tracking armed) */
      softDirtyCleared: bool(),
    } : {}),
    ...(sh.anyLoad ? {
      /** the user's one load from this address happened */
      loaded: bool(),
    } : {}),
    ...(sh.thpHeads.length > 0 ? {
      /** a THP head's address: its PMD maps the THP huge (pmd_trans_huge); this entry and the tail's show what the PMD maps */
      pmd_trans_huge: bool(),
    } : {}),
    ...(sh.hugeZeroSlot >= 0 ? {
      /** a THP head's address: the PMD is none — zap_huge_pmd cleared it, no page table is left — so a fault there is do_huge_pmd_anonymous_page's */
      pmd_none: bool(),
    } : {}),
    ...(sh.swapSlots.length > 0 ? {
      /** a non-present PTE holding a swap entry (swp_entry_t: the slot), or '-' */
      swp: enumOf(['-', ...sh.swapSlots]),
      /** the swap PTE's exclusive bit (pte_swp_exclusive, 5.19+: the page was PageAnonExclusive when unmapped; never set before) */
      swp_exclusive: bool(),
    } : {}),
  });
}

/** One slot of the swap device: si->swap_map's count of swap PTEs, and what swap_writepage stored there. */
function swapSlotSpec(sh: Shape) {
  return record({
    /** swap PTEs holding this entry (swap_map; the swap cache's SWAP_HAS_CACHE is the page's PG_swapcache) */
    count: int(0, sh.procs.length),
    /** the contents swap_writepage wrote, as a version counter */
    data: int(0, sh.dataMax),
    /** ghost: the page's writtenBy when it was written (I10 follows the contents through swap) */
    writtenBy: enumOf(['-', ...sh.procs.map((p) => p.id)]),
  });
}

function holderSpec(sh: Shape) {
  return record({
    // ('walked': GUP-fast has read the PMD and not yet the PTE — a step of its own only where khugepaged can clear the PMD in between.)
    pc: enumOf(['start', 'grabbed', 'held', 'dirtied', 'released', 'refused', ...(sh.collapse ? ['walked'] : [])]),
    page: enumOf(sh.pages.map((p) => p.id)),
    /** the device wrote the page (DMA) */
    wrote: bool(),
    /** a fast-GUP holder that fell back to the slow path */
    slow: bool(),
    /**
     * a write fault of this GUP broke COW in a mapping without VM_WRITE
     * (VM_FAULT_WRITE): the kernel of the release then drops FOLL_WRITE
     * (before 4.9) or sets FOLL_COW (4.9 until 6.0)
     */
    cowed: bool(),
    /** a bio holder: the bio's second page (ZERO_PAGE, or a merged second iovec) has been added */
    bioAdded: bool(),
    ...(sh.anyDontneed ? {
      /** ghost: the user discarded the page this holder holds from its address (MADV_DONTNEED): they part by the user's own call */
      dropped: bool(),
    } : {}),
  });
}

const flusherSpec = (sh: Shape) => record({ pc: enumOf(['idle', 'locked', 'cleaned']), page: enumOf(sh.pages.map((p) => p.id)) });
const kswapdSpec = (sh: Shape) => record({ pc: enumOf(['idle', 'isolated', 'locked', 'unmapped', 'released']), page: enumOf(sh.pages.map((p) => p.id)) });
const truncateSpec = (sh: Shape) => record({
  pc: enumOf(['idle', 'scanning', 'locked', 'cleaned', 'done']),
  /** the file slot (index into fileSlots) truncate is at */
  idx: int(0, Math.max(0, sh.fileSlots.length)),
  /** with symmetry, truncate visits pages in any order: which it has done (else idx orders them) */
  done: keyed(sh.symmetry.length > 0 ? sh.fileSlots.map((p) => sh.pages[p]!.id) : ['-'], () => bool()),
});
const offlineSpec = (sh: Shape) => record({ pc: enumOf(['scanning', 'isolated', 'done']), page: enumOf(sh.pages.map((p) => p.id)) });
/** kcompactd: between pages, or a page isolated for migration. */
const compactionSpec = (sh: Shape) => record({ pc: enumOf(['idle', 'isolated']), page: enumOf(sh.pages.map((p) => p.id)) });
/** The pages fsync writes: the ext4 file's (a tmpfs page has no writeback). */
export const fsyncPages = (sh: Shape): number[] => sh.fileSlots.filter((p) => sh.pages[p]!.fs === 'ext4');
const fsyncSpec = (sh: Shape) => {
  const files = fsyncPages(sh).map((p) => sh.pages[p]!.id);
  return record({
    pc: enumOf(['idle', 'scanning', 'locked', 'cleaned', 'waiting', 'done']),
    /** the page (index into the ext4 file's pages) write_cache_pages is at */
    idx: int(0, Math.max(0, files.length)),
    /** PAGECACHE_TAG_TOWRITE: tag_pages_for_writeback tagged the page's dirty tag at the start */
    towrite: keyed(files, () => bool()),
    /** ghost: what must be on disk when fsync returns: each page's `completed` when fsync started */
    want: keyed(files, () => int(0, sh.dataMax)),
    /**
     * ghost: the data version of each page's last write that had completed
     * for its writer — a store at once, a DMA through a long-term pin
     * (the device's completion), a short-term pin's DMA once the holder has
     * released it (the syscall returned)
     */
    completed: keyed(files, () => int(0, sh.dataMax)),
    /** ghost: the version a short-term holder's DMA produced, completed at its release */
    dma: keyed(sh.holders.map((h) => h.id), () => int(0, sh.dataMax)),
    /** with symmetry, fsync visits pages in any order: which the write pass has done, which the wait pass has (else idx orders them) */
    ...(sh.symmetry.length > 0 ? { written: keyed(files, () => bool()), waited: keyed(files, () => bool()) } : {}),
  });
};

export type PageHandles = Handles<ReturnType<typeof pageSpec>>;
export type PteHandles = Handles<ReturnType<typeof pteSpec>>;
export type HolderHandles = Handles<ReturnType<typeof holderSpec>>;
export type FlusherHandles = Handles<ReturnType<typeof flusherSpec>>;
export type KswapdHandles = Handles<ReturnType<typeof kswapdSpec>>;
export type TruncateHandles = Handles<ReturnType<typeof truncateSpec>>;
export type FsyncHandles = Handles<ReturnType<typeof fsyncSpec>>;
export type SwapSlotHandles = Handles<ReturnType<typeof swapSlotSpec>>;
export type OfflineHandles = Handles<ReturnType<typeof offlineSpec>>;
export type CompactionHandles = Handles<ReturnType<typeof compactionSpec>>;
/** fsync's any-order passes (fields that exist only where the scenario declares symmetry). */
export const fsyncPasses = (Y: FsyncHandles) =>
  Y as unknown as { readonly written?: Readonly<Record<string, Field>>; readonly waited?: Readonly<Record<string, Field>> };

/** The handles of the whole state; an actor's record exists only in scenarios that have the actor. */
export interface KernelRoot {
  readonly page: Readonly<Record<string, PageHandles>>;
  readonly proc: Readonly<Record<string, { readonly alive: Field; readonly vma: Readonly<Record<string, PteHandles>>; readonly thp_reuse_read?: Field }>>;
  readonly holder: Readonly<Record<string, HolderHandles>>;
  readonly flusher?: FlusherHandles;
  readonly kswapd?: KswapdHandles;
  readonly truncate?: TruncateHandles;
  readonly fsync?: FsyncHandles;
  /** the swap device's slots, where the scenario has swap */
  readonly swap?: Readonly<Record<string, SwapSlotHandles>>;
  /** memory offlining of the movable block, where the scenario has it */
  readonly offline?: OfflineHandles;
  /** ghost: a page of the movable block was migrated to a new page (where the scenario has one) */
  readonly migrated?: Field;
  /** compaction (kcompactd), where the scenario has it */
  readonly kcompactd?: CompactionHandles;
  /** khugepaged's collapse (the collapse actor). */
  readonly khugepaged?: { readonly pc: Field; readonly mm: Field };
  /** fork's progress (FORK) */
  readonly forked: Field;
  /** i_size was cut to 0: faults on the file fail */
  readonly truncated: Field;
  /** the kernel hit a BUG(): nothing runs after it */
  readonly oops: Field;
  /** ghost: reclaim dropped a file page from the cache while its data had not reached disk */
  readonly lostWrite: Field;
  /** bound: COW needed a free page and none was left (shows as field-range) */
  readonly noFreePage: Field;
}

/** Merge a proposal's extra fields into a core record; a name clash is an error naming both. */
function withExtra<S extends FieldSpec>(core: S & { kind: 'record'; fields: Record<string, FieldSpec> }, extra: Readonly<Record<string, FieldSpec>> | undefined, where: string): S {
  if (extra === undefined) return core;
  for (const name of Object.keys(extra)) {
    if (name in core.fields) throw new ExtraStateError(`extra ${where} field '${name}' is already a field of the kernel core`);
  }
  return { ...core, fields: { ...core.fields, ...extra } };
}

export class ExtraStateError extends Error {}

/** The kernel core's own field names, where a proposal's extra fields go (they must not clash). */
export function coreFieldNames(sh: Shape): Record<keyof ExtraState, readonly string[]> {
  return {
    page: [...Object.keys(pageSpec(sh).fields), 'exclusive', 'hpage_pinned_refcount', 'compound_pincount', '_pincount'],
    holder: Object.keys(holderSpec(sh).fields),
    proc: ['alive', 'vma', 'thp_reuse_read'],
    global: ['page', 'proc', 'holder', 'flusher', 'kswapd', 'truncate', 'fsync', 'swap', 'offline', 'migrated', 'kcompactd', 'khugepaged', 'forked', 'truncated', 'oops', 'lostWrite', 'noFreePage'],
  };
}

export function kernelLayout(sh: Shape, extra: ExtraState = {}, release: Version = 'v6.6'): Layout {
  const pageIds = sh.pages.map((p) => p.id);
  const page = withExtra(renamed(pageSpec(sh, release), 'PG_anon_exclusive', exclusiveFieldName(release)), extra.page, 'page');
  const pte = pteSpec(sh);
  const holder = withExtra(holderSpec(sh), extra.holder, 'holder');
  const procCore = (q: number) => record({
    alive: bool(),
    vma: keyed(sh.procs[q]!.vmas.map((v) => pageIds[v.page]!), () => pte),
    // With a THP two processes can map: a write fault's reuse_swap_page between its two reads
    // (0: none; else 1 + the most any subpage's _mapcount read, DoubleMap's bias included).
    ...(sh.thpHeads.length > 0 && sh.forkChild >= 0 ? { thp_reuse_read: int(0, 2 * sh.procs.length + 2) } : {}),
  });
  const fields: Record<string, FieldSpec> = {
    page: keyed(pageIds, () => page),
    proc: keyed(sh.procs.map((p) => p.id), (_, q) => withExtra(procCore(q), extra.proc, 'process')),
    holder: keyed(sh.holders.map((h) => h.id), () => holder),
    ...(sh.flusher ? { flusher: flusherSpec(sh) } : {}),
    ...(sh.reclaim || sh.swap ? { kswapd: kswapdSpec(sh) } : {}),
    ...(sh.truncate ? { truncate: truncateSpec(sh) } : {}),
    ...(sh.fsync ? { fsync: fsyncSpec(sh) } : {}),
    ...(sh.swapSlots.length > 0 ? { swap: keyed(sh.swapSlots, () => swapSlotSpec(sh)) } : {}),
    ...(sh.offline ? { offline: offlineSpec(sh) } : {}),
    ...(sh.anyMovable ? { migrated: bool() } : {}),
    ...(sh.compaction ? { kcompactd: compactionSpec(sh) } : {}),
    ...(sh.collapse ? { khugepaged: record({ pc: enumOf(['idle', 'flushed', 'isolated', 'done']), mm: enumOf(sh.procs.map((p) => p.id)) }) } : {}),
    forked: enumOf(['-', 'copying', 'done']),
    truncated: bool(),
    oops: bool(),
    lostWrite: bool(),
    noFreePage: int(0, 0),
  };
  for (const name of Object.keys(extra.global ?? {})) {
    if (name in fields) throw new ExtraStateError(`extra global field '${name}' is already a field of the kernel core`);
  }
  return new Layout(record({ ...fields, ...extra.global }));
}

export class Kernel {
  readonly L: Layout;
  readonly root: KernelRoot;
  /** Handles by slot: pg[p], pr[q].vma[v], hd[h] (the scenario's order). */
  readonly pg: readonly PageHandles[];
  readonly pr: readonly { readonly alive: Field; readonly vma: readonly PteHandles[] }[];
  readonly hd: readonly HolderHandles[];
  readonly NP: number;
  readonly NQ: number;
  readonly NH: number;
  /**
   * The hook points, as the proposal fills them (proposal.ts attaches them
   * once the layout exists; nothing runs before).
   */
  hooks!: KernelHooks;
  /** The kernel release the model runs as (a design: the release it builds on), e.g. "v6.6". */
  release: Version = 'v6.6';
  /** Names a proposal gives to a role (proposal.words), over the release's own. */
  words: Readonly<Record<string, string>> = {};
  /** The function (or flag) the release calls for a step that was renamed over the years (names.ts ROLES). */
  fn(role: Role): string {
    return this.words[role] ?? nameAt(role, this.release);
  }
  /** Is the release at least `v` (for wording that changes at a release)? */
  atLeast(v: Version): boolean {
    return releaseAtLeast(this.release, v);
  }
  /** Every (process, va) pair, flattened, for PTE walks (rmap). */
  private readonly ptes: {
    q: number; v: number; present: Field; pfn: Field; w: Field; d: Field; swp: Field | undefined; swpExclusive: Field | undefined;
    /** In a THP's range: the head entry's pmd_trans_huge (the PMD maps the range huge); headOfRange: this is the head's entry. */
    huge: Field | undefined; headOfRange: boolean;
  }[];
  /** Each slot's folio: its THP head, else itself. */
  readonly folioOf: Int32Array;
  /** The shared zero page and the huge zero page's subpages, by slot (1: mapped without mapcount or reference). */
  readonly special: Uint8Array;
  /** Does the scenario have a THP (the state then has its PMD and folio fields)? */
  readonly hasThp: boolean;
  /** Each slot's folio's exact pin count (5.7+, THP scenarios; the head's field for both subpages), else undefined. */
  private readonly pincount: readonly (Field | undefined)[];
  /** The swap device's slots by index (empty without swap). */
  readonly sw: readonly SwapSlotHandles[];
  /** Does the scenario have swap (a swap device: the swap actor or a page swapped out at the start)? */
  readonly hasSwap: boolean;
  /** Each page's PG_swapcache field (undefined without swap). */
  private readonly swapcache: readonly (Field | undefined)[];
  private shape: Shape;
  /** fsync's durability ghosts by page slot and by holder (undefined without fsync, or for a page fsync does not write). */
  private readonly fsyncCompleted: readonly (Field | undefined)[];
  private readonly fsyncDma: readonly (Field | undefined)[];

  constructor(sh: Shape, extra: ExtraState = {}, release: Version = 'v6.6') {
    this.shape = sh;
    this.release = release;
    this.L = kernelLayout(sh, extra, release);
    this.root = this.L.root as unknown as KernelRoot;
    const R = this.root;
    // The exclusivity field has the release's name in the state; the code knows it by one name.
    const ex = exclusiveFieldName(release);
    const own = sh.pages.map((p) => {
      const h = R.page[p.id]!;
      return ex === 'PG_anon_exclusive' ? h : { ...h, PG_anon_exclusive: (h as unknown as Record<string, Field>)[ex]! };
    });
    // A THP's tail shares the head's folio-wide fields (the refcount, the page flags, the mapping:
    // what the kernel keeps in the head page), so every get, put and flag on a subpage is the
    // folio's; the tail keeps its own mapcount, PageAnonExclusive and contents. (The tail's own
    // copies of the shared fields stay 0, as a tail page's _refcount does in the kernel.)
    this.pg = own.map((h, p) => {
      const f = sh.pages[p]!.folio;
      if (f === p) return h;
      const head = own[f]!;
      return {
        ...head,
        map: h.map, PG_anon_exclusive: h.PG_anon_exclusive, data: h.data, disk: h.disk, io: h.io, writtenBy: h.writtenBy,
      };
    });
    this.folioOf = Int32Array.from(sh.pages.map((p) => p.folio));
    // The zero pages: special mappings (vm_normal_page is NULL: no mapcount, no reference per mapping).
    this.special = Uint8Array.from(sh.pages.map((p) => (p.kind === 'zero' || p.kind === 'hugezero' ? 1 : 0)));
    this.hasThp = sh.thpHeads.length > 0;
    const pc = pincountFieldName(release);
    this.pincount = this.pg.map((g, p) => (this.hasThp && pc !== undefined && this.isLarge(p) ? (g as unknown as Record<string, Field | undefined>)[pc] : undefined));
    this.pr = sh.procs.map((pr) => ({ alive: R.proc[pr.id]!.alive, vma: pr.vmas.map((v) => R.proc[pr.id]!.vma[sh.pages[v.page]!.id]!) }));
    this.hd = sh.holders.map((h) => R.holder[h.id]!);
    this.NP = sh.pages.length;
    this.refScratch = new Int32Array(this.NP);
    this.NQ = sh.procs.length;
    this.NH = sh.holders.length;
    this.ptes = [];
    sh.procs.forEach((p, q) => p.vmas.forEach((vma, v) => {
      const e = this.pr[q]!.vma[v]!;
      const huge = vma.thp === null ? undefined : this.pr[q]!.vma[vma.thp.head]!.pmd_trans_huge;
      this.ptes.push({ q, v, present: e.present, pfn: e.pfn, w: e.w, d: e.d, swp: e.swp, swpExclusive: e.swp_exclusive, huge, headOfRange: vma.thp !== null && vma.thp.head === v });
    }));
    this.sw = sh.swapSlots.map((x) => R.swap![x]!);
    this.hasSwap = this.sw.length > 0;
    this.swapcache = this.pg.map((g) => g.PG_swapcache);
    const Y = R.fsync;
    this.fsyncCompleted = sh.pages.map((p) => Y?.completed[p.id]);
    this.fsyncDma = sh.holders.map((h) => Y?.dma[h.id]);
  }

  /** The scenario's shape, with each holder's accounting as the hooks decide it. */
  get sh(): Shape {
    return this.shape;
  }
  /** Replace the shape once the hooks have settled each holder's kind, increments and release (proposal.ts). */
  settle(sh: Shape): void {
    this.shape = sh;
  }

  /** A field a proposal added to every page (ExtraState.page), by slot; throws at build time if there is none. */
  pageField(name: string): readonly Field[] {
    return this.pg.map((g, p) => extraField(g, name, `page ${this.sh.pages[p]!.id}`));
  }
  /** A field a proposal added to every holder (ExtraState.holder), by holder index. */
  holderField(name: string): readonly Field[] {
    return this.hd.map((h, i) => extraField(h, name, `holder ${this.sh.holders[i]!.id}`));
  }
  /** A field a proposal added to every process (ExtraState.proc), by process index. */
  procField(name: string): readonly Field[] {
    return this.sh.procs.map((pr) => extraField(this.root.proc[pr.id]!, name, `process ${pr.id}`));
  }
  /** A field a proposal added at the top of the state (ExtraState.global). */
  globalField(name: string): Field {
    return extraField(this.root, name, 'the state');
  }

  // --- queries ---------------------------------------------------------------

  /** In its file's page cache (mapping set, not anon). */
  inCache(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.mapping.get(s) === MAPPING.file;
  }
  isAnon(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.mapping.get(s) === MAPPING.anon;
  }
  isExt4(p: number): boolean {
    return this.sh.pages[p]!.fs === 'ext4';
  }
  locked(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.PG_locked.get(s) !== OWNER.none;
  }
  /** page_maybe_dma_pinned(), where the kernel has it; false where it does not. */
  maybeDmaPinned(s: Uint32Array, p: number): boolean {
    const f = this.hooks.folioMaybeDmaPinned;
    if (f === undefined) return false;
    // A large folio whose pins are counted exactly (5.7+): its pin count, not the refcount.
    const c = this.pincount[p];
    if (c !== undefined && this.hooks.largeFolioPincount()) return c.get(s) > 0;
    return f(s, p);
  }
  /** Number of PTEs mapping page p. */
  ptesMapping(s: Uint32Array, p: number): number {
    let n = 0;
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) n++;
    return n;
  }
  /** Does every page's mapcount equal the number of PTEs mapping it (the zero page apart)? One pass over the PTEs. */
  mapcountsMatch(s: Uint32Array): boolean {
    const NP = this.NP;
    const r = this.refScratch;
    for (let p = 0; p < NP; p++) r[p] = 0;
    for (const e of this.ptes) if (e.present.test(s) && (e.huge === undefined || !e.huge.test(s))) r[e.pfn.get(s)]!++;
    const zero = this.sh.zeroSlot;
    for (let p = 0; p < NP; p++) if (p !== zero && this.special[p] === 0 && this.pg[p]!.map.get(s) !== r[p]) return false;
    if (this.hasThp) {
      // A PMD-mapped range counts once, in its head's compound_mapcount (the huge zero page's, never).
      for (const f of this.sh.thpHeads) r[f] = 0;
      for (const e of this.ptes) if (e.headOfRange && e.huge!.test(s) && e.present.test(s) && this.special[e.pfn.get(s)] === 0) r[e.pfn.get(s)]!++;
      for (const f of this.sh.thpHeads) if (this.pg[f]!.compound_mapcount!.get(s) !== r[f]) return false;
    }
    return true;
  }
  /** The holder has a reference on its page (grabbed, held, or releasing). */
  holding(s: Uint32Array, h: number): boolean {
    const pc = this.hd[h]!.pc.get(s);
    return pc === HOLDER.grabbed || pc === HOLDER.held || pc === HOLDER.dirtied;
  }
  holdersOn(s: Uint32Array, p: number, kind?: 'GET' | 'PIN'): number {
    let n = 0;
    for (let h = 0; h < this.NH; h++) {
      if (this.holding(s, h) && this.hd[h]!.page.get(s) === p && (kind === undefined || this.sh.holders[h]!.kind === kind)) n++;
    }
    return n;
  }
  /**
   * What the refcount must be: page cache + buffers (PG_private holds a
   * reference) + PTEs + holders + isolation,
   * plus whatever the hooks say the kernel holds besides (extraRefs).
   */
  expectedRef(s: Uint32Array, p: number): number {
    if (this.hasThp) return this.expectedFolioRef(s, this.folioOf[p]!);
    const g = this.pg[p]!;
    // A PTE of the zero page is a special mapping: no mapcount, no reference (vm_normal_page is NULL).
    const ptes = p === this.sh.zeroSlot ? 0 : this.ptesMapping(s, p);
    let r = (this.inCache(s, p) ? 1 : 0) + (g.buffers.get(s) !== BH.none ? 1 : 0) + ptes + (g.isolated.test(s) ? 1 : 0) + (this.hasSwap && this.swapSlotOf(s, p) >= 0 ? 1 : 0);
    for (let h = 0; h < this.NH; h++) {
      const spec = this.sh.holders[h]!;
      if (this.holding(s, h) && this.hd[h]!.page.get(s) === p) r += this.holderInc(h, p);
      if (spec.bioPage === p && this.hd[h]!.bioAdded.test(s) && this.hd[h]!.pc.get(s) !== HOLDER.released) r += spec.bioInc;
    }
    if (p === this.sh.zeroSlot) r += 1; // the kernel's own reference on ZERO_PAGE
    return r + this.hooks.extraRefs(s, p);
  }
  /** expectedRef of a THP scenario's folio f: its slots' references summed, a PMD counted once. */
  private expectedFolioRef(s: Uint32Array, f: number): number {
    const g = this.pg[f]!;
    // (The zero pages keep the kernel's own reference.)
    let r = (this.inCache(s, f) ? 1 : 0) + (g.buffers.get(s) !== BH.none ? 1 : 0) + (g.isolated.test(s) ? 1 : 0) + (this.special[f] === 1 ? 1 : 0) +
      (this.hasSwap && this.swapSlotOf(s, f) >= 0 ? 1 : 0);
    for (const e of this.ptes) {
      if (!e.present.test(s) || this.folioOf[e.pfn.get(s)] !== f || this.special[e.pfn.get(s)] === 1) continue;
      if (e.huge !== undefined && e.huge.test(s) && !e.headOfRange) continue;
      r++;
    }
    for (let h = 0; h < this.NH; h++) {
      const spec = this.sh.holders[h]!;
      const q = this.hd[h]!.page.get(s);
      if (this.holding(s, h) && this.folioOf[q] === f) r += this.holderInc(h, q);
      if (spec.bioPage === f && this.hd[h]!.bioAdded.test(s) && this.hd[h]!.pc.get(s) !== HOLDER.released) r += spec.bioInc;
    }
    return r + this.hooks.extraRefs(s, f);
  }
  /**
   * Does every large folio's pin count equal the FOLL_PIN references held on
   * its subpages (5.7+, where pins of a large folio are counted exactly)?
   */
  pincountsBalanced(s: Uint32Array): boolean {
    if (!this.hasThp || !this.hooks.largeFolioPincount()) return true;
    for (const f of this.sh.thpHeads) {
      let n = 0;
      for (let h = 0; h < this.NH; h++) {
        if (this.sh.holders[h]!.kind === 'PIN' && this.holding(s, h) && this.folioOf[this.hd[h]!.page.get(s)] === f) n++;
      }
      if (this.pincount[f]!.get(s) !== n) return false;
    }
    return true;
  }
  /**
   * Does every page's refcount equal expectedRef? The same sums for all
   * pages in one pass over the PTEs and the holders instead of one per page
   * (I2 checks it on every new state: 10 % of the kernel benchmark's time
   * in the profile, the most of any property).
   */
  refsBalanced(s: Uint32Array): boolean {
    if (this.hasThp) {
      // THP scenarios are small: folio by folio (a tail's refcount is its head's).
      for (let p = 0; p < this.NP; p++) if (this.folioOf[p] === p && this.pg[p]!.ref.get(s) !== this.expectedFolioRef(s, p)) return false;
      return true;
    }
    const NP = this.NP;
    const r = this.refScratch;
    for (let p = 0; p < NP; p++) {
      const g = this.pg[p]!;
      r[p] = (this.inCache(s, p) ? 1 : 0) + (g.buffers.get(s) !== BH.none ? 1 : 0) + (g.isolated.test(s) ? 1 : 0)
        + (p === this.sh.zeroSlot ? 1 : 0) + (this.hooks.extraRefs(s, p));
      // The swap cache's reference (asked only where the scenario has swap: this runs on every new state).
      if (this.hasSwap && this.swapSlotOf(s, p) >= 0) r[p]!++;
    }
    const zero = this.sh.zeroSlot;
    for (const e of this.ptes) {
      if (!e.present.test(s)) continue;
      const q = e.pfn.get(s);
      if (q >= 0 && q < NP && q !== zero) r[q]!++;
    }
    for (let h = 0; h < this.NH; h++) {
      const spec = this.sh.holders[h]!;
      const hd = this.hd[h]!;
      if (this.holding(s, h)) {
        const q = hd.page.get(s);
        if (q >= 0 && q < NP) r[q] += q === zero ? spec.zeroInc : spec.inc;
      }
      const b = spec.bioPage;
      if (b >= 0 && b < NP && hd.bioAdded.test(s) && hd.pc.get(s) !== HOLDER.released) r[b] += spec.bioInc;
    }
    for (let p = 0; p < NP; p++) if (this.pg[p]!.ref.get(s) !== r[p]) return false;
    return true;
  }
  private readonly refScratch: Int32Array;
  /** The refcount holder h's GUP reference adds to page p (the zero page may differ: 6.5 does not pin it). */
  holderInc(h: number, p: number): number {
    const spec = this.sh.holders[h]!;
    if (this.hasThp && this.isLarge(p)) return spec.largeInc;
    return p === this.sh.zeroSlot ? spec.zeroInc : spec.inc;
  }
  /** Is slot p a subpage of a THP (a large folio)? */
  isLarge(p: number): boolean {
    return this.folioOf[p] !== p || this.sh.pages[p]!.tail >= 0;
  }
  /**
   * try_grab_page / try_grab_folio for holder hi on page p: the refcount its
   * reference adds, and on a large folio whose pins are counted exactly
   * (5.7+), one more in the folio's pin count for a FOLL_PIN.
   */
  grabGupRef(s: Uint32Array, hi: number, p: number): void {
    this.getPage(s, p, this.holderInc(hi, p));
    const c = this.pincount[p];
    if (c !== undefined && this.sh.holders[hi]!.kind === 'PIN' && this.hooks.largeFolioPincount()) c.set(s, c.get(s) + 1);
  }
  /** Undo grabGupRef (GUP-fast's recheck failed). */
  ungrabGupRef(s: Uint32Array, hi: number, p: number): void {
    const c = this.pincount[p];
    if (c !== undefined && this.sh.holders[hi]!.kind === 'PIN' && this.hooks.largeFolioPincount()) c.set(s, c.get(s) - 1);
    this.putPage(s, p, this.holderInc(hi, p));
  }
  /**
   * The refcount a release function gives back for page p (amount: what it
   * gives back for a small page): an unpin of a large folio whose pins are
   * counted exactly gives back one reference and one pin (gup_put_folio);
   * the pin count is dropped here.
   */
  unpinLargeFolio(s: Uint32Array, p: number, fn: string, amount: number): number {
    const c = this.pincount[p];
    if (c === undefined || fn === 'put_page' || !this.hooks.largeFolioPincount()) return amount;
    c.set(s, c.get(s) - 1);
    return 1;
  }
  /**
   * Is process q's mmap_lock held for writing — by fork copying its page
   * tables, or by khugepaged collapsing its THP range? Faults, GUP's slow
   * path and madvise/mprotect then wait.
   */
  mmapWriteLocked(s: Uint32Array, q: number): boolean {
    return (q === this.sh.forkParent && this.root.forked.get(s) === FORK.copying) || this.collapsing(s, q);
  }
  /** Has khugepaged cleared process q's PMD of the THP range (pmdp_collapse_flush) and not yet set the new one? */
  collapsing(s: Uint32Array, q: number): boolean {
    const C = this.root.khugepaged;
    if (C === undefined) return false;
    const pc = C.pc.get(s);
    return (pc === COLLAPSE.flushed || pc === COLLAPSE.isolated) && C.mm.get(s) === q;
  }
  /** total_mapcount of page p's folio: its PMD mappings and every subpage's PTE mappings (a small page: its mapcount). */
  totalMapcount(s: Uint32Array, p: number): number {
    const f = this.folioOf[p]!;
    const t = this.sh.pages[f]!.tail;
    if (t < 0) return this.pg[f]!.map.get(s);
    return this.pg[f]!.compound_mapcount!.get(s) + this.pg[f]!.map.get(s) + this.pg[t]!.map.get(s);
  }
  /** A free page: no references and no mapping. */
  isFree(s: Uint32Array, p: number): boolean {
    return this.pg[p]!.ref.get(s) === 0 && this.pg[p]!.mapping.get(s) === MAPPING.none;
  }

  // --- refcounting -----------------------------------------------------------

  /** get_page / try_grab_page: ref += n (past refMax the model reports field-range). */
  getPage(s: Uint32Array, p: number, n: number): void {
    this.pg[p]!.ref.set(s, this.pg[p]!.ref.get(s) + n);
  }
  /**
   * put_page / folio_put_refs: ref -= n, and the page is freed when the count
   * reaches exactly 0 (put_page_testzero, folio_ref_sub_and_test). A put too
   * many (an unpin of a FOLL_GET reference subtracts GUP_PIN_COUNTING_BIAS)
   * leaves the count negative: the page is not freed, and from 5.7
   * page_maybe_dma_pinned's unsigned compare reads it as pinned. I4 flags it.
   */
  putPage(s: Uint32Array, p: number, n: number): void {
    const g = this.pg[p]!;
    const was = g.ref.get(s);
    const r = was - n;
    g.ref.set(s, r);
    if (r < 0) g.refcountUnderflow.set(s, 1);
    if (r === 0 && was > 0) {
      const f = this.folioOf[p]!;
      const t = this.sh.pages[f]!.tail;
      if (g.mapping.get(s) === MAPPING.file || this.ptesMapping(s, f) > 0 || (t >= 0 && this.ptesMapping(s, t) > 0)) g.freedInUse.set(s, 1);
      this.freePage(s, f);
      if (t >= 0) this.freeSubpage(s, t);
    }
  }
  /** free_unref_page: the page returns to the allocator, keeping nothing but its file's disk copy. */
  freePage(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.mapping.set(s, MAPPING.none);
    g.PG_locked.set(s, OWNER.none);
    g.PG_lru.set(s, 0);
    g.isolated.set(s, 0);
    g.buffers.set(s, BH.none);
    g.PG_dirty.set(s, 0);
    g.PG_anon_exclusive.set(s, 0);
    g.data.set(s, 0);
    g.io.set(s, 0);
    g.writtenBy.set(s, 0);
    this.swapcache[p]?.set(s, 0);
  }
  /** A THP's tail freed with its folio: its own fields (the folio-wide ones went with the head). */
  private freeSubpage(s: Uint32Array, t: number): void {
    const g = this.pg[t]!;
    g.PG_anon_exclusive.set(s, 0);
    g.data.set(s, 0);
    g.io.set(s, 0);
    g.writtenBy.set(s, 0);
  }
  /** alloc_page for a COW copy: the lowest free non-file slot outside the movable block (the bound shows as field-range). */
  allocPage(s: Uint32Array): number {
    for (let p = 0; p < this.NP; p++) {
      const slot = this.sh.pages[p]!;
      // (A THP's slots are its folio's: a freed THP is not split up for COW copies.)
      if ((slot.kind === 'anon' || slot.kind === 'spare') && !slot.movable && slot.folio === p && slot.tail < 0 && this.isFree(s, p)) return p;
    }
    this.root.noFreePage.set(s, 1); // throws FieldRangeError: "noFreePage := 1 is outside…"
    return -1;
  }

  // --- writeback ----------------------------------------------------------------

  /**
   * folio_clear_dirty_for_io (page locked): folio_mkclean write-protects and
   * cleans every PTE, moving a dirty PTE's bit to the page, then
   * TestClearPageDirty.
   */
  clearPageDirtyForIo(s: Uint32Array, p: number): void {
    if (this.pageMkclean(s, p)) this.setPageDirty(s, p);
    this.pg[p]!.PG_dirty.set(s, 0);
  }
  /** folio_start_writeback + submit: the bio carries data version `data`, the buffers are clean, the bio holds its reference (hooks). */
  submitWriteback(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.PG_writeback.set(s, 1);
    g.buffers.set(s, BH.clean);
    g.io.set(s, g.data.get(s));
    this.hooks.writebackBioGet(s, p);
  }
  /** end_page_writeback: the data reached the disk; the bio gives its reference back (hooks). */
  endWriteback(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.PG_writeback.set(s, 0);
    g.disk.set(s, g.io.get(s));
    g.io.set(s, 0);
    this.hooks.writebackBioPut(s, p);
  }

  // --- buffers ----------------------------------------------------------------

  /** create_empty_buffers / attach_page_private: buffers take a page reference. */
  attachBuffers(s: Uint32Array, p: number, state: number): void {
    const g = this.pg[p]!;
    if (g.buffers.get(s) === BH.none) this.getPage(s, p, 1);
    g.buffers.set(s, state);
  }
  /** drop_buffers / detach_page_private: the buffers' reference goes with them. */
  dropBuffers(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.buffers.get(s) === BH.none) return;
    g.buffers.set(s, BH.none);
    this.putPage(s, p, 1);
  }
  /** isolate_lru_page / folio_isolate_lru: off the LRU, the isolation holds a reference. */
  isolateLruPage(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.PG_lru.set(s, 0);
    g.isolated.set(s, 1);
    this.getPage(s, p, 1);
  }
  /** putback_lru_page / putback_movable_pages: back on the LRU, the isolation's reference dropped. */
  putbackLruPage(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    g.isolated.set(s, 0);
    g.PG_lru.set(s, 1);
    this.putPage(s, p, 1);
  }
  /** unlock_page by its owner. */
  unlockPage(s: Uint32Array, p: number): void {
    this.pg[p]!.PG_locked.set(s, OWNER.none);
  }

  /** do_anonymous_page's write fault: a new, zero-filled, exclusive anonymous page. */
  newZeroedAnonPage(s: Uint32Array): number {
    const c = this.allocPage(s);
    const n = this.pg[c]!;
    n.mapping.set(s, MAPPING.anon);
    n.PG_lru.set(s, 1);
    n.PG_anon_exclusive.set(s, 1);
    return c;
  }
  /**
   * A new anonymous THP in the free folio whose head is f (do_huge_pmd_anonymous_page,
   * the huge zero page's COW before 5.8, collapse's new huge page): on the LRU, every
   * subpage PageAnonExclusive (page_add_new_anon_rmap). The caller maps it and fills it.
   */
  newAnonThp(s: Uint32Array, f: number): void {
    const g = this.pg[f]!;
    g.mapping.set(s, MAPPING.anon);
    g.PG_lru.set(s, 1);
    g.PG_anon_exclusive.set(s, 1);
    this.pg[this.sh.pages[f]!.tail]!.PG_anon_exclusive.set(s, 1);
  }
  /** anon_vma_prepare for a COW in process q's VMA v (only tracked where fork can ask). */
  anonVmaPrepare(s: Uint32Array, q: number, v: number): void {
    this.pr[q]!.vma[v]!.anon_vma?.set(s, 1);
  }
  /** A new exclusive anonymous page holding a copy of page p's contents (wp_page_copy, do_cow_fault, fork's copy). */
  copyToNewAnonPage(s: Uint32Array, p: number): number {
    const c = this.allocPage(s);
    const n = this.pg[c]!;
    const o = this.pg[p]!;
    n.mapping.set(s, MAPPING.anon);
    n.PG_lru.set(s, 1);
    n.PG_anon_exclusive.set(s, 1);
    n.data.set(s, o.data.get(s));
    n.writtenBy.set(s, o.mapping.get(s) === MAPPING.anon ? o.writtenBy.get(s) : 0);
    return c;
  }

  // --- dirtying --------------------------------------------------------------

  /**
   * set_page_dirty / folio_mark_dirty. mapping NULL: noop_dirty_folio (just
   * PG_dirty). ext4: block_dirty_folio marks the buffers dirty if there are
   * any, then sets PG_dirty (and tags the page dirty in the xarray, so the
   * flusher will visit it: of the page flags it only sets PG_dirty, but it
   * also sets the tag); without buffers the result is the
   * dirty-page-without-buffers state of the ext4 BUG.
   */
  setPageDirty(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    if (g.mapping.get(s) === MAPPING.file && this.isExt4(p) && g.buffers.get(s) !== BH.none) g.buffers.set(s, BH.dirty);
    g.PG_dirty.set(s, 1);
  }

  // --- page tables -----------------------------------------------------------

  /** set_pte_at after a fault: map page p at (q, v); the mapping takes a reference. */
  mapPte(s: Uint32Array, q: number, v: number, p: number, w: boolean, d: boolean): void {
    const e = this.pr[q]!.vma[v]!;
    // (In a THP range, a PTE means a page table under the PMD: __pte_alloc.)
    if (this.hasThp) {
      const r = this.sh.procs[q]!.vmas[v]!.thp;
      if (r !== null) this.pr[q]!.vma[r.head]!.pmd_none?.set(s, 0);
    }
    e.present.set(s, 1);
    e.pfn.set(s, p);
    e.w.setBool(s, w);
    e.d.setBool(s, d);
    if (this.special[p] === 1) return; // a special PTE: no mapcount, no reference
    this.pg[p]!.map.set(s, this.pg[p]!.map.get(s) + 1);
    this.getPage(s, p, 1);
  }
  /** zap_pte_range / try_to_unmap_one: clear the PTE, move its dirty bit to the page, drop map and ref. */
  zapPte(s: Uint32Array, q: number, v: number): void {
    // One subpage of a PMD-mapped THP: the PMD is split first (a partial zap, COW at PTE level).
    if (this.hasThp && this.pmdMapped(s, q, v)) this.splitHugePmd(s, q, v);
    const e = this.pr[q]!.vma[v]!;
    if (!e.present.test(s)) {
      // A swap PTE: free_swap_and_cache.
      if (this.hasSwap) {
        const x = this.swapEntry(s, q, v);
        if (x >= 0) this.freeSwapEntry(s, q, v, x);
      }
      return;
    }
    const p = e.pfn.get(s);
    if (e.d.test(s) && this.pg[p]!.mapping.get(s) === MAPPING.file) this.setPageDirty(s, p);
    e.present.set(s, 0);
    e.pfn.set(s, 0);
    e.w.set(s, 0);
    e.d.set(s, 0);
    if (this.special[p] === 1) return;
    this.pg[p]!.map.set(s, this.pg[p]!.map.get(s) - 1);
    this.putPage(s, p, 1);
  }
  // --- huge PMDs (mm/huge_memory.c) ----------------------------------------------

  /** Is (q, v) in a THP's range that q maps by a huge PMD? */
  pmdMapped(s: Uint32Array, q: number, v: number): boolean {
    const r = this.sh.procs[q]!.vmas[v]!.thp;
    return r !== null && this.pr[q]!.vma[r.head]!.pmd_trans_huge!.test(s);
  }
  /**
   * set_pmd_at of a THP (do_huge_pmd_anonymous_page, copy_huge_pmd): q's
   * range of the THP whose head is f, mapped by one PMD: one reference on
   * the folio, compound_mapcount + 1; both entries show the PMD.
   */
  mapPmd(s: Uint32Array, q: number, v: number, f: number, w: boolean, d: boolean): void {
    const r = this.sh.procs[q]!.vmas[v]!.thp!;
    const t = this.sh.pages[f]!.tail;
    for (const [x, p] of [[r.head, f], [r.tail, t]] as const) {
      const e = this.pr[q]!.vma[x]!;
      e.present.set(s, 1);
      e.pfn.set(s, p);
      e.w.setBool(s, w);
      e.d.setBool(s, d);
    }
    this.pr[q]!.vma[r.head]!.pmd_trans_huge!.set(s, 1);
    this.pr[q]!.vma[r.head]!.pmd_none?.set(s, 0);
    if (this.special[f] === 1) return; // the huge zero page: no mapcount, no reference per PMD (mm_get_huge_zero_page is per mm)
    const g = this.pg[f]!;
    g.compound_mapcount!.set(s, g.compound_mapcount!.get(s) + 1);
    this.getPage(s, f, 1);
  }
  /** zap_huge_pmd: q's PMD of the THP goes (compound_mapcount - 1, the PMD's reference dropped). */
  zapPmd(s: Uint32Array, q: number, v: number): void {
    const r = this.sh.procs[q]!.vmas[v]!.thp!;
    const he = this.pr[q]!.vma[r.head]!;
    const f = this.folioOf[he.pfn.get(s)]!;
    for (const x of [r.head, r.tail]) {
      const e = this.pr[q]!.vma[x]!;
      e.present.set(s, 0);
      e.pfn.set(s, 0);
      e.w.set(s, 0);
      e.d.set(s, 0);
    }
    he.pmd_trans_huge!.set(s, 0);
    he.pmd_none?.set(s, 1);
    if (this.special[f] === 1) return;
    const g = this.pg[f]!;
    g.compound_mapcount!.set(s, g.compound_mapcount!.get(s) - 1);
    this.putPage(s, f, 1);
  }
  /**
   * __split_huge_pmd_locked: q's PMD becomes a PTE table mapping every
   * subpage of the same folio with the PMD's bits: each subpage's mapcount
   * + 1, compound_mapcount - 1, and page_ref_add(nr - 1) (one reference per
   * PTE). The pin count is untouched; each subpage keeps the head's
   * PageAnonExclusive (the model keeps the subpages' flags alike while
   * PMD-mapped).
   */
  splitHugePmd(s: Uint32Array, q: number, v: number): void {
    const r = this.sh.procs[q]!.vmas[v]!.thp!;
    const he = this.pr[q]!.vma[r.head]!;
    const f = this.folioOf[he.pfn.get(s)]!;
    he.pmd_trans_huge!.set(s, 0);
    if (this.special[f] === 1) {
      // __split_huge_zero_page_pmd: every PTE maps the small zero page, read-only.
      for (const x of [r.head, r.tail]) {
        const e = this.pr[q]!.vma[x]!;
        e.pfn.set(s, this.sh.zeroSlot);
        e.w.set(s, 0);
      }
      return;
    }
    for (const x of [r.head, r.tail]) {
      const g = this.pg[this.pr[q]!.vma[x]!.pfn.get(s)]!;
      g.map.set(s, g.map.get(s) + 1);
    }
    const g = this.pg[f]!;
    g.compound_mapcount!.set(s, g.compound_mapcount!.get(s) - 1);
    this.getPage(s, f, 1);
  }
  /** Is (q, v) in a THP range whose PMD is none (zapped huge, no page table)? Only tracked where the scenario has the huge zero page. */
  pmdNone(s: Uint32Array, q: number, v: number): boolean {
    const r = this.sh.procs[q]!.vmas[v]!.thp;
    if (r === null) return false;
    const f = this.pr[q]!.vma[r.head]!.pmd_none;
    return f !== undefined && f.test(s);
  }
  /** Every entry of (q, v)'s range that a huge PMD shows (both subpages), else just (q, v)'s own. */
  rangeEntries(s: Uint32Array, q: number, v: number): readonly PteHandles[] {
    const r = this.sh.procs[q]!.vmas[v]!.thp;
    if (r === null || !this.pmdMapped(s, q, v)) return [this.pr[q]!.vma[v]!];
    return [this.pr[q]!.vma[r.head]!, this.pr[q]!.vma[r.tail]!];
  }
  /** The PTE's (or the huge PMD's) dirty bit set by a user store through it. */
  markPteDirty(s: Uint32Array, q: number, v: number): void {
    if (!this.hasThp) {
      this.pr[q]!.vma[v]!.d.set(s, 1);
      return;
    }
    for (const e of this.rangeEntries(s, q, v)) e.d.set(s, 1);
  }
  /**
   * Does a process hold page p's folio lock in the middle of a THP write fault's two reads
   * (do_huge_pmd_wp_page takes lock_page around reuse_swap_page)? Another fault on the folio waits.
   */
  thpFaultLocked(s: Uint32Array, p: number): boolean {
    const f = this.folioOf[p]!;
    for (let q = 0; q < this.NQ; q++) {
      const R = this.root.proc[this.sh.procs[q]!.id]!.thp_reuse_read;
      if (R === undefined || R.get(s) === 0) continue;
      for (const vma of this.sh.procs[q]!.vmas) {
        if (vma.thp === null) continue;
        const e = this.pr[q]!.vma[vma.thp.head]!;
        if (e.present.test(s) && this.folioOf[e.pfn.get(s)] === f) return true;
      }
    }
    return false;
  }
  /** PageDoubleMap (4.x–5.x): the THP is mapped by a PMD and by PTEs at once; each subpage's _mapcount then carries one more. */
  doubleMap(s: Uint32Array, p: number): boolean {
    const f = this.folioOf[p]!;
    const t = this.sh.pages[f]!.tail;
    return this.pg[f]!.compound_mapcount!.get(s) > 0 && (this.pg[f]!.map.get(s) > 0 || this.pg[t]!.map.get(s) > 0);
  }
  /** reuse_swap_page's first read: the most any subpage's _mapcount + 1 is, DoubleMap's bias included. */
  subpageMapcountRead(s: Uint32Array, p: number): number {
    const f = this.folioOf[p]!;
    const t = this.sh.pages[f]!.tail;
    return Math.max(this.pg[f]!.map.get(s), this.pg[t]!.map.get(s)) + (this.doubleMap(s, p) ? 1 : 0);
  }
  /** A THP head's mapcounts the way 4.14's reuse_swap_page counts them: the most any subpage has (its PTEs + the PMDs). */
  thpMaxMapcount(s: Uint32Array, p: number): number {
    const f = this.folioOf[p]!;
    const t = this.sh.pages[f]!.tail;
    const c = this.pg[f]!.compound_mapcount!.get(s);
    return c + Math.max(this.pg[f]!.map.get(s), this.pg[t]!.map.get(s));
  }

  /** Unmap page p from every page table (try_to_unmap / unmap_mapping_range). */
  unmapAll(s: Uint32Array, p: number): void {
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) this.zapPte(s, e.q, e.v);
  }
  /** folio_mkclean: write-protect and clean every PTE of p; true if any was dirty. */
  pageMkclean(s: Uint32Array, p: number): boolean {
    let wasDirty = false;
    for (const e of this.ptes) {
      if (!e.present.test(s) || e.pfn.get(s) !== p) continue;
      if (e.d.test(s)) wasDirty = true;
      e.w.set(s, 0);
      e.d.set(s, 0);
    }
    return wasDirty;
  }
  /** Write-protect every PTE of p (fork's COW sharing). */
  wrprotectAll(s: Uint32Array, p: number): void {
    for (const e of this.ptes) if (e.present.test(s) && e.pfn.get(s) === p) e.w.set(s, 0);
  }

  // --- swap (mm/swap_state.c, mm/swapfile.c) -----------------------------------

  /** The slot of the swap entry process q's PTE at v holds, or -1 (present, none, or no swap in the scenario). */
  swapEntry(s: Uint32Array, q: number, v: number): number {
    const f = this.pr[q]!.vma[v]!.swp;
    return f === undefined ? -1 : f.get(s) - 1;
  }
  /** The slot whose swap cache holds page p (PG_swapcache, folio->swap), or -1. */
  swapSlotOf(s: Uint32Array, p: number): number {
    const f = this.swapcache[p];
    return f === undefined ? -1 : f.get(s) - 1;
  }
  /** lookup_swap_cache / swap_cache_get_folio: the page in the swap cache for slot x, or -1. */
  swapCachePage(s: Uint32Array, x: number): number {
    for (let p = 0; p < this.NP; p++) if (this.swapSlotOf(s, p) === x) return p;
    return -1;
  }
  /** page_swapcount / folio_swapped: the swap PTEs of page p's slot (0 outside the swap cache). */
  pageSwapCount(s: Uint32Array, p: number): number {
    const x = this.swapSlotOf(s, p);
    return x < 0 ? 0 : this.sw[x]!.count.get(s);
  }
  /** get_swap_page / folio_alloc_swap: a slot no swap PTE and no cached page uses, or -1 (the device is full). */
  allocSwapSlot(s: Uint32Array): number {
    for (let x = 0; x < this.sw.length; x++) if (this.sw[x]!.count.get(s) === 0 && this.swapCachePage(s, x) < 0) return x;
    return -1;
  }
  /** add_to_swap: the page enters the swap cache under slot x (a reference) and is marked dirty, to be written. */
  addToSwapCache(s: Uint32Array, p: number, x: number): void {
    this.swapcache[p]!.set(s, x + 1);
    this.getPage(s, p, 1);
    this.pg[p]!.PG_dirty.set(s, 1);
  }
  /** delete_from_swap_cache: the swap cache's reference goes (the page is freed if it was the last). */
  deleteFromSwapCache(s: Uint32Array, p: number): void {
    this.swapcache[p]!.set(s, 0);
    this.putPage(s, p, 1);
  }
  /**
   * try_to_free_swap / folio_free_swap: drop page p from the swap cache if
   * it is there, not under writeback, and no swap PTE still needs the slot;
   * the page is then dirty (its only copy is in memory). True if dropped.
   */
  tryToFreeSwap(s: Uint32Array, p: number): boolean {
    if (this.swapSlotOf(s, p) < 0 || this.pg[p]!.PG_writeback.test(s) || this.pageSwapCount(s, p) !== 0) return false;
    this.pg[p]!.PG_dirty.set(s, 1);
    this.deleteFromSwapCache(s, p);
    return true;
  }
  /** swap_writepage, completed at once: the slot holds the page's contents; the page is clean. */
  swapWritepage(s: Uint32Array, p: number): void {
    const x = this.swapSlotOf(s, p);
    const g = this.pg[p]!;
    this.sw[x]!.data.set(s, g.data.get(s));
    this.sw[x]!.writtenBy.set(s, g.writtenBy.get(s));
    g.PG_dirty.set(s, 0);
  }
  /**
   * try_to_unmap_one on an anonymous page in the swap cache: every PTE
   * becomes a swap entry (swap_duplicate: the slot counts it), a dirty PTE
   * dirties the page, mapcount and refcount drop; with `exclusive` the swap
   * PTE keeps PageAnonExclusive (pte_swp_mkexclusive, 5.19+), which the page
   * loses (page_try_share_anon_rmap).
   */
  unmapToSwap(s: Uint32Array, p: number, exclusive: boolean): void {
    const x = this.swapSlotOf(s, p);
    const g = this.pg[p]!;
    for (const e of this.ptes) {
      if (!e.present.test(s) || e.pfn.get(s) !== p) continue;
      if (e.d.test(s)) g.PG_dirty.set(s, 1);
      e.present.set(s, 0);
      e.pfn.set(s, 0);
      e.w.set(s, 0);
      e.d.set(s, 0);
      e.swp!.set(s, x + 1);
      e.swpExclusive!.setBool(s, exclusive);
      this.sw[x]!.count.set(s, this.sw[x]!.count.get(s) + 1);
      g.map.set(s, g.map.get(s) - 1);
      this.putPage(s, p, 1);
    }
    g.PG_anon_exclusive.set(s, 0);
  }
  /**
   * A swap PTE goes (zap_pte_range → free_swap_and_cache): the slot loses
   * one count; the last one also drops an unmapped, unlocked page from the
   * swap cache (__try_to_reclaim_swap's trylock).
   */
  freeSwapEntry(s: Uint32Array, q: number, v: number, x: number): void {
    const e = this.pr[q]!.vma[v]!;
    e.swp!.set(s, 0);
    e.swp_exclusive!.set(s, 0);
    this.swapFree(s, x);
    if (this.sw[x]!.count.get(s) !== 0) return;
    const p = this.swapCachePage(s, x);
    if (p >= 0 && !this.locked(s, p) && this.pg[p]!.map.get(s) === 0) this.tryToFreeSwap(s, p);
  }
  /** __remove_mapping's success for a swap-cache page (the refcount froze at isolation + swap cache): out of the swap cache, freed. */
  removeFromSwapCacheAndFree(s: Uint32Array, p: number): void {
    const g = this.pg[p]!;
    this.swapcache[p]!.set(s, 0);
    g.PG_locked.set(s, OWNER.none);
    g.isolated.set(s, 0);
    g.ref.set(s, 0);
    this.freePage(s, p);
  }
  /** swap_free: one swap PTE fewer holds slot x's entry. */
  swapFree(s: Uint32Array, x: number): void {
    this.sw[x]!.count.set(s, this.sw[x]!.count.get(s) - 1);
  }
  /** read_swap_cache_async: a new page with slot x's contents, in the swap cache (clean: it matches the slot). */
  swapInPage(s: Uint32Array, x: number): number {
    const c = this.allocPage(s);
    const n = this.pg[c]!;
    n.mapping.set(s, MAPPING.anon);
    n.PG_lru.set(s, 1);
    n.data.set(s, this.sw[x]!.data.get(s));
    n.writtenBy.set(s, this.sw[x]!.writtenBy.get(s));
    this.swapcache[c]!.set(s, x + 1);
    this.getPage(s, c, 1);
    return c;
  }

  // --- migration (mm/migrate.c) ----------------------------------------------------

  /** Does page p lie in the movable block (ZONE_MOVABLE: not long-term pinnable)? */
  isMovable(p: number): boolean {
    return this.sh.pages[p]!.movable;
  }
  /**
   * The references an anonymous page p may have for migrate_pages to move it:
   * its PTEs (try_to_migrate turns them into migration entries), the swap
   * cache, and the migration's own isolation (folio_expected_refs + the
   * caller's); anything more — a GUP reference, a pin — and
   * folio_migrate_mapping fails with -EAGAIN.
   */
  migrationExpectedRefs(s: Uint32Array, p: number): number {
    const g = this.pg[p]!;
    return g.map.get(s) + (this.swapSlotOf(s, p) >= 0 ? 1 : 0) + (g.isolated.test(s) ? 1 : 0);
  }
  /**
   * migrate_pages for anonymous page p, done at once (its steps run under
   * the page lock and the page-table locks: try_to_migrate, the refcount
   * check, copy, remove_migration_ptes): if p has no reference beyond the
   * expected ones, a new page outside the movable block takes its contents,
   * flags, swap-cache entry and every PTE, and p is freed; true. Else
   * nothing changes (the migration entries are restored); false.
   */
  migrateAnonPage(s: Uint32Array, p: number): boolean {
    const o = this.pg[p]!;
    if (o.ref.get(s) !== this.migrationExpectedRefs(s, p)) return false;
    // unmap_and_move: page_count 1 — "page was freed from under us": nothing to move, the isolation's put frees it.
    if (o.isolated.test(s) && o.ref.get(s) === 1) {
      o.isolated.set(s, 0);
      this.putPage(s, p, 1);
      return true;
    }
    const c = this.allocPage(s);
    const n = this.pg[c]!;
    n.mapping.set(s, MAPPING.anon);
    n.PG_lru.set(s, 1);
    n.PG_dirty.set(s, o.PG_dirty.get(s));
    n.PG_anon_exclusive.set(s, o.PG_anon_exclusive.get(s));
    n.data.set(s, o.data.get(s));
    n.writtenBy.set(s, o.writtenBy.get(s));
    const x = this.swapSlotOf(s, p);
    if (x >= 0) {
      this.swapcache[c]!.set(s, x + 1);
      this.getPage(s, c, 1);
    }
    for (const e of this.ptes) {
      if (!e.present.test(s) || e.pfn.get(s) !== p) continue;
      e.pfn.set(s, c);
      n.map.set(s, n.map.get(s) + 1);
      this.getPage(s, c, 1);
    }
    // The old page: its PTEs, swap-cache entry and isolation are gone with it.
    o.ref.set(s, 0);
    o.map.set(s, 0);
    this.freePage(s, p);
    if (this.isMovable(p)) this.root.migrated?.set(s, 1);
    return true;
  }

  // --- the device and user writes --------------------------------------------

  /** New contents in page p, written on behalf of process q (for the fork leak ghost). */
  writeData(s: Uint32Array, p: number, q: number): void {
    const g = this.pg[p]!;
    g.data.set(s, g.data.get(s) + 1);
    if (this.root.forked.test(s) && g.mapping.get(s) === MAPPING.anon) g.writtenBy.set(s, q + 1);
  }

  /** The write that just gave page p its data has completed for its writer (fsync's durability ghost). */
  writeCompleted(s: Uint32Array, p: number): void {
    const c = this.fsyncCompleted[p];
    if (c !== undefined) c.set(s, Math.max(c.get(s), this.pg[p]!.data.get(s)));
  }
  /** Holder hi's device wrote page p through a short-term pin: complete only at its release. */
  dmaWritten(s: Uint32Array, hi: number, p: number): void {
    const d = this.fsyncDma[hi];
    if (d !== undefined && this.fsyncCompleted[p] !== undefined) d.set(s, this.pg[p]!.data.get(s));
  }
  /** Holder hi released page p: its DMA, if any, has completed. */
  dmaCompletedAtRelease(s: Uint32Array, hi: number, p: number): void {
    const d = this.fsyncDma[hi];
    const c = this.fsyncCompleted[p];
    if (d === undefined || c === undefined || d.get(s) === 0) return;
    c.set(s, Math.max(c.get(s), d.get(s)));
    d.set(s, 0);
  }
}

function extraField(rec: object, name: string, where: string): Field {
  const f = (rec as Record<string, unknown>)[name];
  if (f === undefined || typeof (f as Field).get !== 'function') throw new ExtraStateError(`${where} has no field '${name}' (declare it in the proposal's state)`);
  return f as Field;
}
