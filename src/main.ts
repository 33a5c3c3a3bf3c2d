#!/usr/bin/env node
// Entry point of `npm start`, `npm run braid -- <command>` and bin/braid.
import { readProcessEnv } from './core/config.ts';
import { runCli } from './cli/cli.ts';

runCli(process.argv.slice(2), readProcessEnv()).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`braid: ${(e as Error).message ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
