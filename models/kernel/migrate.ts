// Migration of anonymous pages out of the movable block: memory offlining
// (offline_pages → do_migrate_range → migrate_pages), which retries while a
// page cannot move until the block is empty, and the long-term GUP that
// moves a page out before it pins it (check_and_migrate_movable_pages,
// 5.13's d1e153fea2a8). migrate_pages runs as one step: its unmap
// (migration entries), the refcount check, the copy and the remap hold the
// page lock and the page-table locks, and a GUP meeting a migration entry
// waits for it (migration_entry_wait), so nothing can run in between that
// the step's outcome would not already show. See
// docs/kernel-source-notes.md §15.

import { action, type Action } from '../../src/engine/model.js';
import type { BranchStep } from './hooks.js';
import { FORK, OFFLINE, OWNER, underPageLock, type Kernel } from './kernel.js';

const actor = 'offline';

/** Does a branch step of migrate_pages (a kernel's reason not to move it) apply to page p? */
export const migrationRefused = (branches: readonly BranchStep[], s: Uint32Array, p: number): boolean => {
  for (let i = 0; i < branches.length; i++) if (branches[i]!.when(s, p)) return true;
  return false;
};

/** The words of migrate_pages in the release's names. */
export const migrateWords = (k: Kernel): string =>
  `migrate_pages: ${k.atLeast('5.14') ? 'try_to_migrate' : 'try_to_unmap(TTU_MIGRATION)'}, ${k.atLeast('5.16') ? 'folio_migrate_mapping' : 'migrate_page_move_mapping'} (refcount = PTEs + swap cache + isolation), copy, remove_migration_ptes`;

/** offline_pages over the movable block: isolate a page, migrate it (or put it back and retry), until the block is empty. */
export function offlineActions(k: Kernel): Action[] {
  const O = k.root.offline!;
  const K = k.hooks;
  const refuses = K.migrateRefuses();
  const movable = k.sh.pages.flatMap((pg, p) => (pg.movable ? [p] : []));
  const at = (s: Uint32Array, pc: number) => O.pc.get(s) === pc;
  const cur = (s: Uint32Array) => O.page.get(s);
  const putback = (s: Uint32Array) => {
    const p = cur(s);
    O.pc.set(s, OFFLINE.scanning);
    O.page.set(s, 0);
    k.putbackLruPage(s, p);
  };
  // try_to_migrate takes each PTE's page-table lock, which fork's copy holds; migrate_pages(MIGRATE_SYNC) sleeps in folio_lock.
  const canRun = (s: Uint32Array) => at(s, OFFLINE.isolated) && !k.locked(s, cur(s)) && k.root.forked.get(s) !== FORK.copying;
  const takesLock = { page: cur, owner: OWNER.none, how: 'takes' as const };
  const out: Action[] = movable.map((p) => action({
    name: 'offline: isolate_lru_page', actor, params: { page: k.sh.pages[p]!.id },
    label: `offline: offline_pages → do_migrate_range: ${k.atLeast('5.18') ? 'folio_isolate_lru' : 'isolate_lru_page'}(${k.sh.pages[p]!.id}) (ref += 1, off the LRU)`,
    guard: (s) => at(s, OFFLINE.scanning) && k.pg[p]!.PG_lru.test(s) && k.isAnon(s, p),
    effect: (s) => {
      k.isolateLruPage(s, p);
      O.pc.set(s, OFFLINE.isolated);
      O.page.set(s, p);
    },
  }));
  out.push(...refuses.map((b) => underPageLock(action({
    name: `offline: ${b.name}`, actor, ...(b.role !== undefined ? { role: b.role } : {}),
    label: `offline: ${b.label}`,
    guard: (s) => canRun(s) && b.when(s, cur(s)),
    effect: (s) => {
      b.effect?.(s, cur(s));
      putback(s);
    },
  }), takesLock)));
  const words = migrateWords(k);
  out.push(underPageLock(action({
    name: 'offline: migrate_pages', actor,
    label: `offline: ${words}: moved to a new page, the old one freed`,
    guard: (s) => canRun(s) && !migrationRefused(refuses, s, cur(s)) && k.pg[cur(s)]!.ref.get(s) === k.migrationExpectedRefs(s, cur(s)),
    effect: (s) => {
      k.migrateAnonPage(s, cur(s));
      O.pc.set(s, OFFLINE.scanning);
      O.page.set(s, 0);
    },
  }), takesLock));
  out.push(underPageLock(action({
    name: 'offline: migrate_pages failed, putback', actor,
    label: `offline: ${words}: -EAGAIN (references beyond the expected: a GUP reference or pin), putback_movable_pages; offline_pages tries again`,
    guard: (s) => canRun(s) && !migrationRefused(refuses, s, cur(s)) && k.pg[cur(s)]!.ref.get(s) !== k.migrationExpectedRefs(s, cur(s)),
    effect: putback,
  }), takesLock));
  out.push(action({
    name: 'offline: offline_pages returns', actor,
    label: 'offline: scan_movable_pages finds no page in use in the block: offline_pages returns 0',
    guard: (s) => at(s, OFFLINE.scanning) && movable.every((p) => k.pg[p]!.ref.get(s) === 0 && !k.isAnon(s, p)),
    effect: (s) => { O.pc.set(s, OFFLINE.done); },
  }));
  return out;
}
