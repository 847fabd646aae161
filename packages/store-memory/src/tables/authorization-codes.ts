import type { AuthorizationCodeRecord, AuthorizationCodeStore } from '@grantor/core/extend';
import { atomically, encodeTime, isExpired, type Interner, type Time } from '../compact.js';
import { deleteMatching, sweepMap, type Scannable, type Table } from './table.js';

interface Row {
  record: AuthorizationCodeRecord;
  expiresAt: Time;
}

/** Authorization codes by code hash. Codes live for seconds, so rows keep the record itself. */
export const authorizationCodeTable = (intern: Interner): Table<AuthorizationCodeStore> & Scannable<AuthorizationCodeRecord> => {
  const rows = new Map<string, Row>();
  return {
    port: {
      save: (record) =>
        atomically(() => {
          rows.set(record.codeHash, { record: Object.freeze({ ...record, clientId: intern.string(record.clientId), scope: intern.list(record.scope) }), expiresAt: encodeTime(record.expiresAt) });
        }),
      /**
       * RFC 6749 §4.1.2 (a code is used at most once): the test of `redeemedAt` and its setting are one synchronous
       * step, so of any number of concurrent redemptions exactly one sees `Consumed`.
       */
      redeem: (codeHash, now) =>
        atomically(() => {
          const row = rows.get(codeHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const record = row.record;
          if (record.redeemedAt !== undefined) return { _tag: 'AlreadyConsumed' as const, record };
          row.record = Object.freeze({ ...record, redeemedAt: now });
          return { _tag: 'Consumed' as const, record };
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget),
    size: () => rows.size,
    scan: () => [...rows.values()].map((row) => row.record),
    deleteWhere: (match) => deleteMatching(rows, (_k, row) => match(row.record)),
  };
};
