import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { bodyText, contentTypeOf, type HttpResponse } from '../http/http-response.js';
import { verifyJws } from '../keys/verify.js';
import { discoveryMetadata } from './discovery.js';
import { formPost, tokenServiceFixture } from '../test/token-service-fixture.js';
import { introspectionRoute, wantsIntrospectionJwt } from './introspection.js';

const jwtType = 'application/token-introspection+jwt';

const setup = (algorithms: readonly ('RS256' | 'ES256')[] = ['RS256']) => {
  const f = tokenServiceFixture({ algorithms });
  const introspect = (params: Record<string, string>, accept?: string) => {
    const req = formPost('/introspect', params);
    return introspectionRoute(f.deps).handle(accept === undefined ? req : { ...req, headers: { ...req.headers, accept } });
  };
  /** Verifies a JWT response against the signer's published keys. */
  const verified = async (r: HttpResponse) => {
    const jwks = await f.signer.publicJwks()();
    if (E.isLeft(jwks)) throw new Error('no jwks');
    const v = await verifyJws(bodyText(r), jwks.right)();
    if (E.isLeft(v)) throw new Error(v.left);
    return v.right;
  };
  return { f, introspect, verified };
};

describe('introspection JWT response (RFC 9701)', () => {
  it('Accept: application/token-introspection+jwt → a signed JWT with iss, aud = caller, iat and token_introspection', async () => {
    const { f, introspect, verified } = setup();
    const { token } = await f.accessToken('web');
    const plain = await introspect({ token });
    const r = await introspect({ token }, jwtType);
    expect(r.status).toBe(200);
    expect(contentTypeOf(r)).toBe(jwtType);
    expect(r.headers['cache-control']).toBe('no-store');
    const { header, payload } = await verified(r);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'token-introspection+jwt', kid: expect.any(String) });
    expect(payload).toEqual({ iss: f.config.issuer, aud: 'web', iat: Math.floor(f.clock.now()), token_introspection: plain._tag === 'Json' ? plain.body : undefined });
    expect(payload['token_introspection']).toMatchObject({ active: true, client_id: 'web', sub: 'alice' });
  });

  it('an inactive token is {"active": false} inside the JWT', async () => {
    const { introspect, verified } = setup();
    const r = await introspect({ token: 'unknown' }, `text/plain;q=0.5, ${jwtType}`);
    expect((await verified(r)).payload['token_introspection']).toEqual({ active: false });
  });

  it('without that Accept (absent, */*, application/json, q=0) the answer stays RFC 7662 JSON', async () => {
    const { f, introspect } = setup();
    const { token } = await f.accessToken('web');
    for (const accept of [undefined, '*/*', 'application/json', `${jwtType};q=0`, 'application/*']) {
      const r = await introspect({ token }, accept);
      expect([r._tag, contentTypeOf(r)]).toEqual(['Json', 'application/json; charset=utf-8']);
    }
  });

  it('errors stay JSON even when a JWT was asked for', async () => {
    const { introspect } = setup();
    const r = await introspect({}, jwtType);
    expect([r.status, r._tag]).toEqual([400, 'Json']);
  });

  it('a signing failure is a JSON 503/500, not a throw', async () => {
    const { f } = setup();
    const deps = { ...f.deps, signer: { ...f.signer, sign: () => TE.left({ _tag: 'StoreError' as const, transient: true, detail: 'kms down' }) } };
    const req = formPost('/introspect', { token: 'x' });
    const r = await introspectionRoute(deps).handle({ ...req, headers: { ...req.headers, accept: jwtType } });
    expect([r.status, r._tag]).toEqual([503, 'Json']);
  });

  it('the signer’s algorithm: RS256 when available, else its first one', async () => {
    const { f, introspect, verified } = setup(['ES256']);
    const { token } = await f.accessToken('web');
    expect((await verified(await introspect({ token }, jwtType))).header['alg']).toBe('ES256');
  });

  it('media-range matching is case-insensitive and ignores parameters other than q=0', () => {
    expect(wantsIntrospectionJwt('Application/Token-Introspection+JWT; charset=utf-8')).toBe(true);
    expect(wantsIntrospectionJwt(`application/json, ${jwtType};q=0.1`)).toBe(true);
    expect(wantsIntrospectionJwt(`${jwtType}; q=0.000`)).toBe(false);
    expect(wantsIntrospectionJwt('application/jwt')).toBe(false);
    expect(wantsIntrospectionJwt('')).toBe(false);
  });

  it('discovery advertises introspection_signing_alg_values_supported only when given and mounted', () => {
    const { f } = setup();
    expect(discoveryMetadata(f.config, { idTokenSigningAlgs: ['RS256'], introspectionSigningAlgs: ['RS256'] })['introspection_signing_alg_values_supported']).toEqual(['RS256']);
    expect(discoveryMetadata(f.config, { idTokenSigningAlgs: ['RS256'] })).not.toHaveProperty('introspection_signing_alg_values_supported');
    const noIntrospection = discoveryMetadata(f.config, { idTokenSigningAlgs: ['RS256'], introspectionSigningAlgs: ['RS256'], hasRoute: (p) => p !== f.config.routes.introspection });
    expect(noIntrospection).not.toHaveProperty('introspection_signing_alg_values_supported');
  });
});
