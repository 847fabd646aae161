import * as O from 'fp-ts/lib/Option.js';
import type { ConsentRecord, ConsentStore } from '@grantor/core/extend';
import { atomically, type Interner } from '../compact.js';
import type { Scannable, Table } from './table.js';

/** Remembered consent, by subject then client. Consent does not expire; the sweep leaves it alone. */
export const consentTable = (intern: Interner): Table<ConsentStore> & Scannable<ConsentRecord> => {
  const bySubject = new Map<string, Map<string, ConsentRecord>>();
  let count = 0;
  return {
    port: {
      find: (subject, clientId) => atomically(() => O.fromNullable(bySubject.get(subject)?.get(clientId))),
      /** Adds the scopes to what the subject already granted the client (a union; order of first grant kept). */
      grant: (record) =>
        atomically(() => {
          let byClient = bySubject.get(record.subject);
          if (byClient === undefined) {
            byClient = new Map();
            bySubject.set(record.subject, byClient);
          }
          const existing = byClient.get(record.clientId);
          if (existing === undefined) count++;
          const scope = existing === undefined ? record.scope : [...new Set([...existing.scope, ...record.scope])];
          byClient.set(record.clientId, Object.freeze({ ...record, clientId: intern.string(record.clientId), scope: intern.list(scope) }));
        }),
      revoke: (subject, clientId) =>
        atomically(() => {
          const byClient = bySubject.get(subject);
          if (byClient?.delete(clientId) === true) count--;
          if (byClient?.size === 0) bySubject.delete(subject);
        }),
    },
    sweep: () => 0,
    size: () => count,
    scan: () => [...bySubject.values()].flatMap((byClient) => [...byClient.values()]),
    deleteWhere: (match) => {
      let n = 0;
      for (const [subject, byClient] of bySubject) {
        for (const [clientId, record] of byClient) {
          if (match(record)) {
            byClient.delete(clientId);
            n++;
          }
        }
        if (byClient.size === 0) bySubject.delete(subject);
      }
      count -= n;
      return n;
    },
  };
};
