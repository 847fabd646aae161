import * as O from 'fp-ts/lib/Option.js';
import type { DeviceCodeRecord, DeviceCodeStore } from '@grantor/core/extend';
import { atomically, isExpired, encodeTime, type Time } from '../compact.js';
import { deleteMatching, sweepMap, type Scannable, type Table } from './table.js';

interface Row {
  record: DeviceCodeRecord;
  expiresAt: Time;
}

/** RFC 8628 device authorizations by device-code hash, with a user-code-hash index for the verification page. */
export const deviceCodeTable = (): Table<DeviceCodeStore> & Scannable<DeviceCodeRecord> => {
  const rows = new Map<string, Row>();
  const byUserCode = new Map<string, string>();

  const unindex = (deviceCodeHash: string, row: Row): void => {
    if (byUserCode.get(row.record.userCodeHash) === deviceCodeHash) byUserCode.delete(row.record.userCodeHash);
  };

  return {
    port: {
      save: (record) =>
        atomically(() => {
          const previous = rows.get(record.deviceCodeHash);
          if (previous !== undefined) unindex(record.deviceCodeHash, previous);
          rows.set(record.deviceCodeHash, { record: Object.freeze({ ...record }), expiresAt: encodeTime(record.expiresAt) });
          byUserCode.set(record.userCodeHash, record.deviceCodeHash);
        }),
      findByUserCode: (userCodeHash) =>
        atomically(() => {
          const deviceCodeHash = byUserCode.get(userCodeHash);
          return O.fromNullable(deviceCodeHash === undefined ? undefined : rows.get(deviceCodeHash)?.record);
        }),
      /** RFC 8628 §3.3: the user approves or denies a pending authorization once; later decisions change nothing. */
      decide: (userCodeHash, decision) =>
        atomically(() => {
          const deviceCodeHash = byUserCode.get(userCodeHash);
          const row = deviceCodeHash === undefined ? undefined : rows.get(deviceCodeHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const record = row.record;
          if (record.status !== 'pending') return { _tag: 'AlreadyConsumed' as const, record };
          row.record = Object.freeze<DeviceCodeRecord>(
            decision.approved
              ? { ...record, status: 'approved', subject: decision.subject, grantedScope: [...decision.scope], authTime: decision.authTime }
              : { ...record, status: 'denied' },
          );
          return { _tag: 'Consumed' as const, record };
        }),
      /** RFC 8628 §3.5: records the poll instant and the interval the core decided on; returns the prior record. */
      poll: (deviceCodeHash, now, interval) =>
        atomically(() => {
          const row = rows.get(deviceCodeHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const previous = row.record;
          row.record = Object.freeze({ ...previous, lastPolledAt: now, interval });
          return { _tag: 'Polled' as const, previous };
        }),
      /**
       * RFC 8628 §3.5: exactly one poll receives the tokens of an approved authorization. Any other status is
       * reported as `AlreadyConsumed` with the record unchanged, so the core can tell pending, denied and consumed.
       */
      consume: (deviceCodeHash) =>
        atomically(() => {
          const row = rows.get(deviceCodeHash);
          if (row === undefined) return { _tag: 'NotFound' as const };
          const record = row.record;
          if (record.status !== 'approved') return { _tag: 'AlreadyConsumed' as const, record };
          row.record = Object.freeze<DeviceCodeRecord>({ ...record, status: 'consumed' });
          return { _tag: 'Consumed' as const, record };
        }),
    },
    sweep: (now, budget) => sweepMap(rows, (row) => isExpired(row.expiresAt, now), budget, unindex),
    size: () => rows.size,
    scan: () => [...rows.values()].map((row) => row.record),
    deleteWhere: (match) => deleteMatching(rows, (_k, row) => match(row.record), unindex),
  };
};
