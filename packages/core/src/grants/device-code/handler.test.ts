import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { DeviceCodeRecord } from '../../domain/records.js';
import { decodeParams } from '../../codec/decode.js';
import { httpRequest } from '../../http/http-request.js';
import type { GrantContext } from '../grant.js';
import { testTokenHooks } from '../../test/token-fakes.js';
import { memoryDeviceCodes, publicClient, testConfig, testLogger, testRandom, testSecrets } from '../../test/fake-ports.js';
import { deviceCodeGrant, deviceCodeGrantType, makeDeviceCodeGrant, type DeviceCodePorts, type DeviceTokenRequest } from './index.js';

const tv = publicClient({ clientId: 'tv', grantTypes: [deviceCodeGrantType, 'refresh_token'], scope: ['openid', 'profile'] });
const t0 = 1_000_000;

const setup = () => {
  const ports = { deviceCodes: memoryDeviceCodes(), secrets: testSecrets, logger: testLogger() };
  const issued: DeviceTokenRequest[] = [];
  const grant = makeDeviceCodeGrant<object>((request) => () => {
    issued.push(request);
    return TE.right({ access_token: `at${issued.length}`, token_type: 'Bearer', expires_in: 600, scope: request.scope.join(' ') });
  });
  const record: DeviceCodeRecord = {
    deviceCodeHash: testSecrets.hash('dc'),
    userCodeHash: testSecrets.hash('WDJBMJHT'),
    clientId: 'tv',
    scope: ['openid', 'profile'],
    status: 'pending',
    grantId: 'g1',
    interval: 5,
    issuedAt: t0,
    expiresAt: t0 + 600,
  };
  ports.deviceCodes.all.set(record.deviceCodeHash, record);
  const poll = (now: number, deviceCode = 'dc', client = tv) => {
    const ctx: GrantContext<DeviceCodePorts> = { config: testConfig(), ports, now, request: httpRequest({ method: 'POST', path: '/token' }) };
    return grant.handle({ device_code: deviceCode }, { client, method: 'none' })(ctx)();
  };
  const approve = (scope: readonly string[] = ['openid']) =>
    ports.deviceCodes.decide(record.userCodeHash, { approved: true, subject: 'alice', scope, authTime: t0 + 1 })();
  return { ports, grant, poll, approve, issued, stored: () => ports.deviceCodes.all.get(record.deviceCodeHash)! };
};

const code = (r: E.Either<{ code: string }, unknown>) => (E.isLeft(r) ? r.left.code : 'tokens');

describe('device_code grant (RFC 8628 §3.4–3.5)', () => {
  it('decodes its parameter', () => {
    const { grant } = setup();
    expect(grant.grantType).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(grant.clients).toBe('any');
    expect(E.isLeft(decodeParams(grant.params, {}))).toBe(true);
    expect(decodeParams(grant.params, { device_code: 'x' })).toEqual(E.right({ device_code: 'x' }));
  });

  it('pending → authorization_pending; sooner than the interval → slow_down; the advertised interval is enough after it', async () => {
    const { poll, stored } = setup();
    expect(code(await poll(t0))).toBe('authorization_pending');
    expect(code(await poll(t0 + 3))).toBe('slow_down');
    expect(code(await poll(t0 + 8))).toBe('authorization_pending');
    expect(code(await poll(t0 + 12))).toBe('slow_down');
    expect(code(await poll(t0 + 17))).toBe('authorization_pending');
    expect(stored().interval).toBe(5);
    expect(stored().lastPolledAt).toBe(t0 + 17);
  });

  it('polls one interval apart are never slow_down, whatever the fraction of a second they fall on', async () => {
    const { poll, ports } = setup();
    // The store keeps what it is given; the grant must hand it whole seconds, as judgePoll compares whole seconds.
    const seen: number[] = [];
    const storePoll = ports.deviceCodes.poll;
    Object.assign(ports.deviceCodes, { poll: (h: string, now: number, interval: number) => (seen.push(now), storePoll(h, now, interval)) });
    expect(code(await poll(t0 + 0.9))).toBe('authorization_pending');
    expect(code(await poll(t0 + 5.1))).toBe('authorization_pending');
    expect(code(await poll(t0 + 10.05))).toBe('authorization_pending');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(Number.isInteger)).toBe(true);
  });

  it('approved → tokens exactly once, with the approved scope, subject and grant; refresh when registered', async () => {
    const { poll, approve, issued } = setup();
    await approve(['openid']);
    expect(code(await poll(t0 + 10))).toBe('tokens');
    expect(issued).toEqual([{ client: tv, subject: 'alice', scope: ['openid'], grantId: 'g1', authTime: t0 + 1, refreshToken: true }]);
    expect(code(await poll(t0 + 20))).toBe('invalid_grant');
    expect(issued).toHaveLength(1);
  });

  it('no refresh token for a client without the refresh_token grant', async () => {
    const { poll, approve, issued } = setup();
    await approve();
    await poll(t0, 'dc', { ...tv, grantTypes: [deviceCodeGrantType] });
    expect(issued[0]?.refreshToken).toBe(false);
  });

  it('denied → access_denied; expired → expired_token', async () => {
    const s = setup();
    await s.ports.deviceCodes.decide(s.stored().userCodeHash, { approved: false })();
    expect(code(await s.poll(t0))).toBe('access_denied');
    const e = setup();
    await e.approve();
    expect(code(await e.poll(t0 + 600))).toBe('expired_token');
    expect(e.issued).toHaveLength(0);
  });

  it('unknown device codes and codes of another client are invalid_grant', async () => {
    const { poll, approve, issued } = setup();
    await approve();
    expect(code(await poll(t0, 'other'))).toBe('invalid_grant');
    expect(code(await poll(t0, 'dc', { ...tv, clientId: 'evil' }))).toBe('invalid_grant');
    expect(issued).toHaveLength(0);
  });

  it('a client without the device grant is unauthorized_client', async () => {
    const { poll } = setup();
    expect(code(await poll(t0, 'dc', { ...tv, grantTypes: ['authorization_code'] }))).toBe('unauthorized_client');
  });

  it('maps store faults to temporarily_unavailable', async () => {
    const s = setup();
    const broken = { ...s.ports, deviceCodes: { ...s.ports.deviceCodes, poll: () => TE.left({ _tag: 'StoreError' as const, transient: true, detail: 'x' }) } };
    const ctx: GrantContext<DeviceCodePorts> = { config: testConfig(), ports: broken, now: t0, request: httpRequest({ method: 'POST', path: '/token' }) };
    expect(code(await s.grant.handle({ device_code: 'dc' }, { client: tv, method: 'none' })(ctx)())).toBe('temporarily_unavailable');
  });

  it('property: concurrent polls of an approved code yield tokens once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 8 }), async (n) => {
        const { poll, approve, issued } = setup();
        await approve();
        const results = await Promise.all(Array.from({ length: n }, (_, i) => poll(t0 + 100 + i * 10)));
        expect(results.filter(E.isRight)).toHaveLength(1);
        expect(issued).toHaveLength(1);
      }),
      { numRuns: 30 },
    );
  });
});

describe('deviceCodeGrant (with issueTokens)', () => {
  it('issues an opaque access token and a refresh token once approved', async () => {
    const saved: unknown[] = [];
    const store = memoryDeviceCodes();
    const ports = {
      deviceCodes: store,
      secrets: testSecrets,
      logger: testLogger(),
      random: testRandom(),
      tokens: testTokenHooks,
      accessTokens: { save: (r: unknown) => TE.fromIO(() => void saved.push(r)), find: () => TE.right({ _tag: 'None' as const }), revoke: () => TE.right(undefined), revokeGrant: () => TE.right(undefined) },
      refreshTokens: { save: (r: unknown) => TE.fromIO(() => void saved.push(r)), find: () => TE.right({ _tag: 'None' as const }), rotate: () => TE.right({ _tag: 'NotFound' as const }), revokeGrant: () => TE.right(undefined) },
    };
    store.all.set(testSecrets.hash('dc'), {
      deviceCodeHash: testSecrets.hash('dc'), userCodeHash: 'u', clientId: 'tv', scope: ['profile'], status: 'approved', subject: 'alice', grantedScope: ['profile'], authTime: t0, grantId: 'g9', interval: 5, issuedAt: t0, expiresAt: t0 + 600,
    });
    const ctx = { config: testConfig({ lifetimes: { accessToken: 600 } }), ports, now: t0 + 5, request: httpRequest({ method: 'POST', path: '/token' }) };
    const r = await deviceCodeGrant.handle({ device_code: 'dc' }, { client: tv, method: 'none' })(ctx)();
    expect(r).toMatchObject({ _tag: 'Right', right: { token_type: 'Bearer', scope: 'profile', expires_in: 600 } });
    expect(E.isRight(r) && typeof r.right.refresh_token).toBe('string');
    expect(saved).toHaveLength(2);
    expect(saved[0]).toMatchObject({ clientId: 'tv', subject: 'alice', scope: ['profile'], grantId: 'g9' });
  });
});
