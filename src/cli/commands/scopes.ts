import { ENDPOINT_SCOPES, scopesForEndpoint } from '../../core/endpoint-scopes.ts';
import { SCOPES, SCOPE_DESCRIPTIONS } from '../../core/scopes.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { jsonFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';

export const spec = {
  name: 'scopes',
  description: "Lists Strava's scopes and what each allows, and which scopes each API endpoint needs.",
  flags: {
    for: { type: 'string', value: '"METHOD PATH"', description: 'only the endpoint given, e.g. --for "GET /athlete/activities"' },
    json: jsonFlag('print JSON for scripts'),
  },
  more: `Examples:
  strava-auth scopes
  strava-auth scopes --for "POST /uploads"`,
} as const satisfies CommandSpec;

export type ScopesOptions = FlagValues<typeof spec.flags>;

export const command: Command<ScopesOptions> = {
  spec,
  parse: (argv) => parseFlags(spec, argv).values,
  async run(values, { io }) {
    if (values.for !== undefined) {
      const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(values.for);
      if (!match) throw new UsageError(`--for takes "METHOD PATH", e.g. --for "GET /athlete/activities"; got "${values.for}".`);
      const [, method = '', path = ''] = match;
      const rule = scopesForEndpoint(method, path);
      if (!rule) throw new UsageError(`${method.toUpperCase()} ${path} is not a Strava API endpoint strava-auth knows. Run strava-auth scopes to list them.`);
      if (values.json) io.stdout.write(`${JSON.stringify(rule)}\n`);
      else {
        io.stdout.write(`${rule.method} ${rule.path} needs ${rule.needs.length ? rule.needs.join(', ') : 'any token (read)'}\n`);
        if (rule.forPrivate) io.stdout.write(`private (Only You) objects also need ${rule.forPrivate.join(', ')}\n`);
        if (rule.note) io.stdout.write(`note: ${rule.note}\n`);
      }
      return EXIT.ok;
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ scopes: SCOPES.map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] })), endpoints: ENDPOINT_SCOPES })}\n`);
      return EXIT.ok;
    }
    const width = Math.max(...SCOPES.map((s) => s.length));
    io.stdout.write('Scopes:\n');
    for (const name of SCOPES) io.stdout.write(`  ${name.padEnd(width)}  ${SCOPE_DESCRIPTIONS[name]}\n`);
    io.stdout.write('\nEndpoints (API base /api/v3):\n');
    const pathWidth = Math.max(...ENDPOINT_SCOPES.map((r) => r.method.length + r.path.length + 1));
    for (const rule of ENDPOINT_SCOPES) {
      const needs = rule.needs.length ? rule.needs.join(', ') : 'any token';
      const extra = rule.forPrivate ? ` (+ ${rule.forPrivate.join(', ')} for private)` : '';
      io.stdout.write(`  ${`${rule.method} ${rule.path}`.padEnd(pathWidth)}  ${needs}${extra}\n`);
    }
    return EXIT.ok;
  },
};
