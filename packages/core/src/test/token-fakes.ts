/**
 * In-memory fakes of the token-side stores (access tokens, refresh tokens, replay cache) for the core's unit tests.
 * Single-use operations reuse the lifecycles' pure transitions, so they are atomic (one tick) and model the contract.
 */
import * as TE from 'fp-ts/lib/TaskEither.js';
import * as O from 'fp-ts/lib/Option.js';
import type { AccessTokenRecord, RefreshTokenRecord } from '../domain/records.js';
import type { AccessTokenStore, RefreshTokenStore, ReplayCache } from '../ports/stores.js';
import { rotateTransition } from '../lifecycle/refresh-family.js';
import { storeError, type StoreError } from '../errors/store-error.js';

export const memoryAccessTokens = (): AccessTokenStore & { readonly all: Map<string, AccessTokenRecord> } => {
  const all = new Map<string, AccessTokenRecord>();
  return {
    all,
    save: (r) => TE.fromIO(() => void all.set(r.id, r)),
    find: (id) => TE.right(O.fromNullable(all.get(id))),
    revoke: (id, now) =>
      TE.fromIO(() => {
        const r = all.get(id);
        if (r !== undefined && r.revokedAt === undefined) all.set(id, { ...r, revokedAt: Math.floor(now) });
      }),
    revokeGrant: (grantId, now) =>
      TE.fromIO(() => {
        for (const [k, r] of all) if (r.grantId === grantId && r.revokedAt === undefined) all.set(k, { ...r, revokedAt: Math.floor(now) });
      }),
  };
};

export const memoryRefreshTokens = (): RefreshTokenStore & { readonly all: Map<string, RefreshTokenRecord> } => {
  const all = new Map<string, RefreshTokenRecord>();
  return {
    all,
    save: (r) => TE.fromIO(() => void all.set(r.tokenHash, r)),
    find: (h) => TE.right(O.fromNullable(all.get(h))),
    rotate: (h, successor, now) =>
      TE.fromIO(() => {
        const { outcome, next } = rotateTransition(all.get(h), successor, now);
        if (next !== undefined) all.set(h, next);
        if (outcome._tag === 'Rotated') all.set(successor.tokenHash, successor);
        return outcome;
      }),
    revokeGrant: (grantId, now) =>
      TE.fromIO(() => {
        for (const [k, r] of all) if (r.grantId === grantId && r.revokedAt === undefined) all.set(k, { ...r, revokedAt: Math.floor(now) });
      }),
  };
};

export const memoryReplay = (): ReplayCache & { readonly all: Map<string, number> } => {
  const all = new Map<string, number>();
  return {
    all,
    remember: (key, expiresAt) =>
      TE.fromIO(() => {
        if (all.has(key)) return false;
        all.set(key, expiresAt);
        return true;
      }),
  };
};

/** A store operation that always fails (transient or not), to check fault mapping. */
export const failing = <A>(transient = false) => (): TE.TaskEither<StoreError, A> => TE.left(storeError('store down', { transient }));

import type { GrantContext } from '../grants/grant.js';
import type { TokenHooks } from '../tokens/issue.js';
import type { ServerConfig } from '../config/server-config.js';
import { httpRequest } from '../http/http-request.js';
import { memoryAuthorizationCodes, testConfig, testLogger, testRandom, testSecrets } from './fake-ports.js';

/**
 * Token formats for grant unit tests: readable stand-ins for the signed JWTs that `createAuthorizationServer` builds
 * from its signer (the signing itself is tested in `tokens/` and through the composed server).
 */
export const testTokenHooks: TokenHooks = {
  accessToken: (record) => TE.right(`jwt-access-token.${record.id}`),
  idToken: (request) => TE.right(`id-token.${request.subject}.${request.client.clientId}`),
};

/** Every port the token-side grants use, in memory, plus a context builder at a fixed instant. */
export const grantPorts = () => ({
  tokens: testTokenHooks,
  random: testRandom(),
  secrets: testSecrets,
  logger: testLogger(),
  accessTokens: memoryAccessTokens(),
  refreshTokens: memoryRefreshTokens(),
  authorizationCodes: memoryAuthorizationCodes(),
});

export const grantContext = <P>(ports: P, now: number, config: ServerConfig = testConfig()): GrantContext<P> => ({
  config,
  ports,
  now,
  request: httpRequest({ method: 'POST', path: '/token' }),
});
