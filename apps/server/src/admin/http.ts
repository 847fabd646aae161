import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthorizationServer, HttpRequest, HttpResponse, OAuthError, Settled } from '@grantor/core';
import { empty, json, oauthErrorStatus } from '@grantor/core/extend';

/** JSON plumbing of the admin API: routes, bodies, query parameters, answers, and who may call it. */

type Handler = (req: HttpRequest, params: readonly string[]) => Promise<HttpResponse>;
export interface Endpoint {
  readonly method: string;
  readonly pattern: RegExp;
  /** The route in Fastify syntax (`:id` parameters). */
  readonly path: string;
  readonly run: Handler;
}

const segment = '([^/]+)';
export const endpoint = (method: string, path: string, run: Handler): Endpoint => ({
  method,
  path,
  pattern: new RegExp(`^${path.replace(/:[a-z_]+/g, segment)}$`),
  run,
});

/** RFC 9457-free, RFC 6749 §5.2-shaped error body: `{ error, error_description }`. */
export const problem = (status: number, error: string, description: string): HttpResponse => json(status, { error, error_description: description });

/** Operator-facing status of a core failure: unknown ids are 404, bad input 400, store faults 500/503. */
const statusOf = (e: OAuthError): number => (e.code === 'invalid_client' ? 404 : oauthErrorStatus[e.code]);
const wireCode = (e: OAuthError): string => (e.code === 'invalid_client' ? 'not_found' : e.code);

/** A settled operation as a response: `Done` through `ok` (200 JSON by default), `Failed` as an error body. */
export const answer = <A>(r: Settled<A>, ok: (value: A) => HttpResponse = (v) => json(200, v)): HttpResponse =>
  r._tag === 'Done' ? ok(r.value) : problem(statusOf(r.error), wireCode(r.error), r.error.description);

export const noContent = (): HttpResponse => empty(204);

/** The request's JSON object body; `undefined` when absent, not JSON, or not an object. */
export const jsonBody = (req: HttpRequest): Readonly<Record<string, unknown>> | undefined => {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json' || req.body === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.body));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** An optional JSON object body: none, or an empty one, is `{}`; anything else that is not an object is `undefined`. */
export const optionalJsonBody = (req: HttpRequest): Readonly<Record<string, unknown>> | undefined =>
  req.body === undefined || req.body.length === 0 ? {} : jsonBody(req);

export const badBody = (): HttpResponse => problem(400, 'invalid_request', 'The body must be a JSON object (Content-Type: application/json).');

export const query = (req: HttpRequest): URLSearchParams => new URLSearchParams(req.query);

/** Page size: 1..100, default 25. */
export const pageRequest = (q: URLSearchParams): { readonly limit: number; readonly cursor?: string } | undefined => {
  const text = q.get('limit') ?? '25';
  const limit = Number(text);
  if (!/^\d{1,3}$/.test(text) || limit < 1 || limit > 100) return undefined;
  const cursor = q.get('cursor');
  return { limit, ...(cursor === null || cursor === '' ? {} : { cursor }) };
};

export const badLimit = (): HttpResponse => problem(400, 'invalid_request', 'limit must be an integer from 1 to 100.');

/** A page as JSON: `{ items, next_cursor? }`. */
export const pageJson = <A, B>(page: { readonly items: readonly A[]; readonly next?: string }, view: (a: A) => B) => ({
  items: page.items.map(view),
  ...(page.next === undefined ? {} : { next_cursor: page.next }),
});

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Who may call the admin API: `Authorization: Bearer <ADMIN_TOKEN>` (the bootstrap token from the environment,
 * compared in constant time), or an access token of a client's own (`client_credentials`, no end user) carrying the
 * `admin` scope (RFC 6750 §2.1, checked by the server's bearer check). Anything else is the RFC 6750 §3 error.
 */
export const adminGate = (server: Pick<AuthorizationServer, 'bearer'>, bootstrapToken: string | undefined) => {
  const expected = bootstrapToken === undefined ? undefined : sha256(bootstrapToken);
  return async (req: HttpRequest): Promise<{ readonly ok: true; readonly who: string } | { readonly ok: false; readonly response: HttpResponse }> => {
    const header = req.headers['authorization'] ?? '';
    const m = /^bearer\s+(\S+)\s*$/i.exec(header);
    if (expected !== undefined && m?.[1] !== undefined && timingSafeEqual(sha256(m[1]), expected)) return { ok: true, who: 'bootstrap token' };
    const result = await server.bearer({ ...req, body: undefined }, { requiredScopes: ['admin'], allowBody: false, realm: 'grantor-admin' });
    if (result._tag === 'Rejected') {
      // RFC 6750 §3.1: without credentials the challenge carries no error code; the JSON body still says what is missing.
      const r = result.response;
      return { ok: false, response: r._tag === 'Json' ? r : { ...problem(r.status, 'invalid_token', 'An admin bearer token is required.'), headers: { ...r.headers, 'cache-control': 'no-store' } } };
    }
    if (result.auth.subject !== undefined) {
      return { ok: false, response: problem(403, 'insufficient_scope', 'The admin API takes a client_credentials token of an admin client, not a user token.') };
    }
    return { ok: true, who: `client ${result.auth.clientId}` };
  };
};
