import type { RegisteredClientStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import { rowToClient } from '../rows.js';

/**
 * RFC 7591 / RFC 7592 on SQL: deleting a client (its row and its `client_secret_jwt` key, in one transaction, with
 * the client cache invalidated before and after) and listing the clients registered through the endpoint (their
 * `registration` lives in the client document).
 */
export const sqlRegisteredClientStore = (ctx: SqlContext): RegisteredClientStore => {
  const { run, transaction, clientCache } = ctx;
  return {
    remove: (clientId) =>
      run('registeredClients.remove', async () => {
        clientCache.invalidate(clientId);
        try {
          return await transaction(async (trx) => {
            await trx.deleteFrom('grantor_client_secret_jwt_keys').where('client_id', '=', clientId).execute();
            const result = await trx.deleteFrom('grantor_clients').where('client_id', '=', clientId).executeTakeFirst();
            return Number(result.numDeletedRows) > 0;
          });
        } finally {
          clientCache.invalidate(clientId);
        }
      }),
    listRegistered: () =>
      run('registeredClients.listRegistered', async () => {
        const rows = await ctx.db.selectFrom('grantor_clients').selectAll().where('document', 'like', '%"registration":%').execute();
        return rows.map(rowToClient).filter((c) => c.registration !== undefined);
      }),
  };
};
