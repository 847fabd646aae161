import * as O from 'fp-ts/lib/Option.js';
import type { InteractionRecord, InteractionStore } from '@grantor/core/extend';
import { atomically, isExpired, encodeTime, type Time } from '../compact.js';
import { deleteMatching, sweepMap, type Scannable, type Table } from './table.js';

interface Row {
  record: InteractionRecord;
  expiresAt: Time;
}

/** Pending interactions by id. */
export const interactionTable = (): Table<InteractionStore> & Scannable<InteractionRecord> => {
  const rows = new Map<string, Row>();
  return {
    port: {
      save: (record) =>
        atomically(() => {
          rows.set(record.id, { record: Object.freeze({ ...record }), expiresAt: encodeTime(record.expiresAt) });
        }),
      find: (id) => atomically(() => O.fromNullable(rows.get(id)?.record)),
      /** Finishes an interaction at most once: the test of `finishedAt` and its setting are one synchronous step. */
      finish: (id, now) =>
        atomically(() => {
          const row = rows.get(id);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const record = row.record;
          if (record.finishedAt !== undefined) return { _tag: 'AlreadyConsumed' as const, record };
          row.record = Object.freeze({ ...record, finishedAt: now });
          return { _tag: 'Consumed' as const, record };
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget),
    size: () => rows.size,
    scan: () => [...rows.values()].map((row) => row.record),
    deleteWhere: (match) => deleteMatching(rows, (_k, row) => match(row.record)),
  };
};
