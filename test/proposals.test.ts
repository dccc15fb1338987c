// Issue 4 §4: the verdict each proposal earns on the scenarios that test it,
// with the kernel steps of each shortest trace in order. These are the
// findings `gupcheck compare` prints; a change to the model that moves one
// of them must show up here.
import test from 'ava';
import { check } from '../src/engine/checker.js';
import type { CheckResult, PropertyResult } from '../src/engine/result.js';
import { buildKernelModel, resolveScenario, scenarioNames } from '../models/kernel/build.js';
import { PROPOSALS } from '../models/index.js';

type Name = (typeof PROPOSALS)[number]['name'];
const cache = new Map<string, CheckResult>();
function run(proposal: Name, scenario: string): CheckResult {
  const key = `${proposal}/${scenario}`;
  let r = cache.get(key);
  if (r === undefined) {
    r = check(buildKernelModel(resolveScenario(scenario), PROPOSALS.find((p) => p.name === proposal)!));
    cache.set(key, r);
  }
  return r;
}
function prop(r: CheckResult, name: string): PropertyResult {
  const p = r.properties.find((x) => x.name === name);
  if (p === undefined) throw new Error(`${r.model}: no property ${name} (has ${r.properties.map((x) => x.name).join(', ')})`);
  return p;
}
const status = (proposal: Name, scenario: string, name: string) => prop(run(proposal, scenario), name).status;
const steps = (p: PropertyResult) => (p.trace ?? []).map((s) => s.action);
const has = (r: CheckResult, name: string) => r.properties.some((p) => p.name === name);
/** `sub` occurs in `all` in this order (other steps may come between). */
function inOrder(all: readonly string[], sub: readonly string[]): boolean {
  let i = 0;
  for (const a of all) if (a === sub[i]) i++;
  return i === sub.length;
}

const EXT4_BUG = [
  'gup: follow_page_pte + try_grab_page', 'flusher: clear_page_dirty_for_io', 'disk: end_page_writeback',
  'reclaim: try_to_free_buffers', 'reclaim: __remove_mapping',
];

test('ext4 BUG (I1): violated by baseline, put-user-page and gup-bias (tracking without policy), with the 5.1 trace', (t) => {
  for (const p of ['baseline', 'put-user-page', 'gup-bias'] as const) {
    for (const sc of ['ext4-gup-write', 'ext4-pin-write']) {
      const r = run(p, sc);
      t.true(r.complete);
      const i1 = prop(r, 'I1');
      t.is(i1.status, 'violated', `${p}/${sc}`);
      t.true(inOrder(steps(i1), EXT4_BUG), `${p}/${sc}: ${steps(i1).join(' → ')}`);
      t.regex(steps(i1).at(-1)!, /^release: .*(set_page_dirty_lock|folio_mark_dirty)/, `${p}/${sc}: the late dirtying comes last`);
    }
  }
  // put_user_page changes nothing: the very same trace as baseline, released through the new API.
  const pup = steps(prop(run('put-user-page', 'ext4-gup-write'), 'I1'));
  t.deepEqual(pup.slice(0, -1), steps(prop(run('baseline', 'ext4-gup-write'), 'I1')).slice(0, -1));
  t.is(pup.at(-1), 'release: put_user_pages_dirty_lock: set_page_dirty_lock');
});

test('modern: I1 holds for a FOLL_PIN holder (6.4 reclaim check) and is still violated for a FOLL_GET holder', (t) => {
  t.is(status('modern', 'ext4-pin-write', 'I1'), 'holds');
  t.is(status('modern', 'ext4-pin-write', 'I5.strip'), 'holds');
  const get = prop(run('modern', 'ext4-gup-write'), 'I1');
  t.is(get.status, 'violated');
  t.true(inOrder(steps(get), EXT4_BUG));
});

test('dma-pinned-flags: the LRU leak (I7, Dave Chinner 2018): put_user_page leaves the page off every LRU', (t) => {
  const r = run('dma-pinned-flags', 'ext4-gup-write');
  const i7 = prop(r, 'I7');
  t.is(i7.status, 'violated');
  t.deepEqual(steps(i7), ['init', 'gup: faultin_page', 'gup: follow_page_pte + try_grab_page',
    'release: put_user_pages_dirty_lock: set_page_dirty_lock', 'release: put_user_page']);
  const last = i7.trace!.at(-1)!.state as { page: { P: { PG_lru: boolean; isolated: boolean; mapping: string; dma_pinned_count: number } } };
  t.deepEqual([last.page.P.PG_lru, last.page.P.isolated, last.page.P.mapping, last.page.P.dma_pinned_count], [false, false, 'file', 0]);
  // The same scenario in baseline keeps the page on the LRU.
  t.is(status('baseline', 'ext4-gup-write', 'I7'), 'holds');
});

test('dma-pinned-flags: GUP racing reclaim\'s isolation leaves the pin untracked, and the ext4 BUG comes back', (t) => {
  const r = run('dma-pinned-flags', 'ext4-gup-write');
  const i1 = prop(r, 'I1');
  t.is(i1.status, 'violated');
  // kswapd isolated the page before GUP finished, so pin_page_for_dma's isolate_lru_page failed.
  t.true(inOrder(steps(i1), ['reclaim: isolate_lru_page', 'gup: follow_page_pte + try_grab_page', 'reclaim: try_to_free_buffers']));
  const dc = prop(r, 'I2.dmaCount');
  t.is(dc.status, 'violated');
  t.true(inOrder(steps(dc), ['reclaim: isolate_lru_page', 'gup: follow_page_pte + try_grab_page', 'release: put_user_page']));
});

test('gup-bias: a pin released by put_page leaks BIAS−1 (I2); a GET released by unpin_user_page underflows (I4) or hides a live pin (I8)', (t) => {
  const r = run('gup-bias', 'release-mismatch');
  const i2 = prop(r, 'I2');
  t.is(i2.status, 'violated');
  t.is(steps(i2).length, 3);
  t.true(['release: put_page', 'release: unpin_user_page'].includes(steps(i2).at(-1)!));
  t.is(prop(r, 'I2.kind').status, 'violated');
  const i4 = prop(r, 'I4');
  t.is(i4.status, 'violated');
  t.deepEqual(steps(i4), ['init', 'gup: follow_page_pte + try_grab_page', 'release: unpin_user_page']);
  t.regex(String(i4.trace!.at(-1)!.params['holder']), /^getunpin[AP]$/, 'a GET unpinned by itself takes the refcount below zero');
  // On P the wrong unpin takes the refcount below BIAS while pinput's pin is live: a false negative.
  const i8 = prop(r, 'I8');
  t.is(i8.status, 'violated');
  t.deepEqual(i8.trace!.slice(1).map((s) => [s.action, s.params['holder']]).sort(), [
    ['gup: follow_page_pte + try_grab_page', 'getunpinP'], ['gup: follow_page_pte + try_grab_page', 'pinput'], ['release: unpin_user_page', 'getunpinP'],
  ].sort());
  // The baseline cannot tell the two kinds apart: every release balances.
  for (const name of ['I2', 'I4']) t.is(status('baseline', 'release-mismatch', name), 'holds', name);
  t.false(has(run('baseline', 'release-mismatch'), 'I2.kind'));
  // put_user_page (step 1) flags the put_page as latent without any behaviour change.
  t.is(status('put-user-page', 'release-mismatch', 'I2'), 'holds');
  t.is(status('put-user-page', 'release-mismatch', 'I2.latent'), 'violated');
  t.false(has(run('put-user-page', 'release-mismatch'), 'I2.kind'));
});

test('gup-bias: plain references read as pinned (a false positive, shown by a witness), and I8 holds', (t) => {
  const r = run('gup-bias', 'false-positive');
  t.is(prop(r, 'I8').status, 'holds');
  const fp = prop(r, 'I8.falsePositive');
  t.is(fp.status, 'holds');
  const last = fp.witness!.at(-1)!.state as { page: { P: { ref: number } }; holder: Record<string, { pc: string; page: string }> };
  t.true(last.page.P.ref >= 5, 'BIAS is scaled to 5');
  t.deepEqual([last.holder['vmsplice']!.pc, last.holder['vmsplice']!.page], ['held', 'P']);
  t.false(r.properties.some((p) => p.status === 'violated' || p.status === 'vacuous'));
});

test('bvec-gup-flag and bio-gup-flag: the merge site drops a pinned duplicate with put_page and BIAS−1 leaks (I2)', (t) => {
  for (const p of ['bvec-gup-flag', 'bio-gup-flag'] as const) {
    const r = run(p, 'dio-merge');
    for (const name of ['I2', 'I2.kind']) t.is(prop(r, name).status, 'violated', `${p}: ${name}`);
    t.deepEqual(steps(prop(r, 'I2')), ['init', 'gup: follow_page_pte + try_grab_page', 'bio: second iovec, same page, merged'], p);
    t.is(prop(r, 'I4').status, 'holds', `${p}: a leak, not an underflow`);
  }
  // Before 6.5 direct I/O used FOLL_GET, and put_page at the merge site is right.
  for (const p of ['baseline', 'gup-bias', 'anon-exclusive'] as const) t.is(status(p, 'dio-merge', 'I2'), 'holds', p);
  // ZERO_PAGE gets a bvec of its own, with its own (plain) flag: fine.
  t.is(status('bvec-gup-flag', 'dio-zero-page', 'I2'), 'holds');
  t.is(status('bvec-gup-flag', 'dio-zero-page', 'I4'), 'holds');
});

test('bio-gup-flag: ZERO_PAGE in a GUP bio is unpinned and its refcount underflows (I4)', (t) => {
  const i4 = prop(run('bio-gup-flag', 'dio-zero-page'), 'I4');
  t.is(i4.status, 'violated');
  t.deepEqual(steps(i4), ['init', 'gup: follow_page_pte + try_grab_page', 'bio: dio_zero_block adds ZERO_PAGE', 'bio: bio_endio → bio_release_pages']);
  const last = i4.trace!.at(-1)!.state as { page: { ZERO_PAGE: { refcountUnderflow?: boolean } } };
  t.true(last.page.ZERO_PAGE.refcountUnderflow);
});

test('the latent mismatch of put-user-page and dma-pinned-flags shows as latent, not violated', (t) => {
  for (const p of ['put-user-page', 'dma-pinned-flags'] as const) {
    for (const sc of ['dio-merge', 'dio-zero-page', 'release-mismatch']) {
      const r = run(p, sc);
      t.is(prop(r, 'I2.latent').status, 'violated', `${p}/${sc}`);
      t.is(prop(r, 'I2').status, 'holds', `${p}/${sc}: no behaviour change`);
    }
  }
});

test('uniform-bio-bias and modern (BIO_PAGE_PINNED, zero page exempt) balance both bios; uniform pays with false positives', (t) => {
  for (const p of ['uniform-bio-bias', 'modern'] as const) {
    for (const sc of ['dio-merge', 'dio-zero-page']) {
      const r = run(p, sc);
      t.false(r.properties.some((x) => x.status === 'violated' || x.status === 'vacuous'), `${p}/${sc}`);
    }
  }
  // Every page under writeback reads as pinned; the zero page too.
  t.is(status('uniform-bio-bias', 'ext4-gup-write', 'I8.falsePositive'), 'holds');
  t.is(status('uniform-bio-bias', 'dio-zero-page', 'I8.falsePositive'), 'holds');
  t.false(has(run('modern', 'dio-zero-page'), 'I8.falsePositive'), '6.5: pinning the zero page is a no-op');
});

test('lock-page-over-gup: I1 holds, but a long-term pin blocks truncate and writeback (I11.wait)', (t) => {
  for (const sc of ['ext4-gup-write', 'ext4-pin-write']) {
    const r = run('lock-page-over-gup', sc);
    t.is(prop(r, 'I1').status, 'holds', sc);
    t.is(prop(r, 'I1.crash').status, 'holds', sc);
    t.is(prop(r, 'I1.witness').status, 'holds', `${sc}: the dirty-while-held situation is reached`);
  }
  const wait = prop(run('lock-page-over-gup', 'rdma-file-mr'), 'I11.wait');
  t.is(wait.status, 'violated');
  t.deepEqual(steps(wait), ['init', 'gup: faultin_page', 'gup: follow_page_pte + try_grab_page']);
  const last = wait.trace!.at(-1)!.state as { page: { P: { PG_locked: string; PG_dirty: boolean } } };
  t.deepEqual([last.page.P.PG_locked, last.page.P.PG_dirty], ['mr', true]);
  t.false(has(run('baseline', 'rdma-file-mr'), 'I11.wait'), 'only where GUP holds the page lock');
  // 6.5 refuses the long-term file-write pin outright.
  const modern = run('modern', 'rdma-file-mr');
  t.true(modern.coverage.some((c) => c.action === 'gup: check_vma_flags → EFAULT' && c.fired > 0));
  t.false(modern.coverage.some((c) => c.action === 'gup: follow_page_pte + try_grab_page' && c.fired > 0));
});

test('anon-exclusive and modern: I3 and I10 hold on the fork scenarios where baseline breaks them', (t) => {
  t.is(status('baseline', 'fork-vmsplice', 'I10'), 'violated');
  t.is(status('baseline', 'fork-iouring', 'I3c'), 'violated');
  t.is(status('baseline', 'fork-iouring', 'I10'), 'violated');
  for (const p of ['anon-exclusive', 'modern'] as const) {
    t.is(status(p, 'fork-vmsplice', 'I10'), 'holds', p);
    for (const name of ['I3', 'I3c', 'I10']) t.is(status(p, 'fork-iouring', name), 'holds', `${p}: ${name}`);
  }
  // FOLL_GET users get no exclusivity: the residual failure of §3.9.
  t.is(status('modern', 'fork-rdma', 'I3c'), 'violated');
});

test('every proposal on every shipped scenario: every search completes and nothing is out of its field bounds', (t) => {
  // The main job's rows, each one a complete search (npm start must finish in well under a minute).
  const shipped = scenarioNames().filter((n) => !n.startsWith('bench-'));
  t.true(shipped.length >= 11);
  for (const sc of shipped) {
    for (const p of PROPOSALS) {
      const r = run(p.name, sc);
      t.true(r.complete, `${p.name}/${sc}`);
      t.is(prop(r, 'field-range').status, 'holds', `${p.name}/${sc}`);
      t.is(prop(r, 'deadlock').status, 'holds', `${p.name}/${sc}`);
    }
  }
});
