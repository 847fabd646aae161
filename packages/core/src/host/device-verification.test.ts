import { describe, expect, it } from 'vitest';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { DeviceCodeRecord } from '../domain/records.js';
import { storeError } from '../errors/store-error.js';
import { memoryClients, memoryDeviceCodes, publicClient, testClock, testLogger, testSecrets } from '../test/fake-ports.js';
import { createDeviceVerificationApi } from './device-verification.js';

const tv = publicClient({ clientId: 'tv', scope: ['openid', 'profile'] });

const setup = () => {
  const ports = { clients: memoryClients([tv]), deviceCodes: memoryDeviceCodes(), clock: testClock(1_000_000), secrets: testSecrets, logger: testLogger() };
  const record: DeviceCodeRecord = {
    deviceCodeHash: testSecrets.hash('device-1'),
    userCodeHash: testSecrets.hash('WDJBMJHT'),
    clientId: 'tv',
    scope: ['openid', 'profile'],
    status: 'pending',
    grantId: 'g1',
    interval: 5,
    issuedAt: 1_000_000,
    expiresAt: 1_000_600,
  };
  ports.deviceCodes.all.set(record.deviceCodeHash, record);
  return { ports, api: createDeviceVerificationApi(ports), stored: () => ports.deviceCodes.all.get(record.deviceCodeHash)! };
};

describe('device verification contract (RFC 8628 §3.3)', () => {
  it('looks a code up however it was typed', async () => {
    const { api } = setup();
    for (const typed of ['WDJB-MJHT', 'wdjb-mjht', ' wdjb mjht ', 'WDJBMJHT']) {
      expect(await api.lookup(typed)).toMatchObject({ _tag: 'Pending', client: { clientId: 'tv' }, scope: ['openid', 'profile'] });
    }
    expect(await api.lookup('BBBB-BBBB')).toMatchObject({ _tag: 'Invalid', error: { code: 'invalid_request' } });
    expect(await api.lookup('')).toMatchObject({ _tag: 'Invalid' });
  });

  it('approves once, recording subject, scope and auth time', async () => {
    const { api, stored } = setup();
    expect(await api.approve('wdjb-mjht', { subject: 'alice', scope: ['openid'], authTime: 999_999 })).toEqual({ _tag: 'Done' });
    expect(stored()).toMatchObject({ status: 'approved', subject: 'alice', grantedScope: ['openid'], authTime: 999_999 });
    expect(await api.approve('WDJB-MJHT', { subject: 'mallory', scope: ['openid'], authTime: 1 })).toMatchObject({ _tag: 'Invalid' });
    expect(await api.deny('WDJB-MJHT')).toMatchObject({ _tag: 'Invalid' });
    expect(await api.lookup('WDJB-MJHT')).toMatchObject({ _tag: 'Invalid' });
    expect(stored().subject).toBe('alice');
  });

  it('denies once', async () => {
    const { api, stored } = setup();
    expect(await api.deny('WDJB-MJHT')).toEqual({ _tag: 'Done' });
    expect(stored().status).toBe('denied');
    expect(await api.approve('WDJB-MJHT', { subject: 'alice', scope: [], authTime: 1 })).toMatchObject({ _tag: 'Invalid' });
  });

  it('refuses an approval wider than the request, leaving it pending', async () => {
    const { api, stored } = setup();
    expect(await api.approve('WDJB-MJHT', { subject: 'alice', scope: ['openid', 'email'], authTime: 1 })).toMatchObject({ _tag: 'Invalid', error: { code: 'invalid_request' } });
    expect(await api.approve('WDJB-MJHT', { subject: '', scope: [], authTime: 1 })).toMatchObject({ _tag: 'Invalid' });
    expect(stored().status).toBe('pending');
  });

  it('refuses expired codes', async () => {
    const { api, ports, stored } = setup();
    ports.clock.advance(600);
    expect(await api.lookup('WDJB-MJHT')).toMatchObject({ _tag: 'Invalid', error: { code: 'expired_token' } });
    expect(await api.approve('WDJB-MJHT', { subject: 'alice', scope: [], authTime: 1 })).toMatchObject({ _tag: 'Invalid', error: { code: 'expired_token' } });
    expect(stored().status).toBe('pending');
  });

  it('concurrent approvals: exactly one is done', async () => {
    const { api } = setup();
    const results = await Promise.all(['alice', 'bob', 'carol'].map((subject) => api.approve('WDJB-MJHT', { subject, scope: ['openid'], authTime: 1 })));
    expect(results.filter((r) => r._tag === 'Done')).toHaveLength(1);
  });

  it('never rejects on store faults', async () => {
    const { ports } = setup();
    const api = createDeviceVerificationApi({
      ...ports,
      deviceCodes: { ...ports.deviceCodes, findByUserCode: () => TE.left(storeError('down', { transient: true })), decide: () => () => Promise.reject(new Error('boom')) },
    });
    expect(await api.lookup('WDJB-MJHT')).toMatchObject({ _tag: 'Invalid', error: { code: 'temporarily_unavailable' } });
    expect(await api.deny('WDJB-MJHT')).toMatchObject({ _tag: 'Invalid', error: { code: 'server_error' } });
  });
});
