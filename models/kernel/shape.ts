// From a decoded scenario to the fixed shape of the model: page slots,
// processes (with the fork child's slot), their VMAs, holders, actors, bounds.
// The shape is the scenario's geometry; how each holder's references are
// counted and released is the kernel's (or proposal's) decision, settled
// through the hooks once they exist (settleHolders).

import type { KernelHooks } from './hooks.js';
import { isHolderGroup, type Release, type Scenario } from './scenario.js';

/** 'zero' is the shared ZERO_PAGE (a reserved page: the kernel's own reference never goes). */
export type PageKind = 'file' | 'anon' | 'zero' | 'hugezero' | 'spare';

export interface PageSlot {
  readonly id: string;
  readonly kind: PageKind;
  /** File pages: ext4-like (buffer heads, ->writepage) or tmpfs (no buffers, no writeback). */
  readonly fs: 'ext4' | 'tmpfs' | null;
  /** An anonymous page swapped out before the scenario starts (MADV_PAGEOUT): no page yet, its PTE a swap entry. */
  readonly swapped: boolean;
  /** In the ZONE_MOVABLE block being offlined: not long-term pinnable; no new page is allocated here. */
  readonly movable: boolean;
  /**
   * A subpage of a THP (a large anonymous folio of two subpages): the head's
   * slot (a page of no THP: its own slot). Folio-wide state (the refcount,
   * the pin count, the page flags, the mapping) is the head's.
   */
  readonly folio: number;
  /** A THP head: the tail's slot; else -1. */
  readonly tail: number;
  /** An earlier fork shared it with a child that has exited (from 5.19 not PageAnonExclusive at the start). */
  readonly forkedBefore: boolean;
  /** A THP head: mapped by a PMD or by PTEs at the start; else null. */
  readonly thp: 'pmd' | 'pte' | null;
}

export interface Vma {
  /** File VMA: the file page slot (= file offset). Anon VMA: the page mapped at the start. */
  readonly page: number;
  readonly file: boolean;
  readonly shared: boolean;
  readonly writable: boolean;
  readonly present: boolean;
  readonly store: boolean;
  /** The process reads the page once (a read fault if the PTE is not present). */
  readonly load: boolean;
  readonly munmap: boolean;
  /** Another thread may madvise(MADV_DONTNEED) the page. */
  readonly dontneed: boolean;
  /** vma_needs_dirty_tracking: a shared, writable mapping of a buffer-head file. */
  readonly dirtyTracked: boolean;
  /** MADV_DONTFORK (VM_DONTCOPY): fork does not copy the VMA. */
  readonly dontfork: boolean;
  /** The process mprotect()s the page R/O and back R/W, once. */
  readonly mprotect: boolean;
  /** The process clears soft-dirty bits (/proc/self/clear_refs), once. */
  readonly clearSoftDirty: boolean;
  /** An anonymous VMA whose PTE maps the shared zero page at the start. */
  readonly zeropage: boolean;
  /**
   * The address lies in a THP's range (one PMD's worth: the head's and the
   * tail's VMA entries of the same process): their indices; else null.
   */
  readonly thp: { readonly head: number; readonly tail: number } | null;
}

export interface Proc {
  readonly id: string;
  readonly vmas: readonly Vma[];
  /** The fork child: not alive until fork() runs. */
  readonly child: boolean;
}

export interface HolderSpec {
  readonly id: string;
  readonly proc: number;
  readonly va: number;
  /** FOLL_GET or FOLL_PIN: as the scenario says, or, for a direct-I/O bio holder, as the kernel's direct I/O does (hooks.dioGupKind). */
  readonly kind: 'GET' | 'PIN';
  readonly write: boolean;
  readonly longterm: boolean;
  readonly fast: boolean;
  /** FOLL_FORCE (a write through a read-only private mapping: /proc/PID/mem). */
  readonly force: boolean;
  /** The GUP ran before the scenario: the holder holds its page at the start. */
  readonly held: boolean;
  /** The release call: the scenario's, else the kernel's default for the kind (hooks.defaultRelease). */
  readonly release: Release;
  /** Refcount this holder's GUP reference adds (hooks.gupRefIncrement: BIAS for a pin where pins are biased, else 1). */
  readonly inc: number;
  /** Refcount it adds when the page is the shared zero page (hooks.gupZeroPageRef: 0 where pinning it is a no-op). */
  readonly zeroInc: number;
  /** Refcount it adds on a subpage of a THP (1 for a pin where large folios count pins apart: hooks.largeFolioPincount). */
  readonly largeInc: number;
  /** A direct-I/O bio with ZERO_PAGE, or with a second iovec in the same page. */
  readonly bio: 'zero-page' | 'same-page' | null;
  /** The page slot of the bio's second page (the zero page, or the holder's own page), or -1. */
  readonly bioPage: number;
  /** Refcount the bio's second page holds until completion (hooks.bioZeroPageRef; 0 for a no-op pin of the zero page, or a merged duplicate). */
  readonly bioInc: number;
  /** The scenario's own kind and release, before the kernel settles them (settleHolders). */
  readonly declared: { readonly kind: 'GET' | 'PIN'; readonly release?: Release };
}

export interface Shape {
  readonly scenario: Scenario;
  readonly pages: readonly PageSlot[];
  readonly procs: readonly Proc[];
  readonly holders: readonly HolderSpec[];
  readonly flusher: boolean;
  /** kswapd reclaims file pages (shrink_page_list over the page cache). */
  readonly reclaim: boolean;
  /** kswapd also reclaims anonymous pages through the swap cache (the swap actor). */
  readonly swap: boolean;
  /**
   * The swap device's slots (swap entries), where swap exists at all (the
   * swap actor or a page swapped out at the start); else none, and the
   * state has no swap fields.
   */
  readonly swapSlots: readonly string[];
  readonly truncate: boolean;
  /** Memory offlining of the movable block (offline_pages). */
  readonly offline: boolean;
  /** Compaction (kcompactd) migrates anonymous pages. */
  readonly compaction: boolean;
  /** khugepaged collapses the THP range (into the free huge page `hpage`). */
  readonly collapse: boolean;
  /** Some page lies in the movable block. */
  readonly anyMovable: boolean;
  /** An fsync(2) of the file: data-integrity writeback (WB_SYNC_ALL), then wait. */
  readonly fsync: boolean;
  /** The filesystem's device needs stable pages during writeback (SB_I_STABLE_WRITES). */
  readonly stableWrites: boolean;
  /** Index of the process that forks, or -1. */
  readonly forkParent: number;
  /** Index of the fork child (not alive until fork runs), or -1. */
  readonly forkChild: number;
  readonly bias: number;
  readonly refMax: number;
  readonly dataMax: number;
  /** Index of the first page slot of each kind. */
  readonly fileSlots: readonly number[];
  /** The ZERO_PAGE slot, or -1. */
  readonly zeroSlot: number;
  /** The huge zero page's head slot (its tail is pages[head].tail), or -1: a THP range that starts on it (read, never written). */
  readonly hugeZeroSlot: number;
  /** Some VMA is mprotect()ed / has its soft-dirty bits cleared (the PTEs then carry a field for it). */
  readonly anyMprotect: boolean;
  readonly anySoftDirty: boolean;
  /** Some mapping has a load (the PTEs then carry a field for it). */
  readonly anyLoad: boolean;
  /** Some mapping may be MADV_DONTNEED'd (the holders then carry a ghost for it). */
  readonly anyDontneed: boolean;
  /** THP head slots (empty: the scenario has no THP, and the state no THP fields). */
  readonly thpHeads: readonly number[];
  /** Groups of interchangeable file pages with their VMAs and holders (symmetry reduction). */
  readonly symmetry: readonly SymmetryGroup[];
  /** Groups of interchangeable holders of one page (indices into holders). */
  readonly holderSymmetry: readonly (readonly number[])[];
}

/** One group of interchangeable pages; member i is pages[i] with its VMA in each process and its holders. */
export interface SymmetryGroup {
  readonly pages: readonly number[];
  /** vmas[i][q]: the VMA of process q mapping member i, or -1. */
  readonly vmas: readonly (readonly number[])[];
  /** holders[i]: the holders of member i, in scenario order. */
  readonly holders: readonly (readonly number[])[];
}

export function shapeOf(scenario: Scenario): Shape {
  const files = scenario.pages.filter((p) => p.kind === 'file');
  const anons = scenario.pages.filter((p) => p.kind === 'anon');
  const child = scenario.processes.find((p) => p.childOf !== undefined);
  const privateMappings = scenario.processes.filter((p) => p.childOf === undefined).flatMap((p) => p.mappings).filter((m) => m.shared !== true).length;
  // A COW copy per private mapping, one per anonymous page for the fork child's copy, and one per
  // anonymous page that swap-in may have to read back while the old page is still pinned in the swap cache.
  const swapping = scenario.actors?.swap === true || anons.some((p) => p.swapped === true);
  // (With swap a private file mapping's COW copy can be pinned in the swap cache and need a second one.)
  // And one per movable page, for its migration target (the movable block's own slots are never reused),
  // and one for compaction's target.
  const movables = anons.filter((p) => p.movable === true).length;
  const swapCopies = swapping ? anons.length + (scenario.actors?.swap === true ? privateMappings - anons.length : 0) : 0;
  // (A THP's subpages are copied one by one: before 5.8 both at the first write, later each at its own fault, a pinned one at fork too.)
  const thps = anons.filter((p) => p.thp !== undefined).length;
  const spares = scenario.bounds?.spares ?? Math.min(thps > 0 ? 6 : 4, 2 * thps + privateMappings + (child !== undefined ? anons.length : 0) + swapCopies + movables + (scenario.actors?.compaction === true ? 1 : 0));
  const allMappings = scenario.processes.flatMap((p) => p.mappings);
  const anonIds = new Set(anons.map((p) => p.id));
  // The shared zero page: a bio's zero-fill, or an anonymous PTE that maps it (a read fault on
  // a PTE that is not there: at the start, or after MADV_DONTNEED).
  // The huge zero page (two subpages, like the model's THP): a THP range that starts on it; splitting its PMD maps the small one.
  const thpHeadIds = new Set(anons.filter((p) => p.thp !== undefined).map((p) => p.id));
  const hugeZero = allMappings.some((m) => thpHeadIds.has(m.page) && m.zeropage === true);
  const zero = hugeZero || scenario.holders.some((h) => h.bio === 'zero-page') ||
    allMappings.some((m) => anonIds.has(m.page) && (m.zeropage === true || m.dontneed === true));
  const small = { folio: -1, tail: -1, thp: null, forkedBefore: false };
  const unplaced: PageSlot[] = [
    ...files.map((p) => ({ id: p.id, kind: 'file' as const, fs: p.fs ?? 'ext4', swapped: false, movable: false, ...small })),
    ...anons.map((p) => ({ id: p.id, kind: 'anon' as const, fs: null, swapped: p.swapped === true, movable: p.movable === true, ...small, thp: p.thp ?? null, forkedBefore: p.forkedBefore === true })),
    ...(zero ? [{ id: 'ZERO_PAGE', kind: 'zero' as const, fs: null, swapped: false, movable: false, ...small }] : []),
    ...(hugeZero ? ['HUGE_ZERO_PAGE', 'HUGE_ZERO_PAGE_tail'].map((id) => ({ id, kind: 'hugezero' as const, fs: null, swapped: false, movable: false, ...small })) : []),
    // khugepaged's new huge page (alloc_charge_hpage), free until the collapse takes it.
    ...(scenario.actors?.collapse === true ? ['hpage', 'hpage_tail'].map((id) => ({ id, kind: 'spare' as const, fs: null, swapped: false, movable: false, ...small })) : []),
    ...Array.from({ length: spares }, (_, i) => ({ id: `cow${i}`, kind: 'spare' as const, fs: null, swapped: false, movable: false, ...small })),
  ];
  const idx = (id: string) => unplaced.findIndex((p) => p.id === id);
  const pages: PageSlot[] = unplaced.map((p, i) => {
    const decl = anons.find((a) => a.id === p.id);
    const pair = p.kind === 'hugezero' || (p.kind === 'spare' && p.id.startsWith('hpage'));
    const head = decl?.tailOf !== undefined ? idx(decl.tailOf) : pair && p.id.endsWith('_tail') ? idx(p.id.slice(0, -'_tail'.length)) : i;
    const tail = decl?.thp !== undefined ? unplaced.findIndex((x) => anons.find((a) => a.id === x.id)?.tailOf === p.id) : pair && !p.id.endsWith('_tail') ? idx(`${p.id}_tail`) : -1;
    return { ...p, folio: head, tail };
  });
  const swap = scenario.actors?.swap === true;
  const anySwap = swap || anons.some((p) => p.swapped === true);
  const swapSlots = anySwap ? Array.from({ length: scenario.bounds?.swapSlots ?? Math.max(1, anons.length) }, (_, i) => `swap${i}`) : [];
  const slotOf = (id: string) => pages.findIndex((p) => p.id === id);
  const vmasOf = (ms: Scenario['processes'][number]['mappings']): Vma[] => ms.map((m) => {
    const page = slotOf(m.page);
    const slot = pages[page]!;
    const file = slot.kind === 'file';
    const shared = m.shared === true;
    const writable = m.writable !== false;
    return {
      page, file, shared, writable,
      present: m.present !== false,
      store: m.store === true,
      load: m.load === true,
      munmap: m.munmap === true,
      dontneed: m.dontneed === true,
      dirtyTracked: file && shared && writable && slot.fs === 'ext4',
      dontfork: m.dontfork === true,
      mprotect: m.mprotect === true,
      clearSoftDirty: m.clearSoftDirty === true,
      zeropage: m.zeropage === true,
      thp: null,
    };
  });
  // A THP's head and tail entries in one process know each other.
  const withThp = (vs: Vma[]): Vma[] => vs.map((v) => {
    const slot = pages[v.page]!;
    const head = slot.folio;
    if (pages[head]!.tail < 0) return v;
    const h = vs.findIndex((x) => x.page === head);
    const t = vs.findIndex((x) => x.page === pages[head]!.tail);
    return h < 0 || t < 0 ? v : { ...v, thp: { head: h, tail: t } };
  });
  const byId = new Map(scenario.processes.map((p) => [p.id, p]));
  const procs: Proc[] = scenario.processes.map((p) => {
    if (p.childOf === undefined) return { id: p.id, vmas: withThp(vmasOf(p.mappings)), child: false };
    // The child's address space is the parent's; its own entries only add stores and munmaps.
    const parent = withThp(vmasOf(byId.get(p.childOf)!.mappings));
    const own = byId.get(p.childOf)!.mappings.map((pm) => p.mappings.find((m) => m.page === pm.page));
    return {
      id: p.id, child: true,
      vmas: parent.map((v, i) => ({
        ...v, present: false, zeropage: false,
        store: own[i]?.store === true, load: own[i]?.load === true, munmap: own[i]?.munmap === true, dontneed: own[i]?.dontneed === true,
        mprotect: own[i]?.mprotect === true, clearSoftDirty: own[i]?.clearSoftDirty === true,
      })),
    };
  });
  const forkParent = child === undefined ? -1 : scenario.processes.findIndex((p) => p.id === child.childOf);
  const forkChild = child === undefined ? -1 : scenario.processes.indexOf(child);
  // Default BIAS above every structural reference (cache, buffers, one PTE per process,
  // each FOLL_GET, isolation), so only a scenario that asks for it sees false positives.
  const gets = scenario.holders.filter((h) => h.kind === 'GET').length;
  const bias = scenario.bounds?.bias ?? 2 + scenario.processes.length + gets + 2;
  const k_page = (h: HolderSpec) => procs[h.proc]!.vmas[h.va]!.page;
  const holders: HolderSpec[] = scenario.holders.map((h) => {
    const proc = procs.findIndex((p) => p.id === h.process);
    const space = procs[proc]!.child ? forkParent : proc;
    const va = scenario.processes[space]!.mappings.findIndex((m) => m.page === h.page);
    const bio = h.bio ?? null;
    const bioPage = bio === 'zero-page' ? slotOf('ZERO_PAGE') : bio === 'same-page' ? slotOf(h.page) : -1;
    // Settled by settleHolders once the hooks exist; until then the scenario's words.
    return {
      id: h.id, proc, va, kind: h.kind, write: h.write,
      longterm: h.longterm === true, fast: h.fast === true, force: h.force === true, held: h.held === true,
      release: h.release ?? (h.kind === 'PIN' ? 'unpin_user_page' : 'put_page'), inc: 1, zeroInc: 1, largeInc: 1,
      bio, bioPage, bioInc: 0,
      declared: { kind: h.kind, ...(h.release !== undefined ? { release: h.release } : {}) },
    };
  });
  // Refcount head-room: the page cache, every PTE, every holder at up to BIAS, a bio's second
  // page at up to BIAS, reclaim's isolation, a writeback bio's pin (if the kernel's bios pin), plus one.
  // (A THP's refcount also counts one PTE per subpage in each process.)
  const thpHeads = pages.flatMap((p, i) => (p.tail >= 0 ? [i] : []));
  const refNeed = 1 + procs.length * (thpHeads.length > 0 ? 2 : 1) + holders.reduce((a, h) => a + bias + (h.bio === null ? 0 : bias), 0) + 1 + 1 + bias;
  const refMax = scenario.bounds?.refMax ?? Math.min(255, refNeed);
  const writes = holders.filter((h) => h.write).length + procs.reduce((a, p) => a + p.vmas.filter((v) => v.store).length, 0);
  return {
    scenario, pages, procs, holders,
    flusher: scenario.actors?.flusher === true,
    reclaim: scenario.actors?.reclaim === true,
    swap, swapSlots,
    offline: scenario.actors?.offline === true,
    compaction: scenario.actors?.compaction === true,
    collapse: scenario.actors?.collapse === true,
    anyMovable: anons.some((p) => p.movable === true),
    truncate: scenario.actors?.truncate === true,
    fsync: scenario.actors?.fsync === true,
    stableWrites: scenario.stableWrites === true,
    forkParent, forkChild, bias, refMax,
    dataMax: Math.max(1, writes),
    fileSlots: pages.flatMap((p, i) => (p.kind === 'file' ? [i] : [])),
    zeroSlot: pages.findIndex((p) => p.kind === 'zero'),
    hugeZeroSlot: pages.findIndex((p) => p.id === 'HUGE_ZERO_PAGE'),
    anyMprotect: procs.some((p) => p.vmas.some((v) => v.mprotect)),
    anySoftDirty: procs.some((p) => p.vmas.some((v) => v.clearSoftDirty)),
    anyLoad: procs.some((p) => p.vmas.some((v) => v.load)),
    anyDontneed: procs.some((p) => p.vmas.some((v) => v.dontneed)),
    thpHeads,
    holderSymmetry: (scenario.symmetry ?? []).filter((group) => isHolderGroup(scenario, group)).map((group) => group.map((id) => holders.findIndex((h) => h.id === id))),
    symmetry: (scenario.symmetry ?? []).filter((group) => !isHolderGroup(scenario, group)).map((group) => ({
      pages: group.map(slotOf),
      vmas: group.map((id) => procs.map((pr) => pr.vmas.findIndex((v) => v.page === slotOf(id)))),
      holders: group.map((id) => holders.flatMap((h, i) => (k_page(h) === slotOf(id) ? [i] : []))),
    })),
  };
}

/**
 * Each holder's accounting as the kernel decides it: a direct-I/O bio
 * holder's GUP kind (get_user_pages before 6.5, pins where bios know pins),
 * the refcount its reference and its bio's zero page add, and its release
 * call where the scenario names none.
 */
export function settleHolders(sh: Shape, hooks: Pick<KernelHooks, 'dioGupKind' | 'gupRefIncrement' | 'gupZeroPageRef' | 'bioZeroPageRef' | 'defaultRelease' | 'largeFolioPincount'>): Shape {
  const holders = sh.holders.map((h): HolderSpec => {
    const kind = h.bio === null ? h.declared.kind : hooks.dioGupKind();
    const inc = hooks.gupRefIncrement(kind);
    return {
      ...h, kind, inc,
      zeroInc: hooks.gupZeroPageRef(kind, inc),
      largeInc: kind === 'PIN' && hooks.largeFolioPincount() ? 1 : inc,
      bioInc: h.bio === 'zero-page' ? hooks.bioZeroPageRef() : 0,
      release: h.declared.release ?? hooks.defaultRelease(kind, h.write),
    };
  });
  return { ...sh, holders };
}
