// The move of every proposal's behaviour to the kernel core's hook points
// (issue 12) must not change what compare finds. The fixture is
// `gupcheck compare --json` of all ten proposals on every shipped scenario
// as it was at addbe98, before the move (stats cut to the counts, gzipped).
// Verdicts, traces (actions, labels, actors, roles and every state), step
// counts, witnesses, coverage, state and transition counts and the
// cross-replay must be the same.
//
// Traces now show the state as the schema has it (page.P.PG_dirty,
// proc.app.vma.P.pfn, holder.dio.pc); legacyView renders that in the old
// hand-written form (pte strings, holder phrases) so the fixture's states
// can be compared field by field.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { runComparison } from '../src/compare/run.js';
import { MODELS } from '../models/index.js';
import type { JsonValue } from '../src/engine/schema.js';
import { shipped } from './helpers/kernel.js';
import type { Scenario } from '../models/kernel/scenario.js';

type Json = Record<string, JsonValue>;
const FIXTURE = new URL('../../test/fixtures/compare-before-hooks.json.gz', import.meta.url);

/** The old describeKernelState, computed from the schema's rendering of the same state. */
function legacyView(state: JsonValue, sc: Scenario): JsonValue {
  const st = state as Json;
  const pages = st['page'] as Record<string, Json>;
  const kindOf = (id: string) => sc.pages.find((p) => p.id === id)?.kind ?? (id === 'ZERO_PAGE' ? 'zero' : 'spare');
  const page: Json = {};
  for (const [id, g] of Object.entries(pages)) {
    const kind = kindOf(id);
    if (kind === 'spare' && g['ref'] === 0 && g['mapping'] === 'none') continue;
    page[id] = {
      ref: g['ref']!, map: g['map']!, locked: g['PG_locked']!,
      PG_dirty: g['PG_dirty']!, PG_writeback: g['PG_writeback']!, buffers: g['buffers']!,
      PG_lru: g['PG_lru']!, isolated: g['isolated']!, mapping: g['mapping']!,
      ...(kind !== 'file' ? { PG_anon_exclusive: g['PG_anon_exclusive']! } : {}),
      data: g['data']!,
      ...(kind === 'file' ? { disk: g['disk']! } : {}),
      ...(g['writtenBy'] !== '-' ? { writtenBy: g['writtenBy']! } : {}),
      ...(g['refcountUnderflow'] === true ? { refcountUnderflow: true } : {}),
      ...(g['dma_pinned_count'] !== undefined ? { dma_pinned_count: g['dma_pinned_count'] } : {}),
    };
  }
  const pte: Json = {};
  for (const [q, pr] of Object.entries(st['proc'] as Record<string, Json>)) {
    if (pr['alive'] !== true) continue;
    for (const [at, e] of Object.entries(pr['vma'] as Record<string, Json>)) {
      pte[`${q}:${at}`] = e['unmapped'] === true ? 'munmapped' : e['present'] === true
        ? `${String(e['pfn'])}${e['w'] === true ? ' W' : ''}${e['d'] === true ? ' D' : ''}` : 'none';
    }
  }
  const holder: Json = {};
  for (const [id, h] of Object.entries(st['holder'] as Record<string, Json>)) {
    const pc = String(h['pc']);
    const bio = sc.holders.find((x) => x.id === id)?.bio;
    const added = bio !== undefined && h['bioAdded'] === true;
    const suffix = added && bio === 'zero-page' && pc !== 'released' ? ', bio also holds ZERO_PAGE' : added && bio === 'same-page' ? ', second iovec merged' : '';
    holder[id] = (pc === 'start' || pc === 'refused' ? pc : `${pc} ${String(h['page'])}${h['wrote'] === true ? ', DMA written' : ''}`) + suffix;
  }
  const pcOf = (r: JsonValue | undefined) => (r as Json)['pc']!;
  return {
    page, pte, holder,
    ...(st['flusher'] !== undefined ? { flusher: pcOf(st['flusher']) } : {}),
    ...(st['kswapd'] !== undefined ? { kswapd: pcOf(st['kswapd']) } : {}),
    ...(st['truncate'] !== undefined ? { truncate: pcOf(st['truncate']) } : {}),
    ...(sc.processes.some((p) => p.childOf !== undefined) ? { forked: st['forked']! } : {}),
    ...(st['oops'] === true ? { BUG: true } : {}),
  };
}

/** JSON with sorted keys: the comparison ignores key order. */
const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as object).sort(([a], [b]) => a.localeCompare(b))) : x));

interface Step { index: number; action: string; params: JsonValue; label: string; actor?: string; role?: string; state: JsonValue }
const steps = (tr: readonly Step[] | undefined, sc: Scenario, legacy: boolean) =>
  tr?.map((s) => ({ index: s.index, action: s.action, params: s.params, label: s.label, actor: s.actor, role: s.role, state: legacy ? legacyView(s.state, sc) : s.state }));

test('compare after the move to hook points = compare before it (every proposal × shipped scenario)', async (t) => {
  const before = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8')) as { rows: { proposal: string; scenario: string; exitCode: number; result: Json }[]; crossReplay: JsonValue };
  const names = before.rows.map((r) => r.proposal).filter((p, i, a) => a.indexOf(p) === i);
  const run = await runComparison({ entries: names.map((n) => MODELS.find((m) => m.name === n)!), scenarios: [...new Set(before.rows.map((r) => r.scenario))], opts: {} });
  t.is(run.rows.length, before.rows.length, 'same rows');
  let traces = 0;
  for (const old of before.rows) {
    const row = run.rows.find((r) => r.proposal === old.proposal && r.scenario === old.scenario);
    const at = `${old.proposal} / ${old.scenario}`;
    if (row === undefined) { t.fail(`${at}: missing`); continue; }
    const sc = shipped(old.scenario);
    const o = old.result as unknown as { complete: boolean; stats: Json; coverage: JsonValue[]; properties: (Json & { trace?: Step[]; witness?: Step[] })[] };
    const n = row.result;
    t.is(n.complete, o.complete, `${at}: complete`);
    t.deepEqual([n.stats.states, n.stats.transitions, n.stats.levels, n.stats.maxDepth], [o.stats['states'], o.stats['transitions'], o.stats['levels'], o.stats['maxDepth']], `${at}: states, transitions, levels`);
    t.is(canon(n.coverage), canon(o.coverage), `${at}: coverage`);
    const newProps = new Map(n.properties.map((p) => [p.name, p]));
    t.deepEqual([...newProps.keys()].sort(), o.properties.map((p) => String(p['name'])).sort(), `${at}: the same properties`);
    for (const p of o.properties) {
      const q = newProps.get(String(p['name']));
      if (q === undefined) continue;
      t.is(`${q.kind} ${q.status} ${q.description} ${q.detail ?? ''}`, `${String(p['kind'])} ${String(p['status'])} ${String(p['description'])} ${String(p['detail'] ?? '')}`, `${at}: ${String(p['name'])}`);
      for (const which of ['trace', 'witness'] as const) {
        if (p[which] === undefined && q[which] === undefined) continue;
        traces++;
        t.is(canon(steps(q[which] as Step[] | undefined, sc, true)), canon(steps(p[which], sc, false)), `${at}: ${String(p['name'])} ${which}`);
      }
    }
  }
  // Proposals are now listed in the order of history, each after its base: the same verdicts, per model.
  const byModel = (cr: JsonValue) => (cr as { on: { model: string }[] }[]).map((b) => ({ ...b, on: [...b.on].sort((x, y) => x.model.localeCompare(y.model)) }));
  t.is(canon(byModel(run.cross as unknown as JsonValue)), canon(byModel(before.crossReplay)), 'cross-replay');
  t.true(traces > 400, `${traces} traces compared`);
});
