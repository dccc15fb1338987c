// Replaying saved traces: the engine on a classic model and a tiny counter,
// then `gupcheck replay` and compare's cross-replay through the built binary.

import test from 'ava';
import { isRight } from 'fp-ts/lib/Either.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check } from '../src/engine/checker.js';
import { action, type Model } from '../src/engine/model.js';
import { replay, type ReplayStep } from '../src/engine/replay.js';
import { CrossReplayC, ReplayReportC, type CheckReport, type TraceStep } from '../src/engine/result.js';
import { Layout, int, record } from '../src/engine/schema.js';
import { peterson } from '../models/classic/peterson.js';
import { gupcheck } from './helpers/cli.js';

// --- the engine ------------------------------------------------------------------

const mutexTrace = (): { model: Model; trace: TraceStep[] } => {
  const model = peterson({ N: 2, mutant: true });
  const trace = check(model).properties.find((p) => p.name === 'mutual-exclusion')!.trace!;
  return { model, trace };
};

test('replaying peterson mutant\'s mutual-exclusion trace on the same model reproduces it, every state verified', (t) => {
  const { model, trace } = mutexTrace();
  const r = replay(model, trace, { verify: true });
  t.is(r.steps, 10);
  t.is(r.ran, 10);
  t.deepEqual(r.labels, trace.map((st) => st.label));
  t.is(r.refusal, undefined);
  t.is(r.mismatch, undefined);
  t.deepEqual(r.violations.map((v) => [v.property, v.step]), [['mutual-exclusion', 10]]);
});

test('dropping a step makes a later step refused, with what the same actor can do instead', (t) => {
  const { model, trace } = mutexTrace();
  // Step 1 is P_0's NCS->wait: without it, P_0's wait->q2 cannot run.
  t.is(trace[1]!.action, 'NCS->wait');
  const dropped = [trace[0]!, ...trace.slice(2)];
  const firstOfP0 = dropped.findIndex((s, i) => i > 0 && s.actor === trace[1]!.actor);
  const r = replay(model, dropped, { verify: false });
  t.is(r.refusal?.step, firstOfP0);
  t.is(r.refusal?.kind, 'guard');
  t.is(r.refusal?.actor, 'P_0');
  t.deepEqual(r.refusal?.enabledInstead, ['NCS->wait(i=0)']);
  t.is(r.ran, firstOfP0 - 1);
  t.deepEqual(r.violations, []);
});

test('an action the model does not have is refused as such; a changed state is a mismatch at its step', (t) => {
  const { model, trace } = mutexTrace();
  const renamed: ReplayStep[] = trace.map((s, i) => (i === 3 ? { ...s, params: { i: 7 } } : s));
  const r = replay(model, renamed);
  t.is(r.refusal?.step, 3);
  t.is(r.refusal?.kind, 'no-action');
  const edited: ReplayStep[] = trace.map((s, i) => (i === 4 ? { ...s, state: { ...(s.state as object), pos: [9, 9] } } : s));
  t.is(replay(model, edited, { verify: true }).mismatch?.step, 4);
  t.is(replay(model, edited, { verify: false }).mismatch, undefined);
});

test('a range error ends the replay at its step and is reported as field-range', (t) => {
  const layout = new Layout(record({ x: int(0, 2) }));
  const { x } = layout.root;
  const model: Model = {
    name: 'counter', params: {}, layout, init: [layout.blank()], properties: [], checkDeadlock: false,
    actions: [action({ name: 'inc', guard: () => true, effect: (s) => x.set(s, x.get(s) + 1) })],
  };
  const inc = { action: 'inc', params: {} };
  const r = replay(model, [{ action: 'init', params: { init: 0 } }, inc, inc, inc, inc]);
  t.is(r.refusal?.step, 3);
  t.is(r.refusal?.kind, 'field-range');
  t.deepEqual(r.violations.map((v) => [v.property, v.step]), [['field-range', 3]]);
});

// --- the command line ------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), 'gupcheck-replay-'));
const save = (name: string, content: string): string => {
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
};
const savedCheck = (scenario: string): { file: string; report: CheckReport } => {
  const r = gupcheck('check', 'baseline', '--scenario', scenario, '--json');
  return { file: save(`baseline-${scenario}.json`, r.stdout), report: JSON.parse(r.stdout) as CheckReport };
};
const gupWrite = savedCheck('ext4-gup-write');
const pinWrite = savedCheck('ext4-pin-write');

const decodeReplay = (stdout: string) => {
  const r = ReplayReportC.decode(JSON.parse(stdout));
  if (!isRight(r)) throw new Error('replay --json does not match ReplayReportC');
  return r.right;
};

/** One line on stderr naming the file, exit 2, no stack trace. */
const rejects = (t: import('ava').ExecutionContext, args: string[], file: string, pattern: RegExp) => {
  const r = gupcheck('replay', ...args);
  t.is(r.code, 2, r.stdout);
  t.is(r.stdout, '');
  t.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  t.true(r.stderr.startsWith(`gupcheck: ${file}: `), r.stderr);
  t.regex(r.stderr, pattern);
  t.false(r.stderr.includes('    at '));
};

test('replay of baseline\'s ext4-gup-write I1 trace on baseline reproduces the violation: exit 1', (t) => {
  const r = gupcheck('replay', gupWrite.file);
  t.is(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  t.is(lines[0], 'replaying baseline / ext4-gup-write: I1 trace (12 steps) on baseline');
  t.is(lines.filter((l) => / ok$/.test(l)).length, 13);
  t.is(lines[lines.length - 1], 'every step runs on baseline; I1 still violated at step 12');
  const j = gupcheck('replay', gupWrite.file, '--json');
  t.is(j.code, 1);
  const rep = decodeReplay(j.stdout);
  t.like(rep, { schemaVersion: 1, model: 'baseline', from: 'baseline', scenario: 'ext4-gup-write', property: 'I1', steps: 12, outcome: 'violated' });
  t.deepEqual(rep.violations, [{ property: 'I1', step: 12 }]);
});

test('on modern the ext4-gup-write trace (a FOLL_GET user) still runs and still violates I1; the pinned one is refused at kswapd', (t) => {
  // 6.4's reclaim check only sees pins: a get_user_pages() reference is not
  // maybe-DMA-pinned, so every step runs (the matrix's modern/ext4-gup-write I1 cell).
  const get = gupcheck('replay', gupWrite.file, '--model', 'modern', '--json');
  t.is(get.code, 1, get.stderr);
  t.like(decodeReplay(get.stdout), { model: 'modern', from: 'baseline', outcome: 'violated', violations: [{ property: 'I1', step: 12 }] });
  const pin = gupcheck('replay', pinWrite.file, '--model', 'modern', '--json');
  t.is(pin.code, 0, pin.stderr);
  const rep = decodeReplay(pin.stdout);
  t.like(rep, { outcome: 'refused', refusedAt: 10, reason: 'guard false', violations: [] });
  t.true(rep.enabledInstead!.some((l) => l.startsWith('kswapd: folio_maybe_dma_pinned')), String(rep.enabledInstead));
  const text = gupcheck('replay', pinWrite.file, '--model', 'modern');
  t.is(text.code, 0);
  t.regex(text.stdout, /\n +9\. kswapd: try_to_unmap .* ok\nmodern refuses step 10 \(kswapd: try_to_release_page → try_to_free_buffers .*\): guard false; enabled for kswapd instead: kswapd: folio_maybe_dma_pinned/);
});

test('a tampered recorded state (a ref count) is bad input naming the step: exit 2', (t) => {
  const report = structuredClone(gupWrite.report);
  const trace = report.properties.find((p) => p.name === 'I1')!.trace!;
  (trace[4]!.state as { page: { P: { ref: number } } }).page.P.ref = 9;
  const file = save('tampered.json', JSON.stringify(report));
  rejects(t, [file], file, /step 4: .*page\.P\.ref \(recorded 9, re-executed 4\)/);
});

test('truncated JSON, a wrong schema, an unknown model and an unknown --property are one line each, exit 2', (t) => {
  const text = JSON.stringify(gupWrite.report);
  const truncated = save('truncated.json', text.slice(0, 200));
  rejects(t, [truncated], truncated, /not valid JSON/);
  const wrong = save('wrong.json', JSON.stringify({ ...gupWrite.report, properties: [{ name: 'I1', kind: 'always', status: 'violated', description: 'x', trace: [{ index: 'zero' }] }] }));
  rejects(t, [wrong], wrong, /at properties\[0\]\.trace\[0\]\.index: expected number/);
  const unknown = save('unknown-model.json', JSON.stringify({ ...gupWrite.report, model: 'nosuch' }));
  rejects(t, [unknown], unknown, /unknown model 'nosuch'/);
  rejects(t, [gupWrite.file, '--model', 'nosuch'], gupWrite.file, /unknown model 'nosuch'/);
  rejects(t, [gupWrite.file, '--property', 'I7'], gupWrite.file, /no violated property 'I7' with a trace \(violated with a trace: I1, I1\.bug, I1\.crash, stable-pages\)/);
  const scenario = save('unknown-scenario.json', JSON.stringify({ ...gupWrite.report, params: { scenario: 'nosuch' } }));
  rejects(t, [scenario], scenario, /unknown scenario 'nosuch'/);
});

test('compare\'s cross-replay block matches a direct replay of the same pair', (t) => {
  const r = gupcheck('compare', '--models', 'baseline,modern', '--scenario', 'ext4-pin-write', '--json');
  t.is(r.code, 0, r.stderr);
  const cross = (JSON.parse(r.stdout) as { crossReplay: unknown[] }).crossReplay.map((c) => {
    const d = CrossReplayC.decode(c);
    if (!isRight(d)) throw new Error('crossReplay entry does not match CrossReplayC');
    return d.right;
  });
  const i1 = cross.find((c) => c.property === 'I1')!;
  t.like(i1, { from: 'baseline', scenario: 'ext4-pin-write', steps: 12 });
  const { schemaVersion, ...direct } = decodeReplay(gupcheck('replay', pinWrite.file, '--model', 'modern', '--json').stdout);
  t.is(schemaVersion, 1);
  t.deepEqual(i1.on, [direct]);
  const text = gupcheck('compare', '--models', 'baseline,modern', '--scenario', 'ext4-pin-write', '--detail');
  t.regex(text.stdout, /\nbaseline \/ ext4-pin-write: I1 trace \(12 steps\) on the other proposals:\n {2}modern {2}refuses step 10: kswapd: try_to_release_page → try_to_free_buffers .* \(guard false\); enabled for kswapd instead: kswapd: folio_maybe_dma_pinned/);
});

test('a trace from another scenario is refused on any model (exit 2, naming the field), never read as "the model refuses step 1"', (t) => {
  // A custom scenario that reuses a shipped name but differs: one more PTE on the page (a second process maps it).
  const custom = JSON.parse(JSON.stringify({
    name: 'ext4-gup-write',
    description: 'not the shipped one: a second process also maps the page',
    pages: [{ id: 'P', kind: 'file', fs: 'ext4' }],
    processes: [
      { id: 'app', mappings: [{ page: 'P', shared: true, writable: true, present: false }] },
      { id: 'other', mappings: [{ page: 'P', shared: true, writable: true, present: true }] },
    ],
    holders: [{ id: 'dio', process: 'app', page: 'P', kind: 'GET', write: true, release: 'set_page_dirty_lock+put_page' }],
    actors: { flusher: true, reclaim: true },
  }));
  const file = join(dir, 'custom-ext4.json');
  writeFileSync(file, JSON.stringify(custom));
  const r = gupcheck('check', 'baseline', '--scenario', file, '--json');
  const trace = join(dir, 'custom-trace.json');
  writeFileSync(trace, r.stdout);
  const report = JSON.parse(r.stdout) as CheckReport;
  t.is(report.inputFile?.path, file, 'the report records the scenario file');
  t.regex(report.inputFile?.sha256 ?? '', /^[0-9a-f]{64}$/);
  // It replays on another proposal from the recorded file, without --scenario.
  const ok = gupcheck('replay', trace, '--model', 'modern');
  t.not(ok.code, 2, ok.stderr);
  // Forcing the shipped scenario of the same name: the initial states differ, so it is bad input, not a verdict.
  const foreign = gupcheck('replay', trace, '--model', 'modern', '--scenario', 'models/scenarios/ext4-gup-write.json');
  t.is(foreign.code, 2);
  t.is(foreign.stdout, '');
  t.regex(foreign.stderr, /does not start from modern's initial state: page\.P\.(ref|map) \(recorded \d+, re-executed \d+\); it was recorded on baseline scenario=ext4-gup-write/);
  t.is(foreign.stderr.trim().split('\n').length, 1);
  // The recorded file changed: said so, exit 2.
  writeFileSync(file, JSON.stringify({ ...custom, description: 'edited' }));
  const changed = gupcheck('replay', trace, '--model', 'modern');
  t.is(changed.code, 2);
  t.regex(changed.stderr, /has changed since the trace was recorded; give --scenario FILE/);
});
