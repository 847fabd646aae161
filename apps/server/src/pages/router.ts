import type { HttpRequest, HttpResponse, Route } from '@grantor/core';
import type { PagesDeps } from './deps.js';
import { deviceConsent, deviceEntry, deviceLogin, deviceSubmit } from './device.js';
import { errorPage, h, page } from './html.js';
import { interactionConsent, interactionLogin, interactionPage } from './interaction.js';
import { peopleRoute, peopleRoutePaths } from './people.js';
import { accountRoute, accountRoutePaths } from './account.js';

/** The host pages: login and consent for the authorization endpoint, and the RFC 8628 verification page. */
export interface Pages {
  /** The pages as routes (paths in Fastify/find-my-way syntax, `:id` a path parameter), all handled by `handle`. */
  readonly routes: readonly Route[];
  /** True for paths the pages answer (relative to the mount path, like the core's routes). */
  readonly matches: (path: string) => boolean;
  /** Never rejects: a fault becomes a 500 page and is logged. */
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
}

type Match = { readonly methods: readonly string[]; readonly run: (req: HttpRequest) => Promise<HttpResponse> };

const interactionPath = /^\/interaction\/([^/]+)(\/login|\/consent)?$/;

const route = (path: string, deps: PagesDeps): Match | undefined => {
  const m = interactionPath.exec(path);
  if (m !== null) {
    const id = m[1] as string;
    if (m[2] === '/login') return { methods: ['POST'], run: (req) => interactionLogin(req, deps, id) };
    if (m[2] === '/consent') return { methods: ['POST'], run: (req) => interactionConsent(req, deps, id) };
    return { methods: ['GET'], run: (req) => interactionPage(req, deps, id) };
  }
  const people = peopleRoute(path, deps) ?? accountRoute(path, deps);
  if (people !== undefined) return people;
  switch (path) {
    case '/device':
      return { methods: ['GET', 'HEAD', 'POST'], run: (req) => (req.method === 'POST' ? deviceSubmit(req, deps) : deviceEntry(req, deps)) };
    case '/device/login':
      return { methods: ['POST'], run: (req) => deviceLogin(req, deps) };
    case '/device/consent':
      return { methods: ['POST'], run: (req) => deviceConsent(req, deps) };
    case '/':
      return {
        methods: ['GET', 'HEAD'],
        run: async () =>
          page(200, 'Grantor reference server', h`<p>An OAuth 2.1 / OpenID Connect authorization server.</p>
<ul><li><a href="${deps.prefix}/.well-known/openid-configuration">OpenID Provider metadata</a></li><li><a href="${deps.prefix}/device">Connect a device</a></li></ul>`),
      };
    default:
      return undefined;
  }
};

const pagePaths: readonly (readonly [string, readonly string[]])[] = [
  ['/interaction/:id', ['GET']],
  ['/interaction/:id/login', ['POST']],
  ['/interaction/:id/consent', ['POST']],
  ['/device', ['GET', 'HEAD', 'POST']],
  ['/device/login', ['POST']],
  ['/device/consent', ['POST']],
  ['/', ['GET', 'HEAD']],
  ...peopleRoutePaths,
  ...accountRoutePaths,
];

export const createPages = (deps: PagesDeps): Pages => {
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    const r = route(req.path, deps);
    if (r === undefined) return errorPage(404, 'Not found', 'There is no page here.');
    if (!r.methods.includes(req.method)) {
      return errorPage(405, 'Method not allowed', `Use ${r.methods.join(' or ')}.`, { allow: r.methods.join(', ') });
    }
    try {
      return await r.run(req);
    } catch (cause) {
      deps.logger.log('error', 'page failed', { path: req.path, cause: String(cause) });
      return errorPage(500, 'Something went wrong', 'The server could not complete this request. Try again.');
    }
  };
  return {
    routes: pagePaths.map(([path, methods]) => ({ path, methods, handle })),
    matches: (path) => route(path, deps) !== undefined,
    handle,
  };
};
