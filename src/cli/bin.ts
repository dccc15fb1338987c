#!/usr/bin/env node
// The `gupcheck` executable: run the CLI and turn its answer into an exit code.
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // An internal error is a bug in gupcheck: still one line, never a verdict.
    process.stderr.write(`gupcheck: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
