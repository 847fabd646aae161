/**
 * RFC 8707 through `createAuthorizationServer` (the real token and device authorization endpoints), over generated
 * resource configurations: a token never carries an audience that was not both requested and permitted (registered
 * in the configuration, and for the device grant also named by the device authorization request).
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { HttpResponse } from '../http/http-response.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, publicClient, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { formEncode, utf8 } from '../test/http-helpers.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const universe = ['https://a.example.test/', 'https://b.example.test/api', 'urn:example:c', 'https://d.example.test/x?y=1', 'https://e.example.test/#frag', 'not a uri'];

const setup = (registered: readonly string[]) => {
  const clock = testClock(1_800_000_000);
  const ports = {
    clock,
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    clients: memoryClients([
      webClient({ clientId: 'm2m', secretHashes: [{ hash: testSecrets.hash('secret') }], grantTypes: ['client_credentials'], scope: ['api'] }),
      publicClient({ clientId: 'tv', redirectUris: [], grantTypes: [deviceGrant], responseTypes: [], scope: ['api'] }),
    ]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
  };
  const server = createAuthorizationServer(
    { issuer: 'https://as.example.test', grantTypes: ['client_credentials', deviceGrant], scopesSupported: ['api'], resources: registered.map((identifier) => ({ identifier, scopes: [] })) },
    ports,
  );
  const post = (path: string, form: Record<string, string | readonly string[]>, headers: Record<string, string> = {}) =>
    server.handle(httpRequest({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: utf8(formEncode(form)) }));
  return { server, ports, clock, post };
};

const bodyOf = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const audiences = (ports: ReturnType<typeof setup>['ports']): string[] => [...ports.accessTokens.all.values()].flatMap((r) => [...(r.audience ?? [])]);
const wellFormed = universe.slice(0, 4);

describe('property: a token never carries an audience that was not both requested and permitted (real endpoints)', () => {
  it('client_credentials at the token endpoint, over generated resource configurations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(wellFormed), fc.option(fc.constantFrom(...universe), { nil: undefined }), async (registered, requested) => {
        const { ports, post } = setup(registered);
        const r = await post('/token', { grant_type: 'client_credentials', ...(requested === undefined ? {} : { resource: requested }) }, { authorization: `Basic ${base64Encode(utf8Encode('m2m:secret'))}` });
        for (const aud of audiences(ports)) {
          expect(aud).toBe(requested);
          expect(registered).toContain(aud);
        }
        if (requested !== undefined && !registered.includes(requested)) expect(bodyOf(r)['error']).toBe('invalid_target');
        if (requested !== undefined && registered.includes(requested)) expect(r.status).toBe(200);
      }),
      { numRuns: 80 },
    );
  });

  it('device authorization with several resources, then the device_code token request (optionally naming one)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray(wellFormed),
        fc.array(fc.constantFrom(...universe), { maxLength: 3 }),
        fc.option(fc.constantFrom(...universe), { nil: undefined }),
        async (registered, atDevice, atToken) => {
          const { server, ports, clock, post } = setup(registered);
          const started = await post('/device_authorization', { client_id: 'tv', scope: 'api', ...(atDevice.length === 0 ? {} : { resource: atDevice }) });
          if (!atDevice.every((r) => registered.includes(r))) {
            expect(bodyOf(started)['error']).toBe('invalid_target');
            return;
          }
          expect(started.status).toBe(200);
          const { device_code: deviceCode, user_code: userCode } = bodyOf(started) as { device_code: string; user_code: string };
          await server.device.approve(userCode, { subject: 'alice', scope: ['api'], authTime: clock.now() });
          const tokens = await post('/token', { grant_type: deviceGrant, device_code: deviceCode, client_id: 'tv', ...(atToken === undefined ? {} : { resource: atToken }) });
          const granted = [...new Set(atDevice)];
          for (const aud of audiences(ports)) {
            expect(registered).toContain(aud);
            expect(granted).toContain(aud);
            if (atToken !== undefined) expect(aud).toBe(atToken);
          }
          if (atToken === undefined) {
            expect(tokens.status).toBe(200);
            expect(audiences(ports).sort()).toEqual(granted.length === 0 ? [] : [...granted].sort());
          } else if (!granted.includes(atToken)) {
            expect(bodyOf(tokens)['error']).toBe('invalid_target');
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});
