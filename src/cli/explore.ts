// `gupcheck explore MODEL [--scenario S] [--set N=V ...] [--trace FILE [--property P]] [--path 0.3.7]`:
// serve the interactive explorer (src/explore/) on 127.0.0.1 and print its URL; it runs until
// interrupted (Ctrl-C). A saved counterexample (`check --json`) opens at its first step.

import { findModel, MODELS } from '../../models/index.js';
import { isModulePath, loadModule } from '../modules/load.js';
import { didYouMean } from '../io/suggest.js';
import { parseArgs, UsageError } from './args.js';
import { BadInput, buildModel, EXIT } from './common.js';
import { loadTrace } from './replay.js';
import { parsePath, pathOfTrace, type ExplorePath } from '../explore/session.js';
import { startExplorer } from '../explore/server.js';

export const EXPLORE_FLAGS = { scenario: 'value', set: 'multi', trace: 'value', property: 'value', path: 'value' } as const;

export async function cmdExplore(argv: string[]): Promise<number> {
  const args = parseArgs(argv, EXPLORE_FLAGS);
  const [name, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const f = args.flags as { scenario?: string; set?: string[]; trace?: string; property?: string; path?: string };
  if (f.property !== undefined && f.trace === undefined) throw new UsageError('--property picks a trace of --trace FILE');
  if (f.path !== undefined && f.trace !== undefined) throw new UsageError('give --trace FILE or --path, not both');
  const saved = f.trace !== undefined ? loadTrace(f.trace, f.property) : undefined;
  const modelName = name ?? saved?.model;
  if (modelName === undefined) throw new UsageError('explore needs a model (gupcheck explore baseline) or a trace (--trace FILE)');
  const entry = isModulePath(modelName) ? (await loadModule(modelName)).entry : findModel(modelName);
  if (entry === undefined) throw new BadInput(`unknown model '${modelName}'${didYouMean(modelName, MODELS.map((m) => m.name))} (models: ${MODELS.map((m) => m.name).join(', ')})`);
  const scenario = f.scenario ?? (saved !== undefined && typeof saved.params['scenario'] === 'string' ? saved.params['scenario'] : undefined);
  const model = buildModel(entry, f.set ?? [], scenario);
  let start: { path: ExplorePath; title: string; loop?: number } | undefined;
  if (saved !== undefined) {
    const p = pathOfTrace(model, saved.trace);
    if (typeof p === 'string') throw new BadInput(`${f.trace}: ${p}`);
    const lasso = saved.loop !== undefined ? `, a lasso: steps ${saved.loop + 1}–${saved.trace.length - 1} repeat forever` : '';
    start = { path: p, title: `the ${saved.property} counterexample of ${saved.model} (${saved.trace.length - 1} steps${lasso})`, ...(saved.loop !== undefined ? { loop: saved.loop } : {}) };
  } else if (f.path !== undefined) {
    const p = parsePath(f.path);
    if (p === undefined) throw new UsageError(`--path ${f.path}: expected numbers separated by dots (an initial state, then action indices), as the explorer's reproduce line gives`);
    start = { path: p, title: `path ${f.path}` };
  }
  const command = ['gupcheck explore', modelName, ...(scenario !== undefined ? ['--scenario', scenario] : []), ...(f.set ?? []).flatMap((s) => ['--set', s])].join(' ');
  const server = await startExplorer(model, { title: `${model.name}${scenario !== undefined ? ` on ${scenario}` : ''}`, command, ...(start !== undefined ? { start } : {}) });
  process.stdout.write(`gupcheck explore: ${model.name}${scenario !== undefined ? ` on ${scenario}` : ''}, ${model.actions.length} actions; open\n  ${server.url}\n(serving on 127.0.0.1 only, with the token in the URL; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => { void server.close().then(resolve); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return EXIT.OK;
}
