// GUP holders (reference §2.1–2.3, §2.9): the slow path split into fault and
// follow/grab, the fast path split into grab and recheck, the device's DMA
// write, and the release the driver does.

import { action, type Action } from '../../src/engine/model.js';
import { faultBlocked, handleMmFault, needsFault } from './fault.js';
import { HOLDER, MAPPING, OWNER, type Kernel } from './kernel.js';
import type { HolderSpec } from './shape.js';

/** Refcount a release function gives back: unpin gives back the era's pin increment. */
export function releaseAmount(k: Kernel, unpin: boolean): number {
  return unpin && k.sh.era.pinBias ? k.sh.bias : 1;
}

/**
 * gup_must_unshare: a R/O FOLL_PIN on an anon page that is not
 * PageAnonExclusive must fault with FAULT_FLAG_UNSHARE first (5.19+).
 */
export function mustUnshare(k: Kernel, s: Uint32Array, h: HolderSpec): boolean {
  if (h.kind !== 'PIN' || h.write) return false;
  const e = k.pr[h.proc]!.vma[h.va]!;
  if (!e.present.test(s)) return false;
  const p = e.pfn.get(s);
  if (k.isAnon(s, p)) return k.sh.era.anonExclusive && !k.pg[p]!.exclusive.test(s);
  // 6.2+: a R/O long-term pin of a file page in a private (COW) mapping must
  // break COW first, or a later write through the mapping leaves the pin behind.
  return k.sh.era.longtermCowUnshare && h.longterm && !k.sh.procs[h.proc]!.vmas[h.va]!.shared;
}

/** check_vma_flags, 6.5+: FOLL_LONGTERM|FOLL_WRITE pins of dirty-tracked file mappings are refused. */
export function longtermFileBanned(k: Kernel, h: HolderSpec): boolean {
  return k.sh.era.longtermFileBan && h.kind === 'PIN' && h.longterm && h.write && k.sh.procs[h.proc]!.vmas[h.va]!.dirtyTracked;
}

/** The lock owner value of holder hi (lock-page-over-gup). */
export const holderOwner = (hi: number): number => OWNER.holderBase + hi;

/** Lock-page-over-gup: this GUP(write) of a page-cache page must take PG_locked. */
export function gupLocksPage(k: Kernel, s: Uint32Array, h: HolderSpec, p: number): boolean {
  return k.sh.era.lockPageOverGup && h.write && k.inCache(s, p);
}

/** The release functions a reference may be given back with, by name. */
export type ReleaseKind = 'put_page' | 'put_user_page' | 'unpin_user_page';

/**
 * Does a release of this kind match how the reference was taken? GUP refs
 * are 'GET' or 'PIN', other references (a bio's page-cache or zero-page
 * reference) 'plain'. Where pins are biased, put_user_page is unpin's
 * earlier name (renamed in 5.6); where only put_user_page exists, every
 * GUP reference must use it. Eras without either cannot tell: always true.
 */
export function releaseMatches(k: Kernel, taken: 'GET' | 'PIN' | 'plain', released: ReleaseKind): boolean {
  const era = k.sh.era;
  if (era.pinBias) return taken === 'PIN' ? released !== 'put_page' : released === 'put_page';
  if (era.userPageApi) return taken === 'plain' ? released === 'put_page' : released !== 'put_page';
  return true;
}

export function holderActions(k: Kernel, hi: number): Action[] {
  const h = k.sh.holders[hi]!;
  const H = k.hd[hi]!;
  const { proc: q, va: v } = h;
  const E = k.pr[q]!.vma[v]!;
  const actor = h.id;
  const params = { holder: h.id };
  const api = h.kind === 'PIN' ? (h.fast ? 'pin_user_pages_fast' : 'pin_user_pages') : (h.fast ? 'get_user_pages_fast' : 'get_user_pages');
  const flags = [h.kind === 'PIN' ? 'FOLL_PIN' : 'FOLL_GET', ...(h.write ? ['FOLL_WRITE'] : []), ...(h.longterm ? ['FOLL_LONGTERM'] : [])].join('|');
  const alive = k.pr[q]!.alive;
  // GUP walks a live mm: a fork child's holder waits for fork.
  const at = (s: Uint32Array, pc: number) => H.pc.get(s) === pc && alive.test(s);
  const onSlowPath = (s: Uint32Array) => !h.fast || H.slow.test(s);
  const permits = (s: Uint32Array) => E.present.test(s) && (!h.write || E.w.test(s));
  const out: Action[] = [];

  // §2.1 check_vma_flags: the address is gone, or (6.5+) the long-term write pin is banned.
  out.push(action({
    name: 'gup: check_vma_flags → EFAULT', actor, params,
    label: `${actor}: ${api}(${flags}) → -EFAULT (${longtermFileBanned(k, h) ? 'FOLL_LONGTERM write pin of a dirty-tracked file mapping' : 'no VMA'})`,
    guard: (s) => at(s, HOLDER.start) && (longtermFileBanned(k, h) || E.unmapped.test(s)),
    effect: (s) => { H.pc.set(s, HOLDER.refused); },
  }));

  // §2.1 slow path, part 1: faultin_page → handle_mm_fault.
  out.push(action({
    name: 'gup: faultin_page', actor, params,
    label: `${actor}: ${api}(${flags}): faultin_page → handle_mm_fault${h.write ? '(FAULT_FLAG_WRITE)' : ''}`,
    guard: (s) => at(s, HOLDER.start) && onSlowPath(s) && !E.unmapped.test(s) && !longtermFileBanned(k, h) &&
      needsFault(k, s, q, v, h.write, mustUnshare(k, s, h)) && !faultBlocked(k, s, q, v),
    effect: (s) => {
      const r = handleMmFault(k, s, q, v, h.write, mustUnshare(k, s, h));
      if (r !== 'ok') H.pc.set(s, HOLDER.refused);
    },
  }));

  // §2.1 slow path, part 2: follow_page_pte + try_grab_page (+ FOLL_TOUCH for get_user_pages).
  out.push(action({
    name: 'gup: follow_page_pte + try_grab_page', actor, params,
    label: `${actor}: ${api}(${flags}): follow_page_pte + try_grab_page${h.kind === 'PIN' && k.sh.era.pinBias ? ' (ref += BIAS)' : ' (ref += 1)'}`,
    guard: (s) => at(s, HOLDER.start) && onSlowPath(s) && !E.unmapped.test(s) && !longtermFileBanned(k, h) && permits(s) && !mustUnshare(k, s, h) &&
      // lock-page-over-gup: lock_page sleeps while someone else holds PG_locked.
      !(gupLocksPage(k, s, h, E.pfn.get(s)) && k.locked(s, E.pfn.get(s))),
    effect: (s) => {
      const p = E.pfn.get(s);
      k.getPage(s, p, h.inc);
      H.page.set(s, p);
      H.pc.set(s, HOLDER.held);
      if (gupLocksPage(k, s, h, p)) k.pg[p]!.lock.set(s, holderOwner(hi));
      if (k.sh.era.pinIsolatesFromLru) k.pinPageForDma(s, p);
      // FOLL_TOUCH: set by get_user_pages*() and by the slow fallback of *_fast(), not by
      // pin_user_pages(); a write GUP then dirties a clean page.
      const touch = h.kind === 'GET' || h.fast;
      if (touch && h.write && !E.d.test(s) && !k.pg[p]!.dirty.test(s)) k.setPageDirty(s, p);
    },
  }));

  if (h.fast) {
    // §2.2 fast path, part 1: lockless walk, speculative grab.
    out.push(action({
      name: 'gup_fast: try_grab_folio_fast', actor, params,
      label: `${actor}: ${api}(${flags}): lockless walk, try_grab_folio_fast`,
      // lock-page-over-gup: the lockless walk cannot sleep in lock_page, so a write GUP of a cache page falls back.
      guard: (s) => at(s, HOLDER.start) && !H.slow.test(s) && permits(s) && !gupLocksPage(k, s, h, E.pfn.get(s)),
      effect: (s) => {
        const p = E.pfn.get(s);
        k.getPage(s, p, h.inc);
        H.page.set(s, p);
        H.seq.set(s, k.L.root.forked.get(s));
        H.pc.set(s, HOLDER.grabbed);
      },
    }));
    out.push(action({
      name: 'gup_fast: fall back to the slow path', actor, params,
      label: `${actor}: ${api}: PTE not usable locklessly, fall back to the slow path`,
      guard: (s) => at(s, HOLDER.start) && !H.slow.test(s) && (!permits(s) || gupLocksPage(k, s, h, E.pfn.get(s))),
      effect: (s) => { H.slow.set(s, 1); },
    }));
    // §2.2 fast path, part 2: recheck the PTE (and write_protect_seq for pins); undo on a change.
    out.push(action({
      name: 'gup_fast: recheck pte', actor, params,
      label: `${actor}: ${api}: recheck PTE${h.kind === 'PIN' ? ' and write_protect_seq' : ''}`,
      guard: (s) => at(s, HOLDER.grabbed),
      effect: (s) => {
        const p = H.page.get(s);
        const fileFastBanned = k.sh.era.longtermFileBan && h.kind === 'PIN' && h.longterm && h.write && k.pg[p]!.mapping.get(s) === MAPPING.file && k.isExt4(p);
        const ok = permits(s) && E.pfn.get(s) === p && !mustUnshare(k, s, h) && !fileFastBanned &&
          !(k.sh.era.gupFastSeqcount && h.kind === 'PIN' && H.seq.get(s) !== k.L.root.forked.get(s));
        if (ok) {
          H.pc.set(s, HOLDER.held);
          if (k.sh.era.pinIsolatesFromLru) k.pinPageForDma(s, p);
          return;
        }
        k.putPage(s, p, h.inc);
        H.pc.set(s, HOLDER.start);
        H.slow.set(s, 1);
        H.page.set(s, 0);
        H.seq.set(s, 0);
      },
    }));
  }

  // §2.3 the device writes the page (DMA): no PTE dirty bit, no PG_dirty, any page state.
  if (h.write) {
    out.push(action({
      name: 'dma: device writes page', actor: `${actor}/device`, params,
      label: `${actor}: device DMA-writes the page`,
      guard: (s) => at(s, HOLDER.held) && !H.wrote.test(s),
      effect: (s) => {
        k.writeData(s, H.page.get(s), q);
        H.wrote.set(s, 1);
      },
    }));
  }

  // A bio holder's references go at bio completion (bio.ts).
  if (h.bio !== null) return out;

  // §2.9 release.
  // Roles: a driver converted to another era's release API takes the same steps.
  const put = (name: ReleaseKind, amount: number) => action({
    name: `release: ${name}`, actor, params, role: 'release: drop the GUP reference',
    label: `${actor}: ${name}(${amount > 1 ? `ref -= ${amount}` : 'ref -= 1'})${k.sh.era.lockPageOverGup && h.write ? ', unlock_page if GUP locked it' : ''}`,
    guard: (s) => at(s, h.release === 'put_page' || h.release === 'put_user_page' || h.release === 'unpin_user_page' ? HOLDER.held : HOLDER.dirtied),
    effect: (s) => {
      const p = H.page.get(s);
      if (k.pg[p]!.lock.get(s) === holderOwner(hi)) k.unlockPage(s, p);
      if (k.sh.era.pinIsolatesFromLru && name !== 'put_page') k.unpinPageForDma(s, p);
      k.putPage(s, p, amount);
      H.pc.set(s, HOLDER.released);
    },
  });
  const dirty = (name: string, locks: boolean, onlyIfClean: boolean) => action({
    name: `release: ${name}`, actor, params, role: `release: dirty the page${locks ? ' under the page lock' : ''}`,
    label: `${actor}: ${name}`,
    guard: (s) => {
      if (!at(s, HOLDER.held)) return false;
      const p = H.page.get(s);
      if (onlyIfClean && k.pg[p]!.dirty.test(s)) return true; // no lock taken
      // lock_page sleeps while someone else holds it (lock-page-over-gup: the holder already does).
      return !locks || !k.locked(s, p) || k.pg[p]!.lock.get(s) === holderOwner(hi);
    },
    effect: (s) => {
      const p = H.page.get(s);
      if (!(onlyIfClean && k.pg[p]!.dirty.test(s))) k.setPageDirty(s, p);
      H.pc.set(s, HOLDER.dirtied);
    },
  });
  switch (h.release) {
    case 'put_page': out.push(put('put_page', 1)); break;
    case 'put_user_page': out.push(put('put_user_page', releaseAmount(k, true))); break;
    case 'unpin_user_page': out.push(put('unpin_user_page', releaseAmount(k, true))); break;
    case 'set_page_dirty+put_page': out.push(dirty('set_page_dirty', false, false), put('put_page', 1)); break;
    case 'set_page_dirty_lock+put_page': out.push(dirty('set_page_dirty_lock', true, false), put('put_page', 1)); break;
    case 'put_user_pages_dirty_lock': out.push(dirty('put_user_pages_dirty_lock: set_page_dirty_lock', true, true), put('put_user_page', releaseAmount(k, true))); break;
    case 'unpin_user_pages_dirty_lock': out.push(dirty('unpin_user_pages_dirty_lock: folio_mark_dirty', true, true), put('unpin_user_page', releaseAmount(k, true))); break;
  }
  return out;
}
