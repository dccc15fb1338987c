// The README's "Adding a proposal", run as a new user would: pack gupcheck
// (npm pack), install the tarball in an empty folder outside the
// repository, write the README's module there, run the README's command,
// and find every line the README shows in what it prints. Then the types:
// a TypeScript file that uses the API type-checks against the package's
// declarations, and one that misuses it does not.

import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve('.');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced block after an HTML comment marker in the README. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README has no ${marker}`);
  const open = README.indexOf('```', at);
  const body = README.indexOf('\n', open) + 1;
  return README.slice(body, README.indexOf('```', body));
}

const npm = (cwd: string, ...args: string[]) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

test('the README tutorial, from an empty folder, against the packed package', (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'gupcheck-tutorial-'));
  // The package as it would be published (dist/ is built by `npm test` before this runs).
  npm(ROOT, 'pack', '--ignore-scripts', '--pack-destination', work);
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  t.truthy(tgz, 'npm pack made a tarball');
  const marker = '<!-- tutorial: ';
  const file = README.slice(README.indexOf(marker) + marker.length).split(' ')[0]!;
  writeFileSync(path.join(work, file), blockAfter(marker));
  const session = blockAfter('<!-- tutorial-command -->').split('\n');
  const commands = session.filter((l) => l.startsWith('$ ')).map((l) => l.slice(2));
  t.is(commands.length, 2, 'set-up, then the comparison');
  // The set-up line, with the tarball npm pack just made and the registry's cache.
  const setup = commands[0]!.replace('gupcheck-0.1.0.tgz', tgz!).replace('npm install', 'npm install --prefer-offline --no-audit --no-fund');
  execFileSync('sh', ['-c', setup], { cwd: work, stdio: 'ignore', timeout: 300_000 });
  const run = spawnSync('sh', ['-c', commands[1]!], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  t.is(run.status, 0, run.stderr);
  t.is(run.stderr, '', 'nothing on stderr');
  // Every line the README shows is printed (a line ending in "…" is a prefix; the time varies).
  const shown = session.filter((l) => !l.startsWith('$ ') && l.trim() !== '…' && l.trim() !== '');
  const out = run.stdout.split('\n');
  const seconds = (l: string) => l.replace(/\d+\.\d+ s$/, 'N s');
  for (const line of shown) {
    const found = line.endsWith('…')
      ? out.some((o) => o.startsWith(line.slice(0, -1)))
      : out.some((o) => seconds(o) === seconds(line));
    t.true(found, `the README shows a line the tutorial does not print: ${line}`);
  }
  t.true(shown.length >= 6);
});

test('the package\'s types: a TypeScript proposal type-checks against the declarations; a wrong one does not', (t) => {
  const work = mkdtempSync(path.join(tmpdir(), 'gupcheck-types-'));
  npm(ROOT, 'pack', '--ignore-scripts', '--pack-destination', work);
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  writeFileSync(path.join(work, 'package.json'), '{ "name": "types-check", "private": true, "type": "module" }\n');
  npm(work, 'install', '--prefer-offline', '--no-audit', '--no-fund', tgz);
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types')];
  writeFileSync(path.join(work, 'good.ts'), `import { defineProposal, modern, int, type KernelHooks, type HookContext } from 'gupcheck';
const hooks = ({ k, base }: HookContext): Partial<KernelHooks> => ({
  releaseAmount: (fn) => (fn === 'unpin_user_page' ? k.sh.bias : base.releaseAmount(fn)),
});
export default defineProposal({ name: 'typed', base: modern, title: 't', changes: 'c', notes: 'n', hooks, state: (sh) => ({ page: { count: int(0, sh.holders.length) } }) });
`);
  const good = spawnSync(process.execPath, [tsc, ...flags, 'good.ts'], { cwd: work, encoding: 'utf8' });
  t.is(good.status, 0, good.stdout + good.stderr);
  writeFileSync(path.join(work, 'bad.ts'), `import { defineProposal, modern, type KernelHooks } from 'gupcheck';
export const hooks: Partial<KernelHooks> = { releaseAmount: (fn: number) => fn };
export default defineProposal({ name: 'typed', base: modern, title: 't', changes: 'c' });
`);
  const bad = spawnSync(process.execPath, [tsc, ...flags, 'bad.ts'], { cwd: work, encoding: 'utf8' });
  t.not(bad.status, 0);
  t.regex(bad.stdout, /bad\.ts.*error TS\d+/);
  t.regex(bad.stdout, /bad\.ts\(2,.*'\(fn: number\) => number' is not assignable/, 'a hook of the wrong type');
  t.regex(bad.stdout, /bad\.ts\(3,[^\n]*\n[^\n]*Property 'notes' is missing/, 'the missing field is named');
});
