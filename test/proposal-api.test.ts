// The proposal API from the outside (issue 12): proposal and model modules
// loaded by path, their mistakes reported at the edge as one line naming
// the module and the field (exit 2), a hook that throws reported with the
// proposal, the hook, the step and the state (exit 2, no verdict), and the
// parts of the API no shipped proposal uses (extra actions, extra
// properties, settings declared and overridden, workers on a module).

import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gupcheck } from './helpers/cli.js';
import { build, shipped } from './helpers/kernel.js';
import { defineProposal, MAX_HOOK_ARITY, ProposalError, settingsOf, withSettings } from '../models/kernel/proposal.js';
import { baselineHooks, HOOK_NAMES } from '../models/kernel/hooks.js';
import { modern } from '../models/proposals/modern.js';
import { wbSkipPinned } from '../models/proposals/wb-skip-pinned.js';
import { PROPOSALS } from '../models/index.js';
import { uniformBioBias } from '../models/proposals/uniform-bio-bias.js';
import { check } from '../src/engine/checker.js';
import { FieldRangeError } from '../src/engine/schema.js';

const API = pathToFileURL(path.resolve('dist/src/index.js')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'gupcheck-modules-'));
/** A module in the temporary folder, importing the built package by URL. */
function mod(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body.replace(/'gupcheck'/g, `'${API}'`));
  return file;
}

/** One line on stderr, exit 2, no stack trace, nothing on stdout. */
function oneLine(t: import('ava').ExecutionContext, r: { code: number; stdout: string; stderr: string }, re: RegExp): void {
  t.is(r.code, 2, r.stderr);
  t.is(r.stdout, '');
  t.is(r.stderr.split('\n').filter((l) => l !== '').length, 1, r.stderr);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack trace');
  t.regex(r.stderr, re);
}

const GOOD = `import { defineProposal, modern } from 'gupcheck';
export default defineProposal({ name: 'mine', base: modern, title: 'a test design', changes: 'nothing yet', notes: 'none' });
`;

test('a proposal module by path: check, compare --add, report --add and selftest --model load it', (t) => {
  const file = mod('good.mjs', GOOD);
  const c = gupcheck('check', file, '--scenario', 'fork-vmsplice', '--json');
  t.is(c.code, 0, c.stderr);
  t.is(JSON.parse(c.stdout).model, 'mine');
  const cmp = gupcheck('compare', '--models', 'modern', '--add', file, '--scenario', 'fork-vmsplice', '--json');
  t.is(cmp.code, 0, cmp.stderr);
  t.deepEqual(JSON.parse(cmp.stdout).rows.map((r: { proposal: string }) => r.proposal), ['modern', 'mine']);
  const rep = gupcheck('report', '--models', 'baseline', '--add', file, '--scenario', 'fork-vmsplice', '--format', 'text');
  t.is(rep.code, 0, rep.stderr);
  t.regex(rep.stdout, /\bmine\b/);
  const st = gupcheck('selftest', '--model', file, '--scenario', 'cow/vmsplice-unmap-in-child');
  t.is(st.code, 0, st.stderr);
  // The row file's rows: the base page, its swapped-out variant and its eight THP set-ups.
  t.regex(st.stdout, /^1\.\.10$/m);
  t.regex(st.stdout, /^ok 1 .* with base page: /m);
  t.regex(st.stdout, /^ok 2 .* with swapped out base page: /m);
  t.regex(st.stdout, /^ok 3 .* with THP: /m);
});

test('bad proposal modules: one line naming the module and what is wrong, exit 2', (t) => {
  const cases: [string, string, RegExp][] = [
    ['no-title.mjs', `import { modern } from 'gupcheck';\nexport default { name: 'x', base: modern, changes: 'c', notes: 'n' };\n`, /no-title\.mjs: its default export is not a proposal: at title: expected a non-empty string/],
    ['hooks-not-fn.mjs', `import { modern } from 'gupcheck';\nexport default { name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', hooks: 3 };\n`, /hooks-not-fn\.mjs: its default export is not a proposal: at hooks: expected a function/],
    ['bad-base.mjs', `export default { name: 'x', base: { name: 'modern' }, title: 't', changes: 'c', notes: 'n' };\n`, /bad-base\.mjs: its default export is not a proposal: at base: expected a proposal/],
    ['unknown-setting.mjs', `import { defineProposal, modern } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', settings: { longtermBan: false } });\n`, /unknown-setting\.mjs: proposal x: unknown setting 'longtermBan' \(settings: longtermFileWriteBan/],
    ['setting-type.mjs', `import { defineProposal, modern } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', settings: { longtermFileWriteBan: 'no' } });\n`, /proposal x: setting 'longtermFileWriteBan' must be a boolean/],
    ['bad-name.mjs', `import { defineProposal, modern } from 'gupcheck';\nexport default defineProposal({ name: 'My Design', base: modern, title: 't', changes: 'c', notes: 'n' });\n`, /proposal My Design: name must match/],
    ['nothing.mjs', `export const answer = 42;\n`, /nothing\.mjs: exports no proposal or model: export one as default .*; it exports answer/],
    ['syntax.mjs', `export default {\n`, /syntax\.mjs: cannot load it: /],
    ['neither.mjs', `export default { hello: 'world' };\n`, /neither\.mjs: its default export is neither a proposal/],
  ];
  for (const [name, body, re] of cases) oneLine(t, gupcheck('check', mod(name, body)), re);
  oneLine(t, gupcheck('check', path.join(dir, 'absent.mjs')), /absent\.mjs: no such file/);
  // A .js file under a package.json that says CommonJS (npm init's default) is not an ES module.
  mkdirSync(path.join(dir, 'cjs'), { recursive: true });
  writeFileSync(path.join(dir, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
  oneLine(t, gupcheck('check', mod('cjs/mine.js', GOOD)), /mine\.js: cannot load it: .*name it \.mjs, or set "type": "module"/);
  oneLine(t, gupcheck('check', mod('typed.ts', GOOD)), /typed\.ts: a TypeScript file: compile it to \.js first/);
  // Mistakes found when the model is built: a hook that does not exist, a field the core has, two declarations.
  oneLine(t, gupcheck('check', mod('unknown-hook.mjs', `import { defineProposal, modern } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', hooks: () => ({ writebackDecision: () => true }) });\n`)),
    /unknown-hook\.mjs: proposal x: unknown hook 'writebackDecision' \(hooks: gupRefIncrement, /);
  oneLine(t, gupcheck('check', mod('core-field.mjs', `import { defineProposal, modern, bool } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', state: () => ({ page: { PG_dirty: bool() } }) });\n`)),
    /core-field\.mjs: proposal x: page field 'PG_dirty' is already a field of the kernel core/);
  oneLine(t, gupcheck('check', mod('twice.mjs', `import { defineProposal, wbBouncePinned, bool } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: wbBouncePinned, title: 't', changes: 'c', notes: 'n', state: () => ({ page: { bounced: bool() } }) });\n`)),
    /twice\.mjs: proposal x: page field 'bounced' is already declared by wb-bounce-pinned/);
  oneLine(t, gupcheck('check', mod('no-field.mjs', `import { defineProposal, modern } from 'gupcheck';\nexport default defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', hooks: ({ k }) => { k.pageField('nope'); return {}; } });\n`)),
    /no-field\.mjs: proposal x: hook hooks threw: page P has no field 'nope' \(declare it in the proposal's state\)/);
  oneLine(t, gupcheck('compare', '--add', mod('model-not-proposal.mjs', `export default { name: 'm', build: () => { throw new Error('unused'); } };\n`)), /--add .*model-not-proposal\.mjs: compare compares proposals/);
  oneLine(t, gupcheck('compare', '--add', mod('dup.mjs', GOOD), '--add', mod('dup2.mjs', GOOD), '--scenario', 'fork-vmsplice'), /a proposal named 'mine' is already compared/);
});

test('a hook that throws: exit 2, one line naming the proposal, the hook, the step and the state; never a verdict', (t) => {
  const file = mod('throws.mjs', `import { defineProposal, modern } from 'gupcheck';
export default defineProposal({
  name: 'thrower', base: modern, title: 't', changes: 'c', notes: 'n',
  hooks: ({ base }) => ({ wpCanReuse: (s, p) => { throw new Error('not written yet'); } }),
});
`);
  for (const args of [['check', file, '--scenario', 'fork-vmsplice'], ['compare', '--add', file, '--models', 'modern', '--scenario', 'fork-vmsplice'], ['selftest', '--model', file, '--scenario', 'cow/vmsplice-unmap-in-child']]) {
    const r = gupcheck(...args);
    oneLine(t, r, /^gupcheck: thrower \(scenario=[^)]+\): proposal thrower: hook wpCanReuse threw: not written yet — in action '([^']+)' \((guard|effect)\), from state \{"page":\{/);
    t.notRegex(r.stdout, /holds|violated/, `${args[0]}: no verdict`);
  }
  // A throw while the model is built (here: in the hook factory) says so too.
  oneLine(t, gupcheck('check', mod('throws-early.mjs', `import { defineProposal, modern } from 'gupcheck';
export default defineProposal({ name: 'early', base: modern, title: 't', changes: 'c', notes: 'n', hooks: () => { throw new Error('boom'); } });
`)), /throws-early\.mjs: proposal early: hook hooks threw: boom/);
  // On workers as well.
  const w = gupcheck('check', file, '--scenario', 'fork-vmsplice', '--workers', '2');
  t.is(w.code, 2, w.stderr);
  t.regex(w.stderr, /proposal thrower: hook wpCanReuse threw: not written yet/);
});

test('extra actions and extra properties: a proposal adds an actor and an invariant of its own, and both are checked', (t) => {
  // drop_caches(3) as an extra actor (invalidate_mapping_pages → mapping_evict_folio), and an
  // invariant that it never evicts a dirty page; a deliberately wrong eviction must be caught.
  const body = (wrong: boolean) => `import { defineProposal, modern, action, always, sometimes, bool, MAPPING } from 'gupcheck';
export default defineProposal({
  name: 'drop-caches${wrong ? '-wrong' : ''}', base: modern, title: 't', changes: 'c', notes: 'n',
  // A ghost of its own at the top of the state: an eviction dropped data that was not on disk.
  state: () => ({ global: { droppedUnwritten: bool(), evicted: bool() } }),
  actions: (k) => k.sh.fileSlots.map((p) => action({
    name: 'drop_caches: mapping_evict_folio', actor: 'dropper', params: { page: k.sh.pages[p].id },
    label: 'dropper: echo 1 > drop_caches: mapping_evict_folio(' + k.sh.pages[p].id + ')',
    guard: (s) => k.inCache(s, p) && !k.locked(s, p) && !k.pg[p].PG_writeback.test(s) && k.pg[p].map.get(s) === 0 &&
      ${wrong ? 'true' : '!k.pg[p].PG_dirty.test(s)'} && k.pg[p].ref.get(s) === 1 + (k.pg[p].buffers.get(s) !== 0 ? 1 : 0),
    effect: (s) => {
      if (k.pg[p].data.get(s) !== k.pg[p].disk.get(s)) k.globalField('droppedUnwritten').set(s, 1);
      k.globalField('evicted').set(s, 1);
      k.dropBuffers(s, p); k.pg[p].mapping.set(s, MAPPING.none); k.putPage(s, p, 1);
    },
  })),
  properties: (k) => [
    always('evict.clean', 'drop_caches never evicts a page whose data is not on disk', (s) => !k.globalField('droppedUnwritten').test(s)),
    sometimes('evict.witness', 'drop_caches evicts a page', (s) => k.globalField('evicted').test(s)),
  ],
});
`;
  const ok = JSON.parse(gupcheck('check', mod('drop.mjs', body(false)), '--scenario', 'rdma-file-mr-fsync', '--json').stdout) as { properties: { name: string; status: string }[]; coverage: { action: string; fired: number }[] };
  t.is(ok.properties.find((p) => p.name === 'evict.clean')?.status, 'holds');
  t.is(ok.properties.find((p) => p.name === 'evict.witness')?.status, 'holds', 'the situation is reached');
  t.true(ok.coverage.some((c) => c.action === 'drop_caches: mapping_evict_folio' && c.fired > 0), 'the extra action fires');
  const bad = gupcheck('check', mod('drop-wrong.mjs', body(true)), '--scenario', 'rdma-file-mr-fsync', '--json');
  t.is(bad.code, 1);
  const wrong = (JSON.parse(bad.stdout) as { properties: { name: string; status: string; trace?: { action: string }[] }[] }).properties.find((p) => p.name === 'evict.clean')!;
  t.is(wrong.status, 'violated');
  t.is(wrong.trace!.at(-1)!.action, 'drop_caches: mapping_evict_folio');
});

test('settings: declared by the proposal that introduces them, overridden by name further down, checked', (t) => {
  t.deepEqual(settingsOf(modern).values, { longtermFileWriteBan: true });
  t.deepEqual(settingsOf(wbSkipPinned).values, { longtermFileWriteBan: false });
  t.is(settingsOf(wbSkipPinned).declared['longtermFileWriteBan']?.by, 'v6.5', 'declared by the release that brought the ban');
  // The override reaches the base's code: the long-term write pin is refused on modern, allowed on wb-skip-pinned.
  const rdma = shipped('rdma-file-mr');
  t.is(build(rdma, modern).kernel.hooks.checkVmaFlags(build(rdma, modern).kernel.sh.holders[0]!), 'FOLL_LONGTERM write pin of a dirty-tracked file mapping');
  t.is(build(rdma, wbSkipPinned).kernel.hooks.checkVmaFlags(build(rdma, wbSkipPinned).kernel.sh.holders[0]!), undefined);
  const banned = withSettings(wbSkipPinned, 'wb-skip-pinned-banned', { longtermFileWriteBan: true });
  t.not(build(rdma, banned).kernel.hooks.checkVmaFlags(build(rdma, banned).kernel.sh.holders[0]!), undefined, 'and back');
  t.throws(() => defineProposal({ name: 'x', base: modern, title: 't', changes: 'c', notes: 'n', settings: { longtermFileWriteBan: { default: false, about: 'again' } } }), { instanceOf: ProposalError, message: /already declared by v6.5/ });
});

test('every shipped proposal is found in models/proposals/ and listed in the order of history, each after its base', (t) => {
  const names = PROPOSALS.map((p) => p.name);
  t.true(names.includes('wb-skip-pinned') && names.includes('wb-bounce-pinned'));
  t.is(names[0], 'baseline');
  for (const p of PROPOSALS) if (p.base !== undefined) t.true(names.indexOf(p.base.name) < names.indexOf(p.name), `${p.base.name} before ${p.name}`);
  const list = gupcheck('list', 'proposals');
  t.regex(list.stdout, /^ {2}wb-skip-pinned /m);
  t.regex(list.stdout, /^ {2}wb-bounce-pinned /m);
});

test('a module on two workers: the same counts and verdicts as one thread', (t) => {
  const file = mod('good2.mjs', GOOD.replace("'mine'", "'mine2'"));
  const one = JSON.parse(gupcheck('check', file, '--scenario', 'rdma-file-mr-fsync', '--json').stdout) as { stats: { states: number }; properties: { name: string; status: string }[] };
  const two = JSON.parse(gupcheck('check', file, '--scenario', 'rdma-file-mr-fsync', '--json', '--workers', '2').stdout) as typeof one;
  t.is(two.stats.states, one.stats.states);
  t.deepEqual(two.properties.map((p) => `${p.name} ${p.status}`), one.properties.map((p) => `${p.name} ${p.status}`));
});

test('--scenario PATH for replay: a trace of a scenario that is not shipped replays from its file', (t) => {
  const sc = path.join(dir, 'my-scenario.json');
  writeFileSync(sc, JSON.stringify({ ...JSON.parse(readFileSync(path.resolve('models/scenarios/ext4-pin-write.json'), 'utf8')), name: 'my-scenario' }));
  const json = gupcheck('check', 'baseline', '--scenario', sc, '--json');
  t.is(json.code, 1);
  const trace = path.join(dir, 'trace.json');
  writeFileSync(trace, json.stdout);
  // The report recorded the file: replay finds it by itself.
  const found = gupcheck('replay', trace);
  t.is(found.code, 1, found.stderr);
  t.regex(found.stdout, /I1 still violated at step 12/);
  // Moved away: said so, and --scenario gives it.
  const moved = path.join(dir, 'my-scenario-moved.json');
  renameSync(sc, moved);
  const lost = gupcheck('replay', trace);
  t.is(lost.code, 2);
  t.regex(lost.stderr, /recorded on the scenario file .*my-scenario\.json, which is gone; give --scenario FILE/);
  renameSync(moved, sc);
  const r = gupcheck('replay', trace, '--scenario', sc);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /I1 still violated at step 12/);
  const other = gupcheck('replay', trace, '--scenario', sc, '--model', mod('good3.mjs', GOOD.replace("'mine'", "'mine3'")));
  t.is(other.code, 0, other.stderr);
  t.regex(other.stdout, /refuses step 10/);
});

test('a write out of a field\'s range inside a hook is the field-range verdict, not a fault', (t) => {
  // uniform-bio-bias's writeback bio pins in writebackBioGet; with refMax 6 and BIAS 4 that pin overflows.
  const sc = { ...shipped('ext4-pin-write'), bounds: { refMax: 6, bias: 4 } };
  const r = check(build(sc, uniformBioBias).model);
  const fr = r.properties.find((p) => p.name === 'field-range')!;
  t.is(fr.status, 'violated');
  t.regex(fr.detail ?? '', /page\.P\.ref := \d+ is outside its declared range -6\.\.6/);
  t.true(r.complete, 'the search went on past every range error, hooks\' included');
  // The hook itself lets the range error through (not a HookError, which would stop the search).
  const { kernel: k, init } = build(sc, uniformBioBias);
  const s = init();
  k.pg[0]!.ref.set(s, 6);
  t.throws(() => k.hooks.writebackBioGet(s, 0), { instanceOf: FieldRangeError });
});

test('every hook takes at most the arguments the wrapper of a proposal\'s hooks passes on', (t) => {
  const { kernel: k } = build(shipped('ext4-gup-write'));
  const defaults = baselineHooks(k) as unknown as Record<string, unknown>;
  for (const name of HOOK_NAMES) {
    const f = defaults[name];
    if (typeof f === 'function') t.true(f.length <= MAX_HOOK_ARITY, `${name} takes ${f.length}`);
  }
  // The widest hook really gets all its arguments through a proposal's wrapper.
  const seen: unknown[] = [];
  const probe = defineProposal({ name: 'probe', base: modern, title: 't', changes: 'c', notes: 'n', hooks: () => ({ canFollowWritePte: (...a: unknown[]) => { seen.push(a.length, a[5]); return true; } }) });
  const pk = build(shipped('ext4-gup-write'), probe).kernel;
  pk.hooks.canFollowWritePte(pk.L.blank(), pk.sh.holders[0]!, false, 0, false, true);
  t.deepEqual(seen, [MAX_HOOK_ARITY, true]);
});
