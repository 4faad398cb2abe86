#!/usr/bin/env node
// Kept tiny, with no static import (an ESM `import` of a built-in alone costs milliseconds):
// `strava-auth token` is a hot path. Its everyday case (a fresh token on disk) is answered by
// token-fast-path before the CLI loads; everything else goes to main.
//
// The code is the build in dist/ (the package, and a clone after `npm run build` or `npm test`),
// else the TypeScript sources, which Node runs as they are: a fresh clone works before any build.
const fs = process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));
const built = fs.existsSync(new URL('../dist/cli/main.js', import.meta.url));
const code = (name) => new URL(built ? `../dist/cli/${name}.js` : `../src/cli/${name}.ts`, import.meta.url).href;
const argv = process.argv.slice(2);

if (argv[0] !== 'token' || !(await (await import(code('token-fast-path'))).printFreshToken(argv.slice(1), process.env))) {
  // The compile cache (Node 22.1+) keeps V8's bytecode of strava-auth's modules on disk, so later
  // runs skip parsing and compiling them.
  (process.getBuiltinModule?.('node:module') ?? (await import('node:module')).default).enableCompileCache?.();
  const { main } = await import(code('main'));
  process.exitCode = await main(argv);
}
