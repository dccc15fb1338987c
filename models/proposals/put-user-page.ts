// put_user_page() (2019 plan, step 1; "mm: introduce
// put_user_page*(), placeholder versions", John Hubbard, Feb 2019): a new
// release API for GUP references that does exactly what put_page() does.
// Nothing changes in behaviour; what changes is that a GUP reference now
// has a right and a wrong release, so the model reports every put_page() of
// a GUP reference as the latent imbalance it becomes once pins are counted.

import { releaseKindStep } from '../../properties/i2-pins-balanced.js';
import { defineProposal } from '../kernel/proposal.js';
import { baseline } from './baseline.js';

export const putUserPage = defineProposal({
  name: 'put-user-page',
  base: baseline,
  era: '2019 put_user_page',
  date: '2019-02',
  title: 'put_user_page() wrapper (2019 step 1): same behaviour, a separate release API for GUP references',
  changes: 'put_user_page = put_page; put_user_pages_dirty_lock = set_page_dirty_lock + put; GUP references released by put_page are flagged (I2.latent)',
  notes: 'As the 2019 plan intended, every baseline trace replays unchanged (see the cross-replay in gupcheck compare), and no verdict changes. What the new API adds is a right and a wrong release: I2.latent flags every GUP reference dropped with put_page — the unconverted drivers of release-mismatch and fork-rdma, bio completion and the bio merge site in the dio scenarios — shown as `latent`, the imbalance they become once pins are counted (gup-bias).',
  hooks: ({ base }) => ({
    // GUP call sites are converted to the new API.
    defaultRelease: (kind, write) => (kind === 'GET' ? (write ? 'put_user_pages_dirty_lock' : 'put_user_page') : base.defaultRelease(kind, write)),
    // A GUP reference must go back through put_user_page*(); a plain reference through put_page().
    releaseMatches: (taken, released) => (taken === 'plain' ? released === 'put_page' : released !== 'put_page'),
  }),
  properties: (k) => releaseKindStep(k, 'I2.latent', 'every GUP reference is released with put_user_page*(), never put_page() (a latent imbalance once pins are counted)'),
});
