import * as O from 'fp-ts/lib/Option.js';
import type { RefreshTokenStore, RotateOutcome } from '@grantor/core/extend';
import { updated, type SqlContext } from '../context.js';
import { epoch, refreshToRow, rowToRefresh } from '../rows.js';

export const sqlRefreshTokenStore = ({ db, dialect, run, transaction }: SqlContext): RefreshTokenStore => ({
  /** Saves a record; a record with the same key is replaced (as the memory store does). */
  save: (record) =>
    run('refreshTokens.save', async () => {
      const row = refreshToRow(record);
      const { token_hash: _key, ...rest } = row;
      const insert = db.insertInto('grantor_refresh_tokens').values(row);
      await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('token_hash').doUpdateSet(rest))).execute();
    }),
  find: (tokenHash) =>
    run('refreshTokens.find', async () => {
      const row = await db.selectFrom('grantor_refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row === undefined ? O.none : O.some(rowToRefresh(row));
    }),

  /**
   * RFC 9700 §4.14.2 refresh-token rotation, in ONE transaction: the conditional update of the presented token
   * (`WHERE rotated_at IS NULL AND revoked_at IS NULL`) decides; only the winner inserts the successor. Either both
   * happen or neither (a connection lost mid-way rolls the transaction back).
   */
  rotate: (tokenHash, successor, now) =>
    run('refreshTokens.rotate', () =>
      transaction(async (trx): Promise<RotateOutcome> => {
        const result = await trx
          .updateTable('grantor_refresh_tokens')
          .set({ rotated_at: epoch(now), successor_hash: successor.tokenHash })
          .where('token_hash', '=', tokenHash)
          .where('rotated_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirstOrThrow();
        const won = updated(result);
        if (won) await trx.insertInto('grantor_refresh_tokens').values(refreshToRow(successor)).execute();
        const row = await trx.selectFrom('grantor_refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
        if (row === undefined) return { _tag: 'NotFound' };
        return won
          ? { _tag: 'Rotated', previous: rowToRefresh({ ...row, rotated_at: null, successor_hash: null }) }
          : { _tag: 'NotActive', previous: rowToRefresh(row) };
      }),
    ),

  /** RFC 9700 §4.14.2: reuse detection revokes the whole family, in one statement (indexed by `grant_id`). */
  revokeGrant: (grantId, now) =>
    run('refreshTokens.revokeGrant', async () => {
      await db.updateTable('grantor_refresh_tokens').set({ revoked_at: epoch(now) }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).execute();
    }),
});
