import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { httpRequest } from '../http/http-request.js';
import { base64Encode, utf8Encode } from '../http/encoding.js';
import type { Client } from '../domain/client.js';
import type { FormParams } from '../http/form-urlencoded.js';
import { memoryClients, publicClient, testConfig, testIssuer, testSecrets, webClient } from '../test/fake-ports.js';
import { failing, memoryReplay } from '../test/token-fakes.js';
import { authenticateClient, type ClientAuthPorts } from './authenticate.js';
import { jwtBearerAssertionType, parseBasic } from './credentials.js';

const now = 1_800_000_000;
const config = testConfig();
const tokenUrl = `${testIssuer}/token`;

const basic = (id: string, secret: string) => `Basic ${base64Encode(utf8Encode(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`))}`;

const setup = async () => {
  const ec = await generateKeyPair('ES256', { extractable: true });
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('ES256', { extractable: true });
  const ecJwk = { ...(await exportJWK(ec.publicKey)), kty: 'EC', kid: 'ec1', alg: 'ES256' };
  const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kty: 'RSA', kid: 'rsa1', alg: 'RS256' };
  const clients: Client[] = [
    webClient(),
    webClient({ clientId: 'poster', tokenEndpointAuthMethod: 'client_secret_post' }),
    webClient({ clientId: 'rotating', secretHashes: [{ hash: 'h(old)', expiresAt: now - 1 }, { hash: 'h(new)' }] }),
    webClient({ clientId: 'ütf 8:client', secretHashes: [{ hash: 'h(p@ss:wörd+)' }] }),
    publicClient(),
    webClient({ clientId: 'pkjwt', secretHashes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [ecJwk, rsaJwk] } }),
    webClient({ clientId: 'csjwt', secretHashes: [], tokenEndpointAuthMethod: 'client_secret_jwt' }),
  ];
  const replay = memoryReplay();
  const ports: ClientAuthPorts = {
    clients: memoryClients(clients),
    secrets: testSecrets,
    replay,
    clientSecretJwtKeys: { secretFor: (c) => TE.right(c.clientId === 'csjwt' ? O.some('a-long-shared-secret-for-hmac-0123456789') : O.none) },
  };
  return { ec, rsa, other, ports, replay };
};

const run = (ports: ClientAuthPorts, form: FormParams, authorization?: string, path = '/token') =>
  authenticateClient(form)({
    config,
    ports,
    now,
    request: httpRequest({ method: 'POST', path, headers: authorization === undefined ? {} : { authorization } }),
  })();

const assertion = (key: CryptoKeyLike, claims: Record<string, unknown>, header: { alg: string; kid?: string }) =>
  new SignJWT(claims).setProtectedHeader(header).sign(key as never);
type CryptoKeyLike = unknown;

const claimsFor = (clientId: string, extra: Record<string, unknown> = {}) => ({
  iss: clientId,
  sub: clientId,
  aud: testIssuer,
  exp: now + 60,
  iat: now,
  jti: `jti-${Math.floor(extra['n'] as number ?? 0)}-${clientId}`,
  ...extra,
});

const left = async (p: Promise<E.Either<{ code: string; headers?: Readonly<Record<string, string>> }, unknown>>) => {
  const r = await p;
  if (E.isRight(r)) throw new Error('expected a failure');
  return r.left;
};

describe('client authentication (RFC 6749 §2.3)', () => {
  it('client_secret_basic with form-urlencoded id and secret inside Basic', async () => {
    const { ports } = await setup();
    expect(await run(ports, {}, basic('web', 'secret'))).toEqual(E.right({ client: expect.objectContaining({ clientId: 'web' }), method: 'client_secret_basic' }));
    expect(E.isRight(await run(ports, {}, basic('ütf 8:client', 'p@ss:wörd+')))).toBe(true);
    expect(E.isRight(await run(ports, { client_id: 'web' }, basic('web', 'secret')))).toBe(true);
  });

  it('a wrong Basic secret or unknown client is invalid_client 401 with a Basic challenge', async () => {
    const { ports } = await setup();
    for (const auth of [basic('web', 'nope'), basic('ghost', 'secret')]) {
      const e = await left(run(ports, {}, auth));
      expect(e.code).toBe('invalid_client');
      expect(e.headers?.['www-authenticate']).toMatch(/^Basic realm="https:\/\/as\.example\.test"/);
    }
  });

  it('a broken Authorization header is invalid_client, never a throw', async () => {
    const { ports } = await setup();
    for (const auth of ['Basic', 'Basic !!!', `Basic ${base64Encode(utf8Encode('nocolon'))}`, `Basic ${base64Encode(utf8Encode('a%zz:b'))}`, `Basic ${base64Encode(Uint8Array.from([0xff, 0x3a, 0x61]))}`]) {
      expect((await left(run(ports, {}, auth))).code).toBe('invalid_client');
    }
    expect(parseBasic('Bearer abc', 'r')).toBeUndefined();
  });

  it('client_secret_post; expired secrets do not authenticate, current ones do', async () => {
    const { ports } = await setup();
    expect(await run(ports, { client_id: 'poster', client_secret: 'secret' })).toEqual(E.right(expect.objectContaining({ method: 'client_secret_post' })));
    expect(E.isRight(await run(ports, {}, basic('rotating', 'new')))).toBe(true);
    expect((await left(run(ports, {}, basic('rotating', 'old')))).code).toBe('invalid_client');
  });

  it('a client must use its registered method', async () => {
    const { ports } = await setup();
    const e = await left(run(ports, { client_id: 'web', client_secret: 'secret' }));
    expect(e.code).toBe('invalid_client');
    // RFC 9110 §15.5.2: every 401 carries a challenge, even when the client did not try HTTP authentication.
    expect(e.headers?.['www-authenticate']).toMatch(/^Basic realm=/);
    expect((await left(run(ports, { client_id: 'web' }))).code).toBe('invalid_client');
    expect((await left(run(ports, {}, basic('spa', 'x')))).code).toBe('invalid_client');
  });

  it('none: a public client sends only its client_id', async () => {
    const { ports } = await setup();
    expect(await run(ports, { client_id: 'spa' })).toEqual(E.right(expect.objectContaining({ method: 'none' })));
  });

  it('more than one method is invalid_request; no credentials at all is invalid_client; mismatched client_id is invalid_request', async () => {
    const { ports } = await setup();
    expect((await left(run(ports, { client_id: 'web', client_secret: 'secret' }, basic('web', 'secret')))).code).toBe('invalid_request');
    expect((await left(run(ports, { client_assertion_type: jwtBearerAssertionType, client_assertion: 'x', client_secret: 'y', client_id: 'a' }))).code).toBe('invalid_request');
    expect((await left(run(ports, {}))).code).toBe('invalid_client');
    expect((await left(run(ports, { client_id: 'other' }, basic('web', 'secret')))).code).toBe('invalid_request');
  });

  it('property: any Authorization header and form yield a result, never a throw or rejection', async () => {
    const { ports } = await setup();
    const header = fc.oneof(
      fc.string(),
      fc.string().map((s) => `Basic ${s}`),
      fc.uint8Array({ maxLength: 24 }).map((b) => `Basic ${base64Encode(b)}`),
      fc.constant(undefined),
    );
    const form = fc.dictionary(fc.constantFrom('client_id', 'client_secret', 'client_assertion', 'client_assertion_type'), fc.string({ minLength: 1 }), { maxKeys: 4 });
    await fc.assert(
      fc.asyncProperty(header, form, async (authorization, f) => {
        const r = await run(ports, f, authorization);
        expect(E.isRight(r) || ['invalid_client', 'invalid_request'].includes(r.left.code)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('maps store faults to temporarily_unavailable / server_error', async () => {
    const { ports } = await setup();
    const down = { ...ports, clients: { ...ports.clients, find: failing<O.Option<Client>>(true) } };
    expect((await left(run(down, { client_id: 'spa' }))).code).toBe('temporarily_unavailable');
  });
});

describe('JWT client authentication (RFC 7523 §2.2, OIDC Core §9)', () => {
  const form = (a: string, extra: FormParams = {}): FormParams => ({ client_assertion_type: jwtBearerAssertionType, client_assertion: a, ...extra });

  it('private_key_jwt with ES256 and RS256, kid matching, aud = the issuer identifier only', async () => {
    const { ec, rsa, ports } = await setup();
    const a1 = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 1 }), { alg: 'ES256', kid: 'ec1' });
    expect(await run(ports, form(a1))).toEqual(E.right(expect.objectContaining({ method: 'private_key_jwt' })));
    const a2 = await assertion(rsa.privateKey, claimsFor('pkjwt', { n: 2 }), { alg: 'RS256', kid: 'rsa1' });
    expect(E.isRight(await run(ports, form(a2, { client_id: 'pkjwt' })))).toBe(true);
    const a3 = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 3 }), { alg: 'ES256', kid: 'ec1' });
    expect(E.isRight(await run(ports, form(a3), undefined, '/introspect'))).toBe(true);
    // Endpoint URLs as audience are refused (audience injection: an assertion must name this issuer).
    const a4 = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 31, aud: tokenUrl }), { alg: 'ES256', kid: 'ec1' });
    expect((await left(run(ports, form(a4)))).code).toBe('invalid_client');
    const a5 = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 32, aud: `${testIssuer}/introspect` }), { alg: 'ES256', kid: 'ec1' });
    expect((await left(run(ports, form(a5), undefined, '/introspect'))).code).toBe('invalid_client');
  });

  it('refuses a replayed jti, remembering client_id:jti until exp', async () => {
    const { ec, ports, replay } = await setup();
    const a = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 4 }), { alg: 'ES256', kid: 'ec1' });
    expect(E.isRight(await run(ports, form(a)))).toBe(true);
    expect([...replay.all.keys()]).toEqual(['pkjwt:jti-4-pkjwt']);
    expect((await left(run(ports, form(a)))).code).toBe('invalid_client');
  });

  it.each([
    ['a foreign key', { n: 5 }, 'other'],
    ['a wrong audience', { n: 6, aud: 'https://elsewhere.test/token' }, 'ec'],
    ['no exp', { n: 7, exp: undefined }, 'ec'],
    ['no jti', { n: 8, jti: undefined }, 'ec'],
    ['an expired exp', { n: 9, exp: now - 120 }, 'ec'],
    ['a too long lifetime', { n: 10, exp: now + 3600 }, 'ec'],
    ['iss different from sub', { n: 11, sub: 'web' }, 'ec'],
    ['an iat in the future', { n: 12, iat: now + 100, exp: now + 200 }, 'ec'],
  ] as const)('refuses an assertion with %s', async (_, extra, signer) => {
    const keys = await setup();
    const claims = Object.fromEntries(Object.entries(claimsFor('pkjwt', extra)).filter(([, v]) => v !== undefined));
    const a = await assertion(signer === 'ec' ? keys.ec.privateKey : keys.other.privateKey, claims, { alg: 'ES256', kid: 'ec1' });
    expect((await left(run(keys.ports, form(a)))).code).toBe('invalid_client');
  });

  it('refuses malformed assertions, a wrong assertion type and a client_id mismatch', async () => {
    const { ec, ports } = await setup();
    expect((await left(run(ports, form('not.a.jwt')))).code).toBe('invalid_client');
    expect((await left(run(ports, { client_assertion_type: 'urn:other', client_assertion: 'x' }))).code).toBe('invalid_client');
    expect((await left(run(ports, { client_assertion: 'x' }))).code).toBe('invalid_request');
    const a = await assertion(ec.privateKey, claimsFor('pkjwt', { n: 12 }), { alg: 'ES256', kid: 'ec1' });
    expect((await left(run(ports, form(a, { client_id: 'web' })))).code).toBe('invalid_client');
  });

  it('refuses an assertion from a client registered for another method', async () => {
    const { ec, ports } = await setup();
    const a = await assertion(ec.privateKey, claimsFor('web', { n: 13 }), { alg: 'ES256', kid: 'ec1' });
    expect((await left(run(ports, form(a)))).code).toBe('invalid_client');
  });

  it('client_secret_jwt works only through the clientSecretJwtKeys port', async () => {
    const { ports } = await setup();
    const secret = utf8Encode('a-long-shared-secret-for-hmac-0123456789');
    const a = await assertion(secret, claimsFor('csjwt', { n: 14 }), { alg: 'HS256' });
    expect(await run(ports, form(a))).toEqual(E.right(expect.objectContaining({ method: 'client_secret_jwt' })));
    const { clientSecretJwtKeys: _omit, ...withoutPort } = ports;
    const b = await assertion(secret, claimsFor('csjwt', { n: 15 }), { alg: 'HS256' });
    expect((await left(run(withoutPort, form(b)))).code).toBe('invalid_client');
  });
});

describe('client authentication throttle (RFC 6749 §2.3.1 brute-force protection)', () => {
  /** A counter per client id with `limit` attempts; `verified` counts secret comparisons. */
  const counting = (limit: number) => {
    const counts = new Map<string, number>();
    const calls = { attempts: 0, succeeded: 0 };
    return {
      calls,
      throttle: {
        attempt: (clientId: string) =>
          TE.fromIO(() => {
            calls.attempts += 1;
            const n = (counts.get(clientId) ?? 0) + 1;
            counts.set(clientId, n);
            return n <= limit ? ({ _tag: 'Allowed' } as const) : ({ _tag: 'Refused', retryAfterSeconds: 42.2 } as const);
          }),
        succeeded: (clientId: string) =>
          TE.fromIO(() => {
            calls.succeeded += 1;
            counts.set(clientId, (counts.get(clientId) ?? 1) - 1);
          }),
      },
    };
  };

  it('counts before checking: of 20 parallel wrong secrets only the first 5 are compared, the rest get 429 with Retry-After', async () => {
    const { ports } = await setup();
    let compared = 0;
    const { throttle, calls } = counting(5);
    const throttled: ClientAuthPorts = { ...ports, secrets: { ...ports.secrets, verify: (s, h) => (compared++, ports.secrets.verify(s, h)) }, clientAuthThrottle: throttle };
    const results = await Promise.all(Array.from({ length: 20 }, () => run(throttled, { grant_type: 'client_credentials' }, basic('web', 'wrong'))));
    expect(calls.attempts).toBe(20);
    expect(compared).toBe(5);
    const refused = results.filter((r) => E.isLeft(r) && r.left.code === 'too_many_requests');
    expect(refused).toHaveLength(15);
    const first = refused[0];
    expect(first !== undefined && E.isLeft(first) ? first.left.headers?.['retry-after'] : undefined).toBe('43');
    // refused before the credentials were looked at: even the right secret waits
    expect(E.isLeft(await run(throttled, { grant_type: 'client_credentials' }, basic('web', 'secret')))).toBe(true);
  });

  it('a success is given back, so only failures accumulate; public clients (none) are not counted', async () => {
    const { ports } = await setup();
    const { throttle, calls } = counting(2);
    const throttled: ClientAuthPorts = { ...ports, clientAuthThrottle: throttle };
    for (let i = 0; i < 5; i++) expect(E.isRight(await run(throttled, { grant_type: 'client_credentials' }, basic('web', 'secret')))).toBe(true);
    expect(calls.succeeded).toBe(5);
    expect(E.isRight(await run(throttled, { client_id: 'spa' }))).toBe(true);
    expect(calls.attempts).toBe(5);
  });
});
