// PageAnonExclusive (5.19, David Hildenbrand, "mm: remember exclusively
// mapped anonymous pages with PG_anon_exclusive"; reference §3.9): only
// exclusive anonymous pages may be pinned, R/O pins unshare first, fork
// copies a pinned exclusive page for the child, do_wp_page reuses by the
// exclusive bit. It lands on top of 5.9's fork early copy and
// refcount-based reuse (70e806e4e645, 09854ba94c6a), 5.11's
// write_protect_seq for GUP-fast (57efa1fe5957), and 5.18's ext4 WARN
// instead of BUG (cc5095747edf).

import { bool } from '../../src/engine/schema.js';
import { defineProposal } from '../kernel/proposal.js';
import { gupBias } from './gup-bias.js';

export const anonExclusive = defineProposal({
  name: 'anon-exclusive',
  base: gupBias,
  era: 'v5.19',
  date: '2022-07',
  title: 'PageAnonExclusive (5.19): pins only on exclusive anon pages, unshare, fork copies pinned pages',
  changes: 'PG_anon_exclusive decides COW reuse and fork sharing; R/O pins unshare; ext4 WARNs instead of BUG (5.18)',
  notes: 'CVE-2020-29374 (I10 on fork-vmsplice) and the pinned fork (I3, I3c, I10 on fork-iouring) hold; I5 is vacuous on fork-iouring because fork now copies the pinned page, so the held page never loses its PTE. The ext4 BUG is now 5.18\'s WARN, which the model shows for what it does: it clears PG_dirty, and the data written through the pin never reaches the disk (I6, 16 steps).',
  // mm->write_protect_seq as a GUP-fast pin saw it when it grabbed: did fork run since?
  state: () => ({ holder: { seq: bool() } }),
  hooks: ({ k, base }) => {
    const seq = k.holderField('seq');
    const forked = k.root.forked;
    return {
      // gup_must_unshare: a R/O pin of an anonymous page that is not PageAnonExclusive must unshare first.
      gupMustUnshare: (s, h, p) => (h.kind === 'PIN' && !h.write && k.isAnon(s, p) ? !k.pg[p]!.PG_anon_exclusive.test(s) : base.gupMustUnshare(s, h, p)),
      // 5.11 (57efa1fe5957): GUP-fast pins read write_protect_seq, which fork holds odd, and undo if it moved.
      gupFastGrabbed: (s, hi) => { seq[hi]!.set(s, forked.get(s)); },
      gupFastUndone: (s, hi) => { seq[hi]!.set(s, 0); },
      gupFastPinAllowed: (s, hi, p) => !(k.sh.holders[hi]!.kind === 'PIN' && seq[hi]!.get(s) !== forked.get(s)) && base.gupFastPinAllowed(s, hi, p),
      // do_wp_page: PageAnonExclusive → reuse; else wp_can_reuse_anon_folio: refcount 1 (5.9), trylock, set it exclusive.
      wpCanReuse: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s) || (!k.locked(s, p) && k.pg[p]!.ref.get(s) === 1),
      // Since 5.9 do_wp_page only trylocks: it never sleeps on the page lock.
      wpSleepsOnPageLock: () => false,
      // copy_present_pte → page_try_dup_anon_rmap → -EBUSY on a maybe-pinned exclusive page → copy it for the child.
      forkCopiesForChild: (s, p) => k.pg[p]!.PG_anon_exclusive.test(s) && k.maybeDmaPinned(s, p),
      forkWords: () => '; copy a pinned exclusive page for the child',
      // 5.18 (cc5095747edf, "ext4: don't BUG if someone dirty pages without asking ext4 first").
      noBuffersAtWriteback: () => ({
        name: 'WARN no buffers, ClearPageDirty',
        label: 'mpage_prepare_extent_to_map: "page does not have buffers attached": WARN, ClearPageDirty, skip (the data is dropped)',
        handle: (s, p) => {
          k.pg[p]!.PG_dirty.set(s, 0);
          return false;
        },
      }),
    };
  },
});
