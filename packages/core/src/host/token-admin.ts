import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ConsentRecord } from '../domain/records.js';
import { optional } from '../domain/optional.js';
import type { OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { tokenStatus } from '../lifecycle/token-status.js';
import type { ActiveTokenCounts, AdminStore, ConsentQuery, OwnerFilter, Page, TokenKind, TokenQuery, TokenStatus } from '../ports/admin.js';
import type { Clock } from '../ports/runtime.js';
import type { AccessTokenStore, ConsentStore, RefreshTokenStore } from '../ports/stores.js';
import { notFound } from './client-registry.js';

export interface TokenAdminPorts {
  readonly admin: AdminStore;
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens?: RefreshTokenStore;
  readonly consents?: ConsentStore;
  readonly clock: Clock;
}

/** A stored token as an operator sees it: ids are hashes (or a JWT's `jti`), never a usable token. */
export interface TokenSummary {
  readonly kind: TokenKind;
  readonly id: string;
  readonly clientId: string;
  readonly subject?: string;
  readonly scope: readonly string[];
  readonly grantId?: string;
  readonly status: TokenStatus;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revokedAt?: number;
  /** Usage tracking: an access token's last recorded use; a refresh token's use (its rotation). */
  readonly lastUsedAt?: number;
}

/** Token filters as an operator gives them (the instant is the clock's). */
export type TokenFilter = Omit<TokenQuery, 'now'>;

/** Lists stored tokens with their status now (RFC 7662 §2.2 `active` semantics), filtered and paged by the store. */
const listTokens =
  (ports: TokenAdminPorts) =>
  (filter: TokenFilter): TE.TaskEither<OAuthError, Page<TokenSummary>> => {
    const now = ports.clock.now();
    return pipe(
      ports.admin.listTokens({ ...filter, now }),
      TE.mapError(fromStoreError),
      TE.map((page) => ({
        ...page,
        items: page.items.map((entry): TokenSummary => {
          const r = entry.record;
          return {
            kind: entry.kind,
            id: entry.kind === 'access_token' ? entry.record.id : entry.record.tokenHash,
            clientId: r.clientId,
            ...optional('subject', r.subject),
            scope: r.scope,
            ...optional('grantId', r.grantId),
            status: tokenStatus(entry, now),
            issuedAt: r.issuedAt,
            expiresAt: r.expiresAt,
            ...optional('revokedAt', r.revokedAt),
            ...optional('lastUsedAt', entry.kind === 'access_token' ? entry.record.lastUsedAt : entry.record.rotatedAt),
          };
        }),
      })),
    );
  };

/** Revokes every access and refresh token of one grant (RFC 7009 §2.1: the grant's family goes together). */
const revokeGrant =
  (ports: TokenAdminPorts) =>
  (grantId: string): TE.TaskEither<OAuthError, void> => {
    const now = ports.clock.now();
    return pipe(
      ports.accessTokens.revokeGrant(grantId, now),
      TE.flatMap(() => (ports.refreshTokens === undefined ? TE.right(undefined) : ports.refreshTokens.revokeGrant(grantId, now))),
      TE.mapError(fromStoreError),
    );
  };

/**
 * Revokes one token by its id (as listed). An access token alone; a refresh token with its whole grant (RFC 7009
 * §2.1: revoking a refresh token should revoke the access tokens of the same grant).
 */
const revokeToken =
  (ports: TokenAdminPorts) =>
  (kind: TokenKind, id: string): TE.TaskEither<OAuthError, void> => {
    if (kind === 'access_token') {
      return pipe(
        ports.accessTokens.find(id),
        TE.mapError(fromStoreError),
        TE.flatMap(O.match(() => TE.left(notFound('token', id)), () => pipe(ports.accessTokens.revoke(id, ports.clock.now()), TE.mapError(fromStoreError)))),
      );
    }
    const refresh = ports.refreshTokens;
    if (refresh === undefined) return TE.left(notFound('token', id));
    return pipe(
      refresh.find(id),
      TE.mapError(fromStoreError),
      TE.flatMap(O.match(() => TE.left(notFound('token', id)), (r) => revokeGrant(ports)(r.grantId))),
    );
  };

/** Revokes every token of a client, of a subject, or of one subject at one client; returns how many changed. */
const revokeTokensOf =
  (ports: TokenAdminPorts) =>
  (owner: OwnerFilter): TE.TaskEither<OAuthError, number> =>
    pipe(ports.admin.revokeTokens(owner, ports.clock.now()), TE.mapError(fromStoreError));

const listConsents =
  (ports: TokenAdminPorts) =>
  (query: ConsentQuery): TE.TaskEither<OAuthError, Page<ConsentRecord>> =>
    pipe(ports.admin.listConsents(query), TE.mapError(fromStoreError));

/** Forgets remembered consents (the consent page shows again); tokens already issued are revoked separately. */
const revokeConsents =
  (ports: TokenAdminPorts) =>
  (owner: OwnerFilter): TE.TaskEither<OAuthError, number> =>
    pipe(ports.admin.revokeConsents(owner), TE.mapError(fromStoreError));

/** How many access and refresh tokens are active now (for a gauge: callers cache it between scrapes). */
const countActive = (ports: TokenAdminPorts): TE.TaskEither<OAuthError, ActiveTokenCounts> =>
  pipe(ports.admin.countActiveTokens(ports.clock.now()), TE.mapError(fromStoreError));

export const tokenAdmin = (ports: TokenAdminPorts) => ({
  countActive: () => countActive(ports),
  list: listTokens(ports),
  revoke: revokeToken(ports),
  revokeGrant: revokeGrant(ports),
  revokeOf: revokeTokensOf(ports),
  listConsents: listConsents(ports),
  revokeConsents: revokeConsents(ports),
});
