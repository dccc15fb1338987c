// `gupcheck list [models|proposals|scenarios|properties] [--json]`: what can
// be checked. The kernel properties are read from properties/ (their
// descriptions as the models state them, collected by building each
// proposal on each shipped scenario: a property only exists where a
// scenario and era can exercise it).

import { didYouMean } from '../io/suggest.js';
import { propertyCatalog } from '../docs/properties.js';
import { MODELS } from '../../models/index.js';
import type { ModelEntry } from '../engine/registry.js';
import { parseArgs, UsageError } from './args.js';
import { EXIT } from './common.js';

export const LIST_TOPICS = ['models', 'proposals', 'releases', 'scenarios', 'properties'] as const;
type Topic = (typeof LIST_TOPICS)[number];

export interface PropertyInfo { readonly family: string; readonly title: string; readonly properties: { name: string; kind: string; description: string }[] }
export interface ScenarioInfo { readonly name: string; readonly default: boolean; readonly description?: string }

const proposals = () => MODELS.filter((m) => m.group === 'proposal');

export function scenarioInfo(): ScenarioInfo[] {
  const input = proposals()[0]?.input;
  if (input === undefined) return [];
  return input.names().map((n) => {
    const about = input.about?.(n);
    return { name: n, default: n === input.default, ...(about !== undefined ? { description: about } : {}) };
  });
}

/** Each kernel invariant family (I1…I11, durability, S, L) with every property it contributes, then the engine's own checks. */
export function propertyInfo(): PropertyInfo[] {
  return propertyCatalog();
}

function paramLines(m: ModelEntry): string[] {
  return m.params.map((p) => {
    const range = p.kind === 'int' ? `${p.min}..${p.max}` : p.kind === 'bool' ? 'true|false' : p.values.join('|');
    return `    --set ${`${p.name}=${range}`.padEnd(30)} ${p.description} (default ${p.default})`;
  });
}

export const LIST_FLAGS = { json: 'bool' } as const;

export function listText(topics: readonly Topic[]): string {
  const out: string[] = [];
  const want = (t: Topic) => topics.includes(t);
  if (want('proposals') || want('models')) {
    const ps = proposals();
    const w = Math.max(...ps.map((p) => p.name.length));
    out.push('proposals (kernel models: gupcheck check NAME [--scenario S]; all of them: gupcheck compare):');
    for (const p of ps) out.push(`  ${p.name.padEnd(w)}  ${p.description}`);
    out.push('');
  }
  if (want('releases') || want('models')) {
    const rs = MODELS.filter((m) => m.group === 'release');
    const w = Math.max(...rs.map((p) => p.name.length));
    out.push('kernel releases (gupcheck check vX.Y [--scenario S]; all of them in order: gupcheck history SCENARIO):');
    for (const r of rs) out.push(`  ${r.name.padEnd(w)}  ${r.description}`);
    out.push('');
  }
  if (want('models')) {
    const cs = MODELS.filter((m) => m.group !== 'proposal' && m.group !== 'release');
    const w = Math.max(...cs.map((p) => p.name.length));
    out.push('classic models (gupcheck check NAME [--set NAME=VALUE ...]):');
    for (const m of cs) out.push(`  ${m.name.padEnd(w)}  ${m.description}`, ...paramLines(m));
    out.push('');
  }
  if (want('scenarios')) {
    const sc = scenarioInfo();
    const w = Math.max(...sc.map((s) => s.name.length + (s.default ? 10 : 0)));
    out.push('scenarios (--scenario NAME, or a path to a .json file in the same format):');
    for (const s of sc) out.push(`  ${`${s.name}${s.default ? ' (default)' : ''}`.padEnd(w)}  ${s.description ?? ''}`.trimEnd());
    out.push('');
  }
  if (want('properties')) {
    out.push('kernel properties (each with a `sometimes` companion that must be reached; n/a where a scenario or era cannot exercise it):');
    for (const f of propertyInfo()) {
      out.push(`  ${f.family}  ${f.title}`);
      const w = Math.max(0, ...f.properties.map((p) => p.name.length));
      for (const p of f.properties) out.push(`    ${p.name.padEnd(w)}  ${p.kind.padEnd(9)}  ${p.description}`);
    }
    out.push('  deadlock     every reachable state has an enabled action or is a legal end state (built in)');
    out.push('  field-range  every assignment stays within its field\'s declared bounds (built in)');
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function cmdList(argv: string[]): number {
  const args = parseArgs(argv, LIST_FLAGS);
  const topics: Topic[] = [];
  for (const p of args.positionals) {
    if (!(LIST_TOPICS as readonly string[]).includes(p)) throw new UsageError(`list: unknown topic '${p}'${didYouMean(p, LIST_TOPICS)} (topics: ${LIST_TOPICS.join(', ')})`);
    topics.push(p as Topic);
  }
  const chosen: readonly Topic[] = topics.length > 0 ? topics : ['proposals', 'releases', 'models', 'scenarios', 'properties'];
  if (args.flags['json'] === true) {
    // Without a topic, the models (as before); with topics, one object keyed by topic.
    const models = (group?: string) => MODELS.filter((m) => group === undefined || m.group === group).map((m) => ({
      name: m.name, group: m.group, description: m.description, params: m.params,
      ...(m.input !== undefined ? { [m.input.option]: { default: m.input.default, names: m.input.names() } } : {}),
    }));
    if (topics.length === 0) {
      process.stdout.write(JSON.stringify(models()) + '\n');
      return EXIT.OK;
    }
    const out: Record<string, unknown> = {};
    for (const t of chosen) {
      if (t === 'models') out[t] = models();
      if (t === 'proposals') out[t] = models('proposal');
      if (t === 'releases') out[t] = models('release');
      if (t === 'scenarios') out[t] = scenarioInfo();
      if (t === 'properties') out[t] = propertyInfo();
    }
    process.stdout.write(JSON.stringify(out) + '\n');
    return EXIT.OK;
  }
  process.stdout.write(listText(chosen) + '\n');
  return EXIT.OK;
}
