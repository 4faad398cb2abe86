/**
 * Path templates (`/activities/{id}/streams`): the one matcher behind the scope table, the API
 * client's scope preflight (through it) and the emulator's routes.
 */

/**
 * The parameters of `pathname` under `template`, or null when it does not match. `{name}` matches
 * one non-empty segment, percent-decoded; other segments match literally. A malformed escape
 * matches nothing (a 404 in the emulator, not a crash).
 *
 * @example
 * matchPathTemplate('/activities/{id}', '/activities/42'); // { id: '42' }
 * matchPathTemplate('/activities/{id}', '/activities');    // null
 */
export function matchPathTemplate(template: string, pathname: string): Record<string, string> | null {
  const want = template.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? '';
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name) {
      if (actual === '') return null;
      const decoded = safeDecode(actual);
      if (decoded === null) return null;
      params[name] = decoded;
    } else if (part !== actual) {
      return null;
    }
  }
  return params;
}

/** How many `{…}` segments a template has: fewer is more literal, and wins (`/segments/starred` over `/segments/{id}`). */
export function templateParameterCount(template: string): number {
  return template.match(/\{/g)?.length ?? 0;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
