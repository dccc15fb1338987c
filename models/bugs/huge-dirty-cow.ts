// CVE-2017-1000405, "Huge Dirty COW": a read GUP dirties the huge zero page's PMD, and a FOLL_FORCE write takes it for its COW copy.
import { defineBug } from './bug.js';

export const hugeDirtyCow = defineBug({
  name: 'huge-dirty-cow',
  title: 'A FOLL_FORCE write (/proc/PID/mem) to a read-only THP range breaks COW and retries with FOLL_COW; MADV_DONTNEED zaps the copy; a read fault maps the huge zero page again, a read GUP\'s touch_pmd marks its PMD dirty, and the retry\'s can_follow_write_pmd takes the dirty read-only PMD for its own copy: the write lands in the huge zero page, which every process\'s untouched THP ranges read',
  cve: 'CVE-2017-1000405',
  reported: 'Bindecy, "Huge Dirty COW" (November 2017), after 8310d48b125d "mm/huge_memory.c: respect FOLL_FORCE/FOLL_COW for thp" (4.10) gave the PMD the PTE\'s FOLL_COW rule',
  fixedBy: ['a8f97366452e'],
  lastBad: 'v4.14',
  fixedIn: 'v4.15',
  scenario: {
    name: 'huge-dirty-cow',
    description: 'CVE-2017-1000405: a private read-only THP range that the process has only read (its PMD maps the huge zero page, two subpages in the model); a thread writes it through /proc/self/mem (get_user_pages with FOLL_FORCE|FOLL_WRITE), another calls MADV_DONTNEED on it over and over, a third reads it through GUP (FOLL_TOUCH). The huge zero page must keep its contents (I9).',
    pages: [{ id: 'A', kind: 'anon', thp: 'pmd' }, { id: 'A_tail', kind: 'anon', tailOf: 'A' }],
    processes: [{ id: 'app', mappings: [{ page: 'A', writable: false, zeropage: true, dontneed: true }, { page: 'A_tail', writable: false, zeropage: true }] }],
    holders: [
      { id: 'procmem', process: 'app', page: 'A', kind: 'GET', write: true, force: true },
      { id: 'reader', process: 'app', page: 'A', kind: 'GET', write: false },
    ],
  },
  property: 'I9',
  notes: 'The history: 4.8 has the original Dirty COW on this range too (after the COW, FOLL_WRITE is dropped and the retry reads whatever is mapped); 4.9\'s FOLL_COW (19be0eaffa3a) covers PTEs, and a huge PMD is followed for writing only when writable; 4.10\'s 8310d48b125d gives the PMD the PTE\'s rule — FOLL_FORCE, FOLL_COW and pmd_dirty — but touch_pmd dirtied the PMD on every FOLL_TOUCH lookup, a read one too, so the huge zero page\'s read-only PMD could pass; 4.15\'s a8f97366452e (4.14.4, 4.9.67) dirties it only for a write GUP. The model\'s v4.14 is 4.14.0.',
});
