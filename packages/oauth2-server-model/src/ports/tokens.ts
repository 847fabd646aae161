import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { storeError, type AccessTokenRecord, type AccessTokenStore, type RefreshTokenRecord, type RefreshTokenStore, type RotateOutcome } from '@grantor/core/extend';
import { callModel, type ModelRefreshToken, type ModelToken } from '../model.js';
import { isObject, noExpiry, scopeFromModel, secondsOf } from '../mapping.js';
import type { Work } from '../work.js';
import { fail, fromModel, modelBroken, type ModelDeps } from './shared.js';

/** A model access token as Grantor's record (opaque, keyed by the hash Grantor looked it up with). */
const accessRecord = (deps: ModelDeps, hash: string, token: ModelToken): AccessTokenRecord => {
  const expiresAt = secondsOf(token.accessTokenExpiresAt);
  // oauth2-server 5 refuses the same two shapes with a server_error.
  if (expiresAt === undefined) return fail(modelBroken('getAccessToken() returned a token whose accessTokenExpiresAt is not a Date'));
  if (!isObject(token.user)) return fail(modelBroken('getAccessToken() returned a token without a user'));
  const clientId = isObject(token.client) && typeof token.client.id === 'string' ? token.client.id : '';
  const lifetime = isObject(token.client) && typeof token.client.accessTokenLifetime === 'number' ? token.client.accessTokenLifetime : 3600;
  const subject = deps.subject(token.user);
  return {
    id: hash,
    format: 'opaque',
    clientId,
    scope: scopeFromModel(token.scope),
    // The model keeps no issue time: derived from the expiry and the client's (or the default) lifetime.
    issuedAt: expiresAt - lifetime,
    expiresAt,
    ...(subject === undefined ? {} : { subject }),
  };
};

/**
 * Access tokens. `save` does not call the model yet: oauth2-server saves an access token and its refresh token with
 * ONE `saveToken` call, so the request's tokens are saved together when the request ends (`finish-tokens.ts`), before
 * the response leaves. `find` is `getAccessToken(value)`.
 *
 * WEAKER THAN GRANTOR: the model cannot revoke an access token. `revoke` (RFC 7009 for an access token) fails with a
 * `server_error` rather than pretend; `revokeGrant` (code replay, refresh reuse, refresh revocation) revokes nothing
 * and logs: such access tokens stay valid until they expire — keep `accessTokenLifetime` short.
 */
export const modelAccessTokenStore = (deps: ModelDeps): AccessTokenStore => ({
  save: (record) =>
    fromModel('saveToken', async (work) => {
      work.pendingAccess = record;
    }),
  find: (id) =>
    fromModel('getAccessToken', async (work) => {
      const value = work.preimages.get(id);
      if (value === undefined) return O.none;
      const token = await callModel(deps.model, 'getAccessToken', value);
      if (!token) return O.none;
      const record = accessRecord(deps, id, token);
      work.accessTokens.set(id, token);
      return O.some(record);
    }),
  revoke: () => TE.left(storeError('an oauth2-server model cannot revoke access tokens (it has no such function); they expire')),
  revokeGrant: (grantId) =>
    fromModel('revokeGrant', async () => {
      deps.logger.log('warn', 'oauth2-server model: access tokens of a revoked grant stay valid until they expire (the model cannot revoke them)', { grantId });
    }),
});

/** A model refresh token as Grantor's record. Its family is the one the index knows, else the token itself. */
const refreshRecord = (deps: ModelDeps, hash: string, token: ModelRefreshToken, now: number): RefreshTokenRecord => {
  if (!isObject(token.client) || typeof token.client.id !== 'string') return fail(modelBroken('getRefreshToken() returned a token without a client'));
  if (!isObject(token.user)) return fail(modelBroken('getRefreshToken() returned a token without a user'));
  const expiry = token.refreshTokenExpiresAt;
  const expiresAt = expiry === undefined || expiry === null ? noExpiry : secondsOf(expiry);
  if (expiresAt === undefined) return fail(modelBroken('getRefreshToken() returned a token whose refreshTokenExpiresAt is not a Date'));
  const scope = scopeFromModel(token.scope);
  return {
    tokenHash: hash,
    grantId: deps.families?.familyOf(hash) ?? `refresh:${hash}`,
    clientId: token.client.id,
    subject: deps.subject(token.user) ?? '',
    scope,
    grantedScope: scope,
    issuedAt: Math.min(Math.floor(now), expiresAt),
    expiresAt,
  };
};

const loadRefresh = async (deps: ModelDeps, work: Work, hash: string): Promise<ModelRefreshToken | undefined> => {
  const known = work.refreshTokens.get(hash);
  if (known !== undefined) return known;
  const value = work.preimages.get(hash);
  if (value === undefined) return undefined;
  const token = await callModel(deps.model, 'getRefreshToken', value);
  if (!token) return undefined;
  work.refreshTokens.set(hash, token);
  return token;
};

/**
 * Refresh tokens through `getRefreshToken` / `revokeToken`; new ones are saved with the access token (`saveToken`).
 *
 * WEAKER THAN GRANTOR: no atomic rotation and no families in the model. `rotate` revokes the presented token through
 * `revokeToken` BEFORE anything is issued; only `true` rotates it, `false` is `invalid_grant` and a throw fails the
 * request (503): a failed revoke never yields new tokens. Reuse of a rotated token is detected only by the
 * process-local family index (`families.ts`); without it a rotated token is simply unknown (`invalid_grant`) and its
 * successor stays valid.
 */
export const modelRefreshTokenStore = (deps: ModelDeps): RefreshTokenStore => ({
  save: (record) =>
    fromModel('saveToken', async (work) => {
      work.pendingRefresh = record;
    }),
  find: (hash) =>
    fromModel('getRefreshToken', async (work) => {
      const token = await loadRefresh(deps, work, hash);
      if (token !== undefined) {
        const record = refreshRecord(deps, hash, token, deps.clock.now());
        work.user = token.user;
        return O.some(record);
      }
      return O.fromNullable(deps.families?.rotated(hash));
    }),
  rotate: (hash, successor, now): TE.TaskEither<ReturnType<typeof storeError>, RotateOutcome> =>
    fromModel('revokeToken', async (work): Promise<RotateOutcome> => {
      const token = await loadRefresh(deps, work, hash);
      if (token === undefined) return { _tag: 'NotFound' };
      const previous = refreshRecord(deps, hash, token, now);
      const revoked = await callModel(deps.model, 'revokeToken', token);
      if (!revoked) return { _tag: 'NotActive', previous };
      work.rotation = { previous };
      work.pendingRefresh = successor;
      return { _tag: 'Rotated', previous };
    }),
  revokeGrant: (grantId) =>
    fromModel('revokeToken', async (work) => {
      const loaded = [...work.refreshTokens].filter(([hash]) => (deps.families?.familyOf(hash) ?? `refresh:${hash}`) === grantId).map(([, token]) => token);
      const live = deps.families?.close(grantId) ?? [];
      for (const token of loaded) await callModel(deps.model, 'revokeToken', token);
      for (const value of live) {
        const token = await callModel(deps.model, 'getRefreshToken', value);
        if (token) await callModel(deps.model, 'revokeToken', token);
      }
    }),
});
