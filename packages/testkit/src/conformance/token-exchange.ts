import { describe, expect, it } from 'vitest';
import { basic, isRfcErrorBody } from './http.js';
import { expectError, expectTokens, suiteProbes, type SuiteContext } from './context.js';

const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** Token exchange through the adapter (RFC 8693 §2): narrowing an access token works, widening and unknown tokens do not. */
export const tokenExchangeChecks = (context: () => SuiteContext): void => {
  const { http, same, tokenProbe, protectedView } = suiteProbes(context);

  describe('token exchange (RFC 8693)', () => {
    it('a client_credentials token exchanged for a narrower one; widening is refused', async () => {
      const { clientId, secret } = context().cs.seed.grants.exchangeClient;
      const auth = basic(clientId, secret);
      const subjectToken = expectTokens(await http(tokenProbe({ grant_type: 'client_credentials', scope: 'read write' }, auth)))['access_token'];
      const exchange = (scope: string, subject: string) =>
        tokenProbe({ grant_type: tokenExchangeGrantType, subject_token: subject, subject_token_type: accessTokenType, scope }, auth);
      const exchanged = expectTokens(await http(exchange('read', String(subjectToken))));
      expect(exchanged['issued_token_type']).toBe(accessTokenType);
      expect((await protectedView(exchanged['access_token'])).body).toEqual({ client_id: clientId, subject: null, scope: ['read'] });
      const widened = await same(exchange('read write', String(exchanged['access_token'])));
      expect(widened.status).toBe(400);
      expect(isRfcErrorBody(widened.body)).toBe(true);
      expectError(await same(exchange('read', 'no-such-token')), 400, 'invalid_request');
    });
  });
};
