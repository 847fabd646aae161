import * as O from 'fp-ts/lib/Option.js';
import type { Client } from '@grantor/core';
import type { ClientStore } from '@grantor/core/extend';
import { atomically } from '../compact.js';
import { deleteMatching, type Scannable, type Table } from './table.js';

/** Registered clients by `clientId` (kept as frozen shallow copies). Clients never expire, so the sweep leaves them alone. */
export const clientTable = (): Table<ClientStore> & Scannable<Client> => {
  const rows = new Map<string, Client>();
  return {
    port: {
      find: (clientId) => atomically(() => O.fromNullable(rows.get(clientId))),
      save: (client) =>
        atomically(() => {
          rows.set(client.clientId, Object.freeze({ ...client }));
        }),
    },
    sweep: () => 0,
    scan: () => [...rows.values()],
    deleteWhere: (match) => deleteMatching(rows, (_id, c) => match(c)),
    size: () => rows.size,
  };
};
