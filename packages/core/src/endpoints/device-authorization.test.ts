import { describe, expect, it } from 'vitest';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { oauthError } from '../errors/oauth-error.js';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import type { Client } from '../domain/client.js';
import { normalizeUserCode } from '../grants/device-code/user-code.js';
import { memoryReplay } from '../test/token-fakes.js';
import { memoryClients, memoryDeviceCodes, publicClient, testClock, testConfig, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { formEncode, utf8 } from '../test/http-helpers.js';
import { deviceAuthorizationRoute, handleDeviceAuthorization, type AuthenticateClient } from './device-authorization.js';
import { routeTable } from './route-table.js';
import { deviceCodeGrantType } from '../grants/device-code/handler.js';

const tv = publicClient({ clientId: 'tv', redirectUris: [], grantTypes: [deviceCodeGrantType, 'refresh_token'], responseTypes: [], scope: ['openid', 'profile'] });
const clients: Readonly<Record<string, Client>> = { tv, web: webClient() };

/** A stand-in for client authentication: `client_id` names the client; `authorization: Basic bad` fails with 401. */
const authenticate: AuthenticateClient = (req, form) => {
  if (req.headers['authorization'] !== undefined) return TE.left(oauthError('invalid_client', 'Client authentication failed.', { headers: { 'www-authenticate': 'Basic realm="test"' } }));
  const client = clients[form['client_id'] ?? ''];
  return client === undefined ? TE.left(oauthError('invalid_client', 'Client authentication failed.')) : TE.right({ client, method: 'none' });
};

const setup = () => {
  const ports = { clients: memoryClients(Object.values(clients)), replay: memoryReplay(), deviceCodes: memoryDeviceCodes(), clock: testClock(), random: testRandom(), secrets: testSecrets, logger: testLogger() };
  const config = testConfig({ grantTypes: [deviceCodeGrantType] });
  const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    handleDeviceAuthorization(config, ports, authenticate)(
      httpRequest({ method: 'POST', path: '/device_authorization', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }),
    );
  return { ports, config, post };
};

describe('device authorization endpoint (RFC 8628 §3.1–3.2)', () => {
  it('answers the codes, where to enter them, lifetime and interval, not cacheable, storing only hashes', async () => {
    const { post, ports } = setup();
    const r = await post({ client_id: 'tv', scope: 'openid profile' });
    expect(r).toMatchObject({ _tag: 'Json', status: 200, headers: { 'cache-control': 'no-store' } });
    if (r._tag !== 'Json') return;
    const body = r.body as Record<string, unknown>;
    expect(body).toMatchObject({ verification_uri: 'https://as.example.test/device', expires_in: 600, interval: 5 });
    expect(body['user_code']).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(body['verification_uri_complete']).toBe(`https://as.example.test/device?user_code=${String(body['user_code'])}`);
    const deviceCode = String(body['device_code']);
    const stored = ports.deviceCodes.all.get(testSecrets.hash(deviceCode));
    expect(stored).toMatchObject({
      clientId: 'tv',
      scope: ['openid', 'profile'],
      status: 'pending',
      interval: 5,
      userCodeHash: testSecrets.hash(normalizeUserCode(String(body['user_code']))),
    });
    expect(stored!.expiresAt - stored!.issuedAt).toBe(600);
    expect(Object.values(stored!)).not.toContain(deviceCode);
    expect(Object.values(stored!)).not.toContain(body['user_code']);
  });

  it.each([
    ['a client without the device grant', { client_id: 'web' }, 400, 'unauthorized_client'],
    ['a scope beyond the client', { client_id: 'tv', scope: 'openid email' }, 400, 'invalid_scope'],
    ['a malformed scope', { client_id: 'tv', scope: 'a"b' }, 400, 'invalid_scope'],
    ['an unknown client', { client_id: 'nobody' }, 401, 'invalid_client'],
  ])('refuses %s', async (_name, form, status, error) => {
    const { post, ports } = setup();
    const r = await post(form);
    expect(r).toMatchObject({ _tag: 'Json', status, body: { error } });
    expect(ports.deviceCodes.all.size).toBe(0);
  });

  it('keeps WWW-Authenticate when HTTP authentication failed', async () => {
    const { post } = setup();
    expect(await post({ client_id: 'tv' }, { authorization: 'Basic bad' })).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Basic realm="test"' } });
  });

  it('takes form bodies only, POST only', async () => {
    const { ports, config } = setup();
    const { handle } = routeTable(ports.logger, [deviceAuthorizationRoute({ ...ports, config, authenticate })]);
    const path = config.routes.deviceAuthorization;
    expect(await handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: utf8('{"client_id":"tv"}') }))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8('client_id=tv&client_id=tv') }))).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    expect(await handle(httpRequest({ method: 'GET', path }))).toMatchObject({ status: 405, headers: { allow: 'POST' } });
  });

  it('authenticates with the token endpoint client authentication by default', async () => {
    const { ports, config } = setup();
    ports.clients.all.set('box', webClient({ clientId: 'box', secretHashes: [{ hash: testSecrets.hash('s3cret') }], grantTypes: [deviceCodeGrantType] }));
    const handle = handleDeviceAuthorization(config, ports);
    const req = (form: string, headers: Record<string, string> = {}) =>
      httpRequest({ method: 'POST', path: '/d', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(form) });
    expect(await handle(req('client_id=tv&scope=openid'))).toMatchObject({ status: 200 });
    expect(await handle(req('client_id=box&client_secret=s3cret'))).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await handle(req('scope=openid', { authorization: 'Basic Ym94OnMzY3JldA==' }))).toMatchObject({ status: 200 });
    const wrong = await handle(req('scope=openid', { authorization: 'Basic Ym94Ondyb25n' }));
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('reports a store failure as temporarily_unavailable', async () => {
    const { ports, config } = setup();
    const broken = { ...ports, deviceCodes: { ...ports.deviceCodes, save: () => TE.left(storeError('down', { transient: true })) } };
    const r = await handleDeviceAuthorization(config, broken, authenticate)(
      httpRequest({ method: 'POST', path: '/d', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: utf8('client_id=tv') }),
    );
    expect(r).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
  });
});
