// `gupcheck explore` in a real browser (Debian's chromium through
// playwright-core): load the ext4 counterexample, click forward to its
// violation checking every state shown against `check --json`, jump back to
// step 7, branch with another actor's action and check the new state against
// the engine's own re-execution of that path; the link reproduces the path;
// the server refuses a request without the token. Saves a screenshot
// (test-output/, and $GUPCHECK_SCREENSHOT_DIR if set: the README's picture).

import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CheckReport } from '../src/engine/result.js';
import { flatten } from '../src/report/state.js';
import { rebuildTrace } from '../src/engine/search.js';
import { buildKernelModel } from '../models/kernel/build.js';
import { baseline } from '../models/proposals/baseline.js';
import { pathOfTrace } from '../src/explore/session.js';
import { BIN, gupcheck } from './helpers/cli.js';
import { shipped } from './helpers/kernel.js';

process.env['PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD'] = '1';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-explore-'));

let browser: Browser | undefined;
let server: ChildProcess | undefined;
let url = '';

test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(OUT, { recursive: true });
  const file = path.join(dir, 'ext4.json');
  writeFileSync(file, gupcheck('check', 'baseline', '--json').stdout);
  server = spawn(process.execPath, [BIN, 'explore', '--trace', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]+#\S+/.exec(out);
      if (m) resolve(m[0]);
    });
    server!.on('exit', (code) => reject(new Error(`explore exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`no URL from explore: ${out}`)), 30_000);
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
test.after.always(async () => {
  await browser?.close();
  server?.kill('SIGINT');
});

/** The state table as shown: field → value. */
const shownState = async (page: Page) => new Map(await page.$$eval('#state tbody tr', (rows) => rows.map((r) => [r.children[0]!.textContent!, r.children[1]!.textContent!] as [string, string])));
const changedShown = async (page: Page) => page.$$eval('#state tbody tr.changed', (rows) => rows.map((r) => r.children[0]!.textContent!));
const ready = async (page: Page, step: number) => page.waitForFunction((k) => document.querySelector('#steps li.current')?.getAttribute('data-step') === String(k), step);

test('explore: the ext4 counterexample step by step, every state as check --json has it; branch at step 7 with another actor\'s action; the link reproduces the path', async (t) => {
  const json = JSON.parse(gupcheck('check', 'baseline', '--json').stdout) as CheckReport;
  const trace = json.properties.find((p) => p.name === 'I1')!.trace!;
  const page = await browser!.newPage({ viewport: { width: 1500, height: 950 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
  t.is(await page.locator('#steps li').count(), trace.length, 'the whole counterexample is listed');
  // Forward to the violation, one click at a time.
  for (let k = 0; k < trace.length; k++) {
    if (k > 0) await page.click('#fwd');
    await ready(page, k);
    t.deepEqual(await shownState(page), flatten(trace[k]!.state), `state at step ${k}`);
    if (k > 0) t.true((await page.textContent('#where'))!.includes(trace[k]!.label), `label at step ${k}`);
    t.true((await changedShown(page)).length > 0 || k === 0, `step ${k} highlights what it changed`);
  }
  t.regex((await page.textContent('[data-property="I1"]'))!, /I1 \(always\): violated at step 12/);
  // Jump to step 7 from the list, then take a kswapd action the trace does not take there.
  await page.click('#steps li[data-step="7"]');
  await ready(page, 7);
  t.deepEqual(await shownState(page), flatten(trace[7]!.state));
  const buttons = await page.$$eval('.actions fieldset', (fs) => fs.map((f) => ({ actor: f.querySelector('legend')!.textContent!, actions: [...f.querySelectorAll('button')].map((b) => ({ i: Number(b.getAttribute('data-action')), label: b.textContent! })) })));
  t.true(buttons.length >= 2, 'actions grouped by actor');
  const other = buttons.find((g) => g.actor !== trace[8]!.actor && g.actions.length > 0);
  t.truthy(other, `an actor other than ${trace[8]!.actor} can act at step 7`);
  const choice = other!.actions[0]!;
  await page.click(`.actions button[data-action="${choice.i}"]`);
  await ready(page, 8);
  // The engine's own re-execution of the branched path.
  const model = buildKernelModel(shipped('ext4-gup-write'), baseline);
  const p = pathOfTrace(model, trace);
  if (typeof p === 'string') return t.fail(p);
  const expected = rebuildTrace(model, [p.init, ...p.actions.slice(0, 7), choice.i]);
  t.deepEqual(await shownState(page), flatten(expected[8]!.state), 'the branched state is the engine\'s');
  t.is(await page.locator('#steps li').count(), 9, 'the old future is dropped by the branch');
  // The link reproduces the path in a fresh page.
  const link = page.url();
  t.regex(link, /#p=0(\.\d+){8}&at=8$/);
  const again = await browser!.newPage();
  await again.goto(link);
  await again.waitForSelector('body[data-ready="1"]');
  await ready(again, 8);
  t.deepEqual(await shownState(again), flatten(expected[8]!.state));
  await again.close();
  await page.screenshot({ path: path.join(OUT, 'explore.png') });
  const docs = process.env['GUPCHECK_SCREENSHOT_DIR'];
  if (docs !== undefined) await page.screenshot({ path: path.join(docs, 'explore.png') });
  t.deepEqual(errors, []);
  t.true(requests.every((r) => r.startsWith(url.split('?')[0]!)), 'the page loads nothing but its own server');
  await page.close();
});

test('explore: the server refuses a request without its token, or for another host name', async (t) => {
  const base = url.split('?')[0]!;
  const noToken = await fetch(`${base}api/view?p=0`);
  t.is(noToken.status, 403);
  const wrong = await fetch(`${base}api/view?t=00&p=0`);
  t.is(wrong.status, 403);
  const token = /t=([0-9a-f]+)/.exec(url)![1]!;
  const ok = await fetch(`${base}api/view?t=${token}&p=0`);
  t.is(ok.status, 200);
  // A rebinding attack's Host header is refused even with the token.
  const port = new URL(url).port;
  const rebound = await new Promise<number>((resolve) => {
    import('node:http').then(({ request }) => {
      const req = request({ host: '127.0.0.1', port, path: `/api/view?t=${token}&p=0`, headers: { host: `evil.example:${port}` } }, (res) => { resolve(res.statusCode ?? 0); res.resume(); });
      req.end();
    });
  });
  t.is(rebound, 403);
});

test('explore: a lasso opens with its cycle marked (lock-page-over-gup\'s truncate waiting forever)', async (t) => {
  const file = path.join(dir, 'lasso.json');
  writeFileSync(file, gupcheck('check', 'lock-page-over-gup', '--scenario', 'rdma-file-mr', '--json').stdout);
  const child = spawn(process.execPath, [BIN, 'explore', '--trace', file, '--property', 'L.truncate'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const link = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\/\?t=[0-9a-f]+#\S+/.exec(out);
        if (m) resolve(m[0]);
      });
      setTimeout(() => reject(new Error(`no URL: ${out}`)), 30_000);
    });
    const page = await browser!.newPage();
    await page.goto(link);
    await page.waitForSelector('body[data-ready="1"]');
    t.regex((await page.textContent('header'))!, /a lasso: steps 4–5 repeat forever/);
    t.is(await page.locator('#steps li.cycle-start').getAttribute('data-step'), '3');
    t.is(await page.locator('#steps li.cycle').count(), 2);
    await page.close();
  } finally {
    child.kill('SIGINT');
  }
});
