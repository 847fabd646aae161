import { type AccessTokenInfo, type AuthorizationServer, type BearerOptions, type HttpRequest, type HttpResponse, type Route, type ServerConfig } from '@grantor/core';
import { decodeServerConfig, empty, html, json, redirect } from '@grantor/core/extend';

/** A complete `ServerConfig` for fakes, rooted at `baseUrl`: the core's defaults (`decodeServerConfig`) for that issuer. */
export const fakeServerConfig = (baseUrl = 'http://127.0.0.1/'): ServerConfig => decodeServerConfig({ issuer: baseUrl.replace(/\/$/, '') });

/** What the fake's `/echo` route answers: the `HttpRequest` the adapter built (body as base64). */
export interface EchoBody {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | null;
}

const toBase64 = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
};

const echo = (req: HttpRequest): HttpResponse =>
  json(200, { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body === undefined ? null : toBase64(req.body) } satisfies EchoBody);

const fakeRoutes: readonly Route[] = [
  { path: '/echo', methods: ['GET', 'POST', 'PUT', 'DELETE'], handle: async (req) => echo(req) },
  { path: '/token', methods: ['POST'], handle: async () => json(400, { error: 'unsupported_grant_type', error_description: 'fake' }) },
  { path: '/authorize', methods: ['GET', 'POST'], handle: async (req) => redirect(`/interaction/abc?${req.query}`) },
  { path: '/revoke', methods: ['POST'], handle: async () => empty(200) },
  { path: '/page', methods: ['GET'], handle: async () => html(200, '<p>héllo</p>') },
  { path: '/.well-known/openid-configuration', methods: ['GET'], handle: async () => json(200, { issuer: 'http://127.0.0.1' }, {}) },
  { path: '/bad-header', methods: ['GET'], handle: async () => json(200, {}, { 'x-bad': 'a\nb' }) },
  { path: '/throws', methods: ['GET'], handle: async () => Promise.reject(new Error('contract broken')) },
];

/** The `Bearer` token value the fake accepts; it carries the scopes `read` and `write`. */
export const fakeBearerToken = 'fake-access-token';

const fakeAuth: AccessTokenInfo = { clientId: 'fake-client', subject: 'alice', scope: ['read', 'write'], expiresAt: 2e9, issuedAt: 1e9, tokenId: 't1', format: 'opaque' };

const bearerError = (status: number, code: string, realm: string | undefined): HttpResponse =>
  json(status, { error: code }, { 'www-authenticate': `Bearer${realm === undefined ? '' : ` realm="${realm}"`}, error="${code}"`, 'cache-control': 'no-store' });

const fakeBearer = async (req: HttpRequest, options: BearerOptions = {}) => {
  const header = req.headers['authorization'];
  const fromQuery = options.allowQuery === true ? new URLSearchParams(req.query).get('access_token') ?? undefined : undefined;
  const fromBody =
    options.allowBody !== false && req.body !== undefined && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(new TextDecoder().decode(req.body)).get('access_token') ?? undefined
      : undefined;
  const token = header?.startsWith('Bearer ') === true ? header.slice(7) : fromQuery ?? fromBody;
  if (token === undefined) {
    return { _tag: 'Rejected' as const, response: json(401, { error: 'invalid_request' }, { 'www-authenticate': `Bearer${options.realm === undefined ? '' : ` realm="${options.realm}"`}` }) };
  }
  if (token !== fakeBearerToken) return { _tag: 'Rejected' as const, response: bearerError(401, 'invalid_token', options.realm) };
  const missing = (options.requiredScopes ?? []).filter((s) => !fakeAuth.scope.includes(s));
  if (missing.length > 0) return { _tag: 'Rejected' as const, response: bearerError(403, 'insufficient_scope', options.realm) };
  return { _tag: 'Authorized' as const, auth: fakeAuth };
};

/**
 * A hand-made `AuthorizationServer` for adapter tests: `/echo` answers the request it received, a few routes
 * answer each response kind, `bearer` accepts `fakeBearerToken` (scopes `read write`). Dispatch mirrors the
 * contract: 405 with `Allow`, 404 RFC JSON.
 */
export const fakeAuthorizationServer = (baseUrl = 'http://127.0.0.1/'): AuthorizationServer => {
  const config = fakeServerConfig(baseUrl);
  const find = (path: string) => fakeRoutes.find((r) => r.path === path);
  return {
    config,
    routes: fakeRoutes,
    matches: (path) => find(path) !== undefined,
    handle: async (req) => {
      const route = find(req.path);
      if (route === undefined) return json(404, { error: 'invalid_request', error_description: 'No such endpoint.' });
      if (!route.methods.includes(req.method)) {
        return json(405, { error: 'invalid_request', error_description: 'Method not allowed.' }, { allow: route.methods.join(', '), 'cache-control': 'no-store' });
      }
      return route.handle(req);
    },
    bearer: fakeBearer,
    interactions: {
      details: async () => ({ _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_request', description: 'fake' } }),
      finish: async () => json(400, { error: 'invalid_request' }),
      deny: async () => json(400, { error: 'invalid_request' }),
    },
    device: {
      lookup: async () => ({ _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_request', description: 'fake' } }),
      approve: async () => ({ _tag: 'Done' }),
      deny: async () => ({ _tag: 'Done' }),
    },
  };
};
