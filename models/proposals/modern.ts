// Linux 6.6 (reference §3.9): everything that merged — FOLL_PIN bias,
// PageAnonExclusive — plus 6.2's unshare for R/O long-term pins in private
// file mappings, 6.4's reclaim check (d824ec2a1546: a maybe-pinned folio
// keeps its buffers and is not freed), 6.5's ban on FOLL_LONGTERM|FOLL_WRITE
// pins of dirty-tracked file mappings, and 6.5's pinned direct-I/O bios
// (iov_iter_extract_pages + BIO_PAGE_PINNED, a per-bio flag; pinning the
// zero page is a no-op). ext4 has no ->writepage any more, so kswapd's
// pageout cannot write ext4 pages.

import { anonExclusive } from './anon-exclusive.js';
import type { Proposal } from './proposal.js';

export const modern: Proposal = {
  name: 'modern',
  title: 'Linux 6.6: FOLL_PIN + PageAnonExclusive + reclaim pinned check (6.4) + longterm file-write ban (6.5) + pinned DIO bios (6.5)',
  changes: 'on top of anon-exclusive: reclaim activates maybe-pinned pages; FOLL_LONGTERM|FOLL_WRITE on dirty-tracked file VMAs is EFAULT; R/O long-term pins unshare COW file mappings; DIO bios hold pins, BIO_PAGE_PINNED says so, the zero page is never pinned',
  notes: 'I1 holds for FOLL_PIN holders (6.4: reclaim keeps a maybe-pinned page\'s buffers), the long-term file-write pin is EFAULT (6.5; rdma-file-mr), and the pinned DIO bios balance (BIO_PAGE_PINNED; the merge site drops a duplicate with bio_release_page; the zero page is never pinned). What remains is what §3.9 lists: a short-term FOLL_PIN|FOLL_WRITE still lets the device write a page under writeback (stable-pages on ext4-pin-write, Jan Kara\'s 2023 RFC), FOLL_GET holders get none of it (I1 and I6 on ext4-gup-write, I3c and I10 on fork-rdma), and a release with the wrong function is still wrong (release-mismatch).',
  era: {
    ...anonExclusive.era, name: 'v6.6', reclaimPinnedCheck: true, longtermFileBan: true, ext4Writepage: false,
    longtermCowUnshare: true, bioRelease: 'bio-flag', bioRefsPinned: true, zeroPagePinNoop: true,
  },
};
