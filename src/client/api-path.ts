/**
 * Which API paths the client accepts: the access token is only ever sent under the API base, so a
 * path may not climb out of it with `..` segments, written plainly or percent-encoded (`%2e%2e`,
 * `.%2E`, `%252e%252e`), with `/` or `\` as the separator. One rule for the client and the CLI.
 */

/** Decodes ASCII percent escapes until nothing changes (bounded: `%25` nests). */
function decodeAscii(text: string): string {
  let out = text;
  for (let i = 0; i < 5; i++) {
    const next = out.replace(/%([0-7][0-9a-f])/gi, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/**
 * What is wrong with `path` as a path under the API base, or undefined when it is fine.
 *
 * @example
 * apiPathProblem('/athlete'); // undefined
 * apiPathProblem('/../../oauth/token'); // 'it has a ".." segment ...'
 */
export function apiPathProblem(path: string): string | undefined {
  const pathPart = path.split(/[?#]/, 1)[0] ?? '';
  const segments = decodeAscii(pathPart).split(/[/\\]/);
  if (segments.some((segment) => segment.trim() === '..')) {
    return 'it has a ".." segment (perhaps percent-encoded, like %2e%2e), which would leave the API base the token is sent to';
  }
  return undefined;
}

/** Whether `url` is the API base or under it (same origin, path below the base's). */
export function isUnderApiBase(url: URL, apiBaseUrl: string): boolean {
  const base = new URL(apiBaseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  return url.origin === base.origin && (url.pathname === basePath || url.pathname.startsWith(`${basePath}/`));
}
