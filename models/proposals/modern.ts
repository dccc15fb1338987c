// Linux 6.6 (models/releases/v6.6.ts: 6.2's unshare for R/O long-term pins
// in COW mappings, 6.3's ext4 without ->writepage, 6.4's reclaim check, 6.5's
// long-term file-write ban and pinned direct-I/O bios), under the name the
// comparison has always used.

import { defineProposal } from '../kernel/proposal.js';
import { v6_6 } from '../releases/v6.6.js';

export const modern = defineProposal({
  name: 'modern',
  base: v6_6,
  era: 'v6.6',
  date: '2023-10',
  title: 'Linux 6.6: FOLL_PIN + PageAnonExclusive + reclaim pinned check (6.4) + longterm file-write ban (6.5) + pinned DIO bios (6.5)',
  changes: 'Linux 6.6 as released: reclaim activates maybe-pinned pages; FOLL_LONGTERM|FOLL_WRITE on dirty-tracked file VMAs is EFAULT; R/O long-term pins unshare COW file mappings; DIO bios hold pins, BIO_PAGE_PINNED says so, the zero page is never pinned',
  notes: 'I1 holds for FOLL_PIN holders (6.4: reclaim keeps a maybe-pinned page\'s buffers), the long-term file-write pin is EFAULT (6.5; rdma-file-mr), and the pinned DIO bios balance (BIO_PAGE_PINNED; the merge site drops a duplicate with bio_release_page; the zero page is never pinned). What remains: a short-term FOLL_PIN|FOLL_WRITE still lets the device write a page under writeback (stable-pages on ext4-pin-write, Jan Kara\'s 2023 RFC), FOLL_GET holders get none of it (I1 and I6 on ext4-gup-write, I3c and I10 on fork-rdma), and a release with the wrong function is still wrong (release-mismatch).',
});
