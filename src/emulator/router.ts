/**
 * The route table. Routes are method + path template (`/api/v3/athletes/{id}/stats`); the template
 * is also the key of the request counters, so stats read like Strava's endpoint list.
 */
import { matchPathTemplate } from '../core/path-template.ts';
import type { EmulatorRequest, EmulatorResponse } from './http.ts';

/** A route's handler: a plain function from request to response. */
export type Handler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** One row of the table. */
export interface Route {
  method: string;
  /** Path template; `{name}` matches one non-empty segment. */
  path: string;
  handler: Handler;
  /** Emulator control traffic (`/_emulator/...`): not counted in stats, since Strava has no such route. */
  control: boolean;
  /** Larger request bodies are refused with 413 (default: the server's limit). */
  maxBodyBytes?: number;
}

/** What {@link Router.match} found. */
export type RouteMatch =
  | { kind: 'found'; route: Route; pathParams: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

/** An ordered route table. */
export class Router {
  readonly #routes: Route[] = [];

  /** Adds a route; `options.control` marks emulator control routes, `maxBodyBytes` raises the body limit (uploads). */
  add(method: string, path: string, handler: Handler, options: { control?: boolean; maxBodyBytes?: number } = {}): void {
    this.#routes.push({
      method: method.toUpperCase(),
      path,
      handler,
      control: options.control ?? false,
      ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
    });
  }

  /** Finds the route for a method and a path (no query). */
  match(method: string, pathname: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const pathParams = matchPathTemplate(route.path, pathname);
      if (!pathParams) continue;
      if (route.method === method.toUpperCase()) return { kind: 'found', route, pathParams };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}
