import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protectedResourceMetadata, type AuthorizationServer, type ProtectedResourceMetadata } from '@grantor/core';
import { conformanceConfig, conformanceSeed, conformanceServerFactory, type ConformanceDeps, type ConformanceStore } from './fixture.js';
import { protectedResourceFixture, type MountedResource, type ResourceMount } from './protected-resource.js';

/** What `remoteVerifier` of `@grantor/node` is given here (the testkit depends on no Node package). */
export interface RemoteVerifierOptionsLike {
  readonly issuer: string;
  readonly resource: string;
  readonly introspection?: { readonly endpoint: string; readonly clientId: string; readonly clientSecret: string };
  readonly jwt?: { readonly jwksUri: string };
  readonly allowHttp: 'loopback';
}

/** The Node pieces the remote checks need, injected by the adapter's test. */
export interface RemoteVerifierKit {
  /** Serves the authorization server on 127.0.0.1 over real HTTP (e.g. with `createNodeHandler`), under its issuer's path. */
  readonly serve: (server: AuthorizationServer) => Promise<MountedResource>;
  readonly remoteVerifier: (options: RemoteVerifierOptionsLike) => Pick<AuthorizationServer, 'bearer'>;
}

/** A resource whose tokens are RFC 9068 JWTs (the JWKS mode), next to the fixture's opaque-token resource. */
const jwtResource = 'https://api.example/jwt';

/**
 * A resource server in another process than its authorization server, through one adapter's bearer middleware: the
 * authorization server runs over HTTP, the resource server verifies with `remoteVerifier` — RFC 7662 introspection
 * as a client the server lets introspect the resource's tokens (§2.1, §4), or RFC 9068 JWT validation with the
 * published key set — and an unreachable authorization server is a 503 `temporarily_unavailable`, never a pass.
 */
export const runRemoteVerifierChecks = <S extends ConformanceStore>(name: string, mount: ResourceMount, deps: ConformanceDeps<S>, kit: RemoteVerifierKit): void => {
  describe(`${name}: remote verifier (resource server in another process)`, () => {
    const { resource, other, path } = protectedResourceFixture;
    const rs = conformanceSeed.confidential;
    let as: MountedResource;
    let issuer: string;
    const mounted: MountedResource[] = [];
    let introspecting: MountedResource;
    let jwt: MountedResource;
    let unreachable: MountedResource;

    const metadataOf = (identifier: string): ProtectedResourceMetadata => {
      const built = protectedResourceMetadata({ resource: identifier, authorizationServers: [issuer] });
      if ('_tag' in built) throw new Error(built.reason);
      return built;
    };
    const endpoint = (route: string): string => `${as.origin}${new URL(issuer).pathname}${route}`;

    beforeAll(async () => {
      const config = {
        ...conformanceConfig,
        resources: [
          { identifier: resource, scopes: ['read', 'write'], clientIds: [rs.clientId] },
          { identifier: other, scopes: ['read', 'write'] },
          { identifier: jwtResource, scopes: ['read', 'write'], accessTokenFormat: 'jwt' },
        ],
      };
      const server = (await conformanceServerFactory({ ...deps, createAuthorizationServer: (_c, ports) => deps.createAuthorizationServer(config as never, ports) })()).server;
      issuer = server.config.issuer;
      as = await kit.serve(server);
      const introspection = { endpoint: endpoint('/introspect'), clientId: rs.clientId, clientSecret: rs.secret };
      introspecting = await mount(kit.remoteVerifier({ issuer, resource, introspection, allowHttp: 'loopback' }), metadataOf(resource));
      jwt = await mount(kit.remoteVerifier({ issuer, resource: jwtResource, jwt: { jwksUri: endpoint('/jwks') }, allowHttp: 'loopback' }), metadataOf(jwtResource));
      const down = { ...introspection, endpoint: 'http://127.0.0.1:9/introspect' };
      unreachable = await mount(kit.remoteVerifier({ issuer, resource, introspection: down, allowHttp: 'loopback' }), metadataOf(resource));
      mounted.push(introspecting, jwt, unreachable);
    });
    afterAll(async () => {
      for (const m of mounted) await m.close();
      await as?.close();
    });

    const tokenFor = async (params: Readonly<Record<string, string>>): Promise<string> => {
      const client = conformanceSeed.postClient;
      const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, ...params });
      const res = await fetch(endpoint('/token'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      const token = ((await res.json()) as { access_token?: unknown }).access_token;
      if (typeof token !== 'string') throw new Error(`no token (${res.status})`);
      return token;
    };
    const call = (target: MountedResource, token: string): Promise<Response> => fetch(`${target.origin}${path}`, { headers: { authorization: `Bearer ${token}` } });

    it('RFC 7662: a token for the resource passes over introspection; one without the scope is 403', async () => {
      const ok = await call(introspecting, await tokenFor({ resource, scope: 'read' }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ client_id: conformanceSeed.postClient.clientId, scope: ['read'] });
      const narrow = await call(introspecting, await tokenFor({ resource, scope: 'write' }));
      expect(narrow.status).toBe(403);
      expect(narrow.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('RFC 7662 §4: a token for another resource is inactive to this resource server: 401 invalid_token', async () => {
      const res = await call(introspecting, await tokenFor({ resource: other, scope: 'read' }));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const forged = await call(introspecting, 'not-a-token-anyone-issued');
      expect(forged.status).toBe(401);
    });

    it('RFC 9068: a JWT access token for the resource passes with the key set; an opaque token or another audience does not', async () => {
      const ok = await call(jwt, await tokenFor({ resource: jwtResource, scope: 'read' }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ client_id: conformanceSeed.postClient.clientId, scope: ['read'] });
      expect((await call(jwt, await tokenFor({ resource, scope: 'read' }))).status).toBe(401);
      const withoutResource = await tokenFor({ scope: 'read' });
      expect((await call(jwt, withoutResource)).status).toBe(401);
    });

    it('an unreachable authorization server is 503 temporarily_unavailable with the challenge, never a pass', async () => {
      const res = await call(unreachable, await tokenFor({ resource, scope: 'read' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('www-authenticate')).toContain('error="temporarily_unavailable"');
      expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' });
    });
  });
};
