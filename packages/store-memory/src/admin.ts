import type { Client } from '@grantor/core';
import { tokenStatus, type AdminStore, type AuthorizationCodeRecord, type ClientSecretJwtKeyStore, type ConsentRecord, type DeviceCodeRecord, type InteractionRecord, type TokenEntry } from '@grantor/core/extend';
import type { AccessTokenRecord, RefreshTokenRecord } from '@grantor/core/extend';
import { atomically } from './compact.js';
import type { Revocable, Scannable } from './tables/table.js';

/** The tables the operator's store reads and changes. */
export interface AdminTables {
  readonly clients: Scannable<Client>;
  readonly accessTokens: Revocable<AccessTokenRecord>;
  readonly refreshTokens: Revocable<RefreshTokenRecord>;
  readonly consents: Scannable<ConsentRecord>;
  readonly authorizationCodes: Scannable<AuthorizationCodeRecord>;
  readonly interactions: Scannable<InteractionRecord>;
  readonly deviceCodes: Scannable<DeviceCodeRecord>;
  readonly clientSecretJwtKeys: ClientSecretJwtKeyStore;
}

interface Keyed<A> {
  readonly key: string;
  readonly item: A;
}

/**
 * One page of `items` in key order after `cursor` (the last key of the previous page). A scan and a sort per page:
 * fine for an operator's list over an in-memory store, which holds one process's data.
 */
const pageOf = <A>(items: readonly Keyed<A>[], limit: number, cursor: string | undefined) => {
  const sorted = [...items].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const after = cursor === undefined ? sorted : sorted.filter((e) => e.key > cursor);
  const taken = after.slice(0, limit);
  const last = taken[taken.length - 1];
  return { items: taken.map((e) => e.item), ...(after.length > limit && last !== undefined ? { next: last.key } : {}) };
};

const owned = (owner: { readonly clientId?: string; readonly subject?: string }) => (r: { readonly clientId: string; readonly subject?: string }): boolean =>
  (owner.clientId === undefined || r.clientId === owner.clientId) && (owner.subject === undefined || r.subject === owner.subject);

/** Token keys sort access tokens before refresh tokens (`a:` < `r:`), each by id. */
const tokenKey = (e: TokenEntry): string => (e.kind === 'access_token' ? `a:${e.record.id}` : `r:${e.record.tokenHash}`);

/** The `AdminStore` port over the memory store's tables; each call is one synchronous (atomic) step. */
export const memoryAdminStore = (t: AdminTables): AdminStore => ({
  listClients: (q) =>
    atomically(() =>
      pageOf(
        t.clients
          .scan()
          .filter((c) => q.disabled === undefined || (c.disabled === true) === q.disabled)
          .filter((c) => q.registered === undefined || (c.registration !== undefined) === (q.registered === 'dynamic'))
          .filter((c) => q.search === undefined || c.clientId.includes(q.search) || (c.clientName ?? '').includes(q.search))
          .map((c) => ({ key: c.clientId, item: c })),
        q.limit,
        q.cursor,
      ),
    ),
  deleteClient: (clientId) =>
    atomically(() => {
      const mine = (r: { readonly clientId: string }) => r.clientId === clientId;
      const deleted = t.clients.deleteWhere((c) => c.clientId === clientId) > 0;
      t.accessTokens.deleteWhere(mine);
      t.refreshTokens.deleteWhere(mine);
      t.consents.deleteWhere(mine);
      t.authorizationCodes.deleteWhere(mine);
      t.interactions.deleteWhere(mine);
      t.deviceCodes.deleteWhere(mine);
      // The memory store's remove is itself synchronous inside its TaskEither.
      void t.clientSecretJwtKeys.remove(clientId)();
      return deleted;
    }),
  listTokens: (q) =>
    atomically(() => {
      const entries: TokenEntry[] = [
        ...(q.kind === 'refresh_token' ? [] : t.accessTokens.scan().map((record): TokenEntry => ({ kind: 'access_token', record }))),
        ...(q.kind === 'access_token' ? [] : t.refreshTokens.scan().map((record): TokenEntry => ({ kind: 'refresh_token', record }))),
      ];
      const matching = entries.filter(
        (e) =>
          owned(q)(e.record) &&
          (q.grantId === undefined || e.record.grantId === q.grantId) &&
          (q.status === undefined || tokenStatus(e, q.now) === q.status),
      );
      return pageOf(matching.map((e) => ({ key: tokenKey(e), item: e })), q.limit, q.cursor);
    }),
  countActiveTokens: (now) =>
    atomically(() => ({
      accessTokens: t.accessTokens.scan().filter((r) => tokenStatus({ kind: 'access_token', record: r }, now) === 'active').length,
      refreshTokens: t.refreshTokens.scan().filter((r) => tokenStatus({ kind: 'refresh_token', record: r }, now) === 'active').length,
    })),
  revokeTokens: (owner, now) => atomically(() => t.accessTokens.revokeWhere(owned(owner), now) + t.refreshTokens.revokeWhere(owned(owner), now)),
  listConsents: (q) =>
    atomically(() =>
      pageOf(
        t.consents
          .scan()
          .filter(owned(q))
          .map((c) => ({ key: JSON.stringify([c.subject, c.clientId]), item: c })),
        q.limit,
        q.cursor,
      ),
    ),
  revokeConsents: (owner) => atomically(() => t.consents.deleteWhere(owned(owner))),
});
