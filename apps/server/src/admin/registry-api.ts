import { resourceView, scopeView, type AdminOperations } from '@grantor/core';
import { json } from '@grantor/core/extend';
import type { HttpRequest, HttpResponse } from '@grantor/core';
import { answer, badBody, endpoint, jsonBody, noContent, type Endpoint } from './http.js';

/**
 * A route whose last parameter is the rest of the path: the adapter hands the admin API percent-decoded paths, so an
 * identifier sent as `https%3A%2F%2Fapi.example%2F` arrives with its slashes.
 */
const restOfPath = (method: string, prefix: string, run: (req: HttpRequest, params: readonly string[]) => Promise<HttpResponse>): Endpoint => ({
  method,
  path: `${prefix}/:identifier`,
  pattern: new RegExp(`^${prefix.replace(/\//g, '\\/')}\\/(.+)$`),
  run,
});

/**
 * `/admin/scopes…` and `/admin/resources…`: the scope registry (RFC 6749 §3.3 scopes with the consent page's words)
 * and the RFC 8707 resource registry, in the wire form of `scopeView` / `resourceView`. A resource's identifier goes
 * in the path URL-encoded (`https%3A%2F%2Fapi.example%2F`).
 */
export const registryEndpoints = (ops: AdminOperations): readonly Endpoint[] => [
  endpoint('GET', '/admin/scopes', async () => answer(await ops.scopes.list(), (items) => json(200, { items: items.map(scopeView) }))),
  endpoint('POST', '/admin/scopes', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.scopes.create(body), (s) => json(201, scopeView(s)));
  }),
  endpoint('PATCH', '/admin/scopes/:name', async (req, [name = '']) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.scopes.update(name, body), (s) => json(200, scopeView(s)));
  }),
  endpoint('DELETE', '/admin/scopes/:name', async (_req, [name = '']) => answer(await ops.scopes.remove(name), noContent)),
  endpoint('GET', '/admin/resources', async () => answer(await ops.resources.list(), (items) => json(200, { items: items.map(resourceView) }))),
  endpoint('POST', '/admin/resources', async (req) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.resources.create(body), (r) => json(201, resourceView(r)));
  }),
  restOfPath('PATCH', '/admin/resources', async (req, [identifier = '']) => {
    const body = jsonBody(req);
    if (body === undefined) return badBody();
    return answer(await ops.resources.update(identifier, body), (r) => json(200, resourceView(r)));
  }),
  restOfPath('DELETE', '/admin/resources', async (_req, [identifier = '']) => answer(await ops.resources.remove(identifier), noContent)),
];
