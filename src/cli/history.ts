// `gupcheck history SCENARIO [--property P] [--from R] [--to R] [--json]`:
// the scenario on every kernel release in order (src/history/run.ts), as a
// table and the flips, or as JSON. Exit 0 when every search completed (the
// flips are its findings), 3 if one did not, 2 for bad input.

import { isLeft } from 'fp-ts/lib/Either.js';
import { RELEASES } from '../../models/index.js';
import { runHistory } from '../history/run.js';
import { historyJson, renderHistory } from '../history/render.js';
import { parseArgs, UsageError } from './args.js';
import { EXIT } from './common.js';
import { decodeCheckFlags, toCheckOptions } from './options.js';
import { progressText, progressWanted, ProgressLine } from './progress.js';

export const HISTORY_FLAGS = {
  property: 'value', from: 'value', to: 'value', json: 'bool', quiet: 'bool',
  'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value', 'max-depth': 'value',
} as const;

export async function cmdHistory(argv: string[]): Promise<number> {
  const args = parseArgs(argv, HISTORY_FLAGS);
  const [scenario, ...extra] = args.positionals;
  if (scenario === undefined) throw new UsageError('history needs a scenario: a shipped one, a bug of the corpus, or a file (see gupcheck list scenarios)');
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const { property, from, to, ...rest } = args.flags;
  const flags = decodeCheckFlags(rest);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const opts = toCheckOptions(flags.right);
  const line = progressWanted(flags.right.quiet) ? new ProgressLine() : undefined;
  let run;
  try {
    run = await runHistory({
      scenario,
      releases: RELEASES,
      ...(typeof property === 'string' ? { property } : {}),
      ...(typeof from === 'string' ? { from } : {}),
      ...(typeof to === 'string' ? { to } : {}),
      opts,
      ...(line !== undefined ? { progress: (what: string, checker: import('../engine/checker.js').Checker) => line.update(progressText(checker.progress(), opts.maxMemoryBytes, what), 0) } : {}),
    });
  } finally {
    line?.stop();
  }
  process.stdout.write((flags.right.json === true ? JSON.stringify(historyJson(run)) : renderHistory(run)) + '\n');
  return run.complete ? EXIT.OK : EXIT.INCOMPLETE;
}
