import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Migration } from './types.js';

const table = <N extends string>(db: Kysely<unknown>, dialect: SqlDialect, name: N) => {
  const t = db.schema.createTable(name).ifNotExists();
  return dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t;
};

const index = async (db: Kysely<unknown>, dialect: SqlDialect, name: string, tableName: string, columns: readonly string[]): Promise<void> => {
  const b = db.schema.createIndex(name).on(tableName).columns([...columns]);
  if (dialect !== 'mysql') {
    await b.ifNotExists().execute();
    return;
  }
  // MySQL has no CREATE INDEX IF NOT EXISTS; a re-run after a half-applied migration meets ER_DUP_KEYNAME (1061).
  await b.execute().catch((e: unknown) => {
    if ((e as { errno?: unknown }).errno !== 1061) throw e;
  });
};

/**
 * `grantor_users`: local accounts (subject, unique username, lower-cased email, argon2id hash, claims as JSON,
 * disabled flag, origin, created / last-login times). `grantor_account_tokens`: single-use email verification and
 * password reset tokens, by SHA-256 only, consumed by a conditional update.
 */
export const m0007Users: Migration = {
  id: '0007_users',
  up: async (db: Kysely<unknown>, dialect) => {
    await table(db, dialect, 'grantor_users')
      .addColumn('subject', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('username', 'varchar(255)', (c) => c.notNull().unique())
      .addColumn('email', 'varchar(320)')
      .addColumn('email_verified', 'integer', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('claims', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('origin', 'varchar(32)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_login_at', 'bigint')
      .execute();
    await index(db, dialect, 'grantor_users_email', 'grantor_users', ['email']);
    await table(db, dialect, 'grantor_account_tokens')
      .addColumn('token_hash', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      .addColumn('subject', 'varchar(255)', (c) => c.notNull())
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .execute();
    await index(db, dialect, 'grantor_account_tokens_expires_at', 'grantor_account_tokens', ['expires_at']);
  },
};
