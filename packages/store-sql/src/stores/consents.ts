import * as O from 'fp-ts/lib/Option.js';
import type { ConsentStore } from '@grantor/core/extend';
import { lockRows, type SqlContext } from '../context.js';
import { firstRow, statement } from '../prepared.js';
import { epoch, rowToConsent, scopeToText, textToScope } from '../rows.js';
import type { Row } from '../schema.js';

export const sqlConsentStore = ({ db, dialect, run, transaction, statements }: SqlContext): ConsentStore => {
  const find = statement<{ readonly subject: string; readonly clientId: string }>(statements, (p) =>
    db.selectFrom('grantor_consents').selectAll().where('subject', '=', p('subject')).where('client_id', '=', p('clientId')),
  );
  return {
  find: (subject, clientId) =>
    run('consents.find', async () => {
      const row = firstRow(await find.run<Row<'grantor_consents'>>({ subject, clientId }));
      return row === undefined ? O.none : O.some(rowToConsent(row));
    }),

  /**
   * Adds scopes (union). One transaction: insert-if-absent, then lock the row (`FOR UPDATE`; SQLite holds the write
   * lock from `BEGIN IMMEDIATE`), merge, write back, so concurrent grants never lose each other's scopes.
   */
  grant: (record) =>
    run('consents.grant', () =>
      transaction(async (trx) => {
        const values = { subject: record.subject, client_id: record.clientId, scope: scopeToText(record.scope), granted_at: epoch(record.grantedAt) };
        const insert = trx.insertInto('grantor_consents').values(values);
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate({ subject: record.subject })
          : insert.onConflict((oc) => oc.columns(['subject', 'client_id']).doNothing())
        ).execute();
        const row = await lockRows(
          dialect,
          trx.selectFrom('grantor_consents').select('scope').where('subject', '=', record.subject).where('client_id', '=', record.clientId),
        ).executeTakeFirstOrThrow();
        const merged = [...new Set([...textToScope(row.scope), ...record.scope])];
        await trx
          .updateTable('grantor_consents')
          .set({ scope: scopeToText(merged), granted_at: epoch(record.grantedAt) })
          .where('subject', '=', record.subject)
          .where('client_id', '=', record.clientId)
          .execute();
      }),
    ),

  revoke: (subject, clientId) =>
    run('consents.revoke', async () => {
      await db.deleteFrom('grantor_consents').where('subject', '=', subject).where('client_id', '=', clientId).execute();
    }),
  };
};
