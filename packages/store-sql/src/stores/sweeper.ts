import { sql } from 'kysely';
import type { Sweeper } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';
import { tombstoneRetentionSeconds } from './revoked-grants.js';

/** Tables with an expiry column, the column and their primary key. */
const expiring = [
  ['grantor_authorization_codes', 'code_hash', 'expires_at'],
  ['grantor_access_tokens', 'id', 'expires_at'],
  ['grantor_refresh_tokens', 'token_hash', 'expires_at'],
  ['grantor_interactions', 'id', 'expires_at'],
  ['grantor_device_codes', 'device_code_hash', 'expires_at'],
  ['grantor_replay_cache', 'replay_key', 'expires_at'],
  // grant tombstones expire `tombstoneRetentionSeconds` after the revocation (the cutoff is moved back below)
  ['grantor_revoked_grants', 'grant_id', 'revoked_at'],
  ['grantor_pushed_requests', 'request_uri_hash', 'expires_at'],
  ['grantor_account_tokens', 'token_hash', 'expires_at'],
  ['grantor_login_sessions', 'id_hash', 'expires_at'],
] as const;

/**
 * Deletes rows with `expires_at <= now` (grant tombstones: `revoked_at <= now - tombstoneRetentionSeconds`) in bounded batches (never one unbounded DELETE): at most `sweepBatchSize`
 * rows per statement and `sweepMaxBatches` statements per table per call; a later call continues.
 */
export const sqlSweeper = ({ db, dialect, run, sweepBatchSize, sweepMaxBatches }: SqlContext): Sweeper => ({
  sweep: (now) =>
    run('sweeper.sweep', async () => {
      let total = 0;
      for (const [table, pk, column] of expiring) {
        const cutoff = epoch(table === 'grantor_revoked_grants' ? now - tombstoneRetentionSeconds : now);
        for (let batch = 0; batch < sweepMaxBatches; batch++) {
          const t = sql.table(table);
          const k = sql.ref(pk);
          const at = sql.ref(column);
          const statement =
            dialect === 'mysql'
              ? sql`delete from ${t} where ${at} <= ${cutoff} order by ${at} limit ${sql.lit(sweepBatchSize)}`
              : dialect === 'postgres'
                ? sql`delete from ${t} where ${k} in (select ${k} from ${t} where ${at} <= ${cutoff} limit ${sql.lit(sweepBatchSize)} for update skip locked)`
                : sql`delete from ${t} where ${k} in (select ${k} from ${t} where ${at} <= ${cutoff} limit ${sql.lit(sweepBatchSize)})`;
          const result = await statement.execute(db);
          const n = Number(result.numAffectedRows ?? 0n);
          total += n;
          if (n < sweepBatchSize) break;
        }
      }
      return total;
    }),
});
