import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../dialect.js';
import type { Migration } from './types.js';

const index = async (db: Kysely<unknown>, dialect: SqlDialect, name: string, columns: readonly string[]): Promise<void> => {
  const b = db.schema.createIndex(name).on('grantor_login_sessions').columns([...columns]);
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
 * `grantor_login_sessions`: signed-in browser sessions of the reference server's pages, by the SHA-256 of the session
 * id (never the id), with subject, `auth_time`, RFC 8176 `amr`, created / last-seen / idle-expiry times and the
 * browser's name. Indexed by subject (the per-user bound, the account page, sign-out everywhere) and by expiry (sweeper).
 */
export const m0008LoginSessions: Migration = {
  id: '0008_login_sessions',
  up: async (db: Kysely<unknown>, dialect) => {
    const t = db.schema.createTable('grantor_login_sessions').ifNotExists();
    await (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t)
      .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('subject', 'varchar(255)', (c) => c.notNull())
      .addColumn('auth_time', 'bigint', (c) => c.notNull())
      .addColumn('amr', 'varchar(255)', (c) => c.notNull())
      .addColumn('interaction_id', 'varchar(255)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('user_agent', 'varchar(255)')
      .execute();
    await index(db, dialect, 'grantor_login_sessions_subject', ['subject', 'created_at']);
    await index(db, dialect, 'grantor_login_sessions_expires_at', ['expires_at']);
  },
};
