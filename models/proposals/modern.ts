// Linux 6.6 (reference §3.9): everything that merged — FOLL_PIN bias,
// PageAnonExclusive — plus 6.2's unshare for R/O long-term pins in private
// file mappings, 6.3's ext4 without ->writepage, 6.4's reclaim check
// (d824ec2a1546, "mm: do not reclaim private data from pinned page": a
// maybe-pinned folio keeps its buffers and is not freed), 6.5's ban on
// FOLL_LONGTERM|FOLL_WRITE pins of dirty-tracked file mappings
// (writable_file_mapping_allowed), and 6.5's pinned direct-I/O bios
// (iov_iter_extract_pages + BIO_PAGE_PINNED, a per-bio flag; pinning the
// zero page is a no-op).

import { step } from '../../src/engine/model.js';
import { I5 } from '../../properties/i5-pinned-not-freed.js';
import { bioRelease } from '../kernel/bio.js';
import { HOLDER, MAPPING } from '../kernel/kernel.js';
import { defineProposal } from '../kernel/proposal.js';
import { anonExclusive } from './anon-exclusive.js';

export const modern = defineProposal({
  name: 'modern',
  base: anonExclusive,
  era: 'v6.6',
  date: '2023-10',
  title: 'Linux 6.6: FOLL_PIN + PageAnonExclusive + reclaim pinned check (6.4) + longterm file-write ban (6.5) + pinned DIO bios (6.5)',
  changes: 'on top of anon-exclusive: reclaim activates maybe-pinned pages; FOLL_LONGTERM|FOLL_WRITE on dirty-tracked file VMAs is EFAULT; R/O long-term pins unshare COW file mappings; DIO bios hold pins, BIO_PAGE_PINNED says so, the zero page is never pinned',
  notes: 'I1 holds for FOLL_PIN holders (6.4: reclaim keeps a maybe-pinned page\'s buffers), the long-term file-write pin is EFAULT (6.5; rdma-file-mr), and the pinned DIO bios balance (BIO_PAGE_PINNED; the merge site drops a duplicate with bio_release_page; the zero page is never pinned). What remains is what §3.9 lists: a short-term FOLL_PIN|FOLL_WRITE still lets the device write a page under writeback (stable-pages on ext4-pin-write, Jan Kara\'s 2023 RFC), FOLL_GET holders get none of it (I1 and I6 on ext4-gup-write, I3c and I10 on fork-rdma), and a release with the wrong function is still wrong (release-mismatch).',
  settings: {
    longtermFileWriteBan: {
      default: true,
      about: '6.5 check_vma_flags → writable_file_mapping_allowed: FOLL_LONGTERM|FOLL_WRITE pins of a file mapping that needs dirty tracking fail with EFAULT (GUP-fast: folio_fast_pin_allowed falls back)',
    },
  },
  hooks: ({ k, base, settings }) => {
    const ban = settings['longtermFileWriteBan'] === true;
    const banned = (h: { kind: string; longterm: boolean; write: boolean }) => ban && h.kind === 'PIN' && h.longterm && h.write;
    return {
      checkVmaFlags: (h) => (banned(h) && k.sh.procs[h.proc]!.vmas[h.va]!.dirtyTracked ? 'FOLL_LONGTERM write pin of a dirty-tracked file mapping' : base.checkVmaFlags(h)),
      // GUP-fast: folio_fast_pin_allowed refuses a long-term write pin of a file page (then the slow path's EFAULT).
      gupFastPinAllowed: (s, hi, p) => !(banned(k.sh.holders[hi]!) && k.pg[p]!.mapping.get(s) === MAPPING.file && k.isExt4(p)) && base.gupFastPinAllowed(s, hi, p),
      // 6.2: a R/O long-term pin of a file page in a private (COW) mapping must break COW first,
      // or a later write through the mapping leaves the pin behind (gup_must_unshare + is_cow_mapping).
      gupMustUnshare: (s, h, p) => base.gupMustUnshare(s, h, p) ||
        (h.kind === 'PIN' && !h.write && !k.isAnon(s, p) && h.longterm && !k.sh.procs[h.proc]!.vmas[h.va]!.shared),
      // 6.4 (d824ec2a1546): shrink_folio_list activates a maybe-pinned folio after unmapping it.
      reclaimAfterUnmap: () => [...base.reclaimAfterUnmap(), {
        name: 'maybe_dma_pinned, activate',
        label: 'folio_maybe_dma_pinned: activate (6.4: no stripping or freeing a pinned page)',
        when: (s, p) => k.maybeDmaPinned(s, p),
      }],
      // 6.3: ext4 has no ->writepage; kswapd's pageout cannot write its pages.
      reclaimCanPageout: () => false,
      // 6.5: direct I/O pins (iov_iter_extract_pages), the bio says so (BIO_PAGE_PINNED), and
      // pinning or unpinning the zero page is a no-op (is_zero_folio).
      dioGupKind: () => 'PIN',
      bioZeroPageRef: () => 0,
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
    };
  },
  properties: (k) => {
    if (!I5.applies(k)) return [];
    return [step('I5.strip', 'reclaim does not release the buffers of, or free, a page_maybe_dma_pinned() page (the 6.4 promise)', (prev, a) => {
      if (a.name !== 'reclaim: try_to_free_buffers' && a.name !== 'reclaim: __remove_mapping') return true;
      return !k.maybeDmaPinned(prev, k.root.kswapd!.page.get(prev));
    })];
  },
});
