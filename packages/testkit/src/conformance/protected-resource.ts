import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, protectedResourceMetadata, type AuthorizationServer, type HttpResponse, type ProtectedResourceMetadata } from '@grantor/core';
import { conformanceConfig, conformanceSeed, conformanceServerFactory, type ConformanceDeps, type ConformanceStore } from './fixture.js';

/** The RFC 8707 resource the protected-resource checks guard, and one other the server also issues tokens for. */
export const protectedResourceFixture = Object.freeze({
  resource: 'https://api.example/mcp',
  other: 'https://other.example/api',
  /** Where the mount serves the guarded route (`requiredScopes: ['read']`). */
  path: '/mcp',
});

/** A running resource server: `origin` serves `protectedResourceFixture.path` and the metadata path. */
export interface MountedResource {
  readonly origin: string;
  readonly close: () => Promise<void>;
}

/**
 * Mounts a resource server with one adapter: `path` guarded by the adapter's bearer middleware over `verifier`
 * (`protectedResource: resource`, `requiredScopes: ['read']`) answering `protectedResponseBody(auth)`, and the
 * adapter's RFC 9728 metadata handler for `resource`.
 */
export type ResourceMount = (verifier: Pick<AuthorizationServer, 'bearer'>, resource: ProtectedResourceMetadata) => Promise<MountedResource>;

const tokenFor = async (server: AuthorizationServer, params: Readonly<Record<string, string>>): Promise<string> => {
  const client = conformanceSeed.postClient;
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, ...params });
  const response: HttpResponse = await server.handle(
    httpRequest({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new TextEncoder().encode(body.toString()) }),
  );
  const token = response._tag === 'Json' ? (response.body as { access_token?: unknown }).access_token : undefined;
  if (typeof token !== 'string') throw new Error(`no token: ${JSON.stringify(response)}`);
  return token;
};

/**
 * RFC 9728 checks of an adapter's resource-server side, against the real core: the metadata document (§2, §3.2), the
 * `resource_metadata` parameter of every challenge (§5.1), and the audience of the protected resource (RFC 8707).
 */
export const runProtectedResourceChecks = <S extends ConformanceStore>(name: string, mount: ResourceMount, deps: ConformanceDeps<S>): void => {
  describe(`${name}: RFC 9728 protected resource`, () => {
    let server: AuthorizationServer;
    let mounted: MountedResource;
    let metadata: ProtectedResourceMetadata;
    const { resource, other, path } = protectedResourceFixture;
    beforeAll(async () => {
      const config = { ...conformanceConfig, resources: [{ identifier: resource, scopes: ['read', 'write'] }, { identifier: other, scopes: ['read', 'write'] }] };
      server = (await conformanceServerFactory({ ...deps, createAuthorizationServer: (_c, ports) => deps.createAuthorizationServer(config as never, ports) })()).server;
      const built = protectedResourceMetadata({ resource, authorizationServers: [server.config.issuer], scopesSupported: ['read', 'write'], dpopSigningAlgs: ['ES256'] });
      if ('_tag' in built) throw new Error(built.reason);
      metadata = built;
      mounted = await mount(server, metadata);
    });
    afterAll(async () => mounted.close());

    const expectedMetadataUrl = 'https://api.example/.well-known/oauth-protected-resource/mcp';

    it('§3.2: serves the metadata document at /.well-known/oauth-protected-resource{path}', async () => {
      const res = await fetch(`${mounted.origin}/.well-known/oauth-protected-resource/mcp`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({
        resource,
        authorization_servers: [server.config.issuer],
        scopes_supported: ['read', 'write'],
        bearer_methods_supported: ['header'],
        dpop_signing_alg_values_supported: ['ES256'],
        dpop_bound_access_tokens_required: false,
      });
      expect((await fetch(`${mounted.origin}/.well-known/oauth-protected-resource/mcp`, { method: 'POST' })).status).toBe(405);
    });

    it('§5.1: a request without a token gets 401 naming the metadata URL', async () => {
      const res = await fetch(`${mounted.origin}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${server.config.issuer}", resource_metadata="${expectedMetadataUrl}"`);
    });

    it('RFC 8707: a token for another resource is invalid_token, with the metadata URL', async () => {
      const res = await fetch(`${mounted.origin}${path}`, { headers: { authorization: `Bearer ${await tokenFor(server, { resource: other, scope: 'read' })}` } });
      expect(res.status).toBe(401);
      const challenge = res.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="invalid_token"');
      expect(challenge).toContain(`resource_metadata="${expectedMetadataUrl}"`);
    });

    it('a token for this resource passes; one without the required scope is 403 insufficient_scope', async () => {
      const ok = await fetch(`${mounted.origin}${path}`, { headers: { authorization: `Bearer ${await tokenFor(server, { resource, scope: 'read' })}` } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ client_id: conformanceSeed.postClient.clientId, scope: ['read'] });
      const narrow = await fetch(`${mounted.origin}${path}`, { headers: { authorization: `Bearer ${await tokenFor(server, { resource, scope: 'write' })}` } });
      expect(narrow.status).toBe(403);
      expect(narrow.headers.get('www-authenticate')).toContain(`error="insufficient_scope"`);
      expect(narrow.headers.get('www-authenticate')).toContain(`resource_metadata="${expectedMetadataUrl}"`);
    });
  });
};
