import type { AuthorizationCodeRecord, AuthorizationCodeStore, ConsumeOutcome } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { changed, firstRow, statement } from '../prepared.js';
import { codeToRow, epoch, rowToCode } from '../rows.js';
import type { Row } from '../schema.js';
import { codeColumns, insertStatement } from '../statements.js';

/** The record as it was before the winning redemption: the update only set `redeemed_at` from NULL. */
const beforeRedeem = (row: Row<'grantor_authorization_codes'>): AuthorizationCodeRecord => rowToCode({ ...row, redeemed_at: null });

type CodeRow = Row<'grantor_authorization_codes'>;

export const sqlAuthorizationCodeStore = (ctx: SqlContext): AuthorizationCodeStore => {
  const { db, dialect, run, transaction, statements } = ctx;
  const save = insertStatement(ctx, 'grantor_authorization_codes', codeColumns, 'code_hash');
  // PostgreSQL/SQLite: `RETURNING` gives the row in the same statement; MySQL: the affected-row count.
  const redeem = statement<{ readonly codeHash: string; readonly now: number }>(statements, (p) => {
    const q = db.updateTable('grantor_authorization_codes').set({ redeemed_at: p('now') }).where('code_hash', '=', p('codeHash')).where('redeemed_at', 'is', null);
    return dialect === 'mysql' ? q : q.returningAll();
  });
  const read = statement<{ readonly codeHash: string }>(statements, (p) => db.selectFrom('grantor_authorization_codes').selectAll().where('code_hash', '=', p('codeHash')));
  return {
    /** Saves a record; a record with the same key is replaced (as the memory store does). */
    save: (record) =>
      run('authorizationCodes.save', async () => {
        await save.run(codeToRow(record));
      }),

    /**
     * RFC 6749 §4.1.2: a code is used at most once. The conditional `UPDATE … WHERE redeemed_at IS NULL` decides, in
     * the database, which of any number of concurrent redemptions wins; the row is read after it to build the outcome.
     */
    redeem: (codeHash, now) =>
      run('authorizationCodes.redeem', async (): Promise<ConsumeOutcome<AuthorizationCodeRecord>> => {
        const params = { codeHash, now: epoch(now) };
        if (dialect === 'mysql') {
          // No RETURNING: the affected-row count decides; the read runs in the same transaction, under the row lock.
          return transaction(async (trx) => {
            const won = changed(await redeem.run(params, trx));
            const row = firstRow(await read.run<CodeRow>(params, trx));
            if (row === undefined) return { _tag: 'NotFound' };
            return won ? { _tag: 'Consumed', record: beforeRedeem(row) } : { _tag: 'AlreadyConsumed', record: rowToCode(row) };
          });
        }
        const won = firstRow(await redeem.run<CodeRow>(params));
        if (won !== undefined) return { _tag: 'Consumed', record: beforeRedeem(won) };
        const row = firstRow(await read.run<CodeRow>(params));
        return row === undefined ? { _tag: 'NotFound' } : { _tag: 'AlreadyConsumed', record: rowToCode(row) };
      }),
  };
};
