// Every flag a command accepts is in its --help, and every flag its --help
// names is one the command accepts: the help is checked against the flag
// definitions the parser uses, so neither can drift from the other.

import test from 'ava';
import { HELP } from '../src/cli/help.js';
import { CHECK_FLAGS } from '../src/cli/options.js';
import { COMPARE_FLAGS, REPLAY_FLAGS } from '../src/cli/main.js';
import { LIST_FLAGS } from '../src/cli/list.js';
import { REPORT_FLAGS } from '../src/cli/report.js';
import { SELFTEST_FLAGS } from '../src/cli/selftest.js';
import { HISTORY_FLAGS } from '../src/cli/history.js';
import { EXPLORE_FLAGS } from '../src/cli/explore.js';
import { SIMULATE_FLAGS } from '../src/cli/simulate.js';

const COMMANDS: Record<string, Readonly<Record<string, string>>> = {
  check: CHECK_FLAGS, compare: COMPARE_FLAGS, replay: REPLAY_FLAGS, list: LIST_FLAGS, report: REPORT_FLAGS, selftest: SELFTEST_FLAGS, history: HISTORY_FLAGS, explore: EXPLORE_FLAGS, simulate: SIMULATE_FLAGS,
};

for (const [cmd, flags] of Object.entries(COMMANDS)) {
  test(`gupcheck ${cmd} --help lists every flag ${cmd} accepts, and only those`, (t) => {
    const help = HELP[cmd];
    if (help === undefined) return t.fail(`no help for ${cmd}`);
    // The usage and options (the examples quote other commands' output).
    const usage = help.split('\nexample')[0]!;
    const named = new Set([...usage.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((m) => m[1]!));
    const missing = Object.keys(flags).filter((f) => !named.has(f) && f !== 'help');
    t.deepEqual(missing, [], `${cmd} accepts these, its help does not name them`);
    const unknown = [...named].filter((f) => !(f in flags) && f !== 'help');
    t.deepEqual(unknown, [], `${cmd}'s help names flags it does not accept`);
  });
}

// --- did you mean --------------------------------------------------------------------

import { gupcheck } from './helpers/cli.js';
import { closest } from '../src/io/suggest.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const typos: [string[], RegExp][] = [
  [['check', 'moden'], /^gupcheck: unknown model 'moden'; did you mean modern\? \(models: /],
  [['check', 'modern', '--scenario', 'ext4-gup-wrte'], /unknown scenario 'ext4-gup-wrte'; did you mean ext4-gup-write\?/],
  [['chek', 'modern'], /unknown command 'chek'; did you mean check\?/],
  [['check', 'modern', '--scenaro', 'x'], /unknown option --scenaro; did you mean --scenario\?/],
  [['check', 'modern', '--format', 'mermaid', '--property', 'I1.crsh'], /no such property; did you mean I1\.crash\?/],
  [['compare', '--models', 'modren'], /unknown proposal 'modren'; did you mean modern\?/],
  [['check', 'modern', '--fairness', 'wek'], /--fairness wek: expected one of strong, weak, none; did you mean weak\?/],
  [['list', 'propertes'], /unknown topic 'propertes'; did you mean properties\?/],
];

for (const [args, want] of typos) {
  test(`did you mean: gupcheck ${args.join(' ')}`, (t) => {
    const r = gupcheck(...args);
    t.is(r.code, 2);
    t.regex(r.stderr, want);
    t.is(r.stderr.trimEnd().split('\n').length, 1, 'one line');
    t.is(r.stdout, '');
  });
}

test('did you mean: a scenario file\'s closed values are listed, with the nearest', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gupcheck-dym-'));
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ name: 'x', pages: [{ id: 'P', kind: 'file', fs: 'ext4' }], processes: [{ id: 'app', mappings: [{ page: 'P', shared: true, writable: true }] }],
    holders: [{ id: 'd', process: 'app', page: 'P', kind: 'GET', write: true, release: 'put_pag' }] }));
  const r = gupcheck('check', 'modern', '--scenario', file);
  t.is(r.code, 2);
  t.regex(r.stderr, /at holders\[0\]\.release: expected a release function \(one of put_page, .*unpin_user_pages_dirty_lock\), got "put_pag"; did you mean put_page\?/);
});

test('closest: a plausible typo only, not any word', (t) => {
  t.is(closest('modren', ['modern', 'baseline']), 'modern');
  t.is(closest('xyz', ['modern', 'baseline']), undefined);
  t.is(closest('rdma', ['rdma-file-mr', 'dio-merge']), 'rdma-file-mr', 'a clear prefix');
  t.is(closest('rdma', ['rdma-file-mr', 'rdma-file-mr-fsync']), undefined, 'an ambiguous prefix');
});
