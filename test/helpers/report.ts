// Shared by the report tests: a scenario whose name and description are
// hostile HTML, to show the report escapes what it is given.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EVIL_NAME = 'evil<img src=x onerror="window.__pwned=1">';
export const EVIL_ABOUT = `</script><script>window.__pwned=2</script> & "double" 'single' <b>bold</b> \u2028`;

/** ext4-gup-write with a hostile name and description, in a temporary file. */
export function evilScenario(): string {
  const src = fileURLToPath(new URL('../../../models/scenarios/ext4-gup-write.json', import.meta.url));
  const sc = JSON.parse(readFileSync(src, 'utf8')) as Record<string, unknown>;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'gupcheck-evil-')), 'evil.json');
  writeFileSync(file, JSON.stringify({ ...sc, name: EVIL_NAME, description: EVIL_ABOUT }));
  return file;
}
