import { describe, expect, it } from 'vitest';
import { basic, form, formHeaders, isRfcErrorBody } from './http.js';
import { expectTokens, suiteProbes, type SuiteContext } from './context.js';

const deviceGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The device authorization grant through the adapter (RFC 8628): a device code approved through
 * `server.device.approve` gets tokens on the next poll, once (RFC 8628 §3.5). The tokens are checked through the
 * adapter's bearer middleware.
 */
export const deviceGrantChecks = (context: () => SuiteContext): void => {
  const { http, tokenProbe, protectedView } = suiteProbes(context);

  describe('device authorization grant (RFC 8628)', () => {
    it('approved through server.device.approve, the next poll gets tokens once (RFC 8628 §3.5)', async () => {
      const ctx = context();
      const auth = basic(ctx.cs.seed.confidential.clientId, ctx.cs.seed.confidential.secret);
      const started = await http({ method: 'POST', path: ctx.server.config.routes.deviceAuthorization, headers: { ...formHeaders, authorization: auth }, body: form({ scope: 'read' }) });
      expect(started.status).toBe(200);
      const { device_code: deviceCode, user_code: userCode } = started.body as Record<string, unknown>;
      const approved = await ctx.server.device.approve(String(userCode), { subject: ctx.cs.seed.subject, scope: ['read'], authTime: Math.floor(Date.now() / 1000) });
      expect(approved._tag).toBe('Done');
      const tokens = expectTokens(await http(tokenProbe({ grant_type: deviceGrantType, device_code: String(deviceCode) }, auth)));
      expect((await protectedView(tokens['access_token'])).body).toEqual({ client_id: ctx.cs.seed.confidential.clientId, subject: ctx.cs.seed.subject, scope: ['read'] });
      const again = await http(tokenProbe({ grant_type: deviceGrantType, device_code: String(deviceCode) }, auth));
      expect(again.status).toBe(400);
      expect(isRfcErrorBody(again.body)).toBe(true);
    });
  });
};
