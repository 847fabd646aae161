import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { httpRequest } from '../http/http-request.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { formEncode, utf8 } from '../test/http-helpers.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { createAuthorizationServer } from './create-authorization-server.js';

const server = createAuthorizationServer(
  { issuer: 'https://as.example.test' },
  {
    clock: testClock(),
    random: testRandom(),
    secrets: testSecrets,
    logger: testLogger(),
    clients: memoryClients([webClient()]),
    accessTokens: memoryAccessTokens(),
    refreshTokens: memoryRefreshTokens(),
    authorizationCodes: memoryAuthorizationCodes(),
    replay: memoryReplay(),
    interactions: memoryInteractions(),
    consents: memoryConsents(),
    deviceCodes: memoryDeviceCodes(),
    keys: memoryKeyStore(),
    claims: { claims: () => TE.right(O.none) },
  },
);

const paths = ['/jwks', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/userinfo', '/introspect', '/revoke'];
const tokenish = fc.oneof(fc.string(), fc.constant('a.b.c'), fc.constant('eyJhbGciOiJub25lIn0.e30.'), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{1,40}\.[A-Za-z0-9_-]{0,40}$/));
const authorization = fc.oneof(
  fc.constant(undefined),
  tokenish.map((t) => `Bearer ${t}`),
  fc.string().map((s) => `Basic ${s}`),
  fc.constant('Basic d2ViOnNlY3JldA=='),
  fc.string(),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 64 }),
  fc.dictionary(fc.constantFrom('token', 'token_type_hint', 'access_token', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type', 'x'), tokenish).map((d) => utf8(formEncode(d))),
  fc.string().map(utf8),
);
const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'get'),
  path: fc.constantFrom(...paths),
  authorization,
  contentType: fc.constantFrom(undefined, 'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-8', ''),
  body,
  query: fc.oneof(fc.constant(''), fc.string(), tokenish.map((t) => `access_token=${encodeURIComponent(t)}`)),
});

describe('robustness: any request to the signing side yields an RFC-shaped answer, never a 5xx', () => {
  it('routes and bearer', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const req = httpRequest({
          method: r.method,
          path: r.path,
          query: r.query,
          headers: { ...(r.authorization === undefined ? {} : { authorization: r.authorization }), ...(r.contentType === undefined ? {} : { 'content-type': r.contentType }) },
          body: r.body,
        });
        const response = await server.handle(req);
        expect(response.status).toBeLessThan(500);
        const bearer = await server.bearer(req, { allowQuery: true });
        if (bearer._tag === 'Rejected') expect([400, 401, 403]).toContain(bearer.response.status);
      }),
      { numRuns: 300 },
    );
  });
});
