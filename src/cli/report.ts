// `gupcheck report [--scenario S ...] [--models a,b] [--format html|text|markdown] [--out FILE]`:
// run the comparison and write it up for a design review: one self-contained
// HTML file (default), plain text for a mailing-list reply, or Markdown.

import { writeFileSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { reportData } from '../report/data.js';
import { reportHtml } from '../report/html.js';
import { reportMarkdown } from '../report/markdown.js';
import { reportText } from '../report/text.js';
import { parseArgs, UsageError } from './args.js';
import { BadInput, EXIT } from './common.js';
import { addedProposals, runComparisonFromFlags } from './compare.js';
import { decodeCheckFlags, toCheckOptions } from './options.js';

export const REPORT_FLAGS = {
  models: 'value', add: 'multi', scenario: 'multi', format: 'value', out: 'value', title: 'value', quiet: 'bool', exact: 'bool',
  'max-states': 'value', 'time-limit': 'value', 'max-memory': 'value', 'max-depth': 'value',
} as const;

const ReportFormatC = t.keyof({ html: null, text: null, markdown: null }, '--format: one of html, text, markdown');

/** The format a file name suggests, when --format is not given. */
function formatOf(out: string | undefined): 'html' | 'text' | 'markdown' {
  if (out === undefined) return 'html';
  if (/\.(md|markdown)$/i.test(out)) return 'markdown';
  if (/\.txt$/i.test(out)) return 'text';
  return 'html';
}

export async function cmdReport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, REPORT_FLAGS);
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (scenarios go after --scenario)`);
  const { models, scenario, format, out, title, add, ...rest } = args.flags;
  const flags = decodeCheckFlags(rest);
  if (isLeft(flags)) throw new UsageError(flags.left);
  const fmt = format === undefined ? formatOf(typeof out === 'string' ? out : undefined) : ReportFormatC.is(format) ? format : undefined;
  if (fmt === undefined) throw new UsageError(`--format ${String(format)}: expected html, text or markdown`);
  if (fmt === 'html' && out === undefined && process.stdout.isTTY === true) {
    throw new UsageError('the HTML report is a file: give --out report.html (or --format text to read it here)');
  }
  const run = await runComparisonFromFlags(models, scenario, toCheckOptions(flags.right), flags.right.quiet, await addedProposals(add));
  const command = ['gupcheck', 'report', ...argv].map((a) => (/^[\w./,=:@+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const data = reportData({
    title: typeof title === 'string' ? title : 'gupcheck design review: get_user_pages / pinning proposals',
    command,
    rows: run.rows,
    cross: run.cross,
    ...(run.reference !== undefined ? { reference: run.reference } : {}),
    about: run.about,
    modelOf: run.modelOf,
  });
  const text = fmt === 'html' ? reportHtml(data) : fmt === 'text' ? reportText(data) : reportMarkdown(data);
  if (typeof out === 'string') {
    try {
      writeFileSync(out, text);
    } catch (e) {
      throw new BadInput(`--out ${out}: cannot write it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pick a writable path`);
    }
    const traces = data.traces.length;
    if (flags.right.quiet !== true) process.stderr.write(`wrote ${out}: ${data.proposals.length} proposals × ${data.scenarios.length} scenarios, ${traces} counterexample${traces === 1 ? '' : 's'}\n`);
  } else {
    process.stdout.write(text);
  }
  return run.rows.every((r) => r.result.complete) ? EXIT.OK : EXIT.INCOMPLETE;
}
