/**
 * Small in-memory fakes of the core's ports for unit tests (no `node:*`: the hasher is a reversible stand-in, which
 * is enough to check that only hashes are stored). Single-use operations are atomic because they run in one tick.
 */
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as O from 'fp-ts/lib/Option.js';
import type { Client } from '../domain/client.js';
import type { AuthorizationCodeRecord, ConsentRecord, DeviceCodeRecord, InteractionRecord } from '../domain/records.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { AuthorizationCodeStore, ClientStore, ConsentStore, ConsumeOutcome, DeviceCodeStore, InteractionStore } from '../ports/stores.js';
import type { PushedRequestStore } from '../ports/pushed-requests.js';
import type { PushedRequestRecord } from '../domain/pushed-request.js';
import { decodeServerConfig, type ServerConfigInput } from '../codec/config.js';
import type { ServerConfig } from '../config/server-config.js';

export const testIssuer = 'https://as.example.test';

/** The server config of unit tests: the real defaults (`decodeServerConfig`) for `testIssuer`, with `overrides`. */
export const testConfig = (overrides: Omit<ServerConfigInput, 'issuer'> = {}): ServerConfig => decodeServerConfig({ issuer: testIssuer, ...overrides });

export const webClient = (overrides: Partial<Client> = {}): Client => ({
  clientId: 'web',
  secretHashes: [{ hash: 'h(secret)' }],
  redirectUris: ['https://rp.example.test/cb', 'https://rp.example.test/cb2?x=1'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  responseTypes: ['code'],
  scope: ['openid', 'profile', 'email', 'api:read'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  ...overrides,
});

export const publicClient = (overrides: Partial<Client> = {}): Client =>
  webClient({ clientId: 'spa', secretHashes: [], redirectUris: ['https://spa.example.test/cb'], tokenEndpointAuthMethod: 'none', ...overrides });

export interface TestClock extends Clock {
  readonly advance: (seconds: number) => void;
}
export const testClock = (start = 1_800_000_000): TestClock => {
  let now = start;
  return { now: () => now, advance: (s) => void (now += s) };
};

/** Deterministic counter-based randomness: tokens are `tok<n>` (distinct), ints cycle through `[0, max)`. */
export const testRandom = (): Random => {
  let n = 0;
  return {
    token: (bytes) => `tok${++n}_${bytes}`,
    int: (max) => (n++ * 7) % max,
  };
};

export const testSecrets: SecretHasher = {
  hash: (v) => `h(${v})`,
  verify: (presented, expected) => `h(${presented})` === expected,
};

export interface TestLogger extends Logger {
  readonly entries: { level: string; message: string; fields?: Readonly<Record<string, unknown>> }[];
}
export const testLogger = (): TestLogger => {
  const entries: TestLogger['entries'] = [];
  return { entries, log: (level, message, fields) => void entries.push(fields === undefined ? { level, message } : { level, message, fields }) };
};

export const memoryClients = (clients: readonly Client[]): ClientStore & { readonly all: Map<string, Client> } => {
  const all = new Map(clients.map((c) => [c.clientId, c]));
  return {
    all,
    find: (id) => TE.right(O.fromNullable(all.get(id))),
    save: (c) => TE.fromIO(() => void all.set(c.clientId, c)),
  };
};

export const memoryInteractions = (): InteractionStore & { readonly all: Map<string, InteractionRecord> } => {
  const all = new Map<string, InteractionRecord>();
  return {
    all,
    save: (r) => TE.fromIO(() => void all.set(r.id, r)),
    find: (id) => TE.right(O.fromNullable(all.get(id))),
    finish: (id, now) =>
      TE.fromIO(() => {
        const r = all.get(id);
        if (r === undefined) return { _tag: 'NotFound' as const };
        if (r.finishedAt !== undefined) return { _tag: 'AlreadyConsumed' as const, record: r };
        all.set(id, { ...r, finishedAt: Math.floor(now) });
        return { _tag: 'Consumed' as const, record: r };
      }),
  };
};

export const memoryConsents = (): ConsentStore & { readonly all: Map<string, ConsentRecord> } => {
  const all = new Map<string, ConsentRecord>();
  const key = (s: string, c: string) => `${s}\u0000${c}`;
  return {
    all,
    find: (s, c) => TE.right(O.fromNullable(all.get(key(s, c)))),
    grant: (r) =>
      TE.fromIO(() => {
        const prev = all.get(key(r.subject, r.clientId));
        all.set(key(r.subject, r.clientId), { ...r, scope: [...new Set([...(prev?.scope ?? []), ...r.scope])] });
      }),
    revoke: (s, c) => TE.fromIO(() => void all.delete(key(s, c))),
  };
};

export const memoryAuthorizationCodes = (): AuthorizationCodeStore & { readonly all: Map<string, AuthorizationCodeRecord> } => {
  const all = new Map<string, AuthorizationCodeRecord>();
  return {
    all,
    save: (r) => TE.fromIO(() => void all.set(r.codeHash, r)),
    redeem: (hash, now) =>
      TE.fromIO(() => {
        const r = all.get(hash);
        if (r === undefined) return { _tag: 'NotFound' as const };
        if (r.redeemedAt !== undefined) return { _tag: 'AlreadyConsumed' as const, record: r };
        all.set(hash, { ...r, redeemedAt: Math.floor(now) });
        return { _tag: 'Consumed' as const, record: r };
      }),
  };
};

export const memoryDeviceCodes = (): DeviceCodeStore & { readonly all: Map<string, DeviceCodeRecord> } => {
  const all = new Map<string, DeviceCodeRecord>();
  const byUser = (h: string) => [...all.values()].find((r) => r.userCodeHash === h);
  return {
    all,
    save: (r) => TE.fromIO(() => void all.set(r.deviceCodeHash, r)),
    findByUserCode: (h) => TE.right(O.fromNullable(byUser(h))),
    decide: (h, decision) =>
      TE.fromIO(() => {
        const r = byUser(h);
        if (r === undefined) return { _tag: 'NotFound' as const };
        if (r.status !== 'pending') return { _tag: 'AlreadyConsumed' as const, record: r };
        all.set(
          r.deviceCodeHash,
          decision.approved
            ? { ...r, status: 'approved', subject: decision.subject, grantedScope: decision.scope, authTime: decision.authTime }
            : { ...r, status: 'denied' },
        );
        return { _tag: 'Consumed' as const, record: r };
      }),
    poll: (h, now, interval) =>
      TE.fromIO(() => {
        const r = all.get(h);
        if (r === undefined) return { _tag: 'NotFound' as const };
        all.set(h, { ...r, lastPolledAt: Math.floor(now), interval });
        return { _tag: 'Polled' as const, previous: r };
      }),
    consume: (h) =>
      TE.fromIO(() => {
        const r = all.get(h);
        if (r === undefined) return { _tag: 'NotFound' as const };
        if (r.status !== 'approved') return { _tag: 'AlreadyConsumed' as const, record: r };
        all.set(h, { ...r, status: 'consumed' });
        return { _tag: 'Consumed' as const, record: r };
      }),
  };
};

/** RFC 9126 pushed requests in a map; `use` is one synchronous step. */
export const memoryPushedRequests = (): PushedRequestStore & { readonly all: Map<string, PushedRequestRecord> } => {
  const all = new Map<string, PushedRequestRecord>();
  return {
    all,
    save: (record) => TE.fromIO(() => void all.set(record.requestUriHash, record)),
    use: (hash, now) =>
      TE.fromIO((): ConsumeOutcome<PushedRequestRecord> => {
        const record = all.get(hash);
        if (record === undefined) return { _tag: 'NotFound' };
        if (record.usedAt !== undefined) return { _tag: 'AlreadyConsumed', record };
        all.set(hash, { ...record, usedAt: now });
        return { _tag: 'Consumed', record };
      }),
  };
};
