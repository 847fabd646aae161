import { describe, expect, it } from 'vitest';
import { signJws, type EcPrivateJwk } from './jws.js';
import { jwtClientKey, privateKeyJwtParams } from './jwt-client-auth.js';
import { form, formHeaders, s256, sendProbe } from './http.js';
import { suiteProbes, type SuiteContext } from './context.js';

const b64url = (text: string): string => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** The object's authorization parameters: the first registered redirect URI, scope `read`, state `from-the-object`. */
const objectParams = async (ctx: SuiteContext): Promise<Record<string, string>> => {
  const { clientId, redirectUris } = ctx.cs.seed.grants.jwtClient;
  return {
    client_id: clientId, response_type: 'code', redirect_uri: redirectUris[0], scope: 'read', state: 'from-the-object',
    code_challenge: await s256('j'.repeat(43)), code_challenge_method: 'S256',
  };
};

let counter = 0;

/** RFC 9101 §4: the request object's claims (`iss` = the client, `aud` = the issuer, `exp` in 60 s, a fresh `jti`). */
const objectClaims = async (ctx: SuiteContext): Promise<Record<string, unknown>> => {
  const now = Math.floor(Date.now() / 1000);
  counter += 1;
  return {
    ...(await objectParams(ctx)),
    iss: ctx.cs.seed.grants.jwtClient.clientId, aud: ctx.server.config.issuer, iat: now, exp: now + 60, jti: `jar-${now}-${counter}-${crypto.randomUUID()}`,
  };
};

/** A request object signed with the client's registered key. */
const signedObject = async (ctx: SuiteContext): Promise<string> => signJws(await objectClaims(ctx), jwtClientKey(ctx));

/** RFC 7519 §6: an unsecured JWT (`alg: none`, empty signature), which RFC 9101 §6.1 lets a server refuse. */
const unsignedObject = async (ctx: SuiteContext): Promise<string> =>
  `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify(await objectClaims(ctx)))}.`;

/** The same claims signed by a key the client never registered (under the registered `kid`). */
const foreignObject = async (ctx: SuiteContext): Promise<string> => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { readonly privateKey: Parameters<typeof crypto.subtle.exportKey>[1] };
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const privateJwk: EcPrivateJwk = { kty: 'EC', crv: 'P-256', x: String(jwk.x), y: String(jwk.y), d: String(jwk.d) };
  return signJws(await objectClaims(ctx), { alg: 'ES256', privateJwk, kid: ctx.cs.seed.grants.jwtClient.kid });
};

/**
 * RFC 9101 (JAR) through the adapter: a request object signed with the client's registered key starts the request
 * with the object's parameters, by value at the authorization endpoint and pushed (RFC 9126 §3); query parameters
 * beside it never override it (§6.3); `alg: none` and a stranger's key are `invalid_request_object`, and the adapter
 * answers exactly as the core does.
 */
export const requestObjectChecks = (context: () => SuiteContext): void => {
  const { http, same } = suiteProbes(context);
  const routes = () => context().server.config.routes;

  /** Follows the authorization endpoint's redirect to the interaction, finishes it, and returns the redirect back to the client. */
  const finish = async (res: Response): Promise<URL> => {
    expect([302, 303]).toContain(res.status);
    const location = res.headers.get('location') ?? '';
    const id = /\/interaction\/([^/?#]+)/.exec(location)?.[1];
    expect(id, `interaction redirect, got ${location}`).toBeDefined();
    const ctx = context();
    const finished = await ctx.server.interactions.finish(decodeURIComponent(id ?? ''), { subject: ctx.cs.seed.subject, scope: ['read'], authTime: Math.floor(Date.now() / 1000) });
    expect(finished._tag).toBe('Redirect');
    return new URL(finished._tag === 'Redirect' ? finished.location : 'invalid:');
  };

  describe('request objects (RFC 9101)', () => {
    it('a signed request object by value: its parameters are the request; query parameters beside it do not override them (§6.3)', async () => {
      const ctx = context();
      const { clientId, redirectUris } = ctx.cs.seed.grants.jwtClient;
      const query = form({ client_id: clientId, request: await signedObject(ctx), redirect_uri: redirectUris[1], state: 'from-the-query', scope: 'write', response_type: 'code' });
      const back = await finish(await sendProbe(ctx.baseUrl, { method: 'GET', path: routes().authorization, query }));
      expect(`${back.origin}${back.pathname}`).toBe(redirectUris[0]);
      expect(back.searchParams.get('state')).toBe('from-the-object');
      expect(back.searchParams.get('code')).toEqual(expect.any(String));
    });

    it('a signed request object pushed (RFC 9126 §3): 201, and its request_uri starts the object\'s request', async () => {
      const ctx = context();
      const { clientId, redirectUris } = ctx.cs.seed.grants.jwtClient;
      const pushed = await http({
        method: 'POST',
        path: routes().pushedAuthorization,
        headers: formHeaders,
        body: form({ ...(await privateKeyJwtParams(ctx)), request: await signedObject(ctx), state: 'from-the-form' }),
      });
      expect(pushed.status).toBe(201);
      const requestUri = String((pushed.body as Record<string, unknown>)['request_uri']);
      const back = await finish(await sendProbe(ctx.baseUrl, { method: 'GET', path: routes().authorization, query: form({ client_id: clientId, request_uri: requestUri }) }));
      expect(`${back.origin}${back.pathname}`).toBe(redirectUris[0]);
      expect(back.searchParams.get('state')).toBe('from-the-object');
    });

    it('alg none or a key the client never registered: invalid_request_object by value and pushed, as the core answers', async () => {
      const ctx = context();
      const { clientId } = ctx.cs.seed.grants.jwtClient;
      for (const make of [unsignedObject, foreignObject]) {
        const byValue = await same({ method: 'GET', path: routes().authorization, query: form({ client_id: clientId, request: await make(ctx) }) });
        expect(byValue.status).toBe(400);
        expect(String(byValue.body)).toContain('invalid_request_object');
        // sent once (a client assertion is single use), so over HTTP only
        const pushed = await http({ method: 'POST', path: routes().pushedAuthorization, headers: formHeaders, body: form({ ...(await privateKeyJwtParams(ctx)), request: await make(ctx) }) });
        expect(pushed.status).toBe(400);
        expect((pushed.body as Record<string, unknown>)['error']).toBe('invalid_request_object');
      }
    });
  });
};
