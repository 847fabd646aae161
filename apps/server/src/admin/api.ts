import {
  clientMetadataView,
  type AdminOperations,
  type AuthorizationServer,
  type HttpRequest,
  type HttpResponse,
  type Logger,
  type OwnerFilter,
  type Route,
  type TokenKind,
  type TokenStatus,
} from '@grantor/core';
import { signingAlgs, type SigningAlg } from '@grantor/core/extend';
import { json } from '@grantor/core/extend';
import type { Pages } from '../pages/router.js';
import { adminGate, answer, endpoint, type Endpoint, badBody, badLimit, jsonBody, noContent, optionalJsonBody, pageJson, pageRequest, problem, query } from './http.js';
import { openApiDocument } from './openapi.js';
import { userEndpoints } from './users-api.js';
import { registryEndpoints } from './registry-api.js';
import type { UserAdmin } from '../people/user-admin.js';

/**
 * The admin HTTP API under `{issuer path}/admin`: JSON over the core's `adminOperations`, described by the OpenAPI
 * 3.1 document at `/admin/openapi.json`. Every call but the document needs the admin gate (`http.ts`).
 */
export interface AdminApiDeps {
  readonly server: Pick<AuthorizationServer, 'bearer' | 'config'>;
  readonly operations: AdminOperations;
  /** ADMIN_TOKEN: the bootstrap bearer token (absent: only admin clients' tokens). */
  readonly bootstrapToken?: string;
  readonly logger: Logger;
  /** The local accounts (`/admin/users`); absent: no user endpoints. */
  readonly users?: UserAdmin;
}

const kinds: readonly TokenKind[] = ['access_token', 'refresh_token'];
const statuses: readonly TokenStatus[] = ['active', 'expired', 'revoked', 'rotated'];

/** A filter of one named query parameter out of the allowed values. */
const oneOf = <A extends string>(q: URLSearchParams, name: string, allowed: readonly A[]): A | undefined | null => {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  return (allowed as readonly string[]).includes(v) ? (v as A) : null;
};

const text = (q: URLSearchParams, name: string): string | undefined => {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
};

const ownerOf = (body: Readonly<Record<string, unknown>>): OwnerFilter | undefined => {
  const clientId = typeof body['client_id'] === 'string' && body['client_id'] !== '' ? body['client_id'] : undefined;
  const subject = typeof body['subject'] === 'string' && body['subject'] !== '' ? body['subject'] : undefined;
  if (clientId !== undefined) return { clientId, ...(subject === undefined ? {} : { subject }) };
  return subject === undefined ? undefined : { subject };
};

const endpoints = (ops: AdminOperations): readonly Endpoint[] => [
  endpoint('GET', '/admin/clients', async (req) => {
    const q = query(req);
    const page = pageRequest(q);
    if (page === undefined) return badLimit();
    const disabled = oneOf(q, 'disabled', ['true', 'false']);
    if (disabled === null) return problem(400, 'invalid_request', 'disabled must be true or false.');
    const registered = oneOf(q, 'registered', ['dynamic', 'static']);
    if (registered === null) return problem(400, 'invalid_request', 'registered must be dynamic or static.');
    const search = text(q, 'search');
    return answer(
      await ops.clients.list({
        ...page,
        ...(search === undefined ? {} : { search }),
        ...(disabled === undefined ? {} : { disabled: disabled === 'true' }),
        ...(registered === undefined ? {} : { registered }),
      }),
      (p) => json(200, pageJson(p, clientMetadataView)),
    );
  }),
  endpoint('POST', '/admin/clients', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.clients.create(body), (r) =>
      json(201, { ...clientMetadataView(r.client), ...(r.clientSecret === undefined ? {} : { client_secret: r.clientSecret }) }),
    );
  }),
  // RFC 7591 clients registered long enough ago (and, with unused_only, with no token or consent stored) are deleted.
  endpoint('POST', '/admin/clients/purge-registered', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    const older = body['older_than_seconds'];
    if (typeof older !== 'number' || !Number.isInteger(older) || older < 0) return problem(400, 'invalid_request', 'older_than_seconds must be a whole number of seconds, 0 or more.');
    const flag = (name: string): boolean | null => (body[name] === undefined ? false : typeof body[name] === 'boolean' ? (body[name] as boolean) : null);
    const [unusedOnly, dryRun] = [flag('unused_only'), flag('dry_run')];
    if (unusedOnly === null || dryRun === null) return problem(400, 'invalid_request', 'unused_only and dry_run must be booleans.');
    return answer(await ops.clients.purgeRegistered({ olderThanSeconds: older, unusedOnly, dryRun }), (r) => json(200, { purged: r.clientIds, dry_run: dryRun }));
  }),
  endpoint('GET', '/admin/clients/:id', async (_req, [id = '']) => answer(await ops.clients.get(id), (c) => json(200, clientMetadataView(c)))),
  endpoint('PATCH', '/admin/clients/:id', async (req, [id = '']) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.clients.update(id, body), (r) =>
      json(200, { ...clientMetadataView(r.client), ...(r.clientSecret === undefined ? {} : { client_secret: r.clientSecret }) }),
    );
  }),
  endpoint('DELETE', '/admin/clients/:id', async (_req, [id = '']) => answer(await ops.clients.remove(id), noContent)),
  endpoint('POST', '/admin/clients/:id/disable', async (_req, [id = '']) => answer(await ops.clients.setDisabled(id, true), (c) => json(200, clientMetadataView(c)))),
  endpoint('POST', '/admin/clients/:id/enable', async (_req, [id = '']) => answer(await ops.clients.setDisabled(id, false), (c) => json(200, clientMetadataView(c)))),
  endpoint('POST', '/admin/clients/:id/rotate-secret', async (req, [id = '']) => {
    const body = optionalJsonBody(req);
    if (body === undefined) return badBody();
    const overlap = body['overlap_seconds'];
    if (overlap !== undefined && typeof overlap !== 'number') return problem(400, 'invalid_request', 'overlap_seconds must be a number.');
    return answer(await ops.clients.rotateSecret(id, overlap === undefined ? {} : { overlapSeconds: overlap }), (r) =>
      json(200, { client_id: r.clientId, client_secret: r.clientSecret, ...(r.previousExpiresAt === undefined ? {} : { previous_secret_expires_at: r.previousExpiresAt }) }),
    );
  }),
  endpoint('POST', '/admin/clients/:id/keys', async (req, [id = '']) => {
    const body = optionalJsonBody(req);
    if (body === undefined) return badBody();
    const alg = body['alg'] ?? 'ES256';
    if (!signingAlgs.includes(alg as SigningAlg)) return problem(400, 'invalid_request', `alg must be one of ${signingAlgs.join(', ')}.`);
    return answer(await ops.clients.generateKeyPair(id, { alg: alg as SigningAlg, replace: body['replace'] === true }), (r) =>
      json(201, { client_id: r.clientId, kid: r.kid, private_jwk: r.privateJwk, public_jwk: r.publicJwk }),
    );
  }),
  endpoint('GET', '/admin/tokens', async (req) => {
    const q = query(req);
    const page = pageRequest(q);
    if (page === undefined) return badLimit();
    const kind = oneOf(q, 'kind', kinds);
    const status = oneOf(q, 'status', statuses);
    if (kind === null) return problem(400, 'invalid_request', `kind must be one of ${kinds.join(', ')}.`);
    if (status === null) return problem(400, 'invalid_request', `status must be one of ${statuses.join(', ')}.`);
    const [clientId, subject, grantId] = [text(q, 'client_id'), text(q, 'subject'), text(q, 'grant_id')];
    const filter = {
      ...page,
      ...(clientId === undefined ? {} : { clientId }),
      ...(subject === undefined ? {} : { subject }),
      ...(grantId === undefined ? {} : { grantId }),
      ...(kind === undefined ? {} : { kind }),
      ...(status === undefined ? {} : { status }),
    };
    return answer(await ops.tokens.list(filter), (p) =>
      json(200, pageJson(p, (t) => ({
        kind: t.kind,
        id: t.id,
        client_id: t.clientId,
        ...(t.subject === undefined ? {} : { subject: t.subject }),
        scope: t.scope.join(' '),
        ...(t.grantId === undefined ? {} : { grant_id: t.grantId }),
        status: t.status,
        issued_at: t.issuedAt,
        expires_at: t.expiresAt,
        ...(t.revokedAt === undefined ? {} : { revoked_at: t.revokedAt }),
        ...(t.lastUsedAt === undefined ? {} : { last_used_at: t.lastUsedAt }),
      }))),
    );
  }),
  endpoint('POST', '/admin/tokens/revoke', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    const { id, kind, grant_id: grantId } = body;
    if (typeof id === 'string') {
      if (!kinds.includes(kind as TokenKind)) return problem(400, 'invalid_request', `kind must be one of ${kinds.join(', ')} with id.`);
      return answer(await ops.tokens.revoke(kind as TokenKind, id), () => json(200, { revoked: 'token' }));
    }
    if (typeof grantId === 'string') return answer(await ops.tokens.revokeGrant(grantId), () => json(200, { revoked: 'grant' }));
    const owner = ownerOf(body);
    if (owner === undefined) return problem(400, 'invalid_request', 'Give id and kind, grant_id, or client_id and/or subject.');
    return answer(await ops.tokens.revokeOf(owner), (n) => json(200, { revoked: n }));
  }),
  endpoint('GET', '/admin/consents', async (req) => {
    const q = query(req);
    const page = pageRequest(q);
    if (page === undefined) return badLimit();
    const [clientId, subject] = [text(q, 'client_id'), text(q, 'subject')];
    return answer(await ops.consents.list({ ...page, ...(clientId === undefined ? {} : { clientId }), ...(subject === undefined ? {} : { subject }) }), (p) =>
      json(200, pageJson(p, (c) => ({ subject: c.subject, client_id: c.clientId, scope: c.scope.join(' '), granted_at: c.grantedAt }))),
    );
  }),
  endpoint('POST', '/admin/consents/revoke', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    const owner = ownerOf(body);
    if (owner === undefined) return problem(400, 'invalid_request', 'Give client_id and/or subject.');
    return answer(await ops.consents.revoke(owner), (n) => json(200, { revoked: n }));
  }),
  endpoint('GET', '/admin/keys', async () => answer(await ops.keys.list(), (keys) => json(200, { keys: keys.map(keyView) }))),
  endpoint('POST', '/admin/keys/rotate', async () => answer(await ops.keys.rotate(), (keys) => json(200, { keys: keys.map(keyView) }))),
  endpoint('POST', '/admin/keys/:kid/retire', async (req, [kid = '']) => {
    const body = optionalJsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.keys.retire(kid, { unpublish: body['unpublish'] === true }), noContent);
  }),
];

const keyView = (k: { readonly kid: string; readonly alg: string; readonly status: string; readonly createdAt: number; readonly retiredAt?: number; readonly publicJwk: unknown }) => ({
  kid: k.kid,
  alg: k.alg,
  status: k.status,
  created_at: k.createdAt,
  ...(k.retiredAt === undefined ? {} : { retired_at: k.retiredAt }),
  public_jwk: k.publicJwk,
});

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** The admin API as pages (mounted next to Grantor's endpoints by `withPages`). */
export const createAdminApi = (deps: AdminApiDeps): Pages => {
  const table = [...endpoints(deps.operations), ...registryEndpoints(deps.operations), ...(deps.users === undefined ? [] : userEndpoints(deps.users))];
  const gate = adminGate(deps.server, deps.bootstrapToken);
  const document = openApiDocument(deps.server.config.issuer);
  const find = (path: string) => table.filter((e) => e.pattern.test(path));
  const handle = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.path === '/admin/openapi.json') return req.method === 'GET' || req.method === 'HEAD' ? json(200, document) : problem(405, 'invalid_request', 'Use GET.');
    const candidates = find(req.path);
    if (candidates.length === 0) return problem(404, 'not_found', 'No such admin resource.');
    const chosen = candidates.find((e) => e.method === req.method);
    if (chosen === undefined) return { ...problem(405, 'invalid_request', `Use ${candidates.map((e) => e.method).join(' or ')}.`), headers: { allow: candidates.map((e) => e.method).join(', '), 'cache-control': 'no-store' } };
    const allowed = await gate(req);
    if (!allowed.ok) return allowed.response;
    const params = (chosen.pattern.exec(req.path) ?? []).slice(1).map(decode);
    if (params.some((p) => p === undefined)) return problem(400, 'invalid_request', 'Malformed path.');
    try {
      const res = await chosen.run(req, params as string[]);
      if (req.method !== 'GET') deps.logger.log('info', 'admin', { by: allowed.who, method: req.method, path: req.path, status: res.status });
      return res;
    } catch (cause) {
      deps.logger.log('error', 'admin API failed', { path: req.path, cause: String(cause) });
      return problem(500, 'server_error', 'The admin operation failed.');
    }
  };
  const paths = [...new Set(['/admin/openapi.json', ...table.map((e) => e.path)])];
  const routes: Route[] = paths.map((path) => ({
    path,
    methods: path === '/admin/openapi.json' ? ['GET', 'HEAD'] : [...new Set(table.filter((e) => e.path === path).map((e) => e.method))],
    handle,
  }));
  return {
    routes,
    matches: (path) => path === '/admin/openapi.json' || find(path).length > 0,
    handle,
  };
};
