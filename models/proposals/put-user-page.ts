// put_user_page() (2019 plan, step 1; reference §3.2): a new release API for
// GUP references that does exactly what put_page() does. Nothing changes in
// behaviour; what changes is that a GUP reference now has a right and a
// wrong release, so the model reports every put_page() of a GUP reference
// as the latent imbalance it becomes once pins are counted (§3.3).

import { BASELINE_ERA } from '../kernel/era.js';
import type { Proposal } from './proposal.js';

export const putUserPage: Proposal = {
  name: 'put-user-page',
  title: 'put_user_page() wrapper (2019 step 1): same behaviour, a separate release API for GUP references',
  changes: 'put_user_page = put_page; put_user_pages_dirty_lock = set_page_dirty_lock + put; GUP references released by put_page are flagged (I2.kind)',
  notes: 'As §3.2 says, every baseline trace replays unchanged (see the cross-replay in gupcheck compare), and no verdict changes. What the new API adds is a right and a wrong release: I2.latent flags every GUP reference dropped with put_page — the unconverted drivers of release-mismatch and fork-rdma, bio completion and the bio merge site in the dio scenarios — shown as `latent`, the imbalance they become once pins are counted (gup-bias).',
  era: { ...BASELINE_ERA, name: '2019 put_user_page', userPageApi: true },
};
