import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Client, TokenStatus } from '@grantor/core';
import type { AdminStore, TokenEntry, TokenQuery } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch, rowToAccess, rowToClient, rowToConsent, rowToRefresh } from '../rows.js';
import type { GrantorDatabase } from '../schema.js';

/** `LIKE` pattern for a substring, with `!` escaping the pattern's own wildcards (the same in all three dialects). */
const containing = (text: string): string => `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

type TokenTable = 'grantor_access_tokens' | 'grantor_refresh_tokens';

/** The status filter of RFC 7009 / RFC 9700 §4.14.2 as SQL; `tokenStatus` in the core is the same judgement. */
const statusFilter = (table: TokenTable, status: TokenStatus, now: number) => (eb: ExpressionBuilder<GrantorDatabase, TokenTable>): Expression<SqlBool> => {
  const notRotated = table === 'grantor_refresh_tokens' ? [sql<SqlBool>`rotated_at is null`] : [];
  switch (status) {
    case 'revoked':
      return eb('revoked_at', 'is not', null);
    case 'rotated':
      return table === 'grantor_refresh_tokens' ? eb.and([eb('revoked_at', 'is', null), sql<SqlBool>`rotated_at is not null`]) : sql<SqlBool>`1 = 0`;
    case 'expired':
      return eb.and([eb('revoked_at', 'is', null), ...notRotated, eb('expires_at', '<=', now)]);
    case 'active':
      return eb.and([eb('revoked_at', 'is', null), ...notRotated, eb('expires_at', '>', now)]);
  }
};

/** `a:<id>` (access tokens) sorts before `r:<hash>` (refresh tokens); the store's cursor is the last key listed. */
const tokenKey = (e: TokenEntry): string => (e.kind === 'access_token' ? `a:${e.record.id}` : `r:${e.record.tokenHash}`);

/**
 * The operator's store on SQL: lists by primary key with a keyset cursor (no OFFSET), bulk revocation in one
 * statement per table, client deletion with everything issued to it in one transaction.
 */
export const sqlAdminStore = ({ db, run, transaction, clientCache }: SqlContext): AdminStore => {
  const tokensOf = async (table: TokenTable, q: TokenQuery, after: string | undefined, limit: number): Promise<readonly TokenEntry[]> => {
    const key = table === 'grantor_access_tokens' ? 'id' : 'token_hash';
    let query = db.selectFrom(table).selectAll();
    if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
    if (q.subject !== undefined) query = query.where('subject', '=', q.subject);
    if (q.grantId !== undefined) query = query.where('grant_id', '=', q.grantId);
    if (q.status !== undefined) query = query.where(statusFilter(table, q.status, epoch(q.now)));
    if (after !== undefined) query = query.where(sql.ref(key), '>', after);
    const rows = await query.orderBy(sql.ref(key)).limit(limit).execute();
    return table === 'grantor_access_tokens'
      ? rows.map((r) => ({ kind: 'access_token' as const, record: rowToAccess(r as never) }))
      : rows.map((r) => ({ kind: 'refresh_token' as const, record: rowToRefresh(r as never) }));
  };

  return {
    listClients: (q) =>
      run('admin.listClients', async () => {
        let query = db.selectFrom('grantor_clients').selectAll();
        if (q.cursor !== undefined) query = query.where('client_id', '>', q.cursor);
        if (q.search !== undefined) {
          const pattern = containing(q.search);
          query = query.where((eb) => eb.or([sql<SqlBool>`client_id like ${pattern} escape '!'`, sql<SqlBool>`client_name like ${pattern} escape '!'`]));
        }
        // `disabled` lives in the client document, written by JSON.stringify as exactly this member.
        if (q.disabled !== undefined) query = query.where(sql<SqlBool>`document ${sql.raw(q.disabled ? 'like' : 'not like')} ${'%"disabled":true%'}`);
        // `registration` (RFC 7591) is an object in the client document: `{"accessTokenHash":…,"registeredAt":…}`.
        if (q.registered !== undefined) query = query.where(sql<SqlBool>`document ${sql.raw(q.registered === 'dynamic' ? 'like' : 'not like')} ${'%"registration":{"accessTokenHash":%'}`);
        const rows = await query.orderBy('client_id').limit(q.limit + 1).execute();
        const items: Client[] = rows.slice(0, q.limit).map(rowToClient);
        const last = items[items.length - 1];
        return { items, ...(rows.length > q.limit && last !== undefined ? { next: last.clientId } : {}) };
      }),

    deleteClient: (clientId) =>
      run('admin.deleteClient', async () => {
        clientCache.invalidate(clientId);
        try {
          return await transaction(async (trx) => {
            for (const table of ['grantor_access_tokens', 'grantor_refresh_tokens', 'grantor_consents', 'grantor_authorization_codes', 'grantor_interactions', 'grantor_device_codes', 'grantor_client_secret_jwt_keys'] as const) {
              await trx.deleteFrom(table).where('client_id', '=', clientId).execute();
            }
            const deleted = await trx.deleteFrom('grantor_clients').where('client_id', '=', clientId).executeTakeFirst();
            return deleted.numDeletedRows > 0n;
          });
        } finally {
          clientCache.invalidate(clientId);
        }
      }),

    listTokens: (q) =>
      run('admin.listTokens', async () => {
        const cursor = q.cursor ?? '';
        const inRefresh = cursor.startsWith('r:');
        const want = q.limit + 1;
        const access =
          q.kind === 'refresh_token' || inRefresh ? [] : await tokensOf('grantor_access_tokens', q, cursor.startsWith('a:') ? cursor.slice(2) : undefined, want);
        const refresh =
          q.kind === 'access_token' || access.length >= want ? [] : await tokensOf('grantor_refresh_tokens', q, inRefresh ? cursor.slice(2) : undefined, want - access.length);
        const all = [...access, ...refresh];
        const items = all.slice(0, q.limit);
        const last = items[items.length - 1];
        return { items, ...(all.length > q.limit && last !== undefined ? { next: tokenKey(last) } : {}) };
      }),

    /** Two `count(*)` statements (the operator's gauge; scrapes are cached by the caller). */
    countActiveTokens: (now) =>
      run('admin.countActiveTokens', async () => {
        const at = epoch(now);
        const access = await db
          .selectFrom('grantor_access_tokens')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst();
        const refresh = await db
          .selectFrom('grantor_refresh_tokens')
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .where('revoked_at', 'is', null)
          .where('rotated_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst();
        return { accessTokens: Number(access?.n ?? 0), refreshTokens: Number(refresh?.n ?? 0) };
      }),

    revokeTokens: (owner, now) =>
      run('admin.revokeTokens', () =>
        transaction(async (trx) => {
          let n = 0n;
          for (const table of ['grantor_access_tokens', 'grantor_refresh_tokens'] as const) {
            let update = trx.updateTable(table).set({ revoked_at: epoch(now) }).where('revoked_at', 'is', null);
            if (owner.clientId !== undefined) update = update.where('client_id', '=', owner.clientId);
            if (owner.subject !== undefined) update = update.where('subject', '=', owner.subject);
            n += (await update.executeTakeFirst()).numUpdatedRows;
          }
          return Number(n);
        }),
      ),

    listConsents: (q) =>
      run('admin.listConsents', async () => {
        let query = db.selectFrom('grantor_consents').selectAll();
        if (q.subject !== undefined) query = query.where('subject', '=', q.subject);
        if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
        const after = parseConsentCursor(q.cursor);
        if (after !== undefined) {
          const [subject, clientId] = after;
          query = query.where((eb) => eb.or([eb('subject', '>', subject), eb.and([eb('subject', '=', subject), eb('client_id', '>', clientId)])]));
        }
        const rows = await query.orderBy('subject').orderBy('client_id').limit(q.limit + 1).execute();
        const items = rows.slice(0, q.limit).map(rowToConsent);
        const last = items[items.length - 1];
        return { items, ...(rows.length > q.limit && last !== undefined ? { next: JSON.stringify([last.subject, last.clientId]) } : {}) };
      }),

    revokeConsents: (owner) =>
      run('admin.revokeConsents', async () => {
        let del = db.deleteFrom('grantor_consents');
        if (owner.clientId !== undefined) del = del.where('client_id', '=', owner.clientId);
        if (owner.subject !== undefined) del = del.where('subject', '=', owner.subject);
        return Number((await del.executeTakeFirst()).numDeletedRows);
      }),
  };
};

/** A consent cursor is `["subject","client_id"]`; anything else starts from the beginning. */
const parseConsentCursor = (cursor: string | undefined): readonly [string, string] | undefined => {
  if (cursor === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(cursor);
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' ? [v[0], v[1]] : undefined;
  } catch {
    return undefined;
  }
};
