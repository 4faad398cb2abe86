import { RequestRejectedError } from './request-rejected-error.ts';

/** Longer targets are refused with 414; no route here needs more than a few hundred characters. */
export const MAX_TARGET_LENGTH = 8 * 1024;

const BASE = 'http://127.0.0.1';

/**
 * Reads a request target into a URL, accepting only the origin form (`/path?query`). Everything a
 * browser never sends to a server it talks to directly is refused with 400: `*`, the absolute form
 * (`http://host/`), a scheme-relative `//host/` and a backslash (both of which WHATWG URL parsing
 * would turn into another host), a broken `%` escape, a control character. Throws
 * {@link RequestRejectedError}; never a TypeError.
 */
export function parseRequestTarget(target: string | undefined, maxLength = MAX_TARGET_LENGTH): URL {
  return urlOf(checkRequestTarget(target, maxLength));
}

/** A target that passed {@link checkRequestTarget}, as a URL on this server. */
function urlOf(checked: string): URL {
  let url: URL;
  try {
    url = new URL(checked, BASE);
  } catch {
    throw new RequestRejectedError(400, 'target', 'The request target is not a valid path.');
  }
  // Belt and braces: whatever the parser made of it, it must still name this server.
  if (url.origin !== BASE) throw new RequestRejectedError(400, 'target', 'The request target must be a path on this server.');
  return url;
}

/**
 * The checks of {@link parseRequestTarget} that need no URL parser: what every request passes
 * before a route sees it (a route that wants the URL parses it then, see {@link RequestTarget}).
 */
export function checkRequestTarget(target: string | undefined, maxLength = MAX_TARGET_LENGTH): string {
  if (target === undefined || target === '') throw new RequestRejectedError(400, 'target', 'The request has no target.');
  if (target.length > maxLength) throw new RequestRejectedError(414, 'target', `The request target is longer than ${maxLength} characters.`);
  if (!target.startsWith('/') || target.startsWith('//')) {
    throw new RequestRejectedError(400, 'target', 'The request target must be a path starting with a single "/".');
  }
  if (/[\\\x00-\x20\x7f]/.test(target)) throw new RequestRejectedError(400, 'target', 'The request target holds a backslash, a space or a control character.');
  if (/%(?![0-9a-f]{2})/i.test(target)) throw new RequestRejectedError(400, 'target', 'The request target holds a broken %-escape.');
  return target;
}

/** A checked request target, parsed into a URL when a route first asks for it. */
export class RequestTarget {
  readonly raw: string;
  #url: URL | undefined;

  constructor(raw: string) {
    this.raw = raw;
  }

  /** The target as a URL on this server; throws {@link RequestRejectedError} (400) if the parser disagrees. */
  get url(): URL {
    return (this.#url ??= urlOf(this.raw));
  }
}
