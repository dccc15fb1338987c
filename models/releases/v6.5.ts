// Linux 6.5 (August 2023): no long-term write pins of dirty-tracked file
// mappings; direct I/O pins its pages and the bio says so.

import { bioRelease } from '../kernel/bio.js';
import { HOLDER, MAPPING } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { v6_4 } from './v6.4.js';

export const v6_5 = defineProposal({
  name: 'v6.5',
  base: v6_4,
  release: true,
  era: 'v6.5',
  date: '2023-08',
  title: 'Linux 6.5',
  changes: 'FOLL_LONGTERM|FOLL_WRITE on a file mapping that needs dirty tracking is EFAULT (GUP-fast: falls back); direct I/O pins its user pages (iov_iter_extract_pages), BIO_PAGE_PINNED tells completion to unpin; pinning the zero page is a no-op',
  notes: 'RDMA and io_uring cannot hold a writable long-term pin of an ext4 page any more.',
  settings: {
    longtermFileWriteBan: {
      default: true,
      about: '6.5 check_vma_flags → writable_file_mapping_allowed: FOLL_LONGTERM|FOLL_WRITE pins of a file mapping that needs dirty tracking fail with EFAULT (GUP-fast: folio_fast_pin_allowed falls back)',
    },
  },
  commits: [
    {
      id: '8ac268436e6d',
      subject: 'mm/gup: disallow FOLL_LONGTERM GUP-nonfast writing to file-backed mappings',
      what: 'check_vma_flags → writable_file_mapping_allowed: FOLL_LONGTERM|FOLL_WRITE on a VMA that needs dirty tracking is -EFAULT',
      hooks: ({ k, base, settings }) => ({
        checkVmaFlags: (h) => (settings['longtermFileWriteBan'] === true && h.kind === 'PIN' && h.longterm && h.write && k.sh.procs[h.proc]!.vmas[h.va]!.dirtyTracked
          ? 'FOLL_LONGTERM write pin of a dirty-tracked file mapping' : base.checkVmaFlags(h)),
      }),
    },
    {
      id: 'a6e79df92e4a',
      subject: 'mm/gup: disallow FOLL_LONGTERM GUP-fast writing to file-backed mappings',
      what: 'folio_fast_pin_allowed: a FOLL_LONGTERM|FOLL_WRITE GUP-fast pin of a file folio (other than shmem) is undone and falls back to the slow path',
      hooks: ({ k, base, settings }) => ({
        gupFastPinAllowed: (s, hi, p) => {
          const h = k.sh.holders[hi]!;
          const banned = settings['longtermFileWriteBan'] === true && h.kind === 'PIN' && h.longterm && h.write;
          return !(banned && k.pg[p]!.mapping.get(s) === MAPPING.file && k.isExt4(p)) && base.gupFastPinAllowed(s, hi, p);
        },
      }),
    },
    {
      id: '84d9fe8b7ea6',
      subject: 'block: Add BIO_PAGE_PINNED and associated infrastructure',
      what: 'a bio whose pages were pinned carries BIO_PAGE_PINNED; bio_release_pages and the merge site (bio_release_page) unpin its pages',
      hooks: ({ k }) => ({
        bioMergeRelease: (hi) => bioRelease(k, k.sh.holders[hi]!.kind, k.sh.holders[hi]!.bioPage, true, true),
        bioReleases: (s, hi) => {
          const h = k.sh.holders[hi]!;
          const H = k.hd[hi]!;
          const out = [];
          if (H.pc.get(s) === HOLDER.held) out.push(bioRelease(k, h.kind, H.page.get(s), true, true));
          if (h.bio === 'zero-page') out.push(bioRelease(k, 'PIN', h.bioPage, true, true));
          return out;
        },
        bioEndioWords: () => 'bio flagged GUP: unpin every page',
      }),
    },
    {
      id: 'b7c96963925f',
      subject: 'block: Convert bio_iov_iter_get_pages to use iov_iter_extract_pages',
      what: 'direct I/O takes its user pages with iov_iter_extract_pages: FOLL_PIN for user memory',
      hooks: () => ({ dioGupKind: () => 'PIN' }),
    },
    {
      id: 'c8070b787519',
      subject: 'mm: Don\'t pin ZERO_PAGE in pin_user_pages()',
      what: 'pinning or unpinning the shared zero page is a no-op (is_zero_folio in try_grab_folio and gup_put_folio)',
      hooks: ({ base }) => ({
        bioZeroPageRef: () => 0,
        gupZeroPageRef: (kind, inc) => (kind === 'PIN' ? 0 : base.gupZeroPageRef(kind, inc)),
      }),
    },
  ],
});
