// Guard parts (model.ts GuardParts) and the generated property checks
// (state-checks.ts) are speed-ups that must change no result: the expander
// inlines an action's field tests and calls the rest of its guard from a
// call site of its own; the checker calls each property from a call site of
// its own. Each is checked against the plain form it replaces.

import test from 'ava';
import fc from 'fast-check';
import { check, type CheckResult } from '../src/engine/checker.js';
import { compileExpander, genericExpander, type ExpandError } from '../src/engine/expand.js';
import { action, always, currentGuardParts, requireFirst, sometimes, step, type Action, type Property } from '../src/engine/model.js';
import { Layout, bool, enumOf, int, record } from '../src/engine/schema.js';
import { compileStateChecks, compileStepChecks } from '../src/engine/state-checks.js';
import { MODELS } from '../models/index.js';
import { scenarioNames } from '../models/kernel/build.js';
import { buildModel, modelDataArb, splitRequires } from './helpers/random-models.js';

const L = new Layout(record({ pc: enumOf(['idle', 'busy', 'done']), n: int(-2, 5), b: bool() }));
const { pc, n, b } = L.root;
const every = (): Uint32Array[] => {
  const out: Uint32Array[] = [];
  for (let x = 0; x < 3; x++) for (let y = -2; y <= 5; y++) for (const z of [0, 1]) {
    const s = L.blank();
    pc.set(s, x); n.set(s, y); b.set(s, z);
    out.push(s);
  }
  return out;
};
const successors = (actions: readonly Action[], s: Uint32Array, compiled: boolean): string[] => {
  const W = L.words;
  const views = actions.map(() => new Uint32Array(W));
  const acts = new Int32Array(actions.length);
  const err: ExpandError = { a: 0, k: 0, inEffect: false, e: undefined };
  const k = (compiled ? compileExpander(actions, W) : genericExpander(actions, W))(s, views, acts, 0, 0, err);
  if (k < 0) throw err.e;
  return Array.from({ length: k }, (_, i) => `${acts[i]}:${views[i]!.join(',')}`);
};

test('an action with field tests is enabled exactly where every test passes and its guard holds', (t) => {
  const guard = (s: Uint32Array) => b.test(s);
  const a = action({ name: 'x', requires: [{ field: pc, value: 1 }, { field: n, value: -2, equal: false }], guard, effect: (s) => pc.set(s, 2) });
  let on = 0;
  for (const s of every()) {
    const want = pc.get(s) === 1 && n.get(s) !== -2 && b.test(s);
    t.is(a.enabled(s), want);
    if (want) on++;
  }
  t.is(on, 7);
  t.is(currentGuardParts(a)?.rest, guard);
});

test('the generated expander inlines the field tests (values out of a field\'s range included) and matches the plain loop', (t) => {
  const actions = [
    action({ name: 'go', requires: [{ field: pc, value: 0 }], guard: () => true, effect: (s) => pc.set(s, 1) }),
    action({ name: 'step', requires: [{ field: pc, value: 1 }, { field: n, value: 5, equal: false }], guard: (s) => !b.test(s), effect: (s) => n.set(s, n.get(s) + 1) }),
    // a value n can never hold: never enabled, and (equal: false) always passes
    action({ name: 'never', requires: [{ field: n, value: 9 }], guard: () => true, effect: (s) => b.set(s, 1) }),
    action({ name: 'always', requires: [{ field: n, value: -7, equal: false }], guard: (s) => pc.get(s) === 2, effect: (s) => b.set(s, 0) }),
    action({ name: 'plain', guard: (s) => n.get(s) < 0, effect: (s) => n.set(s, 0) }),
  ];
  let compared = 0;
  for (const s of every()) {
    t.deepEqual(successors(actions, s, true), successors(actions, s, false));
    compared++;
  }
  t.is(compared, 48);
});

test('a copy of an action with another guard is expanded by that guard, not by the parts of the old one', (t) => {
  const a = requireFirst(action({ name: 'x', requires: [{ field: pc, value: 0 }], guard: () => true, effect: (s) => pc.set(s, 1) }), { field: b, value: 0 });
  t.deepEqual(currentGuardParts(a)?.requires.map((x) => x.field.path), ['b', 'pc']);
  // A wrapper that narrows the guard (as a model's build step might) without going through requireFirst.
  const narrowed: Action = { ...a, enabled: (s) => a.enabled(s) && n.get(s) > 3 };
  t.is(currentGuardParts(narrowed), undefined);
  for (const s of every()) t.deepEqual(successors([narrowed], s, true), successors([narrowed], s, false));
  const s = L.blank();
  n.set(s, 0);
  t.deepEqual(successors([narrowed], s, true), []);
  t.is(successors([a], s, true).length, 1);
});

const summary = (r: CheckResult) => ({
  states: r.stats.states,
  transitions: r.stats.transitions,
  verdicts: r.properties.map((p) => `${p.name}:${p.status}${p.trace !== undefined ? `/${p.trace.length}` : ''}`),
});

test('random models: field tests as guard parts change no state count, verdict or counterexample length', (t) => {
  let withTests = 0;
  fc.assert(fc.property(modelDataArb, (d) => {
    const parts = d.actions.filter((a) => splitRequires(a.guard).tests.length > 0).length;
    if (parts > 0) withTests++;
    const plain = summary(check(buildModel(d), { maxStates: 20_000 }));
    const inlined = summary(check(buildModel(d, { requires: true }), { maxStates: 20_000 }));
    return JSON.stringify(plain) === JSON.stringify(inlined);
  }), { numRuns: 300, seed: 20261207 });
  t.log(`${withTests} of 300 models had guards with field tests`);
  t.true(withTests > 30);
});

test('the kernel models: every action\'s guard is in parts (no BUG() yet, then its own), and without the parts every search is the same', (t) => {
  const entries = MODELS.filter((m) => m.group === 'proposal' || m.group === 'release');
  const scenarios = ['ext4-gup-write', 'gup-fast-truncate-reclaim', 'gup-write-fsync', 'fork-child-cow', 'anon-swap', 'offline-movable', 'thp-pin-fork'];
  t.true(scenarios.every((sc) => scenarioNames().includes(sc)));
  let searches = 0;
  let pcTests = 0;
  for (const entry of entries) {
    for (const sc of scenarios) {
      const model = entry.build({}, sc);
      for (const a of model.actions) {
        const parts = currentGuardParts(a);
        if (parts === undefined) return t.fail(`${entry.name} on ${sc}: ${a.label} has no guard parts`);
        t.is(parts.requires[0]!.field.path, 'oops');
        pcTests += parts.requires.length - 1;
      }
      const whole = { ...model, actions: model.actions.map((a) => ({ ...a, guardParts: undefined })) };
      t.deepEqual(summary(check(model, { liveness: false })), summary(check(whole, { liveness: false })), `${entry.name} on ${sc}`);
      searches++;
    }
  }
  t.log(`${searches} searches compared; ${pcTests} actor program-counter tests inlined`);
  t.true(searches >= 150 && pcTests > searches * 5);
});

test('the generated property checks report what a loop over the live properties does', (t) => {
  const props: Property[] = [
    always('A', '', (s) => n.get(s) < 4),
    sometimes('S', '', (s) => pc.get(s) === 2),
    step('T', '', (prev, _a, next) => n.get(next) >= n.get(prev)),
    always('B', '', (s) => !b.test(s) || pc.get(s) !== 0),
    step('U', '', (_p, _a, next) => !b.test(next), { watches: (a) => a.name === 'set' }),
  ];
  const acts = [action({ name: 'set', guard: () => true, effect: () => {} }), action({ name: 'other', guard: () => true, effect: () => {} })];
  const stateChecks = compileStateChecks(props);
  const stepChecks = compileStepChecks(props, props.map((p) => (p.kind === 'step' && p.watches !== undefined ? Uint8Array.from(acts, (a) => (p.watches!(a) ? 1 : 0)) : undefined)));
  const out = new Int32Array(props.length);
  const states = every();
  let reported = 0;
  for (let mask = 0; mask < 32; mask++) {
    const live = Uint8Array.from(props, (_, i) => (mask >> i) & 1);
    for (const s of states) {
      const want = props.flatMap((p, i) => (live[i] === 1 && ((p.kind === 'always' && !p.holds(s)) || (p.kind === 'sometimes' && p.witness(s))) ? [i] : []));
      const got = Array.from(out.subarray(0, stateChecks(s, live, out)));
      t.deepEqual(got, want);
      reported += got.length;
      const next = states[(states.indexOf(s) * 7 + 3) % states.length]!;
      for (let a = 0; a < acts.length; a++) {
        const wantStep = props.flatMap((p, i) => (live[i] === 1 && p.kind === 'step' && (p.watches === undefined || p.watches(acts[a]!)) && !p.holds(s, acts[a]!, next) ? [i] : []));
        t.deepEqual(Array.from(out.subarray(0, stepChecks(a, s, acts[a]!, next, live, out))), wantStep);
        reported += wantStep.length;
      }
    }
  }
  t.true(reported > 500);
});
