// A trace in the Informal Trace Format (ITF) of Apalache and Quint
// (https://apalache-mc.org/docs/adr/015adr-trace.html), so ITF viewers and
// tools open our counterexamples: {"#meta", vars, states}, every state an
// object with "#meta": {index} and one value per variable. Our states are
// JSON records and lists; integers are written as {"#bigint": "n"}, as
// Quint writes them (the format allows it for every integer, and requires
// it outside ±(2^53−1)). Each state's #meta also names the action that led
// to it, in the kernel's words.

import type { Params } from '../engine/model.js';
import type { TraceStep } from '../engine/result.js';
import type { JsonValue } from '../engine/schema.js';
import type { Failure } from './lanes.js';

export type ItfValue = boolean | string | ItfValue[] | { '#bigint': string } | { [k: string]: ItfValue };

export interface ItfTrace {
  readonly '#meta': Record<string, unknown>;
  readonly params?: string[];
  readonly vars: string[];
  readonly states: ({ '#meta': Record<string, unknown> } & Record<string, unknown>)[];
}

/** A JSON value as an ITF expression (numbers must be integers: our states hold nothing else). */
export function toItfValue(v: JsonValue): ItfValue {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`ITF has no non-integer numbers (got ${v})`);
    return { '#bigint': BigInt(v).toString() };
  }
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toItfValue);
  const out: { [k: string]: ItfValue } = {};
  for (const [k, x] of Object.entries(v)) out[k.startsWith('#') ? `_${k}` : k] = toItfValue(x);
  return out;
}

export interface ItfSource {
  readonly model: string;
  readonly params: Params;
  readonly property: string;
  readonly status: 'violation' | 'witness';
  readonly description: string;
  readonly failures?: readonly Failure[];
}

/** The trace as one ITF document; the variables are the state's top-level fields. */
export function traceToItf(trace: readonly TraceStep[], src: ItfSource): ItfTrace {
  const vars: string[] = [];
  for (const st of trace) {
    const s = st.state;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new Error('ITF needs record states');
    for (const k of Object.keys(s)) if (!vars.includes(k)) vars.push(k);
  }
  // A variable some states omit (the kernel's BUG flag appears once set) is written there as its
  // type's empty value: false, the empty record or list, the empty string.
  const absent: Record<string, ItfValue> = {};
  for (const v of vars) {
    const seen = trace.map((st) => (st.state as Record<string, JsonValue>)[v]).find((x) => x !== undefined);
    absent[v] = typeof seen === 'boolean' ? false : Array.isArray(seen) ? [] : typeof seen === 'object' ? {} : '';
  }
  const paramText = Object.entries(src.params).map(([k, v]) => (k === 'scenario' ? ` --scenario ${v}` : ` --set ${k}=${v}`)).join('');
  return {
    '#meta': {
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: `gupcheck check ${src.model}${paramText}`,
      description: `${src.property} ${src.status === 'violation' ? 'violated' : 'witnessed'} in ${trace.length - 1} steps: ${src.description}`,
      status: src.status,
      property: src.property,
      model: src.model,
      params: src.params,
      ...(src.failures !== undefined ? { failures: src.failures.map((f) => ({ step: f.step, property: f.property, description: f.description })) } : {}),
    },
    vars,
    states: trace.map((st) => {
      const s = st.state as Record<string, JsonValue>;
      const meta = {
        index: st.index,
        action: st.action,
        params: st.params,
        label: st.label,
        ...(st.actor !== undefined ? { actor: st.actor } : {}),
      };
      const values: Record<string, ItfValue> = {};
      for (const v of vars) values[v] = s[v] === undefined ? absent[v]! : toItfValue(s[v]!);
      return { '#meta': meta, ...values };
    }),
  };
}
