// A search worker thread (parallel.ts starts it): builds the model from its
// source and runs its PartitionExplorer to the end, sending one report per
// step to the coordinator through its MessagePort (and counting reports in
// shared memory, so a coordinator asleep in Atomics.wait wakes up). The
// workers pace themselves (partition.ts); the coordinator never answers.

import { modelSignature } from './signature.js';
import { workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Model } from './model.js';
import type { ModelEntry } from './registry.js';
import { C_REPORTS, PartitionExplorer, type PartitionOptions, type Report } from './partition.js';
import type { ModelSource } from './search.js';

interface WorkerInput {
  readonly source: ModelSource;
  readonly options: PartitionOptions;
  readonly port: MessagePort;
}

/** Build the model a ModelSource names. */
export async function buildFromSource(source: ModelSource): Promise<Model> {
  const url = /^[a-z]+:/.test(source.module) ? source.module : pathToFileURL(source.module).href;
  const mod = (await import(url)) as Record<string, unknown>;
  const exp = mod[source.export];
  if ('entry' in source) {
    // a registry (an array of entries), or the entry itself
    const isEntry = (x: unknown): x is ModelEntry => typeof x === 'object' && x !== null && typeof (x as ModelEntry).build === 'function' && typeof (x as ModelEntry).name === 'string';
    if (!Array.isArray(exp) && !isEntry(exp)) throw new Error(`${source.module}: export ${source.export} is neither a model registry (an array of entries) nor a model entry`);
    const entry = Array.isArray(exp) ? (exp as ModelEntry[]).find((e) => e.name === source.entry) : exp.name === source.entry ? exp : undefined;
    if (entry === undefined) throw new Error(`${source.module}: no model ${source.entry} in ${source.export}`);
    return entry.build(source.params, source.input);
  }
  if (typeof exp !== 'function') throw new Error(`${source.module}: export ${source.export} is not a function`);
  // A builder may load what it builds from (an import): wait for it.
  return await (exp as (...a: unknown[]) => Model | Promise<Model>)(...(source.args ?? []));
}

async function main(): Promise<void> {
  const input = workerData as WorkerInput;
  const { port } = input;
  const ctl = new Int32Array(input.options.control);
  const me = input.options.me;
  const send = (r: Report) => {
    const transfer = r.t === 'level' ? [r.links.buffer as ArrayBuffer, ...(r.wideVia !== undefined ? [r.wideVia.buffer as ArrayBuffer] : [])] : [];
    port.postMessage(r, transfer);
    Atomics.add(ctl, C_REPORTS, 1);
    Atomics.notify(ctl, C_REPORTS);
  };
  try {
    const model = await buildFromSource(input.source);
    const explorer = new PartitionExplorer(model, input.options);
    send({ t: 'ready', worker: me, signature: modelSignature(model) });
    explorer.run(send);
  } catch (e) {
    const err = e as Error;
    send({ t: 'error', worker: me, message: err?.message ?? String(e), ...(err?.stack !== undefined ? { stack: err.stack } : {}), ...(err?.name !== undefined ? { name: err.name } : {}) });
  }
  port.close();
}

void main();
