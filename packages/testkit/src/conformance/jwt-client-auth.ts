import { describe, expect, it } from 'vitest';
import { assertionClaims, signJws, type JwsKey } from './jws.js';
import { expectError, expectTokens, suiteProbes, type SuiteContext } from './context.js';

const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The ES256 key of the conformance `private_key_jwt` client. */
export const jwtClientKey = (ctx: SuiteContext): JwsKey => {
  const { privateJwk, kid } = ctx.cs.seed.grants.jwtClient;
  return { alg: 'ES256', privateJwk, kid };
};

/** RFC 7523 §2.2: `private_key_jwt` parameters for the conformance JWT client (fresh `jti`, `aud` = issuer). */
export const privateKeyJwtParams = async (ctx: SuiteContext): Promise<Record<string, string>> => {
  const id = ctx.cs.seed.grants.jwtClient.clientId;
  return { client_id: id, client_assertion_type: clientAssertionType, client_assertion: await signJws(assertionClaims(id, id, ctx.server.config.issuer), jwtClientKey(ctx)) };
};

/**
 * The JWT client authentication methods through the adapter (RFC 7523 §2.2, OIDC Core §9): `private_key_jwt` and
 * `client_secret_jwt`, each used for `client_credentials`; a replayed assertion or a wrong HMAC secret is
 * `invalid_client`.
 */
export const jwtClientAuthChecks = (context: () => SuiteContext): void => {
  const { http, same, tokenProbe, protectedView } = suiteProbes(context);
  const hmacJwt = async (secret: string) => {
    const ctx = context();
    const id = ctx.cs.seed.grants.hmacClient.clientId;
    return { client_assertion_type: clientAssertionType, client_assertion: await signJws(assertionClaims(id, id, ctx.server.config.issuer), { alg: 'HS256', secret }) };
  };

  describe('JWT client authentication (RFC 7523 §2.2)', () => {
    it('private_key_jwt (ES256): client_credentials with a signed assertion; the same assertion twice is invalid_client', async () => {
      const { jwtClient } = context().cs.seed.grants;
      const params = { grant_type: 'client_credentials', scope: 'read', ...(await privateKeyJwtParams(context())) };
      const tokens = expectTokens(await http(tokenProbe(params)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: jwtClient.clientId, subject: null, scope: ['read'] });
      const replayed = await same(tokenProbe(params));
      expectError(replayed, 401, 'invalid_client');
      expect(replayed.headers['www-authenticate']).toMatch(/^Basic/);
    });

    it('client_secret_jwt (HS256 with the stored secret): accepted; a wrong secret is invalid_client', async () => {
      const { hmacClient } = context().cs.seed.grants;
      const tokens = expectTokens(await http(tokenProbe({ grant_type: 'client_credentials', scope: 'read', ...(await hmacJwt(hmacClient.secret)) })));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: hmacClient.clientId, subject: null, scope: ['read'] });
      expectError(await same(tokenProbe({ grant_type: 'client_credentials', ...(await hmacJwt(`${hmacClient.secret}-wrong`)) })), 401, 'invalid_client');
    });
  });
};
