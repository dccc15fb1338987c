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

import { action, type Action, type FieldTest } from '../../src/engine/model.js';
import { branchTaken } from './hooks.js';
import type { Field } from '../../src/engine/schema.js';
import { FORK, OFFLINE, OWNER, underPageLock, type Kernel } from './kernel.js';


/** The words of migrate_pages in the release's names. */
export const migrateWords = (k: Kernel): string =>
  `migrate_pages: ${k.atLeast('5.14') ? 'try_to_migrate' : 'try_to_unmap(TTU_MIGRATION)'}, ${k.atLeast('5.16') ? 'folio_migrate_mapping' : 'migrate_page_move_mapping'} (refcount = PTEs + swap cache + isolation), copy, remove_migration_ptes`;

/** One migrating actor: who it is, its record, where it takes pages, and what the isolation step says. */
interface Migrator {
  readonly actor: string;
  /** Its actions' name prefix (offline, compaction). */
  readonly prefix: string;
  /** Its record: pc (0 between pages, 1 a page isolated) and the page. */
  readonly rec: { readonly pc: Field; readonly page: Field };
  /** The pages it may take. */
  readonly pages: readonly number[];
  readonly isolateName: string;
  readonly isolateLabel: (id: string) => string;
  /** Beyond "on the LRU, anonymous": may it take page p now? */
  readonly mayIsolate: (s: Uint32Array, p: number) => boolean;
  /** What the failed migration's label adds (offline_pages tries again; compaction goes on). */
  readonly retryWords: string;
}

/** Isolate a page, then migrate_pages: moved, backed off (5.19), or failed at the refcount check and put back. */
function migratorActions(k: Kernel, m: Migrator): Action[] {
  const { actor, rec } = m;
  const refuses = k.hooks.migrateRefuses();
  const at = (s: Uint32Array, pc: number) => rec.pc.get(s) === pc;
  // The same test as field tests the expander inlines (FieldTest): most guards fail on it.
  const atPc = (pc: number): FieldTest[] => [{ field: rec.pc, value: pc }];
  const cur = (s: Uint32Array) => rec.page.get(s);
  const idle = (s: Uint32Array) => {
    rec.pc.set(s, 0);
    rec.page.set(s, 0);
  };
  const putback = (s: Uint32Array) => {
    const p = cur(s);
    idle(s);
    k.putbackLruPage(s, p);
  };
  // try_to_migrate takes each PTE's page-table lock, which fork's copy holds; migrate_pages(MIGRATE_SYNC) sleeps in folio_lock.
  const canRun = (s: Uint32Array) => at(s, 1) && !k.locked(s, cur(s)) && k.root.forked.get(s) !== FORK.copying;
  const takesLock = { page: cur, owner: OWNER.none, how: 'takes' as const };
  const out: Action[] = m.pages.map((p) => action({
    name: m.isolateName, actor, params: { page: k.sh.pages[p]!.id },
    label: m.isolateLabel(k.sh.pages[p]!.id),
    requires: atPc(0), guard: (s) => k.pg[p]!.PG_lru.test(s) && k.isAnon(s, p) && m.mayIsolate(s, p),
    effect: (s) => {
      k.isolateLruPage(s, p);
      rec.pc.set(s, 1);
      rec.page.set(s, p);
    },
  }));
  out.push(...refuses.map((b) => underPageLock(action({
    name: `${m.prefix}: ${b.name}`, actor, ...(b.role !== undefined ? { role: b.role } : {}),
    label: `${actor}: ${b.label}`,
    guard: (s) => canRun(s) && b.when(s, cur(s)),
    effect: (s) => {
      b.effect?.(s, cur(s));
      putback(s);
    },
  }), takesLock)));
  const words = migrateWords(k);
  out.push(underPageLock(action({
    name: `${m.prefix}: migrate_pages`, actor,
    label: `${actor}: ${words}: moved to a new page, the old one freed`,
    guard: (s) => canRun(s) && !branchTaken(refuses, s, cur(s)) && k.pg[cur(s)]!.ref.get(s) === k.migrationExpectedRefs(s, cur(s)),
    effect: (s) => {
      k.migrateAnonPage(s, cur(s));
      idle(s);
    },
  }), takesLock));
  out.push(underPageLock(action({
    name: `${m.prefix}: migrate_pages failed, putback`, actor,
    label: `${actor}: ${words}: -EAGAIN (references beyond the expected: a GUP reference or pin), putback_movable_pages; ${m.retryWords}`,
    guard: (s) => canRun(s) && !branchTaken(refuses, s, cur(s)) && k.pg[cur(s)]!.ref.get(s) !== k.migrationExpectedRefs(s, cur(s)),
    effect: putback,
  }), takesLock));
  return out;
}

/** offline_pages over the movable block: isolate a page, migrate it (or put it back and retry), until the block is empty. */
export function offlineActions(k: Kernel): Action[] {
  const O = k.root.offline!;
  const movable = k.sh.pages.flatMap((pg, p) => (pg.movable ? [p] : []));
  const out = migratorActions(k, {
    actor: 'offline', prefix: 'offline', rec: O, pages: movable,
    isolateName: 'offline: isolate_lru_page',
    isolateLabel: (id) => `offline: offline_pages → do_migrate_range: ${k.atLeast('5.18') ? 'folio_isolate_lru' : 'isolate_lru_page'}(${id}) (ref += 1, off the LRU)`,
    mayIsolate: () => true,
    retryWords: 'offline_pages tries again',
  });
  out.push(action({
    name: 'offline: offline_pages returns', actor: 'offline',
    label: 'offline: scan_movable_pages finds no page in use in the block: offline_pages returns 0',
    guard: (s) => O.pc.get(s) === OFFLINE.scanning && movable.every((p) => k.pg[p]!.ref.get(s) === 0 && !k.isAnon(s, p)),
    effect: (s) => { O.pc.set(s, OFFLINE.done); },
  }));
  return out;
}

/**
 * kcompactd: compaction migrates anonymous pages to other free pages, over
 * and over. isolate_migratepages_block skips an anonymous page that is not
 * in the swap cache and has more references than mappings (a GUP reference
 * or pin: 119d6d59dcc0, 3.15); a reference taken after isolation fails the
 * migration at its refcount check.
 */
export function compactionActions(k: Kernel): Action[] {
  const C = k.root.kcompactd!;
  const anon = k.sh.pages.flatMap((pg, p) => (pg.kind === 'anon' || pg.kind === 'spare' ? [p] : []));
  return migratorActions(k, {
    actor: 'kcompactd', prefix: 'compaction', rec: C, pages: anon,
    isolateName: 'compaction: isolate_migratepages_block',
    isolateLabel: (id) => `kcompactd: compact_zone → isolate_migratepages_block: takes ${id} (its references are its mappings; ref += 1, off the LRU)`,
    mayIsolate: (s, p) => k.swapSlotOf(s, p) >= 0 || k.pg[p]!.ref.get(s) <= k.pg[p]!.map.get(s),
    retryWords: 'compaction goes on',
  });
}
