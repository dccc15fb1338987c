import test from 'ava';
import { Checker, check } from '../src/engine/checker.js';
import { action, always, ModelFault, quiescent, sometimes, step, type Model } from '../src/engine/model.js';
import { Layout, int, record } from '../src/engine/schema.js';

// A counter that can go up by 1 or 2 up to `max`, and a flag "busy" that is
// set while x is odd. Small enough to reason about by hand.
function counter(max: number, opts: { overflow?: boolean; legalEnd?: boolean } = {}): Model {
  const layout = new Layout(record({ x: int(0, max), busy: int(0, 1) }));
  const { x, busy } = layout.root;
  const bump = (d: number) => action({
    name: `inc${d}`,
    guard: (s) => opts.overflow === true || x.get(s) + d <= max,
    effect: (s) => { x.set(s, x.get(s) + d); busy.set(s, x.get(s) % 2); },
  });
  return {
    name: 'counter', params: { max }, layout, init: [layout.blank()],
    actions: [bump(1), bump(2)],
    properties: [
      always('below-max', 'x stays below max', (s) => x.get(s) < max),
      step('no-jump-by-2-from-odd', 'never add 2 to an odd x', (p, a, _n) => !(a.name === 'inc2' && x.get(p) % 2 === 1)),
      quiescent('quiet-even', 'x is even whenever not busy', (s) => x.get(s) % 2 === 0),
      sometimes('reaches-3', 'x reaches 3', (s) => x.get(s) === 3),
      sometimes('reaches-99', 'x reaches 99 (never)', (s) => x.get(s) === 99),
    ],
    isQuiescent: (s) => busy.get(s) === 0,
    ...(opts.legalEnd ? { isLegalEnd: (s: Uint32Array) => x.get(s) === max } : {}),
  };
}

const byName = (r: ReturnType<typeof check>, n: string) => r.properties.find((p) => p.name === n)!;

test('every property kind gets its verdict and shortest trace', (t) => {
  const r = check(counter(5));
  t.true(r.complete);
  t.is(r.stats.states, 6);
  // transitions: from x=0..3 both actions, x=4 only inc1: 4*2+1 = 9
  t.is(r.stats.transitions, 9);
  t.is(r.stats.levels, 4); // depths 0,1,2,3 (x=5 is reached in 3 steps: 2+2+1)
  const below = byName(r, 'below-max');
  t.is(below.status, 'violated');
  t.is(below.trace!.length - 1, 3);
  t.deepEqual(below.trace!.at(-1)!.state, { x: 5, busy: 1 });
  const stepP = byName(r, 'no-jump-by-2-from-odd');
  t.is(stepP.status, 'violated');
  t.deepEqual(stepP.trace!.map((s) => s.action), ['init', 'inc1', 'inc2']);
  t.is(byName(r, 'quiet-even').status, 'holds');
  const w = byName(r, 'reaches-3');
  t.is(w.status, 'holds');
  t.is(w.witness!.length - 1, 2);
  t.is(byName(r, 'reaches-99').status, 'vacuous');
  // x=5 has no enabled action and is not a legal end state
  const dl = byName(r, 'deadlock');
  t.is(dl.status, 'violated');
  t.deepEqual(dl.trace!.at(-1)!.state, { x: 5, busy: 1 });
});

test('legal end states are not deadlocks; --no-deadlock drops the check', (t) => {
  t.is(byName(check(counter(5, { legalEnd: true })), 'deadlock').status, 'holds');
  t.false(check(counter(5), { checkDeadlock: false }).properties.some((p) => p.name === 'deadlock'));
});

test('an effect that leaves its declared range is reported with the assignment as last step', (t) => {
  const r = check(counter(4, { overflow: true }));
  const fr = byName(r, 'field-range');
  t.is(fr.status, 'violated');
  t.regex(fr.detail!, /x := 5 is outside its declared range 0\.\.4/);
  // Shortest is three steps; BFS order finds 0 -inc1-> 1 -inc2-> 3 -inc2-> 5 first.
  t.deepEqual(fr.trace!.map((s) => s.action), ['init', 'inc1', 'inc2', 'inc2']);
  t.deepEqual(fr.trace!.at(-2)!.state, { x: 3, busy: 1 });
});

test('fingerprint and exact mode agree', (t) => {
  const a = check(counter(30));
  const b = check(counter(30), { exact: true });
  t.is(a.stats.states, b.stats.states);
  t.is(a.stats.transitions, b.stats.transitions);
  t.deepEqual(a.properties.map((p) => p.status), b.properties.map((p) => p.status));
  t.is(b.stats.collisionProbability, 0);
  t.true(a.stats.collisionProbability > 0);
});

test('--max-depth: incomplete when it cuts states off, complete when it does not', (t) => {
  const cut = check(counter(5), { maxDepth: 2 });
  t.false(cut.complete);
  t.is(cut.stopReason, 'max-depth');
  t.is(cut.stats.maxDepth, 2);
  t.false(cut.properties.some((p) => (p.status === 'holds' && !(p.kind === 'sometimes' && p.witness !== undefined)) || p.status === 'vacuous'));
  const enough = check(counter(5), { maxDepth: 3 });
  t.true(enough.complete);
  t.is(enough.stats.states, 6);
});

test('every bound gives incomplete, never holds (but a witnessed sometimes) or vacuous', (t) => {
  const big = () => counter(200_000);
  const runs = [
    check(big(), { maxStates: 1000 }),
    check(big(), { maxDepth: 10 }),
    check(big(), { timeLimitMs: 1 }),
    check(big(), { maxMemoryBytes: 300_000 }),
  ];
  const reasons = runs.map((r) => r.stopReason);
  t.deepEqual(reasons, ['max-states', 'max-depth', 'time-limit', 'max-memory']);
  for (const r of runs) {
    t.false(r.complete);
    t.true(r.stats.queued > 0 || r.stopReason === 'max-depth');
    for (const p of r.properties) t.true(p.status === 'violated' || p.status === 'unknown' || (p.kind === 'sometimes' && p.status === 'holds' && p.witness !== undefined), `${r.stopReason}: ${p.name} is ${p.status}`);
  }
});

test('requestStop interrupts a running search: incomplete, partial statistics', (t) => {
  const c = new Checker(counter(200_000));
  t.false(c.runSlice(1));
  c.requestStop('interrupted');
  while (!c.runSlice(50));
  const r = c.result();
  t.false(r.complete);
  t.is(r.stopReason, 'interrupted');
  t.true(r.stats.states > 0 && r.stats.states < 200_001);
});

test('coverage counts each action and warns about actions that never fired', (t) => {
  const m = counter(1);
  const r = check(m);
  const inc2 = r.coverage.find((c) => c.action === 'inc2')!;
  t.is(inc2.fired, 0);
  t.regex(r.warnings.join('\n'), /never fired: inc2/);
  t.is(r.coverage.find((c) => c.action === 'inc1')!.distinct, 1);
});

test('an action whose code throws: a ModelFault naming the step and the state; the search is then incomplete, never a verdict', (t) => {
  const layout = new Layout(record({ x: int(0, 4) }));
  const { x } = layout.root;
  const model: Model = {
    name: 'thrower', params: {}, layout, init: [layout.blank()],
    actions: [action({ name: 'inc', guard: (s) => x.get(s) < 4, effect: (s) => { if (x.get(s) === 2) throw new Error('boom'); x.set(s, x.get(s) + 1); } })],
    properties: [always('small', 'x stays below 4', (s) => x.get(s) < 4)],
  };
  const c = new Checker(model);
  const fault = t.throws(() => c.run(), { instanceOf: ModelFault });
  t.regex(fault!.message, /^boom — in action 'inc' \(effect\)$/);
  t.deepEqual(layout.toJSON(fault!.state!), { x: 2 }, 'the state the step started from');
  t.regex(fault!.in(model).message, /^thrower: boom — in action 'inc' \(effect\), from state \{"x":2\}$/);
  t.true(c.runSlice(10), 'the checker is finished');
  const r = c.result();
  t.false(r.complete);
  t.is(r.stopReason, 'fault');
  t.not(r.properties.find((p) => p.name === 'small')?.status, 'holds', 'never holds for a search that did not finish');
});
