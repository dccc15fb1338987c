// Text traces: each step names its actor and kernel function, then only the
// fields that changed; the violated property is named at the step where it
// breaks (and any other property the same path breaks on the way); --full
// prints whole states; colour only on a TTY (or FORCE_COLOR), never in a pipe.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { renderTrace, diffStates } from '../src/report/render.js';
import type { TraceStep } from '../src/engine/result.js';
import { ANSI, stripAnsi, styleFor } from '../src/report/style.js';
import { BIN } from './helpers/cli.js';

const run = (args: string[], env: Record<string, string | undefined> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env } as NodeJS.ProcessEnv });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

const trace: TraceStep[] = [
  { index: 0, action: 'init', params: { init: 0 }, label: 'initial state 0', state: { page: { P: { ref: 1, PG_dirty: false, buffers: 'clean' } }, flusher: 'idle' } },
  { index: 1, action: 'gup', params: { holder: 'dio' }, actor: 'dio', label: 'dio: get_user_pages: follow_page_pte + try_grab_page', state: { page: { P: { ref: 2, PG_dirty: false, buffers: 'clean' } }, flusher: 'idle' } },
  { index: 2, action: 'dirty', params: {}, actor: 'dio', label: 'set_page_dirty_lock', state: { page: { P: { ref: 2, PG_dirty: true, buffers: 'none' } }, flusher: 'idle', BUG: true } },
];

test('a step shows its number, its actor and label, then only the fields that changed', (t) => {
  const lines = renderTrace(trace);
  t.deepEqual(lines, [
    '  0  initial state 0',
    '        page.P.ref = 1',
    '        page.P.buffers = clean',
    '        flusher = idle',
    '  1  dio: get_user_pages: follow_page_pte + try_grab_page',
    '        page.P.ref 1→2',
    '  2  [dio] set_page_dirty_lock',
    '        page.P.PG_dirty false→true',
    '        page.P.buffers clean→none',
    '        BUG ∅→true',
  ]);
  t.deepEqual(diffStates({ a: 1, b: 2 }, { a: 1 }), ['b 2→∅'], 'a field that disappears is a change too');
});

test('--full prints whole states, the changed fields as a→b; failures are named at their step', (t) => {
  const lines = renderTrace(trace, { full: true, failures: [{ step: 1, property: 'X', description: 'x holds' }, { step: 2, property: 'I1', description: 'dirty needs buffers' }] });
  const step1 = lines.slice(lines.indexOf('  1  dio: get_user_pages: follow_page_pte + try_grab_page'));
  t.deepEqual(step1.slice(0, 6), [
    '  1  dio: get_user_pages: follow_page_pte + try_grab_page',
    '        page.P.ref 1→2',
    '        page.P.PG_dirty = false',
    '        page.P.buffers = clean',
    '        flusher = idle',
    '  here X fails: x holds',
  ]);
  t.is(lines[lines.length - 1], '  here I1 fails: dirty needs buffers');
});

test('colour: ANSI only when asked for; the text under it is the same', (t) => {
  const plain = renderTrace(trace, { failures: [{ step: 2, property: 'I1', description: 'd' }] });
  const coloured = renderTrace(trace, { style: ANSI, failures: [{ step: 2, property: 'I1', description: 'd' }] });
  t.true(coloured.some((l) => l.includes('\x1b[')));
  t.false(plain.some((l) => l.includes('\x1b[')));
  t.deepEqual(coloured.map(stripAnsi), plain);
  t.false(styleFor({ isTTY: false }, {}).on);
  t.true(styleFor({ isTTY: true }, {}).on);
  t.false(styleFor({ isTTY: true }, { NO_COLOR: '1' }).on);
  t.true(styleFor({ isTTY: false }, { FORCE_COLOR: '1' }).on);
});

test('gupcheck check baseline: the ext4 trace, step by step, I1 named at step 12 with its kernel symptom; no colour in a pipe', (t) => {
  const r = run(['check', 'baseline']);
  t.is(r.code, 1, r.stderr);
  t.false(r.stdout.includes('\x1b['), 'no ANSI codes when stdout is a pipe');
  const block = r.stdout.slice(r.stdout.indexOf('I1 violated: shortest counterexample, 12 steps'));
  const lines = block.split('\n');
  const at = (n: number) => lines.findIndex((l) => l.startsWith(`  ${String(n).padStart(2)}  `));
  const step = (n: number) => lines.slice(at(n), at(n + 1) < 0 ? undefined : at(n + 1));
  t.is(step(3)[0], '   3  flusher: ext4_writepages: mpage_prepare_extent_to_map: lock_page(P)');
  t.deepEqual(step(3).slice(1), ['         page.P.PG_locked -→flusher', '         flusher.pc idle→locked']);
  const twelve = lines.slice(at(12), at(12) + 4);
  t.deepEqual(twelve, [
    '  12  dio: set_page_dirty_lock',
    '         page.P.PG_dirty false→true',
    '         holder.dio.pc held→dirtied',
    '  here I1 fails: an ext4 page-cache page that is PG_dirty has buffers (else BUG_ON(!PagePrivate(page)) in page_buffers(), from mpage_prepare_extent_to_map or ext4_writepage)',
  ]);
  // I1.crash's trace passes through the I1 violation: named at step 12, its own at 14.
  const crash = r.stdout.slice(r.stdout.indexOf('I1.crash violated: shortest counterexample, 14 steps'));
  t.regex(crash, /\n  12  dio: set_page_dirty_lock\n(?: {9}.*\n)+  here I1 fails: /);
  t.regex(crash, /\n  14  .*\n(?: {9}.*\n)*(?:  here I1\.bug fails: .*\n)?  here I1\.crash fails: writeback never reaches page_buffers\(\)/);
});

test('FORCE_COLOR colours the trace; --full prints every field of every state', (t) => {
  const c = run(['check', 'peterson', '--set', 'N=2', '--set', 'mutant=true'], { FORCE_COLOR: '1' });
  t.is(c.code, 1);
  t.true(c.stdout.includes('\x1b[31m'), 'old values in red');
  t.true(c.stdout.includes('\x1b[32m'), 'new values in green');
  const full = run(['check', 'peterson', '--set', 'N=2', '--set', 'mutant=true', '--full']);
  const trace10 = full.stdout.slice(full.stdout.indexOf('mutual-exclusion violated'));
  // 2 processes × (pc, j, k) + pos[2] + step[2] = 10 fields at each of the 11 states.
  t.is(trace10.split('\n').filter((l) => /^ {9}\S/.test(l)).length, 11 * 10);
  t.regex(trace10, /\n {9}P\[1\]\.pc wait→CS\n/);
  t.regex(trace10, /\n {9}P\[0\]\.pc = CS\n/);
});
