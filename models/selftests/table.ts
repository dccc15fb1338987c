// The kernel's own selftests as a table: each row of
// tools/testing/selftests/mm/cow.c and gup_longterm.c, as the selftest
// prints it ("[RUN] <case> ... with <backing>"), with the outcome Linux 6.6
// gives and, where the model can express the row, a scenario file under
// models/selftests/ and that outcome as checkable facts: verdicts of the
// properties I1–I11 and/or the outcome of a named GUP holder. Rows the model
// cannot express are listed too, with the reason (`gupcheck selftest`
// prints them as "# SKIP"). run.ts builds and judges the rows.

export type SelftestFile = 'cow.c' | 'gup_longterm.c';

/**
 * What happens to a GUP holder:
 * - pinned: it is never refused, and in every quiescent state it got the page and released it;
 * - efault: it never gets the page (a GUP-fast grab that the recheck undoes does not count),
 *   and every run ends with it refused (EFAULT).
 */
export type HolderOutcome = 'pinned' | 'efault';

export interface Expectation {
  /** Verdicts of existing properties (I1–I11 and their companions) on the proposal. */
  readonly properties?: Readonly<Record<string, 'holds' | 'violated'>>;
  /**
   * Verdicts of properties only some releases have (I3: sanity_check_pinned_pages exists
   * from 5.19): checked where the model has them, and not a failure where it does not.
   */
  readonly wherePresent?: Readonly<Record<string, 'holds' | 'violated'>>;
  /** The outcome of one GUP holder of the scenario. */
  readonly holder?: { readonly id: string; readonly outcome: HolderOutcome };
}

interface RowBase {
  readonly file: SelftestFile;
  /** The case as the selftest prints it after "[RUN] "; "(each … case)" stands for a group of cases. */
  readonly case: string;
  /** What Linux 6.6 gives: the selftest's result line, or for a group what its rows give. */
  readonly expected: string;
}

/**
 * A backing the runner makes from a base-page row's scenario:
 * 'swapped-out' — every anonymous page starts swapped out (cow.c's
 * MADV_PAGEOUT after the memset, checked with pagemap_is_swapped).
 */
export type RowVariant = 'swapped-out' | 'huge-zeropage' | 'collapse' | 'collapse-lower-shared' | 'collapse-upper-shared' | 'thp' | 'pte-mapped-thp' | 'single-pte-thp' | 'partially-mremapped-thp' | 'partially-shared-thp'
  | 'swapped-out-thp' | 'swapped-out-pte-mapped-thp' | 'single-pte-swapped-out-thp';

export interface ModelledRow extends RowBase {
  readonly modelled: true;
  /** The scenario file, relative to models/selftests/. */
  readonly scenario: string;
  /** The scenario file's pages set up another way (the same case with another backing). */
  readonly variant?: RowVariant;
  readonly expect: Expectation;
  /** Where the scenario differs from what the selftest does. */
  readonly note?: string;
}

export interface SkippedRow extends RowBase {
  readonly modelled: false;
  /** Why the model cannot express it. */
  readonly reason: string;
}

export type SelftestRow = ModelledRow | SkippedRow;

// --- shared wording ------------------------------------------------------------

const NO_LEAK_CHILD = 'PASS "No leak from parent into child"';
const NO_LEAK_PARENT = 'PASS "No leak from child into parent"';
const RO_PIN_RELIABLE = 'PASS "Longterm R/O pin is reliable"';
const RW_PIN_RELIABLE = 'PASS "Longterm R/W pin is reliable"';
const OTHER_NOT_MODIFIED = 'PASS "Other mapping not modified"';
const WORKS = 'works: PASS "Should have worked"';
const EFAULT = 'fails (EFAULT): PASS "Should have failed"';

const UNORDERED = 'The model explores every order of the scenario\'s steps, a superset of the selftest\'s one order.';
const HUGETLB = 'hugetlb is not modelled (no hugetlbfs pages, no hugetlb COW/unshare paths)';

// --- cow.c -----------------------------------------------------------------------

const ANON_CASES = [
  'Basic COW after fork()',
  'Basic COW after fork() with mprotect() optimization',
  'vmsplice() + unmap in child',
  'vmsplice() + unmap in child with mprotect() optimization',
  'vmsplice() before fork(), unmap in parent after fork()',
  'vmsplice() + unmap in parent after fork()',
  'R/O-mapping a page registered as iouring fixed buffer',
  'fork() with an iouring fixed buffer',
  'R/O GUP pin on R/O-mapped shared page',
  'R/O GUP-fast pin on R/O-mapped shared page',
  'R/O GUP pin on R/O-mapped previously-shared page',
  'R/O GUP-fast pin on R/O-mapped previously-shared page',
  'R/O GUP pin on R/O-mapped exclusive page',
  'R/O GUP-fast pin on R/O-mapped exclusive page',
] as const;
type AnonCase = typeof ANON_CASES[number];

const base = (c: AnonCase) => `${c} ... with base page`;
const cow = (c: AnonCase, scenario: string, expected: string, expect: Expectation, note?: string): ModelledRow =>
  ({ file: 'cow.c', case: base(c), modelled: true, scenario: `cow/${scenario}.json`, expected, expect, ...(note !== undefined ? { note } : {}) });
const cowSkip = (c: string, expected: string, reason: string): SkippedRow => ({ file: 'cow.c', case: c, modelled: false, expected, reason });

const noLeak = { properties: { I10: 'holds', 'I10.witness': 'holds' } } as const;
const pinCoherent = (holder: string): Expectation => ({
  properties: { I3c: 'holds', 'I3.witness': 'holds' },
  wherePresent: { I3: 'holds' },
  holder: { id: holder, outcome: 'pinned' },
});

const COW_ANON_ROWS: readonly SelftestRow[] = [
  cow('Basic COW after fork()', 'basic-cow-after-fork', NO_LEAK_CHILD, noLeak,
    'The child\'s snapshot and compare is I10: no process sees an anonymous page another process wrote after fork().'),
  cow('Basic COW after fork() with mprotect() optimization', 'basic-cow-after-fork-mprotect', NO_LEAK_CHILD, noLeak,
    `mprotect(PROT_READ) and mprotect(PROT_READ|PROT_WRITE) are one step of the parent (nothing runs between the two calls); from 6.0 the second may map an exclusive anonymous page writable, which a page fork() shares is not. ${UNORDERED}`),
  cow('vmsplice() + unmap in child', 'vmsplice-unmap-in-child', NO_LEAK_CHILD, noLeak,
    `CVE-2020-29374. vmsplice() is a R/O get_user_pages_fast(FOLL_GET) (iov_iter_get_pages2); reading the pipe is the holder's reference. ${UNORDERED}`),
  cow('vmsplice() + unmap in child with mprotect() optimization', 'vmsplice-unmap-in-child-mprotect', NO_LEAK_CHILD, noLeak,
    `The parent's mprotect pair is one step. ${UNORDERED}`),
  cow('vmsplice() before fork(), unmap in parent after fork()', 'vmsplice-before-fork-unmap-in-parent', NO_LEAK_PARENT, noLeak,
    `The model cannot order the parent's vmsplice() before fork(), so this scenario and the next one are the same: both orders are explored in both. ${UNORDERED}`),
  cow('vmsplice() + unmap in parent after fork()', 'vmsplice-unmap-in-parent-after-fork', NO_LEAK_PARENT, noLeak,
    `The same scenario as the row before (the model does not order vmsplice() against fork()). ${UNORDERED}`),
  cow('R/O-mapping a page registered as iouring fixed buffer', 'iouring-ro-mapping', RW_PIN_RELIABLE, pinCoherent('iouring'),
    `clear_refs arms soft-dirty tracking so that mprotect(PROT_READ|PROT_WRITE) leaves the PTE write-protected and the write faults: do_wp_page must reuse the pinned exclusive page (5.19). ${UNORDERED}`),
  cow('fork() with an iouring fixed buffer', 'iouring-fork', RW_PIN_RELIABLE, pinCoherent('iouring'),
    `io_uring_register_buffers() is pin_user_pages(FOLL_WRITE|FOLL_LONGTERM); write_fixed seeing the parent's write is I3c (the pin stays on the page the parent's PTE maps). ${UNORDERED}`),
  cow('R/O GUP pin on R/O-mapped shared page', 'ro-pin-on-shared', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `PIN_LONGTERM_TEST_READ seeing the write is I3c; the R/O pin must unshare (FAULT_FLAG_UNSHARE) the page fork() shared. ${UNORDERED}`),
  cow('R/O GUP-fast pin on R/O-mapped shared page', 'ro-fast-pin-on-shared', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `GUP-fast cannot unshare: its recheck (gup_must_unshare) undoes the grab and falls back to the slow path. ${UNORDERED}`),
  cow('R/O GUP pin on R/O-mapped previously-shared page', 'ro-pin-on-ro-previously-shared', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `The child's exit is its munmap; the model also lets the child exit after the pin (the shared-page row). ${UNORDERED}`),
  cow('R/O GUP-fast pin on R/O-mapped previously-shared page', 'ro-fast-pin-on-ro-previously-shared', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `As the row before, with pin_user_pages_fast. ${UNORDERED}`),
  cow('R/O GUP pin on R/O-mapped exclusive page', 'ro-pin-on-ro-exclusive', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `mprotect(PROT_READ), clear_refs and mprotect(PROT_READ|PROT_WRITE) leave the exclusive page mapped R/O; the R/O pin needs no unshare, the write must reuse the page. ${UNORDERED}`),
  cow('R/O GUP-fast pin on R/O-mapped exclusive page', 'ro-fast-pin-on-ro-exclusive', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `As the row before, with pin_user_pages_fast. ${UNORDERED}`),
];

// "with swapped out base page": the same cases after MADV_PAGEOUT (do_run_with_base_page(fn, true)).
const SWAPPED_OUT = 'The page starts swapped out (MADV_PAGEOUT after the memset: its PTE a swap entry, exclusive from 5.19, its contents in a swap slot, no page allocated); the case\'s first fault reads it back through do_swap_page.';
const COW_ANON_SWAPPED: readonly SelftestRow[] = COW_ANON_ROWS.map((r) => ({
  ...(r as ModelledRow),
  case: r.case.replace(/ with base page$/, ' with swapped out base page'),
  variant: 'swapped-out' as const,
  note: `${SWAPPED_OUT} ${(r as ModelledRow).note ?? ''}`.trim(),
}));

// The THP set-ups of do_run_with_thp (6.6 prints them without a size), on the model's THP of two subpages.
const THP_GEOMETRY = 'The THP has two subpages in the model (x86-64: 512): the head, where the case\'s GUP runs — a pin of one subpage pins the folio — and a tail.';
const thpRows = (variant: RowVariant, backing: string, setUp: string): readonly SelftestRow[] => COW_ANON_ROWS.map((r) => ({
  ...(r as ModelledRow),
  case: r.case.replace(/ with base page$/, ` with ${backing}`),
  variant,
  note: `${setUp} ${THP_GEOMETRY} ${(r as ModelledRow).note ?? ''}`.trim(),
}));
const COW_ANON_THP_VARIANTS: readonly SelftestRow[] = [
  ...thpRows('thp', 'THP', 'The THP is mapped by one PMD (written after MADV_HUGEPAGE); the case covers it whole: a store to each subpage, munmap/mprotect/clear_refs of the whole range.'),
  ...thpRows('pte-mapped-thp', 'PTE-mapped THP', 'The THP\'s PMD is split into PTEs (mprotect of one subpage and back); the case covers it whole.'),
  ...thpRows('single-pte-thp', 'single PTE of THP', 'The THP is PTE-mapped and every subpage but the first zapped (MADV_DONTNEED); the case runs on the first subpage, the folio stays large.'),
  ...thpRows('partially-mremapped-thp', 'partially mremap()\'ed THP', 'The THP is PTE-mapped and its upper half mremap()ed to another VMA; cow.c runs the case on the lower half (mem, half the size), which stays in place. The model runs it on the tail subpage and leaves the head mapped, untouched: the same set-up mirrored, since every rule here treats the subpages alike (reuse_swap_page\'s most-mapped subpage, the folio-wide page_count, PageAnonExclusive per subpage), and the model\'s range steps (munmap, mprotect of the whole THP) are given on the head.'),
  ...thpRows('partially-shared-thp', 'partially shared THP', 'The THP is PTE-mapped and its first subpage was shared by the set-up\'s own fork() (MADV_DONTFORK of the rest) with a child that has exited: from 5.19 that subpage is not PageAnonExclusive. The case covers the THP whole.'),
];
// The swapped-out THP set-ups, taken to their end (run.ts asSwappedThp): a swap entry per subpage, read back as small pages.
const SWAPPED_THP = 'MADV_PAGEOUT splits the PMD into swap PTEs and the folio is written out and freed; 6.6\'s do_swap_page reads each subpage back as a small folio, so the model starts from the swap entries (if reclaim had not freed the folio yet, do_swap_page would map its subpages from the swap cache instead: not modelled).';
const COW_ANON_SWAPPED_THP: readonly SelftestRow[] = [
  ...COW_ANON_ROWS.map((r) => ({ ...(r as ModelledRow), case: r.case.replace(/ with base page$/, ' with swapped-out THP'), variant: 'swapped-out-thp' as const, note: `${SWAPPED_THP} The case covers both subpages. ${(r as ModelledRow).note ?? ''}`.trim() })),
  ...COW_ANON_ROWS.map((r) => ({ ...(r as ModelledRow), case: r.case.replace(/ with base page$/, ' with swapped-out, PTE-mapped THP'), variant: 'swapped-out-pte-mapped-thp' as const, note: `${SWAPPED_THP} (PTE-mapped first: the same swap entries.) The case covers both subpages. ${(r as ModelledRow).note ?? ''}`.trim() })),
  ...COW_ANON_ROWS.map((r) => ({ ...(r as ModelledRow), case: r.case.replace(/ with base page$/, ' with single PTE of swapped-out THP'), variant: 'single-pte-swapped-out-thp' as const, note: `${SWAPPED_THP} Only the first subpage was mapped: one swap entry. ${(r as ModelledRow).note ?? ''}`.trim() })),
];

const EACH_ANON = '(each anonymous case)';
const AS_BASE = 'as with a base page';
const COW_ANON_VARIANTS: readonly SelftestRow[] = [
  cowSkip(`${EACH_ANON} ... with hugetlb (2048 kB)`, `${AS_BASE}, except the vmsplice() cases: XFAIL "Leak from parent into child" / "Leak from child into parent"`, HUGETLB),
];

const COLLAPSE_NOTE = 'The THP starts PTE-mapped (cow.c\'s mprotect trick); MADV_COLLAPSE is khugepaged\'s collapse_huge_page (the collapse actor: pmdp_collapse_flush, __collapse_huge_page_isolate, __collapse_huge_page_copy, set_pmd_at), which the model runs at any point — before or after fork(), before or after the write — so "before fork()" and "after fork() (fully shared)" are one scenario. MADV_COLLAPSE exists from 6.1 (7d8faaf15545); on earlier releases the model\'s khugepaged does what MADV_COLLAPSE would, and before 5.8 (5503fbf2b0b8) it cannot collapse a PTE-mapped THP at all.';
const collapseRow = (c: string, variant: RowVariant, how: string, expected = NO_LEAK_CHILD): ModelledRow => ({
  file: 'cow.c', case: c, modelled: true, scenario: 'cow/basic-cow-after-fork.json', variant, expected, expect: noLeak,
  note: `${how} ${COLLAPSE_NOTE} ${THP_GEOMETRY}`,
});
const COW_ANON_THP: readonly SelftestRow[] = [
  collapseRow('Basic COW after fork() when collapsing before fork()', 'collapse', 'The collapsed THP is then COW-shared by fork(), and the parent writes it.'),
  collapseRow('Basic COW after fork() when collapsing after fork() (fully shared)', 'collapse',
    'fork() write-protects both of the parent\'s PTEs, and collapse needs one writable PTE (SCAN_PAGE_RO, in the scan and in isolate: 4.14 to 6.6): MADV_COLLAPSE fails and 6.6 SKIPs the row (David Hildenbrand\'s message adding the test: "MADV_COLLAPSE always seems to fail if all PTEs map shared sub-pages"). The model refuses the collapse there too; what it checks is that no order of the scenario — the collapse before fork(), or after the parent\'s first write made a PTE writable again — leaks.',
    'SKIP "MADV_COLLAPSE failed: Invalid argument" (no leak wherever a collapse can happen)'),
  collapseRow('Basic COW after fork() when collapsing after fork() (lower shared)', 'collapse-lower-shared', 'MADV_DONTFORK on the upper half: fork() shares only the lower subpage (the head).'),
  collapseRow('Basic COW after fork() when collapsing after fork() (upper shared)', 'collapse-upper-shared', 'MADV_DONTFORK on the lower half: fork() shares only the upper subpage (the tail).'),
];

// Non-anonymous pages in private mappings: memfd (tmpfs) and tmpfile (/tmp, here taken to be ext4).
const nonAnon = (c: string, backing: 'memfd' | 'tmpfile', scenario: string, expected: string, expect: Expectation, note: string): ModelledRow =>
  ({ file: 'cow.c', case: `${c} ... with ${backing}`, modelled: true, scenario: `cow/${scenario}.json`, expected, expect, note });
const nonAnon0 = (c: string, scenario: string, expected: string, expect: Expectation, note: string): ModelledRow =>
  ({ file: 'cow.c', case: `${c} ... with shared zeropage`, modelled: true, scenario: `cow/${scenario}.json`, expected, expect, note });
const TMPFILE_FS = 'tmpfile() lives in /tmp; the row takes /tmp to be ext4 (on a tmpfs /tmp it is the memfd row).';
const hugeZero = (c: string, scenario: string, expected: string, expect: Expectation, note: string): ModelledRow[] =>
  [{ file: 'cow.c', case: `${c} ... with huge zeropage`, modelled: true, scenario: `cow/${scenario}.json`, variant: 'huge-zeropage', expected: `${expected} (or SKIP "Huge zeropage not enabled")`, expect, note: `The huge zero page has two subpages in the model (x86-64: 512). ${note}` }];
const COW_NON_ANON: readonly SelftestRow[] = [
  nonAnon0('Basic COW', 'basic-cow-zeropage', OTHER_NOT_MODIFIED, { properties: { I9: 'holds', 'I9.witness': 'holds' } },
    'The R/O mapping belongs to a second process (a scenario maps a page once per process); both map the shared zero page. "Other mapping not modified" is I9: the zero page keeps its contents.'),
  nonAnon('Basic COW', 'memfd', 'basic-cow-memfd', OTHER_NOT_MODIFIED, { properties: { I9: 'holds', 'I9.witness': 'holds' } },
    'The second, MAP_SHARED R/O mapping belongs to a second process (a scenario maps a page once per process); for a page-cache page that is the same page. "Other mapping not modified" is I9: a file page nobody may write keeps its contents.'),
  nonAnon('Basic COW', 'tmpfile', 'basic-cow-tmpfile', OTHER_NOT_MODIFIED, { properties: { I9: 'holds', 'I9.witness': 'holds' } },
    `As the memfd row, on ext4. ${TMPFILE_FS}`),
  nonAnon0('R/O longterm GUP pin', 'ro-longterm-pin-zeropage', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `Needs 6.2's rule that a R/O FOLL_LONGTERM pin of the zero page in a COW mapping unshares it first (8d6a0ac09a16, 84209e87c696). ${UNORDERED}`),
  nonAnon('R/O longterm GUP pin', 'memfd', 'ro-longterm-pin-memfd', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `Needs 6.2's rule that a R/O FOLL_LONGTERM pin of a page-cache page in a private (COW) mapping unshares it first (gup_must_unshare, is_cow_mapping). ${UNORDERED}`),
  nonAnon('R/O longterm GUP pin', 'tmpfile', 'ro-longterm-pin-tmpfile', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `As the memfd row, on ext4. ${TMPFILE_FS}`),
  nonAnon0('R/O longterm GUP-fast pin', 'ro-longterm-fast-pin-zeropage', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `GUP-fast cannot unshare: its recheck undoes the grab and the slow path unshares. ${UNORDERED}`),
  nonAnon('R/O longterm GUP-fast pin', 'memfd', 'ro-longterm-fast-pin-memfd', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `GUP-fast has no VMA, so gup_must_unshare answers yes for a page-cache page under FOLL_LONGTERM: the grab is undone and the slow path unshares. ${UNORDERED}`),
  nonAnon('R/O longterm GUP-fast pin', 'tmpfile', 'ro-longterm-fast-pin-tmpfile', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `As the memfd row, on ext4. ${TMPFILE_FS}`),
  ...hugeZero('Basic COW', 'basic-cow-zeropage', OTHER_NOT_MODIFIED, { properties: { I9: 'holds', 'I9.witness': 'holds' } },
    'Each mapping\'s PMD maps the huge zero page; the write splits it (5.8+: __split_huge_zero_page_pmd, then wp_page_copy of the small zero page). "Other mapping not modified" is I9: neither zero page changes.'),
  ...hugeZero('R/O longterm GUP pin', 'ro-longterm-pin-zeropage', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `Needs 6.2's unshare of a R/O FOLL_LONGTERM pin in a COW mapping: follow_trans_huge_pmd returns -EMLINK, do_huge_pmd_wp_page splits the huge zero PMD and the PTE-level unshare copies. ${UNORDERED}`),
  ...hugeZero('R/O longterm GUP-fast pin', 'ro-longterm-fast-pin-zeropage', RO_PIN_RELIABLE, pinCoherent('gup_test'),
    `gup_huge_pmd backs off (gup_must_unshare with no VMA: yes for a non-anonymous page under FOLL_LONGTERM); the slow path unshares. ${UNORDERED}`),
  cowSkip('(each non-anonymous case) ... with memfd hugetlb (2048 kB)', 'PASS', HUGETLB),
];

// --- gup_longterm.c ----------------------------------------------------------------

const GUP_LONGTERM_CASES = [
  { desc: 'R/W longterm GUP pin in MAP_SHARED file mapping', slug: 'shared-rw-pin', shared: true, rw: true, holder: 'gup_test' },
  { desc: 'R/W longterm GUP-fast pin in MAP_SHARED file mapping', slug: 'shared-rw-fast-pin', shared: true, rw: true, holder: 'gup_test' },
  { desc: 'R/O longterm GUP pin in MAP_SHARED file mapping', slug: 'shared-ro-pin', shared: true, rw: false, holder: 'gup_test' },
  { desc: 'R/O longterm GUP-fast pin in MAP_SHARED file mapping', slug: 'shared-ro-fast-pin', shared: true, rw: false, holder: 'gup_test' },
  { desc: 'R/W longterm GUP pin in MAP_PRIVATE file mapping', slug: 'private-rw-pin', shared: false, rw: true, holder: 'gup_test' },
  { desc: 'R/W longterm GUP-fast pin in MAP_PRIVATE file mapping', slug: 'private-rw-fast-pin', shared: false, rw: true, holder: 'gup_test' },
  { desc: 'R/O longterm GUP pin in MAP_PRIVATE file mapping', slug: 'private-ro-pin', shared: false, rw: false, holder: 'gup_test' },
  { desc: 'R/O longterm GUP-fast pin in MAP_PRIVATE file mapping', slug: 'private-ro-fast-pin', shared: false, rw: false, holder: 'gup_test' },
  { desc: 'io_uring fixed buffer with MAP_SHARED file mapping', slug: 'iouring-shared', shared: true, rw: true, holder: 'iouring' },
  { desc: 'io_uring fixed buffer with MAP_PRIVATE file mapping', slug: 'iouring-private', shared: false, rw: true, holder: 'iouring' },
] as const;

const GUP_LONGTERM_FILES = [
  { backing: 'memfd', slug: 'memfd', fs: 'tmpfs' },
  { backing: 'local tmpfile', slug: 'local-tmpfile', fs: 'ext4' },
] as const;

const RO_MPROTECT = 'The mapping is read-only from the start (the selftest\'s mprotect(PROT_READ) after its memset()); the memset() before it is left out.';

const GUP_LONGTERM_ROWS: readonly SelftestRow[] = GUP_LONGTERM_CASES.flatMap((c) => GUP_LONGTERM_FILES.map((f): ModelledRow => {
  // gup_longterm.c: should_work = !shared || !rw || fs is tmpfs/hugetlbfs.
  const works = !c.shared || !c.rw || f.fs === 'tmpfs';
  const why = f.fs === 'ext4'
    ? 'The file is on ext4 (the test directory\'s filesystem; xfs and btrfs give the same).'
    : 'memfd is tmpfs: no dirty tracking, so writable long-term pins are allowed.';
  const how = c.rw ? 'The memset() that faults the page in is the mapping\'s store, which the model may order before or after the pin.' : RO_MPROTECT;
  return {
    file: 'gup_longterm.c',
    case: `${c.desc} ... with ${f.backing}`,
    modelled: true,
    scenario: `gup_longterm/${c.slug}-${f.slug}.json`,
    expected: works ? WORKS : EFAULT,
    expect: { holder: { id: c.holder, outcome: works ? 'pinned' : 'efault' } },
    note: `${why} ${how}`,
  };
}));

const GUP_LONGTERM_SKIPS: readonly SelftestRow[] = [
  {
    file: 'gup_longterm.c', case: '(each case) ... with tmpfile', modelled: false,
    expected: 'as the memfd row if /tmp is tmpfs, as the local tmpfile row if /tmp is ext4, xfs or btrfs; SKIP "Unknown filesystem" otherwise',
    reason: 'tmpfile() lives in /tmp, whose filesystem depends on the host: the memfd (tmpfs) and local tmpfile (ext4) rows model both outcomes',
  },
  { file: 'gup_longterm.c', case: '(each case) ... with memfd hugetlb (2048 kB)', modelled: false, expected: WORKS, reason: HUGETLB },
];

/**
 * Every row: per selftest file, the modelled backings (base page, swapped
 * out base page; memfd, tmpfile; memfd, local tmpfile) in the selftest's
 * case order, each group of
 * rows that cannot be modelled after them. Case strings follow upstream
 * cow.c/gup_longterm.c (6.6 prints the THP rows without the "(N kB)" size);
 * sizes shown are x86-64's.
 */
export const SELFTEST_ROWS: readonly SelftestRow[] = [
  ...COW_ANON_ROWS,
  ...COW_ANON_SWAPPED,
  ...COW_ANON_THP_VARIANTS,
  ...COW_ANON_SWAPPED_THP,
  ...COW_ANON_VARIANTS,
  ...COW_ANON_THP,
  ...COW_NON_ANON,
  ...GUP_LONGTERM_ROWS,
  ...GUP_LONGTERM_SKIPS,
];
