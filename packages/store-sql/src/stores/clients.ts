import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type { ClientStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { firstRow, statement } from '../prepared.js';
import { clientToRow, rowToClient } from '../rows.js';
import type { Row } from '../schema.js';
import { clientColumns, insertStatement } from '../statements.js';

/**
 * Clients, read through the store's client cache (`client-cache.ts`): a hit answers without a query; `save`
 * invalidates the entry before and after its write.
 */
export const sqlClientStore = (ctx: SqlContext): ClientStore => {
  const { db, run, clientCache } = ctx;
  const find = statement<{ readonly clientId: string }>(ctx.statements, (p) => db.selectFrom('grantor_clients').selectAll().where('client_id', '=', p('clientId')));
  const save = insertStatement(ctx, 'grantor_clients', clientColumns, 'client_id');
  return {
    find: (clientId) => {
      const cached = clientCache.getClient(clientId);
      if (cached !== undefined) return () => Promise.resolve(E.right(O.some(cached)));
      return run('clients.find', async () => {
        const stamp = clientCache.stamp();
        const row = firstRow(await find.run<Row<'grantor_clients'>>({ clientId }));
        if (row === undefined) return O.none;
        const client = rowToClient(row);
        clientCache.putClient(stamp, client);
        return O.some(client);
      });
    },
    /** One upsert statement (insert, or replace every column of an existing client). */
    save: (client) =>
      run('clients.save', async () => {
        clientCache.invalidate(client.clientId);
        try {
          await save.run(clientToRow(client));
        } finally {
          clientCache.invalidate(client.clientId);
        }
      }),
  };
};
