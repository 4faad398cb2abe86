#!/usr/bin/env node
// Kept tiny: `strava-auth token` is a hot path. The compile cache (Node 22.1+) keeps V8's bytecode
// of strava-auth's modules on disk, so later runs skip parsing and compiling them.
import module from 'node:module';

module.enableCompileCache?.();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
