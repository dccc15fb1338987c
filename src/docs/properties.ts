// Every property the kernel models can check, from their definitions: each
// property module of properties/ run on every proposal × shipped scenario
// where it applies, each property attributed to the module that made it
// (so stable-pages sits under I6, which defines it), a release's own
// properties (I2.kind…) to the family their name says, and the engine's own
// checks apart. `gupcheck list properties`, `list --json`, the README's
// property table and docs/ all read this, so none can drift from the code.

import { isRight } from 'fp-ts/lib/Either.js';
import { KERNEL_PROPERTIES } from '../../properties/index.js';
import { livenessProperties } from '../engine/liveness.js';
import { PROPOSALS } from '../../models/index.js';
import { buildKernel, SCENARIO_DIR, scenarioNames } from '../../models/kernel/build.js';
import { loadScenario } from '../../models/kernel/scenario.js';
import { familyOf } from '../compare/matrix.js';

export interface PropertyEntry { readonly name: string; readonly kind: string; readonly description: string }
export interface PropertyFamily { readonly family: string; readonly title: string; readonly properties: PropertyEntry[] }

/** What the engine checks on every model, whatever its properties. */
const ENGINE: PropertyFamily = {
  family: 'engine',
  title: 'checked by the engine on every model',
  properties: [],
};

let cached: PropertyFamily[] | undefined;

export function propertyCatalog(): PropertyFamily[] {
  if (cached !== undefined) return cached;
  const families = KERNEL_PROPERTIES.map((kp) => ({ family: kp.id, title: kp.title, properties: [] as PropertyEntry[] }));
  const engine: PropertyFamily = { ...ENGINE, properties: [] };
  const seen = new Set<string>();
  const add = (fam: PropertyFamily, p: PropertyEntry) => {
    if (seen.has(p.name)) return;
    seen.add(p.name);
    fam.properties.push({ name: p.name, kind: p.kind, description: p.description });
  };
  for (const name of scenarioNames()) {
    const sc = loadScenario(`${SCENARIO_DIR}${name}.json`);
    if (!isRight(sc)) continue;
    for (const proposal of PROPOSALS) {
      const { model, kernel: k } = buildKernel(sc.right, proposal);
      KERNEL_PROPERTIES.forEach((kp, i) => {
        if (!kp.applies(k)) return;
        for (const p of [...kp.properties(k), ...(kp.liveness?.(k) ?? [])]) add(families[i]!, p);
      });
      // A proposal's or release's own properties: the family their name says.
      for (const p of model.properties) {
        const fam = families.find((f) => f.family === familyOf(p.name));
        if (fam !== undefined) add(fam, p);
      }
      for (const p of livenessProperties(model)) if (!seen.has(p.name)) add(engine, p);
    }
  }
  add(engine, { name: 'deadlock', kind: 'deadlock', description: 'every reachable state has an enabled action or is a legal end state' });
  add(engine, { name: 'field-range', kind: 'range', description: 'every assignment stays within its field\'s declared bounds (a bound that cuts behaviour off shows here)' });
  cached = [...families, engine];
  return cached;
}

/** The README's property table (between its markers), as Markdown. */
export function renderPropertyTable(): string {
  const out = ['| property | kind | what must hold |', '|---|---|---|'];
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  for (const f of propertyCatalog()) {
    out.push(`| **${f.family}** | | **${cell(f.title)}** |`);
    for (const p of f.properties) out.push(`| \`${p.name}\` | ${p.kind} | ${cell(p.description)} |`);
  }
  return out.join('\n');
}
