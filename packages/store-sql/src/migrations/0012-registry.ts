import { sql, type Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * The operator's registry: `grantor_scopes` (RFC 6749 §3.3 scope token, the consent page's description, whether a
 * person may deselect it) and `grantor_resources` (RFC 8707 resources: identifier, accepted scopes space-delimited,
 * access-token format and lifetime, introspecting client ids as a JSON array). Both case-sensitive (MySQL: binary
 * collation).
 */
export const m0012Registry: Migration = {
  id: '0012_registry',
  up: async (db: Kysely<unknown>, dialect) => {
    const table = (name: string) => {
      const t = db.schema.createTable(name).ifNotExists();
      return dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t;
    };
    await table('grantor_scopes')
      .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('description', 'varchar(500)')
      .addColumn('optional', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await table('grantor_resources')
      .addColumn('identifier', 'varchar(512)', (c) => c.primaryKey())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('access_token_format', 'varchar(16)')
      .addColumn('access_token_lifetime', 'integer')
      .addColumn('client_ids', 'text', (c) => c.notNull())
      .execute();
  },
};
