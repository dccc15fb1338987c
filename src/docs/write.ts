// `npm run docs`: regenerate docs/proposals.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderProposalsDoc } from './proposals.js';

export const PROPOSALS_DOC = fileURLToPath(new URL('../../../docs/proposals.md', import.meta.url));
writeFileSync(PROPOSALS_DOC, renderProposalsDoc());
process.stdout.write(`wrote ${PROPOSALS_DOC}\n`);
