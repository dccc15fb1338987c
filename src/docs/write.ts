// `npm run docs`: regenerate docs/proposals.md and docs/history.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProposalsDoc } from './proposals.js';
import { renderHistoryDoc } from './history.js';
import { renderScenariosDoc } from './scenarios.js';
import { readFileSync } from 'node:fs';
import { README, withPropertyTable } from './readme.js';

export const PROPOSALS_DOC = fileURLToPath(new URL('../../../docs/proposals.md', import.meta.url));
export const HISTORY_DOC = fileURLToPath(new URL('../../../docs/history.md', import.meta.url));
writeFileSync(PROPOSALS_DOC, renderProposalsDoc());
process.stdout.write(`wrote ${PROPOSALS_DOC}\n`);
writeFileSync(HISTORY_DOC, await renderHistoryDoc());
process.stdout.write(`wrote ${HISTORY_DOC}\n`);
export const SCENARIOS_DOC = fileURLToPath(new URL('../../../docs/scenarios.md', import.meta.url));
writeFileSync(SCENARIOS_DOC, renderScenariosDoc());
process.stdout.write(`wrote ${SCENARIOS_DOC}\n`);
writeFileSync(README, withPropertyTable(readFileSync(README, 'utf8')));
process.stdout.write(`wrote the property table of ${README}\n`);
