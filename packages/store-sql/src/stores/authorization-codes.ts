import type { AuthorizationCodeRecord, AuthorizationCodeStore, ConsumeOutcome } from '@grantor/core/extend';
import { updated, type SqlContext } from '../context.js';
import { codeToRow, epoch, rowToCode } from '../rows.js';
import type { Row } from '../schema.js';

/** The record as it was before the winning redemption: the update only set `redeemed_at` from NULL. */
const beforeRedeem = (row: Row<'grantor_authorization_codes'>): AuthorizationCodeRecord => rowToCode({ ...row, redeemed_at: null });

export const sqlAuthorizationCodeStore = ({ db, dialect, run, transaction }: SqlContext): AuthorizationCodeStore => ({
  /** Saves a record; a record with the same key is replaced (as the memory store does). */
  save: (record) =>
    run('authorizationCodes.save', async () => {
      const row = codeToRow(record);
      const { code_hash: _key, ...rest } = row;
      const insert = db.insertInto('grantor_authorization_codes').values(row);
      await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('code_hash').doUpdateSet(rest))).execute();
    }),

  /**
   * RFC 6749 §4.1.2: a code is used at most once. The conditional `UPDATE … WHERE redeemed_at IS NULL` decides, in
   * the database, which of any number of concurrent redemptions wins; the row is read after it to build the outcome.
   */
  redeem: (codeHash, now) =>
    run('authorizationCodes.redeem', async (): Promise<ConsumeOutcome<AuthorizationCodeRecord>> => {
      const redeem = (q: typeof db) =>
        q.updateTable('grantor_authorization_codes').set({ redeemed_at: epoch(now) }).where('code_hash', '=', codeHash).where('redeemed_at', 'is', null);
      const read = (q: typeof db) => q.selectFrom('grantor_authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (dialect === 'mysql') {
        // No RETURNING: the affected-row count decides; the read runs in the same transaction, under the row lock.
        return transaction(async (trx) => {
          const won = updated(await redeem(trx).executeTakeFirstOrThrow());
          const row = await read(trx);
          if (row === undefined) return { _tag: 'NotFound' };
          return won ? { _tag: 'Consumed', record: beforeRedeem(row) } : { _tag: 'AlreadyConsumed', record: rowToCode(row) };
        });
      }
      const won = await redeem(db).returningAll().executeTakeFirst();
      if (won !== undefined) return { _tag: 'Consumed', record: beforeRedeem(won) };
      const row = await read(db);
      return row === undefined ? { _tag: 'NotFound' } : { _tag: 'AlreadyConsumed', record: rowToCode(row) };
    }),
});
