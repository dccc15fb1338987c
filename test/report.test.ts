// gupcheck report: the same review as HTML (one self-contained file, every
// string escaped), as plain text for a mailing list (ASCII, 72 columns, no
// colour) and as Markdown (tables, Mermaid blocks that parse).

import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mermaid from 'mermaid';
import { fitTable, wrap } from '../src/report/text.js';
import { esc, scriptJson } from '../src/report/html-escape.js';
import { gupcheck } from './helpers/cli.js';
import { EVIL_ABOUT, EVIL_NAME, evilScenario } from './helpers/report.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-report-'));
const small = ['--scenario', 'ext4-gup-write', '--scenario', 'fork-rdma', '--models', 'baseline,lock-page-over-gup,anon-exclusive,modern'];

test('--format text: ASCII only, at most 72 columns, no colour; the matrix, numbered steps with kernel functions, cross-replay, statistics', (t) => {
  const r = gupcheck('report', '--format', 'text', ...small);
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.deepEqual(lines.filter((l) => l.length > 72), []);
  t.false(/[^\x20-\x7e\n]/.test(r.stdout), 'printable ASCII and newlines only (no colour codes, no Unicode)');
  // Too wide for one group: the liveness columns (L, non-progress) go to a second group.
  t.true(r.stdout.includes('\n  proposal            I1   I2  I4  I5  I6   I7  I11  S   stable  dlock\n'), r.stdout.slice(0, 2000));
  t.true(r.stdout.includes('\n  baseline            V12  ok  ok  ok  ok   ok  ok   ok  V6      ok\n'));
  t.true(r.stdout.includes('\n  modern              V12  ok  ok  ok  V16  ok  ok   ok  V6      ok\n'));
  t.true(r.stdout.includes('\n  proposal            range  L   nprog\n'));
  t.regex(r.stdout, /\n {2}12  dio: set_page_dirty_lock\n {8}- page\.P\.PG_dirty: false -> true\n/);
  t.regex(r.stdout, /\n {2}>>> here I1 fails: an ext4 page-cache page that is PG_dirty has\n {10}buffers \(else BUG_ON\(!PagePrivate\(page\)\) in page_buffers\(\),\n {10}from mpage_prepare_extent_to_map or ext4_writepage\)\n/);
  t.regex(r.stdout, /\n3\. Cross-replay\n/);
  t.regex(r.stdout, /\n {2}modern: refuses step|\n {2}modern: runs/);
  t.regex(r.stdout, /\n4\. Statistics and coverage\n/);
});

test('the text helpers wrap with a hanging indent and split wide tables into column groups', (t) => {
  t.deepEqual(wrap('aaa bbb ccc ddd', '> ', '    ', 10), ['> aaa bbb', '    ccc', '    ddd']);
  t.deepEqual(wrap('→ × … naïve', '', '', 72), ['-> x ... naive']);
  const wide = fitTable(['name', 'a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)], [['x', '1', '2', '3']], '  ', 72);
  t.true(wide.every((l) => l.length <= 72));
  t.is(wide.filter((l) => l.startsWith('  name')).length, 2, 'two column groups, each with the first column');
});

test('--format markdown: tables with links to the traces, each trace as text and as a Mermaid diagram that parses', async (t) => {
  const r = gupcheck('report', '--format', 'markdown', ...small);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /\n\| baseline \| \[\*\*violated \(12 steps\)\*\*\]\(#t1\) \|/);
  const blocks = [...r.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const traces = [...r.stdout.matchAll(/^<a id="t\d+"><\/a>$/gm)].length;
  t.true(traces >= 4);
  t.is(blocks.length, traces);
  for (const b of blocks) t.like(await mermaid.parse(b), { diagramType: 'sequence' });
});

test('--format html: one self-contained file (no URL is loaded), every hostile string escaped', (t) => {
  const out = path.join(dir, 'evil.html');
  const r = gupcheck('report', '--scenario', evilScenario(), '--models', 'baseline,modern', '--out', out);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^wrote .*evil\.html: 2 proposals × 1 scenarios, \d+ counterexamples\n$/);
  t.is(r.stdout, '');
  const html = readFileSync(out, 'utf8');
  t.true(html.startsWith('<!DOCTYPE html>'));
  t.regex(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  t.notRegex(html, /\b(?:src|href)\s*=\s*["']?(?:https?:|\/\/)/i, 'nothing is fetched');
  t.notRegex(html, /<link\b|<iframe\b|<img\b|@import/i);
  t.false(html.includes(EVIL_NAME), 'the raw scenario name never appears');
  t.false(html.includes('<script>window.__pwned'), 'nor the raw description');
  t.true(html.includes(esc(EVIL_NAME)));
  t.true(html.includes(esc(EVIL_ABOUT)));
  // Exactly our own scripts: the stepper and one JSON block per trace.
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  t.true(scripts.every((s) => s === '<script>' || s === '<script type="application/json" class="trace-data">'));
  t.is(scripts.filter((s) => s === '<script>').length, 1);
  t.is(JSON.parse(scriptJson({ a: '</script><!--\u2028' })).a, '</script><!--\u2028');
  t.false(scriptJson({ a: '</script>' }).includes('<'));
});

test('report errors are one line saying what to do: unknown proposal, bad format, unwritable --out', (t) => {
  const a = gupcheck('report', '--models', 'nosuch', '--format', 'text');
  t.is(a.code, 2);
  t.is(a.stderr.split('\n').length, 2);
  t.regex(a.stderr, /unknown proposal 'nosuch' \(proposals: baseline, /);
  const b = gupcheck('report', '--format', 'pdf');
  t.is(b.code, 2);
  t.regex(b.stderr, /^gupcheck: --format pdf: expected html, text or markdown; see gupcheck report --help\n$/);
  const c = gupcheck('report', '--scenario', 'ext4-gup-write', '--models', 'baseline', '--out', '/nonexistent/dir/r.html');
  t.is(c.code, 2);
  t.regex(c.stderr, /^gupcheck: --out \/nonexistent\/dir\/r\.html: cannot write it \(ENOENT\); pick a writable path\n$/);
});
