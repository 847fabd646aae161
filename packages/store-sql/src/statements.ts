import type { Kysely } from 'kysely';
import type { SqlContext } from './context.js';
import { statement, type Statement } from './prepared.js';
import type { GrantorDatabase, NewRow, Row } from './schema.js';

/**
 * Column lists of the tables written on the hot path, checked complete by the compiler (`satisfies` a record of
 * every column), so a compiled-once insert never drops a column.
 */
type Columns<T extends keyof GrantorDatabase> = Record<keyof Row<T>, true>;

export const accessTokenColumns = {
  id: true, format: true, client_id: true, subject: true, scope: true, grant_id: true, audience: true, auth_time: true,
  issued_at: true, expires_at: true, revoked_at: true, extra: true, last_used_at: true,
} satisfies Columns<'grantor_access_tokens'>;

export const codeColumns = {
  code_hash: true, grant_id: true, client_id: true, redirect_uri: true, subject: true, scope: true, pkce_challenge: true,
  pkce_method: true, nonce: true, auth_time: true, acr: true, issued_at: true, expires_at: true, redeemed_at: true, resource: true,
  dpop_jkt: true,
} satisfies Columns<'grantor_authorization_codes'>;

export const refreshColumns = {
  token_hash: true, grant_id: true, client_id: true, subject: true, scope: true, granted_scope: true, nonce: true,
  auth_time: true, issued_at: true, expires_at: true, rotated_at: true, successor_hash: true, revoked_at: true, resource: true,
  dpop_jkt: true,
} satisfies Columns<'grantor_refresh_tokens'>;

export const clientColumns = {
  client_id: true, client_name: true, token_endpoint_auth_method: true, secret_hashes: true, document: true,
} satisfies Columns<'grantor_clients'>;

type Loose = Record<string, unknown>;

/**
 * `INSERT` of a whole row, compiled once; with `key`, an upsert that replaces every other column of an existing row
 * (`ON CONFLICT (key) DO UPDATE`, MySQL `ON DUPLICATE KEY UPDATE`). Parameters: the row (`NewRow<T>`, every column).
 */
export const insertStatement = <T extends keyof GrantorDatabase>(
  { db, dialect, statements }: SqlContext,
  table: T,
  columns: Columns<T>,
  key?: keyof Row<T> & string,
): Statement<NewRow<T>> =>
  statement<NewRow<T>>(statements, (p) => {
    const names = Object.keys(columns);
    const param = p as unknown as (name: string) => unknown;
    const row: Loose = Object.fromEntries(names.map((c) => [c, param(c)]));
    // The table's row type is generic here; Kysely's builder types are checked on the concrete tables elsewhere.
    const insert = (db as unknown as Kysely<Record<string, Loose>>).insertInto(table).values(row);
    if (key === undefined) return insert;
    const rest: Loose = Object.fromEntries(names.filter((c) => c !== key).map((c) => [c, param(c)]));
    return dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest as never) : insert.onConflict((oc) => oc.column(key).doUpdateSet(rest as never));
  });
