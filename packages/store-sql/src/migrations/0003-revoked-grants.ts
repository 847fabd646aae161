import { sql, type Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `grantor_revoked_grants`: one tombstone per revoked grant (RFC 6749 §4.1.2 code replay, RFC 9700 §4.14.2 refresh
 * reuse, RFC 7009 refresh revocation). `revokeGrant` writes the tombstone before it revokes the grant's rows, and
 * every token saved afterwards is checked against it, so a token whose save raced the revocation ends up revoked too
 * (see `stores/revoked-grants.ts`). Tombstones older than a day are swept: by then no issuance that started before the
 * revocation is still running.
 */
export const m0003RevokedGrants: Migration = {
  id: '0003_revoked_grants',
  up: async (db: Kysely<unknown>, dialect) => {
    const t = db.schema.createTable('grantor_revoked_grants').ifNotExists();
    await (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t)
      .addColumn('grant_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('revoked_at', 'bigint', (c) => c.notNull())
      .execute();
    const index = db.schema.createIndex('grantor_revoked_grants_revoked_at').on('grantor_revoked_grants').column('revoked_at');
    // MySQL has no CREATE INDEX IF NOT EXISTS; a re-run after a half-applied migration meets ER_DUP_KEYNAME (1061)
    await (dialect === 'mysql' ? index.execute().catch((e: unknown) => {
      if ((e as { errno?: unknown }).errno !== 1061) throw e;
    }) : index.ifNotExists().execute());
  },
};
