import { describe, expect, it } from 'vitest';
import { assertionClaims, signJws } from './jws.js';
import { expectError, expectTokens, suiteProbes, type SuiteContext } from './context.js';
import { jwtClientKey, privateKeyJwtParams } from './jwt-client-auth.js';

const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The JWT bearer authorization grant through the adapter (RFC 7523 §2.1): an ES256 assertion for a user gives an
 * access token without refresh token, and the same assertion is refused the second time.
 */
export const jwtBearerGrantChecks = (context: () => SuiteContext): void => {
  const { http, tokenProbe, protectedView } = suiteProbes(context);

  describe('JWT bearer grant (RFC 7523 §2.1)', () => {
    it('an ES256 assertion for a user gives an access token without refresh token, once', async () => {
      const ctx = context();
      const id = ctx.cs.seed.grants.jwtClient.clientId;
      const assertion = await signJws(assertionClaims(id, ctx.cs.seed.subject, ctx.server.config.issuer), jwtClientKey(ctx));
      const tokens = expectTokens(await http(tokenProbe({ grant_type: jwtBearerGrantType, assertion, scope: 'read', ...(await privateKeyJwtParams(ctx)) })));
      expect(tokens['refresh_token']).toBeUndefined();
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: id, subject: ctx.cs.seed.subject, scope: ['read'] });
      expectError(await http(tokenProbe({ grant_type: jwtBearerGrantType, assertion, scope: 'read', ...(await privateKeyJwtParams(ctx)) })), 400, 'invalid_grant');
    });
  });
};
