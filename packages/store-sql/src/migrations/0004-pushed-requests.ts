import { sql, type Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `grantor_pushed_requests`: RFC 9126 pushed authorization requests, keyed by the SHA-256 of the `request_uri`'s
 * random reference. `params` is the JSON of the pushed parameters (name → values); `used_at` is set once, by the
 * conditional update that uses the request (single use).
 */
export const m0004PushedRequests: Migration = {
  id: '0004_pushed_requests',
  up: async (db: Kysely<unknown>, dialect) => {
    const t = db.schema.createTable('grantor_pushed_requests').ifNotExists();
    await (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t)
      .addColumn('request_uri_hash', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    const index = db.schema.createIndex('grantor_pushed_requests_expires_at').on('grantor_pushed_requests').columns(['expires_at']);
    if (dialect !== 'mysql') {
      await index.ifNotExists().execute();
      return;
    }
    // MySQL has no CREATE INDEX IF NOT EXISTS; a re-run after a half-applied migration meets ER_DUP_KEYNAME (1061).
    await index.execute().catch((e: unknown) => {
      if ((e as { errno?: unknown }).errno !== 1061) throw e;
    });
  },
};
