import { oauthError } from '../errors/oauth-error.js';
import type { HttpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { Route } from '../http/route.js';
import type { Logger } from '../ports/runtime.js';
import { failWith, guarded, methodNotAllowed, renderError } from './render-error.js';

/** The routes of a server, dispatched by path; every handler behind the one never-throw guard. */
export interface RouteTable {
  /** Each route with its method check and guard (adapters may mount them one by one). */
  readonly routes: readonly Route[];
  readonly matches: (path: string) => boolean;
  /** Dispatches by path: 404 JSON for an unknown path, 405 with `Allow` for a wrong method. Never rejects. */
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
}

/**
 * Builds the route table: endpoints are plain `Route`s that may assume their own methods; here each gets the method
 * check (RFC 9110 §15.5.6 405 with `Allow`, as RFC-shaped JSON) and the last-resort guard that turns any rejection or
 * throw into a logged `server_error` 500. A `TypeError` when two routes share a path (at construction).
 */
export const routeTable = (logger: Logger, endpoints: readonly Route[]): RouteTable => {
  const byPath = new Map<string, Route>();
  for (const endpoint of endpoints) {
    if (byPath.has(endpoint.path)) throw new TypeError(`Invalid server config: two routes share the path ${endpoint.path}`);
    const methods = endpoint.methods;
    byPath.set(endpoint.path, {
      ...endpoint,
      handle: guarded(logger, endpoint.path, async (req: HttpRequest): Promise<HttpResponse> =>
        methods.includes(req.method) ? endpoint.handle(req) : failWith(logger, endpoint.path, methodNotAllowed(methods)),
      ),
    });
  }
  return {
    routes: [...byPath.values()],
    matches: (path) => byPath.has(path),
    handle: (req) => {
      const route = typeof req === 'object' && req !== null ? byPath.get(req.path) : undefined;
      return route === undefined ? Promise.resolve(renderError(oauthError('not_found', 'No such endpoint.'))) : route.handle(req);
    },
  };
};
