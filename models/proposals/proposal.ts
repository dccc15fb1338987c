// A design proposal: a kernel era (feature bits) plus, later, a small delta
// of its own. One file per proposal states only what differs from baseline.

import type { Era } from '../kernel/era.js';

export interface Proposal {
  /** CLI name, e.g. "baseline". */
  readonly name: string;
  /** One line: what it is, with its year. */
  readonly title: string;
  /** What it changes relative to the kernel before it (reference §3). */
  readonly changes: string;
  /**
   * What the checker finds, in words, and where that differs from the
   * reference's [derived] claims (docs/proposals.md prints it beside the
   * generated verdicts and traces).
   */
  readonly notes: string;
  readonly era: Era;
}
