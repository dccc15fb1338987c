// The corpus of real bugs (bug.ts): every module in models/bugs/ that
// exports a bug, ordered by the release that fixed it.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BUG_KIND, BugError, type Bug } from './bug.js';
import type { Scenario } from '../kernel/scenario.js';

const here = new URL('./', import.meta.url);
const found: Bug[] = [];
for (const f of readdirSync(fileURLToPath(here)).filter((x) => x.endsWith('.js') && x !== 'index.js' && x !== 'bug.js').sort()) {
  const mod = (await import(new URL(f, here).href)) as Record<string, unknown>;
  for (const v of Object.values(mod)) {
    if (typeof v !== 'object' || v === null || (v as Bug).kind !== BUG_KIND || found.includes(v as Bug)) continue;
    if (found.some((b) => b.name === (v as Bug).name)) throw new BugError(`models/bugs/${f}: a second bug named '${(v as Bug).name}'`);
    found.push(v as Bug);
  }
}

/** Every bug of the corpus (in file order; the docs sort them by release). */
export const BUGS: readonly Bug[] = found;

/** The scenarios the bugs bring (by name), and their workaround variants (NAME-workaround). */
export function bugScenario(name: string): Scenario | undefined {
  for (const b of BUGS) {
    if (b.own !== undefined && b.name === name) return b.own;
    if (b.workaround !== undefined && b.workaround.scenario.name === name) return b.workaround.scenario;
  }
  return undefined;
}

export const bugScenarioNames = (): string[] =>
  BUGS.flatMap((b) => [...(b.own !== undefined ? [b.name] : []), ...(b.workaround !== undefined ? [b.workaround.scenario.name] : [])]);
