import * as O from 'fp-ts/lib/Option.js';
import type { AccessTokenStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { accessToRow, epoch, rowToAccess } from '../rows.js';

export const sqlAccessTokenStore = ({ db, dialect, run }: SqlContext): AccessTokenStore => ({
  /** Saves a record; a record with the same key is replaced (as the memory store does). */
  save: (record) =>
    run('accessTokens.save', async () => {
      const row = accessToRow(record);
      const { id: _key, ...rest } = row;
      const insert = db.insertInto('grantor_access_tokens').values(row);
      await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('id').doUpdateSet(rest))).execute();
    }),
  find: (id) =>
    run('accessTokens.find', async () => {
      const row = await db.selectFrom('grantor_access_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? O.none : O.some(rowToAccess(row));
    }),
  /** RFC 7009 §2.2: revocation is idempotent; the first revocation time is kept. */
  revoke: (id, now) =>
    run('accessTokens.revoke', async () => {
      await db.updateTable('grantor_access_tokens').set({ revoked_at: epoch(now) }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    }),
  /** RFC 6749 §4.1.2 / RFC 9700 §4.14.2: every token of the grant, in one statement (indexed by `grant_id`). */
  revokeGrant: (grantId, now) =>
    run('accessTokens.revokeGrant', async () => {
      await db.updateTable('grantor_access_tokens').set({ revoked_at: epoch(now) }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).execute();
    }),
});
