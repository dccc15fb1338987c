// Every model the CLI knows, in the order `gupcheck list` shows them.

import type { ModelEntry } from '../src/engine/registry.js';
import { petersonEntry } from './classic/peterson.js';

export const MODELS: readonly ModelEntry[] = [
  petersonEntry,
];

export function findModel(name: string): ModelEntry | undefined {
  return MODELS.find((m) => m.name === name);
}
