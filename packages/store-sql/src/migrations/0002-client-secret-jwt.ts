import { sql, type Kysely } from 'kysely';
import type { Migration } from './types.js';

/**
 * `grantor_client_secret_jwt_keys`: the shared secret of each `client_secret_jwt` client (RFC 7523 §2.2 verifies
 * the HMAC assertion with the secret itself, so a hash is not enough), keyed by `client_id`. `sealed_key` holds the
 * secret as an `oct` JWK passed through the store's `privateKeySealer` — encrypted when one is configured, JSON in
 * clear otherwise. That recoverable secret is why `client_secret_jwt` is discouraged in favour of `private_key_jwt`.
 */
export const m0002ClientSecretJwt: Migration = {
  id: '0002_client_secret_jwt',
  up: async (db: Kysely<unknown>, dialect) => {
    const t = db.schema.createTable('grantor_client_secret_jwt_keys').ifNotExists();
    await (dialect === 'mysql' ? t.modifyEnd(sql`engine = InnoDB default charset = utf8mb4 collate = utf8mb4_bin`) : t)
      .addColumn('client_id', 'varchar(255)', (c) => c.primaryKey())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .execute();
  },
};
