// A real kernel bug, reproduced: the scenario that shows it, the property it
// breaks, the last release that has it and the release whose commit(s) fixed
// it (or, for a regression, brought it in). One file per bug under
// models/bugs/; the tests check each one is violated on the release before
// and holds on the release named, and that `gupcheck history` shows the flip
// at exactly that release, naming one of the commits.

import { isLeft } from 'fp-ts/lib/Either.js';
import { decodeScenario, type Scenario } from '../kernel/scenario.js';

export const BUG_KIND = 'gupcheck/bug';

export interface BugDef {
  /** [a-z0-9-]+; also the name of the bug's own scenario, if it has one. */
  readonly name: string;
  /** One line: what goes wrong, in the kernel's words. */
  readonly title: string;
  /** CVE id, where there is one. */
  readonly cve?: string;
  /** Where it was reported or discussed (LKML thread, bug tracker), where known. */
  readonly reported?: string;
  /** The commits (12 hex digits) of `fixedIn` that fix it: `history` must name one of them. */
  readonly fixedBy: readonly string[];
  /** The last modelled release with the bug. */
  readonly lastBad: string;
  /** The first modelled release without it (the release that merged `fixedBy`). */
  readonly fixedIn: string;
  /** A shipped scenario's name, or the bug's own scenario (decoded like a scenario file). */
  readonly scenario: string | unknown;
  /** The property (a name such as I10 or I1.bug) the bug violates. */
  readonly property: string;
  /** What the model shows, and anything the reader should know (how the scenario differs from the report, what else flips). */
  readonly notes: string;
  /** A variant that must hold on every release (e.g. the MADV_DONTFORK workaround), with why. */
  readonly workaround?: { readonly scenario: unknown; readonly about: string };
}

export interface Bug extends Omit<BugDef, 'scenario' | 'workaround'> {
  readonly kind: typeof BUG_KIND;
  /** The scenario name, shipped or the bug's own. */
  readonly scenarioName: string;
  /** The bug's own scenario (undefined for a shipped one). */
  readonly own?: Scenario;
  readonly workaround?: { readonly scenario: Scenario; readonly about: string };
}

export class BugError extends Error {}

const decode = (where: string, json: unknown): Scenario => {
  const r = decodeScenario(json);
  if (isLeft(r)) throw new BugError(`${where}: ${r.left}`);
  return r.right;
};

export function defineBug(def: BugDef): Bug {
  const where = `bug ${def.name}`;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(def.name)) throw new BugError(`${where}: name must match [a-z0-9][a-z0-9-]*`);
  if (def.fixedBy.length === 0 || def.fixedBy.some((c) => !/^[0-9a-f]{12}$/.test(c))) throw new BugError(`${where}: fixedBy must list commit ids of 12 hex digits`);
  const own = typeof def.scenario === 'string' ? undefined : decode(where, def.scenario);
  if (own !== undefined && own.name !== def.name) throw new BugError(`${where}: its own scenario must be named '${def.name}' (is '${own.name}')`);
  const workaround = def.workaround === undefined ? undefined : { scenario: decode(`${where} workaround`, def.workaround.scenario), about: def.workaround.about };
  return Object.freeze({
    ...def,
    kind: BUG_KIND,
    scenarioName: typeof def.scenario === 'string' ? def.scenario : def.name,
    ...(own !== undefined ? { own } : {}),
    ...(workaround !== undefined ? { workaround } : {}),
  }) as Bug;
}
