// Dirty COW, CVE-2016-5195.
import { defineBug } from './bug.js';

export const dirtyCow = defineBug({
  name: 'dirty-cow',
  title: 'A FOLL_FORCE write through a read-only private mapping reaches the page cache (Dirty COW)',
  cve: 'CVE-2016-5195',
  reported: 'Phil Oester, October 2016 (https://dirtycow.ninja); fixed by Linus Torvalds the same week',
  fixedBy: ['19be0eaffa3a'],
  lastBad: 'v4.8',
  fixedIn: 'v4.9',
  scenario: 'dirty-cow',
  property: 'I9',
  notes: 'The write fault breaks COW and, the mapping lacking VM_WRITE, __get_user_pages drops FOLL_WRITE; MADV_DONTNEED zaps the private copy; the retry faults for reading and follows the page-cache page, which the kernel then writes. 19be0eaffa3a keeps FOLL_WRITE (FOLL_COW) and follows a read-only PTE only if it is dirty, i.e. the COW copy. The fix was backported to 4.8.3, 4.7.9 and 4.4.26.',
});
