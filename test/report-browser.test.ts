// The HTML report in a real browser: Debian's chromium, driven by
// playwright-core (which never downloads a browser of its own). The test
// opens the file, steps through the ext4 counterexample with the buttons and
// the keyboard, checks at every step that exactly the fields that changed
// are highlighted (against the checker's own JSON trace), that the diagram
// marks the step, that the property is named where it breaks, that nothing
// but the file was loaded, and that hostile strings stay text. It saves a
// screenshot (dist/test-output/, or also $GUPCHECK_SCREENSHOT_DIR). The same
// browser renders `check --format mermaid` with mermaid itself.

import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CheckReport } from '../src/engine/result.js';
import { changes } from '../src/report/state.js';
import { gupcheck } from './helpers/cli.js';
import { EVIL_ABOUT, EVIL_NAME, evilScenario } from './helpers/report.js';

process.env['PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD'] = '1';
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const OUT = fileURLToPath(new URL('../test-output/', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'gupcheck-browser-'));

let browser: Browser | undefined;
test.before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
test.after.always(async () => {
  await browser?.close();
});

/** Open a report; every request the page makes is recorded, every page error fails the test. */
async function open(file: string): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1480, height: 980 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); void d.dismiss(); });
  await page.goto(pathToFileURL(file).href);
  return { page, requests, errors };
}

test('step through the ext4 counterexample: the changed fields are highlighted at every step, with buttons and keys', async (t) => {
  const file = path.join(dir, 'report.html');
  const r = gupcheck('report', '--out', file, '--quiet');
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(gupcheck('check', 'baseline', '--json').stdout) as CheckReport;
  const trace = json.properties.find((p) => p.name === 'I1')!.trace!;
  const { page, requests, errors } = await open(file);
  t.deepEqual(requests, [pathToFileURL(file).href], 'the report loads nothing but itself');

  // From the matrix: the baseline / I1 cell links to the trace.
  const cell = page.locator('#sc-ext4-gup-write + p + table tr', { hasText: 'baseline' }).locator('td.c-violated a').first();
  t.is(await cell.textContent(), 'violated (12 steps)');
  const id = (await cell.getAttribute('href'))!.slice(1);
  await cell.click();
  const art = page.locator(`article#${id}`);
  t.is(await art.getAttribute('data-property'), 'I1');

  const highlighted = () => art.locator('table.state tr.chg').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
  const next = art.locator('button.next');
  const prev = art.locator('button.prev');
  t.true(await prev.isDisabled());
  t.deepEqual(await highlighted(), [], 'nothing is highlighted in the initial state');
  for (let i = 1; i < trace.length; i++) {
    await next.click();
    t.is(await art.locator('.pos').textContent(), `step ${i} of 12`);
    const expected = changes(trace[i - 1]!.state, trace[i]!.state).map((c) => c.path);
    t.deepEqual((await highlighted()).sort(), expected.sort(), `step ${i}`);
    t.is(await art.locator('svg.seq g.sq-step.current').getAttribute('data-step'), String(i));
    t.is(await art.locator('.steplabel').textContent().then((s) => s!.startsWith(`${i}. ${trace[i]!.label}`)), true);
    t.is(await art.locator('.fail').isVisible(), i === 12, `the property is named at step 12 only (step ${i})`);
  }
  t.deepEqual(await highlighted(), ['page.P.PG_dirty', 'holder.dio.pc']);
  t.is(await art.locator('tr[data-path="page.P.PG_dirty"] td.v').textContent(), 'false → true');
  t.regex((await art.locator('.fail').textContent())!, /^here I1 fails: an ext4 page-cache page that is PG_dirty has buffers/);
  t.true(await next.isDisabled());
  await page.screenshot({ path: path.join(OUT, 'report-top.png') });

  // The keyboard drives the trace that was used last.
  await page.keyboard.press('ArrowLeft');
  t.is(await art.getAttribute('data-step'), '11');
  await page.keyboard.press('Home');
  t.is(await art.getAttribute('data-step'), '0');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  t.is(await art.getAttribute('data-step'), '2');
  t.deepEqual(await highlighted(), ['page.P.ref', 'holder.dio.pc']);
  // A click on a diagram row jumps there; "changed fields only" hides the rest.
  await art.locator('svg.seq g.sq-step[data-step="9"] rect.hit').click();
  t.is(await art.getAttribute('data-step'), '9');
  await art.locator('input.only').check();
  const shown = await art.locator('table.state tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-path')));
  t.deepEqual(shown, changes(trace[8]!.state, trace[9]!.state).map((c) => c.path), 'only what try_to_unmap changed');
  t.deepEqual(shown, ['page.P.ref', 'page.P.map', 'proc.app.vma.P.present', 'kswapd.pc']);
  await art.locator('input.only').uncheck();
  await art.locator('svg.seq g.sq-step[data-step="12"] rect.hit').click();
  t.deepEqual(errors, []);

  await art.screenshot({ path: path.join(OUT, 'report-trace.png') });
  const docs = process.env['GUPCHECK_SCREENSHOT_DIR'];
  if (docs !== undefined) await art.screenshot({ path: path.join(docs, 'report-trace.png') });
  await page.close();
});

test('hostile scenario text stays text in the browser: no script runs, no element is injected', async (t) => {
  const file = path.join(dir, 'evil.html');
  const r = gupcheck('report', '--scenario', evilScenario(), '--models', 'baseline', '--out', file, '--quiet');
  t.is(r.code, 0, r.stderr);
  const { page, requests, errors } = await open(file);
  t.deepEqual(requests, [pathToFileURL(file).href]);
  t.is(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  t.is(await page.locator('img, b:not(th b)').count(), await page.locator('p.muted b').count(), 'no <img> or <b> from the scenario');
  // The overview table comes first (its column heading is the scenario's name), then the scenario's own table.
  t.is(await page.locator('table.overview thead th a').first().textContent(), EVIL_NAME);
  t.is(await page.locator('#matrix h3').nth(1).textContent(), EVIL_NAME);
  t.is((await page.locator('#matrix p').nth(2).textContent())!, EVIL_ABOUT);
  // The stepper still works on the trace of the hostile scenario.
  const art = page.locator('article.trace').first();
  t.is(await art.getAttribute('data-scenario'), EVIL_NAME);
  await art.locator('button.next').click();
  t.is(await art.getAttribute('data-step'), '1');
  t.deepEqual(errors, []);
  await page.close();
});

test('the Mermaid diagram of the ext4 trace renders in the browser with mermaid itself (as GitHub draws it)', async (t) => {
  const text = gupcheck('check', 'baseline', '--format', 'mermaid').stdout;
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  await page.addScriptTag({ path: fileURLToPath(new URL('../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url)) });
  const svg = await page.evaluate(async (src) => {
    const m = (window as unknown as { mermaid: { initialize(c: object): void; render(id: string, s: string): Promise<{ svg: string }> } }).mermaid;
    m.initialize({ startOnLoad: false });
    return (await m.render('ext4', src)).svg;
  }, text);
  t.true(svg.startsWith('<svg'));
  for (const s of ['page P', 'dio (GUP holder)', '12. set_page_dirty_lock', 'I1 fails: an ext4 page-cache page']) t.true(svg.includes(s), s);
  t.deepEqual(errors, []);
  await page.close();
});

test('no label of any sequence diagram is clipped: every text box lies inside its drawing (measured in the browser)', async (t) => {
  const file = path.join(dir, 'report-svg.html');
  const r = gupcheck('report', '--out', file, '--quiet');
  t.is(r.code, 0, r.stderr);
  const { page, errors } = await open(file);
  // Open anything folded, so every diagram is laid out.
  await page.evaluate(() => { document.querySelectorAll('details').forEach((d) => { (d as HTMLDetailsElement).open = true; }); });
  const bad = await page.evaluate(() => {
    const out: string[] = [];
    let texts = 0;
    document.querySelectorAll('svg.seq').forEach((svg, i) => {
      const vb = (svg as SVGSVGElement).viewBox.baseVal;
      svg.querySelectorAll('text').forEach((el) => {
        const b = (el as SVGTextElement).getBBox();
        if (b.width === 0) return;
        texts++;
        if (b.x < 0 || b.x + b.width > vb.width + 0.5 || b.y < 0 || b.y + b.height > vb.height + 0.5) out.push(`diagram ${i}: "${el.textContent}" at x ${b.x.toFixed(1)}..${(b.x + b.width).toFixed(1)} in width ${vb.width}`);
      });
    });
    return { out, texts, diagrams: document.querySelectorAll('svg.seq').length };
  });
  t.true(bad.diagrams >= 10 && bad.texts > 500, `${bad.diagrams} diagrams, ${bad.texts} texts measured`);
  t.deepEqual(bad.out, [], 'clipped labels');
  // The measurement can fail: narrow one drawing and it reports the labels cut off.
  const narrowed = await page.evaluate(() => {
    const svg = document.querySelector('svg.seq') as SVGSVGElement;
    const vb = svg.viewBox.baseVal;
    svg.setAttribute('viewBox', `0 0 ${Math.round(vb.width / 2)} ${vb.height}`);
    let cut = 0;
    svg.querySelectorAll('text').forEach((el) => { const b = (el as SVGTextElement).getBBox(); if (b.width > 0 && b.x + b.width > vb.width + 0.5) cut++; });
    return cut;
  });
  t.true(narrowed > 0, 'a narrowed drawing is reported as clipped');
  t.deepEqual(errors, []);
  await page.close();
});
