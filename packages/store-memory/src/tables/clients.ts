import * as O from 'fp-ts/lib/Option.js';
import type { Client } from '@grantor/core';
import type { ClientStore, RegisteredClientStore } from '@grantor/core/extend';
import { atomically } from '../compact.js';
import { deleteMatching, type Scannable, type Table } from './table.js';

/** Registered clients by `clientId` (kept as frozen shallow copies). Clients never expire, so the sweep leaves them alone. */
export const clientTable = (): Table<ClientStore> & Scannable<Client> & { readonly registered: RegisteredClientStore } => {
  const rows = new Map<string, Client>();
  return {
    port: {
      find: (clientId) => atomically(() => O.fromNullable(rows.get(clientId))),
      save: (client) =>
        atomically(() => {
          rows.set(client.clientId, Object.freeze({ ...client }));
        }),
    },
    /** RFC 7592 §2.3 deletion and the list of registered clients (RFC 7591). */
    registered: {
      remove: (clientId) => atomically(() => rows.delete(clientId)),
      listRegistered: () => atomically(() => [...rows.values()].filter((c) => c.registration !== undefined)),
    },
    sweep: () => 0,
    scan: () => [...rows.values()],
    deleteWhere: (match) => deleteMatching(rows, (_id, c) => match(c)),
    size: () => rows.size,
  };
};
