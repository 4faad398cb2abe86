#!/usr/bin/env node
// Kept tiny and free of imports beyond the entry point: `strava-auth token` is a hot path.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
