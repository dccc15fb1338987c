// Scenario files: which pages exist, who maps them and how, which GUP holders
// there are, which background actors run, and the bounds. Decoded with io-ts;
// every error names the JSON path. See models/scenarios/*.json.

import * as t from 'io-ts';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { readFileSync } from 'node:fs';
import { describeErrors, jsonPath, parseJson, pathSegment, show } from '../../src/io/decode.js';
import { didYouMean } from '../../src/io/suggest.js';
import { RESERVED_IDS } from './kernel.js';

/**
 * An object codec that also rejects keys it does not know (a typo is an
 * error, not a default), and carries what each field means: `docs` is the
 * one place a field is described (docs/scenarios.md is generated from it).
 */
export interface ObjectDoc {
  readonly name: string;
  readonly required: t.Props;
  readonly optional: t.Props;
  readonly docs: Readonly<Record<string, string>>;
}
export const OBJECT_DOCS = new Map<t.Decoder<unknown, unknown>, ObjectDoc>();

function strictObject<P extends t.Props, O extends t.Props>(name: string, required: P, optional: O, docs: { readonly [K in keyof P | keyof O]?: string } = {}) {
  const inner = t.intersection([t.type(required), t.partial(optional)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  const codec = new t.Type<t.TypeOf<typeof inner>, t.OutputOf<typeof inner>, unknown>(
    name,
    inner.is,
    (u, c) => {
      const at = jsonPath(c);
      if (typeof u !== 'object' || u === null || Array.isArray(u)) {
        return t.failure(u, c, `at ${at === '' ? '(top level)' : at}: expected a ${name} (an object), got ${show(u)}`);
      }
      for (const k of Object.keys(u)) {
        if (known.has(k)) continue;
        return t.failure(u, c, `at ${at}${pathSegment(k, at === '')}: unknown field (expected one of ${[...known].join(', ')})${didYouMean(k, [...known])}`);
      }
      return inner.validate(u, t.appendContext(c, '', inner));
    },
    inner.encode,
  );
  OBJECT_DOCS.set(codec, { name, required, optional, docs: docs as Record<string, string> });
  return codec;
}

export const Id = new t.Type<string, string, unknown>(
  'an identifier ([A-Za-z][A-Za-z0-9_-]*, at most 24 characters)',
  (u): u is string => typeof u === 'string',
  (u, c) => (typeof u === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,23}$/.test(u) ? t.success(u) : t.failure(u, c)),
  String,
);
const smallInt = (min: number, max: number) => new t.Type<number, number, unknown>(
  `an integer in ${min}..${max}`,
  (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max ? t.success(u) : t.failure(u, c)),
  Number,
);

/** How a holder gives its page back (what each does is in RELEASE_DOCS). */
export const ReleaseC = t.keyof({
  put_page: null,
  'set_page_dirty+put_page': null,
  'set_page_dirty_lock+put_page': null,
  put_user_page: null,
  put_user_pages_dirty_lock: null,
  unpin_user_page: null,
  unpin_user_pages_dirty_lock: null,
}, 'a release function');
export type Release = t.TypeOf<typeof ReleaseC>;
export const RELEASE_DOCS: Readonly<Record<Release, string>> = {
  put_page: 'put_page(): drop a plain reference (read-only GUP, or a driver that forgot to dirty).',
  'set_page_dirty+put_page': 'set_page_dirty() then put_page(), without the page lock (racy).',
  'set_page_dirty_lock+put_page': 'set_page_dirty_lock() then put_page(): what the pre-2019 GUP docs told callers to do.',
  put_user_page: 'put_user_page() (2019 step 1: same as put_page).',
  put_user_pages_dirty_lock: 'put_user_pages_dirty_lock() (2019 step 1: set_page_dirty_lock if !PageDirty, then put_user_page).',
  unpin_user_page: 'unpin_user_page(): drop a FOLL_PIN reference.',
  unpin_user_pages_dirty_lock: 'unpin_user_pages_dirty_lock(make_dirty=true): lock, folio_mark_dirty if clean, unlock, unpin.',
};

const PageC = strictObject('page', { id: Id, kind: t.keyof({ file: null, anon: null }, '"file" or "anon"') }, {
  fs: t.keyof({ ext4: null, tmpfs: null }, '"ext4" or "tmpfs"'),
  swapped: t.boolean,
  movable: t.boolean,
  forkedBefore: t.boolean,
  thp: t.keyof({ pmd: null, pte: null }, '"pmd" or "pte"'),
  tailOf: Id,
}, {
  id: 'The page\'s name, used by mappings, holders and traces.',
  kind: 'A page of a file (in the page cache) or an anonymous page.',
  fs: 'File pages: an ext4-like buffer-head filesystem (default) or tmpfs (no buffers, no writeback).',
  movable: 'Anonymous pages: the page lies in a ZONE_MOVABLE memory block (not long-term pinnable: from 5.13 a FOLL_LONGTERM pin migrates it out first, d1e153fea2a8), which the offline actor empties; new pages (COW copies, swap-ins, migration targets) come from other memory.',
  thp: 'Anonymous pages: the page is the head of a transparent huge page (a large anonymous folio, scaled down to two subpages: this page and the one whose "tailOf" names it), written by its process before the scenario starts (the memset after MADV_HUGEPAGE in cow.c\'s do_run_with_thp): "pmd" — mapped by one huge PMD (do_huge_pmd_anonymous_page); "pte" — its PMD already split into PTEs (cow.c\'s mprotect of one subpage and back: "PTE-mapped THP"). In a THP, munmap, dontneed, mprotect and clearSoftDirty given on the head\'s mapping act on the whole THP range; given on the tail\'s they act on the tail alone (splitting the PMD first, as a partial range does).',
  forkedBefore: 'Anonymous pages: an earlier fork() shared the page with a child that has exited since (cow.c\'s "partially shared THP" set-up: MADV_DONTFORK of all but the first subpage, fork(), the child exits, MADV_DOFORK): from 5.19 the page is no longer PageAnonExclusive (fork cleared the flag, and nothing sets it again before a write fault reuses the page); before 5.19 nothing remembers it.',
  tailOf: 'Anonymous pages: this page is the second subpage (the tail) of the THP whose head is named. Its process maps it next to the head; "present": false leaves it unmapped (MADV_DONTNEED of all but the first subpage: cow.c\'s "single PTE of THP"; a "pte" THP only).',
  swapped: 'Anonymous pages: the page was written and then swapped out before the scenario starts (madvise(MADV_PAGEOUT), as cow.c\'s "swapped out base page" does): its PTE holds a swap entry (exclusive where the release has the bit, 5.19+), its contents are in a swap slot, and no page is allocated until a fault reads it back (do_swap_page).',
});
const MappingC = strictObject('mapping', { page: Id }, {
  shared: t.boolean,
  writable: t.boolean,
  present: t.boolean,
  store: t.boolean,
  munmap: t.boolean,
  dontneed: t.boolean,
  dontfork: t.boolean,
  mprotect: t.boolean,
  clearSoftDirty: t.boolean,
  zeropage: t.boolean,
  load: t.boolean,
}, {
  page: 'The page this mapping maps at the start (a VMA of one page).',
  shared: 'MAP_SHARED (file pages only); default false (MAP_PRIVATE).',
  writable: 'PROT_WRITE; default true.',
  present: 'The PTE is populated at the start; default true.',
  store: 'The process stores to the page once (a user write through its PTE).',
  munmap: 'The process may munmap the page (zap its PTE).',
  dontneed: 'Another thread of the process calls madvise(MADV_DONTNEED) on the page (zap_page_range: the PTE goes, the VMA stays), as often as it likes.',
  dontfork: 'madvise(MADV_DONTFORK) before fork (VM_DONTCOPY): dup_mmap skips the VMA, the child has no mapping there.',
  mprotect: 'The process calls mprotect(PROT_READ) and then mprotect(PROT_READ|PROT_WRITE) on the page, once (change_pte_range write-protects the PTE; whether the second call maps it writable again is the kernel\'s rule). Private mappings.',
  clearSoftDirty: 'The process writes 4 to /proc/self/clear_refs once (clear_soft_dirty: the PTE is write-protected and soft-dirty tracking armed). Private mappings.',
  load: 'The process reads the page once: a read fault where the PTE is not present (do_swap_page maps a swapped-out page read-only, filemap_fault a file page, do_anonymous_page the zero page), else nothing.',
  zeropage: 'An anonymous page the process has only read so far: the PTE maps the shared zero page (do_anonymous_page without FAULT_FLAG_WRITE); the page is allocated by the first write or unshare.',
});
const ProcessC = strictObject('process', { id: Id, mappings: t.array(MappingC) }, {
  childOf: Id,
}, {
  id: 'The process\'s name.',
  mappings: 'Its mappings, one page each.',
  childOf: 'This process is the child of fork() of the named process. Its address space is the parent\'s (copy_page_range); its own mappings entries only say which of those pages the child stores to or munmaps.',
});
const HolderC = strictObject('holder', {
  id: Id,
  process: Id,
  page: Id,
  kind: t.keyof({ GET: null, PIN: null }, '"GET" or "PIN"'),
  write: t.boolean,
}, {
  longterm: t.boolean,
  fast: t.boolean,
  held: t.boolean,
  force: t.boolean,
  release: ReleaseC,
  bio: t.keyof({ 'zero-page': null, 'same-page': null }, '"zero-page" or "same-page"'),
}, {
  id: 'The holder\'s name (the driver, the syscall), the actor of its steps in traces.',
  process: 'Whose address space GUP walks.',
  page: 'The mapping (named by the page it maps at the start) that GUP walks.',
  kind: 'FOLL_GET (get_user_pages: a plain reference) or FOLL_PIN (pin_user_pages; before 5.6 a FOLL_PIN user called get_user_pages).',
  write: 'FOLL_WRITE: the device (or the kernel) writes the page.',
  longterm: 'FOLL_LONGTERM (an RDMA region, an io_uring fixed buffer): the pin lives as long as the application likes; liveness never forces its release.',
  fast: 'get_user_pages_fast / pin_user_pages_fast: lockless grab, then recheck.',
  held: 'The GUP already ran before the scenario starts: the holder holds the page its PTE maps at the start (the order cow.c and the bug reports set up: pin, then the rest); its release is still a step.',
  force: 'FOLL_FORCE: a write through a read-only private mapping, as /proc/PID/mem and ptrace(PTRACE_POKEDATA) do (access_process_vm); the write goes to a COW copy — the Dirty COW setting.',
  release: 'How the holder releases; defaults by kind and write (one of the release functions below).',
  bio: 'The holder is a direct-I/O write whose bio holds more than its GUP\'d page, released at bio completion: "zero-page": the legacy DIO zero-fill adds ZERO_PAGE; "same-page": a second iovec in the same page is GUP\'d again and merged into the first bvec. Its kind is the era\'s: FOLL_PIN where bios know pins (the bio proposals, 6.5+), FOLL_GET before (direct I/O used get_user_pages until 6.5).',
});
const ActorsC = strictObject('actors', {}, {
  flusher: t.boolean,
  reclaim: t.boolean,
  truncate: t.boolean,
  fsync: t.boolean,
  swap: t.boolean,
  offline: t.boolean,
  compaction: t.boolean,
  collapse: t.boolean,
}, {
  flusher: 'The flusher: write_cache_pages over dirty file pages.',
  reclaim: 'kswapd: shrink_page_list over file pages on the LRU.',
  truncate: 'truncate(2) of every file to 0 (truncate_inode_pages_range).',
  fsync: 'fsync(2) of the file: data-integrity writeback (file_write_and_wait_range: WB_SYNC_ALL over the pages tagged at its start, waiting for pages under writeback), then wait for the writes. Checks durability.',
  offline: 'Memory hot-unplug of the movable block (offline_pages → do_migrate_range): migrates every movable page out (isolate_lru_page, then migrate_pages: unmap, the refcount check, a new page, the PTEs remapped), retrying while one cannot move, until none is left; offline_pages returning is L.offline.',
  compaction: 'kcompactd migrates anonymous pages to other free pages, over and over (isolate_migratepages_block, which skips a page with more references than mappings, then migrate_pages with its refcount check): migration must never move a page under a GUP reference.',
  collapse: 'khugepaged collapses the THP\'s range into a new huge page, once, in a process that maps it by PTEs (collapse_huge_page: mmap_write_lock, pmdp_collapse_flush, __collapse_huge_page_isolate — every page\'s references must be its mappings — then __collapse_huge_page_copy, the old PTEs cleared and their pages put, and set_pmd_at of the new THP). MADV_COLLAPSE (6.1) runs the same code; khugepaged\'s max_ptes_none/swap/shared tunables are not applied. Needs one THP and a free huge page (the model adds one).',
  swap: 'kswapd also reclaims anonymous pages through a swap device: shrink_page_list → add_to_swap (the swap cache), try_to_unmap (swap PTEs), swap_writepage, __remove_mapping; faults on a swap PTE read the page back (do_swap_page).',
});
const BoundsC = strictObject('bounds', {}, {
  bias: smallInt(2, 16),
  refMax: smallInt(2, 255),
  spares: smallInt(0, 4),
  swapSlots: smallInt(1, 4),
}, {
  bias: 'Scaled GUP_PIN_COUNTING_BIAS (kernel: 1024).',
  refMax: 'Largest refcount the model can represent; past it the model reports field-range.',
  spares: 'Free pages available for COW copies.',
  swapSlots: 'Slots of the swap device (default: one per anonymous page). With every slot taken add_to_swap fails and reclaim keeps the page, as with a full swap device.',
});

export const ScenarioC = strictObject('scenario', {
  name: t.string,
  description: t.string,
  pages: t.array(PageC),
  processes: t.array(ProcessC),
  holders: t.array(HolderC),
}, {
  actors: ActorsC,
  bounds: BoundsC,
  symmetry: t.array(t.array(Id)),
  stableWrites: t.boolean,
}, {
  name: 'The scenario\'s name (shown in every report).',
  description: 'What it sets up, in a kernel developer\'s words, citing public sources.',
  pages: 'The pages (at most 6).',
  processes: 'The processes (at most 3, 4 mappings each).',
  holders: 'The GUP holders (at most 4).',
  actors: 'The background actors that run (default: none).',
  bounds: 'The model\'s scaled bounds.',
  symmetry: 'Groups of interchangeable file pages (same filesystem, mapped shared the same way by the same processes, each with holders alike), or of interchangeable holders (of one page, alike but for their names): the model may explore one representative per permutation of a group (symmetry reduction); truncate and fsync then visit a page group\'s pages in any order — with identical pages every order is index order after renaming.',
  stableWrites: 'The ext4 filesystem\'s device needs stable pages during writeback (SB_I_STABLE_WRITES: block integrity, data digests, RAID5 skip_copy): a write fault waits in folio_wait_stable() while the page is under writeback. Default false, like most disks.',
});
export type Scenario = t.TypeOf<typeof ScenarioC>;

/** Limits that keep a scenario inside what the packed state and 24 GiB can hold. */
export const LIMITS = { pages: 6, processes: 3, mappingsPerProcess: 4, holders: 4 } as const;

/** Cross-reference checks io-ts cannot express; Left is one line naming the path. */
export function validateScenario(s: Scenario): E.Either<string, Scenario> {
  const fail = (path: string, msg: string) => E.left(`at ${path}: ${msg}`);
  const seen = new Set<string>();
  const dup = (id: string) => { if (seen.has(id)) return true; seen.add(id); return false; };
  if (s.pages.length === 0) return fail('pages', 'a scenario needs at least one page');
  if (s.pages.length > LIMITS.pages) return fail('pages', `at most ${LIMITS.pages} pages`);
  if (s.processes.length === 0) return fail('processes', 'a scenario needs at least one process');
  if (s.processes.length > LIMITS.processes) return fail('processes', `at most ${LIMITS.processes} processes, a fork child included`);
  if (s.holders.length > LIMITS.holders) return fail('holders', `at most ${LIMITS.holders} holders`);
  const reserved = (id: string) => (RESERVED_IDS as readonly string[]).includes(id);
  for (const [i, p] of s.pages.entries()) if (reserved(p.id)) return fail(`pages[${i}].id`, `'${p.id}' is reserved for a background actor`);
  for (const [i, p] of s.processes.entries()) if (reserved(p.id)) return fail(`processes[${i}].id`, `'${p.id}' is reserved for a background actor`);
  for (const [i, h] of s.holders.entries()) if (reserved(h.id)) return fail(`holders[${i}].id`, `'${h.id}' is reserved for a background actor`);
  const pages = new Map(s.pages.map((p) => [p.id, p]));
  for (const [i, p] of s.pages.entries()) {
    if (dup(p.id)) return fail(`pages[${i}].id`, `'${p.id}' is used twice`);
    if (p.id === 'ZERO_PAGE') return fail(`pages[${i}].id`, "'ZERO_PAGE' is reserved for the shared zero page");
    if (p.id.startsWith('HUGE_ZERO_PAGE')) return fail(`pages[${i}].id`, `'${p.id}' is reserved for the huge zero page`);
    if (p.kind === 'anon' && p.fs !== undefined) return fail(`pages[${i}].fs`, 'only file pages have a filesystem');
    if (p.swapped === true && p.kind !== 'anon') return fail(`pages[${i}].swapped`, 'only anonymous pages are swapped out (file pages are written back to their file)');
    if (p.movable === true && p.kind !== 'anon') return fail(`pages[${i}].movable`, 'the movable block is modelled for anonymous pages (a file page is the page cache\'s at its offset)');
    if (p.forkedBefore === true && (p.kind !== 'anon' || p.swapped === true)) return fail(`pages[${i}].forkedBefore`, 'only a mapped anonymous page was shared by an earlier fork');
    const huge = p.thp ?? s.pages.find((x) => x.id === p.tailOf)?.thp;
    if (p.forkedBefore === true && huge === 'pmd') return fail(`pages[${i}].forkedBefore`, 'a THP an earlier fork shared is PTE-mapped here: give its head "thp": "pte"');
    const thp = validateThpPage(s, p);
    if (thp !== undefined) return fail(`pages[${i}].${thp.field}`, thp.msg);
  }
  const children = s.processes.filter((p) => p.childOf !== undefined);
  if (children.length > 1) return fail('processes', 'at most one process may be a fork child');
  const anonOwner = new Map<string, string>();
  for (const [i, pr] of s.processes.entries()) {
    if (dup(pr.id)) return fail(`processes[${i}].id`, `'${pr.id}' is used twice`);
    if (pr.mappings.length > LIMITS.mappingsPerProcess) return fail(`processes[${i}].mappings`, `at most ${LIMITS.mappingsPerProcess} mappings`);
    const parent = pr.childOf === undefined ? undefined : s.processes.find((p) => p.id === pr.childOf);
    if (pr.childOf !== undefined) {
      if (parent === undefined || parent === pr) return fail(`processes[${i}].childOf`, `unknown parent process '${pr.childOf}'`);
      if (parent.childOf !== undefined) return fail(`processes[${i}].childOf`, 'a fork child cannot fork');
    }
    const mapped = new Set<string>();
    for (const [j, m] of pr.mappings.entries()) {
      const at = `processes[${i}].mappings[${j}]`;
      const pg = pages.get(m.page);
      if (pg === undefined) return fail(`${at}.page`, `unknown page '${m.page}'`);
      if (mapped.has(m.page)) return fail(`${at}.page`, `'${m.page}' is mapped twice by ${pr.id}`);
      mapped.add(m.page);
      if (parent !== undefined) {
        const pm = parent.mappings.find((x) => x.page === m.page);
        if (pm === undefined) return fail(`${at}.page`, `the child inherits its mappings: '${m.page}' is not mapped by ${parent.id}`);
        if (m.shared !== undefined || m.writable !== undefined || m.present !== undefined || m.zeropage !== undefined || m.dontfork !== undefined) {
          return fail(at, 'a fork child inherits shared/writable/present/zeropage/dontfork from its parent; give only store, load, munmap, dontneed, mprotect and clearSoftDirty');
        }
        if (pm.dontfork === true) return fail(`${at}.page`, `'${m.page}' is MADV_DONTFORK in ${parent.id}: the child has no mapping there`);
        if (m.store === true && pm.writable === false) return fail(`${at}.store`, 'a store needs a writable mapping');
        continue;
      }
      if (pg.kind === 'anon') {
        if (m.shared === true) return fail(`${at}.shared`, 'shared anonymous mappings are not modelled');
        if (m.present === false && !(pg.tailOf !== undefined && pages.get(pg.tailOf)?.thp === 'pte')) return fail(`${at}.present`, 'an anonymous page exists only while mapped (a page read but never written is "zeropage": true; the tail of a "pte" THP may be unmapped)');
        const owner = anonOwner.get(m.page);
        if (owner !== undefined) return fail(`${at}.page`, `anonymous page '${m.page}' is already mapped by ${owner}; share it with fork ("childOf")`);
        anonOwner.set(m.page, pr.id);
      }
      if (m.store === true && m.writable === false) return fail(`${at}.store`, 'a store needs a writable mapping');
      if (m.zeropage === true && pg.kind !== 'anon') return fail(`${at}.zeropage`, 'only an anonymous page can start as the shared zero page');
      if (m.zeropage === true && pg.swapped === true) return fail(`${at}.zeropage`, `'${m.page}' is swapped out, so it was written: it cannot also start as the zero page`);
      if (m.dontfork === true && !s.processes.some((c) => c.childOf === pr.id)) return fail(`${at}.dontfork`, `MADV_DONTFORK needs a fork child of ${pr.id}`);
    }
  }
  for (const [i, pr] of s.processes.entries()) {
    const parent = pr.childOf === undefined ? undefined : s.processes.find((p) => p.id === pr.childOf);
    for (const [j, m] of pr.mappings.entries()) {
      const at = `processes[${i}].mappings[${j}]`;
      const decl = parent === undefined ? m : parent.mappings.find((x) => x.page === m.page)!;
      for (const f of ['mprotect', 'clearSoftDirty'] as const) {
        if (m[f] !== true) continue;
        if (decl.shared === true) return fail(`${at}.${f}`, `${f} is modelled for private mappings`);
        if (decl.writable === false) return fail(`${at}.${f}`, `${f} is modelled for writable mappings (mprotect back to PROT_READ|PROT_WRITE)`);
      }
    }
  }
  const region = validateThpMappings(s);
  if (region !== undefined) return E.left(region);
  for (const p of s.pages) {
    if (p.kind === 'anon' && !anonOwner.has(p.id)) return fail('pages', `anonymous page '${p.id}' is not mapped by any process`);
  }
  if (s.actors?.offline === true && !s.pages.some((p) => p.movable === true)) return fail('actors.offline', 'memory offlining needs a page in the movable block ("movable": true on an anonymous page)');
  const swappedOut = s.pages.filter((p) => p.swapped === true).length;
  if (s.bounds?.swapSlots !== undefined && s.bounds.swapSlots < swappedOut) return fail('bounds.swapSlots', `${s.bounds.swapSlots} swap slots cannot hold the ${swappedOut} pages swapped out at the start`);
  for (const [i, h] of s.holders.entries()) {
    const at = `holders[${i}]`;
    if (dup(h.id)) return fail(`${at}.id`, `'${h.id}' is used twice`);
    const pr = s.processes.find((p) => p.id === h.process);
    if (pr === undefined) return fail(`${at}.process`, `unknown process '${h.process}'`);
    const space = pr.childOf === undefined ? pr : s.processes.find((p) => p.id === pr.childOf)!;
    if (!space.mappings.some((m) => m.page === h.page)) return fail(`${at}.page`, `process ${h.process} does not map '${h.page}'`);
    if (h.longterm === true && h.kind !== 'PIN') return fail(`${at}.longterm`, 'FOLL_LONGTERM requires FOLL_PIN (is_valid_gup_args)');
    if (h.force === true && (h.fast === true || h.bio !== undefined)) return fail(`${at}.force`, 'FOLL_FORCE is for the slow path (access_process_vm): not with fast or bio');
    if (h.force === true && !h.write) return fail(`${at}.force`, 'FOLL_FORCE is modelled for writes (a forced read changes nothing here)');
    if (h.held === true) {
      if (h.bio !== undefined) return fail(`${at}.held`, 'a bio holder\'s GUP is part of its I/O: it cannot have run before the scenario');
      if (pr.childOf !== undefined) return fail(`${at}.held`, 'a fork child does not exist before the scenario starts');
      const m = pr.mappings.find((x) => x.page === h.page)!;
      const pg = s.pages.find((x) => x.id === h.page)!;
      if (m.present === false || m.zeropage === true || pg.swapped === true) return fail(`${at}.held`, `'${h.page}' is not mapped by a present PTE of its own page at the start, so there is nothing to have pinned`);
    }
    if (h.bio !== undefined) {
      if (h.write) return fail(`${at}.bio`, 'a bio holder is a direct-I/O write: its GUP is read-only (write: false)');
      if (h.release !== undefined) return fail(`${at}.release`, 'a bio holder is released by bio completion (bio_release_pages), not by a release function');
    }
    const rel = h.release;
    if (rel !== undefined) {
      const dirtying = rel !== 'put_page' && rel !== 'put_user_page' && rel !== 'unpin_user_page';
      if (dirtying && !h.write) return fail(`${at}.release`, `${rel} dirties the page, but the holder is read-only`);
    }
  }
  // The initial state must fit the refcount bound (else building the model fails, not the search).
  const refMax = s.bounds?.refMax;
  if (refMax !== undefined) {
    for (const p of s.pages) {
      const ptes = s.processes.filter((pr) => pr.childOf === undefined)
        .reduce((n, pr) => n + pr.mappings.filter((m) => m.page === p.id && m.present !== false).length, 0);
      const need = (p.kind === 'file' ? 1 + ((p.fs ?? 'ext4') === 'ext4' ? 1 : 0) : 0) + ptes;
      if (need > refMax) return fail('bounds.refMax', `${refMax} is below the initial refcount of page '${p.id}' (${need}: page cache, buffers and PTEs)`);
    }
  }
  // last: whether pages are alike is only worth asking of a scenario that is otherwise sound
  const sym = validateSymmetry(s);
  if (sym !== undefined) return E.left(sym);
  return E.right(s);
}

/** A THP head or tail page's own fields: the field at fault and why, or undefined. */
function validateThpPage(s: Scenario, p: Scenario['pages'][number]): { field: string; msg: string } | undefined {
  if (p.thp !== undefined) {
    if (p.kind !== 'anon') return { field: 'thp', msg: 'only anonymous THPs are modelled (no file or shmem large folios)' };
    if (p.tailOf !== undefined) return { field: 'thp', msg: 'a page is a THP\'s head or its tail, not both' };
    if (p.swapped === true || p.movable === true) return { field: 'thp', msg: 'a THP that is swapped out or in the movable block is not modelled (THP swap and migration of large folios are not)' };
    const tails = s.pages.filter((x) => x.tailOf === p.id);
    if (tails.length !== 1) return { field: 'thp', msg: `the model's THP has two subpages: exactly one page must name '${p.id}' in "tailOf" (${tails.length} do)` };
  }
  if (p.tailOf !== undefined) {
    if (p.kind !== 'anon') return { field: 'tailOf', msg: 'only anonymous THPs are modelled' };
    const head = s.pages.find((x) => x.id === p.tailOf);
    if (head === undefined) return { field: 'tailOf', msg: `unknown page '${p.tailOf}'` };
    if (head.thp === undefined) return { field: 'tailOf', msg: `'${p.tailOf}' is not a THP head (it has no "thp")` };
    if (p.swapped === true || p.movable === true) return { field: 'tailOf', msg: 'a tail subpage is swapped and placed with its head: give neither "swapped" nor "movable"' };
  }
  return undefined;
}

/** A THP's mappings: its process maps head and tail alike, and nothing this model lacks for large folios runs. */
function validateThpMappings(s: Scenario): string | undefined {
  const heads = s.pages.filter((p) => p.thp !== undefined);
  if (s.actors?.collapse === true && heads.filter((p) => !s.processes.some((pr) => pr.mappings.some((m) => m.page === p.id && m.zeropage === true))).length !== 1) {
    return 'at actors.collapse: khugepaged collapses one THP\'s range: the scenario needs exactly one THP (not on the huge zero page)';
  }
  if (heads.length === 0) return undefined;
  for (const [name, on] of [['swap', s.actors?.swap], ['offline', s.actors?.offline], ['compaction', s.actors?.compaction]] as const) {
    if (on === true) return `at actors.${name}: a scenario with a THP cannot have the ${name} actor yet (reclaim, swap and migration of large folios are not modelled)`;
  }
  for (const head of heads) {
    const tail = s.pages.find((p) => p.tailOf === head.id)!;
    const owner = s.processes.find((pr) => pr.childOf === undefined && pr.mappings.some((m) => m.page === head.id));
    if (owner === undefined) continue; // (reported below: a page no process maps)
    const i = s.processes.indexOf(owner);
    const hm = owner.mappings.find((m) => m.page === head.id)!;
    const tm = owner.mappings.find((m) => m.page === tail.id);
    if (tm === undefined) return `at processes[${i}].mappings: ${owner.id} maps THP head '${head.id}' but not its tail '${tail.id}' (a THP is mapped whole)`;
    const j = owner.mappings.indexOf(tm);
    // A THP range only read so far maps the huge zero page by one PMD (do_huge_pmd_anonymous_page: set_huge_zero_page).
    if ((hm.zeropage === true) !== (tm.zeropage === true)) return `at processes[${i}].mappings[${j}].zeropage: a THP range maps the huge zero page whole or not at all: give both subpages the same "zeropage"`;
    if (hm.zeropage === true && head.thp !== 'pmd') return `at processes[${i}].mappings[${j}].zeropage: the huge zero page is mapped by a PMD ("thp": "pmd"); a PTE-mapped range of zero pages is small zero pages`;
    if ((hm.writable !== false) !== (tm.writable !== false)) return `at processes[${i}].mappings[${j}].writable: head and tail of a THP lie in one VMA: give both the same protection`;
    if (head.thp === 'pmd' && tm.present === false) return `at processes[${i}].mappings[${j}].present: a PMD maps every subpage of its THP ("thp": "pte" for a THP whose tail was zapped)`;
    for (const [pi, pr] of s.processes.entries()) {
      const ti = pr.mappings.findIndex((m) => m.page === tail.id);
      if (ti >= 0 && pr.mappings[ti]!.clearSoftDirty === true) return `at processes[${pi}].mappings[${ti}].clearSoftDirty: clear_refs is process-wide: give it on the THP head's mapping`;
    }
    if (head.thp === 'pmd' && (hm.dontfork === true) !== (tm.dontfork === true)) return `at processes[${i}].mappings[${j}].dontfork: MADV_DONTFORK of one subpage splits the VMA and the PMD: give the head "thp": "pte"`;
  }
  return undefined;
}

/** Is this symmetry group one of holders (its first id names a holder)? */
export const isHolderGroup = (s: Scenario, group: readonly string[]): boolean => group.length > 0 && s.holders.some((h) => h.id === group[0]);

/** Are the declared symmetry groups really interchangeable? The reason if not. */
function validateSymmetry(s: Scenario): string | undefined {
  const seen = new Set<string>();
  const pageGroups = (s.symmetry ?? []).filter((group) => !isHolderGroup(s, group)).flat();
  for (const [g, group] of (s.symmetry ?? []).entries()) {
    const at = `at symmetry[${g}]`;
    if (group.length < 2) return `${at}: a symmetry group needs at least two pages (or two holders)`;
    if (isHolderGroup(s, group)) {
      // Holders of one page, alike but for their names: renaming them maps runs to runs.
      const stray = group.find((id) => !s.holders.some((h) => h.id === id));
      if (stray !== undefined) return `${at}: '${stray}' is no holder: a group names pages or holders, not both`;
      const hs = group.map((id) => s.holders.find((h) => h.id === id)!);
      for (const h of hs) {
        if (seen.has(h.id)) return `${at}: holder '${h.id}' is in more than one place`;
        seen.add(h.id);
        if (h.bio !== undefined) return `${at}: holder '${h.id}' must not be a bio holder`;
        if (pageGroups.includes(h.page)) return `${at}: holder '${h.id}' holds '${h.page}', whose page group already moves its holders`;
        if (JSON.stringify({ ...h, id: '' }) !== JSON.stringify({ ...hs[0]!, id: '' })) return `${at}: holder '${h.id}' is not set up like '${hs[0]!.id}' (process, page and every flag must be alike)`;
      }
      continue;
    }
    if (group.some((id) => s.holders.some((h) => h.id === id))) return `${at}: a group names pages or holders, not both`;
    const shape = (id: string) => {
      const page = s.pages.find((p) => p.id === id);
      const maps = s.processes.map((pr) => {
        const m = pr.mappings.find((x) => x.page === id);
        return m === undefined ? null : { ...m, page: '' };
      });
      const holders = s.holders.filter((h) => h.page === id).map((h) => ({ ...h, id: '', page: '' }));
      return { page: page === undefined ? undefined : { ...page, id: '' }, maps, holders };
    };
    for (const id of group) {
      const page = s.pages.find((p) => p.id === id);
      if (page === undefined) return `${at}: unknown page '${id}'`;
      if (seen.has(id)) return `${at}: page '${id}' is in more than one place`;
      seen.add(id);
      if (page.kind !== 'file') return `${at}: only file pages can be interchangeable ('${id}' is anonymous)`;
      // A fork child inherits its parent's mapping (shared/private is the parent's).
      if (s.processes.some((pr) => pr.childOf === undefined && pr.mappings.some((m) => m.page === id && m.shared !== true))) return `${at}: '${id}' must be mapped MAP_SHARED (a private COW copy would break the renaming)`;
      if (s.holders.some((h) => h.page === id && h.bio !== undefined)) return `${at}: holders of '${id}' must not be bio holders`;
      if (JSON.stringify(shape(id)) !== JSON.stringify(shape(group[0]!))) return `${at}: '${id}' is not set up like '${group[0]}' (filesystem, mappings and holders must be alike)`;
    }
  }
  return undefined;
}

export function decodeScenario(json: unknown): E.Either<string, Scenario> {
  return pipe(ScenarioC.decode(json), E.mapLeft(describeErrors), E.chain(validateScenario));
}

/** Read, parse and decode a scenario file; Left is one line starting with the file name. */
export function loadScenario(file: string): E.Either<string, Scenario> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return E.left(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return pipe(parseJson(text), E.chain(decodeScenario), E.mapLeft((m) => `${file}: ${m}`));
}
