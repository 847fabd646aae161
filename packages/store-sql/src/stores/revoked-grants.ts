import { sql } from 'kysely';
import type { SqlContext } from '../context.js';
import { statement } from '../prepared.js';

/**
 * Grant tombstones (`grantor_revoked_grants`, migration `0003_revoked_grants`). RFC 6749 §4.1.2 asks that a replayed
 * code revoke the tokens issued from it, RFC 9700 §4.14.2 that a reused refresh token revoke its family. The replay
 * may arrive while the winner is still saving those tokens: revoking "every row of the grant" would then miss the rows
 * not yet written. So revocation and issuance each take two steps, in this order:
 *
 * - revoking: write the tombstone, then revoke the grant's rows;
 * - saving a token of a grant: write (and commit) the row, then revoke it if the grant has a tombstone.
 *
 * Whatever the interleaving, one of the two second steps sees the other side's first step (both are committed
 * statements, read at statement start), so every token of a revoked grant ends up revoked.
 */
export interface GrantTombstones {
  /** Writes the tombstone; the first revocation instant is kept. */
  readonly record: (grantId: string, now: number) => Promise<void>;
  /** After an access token row of `grantId` was committed: revokes it when the grant has a tombstone. */
  readonly checkAccessToken: (id: string, grantId: string) => Promise<void>;
  /** After a refresh token row of `grantId` was committed: revokes it when the grant has a tombstone. */
  readonly checkRefreshToken: (tokenHash: string, grantId: string) => Promise<void>;
}

/** How long a tombstone is kept: far longer than any issuance that started before the revocation can still run. */
export const tombstoneRetentionSeconds = 86_400;

export const sqlGrantTombstones = ({ db, dialect, statements }: SqlContext): GrantTombstones => {
  const record = statement<{ readonly grantId: string; readonly now: number }>(statements, (p) => {
    const insert = db.insertInto('grantor_revoked_grants').values({ grant_id: p('grantId'), revoked_at: p('now') });
    return dialect === 'mysql' ? insert.ignore() : insert.onConflict((oc) => oc.column('grant_id').doNothing());
  });
  const check = (table: 'grantor_access_tokens' | 'grantor_refresh_tokens', key: 'id' | 'token_hash') =>
    statement<{ readonly key: string; readonly grantId: string }>(statements, (p) => ({
      compile: () =>
        sql`update ${sql.table(table)} set revoked_at = (select g.revoked_at from grantor_revoked_grants g where g.grant_id = ${p('grantId')}) where ${sql.ref(key)} = ${p('key')} and revoked_at is null and exists (select 1 from grantor_revoked_grants h where h.grant_id = ${p('grantId')})`.compile(
          db,
        ),
    }));
  const checkAccess = check('grantor_access_tokens', 'id');
  const checkRefresh = check('grantor_refresh_tokens', 'token_hash');
  return {
    record: async (grantId, now) => {
      await record.run({ grantId, now });
    },
    checkAccessToken: async (id, grantId) => {
      await checkAccess.run({ key: id, grantId });
    },
    checkRefreshToken: async (tokenHash, grantId) => {
      await checkRefresh.run({ key: tokenHash, grantId });
    },
  };
};
