import type { AdminOperations, AuthorizationServer, Client, HttpRequest, HttpResponse } from '@grantor/core';
import { decodeFormComponent, empty, json, readFormBody } from '@grantor/core/extend';

/**
 * CORS (the Fetch standard's protocol) for browser clients on another origin: the discovery documents, the JWKS, and
 * the token, userinfo, introspection and revocation endpoints — never the authorization endpoint, which a browser
 * reaches by navigation. An origin is allowed when a client registered it: its `allowed_cors_origins`, and for a
 * public client the origins of its http(s) redirect URIs. The token, introspection and revocation endpoints allow only
 * the origins of the client making the request; the others any registered origin. No credentials mode (no cookies).
 */
export interface CorsDeps {
  readonly admin: Pick<AdminOperations, 'clients'>;
  /** How long the set of every registered origin is reused, ms (default 5000, as the SQL store's client cache). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

const originOf = (uri: string): string | undefined => {
  try {
    const u = new URL(uri);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
};

/** A client's browser origins: `allowed_cors_origins`, plus the redirect URIs' origins of a public client. */
const clientOrigins = (c: Client): readonly string[] => [
  ...(c.allowedCorsOrigins ?? []).map((o) => originOf(o) ?? o),
  ...(c.tokenEndpointAuthMethod === 'none' ? c.redirectUris.flatMap((u) => originOf(u) ?? []) : []),
];

/** The client a token, introspection or revocation request names: `client_id` in the form, else the Basic user. */
const requestingClient = (req: HttpRequest): string | undefined => {
  const form = readFormBody(req);
  const fromForm = form._tag === 'Right' ? form.right['client_id'] : undefined;
  if (fromForm !== undefined && fromForm !== '') return fromForm;
  const m = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers['authorization'] ?? '');
  if (m?.[1] === undefined) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decodeFormComponent(decoded.slice(0, colon));
};

const exposed = 'WWW-Authenticate, DPoP-Nonce';
const allowedHeaders = 'Authorization, Content-Type, DPoP';

/** The server with CORS on the endpoints above (both `handle` and the per-route handlers). */
export const withCors = (server: AuthorizationServer, deps: CorsDeps): AuthorizationServer => {
  const routes = server.config.routes;
  const perClient = new Set([routes.token, routes.introspection, routes.revocation]);
  const anyClient = new Set(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', routes.jwks, routes.userinfo]);
  const methods = (path: string): string => (path === routes.token || path === routes.introspection || path === routes.revocation ? 'POST' : 'GET, POST');
  const now = deps.now ?? Date.now;
  const ttl = deps.ttlMs ?? 5000;
  let cached: { readonly at: number; readonly origins: Promise<ReadonlySet<string>> } | undefined;

  const everyOrigin = (): Promise<ReadonlySet<string>> => {
    if (cached !== undefined && now() - cached.at < ttl) return cached.origins;
    const origins = (async () => {
      const all = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < 10_000; page++) {
        const r = await deps.admin.clients.list({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
        if (r._tag === 'Failed') break;
        for (const c of r.value.items) if (c.disabled !== true) for (const o of clientOrigins(c)) all.add(o);
        if (r.value.next === undefined) break;
        cursor = r.value.next;
      }
      return all;
    })();
    cached = { at: now(), origins };
    return origins;
  };

  const allowed = async (req: HttpRequest, origin: string): Promise<boolean> => {
    if (anyClient.has(req.path) || req.method === 'OPTIONS') return (await everyOrigin()).has(origin);
    const clientId = requestingClient(req);
    if (clientId === undefined) return false;
    const found = await deps.admin.clients.get(clientId);
    return found._tag === 'Done' && found.value.disabled !== true && clientOrigins(found.value).includes(origin);
  };

  const wrap = (inner: (req: HttpRequest) => Promise<HttpResponse>) => async (req: HttpRequest): Promise<HttpResponse> => {
    const origin = req.headers['origin'];
    if (origin === undefined || !(perClient.has(req.path) || anyClient.has(req.path))) return inner(req);
    const ok = await allowed(req, origin).catch(() => false);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      // A CORS preflight: the browser asks before sending the real request.
      if (!ok) return { ...json(403, { error: 'invalid_request', error_description: 'This origin is not registered for any client.' }), headers: { vary: 'Origin', 'cache-control': 'no-store' } };
      return empty(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': methods(req.path),
        'access-control-allow-headers': allowedHeaders,
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
    const res = await inner(req);
    const headers = ok ? { ...res.headers, 'access-control-allow-origin': origin, 'access-control-expose-headers': exposed, vary: 'Origin' } : { ...res.headers, vary: 'Origin' };
    return { ...res, headers };
  };

  return {
    ...server,
    routes: server.routes.map((r) => ({ ...r, handle: wrap(r.handle) })),
    handle: wrap(server.handle),
  };
};
