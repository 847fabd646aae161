import { sql } from 'kysely';
import type { Sweeper } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';

/** Tables with an `expires_at` column and their primary key. */
const expiring = [
  ['grantor_authorization_codes', 'code_hash'],
  ['grantor_access_tokens', 'id'],
  ['grantor_refresh_tokens', 'token_hash'],
  ['grantor_interactions', 'id'],
  ['grantor_device_codes', 'device_code_hash'],
  ['grantor_replay_cache', 'replay_key'],
  ['grantor_account_tokens', 'token_hash'],
] as const;

/**
 * Deletes rows with `expires_at <= now` in bounded batches (never one unbounded DELETE): at most `sweepBatchSize`
 * rows per statement and `sweepMaxBatches` statements per table per call; a later call continues.
 */
export const sqlSweeper = ({ db, dialect, run, sweepBatchSize, sweepMaxBatches }: SqlContext): Sweeper => ({
  sweep: (now) =>
    run('sweeper.sweep', async () => {
      const cutoff = epoch(now);
      let total = 0;
      for (const [table, pk] of expiring) {
        for (let batch = 0; batch < sweepMaxBatches; batch++) {
          const t = sql.table(table);
          const k = sql.ref(pk);
          const statement =
            dialect === 'mysql'
              ? sql`delete from ${t} where expires_at <= ${cutoff} order by expires_at limit ${sql.lit(sweepBatchSize)}`
              : dialect === 'postgres'
                ? sql`delete from ${t} where ${k} in (select ${k} from ${t} where expires_at <= ${cutoff} limit ${sql.lit(sweepBatchSize)} for update skip locked)`
                : sql`delete from ${t} where ${k} in (select ${k} from ${t} where expires_at <= ${cutoff} limit ${sql.lit(sweepBatchSize)})`;
          const result = await statement.execute(db);
          const n = Number(result.numAffectedRows ?? 0n);
          total += n;
          if (n < sweepBatchSize) break;
        }
      }
      return total;
    }),
});
