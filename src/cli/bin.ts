#!/usr/bin/env node
// The `gupcheck` executable: run the CLI and turn its answer into an exit code.
import '../engine/tuning.js'; // first: V8 flags for the search (tuning.ts)
import { main } from './main.js';

// A reader that stops early (`gupcheck start | head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    // An internal error is a bug in gupcheck: still one line, never a verdict.
    process.stderr.write(`gupcheck: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 70;
  },
);
