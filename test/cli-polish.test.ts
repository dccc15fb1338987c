// CLI polish: --help for every command with a real example; `gupcheck list`
// shows proposals, models, scenarios and properties with their descriptions;
// errors are one line saying what to do next; the progress line appears on
// stderr only on a terminal, and --quiet silences it.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { HELP } from '../src/cli/help.js';
import { BIN } from './helpers/cli.js';
import { runMain } from './helpers/inproc.js';

const COMMANDS = ['compare', 'report', 'check', 'replay', 'selftest', 'list', 'start', 'help'];

test.serial('every command has --help with usage and a real example; gupcheck help lists them all', async (t) => {
  for (const cmd of COMMANDS) {
    const r = await runMain(cmd, '--help');
    t.is(r.code, 0, cmd);
    t.is(r.stdout, HELP[cmd] + '\n', cmd);
    t.regex(r.stdout, /^usage: gupcheck /, cmd);
    t.regex(r.stdout, /\nexamples?:\n {2}\$ gupcheck /, `${cmd} has an example`);
    t.is((await runMain('help', cmd)).stdout, r.stdout);
  }
  const main = await runMain('help');
  for (const cmd of COMMANDS) t.regex(main.stdout, new RegExp(`\\n  ${cmd}\\b`), cmd);
});

test.serial('list shows the proposals, classic models with parameters, scenarios and kernel properties, each described', async (t) => {
  const r = await runMain('list');
  t.is(r.code, 0, r.stderr);
  const sections = r.stdout.split('\n\n');
  t.regex(sections[0]!, /^proposals \(kernel models: .*\):\n {2}baseline {12}pre-2019 kernel/);
  t.regex(sections[0]!, /\n {2}lock-page-over-gup {2}\S/, 'names are aligned');
  t.regex(sections[1]!, /^kernel releases .*\n {2}v4\.8 +Linux 4\.8\. /);
  t.regex(sections[1]!, /\n {2}v6\.6 +Linux 6\.6\. /);
  t.regex(sections[2]!, /^classic models .*\n {2}peterson .*\n {4}--set N=2\.\.6 +number of processes/);
  t.regex(sections[3]!, /^scenarios .*\n(?: {2}.*\n)*? {2}ext4-gup-write \(default\) +The ext4 BUG \(Jan Kara/);
  t.regex(sections[4]!, /^kernel properties .*\n {2}I1 {2}no dirty page without buffers\n {4}I1 +always +an ext4 page-cache page that is PG_dirty has buffers/);
  t.regex(sections[4]!, /\n {4}I1\.crash +step +writeback never reaches page_buffers/);
  t.regex(sections[4]!, /\n {2}I11 {2}lock discipline\n/);
  const topics = await runMain('list', 'scenarios', 'properties', '--json');
  const j = JSON.parse(topics.stdout) as { scenarios: { name: string; default: boolean }[]; properties: { family: string; properties: { name: string }[] }[] };
  t.true(j.scenarios.some((s) => s.name === 'ext4-gup-write' && s.default));
  t.deepEqual(j.properties.map((p) => p.family), ['I1', 'I2', 'I3', 'I4', 'I5', 'I5.swap', 'I6', 'I7', 'I8', 'I9', 'I10', 'I11', 'durability', 'M', 'S', 'L', 'engine']);
  t.true(j.properties.every((p) => p.properties.length > 0), 'every family has properties with descriptions');
  const bad = await runMain('list', 'frobs');
  t.is(bad.code, 2);
  t.is(bad.stderr, "gupcheck: list: unknown topic 'frobs' (topics: models, proposals, releases, scenarios, properties); see gupcheck list --help\n");
});

for (const [what, args, message] of [
  ['a missing model', ['check'], "gupcheck: check needs a model name, e.g. gupcheck check baseline (gupcheck list shows them)\n"],
  ['an unknown option', ['check', 'baseline', '--frob'], 'gupcheck: unknown option --frob; see gupcheck check --help\n'],
  ['a bad format', ['check', 'baseline', '--format', 'pdf'], 'gupcheck: --format pdf: expected one of text, json, itf, mermaid, dot; see gupcheck check --help\n'],
  ['--property with text', ['check', 'baseline', '--property', 'I1'], 'gupcheck: --property picks the trace of --format itf, mermaid or dot; text and json show every trace; see gupcheck check --help\n'],
  ['an unknown --property', ['check', 'phils', '--format', 'itf', '--property', 'nope'], 'gupcheck: --property nope: phils has no such property (properties: fork-exclusion, fork-flags, someone-eats, deadlock, field-range)\n'],
  ['a replay without a file', ['replay'], 'gupcheck: replay needs a trace file: save one with gupcheck check MODEL --format json > trace.json\n'],
  ['an unknown command', ['frob'], 'gupcheck: unknown command \'frob\' (commands: compare, report, check, simulate, explore, history, replay, selftest, list, start, help); see gupcheck help\n'],
] as const) {
  test.serial(`${what} is one line saying what to do next, exit 2`, async (t) => {
    const r = await runMain(...args);
    t.is(r.code, 2);
    t.is(r.stdout, '');
    t.is(r.stderr, message);
  });
}

test.serial('no counterexample to draw: one line on stderr, the verdict as exit code', async (t) => {
  const r = await runMain('check', 'peterson', '--set', 'N=2', '--format', 'mermaid');
  t.is(r.code, 0);
  t.is(r.stdout, '');
  t.is(r.stderr, 'gupcheck: no counterexample to draw: no property is violated; draw a witness with --property NAME (a sometimes property)\n');
});

/** Run under a pseudo-terminal (util-linux script), so stdout and stderr are TTYs. */
const onTty = (args: string[]) => {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? -1, out: r.stdout };
};

test('progress: drawn on a terminal (states, level, states/s, memory), silenced by --quiet, never in a pipe', (t) => {
  // peterson N=4: 1.1 M states, about a second: long enough for the line to show.
  const tty = onTty(['check', 'peterson', '--set', 'N=4']);
  t.is(tty.code, 0, tty.out);
  t.regex(tty.out, /\d[\d,]* states · level \d+ · [\d.]+ [kM]? ?states\/s · \d[\d,]* of [\d,]+ MiB/);
  t.regex(tty.out, /1,119,560 distinct states/);
  const quiet = onTty(['check', 'peterson', '--set', 'N=4', '--quiet']);
  t.is(quiet.code, 0);
  t.notRegex(quiet.out, / states · level /);
  const pipe = spawnSync(process.execPath, [BIN, 'check', 'peterson', '--format', 'json'], { encoding: 'utf8' });
  t.is(pipe.stderr, '', 'nothing on stderr when it is not a terminal');
  t.is(JSON.parse(pipe.stdout).stats.states, 12498, 'stdout is only the result');
});
