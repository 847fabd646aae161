import { describe, expect, it } from 'vitest';
import { conformanceProtected } from './fixture.js';
import { basic, form, formHeaders, isRfcErrorBody, observeCore, observeFetch, probeRequest, sendProbe, type Observed, type Probe } from './http.js';
import { assertionClaims, signJws } from './jws.js';
import type { ConformanceCheck, SuiteContext } from './suite.js';

const deviceGrantType = 'urn:ietf:params:oauth:grant-type:device_code';
const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const expectError = (o: Observed, status: number, code: string) => {
  expect({ status: o.status, error: (o.body as { error?: unknown }).error }).toEqual({ status, error: code });
  expect(isRfcErrorBody(o.body)).toBe(true);
};

/** RFC 6749 §5.1: a successful token response is not cached. */
const expectTokens = (o: Observed): Record<string, unknown> => {
  expect(o.status, JSON.stringify(o.body)).toBe(200);
  expect(o.headers['cache-control']).toBe('no-store');
  const body = o.body as Record<string, unknown>;
  expect(typeof body['access_token']).toBe('string');
  expect(String(body['token_type']).toLowerCase()).toBe('bearer');
  return body;
};

/**
 * The "more grants" checks of the HTTP conformance suite, through the adapter: device flow to tokens (RFC 8628),
 * JWT bearer grant (RFC 7523 §2.1), token exchange (RFC 8693), password grant (RFC 6749 §4.3), and the JWT client
 * authentication methods `private_key_jwt` and `client_secret_jwt` (RFC 7523 §2.2, OIDC Core §9). Issued tokens are
 * checked through the adapter's bearer middleware, which reports their client, subject and scope.
 */
export const moreGrantsChecks = (context: () => SuiteContext, skipped: ReadonlySet<ConformanceCheck> = new Set()): void => {
  const http = async (p: Probe) => observeFetch(await sendProbe(context().baseUrl, p));
  const same = async (p: Probe): Promise<Observed> => {
    const viaHttp = await http(p);
    expect(viaHttp).toEqual(observeCore(await context().server.handle(probeRequest(p))));
    return viaHttp;
  };
  const token = (params: Readonly<Record<string, string>>, auth?: string): Probe => ({
    method: 'POST',
    path: context().server.config.routes.token,
    headers: { ...formHeaders, ...(auth === undefined ? {} : { authorization: auth }) },
    body: form(params),
  });
  const more = () => context().cs.seed.more;
  const issuer = () => context().server.config.issuer;
  const protectedView = async (accessToken: unknown) =>
    observeFetch(await fetch(`${context().origin}${conformanceProtected.path}`, { headers: { authorization: `Bearer ${String(accessToken)}` }, signal: AbortSignal.timeout(15_000) }));
  const jwtKey = () => ({ alg: 'ES256' as const, privateJwk: more().jwtClient.privateJwk, kid: more().jwtClient.kid });
  /** RFC 7523 §2.2: `private_key_jwt` parameters for the JWT client (fresh `jti`, `aud` = issuer). */
  const privateKeyJwt = async () => {
    const id = more().jwtClient.clientId;
    return { client_id: id, client_assertion_type: clientAssertionType, client_assertion: await signJws(assertionClaims(id, id, issuer()), jwtKey()) };
  };
  const hmacJwt = async (secret: string) => {
    const id = more().hmacClient.clientId;
    return { client_assertion_type: clientAssertionType, client_assertion: await signJws(assertionClaims(id, id, issuer()), { alg: 'HS256', secret }) };
  };

  describe('more grants', () => {
    it.skipIf(skipped.has('device'))('device flow: approved through server.device.approve, the next poll gets tokens once (RFC 8628 §3.5)', async () => {
      const ctx = context();
      const auth = basic(ctx.cs.seed.confidential.clientId, ctx.cs.seed.confidential.secret);
      const started = await http({ method: 'POST', path: ctx.server.config.routes.deviceAuthorization, headers: { ...formHeaders, authorization: auth }, body: form({ scope: 'read' }) });
      expect(started.status).toBe(200);
      const { device_code: deviceCode, user_code: userCode } = started.body as Record<string, unknown>;
      const approved = await ctx.server.device.approve(String(userCode), { subject: ctx.cs.seed.subject, scope: ['read'], authTime: Math.floor(Date.now() / 1000) });
      expect(approved._tag).toBe('Done');
      const tokens = expectTokens(await http(token({ grant_type: deviceGrantType, device_code: String(deviceCode) }, auth)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: ctx.cs.seed.confidential.clientId, subject: ctx.cs.seed.subject, scope: ['read'] });
      const again = await http(token({ grant_type: deviceGrantType, device_code: String(deviceCode) }, auth));
      expect(again.status).toBe(400);
      expect(isRfcErrorBody(again.body)).toBe(true);
    });

    it.skipIf(skipped.has('private_key_jwt'))('private_key_jwt (ES256): client_credentials with a signed assertion; the same assertion twice is invalid_client', async () => {
      const params = { grant_type: 'client_credentials', scope: 'read', ...(await privateKeyJwt()) };
      const tokens = expectTokens(await http(token(params)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: more().jwtClient.clientId, subject: null, scope: ['read'] });
      const replayed = await same(token(params));
      expectError(replayed, 401, 'invalid_client');
      expect(replayed.headers['www-authenticate']).toMatch(/^Basic/);
    });

    it.skipIf(skipped.has('client_secret_jwt'))('client_secret_jwt (HS256 with the stored secret): accepted; a wrong secret is invalid_client', async () => {
      const tokens = expectTokens(await http(token({ grant_type: 'client_credentials', scope: 'read', ...(await hmacJwt(more().hmacClient.secret)) })));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: more().hmacClient.clientId, subject: null, scope: ['read'] });
      expectError(await same(token({ grant_type: 'client_credentials', ...(await hmacJwt(`${more().hmacClient.secret}-wrong`)) })), 401, 'invalid_client');
    });

    it.skipIf(skipped.has('jwt_bearer'))('JWT bearer grant (RFC 7523 §2.1): an ES256 assertion for a user gives an access token without refresh token, once', async () => {
      const ctx = context();
      const id = more().jwtClient.clientId;
      const assertion = await signJws(assertionClaims(id, ctx.cs.seed.subject, issuer()), jwtKey());
      const tokens = expectTokens(await http(token({ grant_type: jwtBearerGrantType, assertion, scope: 'read', ...(await privateKeyJwt()) })));
      expect(tokens['refresh_token']).toBeUndefined();
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: id, subject: ctx.cs.seed.subject, scope: ['read'] });
      expectError(await http(token({ grant_type: jwtBearerGrantType, assertion, scope: 'read', ...(await privateKeyJwt()) })), 400, 'invalid_grant');
    });

    it.skipIf(skipped.has('token_exchange'))('token exchange (RFC 8693): a client_credentials token exchanged for a narrower one; widening is refused', async () => {
      const { clientId, secret } = more().exchangeClient;
      const auth = basic(clientId, secret);
      const subjectToken = expectTokens(await http(token({ grant_type: 'client_credentials', scope: 'read write' }, auth)))['access_token'];
      const exchange = (scope: string, subject: string) =>
        token({ grant_type: tokenExchangeGrantType, subject_token: subject, subject_token_type: accessTokenType, scope }, auth);
      const exchanged = expectTokens(await http(exchange('read', String(subjectToken))));
      expect(exchanged['issued_token_type']).toBe(accessTokenType);
      expect((await protectedView(exchanged['access_token'])).body).toEqual({ client_id: clientId, subject: null, scope: ['read'] });
      const widened = await same(exchange('read write', String(exchanged['access_token'])));
      expect(widened.status).toBe(400);
      expect(isRfcErrorBody(widened.body)).toBe(true);
      expectError(await same(exchange('read', 'no-such-token')), 400, 'invalid_request');
    });

    it.skipIf(skipped.has('password'))('password grant (legacy): the user gets tokens, case-insensitive username; a wrong password is invalid_grant', async () => {
      const { clientId, secret } = more().passwordClient;
      const { username, password, subject } = more().user;
      const auth = basic(clientId, secret);
      const tokens = expectTokens(await http(token({ grant_type: 'password', username: username.toUpperCase(), password, scope: 'read' }, auth)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: clientId, subject, scope: ['read'] });
      expectError(await http(token({ grant_type: 'password', username, password: `${password}!`, scope: 'read' }, auth)), 400, 'invalid_grant');
      // a client without the password grant
      const ctx = context();
      expectError(await same(token({ grant_type: 'password', username, password }, basic(ctx.cs.seed.confidential.clientId, ctx.cs.seed.confidential.secret))), 400, 'unauthorized_client');
    });
  });
};
