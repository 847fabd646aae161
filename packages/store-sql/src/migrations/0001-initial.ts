import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Migration } from './types.js';

/** Keys and hashes: `varchar(255)`; MySQL tables use a binary collation so base64url hashes compare case-sensitively. */
const key = 'varchar(255)';
const epoch = 'bigint';

const table = <N extends string>(db: Kysely<unknown>, dialect: SqlDialect, name: N): CreateTableBuilder<N, never> => {
  const t = db.schema.createTable(name).ifNotExists();
  return dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t;
};

const index = async (db: Kysely<unknown>, dialect: SqlDialect, name: string, tableName: string, columns: readonly string[], unique = false): Promise<void> => {
  let b = db.schema.createIndex(name).on(tableName).columns([...columns]);
  if (unique) b = b.unique();
  if (dialect !== 'mysql') {
    await b.ifNotExists().execute();
    return;
  }
  // MySQL has no CREATE INDEX IF NOT EXISTS; a re-run after a half-applied migration meets ER_DUP_KEYNAME (1061).
  await b.execute().catch((e: unknown) => {
    if ((e as { errno?: unknown }).errno !== 1061) throw e;
  });
};

export const m0001Initial: Migration = {
  id: '0001_initial',
  up: async (db, dialect) => {
    await table(db, dialect, 'grantor_clients')
      .addColumn('client_id', key, (c) => c.primaryKey())
      .addColumn('client_name', 'text')
      .addColumn('token_endpoint_auth_method', 'varchar(64)', (c) => c.notNull())
      .addColumn('secret_hashes', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .execute();

    await table(db, dialect, 'grantor_authorization_codes')
      .addColumn('code_hash', key, (c) => c.primaryKey())
      .addColumn('grant_id', key, (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('subject', key, (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('pkce_challenge', 'varchar(255)')
      .addColumn('pkce_method', 'varchar(16)')
      .addColumn('nonce', 'text')
      .addColumn('auth_time', epoch)
      .addColumn('acr', 'text')
      .addColumn('issued_at', epoch, (c) => c.notNull())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .addColumn('redeemed_at', epoch)
      .execute();
    await index(db, dialect, 'grantor_authorization_codes_grant_id', 'grantor_authorization_codes', ['grant_id']);
    await index(db, dialect, 'grantor_authorization_codes_expires_at', 'grantor_authorization_codes', ['expires_at']);

    await table(db, dialect, 'grantor_access_tokens')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('format', 'varchar(16)', (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('subject', key)
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('grant_id', key)
      .addColumn('audience', 'text')
      .addColumn('auth_time', epoch)
      .addColumn('issued_at', epoch, (c) => c.notNull())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .addColumn('revoked_at', epoch)
      .addColumn('extra', 'text')
      .execute();
    await index(db, dialect, 'grantor_access_tokens_grant_id', 'grantor_access_tokens', ['grant_id']);
    await index(db, dialect, 'grantor_access_tokens_expires_at', 'grantor_access_tokens', ['expires_at']);

    await table(db, dialect, 'grantor_refresh_tokens')
      .addColumn('token_hash', key, (c) => c.primaryKey())
      .addColumn('grant_id', key, (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('subject', key, (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('granted_scope', 'text', (c) => c.notNull())
      .addColumn('nonce', 'text')
      .addColumn('auth_time', epoch)
      .addColumn('issued_at', epoch, (c) => c.notNull())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .addColumn('rotated_at', epoch)
      .addColumn('successor_hash', key)
      .addColumn('revoked_at', epoch)
      .execute();
    await index(db, dialect, 'grantor_refresh_tokens_grant_id', 'grantor_refresh_tokens', ['grant_id']);
    await index(db, dialect, 'grantor_refresh_tokens_expires_at', 'grantor_refresh_tokens', ['expires_at']);

    await table(db, dialect, 'grantor_consents')
      .addColumn('subject', key, (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('granted_at', epoch, (c) => c.notNull())
      .addPrimaryKeyConstraint('grantor_consents_pk', ['subject', 'client_id'])
      .execute();
    await index(db, dialect, 'grantor_consents_client_id', 'grantor_consents', ['client_id']);

    await table(db, dialect, 'grantor_interactions')
      .addColumn('id', key, (c) => c.primaryKey())
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('state', 'text')
      .addColumn('pkce_challenge', 'varchar(255)')
      .addColumn('pkce_method', 'varchar(16)')
      .addColumn('nonce', 'text')
      .addColumn('prompt', 'text', (c) => c.notNull())
      .addColumn('max_age', epoch)
      .addColumn('login_hint', 'text')
      .addColumn('ui_locales', 'text')
      .addColumn('claims', 'text')
      .addColumn('response_mode', 'varchar(32)', (c) => c.notNull())
      .addColumn('user_code_hash', key)
      .addColumn('created_at', epoch, (c) => c.notNull())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .addColumn('finished_at', epoch)
      .execute();
    await index(db, dialect, 'grantor_interactions_expires_at', 'grantor_interactions', ['expires_at']);

    await table(db, dialect, 'grantor_device_codes')
      .addColumn('device_code_hash', key, (c) => c.primaryKey())
      .addColumn('user_code_hash', key, (c) => c.notNull())
      .addColumn('client_id', key, (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('subject', key)
      .addColumn('granted_scope', 'text')
      .addColumn('auth_time', epoch)
      .addColumn('grant_id', key, (c) => c.notNull())
      .addColumn('poll_interval', 'integer', (c) => c.notNull())
      .addColumn('last_polled_at', epoch)
      .addColumn('issued_at', epoch, (c) => c.notNull())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .execute();
    await index(db, dialect, 'grantor_device_codes_user_code_hash', 'grantor_device_codes', ['user_code_hash'], true);
    await index(db, dialect, 'grantor_device_codes_expires_at', 'grantor_device_codes', ['expires_at']);

    await table(db, dialect, 'grantor_replay_cache')
      .addColumn('replay_key', key, (c) => c.primaryKey())
      .addColumn('expires_at', epoch, (c) => c.notNull())
      .execute();
    await index(db, dialect, 'grantor_replay_cache_expires_at', 'grantor_replay_cache', ['expires_at']);

    await table(db, dialect, 'grantor_signing_keys')
      .addColumn('kid', key, (c) => c.primaryKey())
      .addColumn('alg', 'varchar(32)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', epoch, (c) => c.notNull())
      .addColumn('retired_at', epoch)
      .execute();
    await index(db, dialect, 'grantor_signing_keys_status', 'grantor_signing_keys', ['status']);
  },
};
