import type { PushedRequestRecord, PushedRequestStore } from '@grantor/core/extend';
import { atomically, encodeTime, isExpired, type Time } from '../compact.js';
import { sweepMap, type Table } from './table.js';

interface Row {
  record: PushedRequestRecord;
  readonly expiresAt: Time;
}

/** RFC 9126 pushed authorization requests by `request_uri` hash. */
export const pushedRequestTable = (): Table<PushedRequestStore> => {
  const rows = new Map<string, Row>();
  return {
    port: {
      save: (record) =>
        atomically(() => {
          rows.set(record.requestUriHash, { record: Object.freeze({ ...record }), expiresAt: encodeTime(record.expiresAt) });
        }),
      /** RFC 9126 §4: a `request_uri` is used once; the test of `usedAt` and its setting are one synchronous step. */
      use: (requestUriHash, now) =>
        atomically(() => {
          const row = rows.get(requestUriHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const record = row.record;
          if (record.usedAt !== undefined) return { _tag: 'AlreadyConsumed' as const, record };
          row.record = Object.freeze({ ...record, usedAt: now });
          return { _tag: 'Consumed' as const, record };
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget),
    size: () => rows.size,
  };
};
