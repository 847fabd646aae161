import * as O from 'fp-ts/lib/Option.js';
import type { ClientStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { clientToRow, rowToClient } from '../rows.js';

export const sqlClientStore = ({ db, dialect, run }: SqlContext): ClientStore => ({
  find: (clientId) =>
    run('clients.find', async () => {
      const row = await db.selectFrom('grantor_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row === undefined ? O.none : O.some(rowToClient(row));
    }),
  /** One upsert statement (insert, or replace every column of an existing client). */
  save: (client) =>
    run('clients.save', async () => {
      const row = clientToRow(client);
      const { client_id: _id, ...rest } = row;
      const insert = db.insertInto('grantor_clients').values(row);
      await (dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate(rest)
        : insert.onConflict((oc) => oc.column('client_id').doUpdateSet(rest))
      ).execute();
    }),
});
