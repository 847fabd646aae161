import type { AuthorizationServer, HttpRequest, HttpResponse, Route } from '@grantor/core';
import type { Pages } from '../pages/router.js';

/** How the host finishes an end-session response (e.g. adds a `Set-Cookie` that clears its session cookie). */
export type EndSessionFinish = (req: HttpRequest, res: HttpResponse) => HttpResponse | Promise<HttpResponse>;

/**
 * Grantor's endpoints and the host pages as one `AuthorizationServer`-shaped value: `matches` and `handle` cover
 * both, so any adapter that dispatches through them serves the pages next to the endpoints, with no framework code.
 * The core's routes win on a clash. `finishEndSession` wraps the end-session route (both in `routes`, which Fastify
 * mounts one by one, and in `handle`), since only the host knows its cookies.
 */
export const withPages = (server: AuthorizationServer, pages: Pages, finishEndSession?: EndSessionFinish): AuthorizationServer => {
  const endSessionPath = finishEndSession === undefined ? undefined : server.config.routes.endSession;
  const wrap = (handle: Route['handle']): Route['handle'] =>
    finishEndSession === undefined ? handle : async (req) => finishEndSession(req, await handle(req));
  const routes = server.routes.map((r) => (r.path === endSessionPath ? { ...r, handle: wrap(r.handle) } : r));
  const handleServer = wrap(server.handle);
  return {
    ...server,
    // Adapters that register one route per entry (Fastify) see the pages too; the others dispatch by `matches`.
    routes: [...routes, ...pages.routes.filter((r) => !server.matches(r.path))],
    matches: (path) => server.matches(path) || pages.matches(path),
    handle: (req) =>
      !server.matches(req.path) && pages.matches(req.path) ? pages.handle(req) : req.path === endSessionPath ? handleServer(req) : server.handle(req),
  };
};
