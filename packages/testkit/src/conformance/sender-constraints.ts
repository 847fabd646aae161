import { describe, expect, it } from 'vitest';
import { conformanceProtected } from './fixture.js';
import { basic, form, formHeaders, observeFetch, s256 } from './http.js';
import { suiteProbes, type SuiteContext } from './context.js';

const b64url = (bytes: Uint8Array): string => {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const sha256 = async (text: string): Promise<string> => b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text))));

type SigningKey = Parameters<typeof crypto.subtle.sign>[1];

interface ProofKey {
  readonly privateKey: SigningKey;
  readonly jwk: { readonly kty: string; readonly crv: string; readonly x: string; readonly y: string };
  /** RFC 7638 thumbprint. */
  readonly jkt: string;
}

/** A fresh ES256 key for DPoP proofs (WebCrypto, independent of the core's `jose`). */
const proofKey = async (): Promise<ProofKey> => {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as { readonly privateKey: SigningKey; readonly publicKey: SigningKey };
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const jwk = { kty: 'EC', crv: 'P-256', x: String(exported.x), y: String(exported.y) };
  return { privateKey: pair.privateKey, jwk, jkt: await sha256(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })) };
};

/** RFC 9449 §4.2: a proof JWT for `htm` `htu` (and `ath` for an access token). */
const dpopProof = async (k: ProofKey, htm: string, htu: string, accessToken?: string): Promise<string> => {
  const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: k.jwk };
  const payload = { htm, htu, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), ...(accessToken === undefined ? {} : { ath: await sha256(accessToken) }) };
  const input = `${b64url(utf8(JSON.stringify(header)))}.${b64url(utf8(JSON.stringify(payload)))}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, k.privateKey, utf8(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
};

/**
 * RFC 9126 (pushed requests) and RFC 9449 (DPoP) through the adapter: a push answers 201 and its `request_uri` starts
 * the flow once; a DPoP-bound token shows `cnf.jkt` at introspection and passes the adapter's bearer middleware only
 * with the DPoP scheme and a proof for that request.
 */
export const senderConstraintChecks = (context: () => SuiteContext): void => {
  const { http, tokenProbe } = suiteProbes(context);
  const confidential = () => context().cs.seed.confidential;
  const auth = () => basic(confidential().clientId, confidential().secret);

  describe('pushed authorization requests (RFC 9126)', () => {
    it('a push answers 201 { request_uri, expires_in }; the request_uri starts the pushed request once', async () => {
      const ctx = context();
      const routes = ctx.server.config.routes;
      const pushed = await http({
        method: 'POST',
        path: routes.pushedAuthorization,
        headers: { ...formHeaders, authorization: auth() },
        body: form({ response_type: 'code', redirect_uri: confidential().redirectUri, scope: 'openid read', state: 'pushed', code_challenge: await s256('v'.repeat(43)), code_challenge_method: 'S256' }),
      });
      expect(pushed.status).toBe(201);
      const body = pushed.body as Record<string, unknown>;
      expect(typeof body['request_uri']).toBe('string');
      expect(typeof body['expires_in']).toBe('number');
      const query = form({ client_id: confidential().clientId, request_uri: String(body['request_uri']) });
      const first = await fetch(`${ctx.baseUrl}${routes.authorization}?${query}`, { redirect: 'manual' });
      expect([302, 303]).toContain(first.status);
      expect(first.headers.get('location')).toMatch(/\/interaction\//);
      const second = await fetch(`${ctx.baseUrl}${routes.authorization}?${query}`, { redirect: 'manual' });
      expect(second.status).toBe(400);
      const unauthenticated = await http({ method: 'POST', path: routes.pushedAuthorization, headers: formHeaders, body: form({ client_id: confidential().clientId, response_type: 'code' }) });
      expect(unauthenticated.status).toBe(401);
    });
  });

  describe('DPoP (RFC 9449)', () => {
    it('a proof at the token endpoint binds the token; the bearer middleware takes it only as DPoP with a proof for the request', async () => {
      const ctx = context();
      const { config } = ctx.server;
      const k = await proofKey();
      const issued = await http({
        ...tokenProbe({ grant_type: 'client_credentials', scope: 'read' }, auth()),
        headers: { ...formHeaders, authorization: auth(), dpop: await dpopProof(k, 'POST', `${config.baseUrl}${config.routes.token}`) },
      });
      expect(issued.status).toBe(200);
      const tokens = issued.body as Record<string, unknown>;
      expect(tokens['token_type']).toBe('DPoP');
      const access = String(tokens['access_token']);
      const introspected = await http({ method: 'POST', path: config.routes.introspection, headers: { ...formHeaders, authorization: auth() }, body: form({ token: access }) });
      expect(introspected.body).toMatchObject({ active: true, cnf: { jkt: k.jkt } });
      // The bearer middleware's default DPoP `htu`: the server's baseUrl followed by the request path.
      const htu = `${config.baseUrl}${conformanceProtected.path}`;
      const call = async (authorization: string, dpop?: string) =>
        observeFetch(await fetch(`${ctx.origin}${conformanceProtected.path}`, { headers: { authorization, ...(dpop === undefined ? {} : { dpop }) }, signal: AbortSignal.timeout(15_000) }));
      const accepted = await call(`DPoP ${access}`, await dpopProof(k, 'GET', htu, access));
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ client_id: confidential().clientId, scope: ['read'] });
      const asBearer = await call(`Bearer ${access}`);
      expect(asBearer.status).toBe(401);
      expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP /);
      expect((await call(`DPoP ${access}`, await dpopProof(await proofKey(), 'GET', htu, access))).status).toBe(401);
      expect((await call(`DPoP ${access}`, await dpopProof(k, 'POST', htu, access))).status).toBe(401);
    });
  });
};
