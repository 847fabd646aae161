/** Declarative claims mapping, alone and through the userinfo endpoint (scopes profile, email, address, phone). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { storeError } from '../errors/store-error.js';
import { httpRequest } from '../http/http-request.js';
import { createAuthorizationServer } from '../server/create-authorization-server.js';
import { memoryAuthorizationCodes, memoryClients, memoryConsents, memoryDeviceCodes, memoryInteractions, testClock, testLogger, testRandom, testSecrets, webClient } from '../test/fake-ports.js';
import { memoryAccessTokens, memoryRefreshTokens, memoryReplay } from '../test/token-fakes.js';
import { claimsMapping, mapClaims, valueAtPath } from './claims-mapping.js';

const users: Record<string, unknown> = {
  u1: {
    profile: { displayName: 'Alice Example', first: 'Alice', last: 'Example', locale: null },
    contact: { email: 'alice@example.test', verified: true, phone: { number: '+1 555 0100', verified: false } },
    postal: { line1: '1 Main St', city: 'Springfield', country: 'US' },
    emails: [{ value: 'first@example.test' }, { value: 'second@example.test' }],
    password: 'never-released',
  },
};

const spec = {
  name: 'profile.displayName',
  given_name: 'profile.first',
  family_name: 'profile.last',
  locale: 'profile.locale',
  nickname: 'profile.missing.deeper',
  email: 'contact.email',
  email_verified: 'contact.verified',
  phone_number: 'contact.phone.number',
  phone_number_verified: 'contact.phone.verified',
  'address.street_address': 'postal.line1',
  'address.locality': 'postal.city',
  'address.country': 'postal.country',
  'address.formatted': (u: unknown) => `${String(valueAtPath(u, 'postal.line1'))}, ${String(valueAtPath(u, 'postal.city'))}`,
  preferred_username: 'emails.1.value',
  sub: 'password',
} as const;

const load = (subject: string) => TE.right(O.fromNullable(users[subject]));

describe('claimsMapping', () => {
  it('maps dotted paths, nested claim names and functions; omits missing and null values; never maps sub', async () => {
    const r = await claimsMapping(spec)(load).claims('u1')();
    expect(r).toEqual(
      E.right(
        O.some({
          name: 'Alice Example',
          given_name: 'Alice',
          family_name: 'Example',
          email: 'alice@example.test',
          email_verified: true,
          phone_number: '+1 555 0100',
          phone_number_verified: false,
          address: { street_address: '1 Main St', locality: 'Springfield', country: 'US', formatted: '1 Main St, Springfield' },
          preferred_username: 'second@example.test',
        }),
      ),
    );
  });

  it('an unknown user is None; a loader fault and a throwing mapping function are store errors', async () => {
    expect(await claimsMapping(spec)(load).claims('nobody')()).toEqual(E.right(O.none));
    const down = await claimsMapping(spec)(() => TE.left(storeError('db down', { transient: true }))).claims('u1')();
    expect(E.isLeft(down) && down.left.transient).toBe(true);
    const throwing = await claimsMapping({ name: () => { throw new Error('bug'); } })(load).claims('u1')();
    expect(E.isLeft(throwing)).toBe(true);
  });

  it('paths never reach inherited members', () => {
    expect(valueAtPath({ a: {} }, 'a.constructor')).toBeUndefined();
    expect(valueAtPath({ a: {} }, '__proto__')).toBeUndefined();
    expect(valueAtPath({ a: [1, 2] }, 'a.length')).toBeUndefined();
    expect(Object.getPrototypeOf(mapClaims({ '__proto__.x': 'a', 'constructor': 'a' }, { a: 1 }))).toBe(Object.prototype);
    expect(mapClaims({ '__proto__.x': 'a', constructor: 'a' }, { a: 1 })).toEqual({});
  });

  it('property: a single-segment path reads the own property, for any key and value', () => {
    fc.assert(
      fc.property(fc.string().filter((k) => k !== '' && !k.includes('.') && k !== '__proto__'), fc.jsonValue(), (key, value) => {
        expect(valueAtPath(JSON.parse(JSON.stringify({ [key]: value })) as unknown, key)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('userinfo with a mapped claims source', () => {
  const setup = () => {
    const clock = testClock(1_800_000_000);
    const ports = {
      clock,
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
      claims: claimsMapping(spec)(load),
    };
    const server = createAuthorizationServer({ issuer: 'https://as.example.test', scopesSupported: ['openid', 'profile', 'email', 'address', 'phone'] }, ports);
    let n = 0;
    const userinfo = async (scope: readonly string[]) => {
      const token = `at-${++n}`;
      await ports.accessTokens.save({ id: testSecrets.hash(token), format: 'opaque', clientId: 'web', subject: 'u1', scope, issuedAt: 1_800_000_000, expiresAt: 1_800_000_600 })();
      const r = await server.handle(httpRequest({ method: 'GET', path: '/userinfo', headers: { authorization: `Bearer ${token}` } }));
      return r._tag === 'Json' ? (r.body as Record<string, unknown>) : {};
    };
    return { userinfo };
  };

  it('address releases address; phone releases phone_number and phone_number_verified; sub is the token subject', async () => {
    const { userinfo } = setup();
    expect(await userinfo(['openid', 'address'])).toEqual({ sub: 'u1', address: { street_address: '1 Main St', locality: 'Springfield', country: 'US', formatted: '1 Main St, Springfield' } });
    expect(await userinfo(['openid', 'phone'])).toEqual({ sub: 'u1', phone_number: '+1 555 0100', phone_number_verified: false });
    expect(await userinfo(['openid', 'email'])).toEqual({ sub: 'u1', email: 'alice@example.test', email_verified: true });
    expect(await userinfo(['openid'])).toEqual({ sub: 'u1' });
    const all = await userinfo(['openid', 'profile', 'email', 'address', 'phone']);
    expect(Object.keys(all).sort()).toEqual(['address', 'email', 'email_verified', 'family_name', 'given_name', 'name', 'phone_number', 'phone_number_verified', 'preferred_username', 'sub']);
    expect(JSON.stringify(all)).not.toContain('never-released');
  });
});
