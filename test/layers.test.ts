// Layers point one way: the engine knows nothing of the kernel; the kernel
// model and its properties know nothing of the tool around them; the
// comparison, replay, report and module loading are used by the command
// line, never the other way round.

import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve('.');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, f);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (f.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The repository-relative files a source imports (relative specifiers only). */
function imports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)].map((m) => path.normalize(path.join(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'))));
}

const RULES: { from: string; mayNotImport: string[] }[] = [
  { from: 'src/engine', mayNotImport: ['src/cli', 'src/report', 'src/compare', 'src/replay', 'src/modules', 'models', 'properties'] },
  { from: 'models', mayNotImport: ['src/cli', 'src/report', 'src/compare', 'src/replay', 'src/modules'] },
  { from: 'properties', mayNotImport: ['src/cli', 'src/report', 'src/compare', 'src/replay', 'src/modules'] },
  { from: 'src/compare', mayNotImport: ['src/cli', 'src/report'] },
  { from: 'src/replay', mayNotImport: ['src/cli', 'src/report', 'src/compare'] },
  { from: 'src/report', mayNotImport: ['src/cli'] },
  { from: 'src/modules', mayNotImport: ['src/cli', 'src/report', 'src/compare'] },
  { from: 'src/explore', mayNotImport: ['src/cli', 'src/compare'] },
  { from: 'src/docs', mayNotImport: ['src/cli'] },
];

test('imports point one way (engine ← models ← compare/replay/report/modules ← cli)', (t) => {
  let checked = 0;
  for (const rule of RULES) {
    for (const file of sources(rule.from)) {
      for (const target of imports(file)) {
        checked++;
        const bad = rule.mayNotImport.find((layer) => target === layer || target.startsWith(`${layer}/`));
        t.is(bad, undefined, `${file} imports ${target}`);
      }
    }
  }
  t.true(checked > 100, `${checked} imports checked`);
});
