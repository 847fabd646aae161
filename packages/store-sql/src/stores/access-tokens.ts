import * as O from 'fp-ts/lib/Option.js';
import type { AccessTokenStore, TokenUsageStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { firstRow, statement } from '../prepared.js';
import { accessToRow, epoch, rowToAccess } from '../rows.js';
import type { Row } from '../schema.js';
import { accessTokenColumns, insertStatement } from '../statements.js';
import { sqlGrantTombstones } from './revoked-grants.js';

export const sqlAccessTokenStore = (ctx: SqlContext): AccessTokenStore => {
  const { db, run, statements } = ctx;
  const tombstones = sqlGrantTombstones(ctx);
  const save = insertStatement(ctx, 'grantor_access_tokens', accessTokenColumns, 'id');
  const find = statement<{ readonly id: string }>(statements, (p) => db.selectFrom('grantor_access_tokens').selectAll().where('id', '=', p('id')));
  const revoke = statement<{ readonly id: string; readonly now: number }>(statements, (p) =>
    db.updateTable('grantor_access_tokens').set({ revoked_at: p('now') }).where('id', '=', p('id')).where('revoked_at', 'is', null),
  );
  const revokeGrant = statement<{ readonly grantId: string; readonly now: number }>(statements, (p) =>
    db.updateTable('grantor_access_tokens').set({ revoked_at: p('now') }).where('grant_id', '=', p('grantId')).where('revoked_at', 'is', null),
  );
  return {
    /**
     * Saves a record; a record with the same key is replaced (as the memory store does). A token of a grant is then
     * checked against the grant's tombstone (a revocation that raced this save, see `revoked-grants.ts`).
     */
    save: (record) =>
      run('accessTokens.save', async () => {
        await save.run(accessToRow(record));
        if (record.grantId !== undefined) await tombstones.checkAccessToken(record.id, record.grantId);
      }),
    find: (id) =>
      run('accessTokens.find', async () => {
        const row = firstRow(await find.run<Row<'grantor_access_tokens'>>({ id }));
        return row === undefined ? O.none : O.some(rowToAccess(row));
      }),
    /** RFC 7009 §2.2: revocation is idempotent; the first revocation time is kept. */
    revoke: (id, now) =>
      run('accessTokens.revoke', async () => {
        await revoke.run({ id, now: epoch(now) });
      }),
    /**
     * RFC 6749 §4.1.2 / RFC 9700 §4.14.2: the grant's tombstone (so tokens still being saved end up revoked), then
     * every token of the grant in one statement (indexed by `grant_id`).
     */
    revokeGrant: (grantId, now) =>
      run('accessTokens.revokeGrant', async () => {
        await tombstones.record(grantId, epoch(now));
        await revokeGrant.run({ grantId, now: epoch(now) });
      }),
  };
};

/**
 * Usage tracking: one transaction per batch, one conditional update per use (`last_used_at` only moves forward, so a
 * late batch from another node never moves it back); unknown ids change nothing.
 */
export const sqlTokenUsageStore = ({ run, transaction }: SqlContext): TokenUsageStore => ({
  recordUses: (uses) =>
    run('accessTokenUsage.recordUses', async () => {
      if (uses.length === 0) return 0;
      return transaction(async (trx) => {
        let changed = 0n;
        for (const use of uses) {
          const at = epoch(use.at);
          const r = await trx
            .updateTable('grantor_access_tokens')
            .set({ last_used_at: at })
            .where('id', '=', use.id)
            .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
            .executeTakeFirst();
          changed += r.numUpdatedRows;
        }
        return Number(changed);
      });
    }),
});
