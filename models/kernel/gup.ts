// GUP holders: the slow path split into fault and
// follow/grab, the fast path split into grab and recheck, the device's DMA
// write, and the release the driver does. Where kernels and proposals
// differ (accounting, refusals, unshare, the page lock, what the end of GUP
// and each release do) the core asks the hooks.

import { action, type Action, type FieldTest } from '../../src/engine/model.js';
import { faultBlocked, faultLocks, handleMmFault, needsFault } from './fault.js';
import { branchTaken, holderOwner, type ReleaseKind } from './hooks.js';
import { FORK, HOLDER, underPageLock, type Kernel } from './kernel.js';
import { migrateWords } from './migrate.js';
import { swapWords } from './fault.js';

export { holderOwner };

export function holderActions(k: Kernel, hi: number): Action[] {
  const h = k.sh.holders[hi]!;
  const H = k.hd[hi]!;
  const K = k.hooks;
  const { proc: q, va: v } = h;
  const E = k.pr[q]!.vma[v]!;
  const actor = h.id;
  const params = { holder: h.id };
  // In the release's words: before 5.6 a FOLL_PIN user (io_uring, RDMA) called get_user_pages, and
  // FOLL_LONGTERM exists from 5.2 (4.15–5.1 had get_user_pages_longterm, 4.14 nothing).
  const api = h.kind === 'PIN' ? k.fn(h.fast ? 'gup.pinFast' : 'gup.pin') : (h.fast ? 'get_user_pages_fast' : 'get_user_pages');
  const flags = [h.kind === 'PIN' ? k.fn('flag.pin') : 'FOLL_GET', ...(h.write ? ['FOLL_WRITE'] : []), ...(h.force ? ['FOLL_FORCE'] : []),
    ...(h.longterm && k.atLeast('5.2') ? ['FOLL_LONGTERM'] : [])].join('|');
  const alive = k.pr[q]!.alive;
  const vma = k.sh.procs[q]!.vmas[v]!;
  // GUP walks a live mm: a fork child's holder waits for fork.
  const at = (s: Uint32Array, pc: number) => H.pc.get(s) === pc && alive.test(s);
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: H.pc, value: pc }, { field: alive, value: 0, equal: false }];
  // The slow path takes mmap_lock for reading: it waits while fork holds it for writing.
  const onSlowPath = (s: Uint32Array) => (!h.fast || H.slow.test(s)) && !k.mmapWriteLocked(s, q);
  // FOLL_WRITE as __get_user_pages has it: asked for, or forced to break COW (5.8), unless a COW
  // fault in a mapping without VM_WRITE made the kernel drop it (before 4.9).
  const breaksCow = K.gupBreaksCow(h);
  const keepsWrite = K.gupKeepsWriteAfterCow();
  const wantsWrite = (s: Uint32Array) => (h.write || breaksCow) && (keepsWrite || !H.cowed.test(s));
  // follow_trans_huge_pmd on a huge PMD (can_follow_write_pmd), follow_page_pte on a PTE.
  const huge = vma.thp !== null;
  const permits = (s: Uint32Array) => E.present.test(s) &&
    (!wantsWrite(s) || (huge && k.pmdMapped(s, q, v)
      ? K.canFollowWritePmd(s, h, H.cowed.test(s), E.pfn.get(s), E.w.test(s), E.d.test(s))
      : K.canFollowWritePte(s, h, H.cowed.test(s), E.pfn.get(s), E.w.test(s), E.d.test(s))));
  // check_vma_flags decides by the VMA alone: once per model.
  const refused = K.checkVmaFlags(h);
  const mustUnshare = (s: Uint32Array) => E.present.test(s) && K.gupMustUnshare(s, h, E.pfn.get(s));
  // From 5.13 a FOLL_LONGTERM pin of a page in the movable block moves it out first (check_and_migrate_movable_pages).
  const migrate = h.longterm && k.sh.anyMovable ? K.gupLongtermMigrate : undefined;
  const mustMigrate = (s: Uint32Array) => migrate !== undefined && E.present.test(s) && migrate(s, hi, E.pfn.get(s));
  const out: Action[] = [];
  // A THP subpage's pin, where large folios count pins apart (5.7): one reference and one in the pin count.
  const largeWords = h.kind === 'PIN' && k.hasThp && K.largeFolioPincount() && h.inc > 1;
  const grabWords = h.inc > 1 ? (largeWords ? ' (ref += BIAS; on a THP ref += 1, pincount += 1)' : ' (ref += BIAS)') : ' (ref += 1)';

  // check_vma_flags: the address is gone, or the kernel refuses this GUP for this VMA.
  out.push(action({
    name: 'gup: check_vma_flags → EFAULT', actor, params,
    label: `${actor}: ${api}(${flags}) → -EFAULT (${refused ?? 'no VMA'})`,
    requires: atPc(HOLDER.start), guard: (s) => (refused !== undefined || E.unmapped.test(s)),
    effect: (s) => { H.pc.set(s, HOLDER.refused); },
  }));

  // slow path, part 1: faultin_page → handle_mm_fault. Before 4.9 a COW in a mapping without
  // VM_WRITE drops FOLL_WRITE, and the retry faults for reading: a step of its own.
  const faultin = (write: boolean) => action({
    name: write || !(h.write || breaksCow) ? 'gup: faultin_page' : 'gup: faultin_page after FOLL_WRITE was dropped', actor, params,
    label: `${actor}: ${api}(${flags}): faultin_page → handle_mm_fault${write ? '(FAULT_FLAG_WRITE)' : h.write || breaksCow ? ' (a read fault: FOLL_WRITE was dropped after the COW)' : ''}${swapWords(k, q, v)}`,
    requires: atPc(HOLDER.start), guard: (s) => wantsWrite(s) === write && onSlowPath(s) && !E.unmapped.test(s) && refused === undefined &&
      needsFault(k, s, q, v, write, mustUnshare(s), !permits(s)) && !faultBlocked(k, s, q, v, write),
    effect: (s) => {
      const r = handleMmFault(k, s, q, v, write, mustUnshare(s), h.force || breaksCow);
      if (r !== 'ok') H.pc.set(s, HOLDER.refused);
      // VM_FAULT_WRITE in a mapping without VM_WRITE: FOLL_COW (or, before 4.9, FOLL_WRITE dropped).
      else if (write && !vma.writable) H.cowed.set(s, 1);
    },
  });
  out.push(faultLocks(k, q, v, holderOwner(hi), faultin(h.write || breaksCow)));
  if ((h.write || breaksCow) && !keepsWrite && !vma.writable) out.push(faultLocks(k, q, v, holderOwner(hi), faultin(false)));

  // slow path, part 2: follow_page_pte + try_grab_page (+ FOLL_TOUCH for get_user_pages).
  // A GUP that locks the page (lock-page-over-gup) takes the lock here and keeps it.
  out.push(underPageLock(action({
    name: 'gup: follow_page_pte + try_grab_page', actor, params,
    label: `${actor}: ${api}(${flags}): ${huge ? 'follow_trans_huge_pmd (a huge PMD) or follow_page_pte' : 'follow_page_pte'} + ${k.fn('gup.grab')}${grabWords}`,
    requires: atPc(HOLDER.start), guard: (s) => onSlowPath(s) && !E.unmapped.test(s) && refused === undefined && permits(s) && !mustUnshare(s) && !mustMigrate(s) &&
      // A GUP that takes the page lock sleeps while someone else holds it.
      !(K.gupLocksPage(s, hi, E.pfn.get(s)) && k.locked(s, E.pfn.get(s))),
    effect: (s) => {
      const p = E.pfn.get(s);
      k.grabGupRef(s, hi, p);
      H.page.set(s, p);
      H.pc.set(s, HOLDER.held);
      if (K.gupLocksPage(s, hi, p)) k.pg[p]!.PG_locked.set(s, holderOwner(hi));
      K.gupPinned(s, hi, p);
      // FOLL_TOUCH: set by get_user_pages*() and by the slow fallback of *_fast(), not by
      // pin_user_pages(); a write GUP then dirties a clean page.
      const touch = h.kind === 'GET' || h.fast;
      if (touch && wantsWrite(s) && !E.d.test(s) && !k.pg[p]!.PG_dirty.test(s)) k.setPageDirty(s, p);
      // touch_pmd: FOLL_TOUCH on a huge PMD marks it young and, for a write (any GUP before 4.15), dirty.
      if (touch && huge && k.pmdMapped(s, q, v) && K.gupTouchDirtiesPmd(wantsWrite(s))) for (const e of k.rangeEntries(s, q, v)) e.d.set(s, 1);
    },
  }), { page: (s) => (E.present.test(s) && K.gupLocksPage(s, hi, E.pfn.get(s)) ? E.pfn.get(s) : -1), owner: holderOwner(hi), how: 'takes' }));

  if (migrate !== undefined) {
    // __gup_longterm_locked: pinned, then check_and_migrate_movable_pages finds the page in
    // ZONE_MOVABLE: isolate it, unpin, migrate_pages; on success GUP again (the PTE now maps
    // the new page), on failure the call fails holding nothing (-ENOMEM). An isolation that
    // fails (someone else has the page off the LRU) makes it try again: a wait.
    const refuses = K.migrateRefuses();
    out.push(underPageLock(action({
      name: 'gup: check_and_migrate_movable_pages', actor, params,
      label: `${actor}: ${api}(${flags}): follow_page_pte + ${k.fn('gup.grab')}, then check_and_migrate_movable_pages: the page is in ZONE_MOVABLE: isolate, unpin, ${migrateWords(k)}; -ENOMEM if it cannot move, else GUP again`,
      requires: atPc(HOLDER.start), guard: (s) => onSlowPath(s) && !E.unmapped.test(s) && refused === undefined && permits(s) && !mustUnshare(s) && mustMigrate(s) &&
        k.pg[E.pfn.get(s)]!.PG_lru.test(s) && !k.locked(s, E.pfn.get(s)) && k.root.forked.get(s) !== FORK.copying,
      effect: (s) => {
        const p = E.pfn.get(s);
        k.isolateLruPage(s, p);
        if (!branchTaken(refuses, s, p) && k.migrateAnonPage(s, p)) return;
        k.putbackLruPage(s, p);
        H.pc.set(s, HOLDER.refused);
      },
    }), { page: (s) => (E.present.test(s) ? E.pfn.get(s) : -1), owner: holderOwner(hi), how: 'takes' }));
  }

  if (h.fast) {
    // Where khugepaged can clear the PMD (pmdp_collapse_flush) between GUP-fast's read of the PMD
    // and of the PTE, the walk is a step of its own (gup_pmd_range, then gup_pte_range on the
    // table it found); a cleared PMD sends GUP-fast to the slow path.
    // (Only a GUP-fast of the THP range khugepaged works on: its address under the PMD being cleared.)
    const walks = k.sh.collapse && vma.thp !== null;
    const grabFrom = walks ? HOLDER.walked : HOLDER.start;
    if (walks) {
      out.push(action({
        name: 'gup_fast: gup_pmd_range', actor, params,
        label: `${actor}: ${api}(${flags}): lockless walk: gup_pmd_range reads the PMD (a page table, or a huge PMD)`,
        requires: atPc(HOLDER.start), guard: (s) => !H.slow.test(s) && !k.collapsing(s, q),
        effect: (s) => { H.pc.set(s, HOLDER.walked); },
      }));
    }
    // fast path, part 1: lockless walk, speculative grab.
    out.push(action({
      name: 'gup_fast: try_grab_folio_fast', actor, params,
      label: `${actor}: ${api}(${flags}): ${walks ? 'gup_pte_range reads the PTE' : 'lockless walk'}, ${k.fn('gup.fastGrab')}`,
      // The lockless walk cannot sleep in lock_page: a GUP that must lock the page falls back.
      // From 5.13 it refuses a page that is not long-term pinnable (the slow path migrates it).
      requires: atPc(grabFrom), guard: (s) => !H.slow.test(s) && permits(s) && !K.gupLocksPage(s, hi, E.pfn.get(s)) && !mustMigrate(s),
      effect: (s) => {
        const p = E.pfn.get(s);
        k.grabGupRef(s, hi, p);
        H.page.set(s, p);
        K.gupFastGrabbed(s, hi);
        H.pc.set(s, HOLDER.grabbed);
      },
    }));
    out.push(action({
      name: 'gup_fast: fall back to the slow path', actor, params,
      label: `${actor}: ${api}: PTE not usable locklessly, fall back to the slow path`,
      guard: (s) => !H.slow.test(s) && ((at(s, grabFrom) && (!permits(s) || K.gupLocksPage(s, hi, E.pfn.get(s)) || mustMigrate(s))) ||
        (walks && at(s, HOLDER.start) && k.collapsing(s, q))),
      effect: (s) => {
        H.slow.set(s, 1);
        H.pc.set(s, HOLDER.start);
      },
    }));
    // fast path, part 2: recheck the PTE (and whatever the kernel's fast path checks); undo on a change.
    out.push(action({
      name: 'gup_fast: recheck pte', actor, params,
      label: `${actor}: ${api}: recheck PTE${h.kind === 'PIN' && k.atLeast('5.11') ? ' and write_protect_seq' : ''}`,
      requires: atPc(HOLDER.grabbed), guard: () => true,
      effect: (s) => {
        const p = H.page.get(s);
        const ok = permits(s) && E.pfn.get(s) === p && !mustUnshare(s) && K.gupFastPinAllowed(s, hi, p);
        if (ok) {
          H.pc.set(s, HOLDER.held);
          K.gupPinned(s, hi, p);
          return;
        }
        k.ungrabGupRef(s, hi, p);
        H.pc.set(s, HOLDER.start);
        H.slow.set(s, 1);
        H.page.set(s, 0);
        K.gupFastUndone(s, hi);
      },
    }));
  }

  // the device writes the page (DMA): no PTE dirty bit, no PG_dirty, any page state.
  if (h.write) {
    out.push(action({
      name: 'dma: device writes page', actor: `${actor}/device`, params,
      // A FOLL_FORCE holder is the kernel writing for /proc/PID/mem (access_process_vm → copy_to_user_page).
      label: h.force ? `${actor}: access_process_vm: copy_to_user_page writes the page` : `${actor}: device DMA-writes the page`,
      requires: atPc(HOLDER.held), guard: (s) => !H.wrote.test(s),
      effect: (s) => {
        const p = H.page.get(s);
        k.writeData(s, p, q);
        H.wrote.set(s, 1);
        // A long-term pin's DMA (an RDMA write) completes on its own; a short-term one when the syscall returns.
        if (h.longterm) k.writeCompleted(s, p);
        else k.dmaWritten(s, hi, p);
      },
    }));
  }

  // A bio holder's references go at bio completion (bio.ts).
  if (h.bio !== null) return out;

  // release.
  // Roles: a driver converted to another era's release API takes the same steps.
  const words = K.releaseWords(h);
  // set_page_dirty_lock and its successors take the page lock around the dirtying (unless the page is already dirty).
  // (the unpin_user_pages_dirty_lock family skips the lock for a page already dirty).
  const lockedIf = (locks: boolean, onlyIfClean: boolean, a: Action) => (!locks ? a : underPageLock(a, {
    page: (s) => {
      const p = H.page.get(s);
      return H.pc.get(s) === HOLDER.held && !(onlyIfClean && k.pg[p]!.PG_dirty.test(s)) ? p : -1;
    },
    owner: holderOwner(hi), how: 'takes',
  }));
  // unpin_user_page in the release's words (put_user_page in 5.2–5.5, put_page before).
  const called = (name: ReleaseKind) => (name === 'unpin_user_page' ? k.fn('release.unpin') : name);
  const put = (name: ReleaseKind) => {
    const amount = K.releaseAmount(name);
    return action({
      name: `release: ${name}`, actor, params, role: 'release: drop the GUP reference',
      label: `${actor}: ${called(name)}(${amount > 1 ? `ref -= ${amount}${largeWords && name !== 'put_page' ? '; on a THP ref -= 1, pincount -= 1' : ''}` : 'ref -= 1'})${words}`,
      requires: atPc(h.release === 'put_page' || h.release === 'put_user_page' || h.release === 'unpin_user_page' ? HOLDER.held : HOLDER.dirtied), guard: () => true,
      effect: (s) => {
        const p = H.page.get(s);
        K.released(s, hi, p, name);
        k.dmaCompletedAtRelease(s, hi, p);
        // Unpinning the zero page is a no-op where pinning it was (6.5); a large folio's pin is one reference (5.7).
        k.putPage(s, p, p === k.sh.zeroSlot && k.sh.holders[hi]!.zeroInc === 0 ? 0 : k.unpinLargeFolio(s, p, name, amount));
        H.pc.set(s, HOLDER.released);
      },
    });
  };
  const dirty = (name: string, locks: boolean, onlyIfClean: boolean, label = name) => lockedIf(locks, onlyIfClean, action({
    name: `release: ${name}`, actor, params, role: `release: dirty the page${locks ? ' under the page lock' : ''}`,
    label: `${actor}: ${label}`,
    requires: atPc(HOLDER.held),
    guard: (s) => {
      const p = H.page.get(s);
      if (onlyIfClean && k.pg[p]!.PG_dirty.test(s)) return true; // no lock taken
      // lock_page sleeps while someone else holds it (a GUP that kept the lock already does).
      return !locks || !k.locked(s, p) || k.pg[p]!.PG_locked.get(s) === holderOwner(hi);
    },
    effect: (s) => {
      const p = H.page.get(s);
      if (!(onlyIfClean && k.pg[p]!.PG_dirty.test(s))) k.setPageDirty(s, p);
      H.pc.set(s, HOLDER.dirtied);
    },
  }));
  switch (h.release) {
    case 'put_page': out.push(put('put_page')); break;
    case 'put_user_page': out.push(put('put_user_page')); break;
    case 'unpin_user_page': out.push(put('unpin_user_page')); break;
    case 'set_page_dirty+put_page': out.push(dirty('set_page_dirty', false, false), put('put_page')); break;
    case 'set_page_dirty_lock+put_page': out.push(dirty('set_page_dirty_lock', true, false), put('put_page')); break;
    case 'put_user_pages_dirty_lock': out.push(dirty('put_user_pages_dirty_lock: set_page_dirty_lock', true, true), put('put_user_page')); break;
    case 'unpin_user_pages_dirty_lock': {
      // unpin_user_pages_dirty_lock (5.6), put_user_pages_dirty_lock (5.2–5.5), set_page_dirty_lock before.
      const fn = k.fn('release.unpinDirty');
      const mark = k.fn('release.markDirty');
      out.push(dirty('unpin_user_pages_dirty_lock: folio_mark_dirty', true, true, fn === mark ? fn : `${fn}: ${mark}`), put('unpin_user_page'));
      break;
    }
  }
  return out;
}
