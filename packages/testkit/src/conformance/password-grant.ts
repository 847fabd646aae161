import { describe, expect, it } from 'vitest';
import { basic } from './http.js';
import { expectError, expectTokens, suiteProbes, type SuiteContext } from './context.js';

/**
 * The resource owner password credentials grant through the adapter (RFC 6749 §4.3, legacy): the user gets tokens,
 * the username is matched case-insensitively; a wrong password is `invalid_grant`, a client without the grant
 * `unauthorized_client`.
 */
export const passwordGrantChecks = (context: () => SuiteContext): void => {
  const { http, same, tokenProbe, protectedView } = suiteProbes(context);

  describe('password grant (RFC 6749 §4.3)', () => {
    it('the user gets tokens, case-insensitive username; a wrong password is invalid_grant', async () => {
      const ctx = context();
      const { passwordClient, user } = ctx.cs.seed.grants;
      const auth = basic(passwordClient.clientId, passwordClient.secret);
      const tokens = expectTokens(await http(tokenProbe({ grant_type: 'password', username: user.username.toUpperCase(), password: user.password, scope: 'read' }, auth)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: passwordClient.clientId, subject: user.subject, scope: ['read'] });
      expectError(await http(tokenProbe({ grant_type: 'password', username: user.username, password: `${user.password}!`, scope: 'read' }, auth)), 400, 'invalid_grant');
      // a client without the password grant
      const confidential = basic(ctx.cs.seed.confidential.clientId, ctx.cs.seed.confidential.secret);
      expectError(await same(tokenProbe({ grant_type: 'password', username: user.username, password: user.password }, confidential)), 400, 'unauthorized_client');
    });
  });
};
