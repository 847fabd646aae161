import type { AuthorizationServer } from '@grantor/core';
import type { Pages } from '../pages/router.js';

/**
 * Grantor's endpoints and the host pages as one `AuthorizationServer`-shaped value: `matches` and `handle` cover
 * both, so any adapter that dispatches through them serves the pages next to the endpoints, with no framework code.
 * The core's routes win on a clash.
 */
export const withPages = (server: AuthorizationServer, pages: Pages): AuthorizationServer => ({
  ...server,
  // Adapters that register one route per entry (Fastify) see the pages too; the others dispatch by `matches`.
  routes: [...server.routes, ...pages.routes.filter((r) => !server.matches(r.path))],
  matches: (path) => server.matches(path) || pages.matches(path),
  handle: (req) => (!server.matches(req.path) && pages.matches(req.path) ? pages.handle(req) : server.handle(req)),
});
